"""自定义尺寸: a new poster of any width and height (pixels) and resolution."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QSpinBox,
    QWidget,
)

from core.common.errors import UserError
from core.posters.template import MAX_CANVAS_SIDE, MAX_DPI, MIN_DPI, check_canvas
from ui.common.i18n import shown
from ui.common.widgets import hint_label, ok_cancel_buttons

CM_PER_INCH = 2.54


class CanvasSizeDialog(QDialog):
    """Width, height and dpi, with the print size they make and a refusal of a too-big canvas."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("posterCanvasSizeDialog")
        self.setWindowTitle(self.tr("自定义尺寸"))
        self.width_box = self._spin("posterCanvasWidth", 1, MAX_CANVAS_SIDE, 1080, " px")
        self.height_box = self._spin("posterCanvasHeight", 1, MAX_CANVAS_SIDE, 1920, " px")
        self.dpi_box = self._spin("posterCanvasDpi", MIN_DPI, MAX_DPI, 72, " dpi")
        self.dpi_box.setToolTip(self.tr("屏幕上看的海报用 72；要打印的用 300"))
        self.note = hint_label(name="posterCanvasNote")
        self.buttons = ok_cancel_buttons(self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("新建"))
        form = QFormLayout(self)
        form.addRow(self.tr("宽"), self.width_box)
        form.addRow(self.tr("高"), self.height_box)
        form.addRow(self.tr("分辨率"), self.dpi_box)
        form.addRow("", self.note)
        form.addRow(self.buttons)
        self.setMinimumWidth(360)
        for box in (self.width_box, self.height_box, self.dpi_box):
            box.valueChanged.connect(self._update_note)
        self._update_note()

    def _spin(self, name: str, low: int, high: int, value: int, suffix: str) -> QSpinBox:
        box = QSpinBox()
        box.setObjectName(name)
        box.setRange(low, high)
        box.setValue(value)
        box.setSuffix(suffix)
        return box

    def chosen_size(self) -> tuple[int, int, int]:
        return self.width_box.value(), self.height_box.value(), self.dpi_box.value()

    def _update_note(self) -> None:
        width, height, dpi = self.chosen_size()
        try:
            check_canvas(width, height, dpi)
        except UserError as error:
            self.note.setText(shown(error.message))
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
            return
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
        cm_w, cm_h = width / dpi * CM_PER_INCH, height / dpi * CM_PER_INCH
        self.note.setText(
            self.tr("打印尺寸约 {w:.1f} × {h:.1f} 厘米").format(w=cm_w, h=cm_h)
            if dpi >= 150
            else self.tr("屏幕海报：在手机上按像素显示")
        )
