"""The property panel of the selected layer: box, and what its kind has (text, QR, colours).

The panel never changes a template itself: each finished edit is reported as
`edited(changes, merge_key)` (field name → new value) and the designer makes it an undoable
command. `show_layer` fills the fields without reporting anything.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.common.errors import UserError
from core.posters.template import (
    BackgroundLayer,
    Gradient,
    Layer,
    QrLayer,
    ShapeLayer,
    TextLayer,
    parse_color,
)


class ColorField(QWidget):
    """A hex colour (#rrggbb[aa]) typed or picked; `changed(str)` when a valid one is set."""

    changed = Signal(str)

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setObjectName(object_name)
        self.edit.setPlaceholderText("#RRGGBB")
        self.edit.setMaxLength(9)
        self.swatch = QPushButton()
        self.swatch.setObjectName(object_name + "Pick")
        self.swatch.setFixedSize(28, 24)
        self.swatch.setToolTip(self.tr("选择颜色…"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.swatch)
        self.edit.editingFinished.connect(self._typed)
        self.swatch.clicked.connect(self._pick)
        self._value = ""

    def set_value(self, value: str) -> None:
        self._value = value
        self.edit.setText(value)
        self.swatch.setStyleSheet(f"background: {value[:7]}; border: 1px solid #9ca3af;")

    def _typed(self) -> None:
        text = self.edit.text().strip()
        if text == self._value:
            return
        try:
            parse_color(text)
        except UserError:
            self.edit.setText(self._value)
            self.edit.setToolTip(self.tr("颜色应为 #RRGGBB，例如 #ff6600"))
            return
        self.set_value(text)
        self.changed.emit(text)

    def _pick(self) -> None:
        color = QColorDialog.getColor(QColor(self._value[:7] or "#000000"), self)
        if color.isValid():
            self.set_value(color.name())
            self.changed.emit(color.name())


def _spin(object_name: str, low: float, high: float, decimals: int = 0) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setObjectName(object_name)
    spin.setRange(low, high)
    spin.setDecimals(decimals)
    spin.setKeyboardTracking(False)  # one edit when Enter is pressed, not one per digit
    spin.setAccelerated(True)
    return spin


class PropertyPanel(QScrollArea):
    """Fields of the selected layer, grouped: 位置和大小, 文字, 二维码, 颜色."""

    edited = Signal(dict, object)  # changes, merge key (same key: one undo step)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("posterProperties")
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self._loading = False
        self._layer: Layer | None = None
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 4, 0)
        self.empty = QLabel(self.tr("在画布或图层列表中选择一个图层来编辑它的属性。"))
        self.empty.setWordWrap(True)
        self.empty.setProperty("muted", True)
        layout.addWidget(self.empty)

        self.box_group = QGroupBox(self.tr("位置和大小"))
        form = self.box_form = QFormLayout(self.box_group)
        self.name = QLineEdit()
        self.name.setObjectName("posterLayerName")
        self.x = _spin("posterX", -20_000, 20_000)
        self.y = _spin("posterY", -20_000, 20_000)
        self.w = _spin("posterWidth", 1, 20_000)
        self.h = _spin("posterHeight", 1, 20_000)
        self.rotation = _spin("posterRotation", -360, 360, 1)
        self.rotation.setSuffix("°")
        self.opacity = _spin("posterOpacity", 0, 100)
        self.opacity.setSuffix(" %")
        form.addRow(self.tr("名称"), self.name)
        form.addRow(self.tr("X"), self.x)
        form.addRow(self.tr("Y"), self.y)
        form.addRow(self.tr("宽"), self.w)
        form.addRow(self.tr("高"), self.h)
        form.addRow(self.tr("旋转"), self.rotation)
        form.addRow(self.tr("不透明度"), self.opacity)
        layout.addWidget(self.box_group)

        self.text_group = QGroupBox(self.tr("文字"))
        form = QFormLayout(self.text_group)
        self.text = QPlainTextEdit()
        self.text.setObjectName("posterText")
        self.text.setFixedHeight(84)
        self.text.setPlaceholderText(
            self.tr("可用 {昵称}、{邀请码}、{活动名}、{截止日期}、{社群名}")
        )
        self.font_size = _spin("posterFontSize", 1, 2000)
        self.text_color = ColorField("posterTextColor")
        self.bold = QCheckBox(self.tr("加粗"))
        self.bold.setObjectName("posterBold")
        self.align = QComboBox()
        self.align.setObjectName("posterAlign")
        for label, value in ((self.tr("左对齐"), "left"), (self.tr("居中"), "center")):
            self.align.addItem(label, value)
        self.align.addItem(self.tr("右对齐"), "right")
        form.addRow(self.tr("内容"), self.text)
        form.addRow(self.tr("字号"), self.font_size)
        form.addRow(self.tr("颜色"), self.text_color)
        form.addRow(self.tr("对齐"), self.align)
        form.addRow("", self.bold)
        layout.addWidget(self.text_group)

        self.qr_group = QGroupBox(self.tr("二维码"))
        form = QFormLayout(self.qr_group)
        self.qr_content = QLineEdit()
        self.qr_content.setObjectName("posterQrContent")
        self.qr_content.setPlaceholderText("{邀请链接}")
        self.qr_level = QComboBox()
        self.qr_level.setObjectName("posterQrLevel")
        for label, value in (
            (self.tr("L（7%，码最小）"), "L"),
            (self.tr("M（15%，推荐）"), "M"),
            (self.tr("Q（25%）"), "Q"),
            (self.tr("H（30%，放 logo 时用）"), "H"),
        ):
            self.qr_level.addItem(label, value)
        form.addRow(self.tr("内容"), self.qr_content)
        form.addRow(self.tr("纠错级别"), self.qr_level)
        layout.addWidget(self.qr_group)

        self.color_group = QGroupBox(self.tr("颜色"))
        form = QFormLayout(self.color_group)
        self.fill = ColorField("posterFill")
        self.stroke = ColorField("posterStroke")
        self.stroke_label = QLabel(self.tr("描边"))
        self.fill_note = QLabel(self.tr("当前为渐变，输入颜色会改为纯色"))
        self.fill_note.setProperty("muted", True)
        self.fill_note.setWordWrap(True)
        form.addRow(self.tr("填充"), self.fill)
        form.addRow("", self.fill_note)
        form.addRow(self.stroke_label, self.stroke)
        layout.addWidget(self.color_group)
        layout.addStretch(1)
        self.setWidget(body)
        self._connect()
        self.show_layer(None)

    def _connect(self) -> None:
        self.name.editingFinished.connect(
            lambda: self._emit({"name": self.name.text().strip()}, "name")
        )
        for spin, field in (
            (self.x, "x"),
            (self.y, "y"),
            (self.w, "width"),
            (self.h, "height"),
            (self.rotation, "rotation"),
            (self.font_size, "font_size"),
        ):
            spin.valueChanged.connect(lambda value, f=field: self._emit({f: value}, f))
        self.opacity.valueChanged.connect(
            lambda value: self._emit({"opacity": round(value / 100, 2)}, "opacity")
        )
        self.text.textChanged.connect(lambda: self._emit({"text": self.text.toPlainText()}, "text"))
        self.text_color.changed.connect(lambda value: self._emit({"color": value}, None))
        self.bold.toggled.connect(lambda on: self._emit({"bold": on}, None))
        self.align.currentIndexChanged.connect(
            lambda _i: self._emit({"align": self.align.currentData()}, None)
        )
        self.qr_content.editingFinished.connect(
            lambda: self._emit({"content": self.qr_content.text().strip()}, "content")
        )
        self.qr_level.currentIndexChanged.connect(
            lambda _i: self._emit({"error_correction": self.qr_level.currentData()}, None)
        )
        self.fill.changed.connect(lambda value: self._emit({"fill": value}, None))
        self.stroke.changed.connect(self._stroke_changed)

    def _stroke_changed(self, value: str) -> None:
        # An outline colour on a shape without an outline would change nothing visible.
        width = getattr(self._layer, "stroke_width", 0) or 4
        self._emit({"stroke": value, "stroke_width": width}, None)

    def _emit(self, changes: dict[str, Any], merge_key: str | None) -> None:
        if self._loading or self._layer is None:
            return
        changes = {k: v for k, v in changes.items() if getattr(self._layer, k, None) != v}
        if changes:
            self.edited.emit(changes, merge_key)

    def show_layer(self, layer: Layer | None) -> None:
        """Fill the fields from `layer` (None: nothing selected) without reporting edits."""
        self._loading = True
        try:
            self._show(layer)
        finally:
            self._loading = False

    def _show(self, layer: Layer | None) -> None:
        self._layer = layer
        self.empty.setVisible(layer is None)
        self.box_group.setVisible(layer is not None)
        self.text_group.setVisible(isinstance(layer, TextLayer))
        self.qr_group.setVisible(isinstance(layer, QrLayer))
        self.color_group.setVisible(isinstance(layer, ShapeLayer | BackgroundLayer))
        if layer is None:
            return
        self.name.setText(layer.name)
        for spin, value in (
            (self.x, layer.x),
            (self.y, layer.y),
            (self.w, layer.width),
            (self.h, layer.height),
            (self.rotation, layer.rotation),
            (self.opacity, layer.opacity * 100),
        ):
            spin.setValue(value)
        is_background = isinstance(layer, BackgroundLayer)
        for spin in (self.x, self.y, self.w, self.h, self.rotation):
            # A background always covers the whole canvas: it has no box to edit.
            self.box_form.setRowVisible(spin, not is_background)
            spin.setEnabled(not layer.locked)
        self.box_group.setTitle(self.tr("图层") if is_background else self.tr("位置和大小"))
        if isinstance(layer, TextLayer):
            if self.text.toPlainText() != layer.text:
                self.text.setPlainText(layer.text)
            self.font_size.setValue(layer.font_size)
            self.text_color.set_value(layer.color)
            self.bold.setChecked(layer.bold)
            self.align.setCurrentIndex(max(0, self.align.findData(layer.align)))
        if isinstance(layer, QrLayer):
            self.qr_content.setText(layer.content)
            self.qr_level.setCurrentIndex(max(0, self.qr_level.findData(layer.error_correction)))
        if isinstance(layer, ShapeLayer | BackgroundLayer):
            fill = layer.fill
            gradient = isinstance(fill, Gradient)
            self.fill.set_value(fill.stops[0][1] if gradient else (fill or ""))
            self.fill_note.setVisible(gradient)
            is_shape = isinstance(layer, ShapeLayer)
            self.stroke.setVisible(is_shape)
            self.stroke_label.setVisible(is_shape)
            if is_shape:
                self.stroke.set_value(layer.stroke)
