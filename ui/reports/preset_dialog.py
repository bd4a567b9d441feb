"""报表预设: pick a preset (周报, 月报 or one of the user's) or make one — the sheets, the period,
the community, the picture, the masking — save it under a name or delete it; returns the
choice. The settings it reads and writes are a handful of rows, so it reads them in place."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.common.database import Database
from core.reports.period import ALL_SHEETS, MAX_DAYS, preset_period
from core.reports.presets import (
    CUSTOM,
    LAST_MONTH,
    LAST_WEEK,
    Preset,
    days_period,
    delete_preset,
    list_presets,
    preset_dates,
    save_preset,
)
from ui.common.errors import show_error
from ui.common.i18n import shown
from ui.common.widgets import (
    combo_fits,
    confirm,
    counted_suffix,
    ok_cancel_buttons,
    push_button,
    select_data,
)
from ui.members.community_choice import community_box

# objectName suffixes of the sheet boxes (ASCII: tests find them by name).
SHEET_KEYS = dict(
    zip(
        ALL_SHEETS,
        ("overview", "health", "levels", "campaigns", "points", "content", "followUp", "retention"),
        strict=True,
    )
)
DAYS = "days"


class PresetDialog(QDialog):
    def __init__(
        self, database: Database, parent: QWidget | None = None, today: date | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reportPresetDialog")
        self.setWindowTitle(self.tr("报表预设"))
        self.database = database
        self.today = today or date.today()
        self.presets: list[Preset] = []

        self.preset_combo = QComboBox()
        self.preset_combo.setObjectName("presetCombo")
        self.preset_combo.currentIndexChanged.connect(self._show_selected)
        self.delete_button = push_button(
            "presetDelete", self.tr("删除"), lambda: self.delete_selected()
        )
        preset_row = QHBoxLayout()
        preset_row.addWidget(self.preset_combo, 1)
        preset_row.addWidget(self.delete_button)

        self.sheet_boxes: dict[str, QCheckBox] = {}
        sheets = QGridLayout()
        sheets.setHorizontalSpacing(16)
        for index, sheet in enumerate(ALL_SHEETS):
            box = QCheckBox(self._sheet_label(sheet))
            box.setObjectName(f"presetSheet_{SHEET_KEYS[sheet]}")
            box.toggled.connect(self._update)
            self.sheet_boxes[sheet] = box
            sheets.addWidget(box, index // 4, index % 4)

        self.period = QComboBox()
        self.period.setObjectName("presetPeriod")
        periods = (
            (self.tr("上周（周一至周日）"), LAST_WEEK),
            (self.tr("上月"), LAST_MONTH),
            (self.tr("最近几天（到昨天）"), DAYS),
            (self.tr("自定义日期"), CUSTOM),
        )
        for text, kind in periods:
            self.period.addItem(text, kind)
        combo_fits(self.period, [text for text, _kind in periods])
        self.period.currentIndexChanged.connect(self._update)
        self.days = QSpinBox()
        self.days.setObjectName("presetDays")
        self.days.setRange(1, MAX_DAYS)
        self.days.setValue(30)
        counted_suffix(self.days, lambda n: self.tr("%n 天", "", n))
        self.days.valueChanged.connect(self._update)
        monday, sunday = preset_period("weekly", self.today)
        self.start = self._date_edit("presetFrom", monday)
        self.end = self._date_edit("presetTo", sunday)
        period_row = QHBoxLayout()
        period_row.addWidget(self.period)
        period_row.addWidget(self.days)
        period_row.addWidget(self.start)
        self.dash = QLabel("–")
        period_row.addWidget(self.dash)
        period_row.addWidget(self.end)
        period_row.addStretch(1)

        self.community = community_box(database, "presetCommunity", first=(self.tr("全部社群"), ""))
        for index in range(1, self.community.count()):
            self.community.setItemData(index, self.community.itemText(index))  # by name

        self.image = QCheckBox(self.tr("同时生成给手机看的长图"))
        self.image.setObjectName("presetImage")
        self.mask = QCheckBox(self.tr("手机号和微信号打码"))
        self.mask.setObjectName("presetMask")
        self.mask.setChecked(True)
        self.mask.toggled.connect(self._update)
        self.mask_warning = QLabel(
            self.tr("不打码的导出含完整手机号和微信号，每次导出都会记入导出日志。")
        )
        self.mask_warning.setObjectName("presetMaskWarning")
        self.mask_warning.setProperty("warning", True)
        self.mask_warning.setWordWrap(True)

        form = QFormLayout()
        form.setSpacing(10)
        form.addRow(self.tr("预设"), preset_row)
        form.addRow(self.tr("工作表"), sheets)
        form.addRow(self.tr("期间"), period_row)
        form.addRow(self.tr("社群"), self.community)
        form.addRow("", self.image)
        form.addRow("", self.mask)
        form.addRow("", self.mask_warning)

        self.save_button = push_button("presetSave", self.tr("保存为预设…"), lambda: self.save_as())
        self.buttons = ok_cancel_buttons(self, "presetButtons")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("使用"))
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ResetRole)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        layout.setSpacing(14)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)  # the sheet grid and the warning line need room in Chinese
        self.reload()

    def _sheet_label(self, sheet: str) -> str:
        labels = {
            "概览": self.tr("概览"),
            "社群健康": self.tr("社群健康"),
            "分层": self.tr("分层"),
            "活动": self.tr("活动"),
            "积分": self.tr("积分"),
            "内容": self.tr("内容"),
            "待跟进": self.tr("待跟进"),
            "留存": self.tr("留存"),
        }
        return labels[sheet]

    def _date_edit(self, name: str, day: date) -> QDateEdit:
        edit = QDateEdit(QDate(day.year, day.month, day.day))
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    # The presets

    def reload(self, select: str | None = None) -> None:
        """Fill the list again and select `select` (a preset's name), else the first."""
        with self.database.session() as session:
            self.presets = list_presets(session)
        self.preset_combo.blockSignals(True)
        self.preset_combo.clear()
        for preset in self.presets:
            label = shown(preset.name)
            if preset.builtin:
                label = self.tr("{name}（内置）").format(name=label)
            self.preset_combo.addItem(label, str(preset.name))
        self.preset_combo.blockSignals(False)
        names = [str(p.name) for p in self.presets]
        self.preset_combo.setCurrentIndex(names.index(select) if select in names else 0)
        self._show_selected()

    def selected(self) -> Preset:
        return self.presets[max(0, self.preset_combo.currentIndex())]

    def _show_selected(self) -> None:
        preset = self.selected()
        for sheet, box in self.sheet_boxes.items():
            box.setChecked(sheet in preset.sheets)
        kind = DAYS if preset.days is not None else preset.period
        self.period.setCurrentIndex(self.period.findData(kind))
        if preset.days is not None:
            self.days.setValue(preset.days)
        if preset.community and self.community.findData(preset.community) < 0:
            self.community.addItem(preset.community, preset.community)  # renamed or gone
        select_data(self.community, preset.community)
        self.image.setChecked(preset.image)
        self.mask.setChecked(preset.mask)
        self._update()

    def _update(self) -> None:
        kind = self.period.currentData()
        self.days.setVisible(kind == DAYS)
        for widget in (self.start, self.dash, self.end):
            widget.setVisible(kind == CUSTOM)
        self.mask_warning.setVisible(not self.mask.isChecked())
        self.delete_button.setEnabled(not self.selected().builtin)
        has_sheets = any(box.isChecked() for box in self.sheet_boxes.values())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(has_sheets)
        self.save_button.setEnabled(has_sheets)

    def chosen(self) -> Preset:
        """What the form shows, under the selected preset's name while it is unchanged."""
        kind = self.period.currentData()
        preset = Preset(
            name="",
            sheets=tuple(s for s, box in self.sheet_boxes.items() if box.isChecked()),
            period=days_period(self.days.value()) if kind == DAYS else kind,
            community=self.community.currentData() or "",
            image=self.image.isChecked(),
            mask=self.mask.isChecked(),
        )
        selected = self.selected()
        return selected if _fields(selected) == _fields(preset) else preset

    def dates(self) -> tuple[date, date]:
        """The report's first and last day for the chosen period, as of today."""
        dates = preset_dates(self.chosen(), self.today)
        if dates is None:
            return self.start.date().toPython(), self.end.date().toPython()
        return dates

    def save_as(self, name: str | None = None) -> bool:
        """Save the form under a name (asked for when not given); an existing name of the
        user's is replaced only after asking."""
        if name is None:
            dialog = QInputDialog(self)
            dialog.setObjectName("presetNameDialog")
            dialog.setWindowTitle(self.tr("保存为预设"))
            dialog.setLabelText(self.tr("预设名称（最长 40 个字符）："))
            selected = self.selected()
            dialog.setTextValue("" if selected.builtin else str(selected.name))
            if not dialog.exec():
                return False
            name = dialog.textValue()
        wanted = name.strip().casefold()
        exists = any(not p.builtin and p.name.casefold() == wanted for p in self.presets)
        if exists and not confirm(
            self,
            "presetReplaceConfirm",
            self.tr("覆盖预设"),
            self.tr("已有名为「{name}」的预设，要覆盖它吗？").format(name=name.strip()),
            self.tr("覆盖"),
        ):
            return False
        preset = Preset(name, *_fields(self.chosen()))
        try:
            with self.database.session(write=True) as session:
                saved = save_preset(session, preset, replace_existing=exists)
        except Exception as error:  # shown, not swallowed: the dialog stays open
            show_error(self, error)
            return False
        self.reload(select=saved.name)
        return True

    def delete_selected(self) -> bool:
        preset = self.selected()
        if preset.builtin or not confirm(
            self,
            "presetDeleteConfirm",
            self.tr("删除预设"),
            self.tr("删除预设「{name}」？已生成的报表不受影响。").format(name=preset.name),
            self.tr("删除"),
        ):
            return False
        try:
            with self.database.session(write=True) as session:
                delete_preset(session, preset.name)
        except Exception as error:
            show_error(self, error)
            return False
        self.reload()
        return True


def _fields(preset: Preset) -> tuple:
    """Everything but the name and the built-in mark, in Preset's order."""
    return preset.sheets, preset.period, preset.community, preset.image, preset.mask
