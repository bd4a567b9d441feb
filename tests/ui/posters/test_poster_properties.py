"""GUI: the 海报 property panel — every field edits the layer (undoably), gradients, pictures,
fonts; edits go through the real designer and the real renderer."""

from __future__ import annotations

import hashlib
import io
import shutil
import struct
import zlib
from pathlib import Path

import pytest
import zxingcpp
from fontTools import subset
from fontTools.ttLib import TTFont
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolButton,
    QWidget,
)

from core.common.fonts import bundled_font_path
from core.posters import fonts
from core.posters.assets import NAME_DIGITS
from core.posters.template import Gradient, Shadow, dump_template, load_template
from tests.ui.conftest import when_shown
from tests.ui.posters.conftest import select, settle


@pytest.fixture
def designer(designer):
    """The designer with the panel's new pictures stored, as designer.py will wire it."""
    designer.properties.asset_added.connect(
        lambda name, data: designer.assets.__setitem__(name, data)
    )
    return designer


def add(designer, kind: str) -> int:
    designer.findChild(QMenu, "posterLayerAddMenu").findChild(
        QAction, f"posterAdd_{kind}"
    ).trigger()
    return designer.selected


def set_field(designer, object_name: str, value) -> None:
    """Edit a field the way the operator finishes an edit in it."""
    widget = designer.findChild(QWidget, object_name)
    assert widget is not None, object_name
    assert widget.isVisibleTo(designer.properties), f"{object_name} is hidden"
    if isinstance(widget, QDoubleSpinBox):
        widget.setValue(value)
    elif isinstance(widget, QComboBox):
        index = widget.findData(value)
        assert index >= 0, (object_name, value)
        widget.setCurrentIndex(index)
    elif isinstance(widget, QCheckBox):
        widget.setChecked(value)
    elif isinstance(widget, QLineEdit):
        widget.setText(value)
        widget.editingFinished.emit()
    else:
        raise AssertionError(type(widget))


def pixel(designer, x: int, y: int) -> tuple[int, int, int]:
    return designer.last_render.image.getpixel((x, y))[:3]


def near(color, expected, tolerance: int = 12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(color, expected, strict=True))


# ---------------------------------------------------------------------- every field


FIELD_CASES = [
    # layer, field widget, value typed, layer field, value stored
    ("标题", "posterMinFontSize", 20, "min_font_size", 20),
    ("标题", "posterLineSpacing", 1.6, "line_spacing", 1.6),
    ("标题", "posterLetterSpacing", 4, "letter_spacing", 4),
    ("标题", "posterValign", "bottom", "valign", "bottom"),
    ("标题", "posterTextStrokeWidth", 3, "stroke_width", 3),
    ("标题", "posterTextStrokeColor", "#112233", "stroke_color", "#112233"),
    ("邀请二维码", "posterQrDark", "#1a237e", "dark", "#1a237e"),
    ("邀请二维码", "posterQrLight", "#fff8e1", "light", "#fff8e1"),
    ("邀请二维码", "posterQrQuietZone", 6, "quiet_zone", 6),
    ("头像", "posterAvatarShape", "rounded", "shape", "rounded"),
    ("头像", "posterAvatarBorderWidth", 6, "border_width", 6),
    ("头像", "posterAvatarBorderColor", "#ff0000", "border_color", "#ff0000"),
    ("头像", "posterAvatarFallbackText", "{社群名}", "fallback_text", "{社群名}"),
    ("头像", "posterAvatarFallbackColor", "#00aa00", "fallback_color", "#00aa00"),
    ("二维码卡片", "posterShapeKind", "circle", "shape", "circle"),
    ("二维码卡片", "posterShapeRadius", 10, "radius", 10),
    ("二维码卡片", "posterStrokeWidth", 5, "stroke_width", 5),
    ("二维码卡片", "posterShapeShadow", False, "shadow", None),
    ("shape", "posterShapeShadow", True, "shadow", Shadow()),
    ("二维码卡片", "posterFillMode", "none", "fill", None),
    ("背景", "posterFill", "#102030", "fill", "#102030"),
    ("image", "posterImageFit", "contain", "fit", "contain"),
    ("image", "posterImageRadius", 12, "radius", 12),
]


@pytest.mark.parametrize(("layer", "widget", "value", "field", "stored"), FIELD_CASES)
def test_each_field_edits_the_layer_and_undo_restores_it(
    designer, qtbot, layer, widget, value, field, stored
):
    index = add(designer, layer) if layer in ("image", "shape") else select(designer, layer)
    before = designer.template
    assert getattr(before.layers[index], field) != stored
    steps = designer.undo_stack.count()

    set_field(designer, widget, value)

    edited = designer.template.layers[index]
    assert getattr(edited, field) == stored
    # What the panel stored is what a saved template reads back.
    assert load_template(dump_template(designer.template)).layers[index] == edited
    assert designer.undo_stack.count() == steps + 1
    settle(qtbot, designer)
    assert designer.render_error == ""
    designer.undo_stack.undo()
    assert designer.template == before
    # The panel shows the restored value again.
    designer.undo_stack.redo()
    assert getattr(designer.template.layers[index], field) == stored
    settle(qtbot, designer)


def test_an_outline_colour_or_width_alone_still_draws_an_outline(designer):
    title = select(designer, "标题")
    assert designer.template.layers[title].stroke_width == 0
    set_field(designer, "posterTextStrokeColor", "#000000")
    assert designer.template.layers[title].stroke_width > 0
    card = select(designer, "二维码卡片")
    assert not designer.template.layers[card].stroke
    set_field(designer, "posterStrokeWidth", 3)
    assert designer.template.layers[card].stroke  # a width alone gets a colour


def test_radius_rows_show_only_for_rounded_shapes(designer):
    select(designer, "头像")
    radius = designer.findChild(QDoubleSpinBox, "posterAvatarRadius")
    panel = designer.properties
    assert designer.template.layers[designer.selected].shape == "circle"
    assert not radius.isVisibleTo(panel)
    set_field(designer, "posterAvatarShape", "rounded")
    assert radius.isVisibleTo(panel)
    set_field(designer, "posterAvatarRadius", 40)
    assert designer.template.layers[designer.selected].radius == 40


def test_min_font_size_cannot_exceed_the_size(designer):
    index = select(designer, "标题")
    size = designer.template.layers[index].font_size
    minimum = designer.findChild(QDoubleSpinBox, "posterMinFontSize")
    assert minimum.maximum() == size
    minimum.setValue(size + 50)
    assert designer.template.layers[index].min_font_size == size


def test_showing_a_layer_reports_no_edit(designer, qtbot):
    add(designer, "image")
    edits = []
    designer.properties.edited.connect(lambda changes, _key: edits.append(changes))
    for index in range(len(designer.template.layers)):
        designer.select_layer(index)
    designer.select_layer(-1)
    assert edits == []
    assert designer.findChild(QLabel, "posterPropertiesEmpty").isVisibleTo(designer.properties)
    settle(qtbot, designer)


# ---------------------------------------------------------------------- gradients


def test_a_gradient_fill_is_edited_and_rendered(designer, qtbot):
    index = add(designer, "shape")
    for name, value in (
        ("posterShapeKind", "rect"),
        ("posterX", 100),
        ("posterY", 100),
        ("posterWidth", 400),
        ("posterHeight", 800),
    ):
        set_field(designer, name, value)
    solid = designer.template

    set_field(designer, "posterFillMode", "gradient")
    fill = designer.template.layers[index].fill
    assert isinstance(fill, Gradient) and len(fill.stops) == 2 and fill.angle == 180
    assert fill.stops[0][1] == solid.layers[index].fill  # starts from the solid colour
    set_field(designer, "posterGradientStop0", "#ff0000")
    set_field(designer, "posterGradientStop1", "#0000ff")
    assert designer.template.layers[index].fill == Gradient(
        ((0.0, "#ff0000"), (1.0, "#0000ff")), 180.0
    )
    preview = designer.findChild(QWidget, "posterGradientPreview")
    assert preview.gradient == designer.template.layers[index].fill
    shown = preview.grab().toImage()
    top = shown.pixelColor(shown.width() // 2, 2)
    bottom = shown.pixelColor(shown.width() // 2, shown.height() - 3)
    assert top.red() > top.blue() and bottom.blue() > bottom.red()
    settle(qtbot, designer)
    assert near(pixel(designer, 300, 104), (255, 0, 0), 16)  # 180°: red at the top
    assert near(pixel(designer, 300, 896), (0, 0, 255), 16)  # blue at the bottom

    set_field(designer, "posterGradientAngle", 90)
    settle(qtbot, designer)
    assert near(pixel(designer, 104, 500), (255, 0, 0), 16)  # 90°: red on the left
    assert near(pixel(designer, 496, 500), (0, 0, 255), 16)

    designer.findChild(QPushButton, "posterGradientAddStop").click()
    stops = designer.template.layers[index].fill.stops
    assert [p for p, _c in stops] == [0.0, 0.5, 1.0]
    set_field(designer, "posterGradientStop1", "#00ff00")
    set_field(designer, "posterGradientStopPos1", 25)
    assert designer.template.layers[index].fill.stops[1] == (0.25, "#00ff00")
    settle(qtbot, designer)
    assert near(pixel(designer, 200, 500), (0, 255, 0), 30)  # a quarter of the way: green
    designer.findChild(QToolButton, "posterGradientStopRemove1").click()
    assert len(designer.template.layers[index].fill.stops) == 2
    assert not designer.findChild(QToolButton, "posterGradientStopRemove0").isEnabled()

    set_field(designer, "posterFillMode", "solid")
    assert designer.template.layers[index].fill == "#ff0000"  # the first stop's colour
    while designer.template != solid:
        designer.undo_stack.undo()
    assert designer.template.layers[index].fill == solid.layers[index].fill
    settle(qtbot, designer)


def test_a_gradient_background_can_be_made(designer, qtbot):
    designer.select_layer(0)
    set_field(designer, "posterFillMode", "gradient")
    set_field(designer, "posterGradientStop0", "#000000")
    set_field(designer, "posterGradientStop1", "#ffffff")
    # A background has no 「无填充」.
    mode = designer.findChild(QComboBox, "posterFillMode")
    assert not mode.model().item(mode.findData("none")).isEnabled()
    designer.select_layer(0)
    designer.findChild(QPushButton, "posterBackgroundImageClear").click()
    assert designer.template.layers[0].image == ""
    settle(qtbot, designer)
    height = designer.template.height
    top, bottom = pixel(designer, 2, 2), pixel(designer, 2, height - 3)
    assert sum(top) < 30 and sum(bottom) > 700


# ---------------------------------------------------------------------- pictures


def logo_file(folder: Path, name: str = "logo.png") -> Path:
    image = Image.new("RGB", (240, 240), (240, 120, 20))
    path = folder / name
    image.save(path)
    return path


def test_a_picked_logo_becomes_an_asset_and_the_code_still_scans(designer, qtbot, tmp_path):
    panel = designer.properties
    index = select(designer, "邀请二维码")
    events = []
    panel.asset_added.connect(lambda name, _data: events.append(("asset", name)))
    panel.edited.connect(lambda changes, _key: events.append(("edited", changes)))
    path = logo_file(tmp_path)
    data = path.read_bytes()
    name = hashlib.sha256(data).hexdigest()[:NAME_DIGITS] + ".png"

    assert panel.pick_image_file("logo", path)

    assert events == [("asset", name), ("edited", {"logo": name})]  # the picture first
    assert designer.assets[name] == data
    assert designer.template.layers[index].logo == name
    level = designer.findChild(QComboBox, "posterQrLevel")
    assert level.currentData() == "H" and not level.isEnabled()
    assert designer.findChild(QLabel, "posterQrLevelNote").isVisibleTo(panel)
    assert name in designer.findChild(QLabel, "posterQrLogoName").text()
    settle(qtbot, designer)
    placed = designer.last_render.qr_codes[0]
    assert placed.error_correction == "H"
    code = designer.last_render.image.crop(placed.box)
    centre = code.getpixel((code.width // 2, code.height // 2))
    assert near(centre, (240, 120, 20), 40)  # the logo is drawn in the middle
    assert [r.text for r in zxingcpp.read_barcodes(code)] == [placed.content]

    # The same picture again, even under another file name, is the same single asset.
    steps = designer.undo_stack.count()
    copy = tmp_path / "same-logo.png"
    shutil.copy(path, copy)
    assert panel.pick_image_file("logo", copy)
    assert designer.undo_stack.count() == steps
    assert list(designer.assets).count(name) == 1

    designer.findChild(QPushButton, "posterQrLogoClear").click()
    assert designer.template.layers[index].logo == ""
    assert level.isEnabled()
    designer.undo_stack.undo()
    assert designer.template.layers[index].logo == name
    settle(qtbot, designer)


def test_picked_pictures_for_image_avatar_and_background(designer, qtbot, tmp_path):
    panel = designer.properties
    path = logo_file(tmp_path, "photo.jpg")
    index = add(designer, "image")
    assert panel.pick_image_file("src", path)
    name = designer.template.layers[index].src
    assert name.endswith(".jpg") and designer.assets[name] == path.read_bytes()
    layer = designer.template.layers[index]
    settle(qtbot, designer)
    centre = (int(layer.x + layer.width / 2), int(layer.y + layer.height / 2))
    assert near(pixel(designer, *centre), (240, 120, 20), 30)

    avatar = select(designer, "头像")
    assert panel.pick_image_file("src", path)
    assert designer.template.layers[avatar].src == name  # the same file: the same asset
    designer.findChild(QPushButton, "posterAvatarSrcClear").click()
    assert designer.template.layers[avatar].src == "{头像}"
    assert not designer.findChild(QPushButton, "posterAvatarSrcClear").isVisibleTo(panel)

    designer.select_layer(0)
    tiff = tmp_path / "scan.tiff"
    Image.open(path).save(tiff)
    assert panel.pick_image_file("image", tiff)
    background = designer.template.layers[0].image
    assert background.endswith(".png")  # a format a template package cannot carry: PNG
    assert Image.open(io.BytesIO(designer.assets[background])).format == "PNG"
    settle(qtbot, designer)
    assert designer.render_error == ""


def bomb_png(path: Path) -> Path:
    """A tiny PNG whose header claims 100000 × 100000 pixels."""
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    header = struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    idat = b"IDAT" + zlib.compress(b"\0" * 64)
    body = struct.pack(">I", len(idat) - 4) + idat + struct.pack(">I", zlib.crc32(idat))
    end = struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + header + body + end)
    return path


@pytest.mark.parametrize("kind", ["garbage", "truncated", "bomb", "missing"])
def test_a_bad_picture_file_is_explained_and_changes_nothing(designer, tmp_path, kind):
    panel = designer.properties
    select(designer, "邀请二维码")
    path = tmp_path / "logo.png"
    if kind == "garbage":
        path.write_bytes(b"this is no picture" * 50)
    elif kind == "truncated":
        good = logo_file(tmp_path, "good.png").read_bytes()
        path.write_bytes(good[: len(good) // 2])
    elif kind == "bomb":
        bomb_png(path)
    before, assets, steps = designer.template, dict(designer.assets), designer.undo_stack.count()
    added = []
    panel.asset_added.connect(lambda name, _data: added.append(name))
    messages = []

    def read(box) -> None:
        messages.append(box.text())
        box.accept()

    when_shown("user_error_dialog", read)
    assert panel.pick_image_file("logo", path) is False

    assert len(messages) == 1 and messages[0]
    assert designer.template is before
    assert designer.assets == assets and added == []
    assert designer.undo_stack.count() == steps
    expected = {
        "garbage": "不是图片",
        "truncated": "损坏",
        "bomb": "尺寸过大",
        "missing": "无法读取",
    }
    assert expected[kind] in messages[0]


# ---------------------------------------------------------------------- fonts


def renamed_font(path: Path, family: str, unicodes=None) -> Path:
    """The bundled face under another family name, cut to `unicodes` when given."""
    font = TTFont(bundled_font_path())
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = family
    if unicodes is not None:
        options = subset.Options()
        options.notdef_outline = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=unicodes)
        subsetter.subset(font)
    font.save(path)
    return path


@pytest.fixture
def machine_fonts(tmp_path, monkeypatch):
    """This machine's fonts are a copy of the bundled face and a Latin-only font."""
    folder = tmp_path / "fonts"
    folder.mkdir()
    chinese = renamed_font(folder / "CopyOfNoto.otf", "Copy Of Noto")
    latin = renamed_font(folder / "Latin.otf", "Test Latin", range(0x20, 0x7F))
    monkeypatch.setattr(fonts, "font_dirs", lambda: [folder])
    fonts.system_fonts(refresh=True)
    yield chinese, latin
    monkeypatch.undo()
    fonts.system_fonts(refresh=True)


def test_the_font_chooser_lists_fonts_with_hanzi_first_and_sets_the_name(
    machine_fonts, designer, qtbot
):
    _chinese, latin = machine_fonts
    index = select(designer, "标题")
    chooser = designer.findChild(QComboBox, "posterFontFamily")
    qtbot.waitUntil(chooser.is_loaded, timeout=60_000)
    labels = [chooser.itemText(i) for i in range(chooser.count())]
    names = [chooser.itemData(i) for i in range(chooser.count())]
    # A font is stored by its name, never by its file: the template may go to another computer.
    assert names[0] == "" and "内置" in labels[0]
    assert names.index("Copy Of Noto") < names.index("Test Latin")
    assert "不含中文" in labels[names.index("Test Latin")]
    assert "不含中文" not in labels[names.index("Copy Of Noto")]
    assert chooser.itemData(names.index("Test Latin"), Qt.ItemDataRole.ToolTipRole) == str(latin)

    chooser.setCurrentIndex(names.index("Copy Of Noto"))
    assert designer.template.layers[index].font_path == "Copy Of Noto"
    settle(qtbot, designer)
    assert designer.render_error == ""
    note = designer.findChild(QLabel, "posterFontNote")
    assert "加粗" in note.text()  # the title is bold: bold applies to the bundled face only

    chooser.setCurrentIndex(names.index("Test Latin"))
    assert designer.template.layers[index].font_path == "Test Latin"
    assert note.isVisibleTo(designer.properties) and "不含中文" in note.text()
    designer.undo_stack.undo()
    designer.undo_stack.undo()
    assert designer.template.layers[index].font_path == ""
    assert chooser.currentIndex() == 0
    settle(qtbot, designer)


def test_a_font_this_machine_lacks_is_shown_as_missing(machine_fonts, designer, qtbot):
    index = select(designer, "标题")
    from ui.posters.edits import with_layer

    gone = "Gone Sans"
    designer.edit("font", with_layer(designer.template, index, font_path=gone), index)
    chooser = designer.findChild(QComboBox, "posterFontFamily")
    qtbot.waitUntil(chooser.is_loaded, timeout=60_000)
    assert chooser.currentData() == gone and "找不到" in chooser.currentText()
    assert "找不到" in designer.findChild(QLabel, "posterFontNote").text()
    settle(qtbot, designer)
    assert "本机没有安装字体「Gone Sans」" in designer.render_error
    assert chooser.currentData() == gone  # still shown after the machine's fonts came
    select(designer, "社群名")  # a layer with the bundled font: the missing one is not listed
    assert chooser.currentData() == ""
    assert not any("找不到" in chooser.itemText(i) for i in range(chooser.count()))
