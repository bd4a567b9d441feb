"""The 分层 tab: levels, role structure, level flow and role suggestions, per community or all.

Everything here is read in the background from core.tiers; the buttons on top are the ways
activity and rules come in (paste a 接龙, edit the ladder) and the full recalculation.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.common.database import Database
from core.common.joins import joined_phrases
from core.common.operator import operator_name
from core.members.query import filter_choices
from core.tiers.distribution import level_distribution
from core.tiers.flow import JOINED, level_flow
from core.tiers.recompute import recompute_levels
from core.tiers.role_suggestions import RoleSuggestion, accept_suggestions, suggest_roles
from core.tiers.structure import recent_months, role_structure
from ui.common.changes import Change, Changes, changes
from ui.common.flow_layout import flow_row
from ui.common.i18n import shown, shown_name
from ui.common.labels import role_name
from ui.common.tab import FeatureTab
from ui.common.theme import current_theme
from ui.common.widgets import (
    fill_communities,
    make_searchable,
    push_button,
    read_only_table,
    restyle,
    wrapping_label,
)
from ui.tiers.charts import FlowChart, RoleChart

if TYPE_CHECKING:  # pragma: no cover
    from sqlalchemy.orm import Session

# Recorded activity moves levels too.
RECORDED = changes(Change.ACTIVITY, Change.MEMBERS)
ALL = None


# Sized to contents, "人数" and "锁定" were as tight as their headers, beside a wide 占比.
MIN_COLUMN = 80


def _table(name: str, headers: list[str], **options) -> QTableWidget:
    table = read_only_table(name, headers, **options)
    table.horizontalHeader().setMinimumSectionSize(MIN_COLUMN)
    return table


def _number(value: int) -> QTableWidgetItem:
    item = QTableWidgetItem(f"{value:,}")
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class ShareBarDelegate(QStyledItemDelegate):
    """Draws a cell's share (0–1, in UserRole) as a bar behind its text."""

    def paint(self, painter: QPainter, option, index) -> None:
        share = index.data(Qt.ItemDataRole.UserRole)
        if isinstance(share, float) and share > 0:
            rect = option.rect.adjusted(4, 6, -4, -6)
            rect.setWidth(max(2, int(rect.width() * min(share, 1.0))))
            painter.save()
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(current_theme().accent_soft))  # text stays readable
            painter.drawRoundedRect(rect, 3, 3)
            painter.restore()
        super().paint(painter, option, index)


def _fill(table: QTableWidget, rows: list[list]) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.setItem(
                r, c, _number(value) if isinstance(value, int) else QTableWidgetItem(value)
            )


class TiersTab(FeatureTab):
    SHOWS = frozenset({Change.MEMBERS, Change.COMMUNITIES, Change.ACTIVITY})

    def __init__(
        self,
        database: Database,
        parent: QWidget | None = None,
        *,
        suggest: Callable[[Session, int], list[RoleSuggestion]] = suggest_roles,
    ) -> None:
        super().__init__(database, parent)
        self.setObjectName("tiers_tab")
        self.suggestions: list = []
        # 角色建议; the window hands in one that adds the chat's evidence (ui/wiring.py).
        self.suggest = suggest

        title = QLabel(self.tr("分层"))
        title.setProperty("pageTitle", True)
        self.community = QComboBox()
        self.community.setObjectName("tiersCommunity")
        self.community.setMinimumWidth(240)
        make_searchable(self.community, self.tr("输入群名查找"))
        self.community.currentIndexChanged.connect(lambda _index: self.refresh())
        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(16)
        top.addWidget(QLabel(self.tr("社群")))
        top.addWidget(self.community)
        self.status = QLabel()
        self.status.setObjectName("tiersStatus")
        self.status.setProperty("muted", True)
        top.addWidget(self.status)
        self.last_run = QLabel()
        self.last_run.setObjectName("tiersLastRun")
        self.last_run.setProperty("muted", True)
        top.addWidget(self.last_run)
        # Wraps under itself on a narrow window (English labels are long) instead of
        # widening the whole window past a laptop screen.
        actions = flow_row(
            push_button("tiersPaste", self.tr("粘贴接龙…"), self.open_paste),
            push_button("tiersImport", self.tr("导入行为…"), self.open_import),
            push_button("tiersLadder", self.tr("等级规则…"), self.open_ladder),
            push_button("tiersWeights", self.tr("行为权重…"), self.open_weights),
            push_button("tiersRecompute", self.tr("重新计算等级"), self.recompute),
        )
        actions.layout().setAlignment(Qt.AlignmentFlag.AlignRight)
        top.addWidget(actions, 1)

        self.levels = _table(
            "tiersLevels", [self.tr("等级"), self.tr("人数"), self.tr("锁定"), self.tr("占比")]
        )
        self.levels.setItemDelegateForColumn(3, ShareBarDelegate(self.levels))
        self.roles = _table("tiersRoles", [self.tr("角色 / 等级")], stretch=None)
        self.warnings = wrapping_label("tiersWarnings")
        roles_page = QWidget()
        roles_layout = QVBoxLayout(roles_page)
        self.role_chart = RoleChart()
        roles_layout.addWidget(self.warnings)
        roles_split = QHBoxLayout()
        roles_split.addWidget(self.roles, 3)
        roles_split.addWidget(self.role_chart, 2)
        roles_layout.addLayout(roles_split, 1)

        self.flow_month = QComboBox()
        self.flow_month.setObjectName("tiersFlowMonth")
        for month in reversed(recent_months(date.today(), 12)):
            self.flow_month.addItem(f"{month:%Y-%m}", month)
        self.flow_month.currentIndexChanged.connect(lambda _index: self._load_flow())
        self.flow = _table(
            "tiersFlow",
            [
                self.tr("月初等级"),
                self.tr("月初人数"),
                self.tr("升级"),
                self.tr("保持"),
                self.tr("降级"),
                self.tr("离开"),
            ],
            stretch=None,
        )
        flow_page = QWidget()
        flow_layout = QVBoxLayout(flow_page)
        month_row = QHBoxLayout()
        month_row.addWidget(QLabel(self.tr("月份")))
        month_row.addWidget(self.flow_month)
        month_row.addStretch(1)
        flow_layout.addLayout(month_row)
        self.flow_chart = FlowChart()
        flow_split = QHBoxLayout()
        # 3:2 as the role mix: at 1:1 a 1280-wide window cut 离开 (English headers are wider)
        flow_split.addWidget(self.flow, 3)
        flow_split.addWidget(self.flow_chart, 2)
        flow_layout.addLayout(flow_split, 1)

        self.suggestion_table = _table(
            "tiersSuggestions",
            [self.tr("成员"), self.tr("现在"), self.tr("建议"), self.tr("依据")],
        )
        self.suggestion_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.suggestion_hint = wrapping_label("tiersSuggestionHint")
        self.accept_button = push_button(
            "tiersAcceptRoles", self.tr("采纳所选建议"), self.accept_selected
        )
        suggestions_page = QWidget()
        suggestions_layout = QVBoxLayout(suggestions_page)
        suggestion_row = QHBoxLayout()
        suggestion_row.addWidget(self.suggestion_hint, 1)
        suggestion_row.addWidget(self.accept_button)
        suggestions_layout.addLayout(suggestion_row)
        suggestions_layout.addWidget(self.suggestion_table, 1)

        self.views = QTabWidget()
        self.views.setObjectName("tiersViews")
        self.views.addTab(self.levels, self.tr("等级分布"))
        self.views.addTab(roles_page, self.tr("角色结构"))
        self.views.addTab(flow_page, self.tr("等级流动"))
        self.views.addTab(suggestions_page, self.tr("角色建议"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addWidget(self.views, 1)
        self._load_communities()

    # ----- loading ------------------------------------------------------------------------

    def community_id(self) -> int | None:
        return self.community.currentData()

    def _load_communities(self) -> None:
        self.tasks.read(filter_choices, self._set_communities)

    def _set_communities(self, choices) -> None:
        current = self.community_id()
        self.community.blockSignals(True)
        self.community.clear()
        self.community.addItem(self.tr("全部社群"), ALL)
        fill_communities(self.community, choices, current)
        self.community.blockSignals(False)
        self.refresh()

    def reload(self, changed: Changes | None) -> None:
        if changed is not None and Change.COMMUNITIES in changed:
            self._load_communities()  # then the figures, for the community still chosen
            return
        community_id = self.community_id()

        def work(session):
            return (
                community_id,
                level_distribution(session, community_id),
                role_structure(session, community_id),
                self.suggest(session, community_id) if community_id is not None else None,
            )

        self.status.setText(self.tr("正在统计…"))
        self.tasks.read(work, self._show)
        self._load_flow()

    def _show(self, result) -> None:
        community_id, levels, structure, suggestions = result
        if community_id != self.community_id():
            return
        self.status.clear()
        total = sum(level.count for level in levels) or 1
        _fill(
            self.levels,
            [
                [
                    shown_name(level.name),
                    level.count,
                    level.locked,
                    f"{100 * level.count / total:.1f}%",
                ]
                for level in levels
            ],
        )
        for row, level in enumerate(levels):
            self.levels.item(row, 3).setData(Qt.ItemDataRole.UserRole, level.count / total)
        self._show_structure(structure)
        self._show_suggestions(suggestions)

    def _show_structure(self, structure) -> None:
        months = structure.months
        self.roles.setColumnCount(1 + len(months))
        self.roles.setHorizontalHeaderLabels(
            [self.tr("角色 / 等级")] + [f"{m.month:%Y-%m}" for m in months]
        )
        rows = []
        if months:
            for role in months[-1].roles:
                rows.append([role_name(role)] + [m.roles.get(role, 0) for m in months])
            for key, name in structure.level_names.items():
                rows.append(
                    [self.tr("等级：{level}").format(level=shown_name(name))]
                    + [m.levels.get(key, 0) for m in months]
                )
            rows.append([self.tr("合计")] + [m.total for m in months])
            self.role_chart.set_months(months, {role: role_name(role) for role in months[-1].roles})
        _fill(self.roles, rows)
        if structure.warnings:
            self.warnings.setText("\n".join(f"⚠ {shown(text)}" for text in structure.warnings))
        else:
            self.warnings.setText(self.tr("各层都有人，结构健康"))
        restyle(self.warnings, warning=bool(structure.warnings))

    def _show_suggestions(self, suggestions) -> None:
        self.suggestions = suggestions or []
        if suggestions is None:
            self.suggestion_hint.setText(self.tr("选择一个社群，查看按行为建议的角色"))
        elif not suggestions:
            self.suggestion_hint.setText(
                self.tr("目前没有建议：追随者里还没有人达到其他角色的标准")
            )
        else:
            self.suggestion_hint.setText(
                self.tr(
                    "%n 条建议。选中要采纳的行（可多选），点「采纳所选建议」。",
                    "",
                    len(suggestions),
                )
            )
        self.accept_button.setEnabled(bool(suggestions))
        _fill(
            self.suggestion_table,
            [
                [shown(s.name), role_name(s.current), role_name(s.suggested), shown(s.evidence)]
                for s in self.suggestions
            ],
        )

    def _load_flow(self) -> None:
        community_id, month = self.community_id(), self.flow_month.currentData()
        if month is None:
            return
        self.tasks.read(
            lambda session: (community_id, month, level_flow(session, month, community_id)),
            self._show_flow,
        )

    def _show_flow(self, result) -> None:
        community_id, month, flow = result
        if community_id != self.community_id() or month != self.flow_month.currentData():
            return
        rows, joined_row = [], None
        for row in flow.rows:
            if row.level == JOINED:
                joined_row = len(rows)
                names = {r.level: r.name for r in flow.rows}
                reached = shown(
                    joined_phrases(
                        [
                            self.tr("{level} {count}").format(
                                level=shown_name(names.get(key, key)), count=count
                            )
                            for key, count in row.reached.items()
                        ]
                    )
                )
                rows.append([self.tr("本月新加入"), row.start, reached, "", "", ""])
            else:
                rows.append([shown_name(row.name), row.start, row.up, row.held, row.down, row.left])
        _fill(self.flow, rows)
        self.flow.clearSpans()
        if joined_row is not None:
            # the newcomers' levels span 升级…离开: in 升级 alone they pushed 离开 out of sight
            self.flow.setSpan(joined_row, 2, 1, self.flow.columnCount() - 2)
        self.flow_chart.set_rows([row for row in flow.rows if row.level != JOINED])

    # ----- actions ------------------------------------------------------------------------

    def accept_selected(self) -> None:
        rows = sorted({index.row() for index in self.suggestion_table.selectedIndexes()})
        chosen = [self.suggestions[row] for row in rows if row < len(self.suggestions)]
        community_id = self.community_id()
        if not chosen or community_id is None:
            self.suggestion_hint.setText(self.tr("请先选中要采纳的建议"))
            return
        operator = operator_name()
        self.tasks.write(
            lambda session: accept_suggestions(session, community_id, chosen, operator),
            label=self.tr("正在设置角色…"),
            changes=changes(Change.MEMBERS),
            then=lambda _changed: self.refresh(),
        )

    def recompute(self) -> None:
        operator = operator_name()

        def done(result) -> None:
            self.last_run.setText(
                self.tr("已重新计算：升级 {up} 人，降级 {down} 人（{seconds} 秒）").format(
                    up=result.promoted, down=result.demoted, seconds=f"{result.seconds:.1f}"
                )
            )
            self.refresh()

        self.tasks.write(
            lambda session: recompute_levels(session, operator=operator),
            label=self.tr("正在重新计算等级…"),
            changes=changes(Change.MEMBERS),
            then=done,
        )

    def open_paste(self) -> None:
        # a dialog's module loads when it is first opened (start-up)
        from ui.activity.paste_dialog import PasteDialog

        dialog = PasteDialog(self.database, self.community_id(), self)
        dialog.recorded.connect(lambda _n: self.announce(RECORDED))
        dialog.exec()
        dialog.deleteLater()

    def open_import(self) -> None:
        # a dialog's module loads when it is first opened (start-up)
        from ui.activity.activity_import_dialog import ActivityImportDialog

        dialog = ActivityImportDialog(self.database, self.community_id(), self)
        dialog.imported.connect(lambda _n: self.announce(RECORDED))
        dialog.exec()
        dialog.deleteLater()

    def open_weights(self) -> None:
        # a dialog's module loads when it is first opened (start-up)
        from ui.activity.weights_dialog import WeightsDialog

        dialog = WeightsDialog(self.database, self)
        if dialog.exec():
            self.announce(changes(Change.ACTIVITY))
        dialog.deleteLater()

    def open_ladder(self) -> None:
        # a dialog's module loads when it is first opened (start-up)
        from ui.tiers.ladder_dialog import LadderDialog

        dialog = LadderDialog(self.database, self.community_id(), self)
        if dialog.exec():
            self.recompute()
        dialog.deleteLater()
