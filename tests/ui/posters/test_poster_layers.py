"""GUI: adding, duplicating, deleting and rotating layers in the 海报 designer."""

from __future__ import annotations

import math

import pytest
import zxingcpp
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QListWidget, QMenu, QToolButton

from core.posters.builtin import SAMPLE_DATA
from core.posters.render import PosterRenderer
from core.posters.template import QrLayer, TextLayer
from tests.ui.posters.conftest import select, settle
from ui.posters.canvas import ROTATION_STEM_PX, RotationHandle, snap_angle


def add(designer, kind: str) -> None:
    menu = designer.findChild(QMenu, "posterLayerAddMenu")
    menu.findChild(QAction, f"posterAdd_{kind}").trigger()


def test_each_kind_of_layer_can_be_added_centred_named_and_undone(designer, qtbot):
    before = designer.template
    for kind in ("text", "image", "qr", "avatar", "shape"):
        count = len(designer.template.layers)
        add(designer, kind)
        assert len(designer.template.layers) == count + 1
        layer = designer.template.layers[designer.selected]
        assert layer.kind == kind
        # Centred on the canvas, inside it.
        assert abs(layer.x + layer.width / 2 - designer.template.width / 2) <= 1
        assert abs(layer.y + layer.height / 2 - designer.template.height / 2) <= 1
    names = [layer.name for layer in designer.template.layers]
    assert len(names) == len(set(names)), names
    settle(qtbot, designer)
    for _ in range(5):
        designer.undo_stack.undo()
    assert designer.template == before
    settle(qtbot, designer)


def test_an_added_qr_layer_renders_a_code_that_scans(designer, qtbot):
    add(designer, "qr")
    layer = designer.template.layers[designer.selected]
    assert isinstance(layer, QrLayer)
    settle(qtbot, designer)
    image = PosterRenderer(designer.template, designer.assets).render(SAMPLE_DATA).image
    box = image.crop((layer.x, layer.y, layer.x + layer.width, layer.y + layer.height))
    decoded = {result.text for result in zxingcpp.read_barcodes(box)}
    assert any(SAMPLE_DATA["邀请码"] in text for text in decoded), decoded


def test_a_second_text_layer_with_the_same_name_gets_a_number(designer):
    add(designer, "text")
    first = designer.template.layers[designer.selected].name
    add(designer, "text")
    second = designer.template.layers[designer.selected].name
    assert first != second and second.startswith(first)


def test_duplicate_puts_an_offset_copy_in_front_and_ctrl_d_does_the_same(designer, qtbot):
    index = select(designer, "标题")
    original = designer.template.layers[index]
    designer.findChild(QToolButton, "posterLayerDuplicate").click()
    assert designer.selected == index + 1
    copy = designer.template.layers[index + 1]
    assert isinstance(copy, TextLayer) and copy.text == original.text
    assert copy.x > original.x and copy.y > original.y
    assert copy.name != original.name
    count = len(designer.template.layers)
    designer.findChild(QAction, "posterDuplicateLayer").trigger()
    assert len(designer.template.layers) == count + 1
    settle(qtbot, designer)


def test_the_background_cannot_be_duplicated(designer):
    designer.select_layer(0)
    assert designer.template.layers[0].kind == "background"
    assert not designer.findChild(QToolButton, "posterLayerDuplicate").isEnabled()
    count = len(designer.template.layers)
    designer.duplicate_layer(0)
    assert len(designer.template.layers) == count


def test_delete_removes_the_layer_from_the_render_and_undo_brings_it_back(designer, qtbot):
    index = select(designer, "标题")
    layer = designer.template.layers[index]
    count = len(designer.template.layers)
    designer.findChild(QToolButton, "posterLayerDelete").click()
    assert len(designer.template.layers) == count - 1
    assert layer not in designer.template.layers
    assert designer.selected == index - 1
    rows = designer.findChild(QListWidget, "posterLayers")
    assert rows.count() == count - 1
    settle(qtbot, designer)
    designer.undo_stack.undo()
    assert designer.template.layers[index] == layer
    settle(qtbot, designer)


def test_the_delete_key_on_the_canvas_deletes_but_not_a_locked_layer(designer, qtbot):
    index = select(designer, "标题")
    count = len(designer.template.layers)
    designer.canvas.setFocus()
    qtbot.keyClick(designer.canvas, Qt.Key.Key_Delete)
    assert len(designer.template.layers) == count - 1
    designer.undo_stack.undo()
    designer._toggle_lock(index)
    select(designer, "标题")
    designer.canvas.setFocus()
    qtbot.keyClick(designer.canvas, Qt.Key.Key_Delete)
    assert len(designer.template.layers) == count
    assert "锁定" in designer.status.text()
    settle(qtbot, designer)


def test_dragging_the_rotation_handle_rotates_the_layer_about_its_centre(designer, qtbot):
    index = select(designer, "标题")
    layer = designer.template.layers[index]
    canvas = designer.canvas
    canvas.set_zoom(0.5)
    item = canvas.item_for(index)
    canvas.centerOn(item)
    handle = next(h for h in item.childItems() if isinstance(h, RotationHandle))
    # The handle is drawn in screen pixels, ROTATION_STEM_PX above the middle of the top edge.
    start = canvas.mapFromScene(handle.scenePos()) - QPoint(0, ROTATION_STEM_PX)
    centre = canvas.mapFromScene(item.mapToScene(item.rect().center()))
    # Drag the handle to the right of the centre, a little below: about 100° clockwise.
    radius = (start - centre).manhattanLength()
    end = centre + QPoint(radius, round(radius * math.tan(math.radians(10))))
    viewport = canvas.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 6):
        qtbot.mouseMove(viewport, start + (end - start) * step / 5)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)
    rotated = designer.template.layers[index]
    assert 95 <= rotated.rotation <= 105, rotated.rotation
    assert (rotated.x, rotated.y, rotated.width) == (layer.x, layer.y, layer.width)
    settle(qtbot, designer)
    designer.undo_stack.undo()
    assert designer.template.layers[index].rotation == layer.rotation
    settle(qtbot, designer)


@pytest.mark.parametrize(
    ("degrees", "modifiers", "expected"),
    [
        (92.0, Qt.KeyboardModifier.NoModifier, 90),  # near a right angle: snaps
        (92.0, Qt.KeyboardModifier.AltModifier, 92.0),  # Alt: no snapping
        (37.0, Qt.KeyboardModifier.ShiftModifier, 30),  # Shift: 15° steps
        (181.0, Qt.KeyboardModifier.NoModifier, 180),
        (200.0, Qt.KeyboardModifier.NoModifier, -160),  # kept in (-180, 180]
        (-47.3, Qt.KeyboardModifier.NoModifier, -47.3),
    ],
)
def test_snap_angle(degrees, modifiers, expected):
    assert snap_angle(degrees, modifiers) == pytest.approx(expected)


def test_a_qr_code_too_small_or_too_pale_is_flagged_on_the_canvas(designer, qtbot):
    add(designer, "qr")
    index = designer.selected
    settle(qtbot, designer)
    assert designer.canvas.layer_warning(index) == ""
    designer._properties_edited({"width": 120, "height": 120}, None)
    settle(qtbot, designer)
    warning = designer.canvas.layer_warning(index)
    assert "太小" in warning, warning
    assert warning in designer.canvas.item_for(index).toolTip()
    assert "太小" in designer.status.text()
    designer.undo_stack.undo()
    designer._properties_edited({"dark": "#c8c8c8"}, None)
    settle(qtbot, designer)
    assert "对比度" in designer.canvas.layer_warning(index)
    designer.undo_stack.undo()
    settle(qtbot, designer)
    assert designer.canvas.layer_warning(index) == ""


def test_the_qr_source_choice_sets_the_content_and_the_preview_scans_to_it(designer, qtbot):
    from PySide6.QtWidgets import QComboBox, QLineEdit

    add(designer, "qr")
    index = designer.selected
    source = designer.findChild(QComboBox, "posterQrSource")
    assert source.currentData() == "{邀请链接}"  # a new QR layer holds the invite link
    group = source.findData("{群二维码}")
    source.setCurrentIndex(group)
    source.activated.emit(group)
    assert designer.template.layers[index].content == "{群二维码}"
    settle(qtbot, designer)
    contents = [qr.content for qr in designer.last_render.qr_codes]
    assert SAMPLE_DATA["群二维码"] in contents
    assert designer.last_check.ok
    # Typing fixed content shows as 固定内容.
    content = designer.findChild(QLineEdit, "posterQrContent")
    content.setText("https://example.com/店铺")
    content.editingFinished.emit()
    assert designer.template.layers[index].content == "https://example.com/店铺"
    assert source.currentData() == ""
    settle(qtbot, designer)


def test_a_new_layer_goes_on_top_and_a_code_put_under_a_card_is_reported_covered(designer, qtbot):
    from PySide6.QtWidgets import QToolButton

    select(designer, "背景")  # whatever is selected, a new layer must not land under the cards
    add(designer, "qr")
    index = designer.selected
    assert index == len(designer.template.layers) - 1
    designer._properties_edited({"y": 1000}, None)  # over the white 福利卡片
    settle(qtbot, designer)
    assert designer.last_check.ok
    assert designer.canvas.layer_warning(index) == ""
    down = designer.findChild(QToolButton, "posterLayerDown")
    while designer.selected > 1:  # just above the background: under every card
        down.click()
    settle(qtbot, designer)
    warning = designer.canvas.layer_warning(1)
    assert "被其他图层遮住" in warning and "福利卡片" in warning, warning
    status = designer.status.text()
    assert "被其他图层遮住" in status
    for wrong in ("颜色反了", "对比度", "无法识别"):
        assert wrong not in status and wrong not in warning, (wrong, status)
