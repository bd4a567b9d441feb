"""The text layer's groups of the property panel: 文字 (content, font, sizes, colour), 排版
(alignment and spacing) and 文字描边 (outline)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QPlainTextEdit

from core.posters.font_refs import is_package_font
from core.posters.template import TextLayer
from ui.common.widgets import choice, hint_label, select_data
from ui.posters.fields import ColorField, FontChooser, spin
from ui.posters.layer_group import LayerGroup


class TextGroup(LayerGroup):
    kinds = (TextLayer,)

    def __init__(self) -> None:
        super().__init__(self.tr("文字"), "posterTextGroup")
        self.text = QPlainTextEdit()
        self.text.setObjectName("posterText")
        self.text.setFixedHeight(84)
        self.text.setPlaceholderText(
            self.tr("可用 {昵称}、{邀请码}、{活动名}、{截止日期}、{社群名}")
        )
        self.font_chooser = FontChooser("posterFontFamily")
        self.font_note = hint_label(name="posterFontNote")
        self.font_size = spin("posterFontSize", 1, 2000, 0, " px")
        self.min_font_size = spin("posterMinFontSize", 1, 2000, 0, " px")
        self.min_font_size.setToolTip(self.tr("文字放不下时自动缩小，最小缩到这个字号"))
        self.color = ColorField("posterTextColor")
        self.bold = QCheckBox(self.tr("加粗"))
        self.bold.setObjectName("posterBold")
        self.form.addRow(self.tr("内容"), self.text)
        self.form.addRow(self.tr("字体"), self.font_chooser)
        self.form.addRow("", self.font_note)
        self.form.addRow(self.tr("字号"), self.font_size)
        self.form.addRow(self.tr("最小字号"), self.min_font_size)
        self.form.addRow(self.tr("颜色"), self.color)
        self.form.addRow("", self.bold)
        self.text.textChanged.connect(
            lambda: self.report({"text": self.text.toPlainText()}, "text")
        )
        self.font_chooser.font_chosen.connect(lambda path: self.report({"font_path": path}))
        self.font_chooser.fonts_loaded.connect(self._show_font_note)
        self.on_value(self.font_size, "font_size")
        self.on_value(self.min_font_size, "min_font_size")
        self.color.changed.connect(lambda value: self.report({"color": value}))
        self.bold.toggled.connect(lambda on: self.report({"bold": on}))

    def fill_fields(self, layer: TextLayer) -> None:
        if self.text.toPlainText() != layer.text:
            self.text.setPlainText(layer.text)
        self.font_chooser.set_font_path(layer.font_path)
        self.font_size.setValue(layer.font_size)
        # Auto-shrink cannot stop above the size itself.
        self.min_font_size.setMaximum(layer.font_size)
        self.min_font_size.setValue(layer.min_font_size)
        self.color.set_value(layer.color)
        self.bold.setChecked(layer.bold)
        self._show_font_note()

    def _show_font_note(self) -> None:
        if self.layer is None:
            return
        info = self.font_chooser.font_info()
        if info is None and is_package_font(self.layer.font_path):
            text = self.tr("使用模板文件自带的字体")
        elif info is None and not self.font_chooser.is_loaded():
            text = ""  # said once the machine's fonts are known
        elif info is None:
            text = self.tr("本机找不到这个字体，海报无法生成，请改选其他字体")
        elif not info.chinese:
            text = self.tr("这个字体不含中文，中文字会被省略")
        elif self.layer.font_path and self.layer.bold:
            text = self.tr("所选字体按原样使用，「加粗」只对内置字体有效")
        else:
            text = ""
        self.font_note.setText(text)
        self.form.setRowVisible(self.font_note, bool(text))


class TextLayoutGroup(LayerGroup):
    kinds = (TextLayer,)

    def __init__(self) -> None:
        super().__init__(self.tr("排版"), "posterTextLayoutGroup")
        self.align = choice(
            "posterAlign",
            [
                (self.tr("左对齐"), "left"),
                (self.tr("居中"), "center"),
                (self.tr("右对齐"), "right"),
            ],
        )
        self.valign = choice(
            "posterValign",
            [(self.tr("顶部"), "top"), (self.tr("居中"), "middle"), (self.tr("底部"), "bottom")],
        )
        self.line_spacing = spin("posterLineSpacing", 0.5, 5, 2, self.tr(" 倍"))
        self.line_spacing.setSingleStep(0.1)
        self.line_spacing.setToolTip(self.tr("行与行的距离，按字号的倍数"))
        # Whole pixels: the template file reads this field back as a whole number.
        self.letter_spacing = spin("posterLetterSpacing", -100, 1000, 0, " px")
        self.letter_spacing.setToolTip(self.tr("字与字之间额外的距离，可为负数"))
        self.form.addRow(self.tr("水平对齐"), self.align)
        self.form.addRow(self.tr("垂直对齐"), self.valign)
        self.form.addRow(self.tr("行距"), self.line_spacing)
        self.form.addRow(self.tr("字间距"), self.letter_spacing)
        self.on_choice(self.align, "align")
        self.on_choice(self.valign, "valign")
        self.on_value(self.line_spacing, "line_spacing", lambda v: round(v, 2))
        self.on_value(self.letter_spacing, "letter_spacing")

    def fill_fields(self, layer: TextLayer) -> None:
        select_data(self.align, layer.align)
        select_data(self.valign, layer.valign)
        self.line_spacing.setValue(layer.line_spacing)
        self.letter_spacing.setValue(layer.letter_spacing)


class TextStrokeGroup(LayerGroup):
    kinds = (TextLayer,)

    def __init__(self) -> None:
        super().__init__(self.tr("文字描边"), "posterTextStrokeGroup")
        self.width = spin("posterTextStrokeWidth", 0, 200, 0, " px")
        self.width.setSpecialValueText(self.tr("无描边"))
        self.color = ColorField("posterTextStrokeColor")
        self.form.addRow(self.tr("宽度"), self.width)
        self.form.addRow(self.tr("颜色"), self.color)
        self.on_value(self.width, "stroke_width")
        self.color.changed.connect(self._color_changed)

    def fill_fields(self, layer: TextLayer) -> None:
        self.width.setValue(layer.stroke_width)
        self.color.set_value(layer.stroke_color)

    def _color_changed(self, value: str) -> None:
        # A colour for an outline of width 0 would change nothing visible: give it one.
        width = self.layer.stroke_width or max(1, round(self.layer.font_size / 16))
        self.report({"stroke_color": value, "stroke_width": width})
