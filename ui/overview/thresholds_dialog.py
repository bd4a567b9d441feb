"""预警设置: the community warnings' thresholds (core/reports/thresholds.py), edited in a small
form; shares are shown in percent."""

from __future__ import annotations

from dataclasses import fields

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.reports.thresholds import Thresholds
from ui.common.widgets import hint_label, ok_cancel_buttons


class ThresholdsDialog(QDialog):
    submitted = Signal(object)  # Thresholds

    def __init__(self, values: Thresholds, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("overview_thresholds_dialog")
        self.setWindowTitle(self.tr("预警设置"))
        labels = {
            "new_group_days": self.tr("新群：建群不超过"),
            "new_group_loss": self.tr("新群 7 天流失超过"),
            "min_interaction": self.tr("近 7 天互动率低于"),
            "max_silent": self.tr("近 7 天沉默成员超过"),
            "koc_low": self.tr("KOC 占比下限"),
            "koc_high": self.tr("KOC 占比上限"),
            "min_members": self.tr("成员少于此数的群不看占比"),
        }
        form = QFormLayout()
        self.editors: dict[str, QSpinBox | QDoubleSpinBox] = {}
        for field in fields(Thresholds):
            value = getattr(values, field.name)
            if isinstance(field.default, float):
                editor = QDoubleSpinBox()
                editor.setDecimals(1)
                editor.setRange(0, 100)
                editor.setSuffix(" %")
                editor.setValue(value * 100)
            else:
                editor = QSpinBox()
                editor.setRange(0, 100000)
                editor.setValue(value)
                if field.name == "new_group_days":
                    editor.setSuffix(self.tr(" 天"))
                else:
                    editor.setSuffix(self.tr(" 人"))
            editor.setObjectName(f"overview_threshold_{field.name}")
            self.editors[field.name] = editor
            form.addRow(labels[field.name], editor)
        buttons = ok_cancel_buttons(self, "overview_thresholds_buttons", self._submit, save=True)
        self.restore = buttons.addButton(self.tr("恢复默认"), QDialogButtonBox.ButtonRole.ResetRole)
        self.restore.setObjectName("overview_thresholds_defaults")
        self.restore.clicked.connect(lambda: self._fill(Thresholds()))
        layout = QVBoxLayout(self)
        layout.addWidget(hint_label(self.tr("社群健康预警在概览和周报里用这些阈值。")))
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _fill(self, values: Thresholds) -> None:
        for name, editor in self.editors.items():
            value = getattr(values, name)
            editor.setValue(value * 100 if isinstance(editor, QDoubleSpinBox) else value)

    def values(self) -> Thresholds:
        found = {}
        for name, editor in self.editors.items():
            if isinstance(editor, QDoubleSpinBox):
                found[name] = round(editor.value() / 100, 4)
            else:
                found[name] = editor.value()
        return Thresholds(**found)

    def _submit(self) -> None:
        self.submitted.emit(self.values())  # the tab saves it, then closes the dialog
