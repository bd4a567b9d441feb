"""GUI: the 海报 designer — the canvas shows the core render; edits, undo, layers, save-as."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QAction, QImage
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
)

from core.members.editing import refresh_search_keys
from core.posters.builtin import SAMPLE_DATA, load_builtin
from core.posters.render import PosterRenderer
from core.posters.store import get_template
from core.posters.template import TextLayer
from db.models import Member
from tests.core.tiers.helpers import community, member
from tests.ui.conftest import when_shown
from tests.ui.posters.conftest import digest, select, settle
from ui.posters.live_render import pil_to_qimage


def core_image(template, assets, data=SAMPLE_DATA) -> QImage:
    return pil_to_qimage(PosterRenderer(template, assets).render(data).image)


def test_the_canvas_shows_the_core_renderers_output(designer, qtbot):
    templates = designer.findChild(QListWidget, "posterTemplates")
    keys = designer.templates.template_keys()
    assert keys[:5] == ["welcome", "invite", "groupbuy", "checkin", "event"]
    # Open another built-in template by clicking it in the list.
    row = next(r for r in range(templates.count()) if templates.item(r).data(256) == "invite")
    templates.setCurrentRow(row)
    settle(qtbot, designer)
    assert designer.key == "invite"
    template, assets = load_builtin("invite")
    expected = core_image(template, assets)
    shown = designer.canvas.background_image()
    assert (shown.width(), shown.height()) == (1080, 1920)
    for x, y in ((10, 10), (540, 960), (300, 1500), (1070, 1910)):
        assert shown.pixelColor(x, y) == expected.pixelColor(x, y)
    assert digest(shown) == digest(expected)


def test_position_set_in_the_property_panel_moves_the_layer_and_undo_redo_restore(designer, qtbot):
    index = select(designer, "标题")
    before = designer.template
    before_image = designer.canvas.background_image()
    original_x = before.layers[index].x
    designer.findChild(QDoubleSpinBox, "posterX").setValue(original_x + 120)
    settle(qtbot, designer)
    assert designer.template.layers[index].x == original_x + 120
    assert before.layers[index].x == original_x  # the old template is untouched
    moved = designer.canvas.background_image()
    assert digest(moved) != digest(before_image)
    assert digest(moved) == digest(core_image(designer.template, designer.assets))
    item = designer.canvas.item_for(index)
    assert item.pos().x() == original_x + 120

    undo = designer.findChild(QAction, "posterUndo")
    redo = designer.findChild(QAction, "posterRedo")
    undo.trigger()
    settle(qtbot, designer)
    assert designer.template == before
    assert designer.findChild(QDoubleSpinBox, "posterX").value() == original_x
    assert digest(designer.canvas.background_image()) == digest(before_image)
    redo.trigger()
    settle(qtbot, designer)
    assert designer.template.layers[index].x == original_x + 120
    assert undo.shortcut().toString() == "Ctrl+Z"
    assert "Ctrl+Shift+Z" in [s.toString() for s in redo.shortcuts()]


def test_dragging_a_box_on_the_canvas_moves_the_layer_unless_it_is_locked(designer, qtbot):
    index = select(designer, "标题")
    layer = designer.template.layers[index]
    item = designer.canvas.item_for(index)
    # What a finished drag reports: the box's new place.
    item.setPos(item.pos() + QPointF(33, 0))
    item.report()
    assert designer.template.layers[index].x == layer.x + 33

    designer.findChild(QToolButton, "posterLayerLock").click()
    assert designer.template.layers[index].locked
    item = designer.canvas.item_for(index)
    assert not item.flags() & item.GraphicsItemFlag.ItemIsMovable
    assert designer.findChild(QDoubleSpinBox, "posterX").isEnabled() is False
    item.setPos(item.pos() + QPointF(50, 50))
    item.report()
    assert designer.template.layers[index].x == layer.x + 33
    assert designer.canvas.item_for(index).pos().x() == layer.x + 33  # the box went back
    settle(qtbot, designer)


def test_hiding_a_layer_removes_it_from_the_render(designer, qtbot):
    index = select(designer, "邀请二维码")
    assert designer.last_render.qr_codes
    designer.findChild(QToolButton, "posterLayerVisible").click()
    settle(qtbot, designer)
    assert not designer.template.layers[index].visible
    assert designer.last_render.qr_codes == []
    assert designer.canvas.item_for(index) is None
    expected = core_image(designer.template, designer.assets)
    assert digest(designer.canvas.background_image()) == digest(expected)
    assert "隐藏" in designer.findChild(QListWidget, "posterLayers").currentItem().text()


def test_reordering_moves_the_layer_and_keeps_it_selected(designer, qtbot):
    index = select(designer, "标题")
    name_below = designer.template.layers[index - 1].name
    designer.findChild(QToolButton, "posterLayerDown").click()
    assert designer.template.layers[index - 1].name == "标题"
    assert designer.template.layers[index].name == name_below
    assert designer.selected == index - 1
    designer.findChild(QToolButton, "posterLayerUp").click()
    designer.findChild(QToolButton, "posterLayerUp").click()
    assert designer.template.layers[index + 1].name == "标题"
    designer.undo_stack.undo()
    designer.undo_stack.undo()
    assert designer.template.layers[index - 1].name == "标题"
    designer.undo_stack.undo()
    assert designer.template.layers[index].name == "标题"
    assert designer.selected == index
    settle(qtbot, designer)


def test_save_as_stores_the_template_and_it_reopens(designer, qtbot, sqlite_database):
    index = select(designer, "标题")
    designer.findChild(QDoubleSpinBox, "posterFontSize").setValue(64)

    def answer(dialog: QInputDialog) -> None:
        dialog.setTextValue("春季迎新海报")
        dialog.accept()

    when_shown("posterSaveAsDialog", answer)
    designer.findChild(QPushButton, "posterSaveAs").click()
    assert designer.undo_stack.isClean()
    with sqlite_database.session() as session:
        stored = get_template(session, "春季迎新海报")
    assert not stored.info.builtin
    assert stored.template.layers[index].font_size == 64
    assert stored.info.key in designer.templates.template_keys()

    # A second save under the same name is refused with a clear message.
    messages = []

    def read(box) -> None:
        messages.append(box.text())
        box.accept()

    when_shown("user_error_dialog", read)
    assert designer.save_as("春季迎新海报") is False
    assert "已有名为「春季迎新海报」的模板" in messages[0]

    designer.open_template("welcome")
    settle(qtbot, designer)
    assert designer.template.layers[index].font_size != 64
    designer.open_template(stored.info.key)
    settle(qtbot, designer)
    assert designer.template.name == "春季迎新海报"
    assert designer.template.layers[index].font_size == 64
    assert digest(designer.canvas.background_image()) == digest(
        core_image(stored.template, stored.assets)
    )


def test_a_risky_phrase_typed_into_a_text_layer_is_listed_with_its_reason(designer, qtbot):
    warnings = designer.findChild(QLabel, "posterCopyWarnings")
    assert not warnings.isVisible()
    index = select(designer, "标题")
    designer.findChild(QPlainTextEdit, "posterText").setPlainText("转发到朋友圈即可领取礼品")
    assert designer.template.layers[index].text == "转发到朋友圈即可领取礼品"
    assert isinstance(designer.template.layers[index], TextLayer)
    assert warnings.isVisible()
    assert "转发到朋友圈即可领取" in warnings.text()
    assert "诱导分享" in warnings.text()
    assert "标题" in warnings.text()
    # On the canvas the phrase is underlined under its glyphs, with the reason as tooltip.
    marks = designer.canvas.copy_mark_items()
    assert marks and all(mark.parentItem() is designer.canvas.item_for(index) for mark in marks)
    assert all("诱导分享" in mark.toolTip() for mark in marks)
    layer = designer.template.layers[index]
    for mark in marks:
        underline = mark.path().boundingRect()
        assert 0 <= underline.left() < underline.right() <= layer.width + 1
        assert underline.width() < layer.width  # under the phrase, not the whole line
    designer.undo_stack.undo()  # typing is one undo step
    assert not warnings.isVisible()
    assert designer.canvas.copy_mark_items() == []
    settle(qtbot, designer)


def test_new_poster_from_a_canvas_preset(designer, qtbot):
    designer.templates.new_requested.emit(750, 1334, 72)
    settle(qtbot, designer)
    assert (designer.template.width, designer.template.height) == (750, 1334)
    assert designer.key is None
    image = designer.canvas.background_image()
    assert (image.width(), image.height()) == (750, 1334)


def test_new_poster_of_a_custom_size_and_a_too_big_one_refused(designer, qtbot):
    from PySide6.QtWidgets import QDialogButtonBox, QSpinBox

    seen = {}

    def fill(dialog) -> None:
        width = dialog.findChild(QSpinBox, "posterCanvasWidth")
        height = dialog.findChild(QSpinBox, "posterCanvasHeight")
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        width.setValue(9000)
        height.setValue(9000)  # 81 M pixels: over the limit
        seen["refused"] = not ok.isEnabled()
        seen["note"] = dialog.findChild(QLabel, "posterCanvasNote").text()
        width.setValue(1242)
        height.setValue(2208)
        seen["allowed"] = ok.isEnabled()
        ok.click()

    when_shown("posterCanvasSizeDialog", fill)
    designer.findChild(QAction, "posterNew_custom").trigger()
    assert seen == {"refused": True, "note": seen["note"], "allowed": True}
    assert "太大" in seen["note"]
    settle(qtbot, designer)
    assert (designer.template.width, designer.template.height, designer.template.dpi) == (
        1242,
        2208,
        72,
    )


def test_previewing_with_a_member_uses_their_fields(designer, qtbot, sqlite_database):
    with sqlite_database.session() as session:
        cid = community(session, "晨跑群")
        mid = member(session, cid, "阿强")
        session.commit()
    designer.preview.refresh()
    designer.preview.choose_member(mid)
    settle(qtbot, designer)
    fields = designer.preview.fields()
    assert fields["昵称"] == "阿强"
    assert fields["社群名"] == "晨跑群"
    qr_contents = [qr.content for qr in designer.last_render.qr_codes]
    assert fields["邀请链接"] in qr_contents or fields["邀请码"] in "".join(qr_contents)
    expected = core_image(designer.template, designer.assets, fields)
    assert digest(designer.canvas.background_image()) == digest(expected)


def test_screenshot_is_roomy(designer, qtbot, tmp_path):
    select(designer, "标题")
    designer.grab().save(str(tmp_path / "designer.png"))
    assert designer.findChild(QListWidget, "posterLayers").width() >= 200
    assert designer.canvas.width() >= 500


def test_a_mouse_drag_moves_the_layer_and_snaps_to_the_canvas_centre(designer, qtbot):
    index = select(designer, "邀请二维码")
    layer = designer.template.layers[index]
    canvas = designer.canvas
    canvas.set_zoom(0.5)
    item = canvas.item_for(index)
    canvas.centerOn(item)
    viewport = canvas.viewport()
    start = canvas.mapFromScene(item.sceneBoundingRect().center())
    # The box's centre is put 3 canvas px (1.5 screen px) right of the canvas centre: it snaps.
    target_x = designer.template.width / 2 + 3
    shift = (target_x - item.sceneBoundingRect().center().x()) * 0.5
    end = start + QPoint(round(shift), 40)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 6):
        qtbot.mouseMove(viewport, start + (end - start) * step / 5)
    assert canvas._vguide.isVisible()  # the guide shows while dragging
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)
    moved = designer.template.layers[index]
    assert moved.x + moved.width / 2 == designer.template.width / 2
    assert moved.y != layer.y
    assert not canvas._vguide.isVisible()
    designer.undo_stack.undo()
    assert designer.template.layers[index] == layer
    settle(qtbot, designer)


def test_ctrl_wheel_zooms_and_fit_shows_the_whole_poster(designer, qtbot):
    canvas = designer.canvas
    fitted = canvas.zoom()
    designer.findChild(QAction, "posterZoom100").trigger()
    assert canvas.zoom() == 1
    assert designer.findChild(QLabel, "posterZoomLabel").text() == "100%"
    designer.findChild(QAction, "posterZoomFit").trigger()
    assert abs(canvas.zoom() - fitted) < 1e-6
    canvas.zoom_by(1.15)
    assert canvas.zoom() > fitted


def test_text_and_qr_properties_edit_the_layer(designer, qtbot):
    from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit

    index = select(designer, "标题")
    color = designer.findChild(QLineEdit, "posterTextColor")
    color.setText("#123456")
    color.editingFinished.emit()
    designer.findChild(QCheckBox, "posterBold").setChecked(False)
    align = designer.findChild(QComboBox, "posterAlign")
    align.setCurrentIndex(align.findData("right"))
    layer = designer.template.layers[index]
    assert (layer.color, layer.bold, layer.align) == ("#123456", False, "right")
    color.setText("不是颜色")
    color.editingFinished.emit()
    assert designer.template.layers[index].color == "#123456"
    assert color.text() == "#123456"

    qr = select(designer, "邀请二维码")
    level = designer.findChild(QComboBox, "posterQrLevel")
    level.setCurrentIndex(level.findData("H"))
    content = designer.findChild(QLineEdit, "posterQrContent")
    content.setText("{邀请码}")
    content.editingFinished.emit()
    assert designer.template.layers[qr].error_correction == "H"
    assert designer.template.layers[qr].content == "{邀请码}"
    settle(qtbot, designer)
    assert [c.content for c in designer.last_render.qr_codes] == [SAMPLE_DATA["邀请码"]]
    assert designer.last_render.qr_codes[0].error_correction == "H"

    shape = select(designer, "二维码卡片")
    fill = designer.findChild(QLineEdit, "posterFill")
    fill.setText("#ffeecc")
    fill.editingFinished.emit()
    assert designer.template.layers[shape].fill == "#ffeecc"
    settle(qtbot, designer)


def test_opening_another_template_asks_before_dropping_unsaved_edits(designer, qtbot):
    from PySide6.QtWidgets import QMessageBox

    index = select(designer, "标题")
    designer.findChild(QDoubleSpinBox, "posterY").setValue(300)
    when_shown("posterDiscardDialog", lambda box: box.reject())
    assert designer.open_template("invite") is False
    assert designer.key == "welcome"
    assert designer.template.layers[index].y == 300
    assert designer.templates.current_key() == "welcome"

    def discard(box: QMessageBox) -> None:
        box.button(QMessageBox.StandardButton.Discard).click()

    when_shown("posterDiscardDialog", discard)
    assert designer.open_template("invite") is True
    assert designer.key == "invite"
    settle(qtbot, designer)


def test_arrow_keys_nudge_the_selected_layer_as_one_undo_step(designer, qtbot):
    index = select(designer, "标题")
    x = designer.template.layers[index].x
    designer.canvas.setFocus()
    qtbot.keyClick(designer.canvas, Qt.Key.Key_Right)
    qtbot.keyClick(designer.canvas, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert designer.template.layers[index].x == x + 11
    designer.undo_stack.undo()
    assert designer.template.layers[index].x == x
    settle(qtbot, designer)


def test_dragging_a_corner_handle_resizes_the_layer(designer, qtbot):
    index = select(designer, "标题")
    layer = designer.template.layers[index]
    canvas = designer.canvas
    canvas.set_zoom(0.5)
    item = canvas.item_for(index)
    canvas.centerOn(item)
    corner = canvas.mapFromScene(item.mapToScene(item.rect().bottomRight()))
    end = corner + QPoint(-30, 24)  # 60 × 48 canvas px at 50 %
    viewport = canvas.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=corner)
    for step in range(1, 5):
        qtbot.mouseMove(viewport, corner + (end - corner) * step / 4)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)
    resized = designer.template.layers[index]
    assert (resized.x, resized.y) == (layer.x, layer.y)
    # The moving edges may snap to a guide within the snapping distance.
    assert abs(resized.width - (layer.width - 60)) <= canvas.snap_threshold()
    assert abs(resized.height - (layer.height + 48)) <= canvas.snap_threshold()
    assert resized.width < layer.width and resized.height > layer.height
    settle(qtbot, designer)


def test_the_preview_search_finds_members_beyond_the_first_200(designer, qtbot, sqlite_database):
    with sqlite_database.session() as session:
        cid = community(session, "晨跑群")
        for number in range(205):
            member(session, cid, f"一{number:03d}")
        wanted = member(session, cid, "张小凡")
        refresh_search_keys(session, session.get(Member, wanted))  # what every edit does
        session.commit()
    designer.preview.refresh()
    assert designer.preview.findData(wanted) == -1  # not among the 200 listed
    search = designer.findChild(QLineEdit, "posterPreviewSearch")
    qtbot.keyClicks(search, "zxf")  # pinyin initials, as in the members tab
    qtbot.waitUntil(lambda: designer.preview.currentData() == wanted, timeout=60_000)
    settle(qtbot, designer)
    assert designer.preview.fields()["昵称"] == "张小凡"
    search.clear()
    qtbot.waitUntil(lambda: designer.preview.count() == 201, timeout=60_000)
    assert designer.preview.currentData() is None or designer.preview.findData(wanted) == -1
    settle(qtbot, designer)


def test_the_batch_button_opens_the_batch_dialog_with_the_poster_as_shown(designer, qtbot):
    from PySide6.QtWidgets import QDialog

    index = select(designer, "标题")
    designer.properties.edited.emit({"text": "十一月打卡"}, None)
    designer.findChild(QPushButton, "posterBulk").click()
    dialog = designer.findChild(QDialog, "bulkPosterDialog")
    assert dialog is not None and dialog.isVisible()
    assert dialog.template.layers[index].text == "十一月打卡"  # unsaved edits included
    dialog.close()
    settle(qtbot, designer)
