"""Small editors the poster property panel is built from: colour, number, choice, picture, font.

Each reports a finished edit through its own signal and is filled with `set_…` without one,
so the panel can show a layer without turning that into edits.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.common.errors import UserError
from core.posters.font_refs import is_package_font
from core.posters.fonts import FontInfo, bundled_font, system_fonts
from core.posters.template import parse_color
from ui.common.file_drop import choose_picture
from ui.common.quiet import Quiet
from ui.common.tasks import TaskGroup
from ui.common.widgets import push_button, restyle, wrapping_label


def css_color(value: str) -> str:
    """A template colour (#rrggbb[aa]) as Qt style sheets read it (they take #aarrggbb)."""
    r, g, b, a = parse_color(value)
    return f"rgba({r}, {g}, {b}, {a})"


class ColorField(QWidget):
    """A hex colour (#rrggbb[aa]) typed or picked; `changed(str)` when a valid one is set.

    With `allow_empty`, clearing the text is a valid edit too (e.g. 「no outline」).
    """

    changed = Signal(str)

    def __init__(
        self, object_name: str, parent: QWidget | None = None, *, allow_empty: bool = False
    ) -> None:
        super().__init__(parent)
        self.allow_empty = allow_empty
        self.edit = QLineEdit()
        self.edit.setObjectName(object_name)
        self.edit.setPlaceholderText(self.tr("无") if allow_empty else "#RRGGBB")
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

    def value(self) -> str:
        return self._value

    def set_value(self, value: str) -> None:
        self._value = value
        self.edit.setText(value)
        try:
            background = css_color(value)
        except UserError:
            background = "transparent"
        self.swatch.setStyleSheet(f"background: {background}; border: 1px solid #9ca3af;")

    def _typed(self) -> None:
        text = self.edit.text().strip()
        if text == self._value:
            return
        if not (text == "" and self.allow_empty):
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


def spin(
    object_name: str, low: float, high: float, decimals: int = 0, suffix: str = ""
) -> QDoubleSpinBox:
    """A number field that reports once per finished edit (Enter, arrows), not per digit."""
    box = QDoubleSpinBox()
    box.setObjectName(object_name)
    box.setRange(low, high)
    box.setDecimals(decimals)
    box.setKeyboardTracking(False)
    box.setAccelerated(True)
    if suffix:
        box.setSuffix(suffix)
    return box


class AssetField(QWidget):
    """A template picture: its name, 「选择图片…」 and a button to remove or reset it.

    The file dialog is only in the button's slot: `file_chosen(path)` carries the choice to
    whoever checks and stores the file (tests call that directly with a path).
    """

    file_chosen = Signal(str)
    cleared = Signal()
    _last_dir = ""  # the folder of the last picked picture, for the next dialog

    def __init__(self, object_name: str, clear_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.label = wrapping_label(object_name + "Name")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.pick = push_button(object_name + "Pick", self.tr("选择图片…"), self._browse)
        self.clear = push_button(object_name + "Clear", clear_text, self.cleared)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.pick)
        buttons.addWidget(self.clear)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.label)
        layout.addLayout(buttons)

    def set_value(self, text: str, *, can_clear: bool, muted: bool = False) -> None:
        self.label.setText(text)
        restyle(self.label, muted=muted)
        self.clear.setVisible(can_clear)

    def _browse(self) -> None:
        path = choose_picture(self, self.tr("选择图片"), AssetField._last_dir)
        if path:
            AssetField._last_dir = str(Path(path).parent)
            self.file_chosen.emit(path)


class FontChooser(QComboBox):
    """The bundled face and this machine's fonts; `font_chosen(name)` ("" for the bundled one).

    A template names a machine's font by its listed name (FontInfo.label), never by its file,
    so it can travel to another computer (core.posters.font_refs).

    The machine's fonts are looked up in the background the first time the chooser is shown
    (reading hundreds of font files can take seconds on Windows). Fonts that can draw Chinese
    come first; the others follow a separator, marked 「不含中文」.
    """

    font_chosen = Signal(str)
    fonts_loaded = Signal()

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(10)
        self._fonts: list[FontInfo] | None = None  # None: not looked up yet
        self._tasks = TaskGroup(self)
        self._path = ""
        self._extra = ""
        self._filling = Quiet()
        self.currentIndexChanged.connect(self._changed)
        self._fill()

    def is_loaded(self) -> bool:
        return self._fonts is not None

    def load_fonts(self) -> None:
        """Look the machine's fonts up in the background (once)."""
        if self._fonts is None and not self._tasks.busy():
            self._tasks.start(system_fonts, self._loaded)

    def font_path(self) -> str:
        return self._path

    def font_info(self) -> FontInfo | None:
        """What is known of the current font (None: not installed here, or the template's own
        font file, which this chooser does not open)."""
        if not self._path:
            return bundled_font()
        for font in self._fonts or []:
            if font.label == self._path:
                return font
        return None

    def set_font_path(self, path: str) -> None:
        self._path = path
        index = self.findData(path)
        if index >= 0 and self._extra in ("", path):
            # Listed already: no rebuild of a few hundred items on every edit of the layer.
            with self._filling:
                self.setCurrentIndex(index)
        else:
            self._fill()

    def showPopup(self) -> None:
        self.load_fonts()
        super().showPopup()

    def showEvent(self, event) -> None:
        self.load_fonts()
        super().showEvent(event)

    def _loaded(self, fonts: list[FontInfo]) -> None:
        self._fonts = fonts
        self._fill()
        self.fonts_loaded.emit()

    def _fill(self) -> None:
        with self._filling:
            self.clear()
            bundled = bundled_font()
            self.addItem(self.tr("内置字体（{family}）").format(family=bundled.family), "")
            self.setItemData(0, self.tr("随程序提供，中文齐全，在任何电脑上效果一致"), _TIP)
            fonts = self._fonts or []
            listed = {font.label for font in fonts}
            self._extra = ""  # a font the layer uses that is not among the machine's
            if self._path and self._path not in listed:
                self._extra = self._path
                self._add_current()
            for font in (f for f in fonts if f.chinese):
                self._add(font.label, font.label, font.path)
            others = [f for f in fonts if not f.chinese]
            if others:
                self.insertSeparator(self.count())
                for font in others:
                    label = self.tr("{name}（不含中文）").format(name=font.label)
                    self._add(label, font.label, font.path)
            if self._fonts is None:
                self.addItem(self.tr("正在查找本机字体…"))
                self.model().item(self.count() - 1).setEnabled(False)
            self.setCurrentIndex(max(0, self.findData(self._path)))

    def _add_current(self) -> None:
        name = self._path
        if is_package_font(name):
            self._add(self.tr("{name}（模板自带）").format(name=name), name, name)
        elif self._fonts is None:
            self._add(name, name, name)  # not looked up yet: say nothing of it
        else:
            self._add(self.tr("{name}（本机找不到）").format(name=name), name, name)

    def _add(self, label: str, name: str, tip: str) -> None:
        self.addItem(label, name)
        self.setItemData(self.count() - 1, tip, _TIP)

    def _changed(self, _index: int) -> None:
        path = self.currentData()
        if self._filling or path is None or path == self._path:
            return
        self._path = path
        self.font_chosen.emit(path)


_TIP = Qt.ItemDataRole.ToolTipRole
