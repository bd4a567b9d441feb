"""等级规则: the level ladder, shared by all communities or a community's own.

The operator edits the general settings (window, low-water mark, grace period, cold start) and
one row per level: its name, whether it is given by hand only (KOC/KOL), and its thresholds,
either over the rolling window (近期) or since joining (累计). The two sets of thresholds share
the same columns; a tab bar above the table switches between them.

Saving validates through core (`save_ladder`) in one transaction; a refusal is shown and the
dialog stays open with what was typed, having changed nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTabBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.common.database import Database
from core.common.errors import UserError
from core.communities.registry import read_fields
from core.tiers.ladder import (
    DEFAULT_LADDER,
    MAX_LEVELS,
    MAX_THRESHOLD,
    METRICS,
    Ladder,
    has_own_ladder,
    ladder_to_json,
    load_ladder,
    remove_community_ladder,
    save_ladder,
)
from ui.common.columns import fit_columns
from ui.common.errors import show_error
from ui.common.i18n import shown, shown_name, typed_name
from ui.common.screen_fit import fit_to_screen, scrolling
from ui.common.units import units
from ui.common.widgets import (
    counted_suffix,
    hint_label,
    ok_cancel_buttons,
    push_button,
    section_title,
)

log = logging.getLogger(__name__)

NAME_COLUMN = 0
STORED_NAME_ROLE = Qt.ItemDataRole.UserRole + 1  # the name as stored (a shipped one is Chinese)
MANUAL_COLUMN = 1
FIRST_METRIC_COLUMN = 2
WINDOW_TAB, ALL_TIME_TAB = 0, 1
ROW_HEIGHT = 38


def metric_labels() -> dict[str, str]:
    """Column titles for core's metrics, through the translator."""
    return {
        "active_days": QCoreApplication.translate("LadderDialog", "活跃天数"),
        "checkins": QCoreApplication.translate("LadderDialog", "签到天数"),
        "messages": QCoreApplication.translate("LadderDialog", "发言次数"),
        "invites": QCoreApplication.translate("LadderDialog", "成功邀请"),
        "purchases": QCoreApplication.translate("LadderDialog", "购买次数"),
        "points": QCoreApplication.translate("LadderDialog", "获得积分"),
    }


class ThresholdSpin(QSpinBox):
    """A threshold in a table cell: 0 reads 不限. (The wheel scrolls the table unless the
    spin box is focused: ui.common.wheel, through `scrolling`.)"""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(0, MAX_THRESHOLD)
        self.setSpecialValueText(self.tr("不限"))
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setFrame(False)
        self.setAutoFillBackground(True)  # the row's selection colour stays behind it


@dataclass
class _Row:
    """The widgets of one level's row; its index in LadderDialog.rows is its table row."""

    manual: QCheckBox
    window: dict[str, ThresholdSpin]
    all_time: dict[str, ThresholdSpin]

    def widgets(self) -> list[QWidget]:
        return [self.manual, *self.window.values(), *self.all_time.values()]


class LadderDialog(QDialog):
    """Edit the shared ladder (community_id None) or one community's own ladder.

    `saved` carries the Ladder in force for this scope after 确定: the one just stored, or the
    shared one when the community went back to following it.
    """

    saved = Signal(object)

    def __init__(
        self, database: Database, community_id: int | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ladderDialog")
        self.database = database
        self.community_id = community_id
        self.saved_ladder: Ladder | None = None
        self.rows: list[_Row] = []
        self._used_keys: set[str] = {level.key for level in DEFAULT_LADDER.levels}
        self._stashed_own: dict[str, Any] | None = None  # own ladder while the box is unticked
        fit_to_screen(self, 980, 780)

        shared, own, community_name, load_problem = self._load()
        self.shared = shared
        self.setWindowTitle(
            self.tr("等级规则（通用）")
            if community_id is None
            else self.tr("等级规则 · {name}").format(name=community_name)
        )

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(12)
        layout.addLayout(self._scope_section(community_name))
        if load_problem:
            problem = QLabel(
                self.tr("保存的等级规则无法读取（{problem}），下面显示的是默认规则。").format(
                    problem=shown(load_problem)
                )
            )
            problem.setObjectName("ladderLoadProblem")
            problem.setWordWrap(True)
            problem.setStyleSheet("color: #b45309;")
            layout.addWidget(problem)

        self.editor = QWidget()
        self.editor.setObjectName("ladderEditor")
        editor_layout = QVBoxLayout(self.editor)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.setSpacing(10)
        editor_layout.addWidget(section_title(self.tr("基本设置")))
        editor_layout.addLayout(self._general_section())
        editor_layout.addSpacing(6)
        editor_layout.addWidget(section_title(self.tr("等级（从低到高）")))
        editor_layout.addWidget(self._levels_hint())
        editor_layout.addWidget(self._mode_tabs())
        editor_layout.addWidget(self._levels_table(), 1)
        editor_layout.addLayout(self._level_buttons())
        # On a short laptop screen the editor scrolls and 确定/取消 stay in view.
        self.editor.setMinimumSize(820, 640)  # wrapped hints are not in the layout minimum
        layout.addWidget(scrolling(self.editor, "ladderScroll"), 1)

        self.buttons = ok_cancel_buttons(self, "ladderButtons")
        layout.addWidget(self.buttons)

        if community_id is not None and own is not None:
            self.own_check.setChecked(True)
            self.show_ladder(own)
        else:
            self.show_ladder(ladder_to_json(shared))
        self._scope_changed()
        self.table.setFocus()

    # ---- loading -------------------------------------------------------------------------

    def _load(self) -> tuple[Ladder, dict[str, Any] | None, str, str]:
        """(shared ladder, own ladder as JSON or None, community name, load problem)."""
        problem = ""
        community_name = ""
        own = None
        with self.database.session() as session:
            try:
                shared = load_ladder(session)
            except UserError as error:
                shared, problem = DEFAULT_LADDER, error.message
            if self.community_id is not None:
                try:
                    community_name = read_fields(session, self.community_id).name
                except UserError:
                    community_name = str(self.community_id)
                if has_own_ladder(session, self.community_id):
                    try:
                        own = ladder_to_json(load_ladder(session, self.community_id))
                    except UserError as error:
                        own, problem = ladder_to_json(shared), error.message
        return shared, own, community_name, problem

    # ---- building ------------------------------------------------------------------------

    def _muted(self, text: str) -> QLabel:
        label = hint_label(text)
        return label

    def _scope_section(self, community_name: str) -> QVBoxLayout:
        box = QVBoxLayout()
        box.setSpacing(4)
        self.own_check: QCheckBox | None = None
        if self.community_id is None:
            box.addWidget(section_title(self.tr("通用规则")))
            self.scope_hint = self._muted(self.tr("所有没有单独设置等级规则的社群都使用这套规则。"))
        else:
            self.own_check = QCheckBox(self.tr("本群使用单独的等级规则"))
            self.own_check.setObjectName("ownLadderCheck")
            self.own_check.toggled.connect(self._own_toggled)
            box.addWidget(self.own_check)
            self.scope_hint = self._muted("")
            self._community_name = community_name
        self.scope_hint.setObjectName("ladderScopeHint")
        box.addWidget(self.scope_hint)
        return box

    def _general_section(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(10)
        grid.setColumnStretch(2, 1)
        self.window_days = self._general_spin("windowDaysSpin", 7, 730, units.days)
        self.window_days.valueChanged.connect(self._update_tab_titles)
        self.low_water = self._general_spin("lowWaterSpin", 50, 100, lambda n: f"{n}%")
        self.grace_days = self._general_spin("graceDaysSpin", 0, 365, units.days)
        self.cold_start = self._general_spin("coldStartSpin", 0, 100_000, units.members)
        self.cold_start.setSpecialValueText(self.tr("不使用"))
        rows = [
            (
                self.tr("统计周期（天）"),
                self.window_days,
                self.tr("「近期门槛」统计最近这么多天里的数据。"),
            ),
            (
                self.tr("保级线"),
                self.low_water,
                self.tr(
                    "近期数据低于门槛的这个比例才降级，免得在门槛附近反复升降。"
                    "例如 90%：门槛是发言 30 次，少于 27 次才降级。"
                ),
            ),
            (
                self.tr("升级保护期（天）"),
                self.grace_days,
                self.tr("升级后这么多天内不会降级。"),
            ),
            (
                self.tr("冷启动人数"),
                self.cold_start,
                self.tr("社群人数少于这个数时，新成员直接从第二个等级起步；填 0 不使用。"),
            ),
        ]
        for row, (caption, spin, hint) in enumerate(rows):
            label = QLabel(caption)
            label.setToolTip(hint)
            spin.setToolTip(hint)
            explanation = self._muted(hint)
            grid.addWidget(label, row, 0)
            grid.addWidget(spin, row, 1)
            grid.addWidget(explanation, row, 2)
        return grid

    def _general_spin(
        self, object_name: str, low: int, high: int, unit: Callable[[int], str]
    ) -> QSpinBox:
        """`unit(n)`: the number with its unit, "1 day" / "14 days"."""
        spin = QSpinBox()
        spin.setObjectName(object_name)
        spin.setRange(low, high)
        counted_suffix(spin, unit)
        spin.setMinimumWidth(120)
        spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        return spin

    def _levels_hint(self) -> QLabel:
        return self._muted(
            self.tr(
                "成员升到满足全部门槛的最高等级（同一等级的门槛要同时达到），填 0 表示不限。"
                "第一个等级是每个人的起点；勾选「仅手动」的等级（如 KOC/KOL）不会自动升入，"
                "只能在成员详情里指定。"
            )
        )

    def _mode_tabs(self) -> QTabBar:
        self.mode_tabs = QTabBar()
        self.mode_tabs.setObjectName("thresholdModeTabs")
        self.mode_tabs.setExpanding(False)
        self.mode_tabs.setDrawBase(False)
        self.mode_tabs.addTab("")
        self.mode_tabs.addTab(self.tr("累计门槛（入群以来）"))
        self.mode_tabs.setTabToolTip(
            WINDOW_TAB, self.tr("统计周期内的数据：最近一段时间不活跃会降级")
        )
        self.mode_tabs.setTabToolTip(
            ALL_TIME_TAB, self.tr("入群以来的累计数据：只增不减，用来要求资历")
        )
        self.mode_tabs.setStyleSheet(
            "QTabBar::tab:selected { color: #0f766e; font-weight: 600;"
            " border-bottom: 2px solid #0f766e; }"
        )
        self.mode_tabs.currentChanged.connect(self._show_mode)
        return self.mode_tabs

    def _levels_table(self) -> QTableWidget:
        labels = metric_labels()
        table = QTableWidget(0, FIRST_METRIC_COLUMN + 2 * len(METRICS))
        table.setObjectName("levelsTable")
        self.table = table
        headers = [self.tr("等级名称"), self.tr("仅手动")]
        headers += [labels[m] for m in METRICS]
        headers += [self.tr("累计{metric}").format(metric=labels[m]) for m in METRICS]
        table.setHorizontalHeaderLabels(headers)
        table.horizontalHeaderItem(NAME_COLUMN).setToolTip(self.tr("双击修改名称"))
        table.horizontalHeaderItem(MANUAL_COLUMN).setToolTip(
            self.tr("只能手动指定的等级（如 KOC/KOL）：不会自动升入，也不会自动降级")
        )
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        table.setAlternatingRowColors(True)
        table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        header = table.horizontalHeader()
        header.setMinimumSectionSize(60)
        header.setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(MANUAL_COLUMN, QHeaderView.ResizeMode.Fixed)
        table.setColumnWidth(MANUAL_COLUMN, 72)
        for column in range(FIRST_METRIC_COLUMN, table.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            table.setColumnWidth(column, 98)
        fit_columns(table, rows=False)  # "Manual only" needs more than 仅手动
        table.setMinimumHeight(header.sizeHint().height() + 4 * ROW_HEIGHT + 6)
        table.currentCellChanged.connect(lambda *_: self._update_buttons())
        table.itemSelectionChanged.connect(self._update_buttons)
        return table

    def _level_buttons(self) -> QHBoxLayout:
        self.add_button = push_button("addLevelButton", self.tr("添加等级"), self.add_level)
        self.remove_button = push_button(
            "removeLevelButton", self.tr("删除等级"), self.remove_level
        )
        self.up_button = push_button("moveUpButton", self.tr("上移"), lambda: self.move_level(-1))
        self.down_button = push_button(
            "moveDownButton", self.tr("下移"), lambda: self.move_level(1)
        )
        self.restore_button = push_button(
            "restoreDefaultsButton", self.tr("恢复默认"), self.restore_defaults
        )
        self.add_button.setToolTip(self.tr("在「仅手动」的等级之前添加一个新等级"))
        self.remove_button.setToolTip(
            self.tr("第一个等级不能删除。原在被删等级的成员，下次重新计算时按规则重新定级。")
        )
        self.restore_button.setToolTip(self.tr("换回程序自带的等级规则（点确定后才保存）"))
        row = QHBoxLayout()
        row.setSpacing(8)
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.restore_button)
        return row

    # ---- rows ----------------------------------------------------------------------------

    def _make_row(self, index: int, level: dict[str, Any]) -> None:
        self.table.insertRow(index)
        name = QTableWidgetItem()
        self.table.setItem(index, NAME_COLUMN, name)
        self._set_name(name, level)

        manual = QCheckBox()
        manual.setObjectName("levelManualCheck")
        manual.setChecked(bool(level.get("manual")))
        manual.setToolTip(self.table.horizontalHeaderItem(MANUAL_COLUMN).toolTip())
        holder = QWidget()
        holder_layout = QHBoxLayout(holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        holder_layout.addWidget(manual, 0, Qt.AlignmentFlag.AlignCenter)
        self.table.setCellWidget(index, MANUAL_COLUMN, holder)

        row = _Row(manual=manual, window={}, all_time={})
        for offset, metric in enumerate(METRICS):
            for part, shift in (("window", 0), ("all_time", len(METRICS))):
                spin = ThresholdSpin()
                spin.setObjectName(f"{part}_{metric}")
                spin.setValue(int((level.get(part) or {}).get(metric, 0)))
                getattr(row, part)[metric] = spin
                self.table.setCellWidget(index, FIRST_METRIC_COLUMN + shift + offset, spin)
        manual.toggled.connect(self._grey_out)
        for widget in row.widgets():
            widget.installEventFilter(self)
        self.rows.insert(index, row)
        self._grey_out()

    @staticmethod
    def _set_name(item: QTableWidgetItem, level: dict[str, Any]) -> None:
        stored = str(level.get("name", ""))
        item.setText(shown_name(stored))
        item.setData(STORED_NAME_ROLE, stored)
        item.setData(Qt.ItemDataRole.UserRole, level["key"])

    def _grey_out(self) -> None:
        """The first level (everyone's start) and levels given by hand have no criteria to meet:
        their thresholds are greyed out."""
        for index, row in enumerate(self.rows):
            first = index == 0
            for spin in (*row.window.values(), *row.all_time.values()):
                spin.setEnabled(not first and not row.manual.isChecked())
                spin.setToolTip(self.tr("第一个等级是每个人的起点，没有门槛") if first else "")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Clicking into a cell widget makes its row the current one, for the buttons.
        if event.type() == QEvent.Type.FocusIn:
            for index, row in enumerate(self.rows):
                if watched in row.widgets():
                    if self.table.currentRow() != index:
                        self.table.setCurrentCell(index, NAME_COLUMN)
                    break
        return super().eventFilter(watched, event)

    def _row_level(self, index: int) -> dict[str, Any]:
        row = self.rows[index]
        item = self.table.item(index, NAME_COLUMN)
        return {
            "key": item.data(Qt.ItemDataRole.UserRole),
            "name": typed_name(item.text(), item.data(STORED_NAME_ROLE) or "").strip(),
            "manual": row.manual.isChecked(),
            "window": {m: s.value() for m, s in row.window.items() if s.value() > 0},
            "all_time": {m: s.value() for m, s in row.all_time.items() if s.value() > 0},
        }

    def _set_row_level(self, index: int, level: dict[str, Any]) -> None:
        row = self.rows[index]
        self._set_name(self.table.item(index, NAME_COLUMN), level)
        row.manual.setChecked(level["manual"])
        for part in ("window", "all_time"):
            for metric, spin in getattr(row, part).items():
                spin.setValue(level[part].get(metric, 0))

    def _new_key(self) -> str:
        taken = self._used_keys | {level["key"] for level in self.levels()}
        number = 1
        while f"level_{number}" in taken:
            number += 1
        key = f"level_{number}"
        self._used_keys.add(key)
        return key

    def _new_name(self) -> str:
        names = {level["name"] for level in self.levels()}
        base = self.tr("新等级")
        name, number = base, 2
        while name in names:
            name, number = f"{base} {number}", number + 1
        return name

    # ---- what the dialog shows -----------------------------------------------------------

    def levels(self) -> list[dict[str, Any]]:
        """The levels as typed, in ladder_to_json's shape (not yet validated)."""
        return [self._row_level(index) for index in range(len(self.rows))]

    def current_json(self) -> dict[str, Any]:
        """The whole ladder as typed, in ladder_to_json's shape (not yet validated)."""
        return {
            "window_days": self.window_days.value(),
            "low_water": self.low_water.value() / 100,
            "grace_days": self.grace_days.value(),
            "cold_start_members": self.cold_start.value(),
            "levels": self.levels(),
        }

    def show_ladder(self, raw: dict[str, Any]) -> None:
        """Fill every field from a ladder in ladder_to_json's shape."""
        self.window_days.setValue(int(raw.get("window_days", DEFAULT_LADDER.window_days)))
        self.low_water.setValue(round(float(raw.get("low_water", DEFAULT_LADDER.low_water)) * 100))
        self.grace_days.setValue(int(raw.get("grace_days", DEFAULT_LADDER.grace_days)))
        self.cold_start.setValue(
            int(raw.get("cold_start_members", DEFAULT_LADDER.cold_start_members))
        )
        self.table.setRowCount(0)
        self.rows = []
        for index, level in enumerate(raw.get("levels", [])):
            self._used_keys.add(level["key"])
            self._make_row(index, level)
        self._update_tab_titles()
        self._show_mode(self.mode_tabs.currentIndex())
        if self.rows:
            self.table.setCurrentCell(0, NAME_COLUMN)
        self._update_buttons()

    def threshold_spin(self, row: int, metric: str, *, all_time: bool = False) -> ThresholdSpin:
        return (self.rows[row].all_time if all_time else self.rows[row].window)[metric]

    def manual_check(self, row: int) -> QCheckBox:
        return self.rows[row].manual

    # ---- actions -------------------------------------------------------------------------

    def add_level(self) -> None:
        levels = self.levels()
        if len(levels) >= MAX_LEVELS:
            return
        index = len(levels)
        while index > 0 and levels[index - 1]["manual"]:
            index -= 1
        above = levels[index - 1] if index > 0 else {"window": {}, "all_time": {}}
        # Start from the criteria of the level below it in the ladder: never easier to reach.
        self._make_row(
            index,
            {
                "key": self._new_key(),
                "name": self._new_name(),
                "manual": False,
                "window": dict(above["window"]),
                "all_time": dict(above["all_time"]),
            },
        )
        self.table.setCurrentCell(index, NAME_COLUMN)
        self.table.editItem(self.table.item(index, NAME_COLUMN))
        self._update_buttons()

    def remove_level(self) -> None:
        index = self.table.currentRow()
        if index <= 0 or len(self.rows) <= 2:
            return
        self.table.removeRow(index)
        self.rows.pop(index)
        self._grey_out()
        self.table.setCurrentCell(min(index, len(self.rows) - 1), NAME_COLUMN)
        self._update_buttons()

    def move_level(self, step: int) -> None:
        index = self.table.currentRow()
        other = index + step
        if index < 0 or not 0 <= other < len(self.rows):
            return
        here, there = self._row_level(index), self._row_level(other)
        self._set_row_level(index, there)
        self._set_row_level(other, here)
        self._grey_out()
        self.table.setCurrentCell(other, NAME_COLUMN)
        self._update_buttons()

    def restore_defaults(self) -> None:
        self.show_ladder(ladder_to_json(DEFAULT_LADDER))

    # ---- state ---------------------------------------------------------------------------

    @property
    def uses_own_ladder(self) -> bool:
        return self.own_check is not None and self.own_check.isChecked()

    def _own_toggled(self, on: bool) -> None:
        if on:
            self.show_ladder(self._stashed_own or ladder_to_json(self.shared))
        else:
            self._stashed_own = self.current_json()
            self.show_ladder(ladder_to_json(self.shared))
        self._scope_changed()

    def _scope_changed(self) -> None:
        if self.own_check is None:
            return
        own = self.own_check.isChecked()
        self.editor.setEnabled(own)
        if own:
            hint = self.tr(
                "下面的规则只对「{name}」生效。取消勾选并点确定，本群改回使用通用规则。"
            ).format(name=self._community_name)
        else:
            hint = self.tr(
                "本群现在使用通用规则（下面显示的就是，只能在通用规则里修改）。"
                "勾选后可为本群单独设置。"
            )
        self.scope_hint.setText(hint)

    def _update_tab_titles(self) -> None:
        self.mode_tabs.setTabText(
            WINDOW_TAB,
            self.tr("近期门槛（最近 {days} 天）").format(days=self.window_days.value()),
        )

    def _show_mode(self, tab: int) -> None:
        for offset in range(len(METRICS)):
            self.table.setColumnHidden(FIRST_METRIC_COLUMN + offset, tab != WINDOW_TAB)
            self.table.setColumnHidden(
                FIRST_METRIC_COLUMN + len(METRICS) + offset, tab != ALL_TIME_TAB
            )
        fit_columns(self.table, rows=False)  # headers in English can be wider than 98 px

    def _update_buttons(self) -> None:
        index = self.table.currentRow()
        count = len(self.rows)
        self.add_button.setEnabled(count < MAX_LEVELS)
        self.remove_button.setEnabled(index > 0 and count > 2)
        self.up_button.setEnabled(index > 0)
        self.down_button.setEnabled(0 <= index < count - 1)

    # ---- saving --------------------------------------------------------------------------

    def _check_names(self, raw: dict[str, Any]) -> None:
        seen: set[str] = set()
        for level in raw["levels"]:
            name = level["name"]
            if name and name in seen:
                raise UserError(
                    QCoreApplication.translate(
                        "LadderDialog", "有两个等级都叫「{name}」，请改成不同的名称"
                    ).format(name=shown_name(name))
                )
            seen.add(name)

    def _commit_open_edit(self) -> None:
        """A name still being typed counts (Enter on the 确定 button does not close the editor)."""
        if self.table.state() == QAbstractItemView.State.EditingState:
            current = self.table.currentIndex()
            self.table.setCurrentIndex(self.table.model().index(-1, -1))
            self.table.setCurrentIndex(current)

    def accept(self) -> None:
        self._commit_open_edit()
        try:
            if self.community_id is not None and not self.uses_own_ladder:
                with self.database.session(write=True) as session:
                    remove_community_ladder(session, self.community_id)
                ladder = self.shared
            else:
                raw = self.current_json()
                self._check_names(raw)
                with self.database.session(write=True) as session:
                    ladder = save_ladder(session, raw, self.community_id)
        except Exception as error:  # shown, and the dialog stays open with what was typed
            if not isinstance(error, UserError):
                log.exception("saving the level ladder failed")
            show_error(self, error)
            return
        self.saved_ladder = ladder
        self.saved.emit(ladder)
        super().accept()
