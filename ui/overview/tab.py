"""The 概览 tab: the dashboard. KPI cards against the previous period, community warnings, the
charts, a date range and a community filter; every number and bar opens the members behind it
(`members_requested`: the window shows them in the 成员 tab). An empty database shows the
welcome instead.

Every figure comes from core.reports (core/reports/dashboard.py), read off the GUI thread:
first the cheap counts (core.overview.stats: empty or not, the status bar's counts), then the
dashboard's figures. QtCharts is imported when the first chart is drawn (start-up).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.common.database import Database
from core.common.errors import UserError
from core.overview.stats import OverviewStats, overview_stats
from ui.common.changes import Change, Changes, changes
from ui.common.empty_state import EmptyState
from ui.common.heat_grid import weekday_names
from ui.common.i18n import shown, shown_name
from ui.common.save_path import ask_xlsx_path
from ui.common.tab import FeatureTab
from ui.common.theme import theme_manager
from ui.common.wheel import scroll_safe
from ui.common.widgets import page_title, push_button, section_title
from ui.overview.cards import KpiCard
from ui.overview.charts import Bars, ChartBox
from ui.overview.funnel import FunnelView
from ui.overview.heat import ChatHeat
from ui.overview.period_bar import PeriodBar


def _section(object_name: str, title: str, body: QWidget) -> QFrame:
    frame = QFrame()
    frame.setObjectName(object_name)
    frame.setProperty("card", True)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(12, 10, 12, 10)
    label = section_title(title, f"{object_name}_title")
    frame.title_label = label
    layout.addWidget(label)
    layout.addWidget(body, 1)
    return frame


class OverviewTab(FeatureTab):
    """The dashboard, and a way in for an empty database."""

    SHOWS = frozenset(
        {
            Change.MEMBERS,
            Change.COMMUNITIES,
            Change.ACTIVITY,
            Change.POINTS,
            Change.CAMPAIGNS,
            Change.CALENDAR,
        }
    )
    demo_requested = Signal()
    import_requested = Signal()
    chat_import_requested = Signal()
    new_community_requested = Signal()
    stats_loaded = Signal(object)  # OverviewStats
    dashboard_loaded = Signal(object)  # core.reports.dashboard.Dashboard, once shown
    members_requested = Signal(list, str)  # member ids, what they are (the 成员 tab shows them)
    report_exported = Signal(object)  # WorkbookResult
    picture_written = Signal(object)  # PictureResult

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(database, parent)
        self.setObjectName("overview_tab")
        self.stats: OverviewStats | None = None
        self.board = None  # the Dashboard shown
        self._period = None  # the Period it was read for
        self._again = False
        self._stale = False  # the figures wait for the page to be shown
        self._skipped_empty = False  # …or for the counts to say there is something to show
        self._loading = None  # the figures' read in flight
        self._generation = 0

        self.period_bar = PeriodBar()
        self.period_bar.changed.connect(self._load_dashboard)
        # The button row: 导出周报 and whatever joins it (the phone picture).
        self.actions = QHBoxLayout()
        self.actions.setObjectName("overview_actions")
        self.thresholds_button = push_button(
            "overview_thresholds", self.tr("预警设置…"), self.edit_thresholds
        )
        self.export_button = push_button(
            "overview_export", self.tr("导出周报…"), lambda: self.export_report()
        )
        self.export_button.setProperty("primary", True)
        self.export_button.setToolTip(
            self.tr("选择预设（工作表、期间、社群、长图），导出给老板看的 Excel 工作簿")
        )
        self.picture_button = push_button(
            "overview_picture", self.tr("生成长图…"), lambda: self.export_picture()
        )
        self.picture_button.setToolTip(
            self.tr("把所选期间的数字画成一张手机上看的长图（PNG），可直接发到微信")
        )
        for button in (self.thresholds_button, self.picture_button, self.export_button):
            self.actions.addWidget(button)
        top = QHBoxLayout()
        top.addWidget(page_title("overview_title", self.tr("概览")))
        top.addSpacing(12)
        top.addWidget(self.period_bar)
        top.addStretch(1)
        top.addLayout(self.actions)

        self.period_label = QLabel(" ")
        self.period_label.setObjectName("overview_period")
        self.period_label.setProperty("muted", True)

        captions = {
            "members": self.tr("成员数"),
            "net_growth": self.tr("净增（入群 − 退群）"),
            "active_share": self.tr("活跃率"),
            "retention": self.tr("新人 4 周留存"),
            "points_liability": self.tr("积分负债"),
            "campaigns_running": self.tr("进行中的活动"),
            "content_sent": self.tr("内容发送率"),
        }
        self.cards = {key: KpiCard(key, caption) for key, caption in captions.items()}
        grid = QGridLayout()
        grid.setSpacing(12)
        for index, card in enumerate(self.cards.values()):
            card.clicked.connect(self._kpi_clicked)
            grid.addWidget(card, index // 4, index % 4)

        self.warnings_box = QWidget()
        self.warnings_layout = QGridLayout(self.warnings_box)  # two columns: a short section
        self.warnings_layout.setContentsMargins(0, 0, 0, 0)
        self.warnings_layout.setHorizontalSpacing(16)
        self.warnings_layout.setVerticalSpacing(0)
        self.warnings_section = _section(
            "overview_warnings", self.tr("社群预警"), self.warnings_box
        )

        self.growth_chart = ChartBox("overview_growth_chart")
        self.heat = ChatHeat()
        self.heat.cell_clicked.connect(self._heat_clicked)
        self.heat.import_requested.connect(self.chat_import_requested)
        self.tenure_chart = ChartBox("overview_tenure_chart")
        self.level_chart = ChartBox("overview_level_chart")
        self.funnel = FunnelView()
        self.funnel_chart = self.funnel.chart
        for chart in (self.growth_chart, self.tenure_chart, self.level_chart, self.funnel):
            chart.bar_clicked.connect(self._bar_clicked)
        self.funnel_section = _section("overview_funnel", self.tr("最新活动的漏斗"), self.funnel)
        charts = QGridLayout()
        charts.setSpacing(12)
        charts.addWidget(
            _section("overview_growth", self.tr("成员增长"), self.growth_chart), 0, 0, 1, 2
        )
        charts.addWidget(
            _section("overview_heat_section", self.tr("群聊发言时段"), self.heat), 1, 0
        )
        charts.addWidget(
            _section("overview_tenure", self.tr("退群成员的入群天数"), self.tenure_chart), 1, 1
        )
        charts.addWidget(_section("overview_levels", self.tr("等级分布"), self.level_chart), 2, 0)
        charts.addWidget(self.funnel_section, 2, 1)

        self.dashboard = QWidget()
        self.dashboard.setObjectName("overview_dashboard")
        board_layout = QVBoxLayout(self.dashboard)
        board_layout.setContentsMargins(0, 0, 0, 0)
        board_layout.setSpacing(12)
        board_layout.addWidget(self.period_label)
        board_layout.addLayout(grid)
        board_layout.addWidget(self.warnings_section)
        board_layout.addLayout(charts)

        self.empty_state = EmptyState(
            "overview_empty",
            "inbox",
            self.tr("数据库还是空的"),
            self.tr(
                "先生成一些演示数据熟悉各项功能，或者直接导入自己的成员名单"
                "（企业微信、微信群导出的 Excel 都可以）。"
            ),
        )
        self.demo_button = self.empty_state.add_action(
            "overview_demo_button", self.tr("生成演示数据…"), self.demo_requested.emit
        )
        self.empty_state.add_action(
            "overview_import_button",
            self.tr("导入成员名单…"),
            self.import_requested.emit,
            primary=False,
        )
        self.empty_state.add_action(
            "overview_new_community_button",
            self.tr("新建社群…"),
            self.new_community_requested.emit,
            primary=False,
        )

        self.location_label = QLabel()
        self.location_label.setObjectName("overview_location")
        self.location_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.location_label.setProperty("muted", True)

        page = QWidget()
        page.setObjectName("overview_page")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addWidget(self.dashboard)
        layout.addWidget(self.empty_state, 1)
        layout.addStretch(1)
        layout.addWidget(self.location_label)
        scroll = QScrollArea()
        scroll.setObjectName("overview_scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(page)
        scroll_safe(page)  # the wheel scrolls the dashboard, not the period box under the cursor
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self._set_empty_visible(False)
        theme_manager().theme_changed.connect(self._on_theme)
        # Quitting waits for background work: not for figures nobody will see (the window's
        # close cancels too; this covers a quit without it).
        QCoreApplication.instance().aboutToQuit.connect(self.cancel_loading)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self._load_dashboard()

    def _on_theme(self, _theme) -> None:
        """The charts carry the theme's colours: draw them again."""
        if self.board is not None:
            self._draw_charts(self.board)

    # ----- loading -------------------------------------------------------------------------

    def reload(self, changed: Changes | None) -> None:
        """Reload the counts and the dashboard side by side in the background; one load at a
        time, then once more if data changed meanwhile (the running load may have read before
        it)."""
        if self.busy():
            self._again = True
            return
        self._again = False
        self.tasks.read(_stats_and_choices, self._show_stats)
        self._load_dashboard()  # not after the counts: on 2 cores they overlap

    def _show_stats(self, found) -> None:
        stats, choices = found
        self.stats = stats
        self._set_empty_visible(stats.is_empty)
        self.period_bar.set_communities(choices)
        self.stats_loaded.emit(stats)
        if stats.is_empty:
            self._again_later()
        elif self._skipped_empty:  # the database was empty when the load was asked for
            self._load_dashboard()

    def _again_later(self) -> None:
        if self._again:
            QTimer.singleShot(0, self, lambda: self.reload(None))  # after this load has left busy()

    def period(self):
        from core.reports.period import Period

        start, end = self.period_bar.dates()
        return Period(start, end, self.period_bar.community_id(), self.period_bar.community_name())

    def _checked_period(self):
        """The period chosen, or None with the refusal shown under the figures (a custom range
        the wrong way round): nothing is read or written for it."""
        try:
            return self.period()
        except UserError as error:
            self.period_label.setText(shown(str(error)))
            return None

    def _load_dashboard(self) -> None:
        """Read the figures for the chosen period; only the newest read is shown."""
        self._skipped_empty = self.stats is not None and self.stats.is_empty
        if self._skipped_empty:
            return
        if not self.isVisible():
            # Seconds of work at 100000 members: not for a page nobody looks at (a write
            # elsewhere); done when the page is shown again.
            self._stale = True
            return
        self._stale = False
        period = self._checked_period()
        if period is None:
            return
        self._generation += 1
        generation = self._generation
        self.period_label.setText(self.tr("正在计算…"))

        self.cancel_loading()  # an older period's figures are seconds of wasted work
        started: dict = {}

        def cancelled() -> bool:
            task = started.get("task")
            return task is not None and task.is_cancelled()

        def work(session):
            from core.reports.dashboard import dashboard

            return dashboard(session, period, cancelled=cancelled)

        started["task"] = self._loading = self.tasks.read(
            work, lambda board: self._show_dashboard(generation, period, board)
        )

    def cancel_loading(self) -> None:
        """Stop the figures' read in flight (it stops between two chunks of its scan)."""
        if self._loading is not None:
            self._loading.cancel()
            self._loading = None

    def _show_dashboard(self, generation: int, period, board) -> None:
        if generation != self._generation:
            return
        self._loading = None
        self.board, self._period = board, period
        report = board.report
        previous = report.previous
        self.period_label.setText(
            self.tr("{start} 至 {end}，对比上期 {previous_start} 至 {previous_end}").format(
                start=period.start.isoformat(),
                end=period.end.isoformat(),
                previous_start=previous.start.isoformat(),
                previous_end=previous.end.isoformat(),
            )
        )
        for kpi in report.kpis:
            if kpi.key in self.cards:
                self.cards[kpi.key].show_kpi(kpi)
        self._show_warnings(report)
        self._draw_charts(board)
        self.dashboard_loaded.emit(board)
        self._again_later()

    def _show_warnings(self, report) -> None:
        while self.warnings_layout.count():
            item = self.warnings_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        found = [(c, w) for c in report.communities for w in c.warnings]
        if not found:
            label = QLabel(self.tr("没有预警：各群都在阈值之内"))
            label.setObjectName("overview_no_warnings")
            label.setProperty("muted", True)
            self.warnings_layout.addWidget(label, 0, 0)
            return
        for index, (community, warning) in enumerate(found):
            text = self.tr("{community}：{warning}").format(
                community=community.name, warning=shown(warning)
            )
            button = QPushButton(f"⚠ {text}")
            button.setObjectName(f"overview_warning_{index}")
            button.setProperty("attention", True)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setToolTip(self.tr("点击查看该群的成员"))
            button.setStyleSheet("text-align: left;")
            button.clicked.connect(
                lambda _c=False, c=community: self.open_members(
                    f"community:{c.community_id}", c.name
                )
            )
            self.warnings_layout.addWidget(button, index // 2, index % 2)

    def _draw_charts(self, board) -> None:
        report = board.report
        points = report.growth
        self.growth_chart.set_bars(
            [f"{p.day.month}/{p.day.day}" for p in points],
            [
                Bars(self.tr("入群"), "accent", [p.joins for p in points],
                     [f"growth:{p.day.isoformat()}" for p in points]),
                Bars(self.tr("退群"), "danger", [p.leaves for p in points]),
            ],
            line=(self.tr("成员数"), [p.members for p in points]),
        )  # fmt: skip
        self.heat.show_heat(board.heat, board.chat_history)
        buckets = board.tenure
        if not any(bucket.leaves for bucket in buckets):
            self.tenure_chart.show_empty(self.tr("这段时间没有人退群"))
        else:
            self.tenure_chart.set_bars(
                [shown(bucket.label) for bucket in buckets],
                [Bars(self.tr("退群"), "danger", [b.leaves for b in buckets],
                      [f"tenure:{n}" for n in range(len(buckets))])],
                horizontal=True,
            )  # fmt: skip
        levels = [level for level in report.levels if level.count]
        if not levels:
            self.level_chart.show_empty(self.tr("还没有等级：在「分层」里设置等级规则"))
        else:
            self.level_chart.set_bars(
                [shown_name(level.name) for level in levels],
                [Bars(self.tr("成员"), "accent", [level.count for level in levels],
                      [f"level:{level.level}" for level in levels])],
            )  # fmt: skip
        campaigns = [c for c in report.campaigns if c.stages]
        if not campaigns:
            self.funnel_section.title_label.setText(self.tr("最新活动的漏斗"))
            self.funnel.show_empty(self.tr("这段时间没有进行中的活动"))
        else:
            latest = max(campaigns, key=lambda c: (c.starts_at is not None, c.starts_at, c.id))
            self.funnel_section.title_label.setText(
                self.tr("最新活动的漏斗：{name}").format(name=latest.name)
            )
            self.funnel.show_funnel(latest.id, latest.stages)

    def _set_empty_visible(self, visible: bool) -> None:
        self.empty_state.setVisible(visible)
        self.dashboard.setVisible(not visible)
        self.period_bar.setVisible(not visible)
        for button in (self.export_button, self.picture_button, self.thresholds_button):
            button.setVisible(not visible)  # nothing to report on yet: the welcome leads

    # ----- clicking through to the members ---------------------------------------------------

    def _kpi_clicked(self, key: str) -> None:
        self.open_members(key, self.cards[key].caption.text())

    def _bar_clicked(self, target: str) -> None:
        kind, _, rest = target.partition(":")
        names = {
            "growth": self.tr("{day} 入群"),
            "tenure": self.tr("退群（入群 {days}）"),
            "level": self.tr("等级：{level}"),
        }
        label = names.get(kind, "{}")
        if kind == "tenure" and self.board is not None:
            label = label.format(days=shown(self.board.tenure[int(rest)].label))
        elif kind == "level" and self.board is not None:
            level = next((lv for lv in self.board.report.levels if lv.level == rest), None)
            label = label.format(level=shown_name(level.name) if level else rest)
        elif kind == "growth":
            label = label.format(day=rest)
        elif kind == "campaign" and self.board is not None:
            label = self._funnel_label(rest)
        self.open_members(target, label)

    def _funnel_label(self, rest: str) -> str:
        """The label of a funnel bar's members (target campaign:ID:STAGE): campaign and stage."""
        campaign, _, key = rest.partition(":")
        found = next((c for c in self.board.report.campaigns if str(c.id) == campaign), None)
        stage = next((s for s in found.stages if s.key == key), None) if found else None
        if stage is None:
            return rest
        return self.tr("{name}：{stage}").format(name=found.name, stage=shown(stage.label))

    def _heat_clicked(self, weekday: int, hour: int) -> None:
        label = self.tr("{day} {hour}点发言").format(day=weekday_names()[weekday], hour=hour)
        self.open_members(f"heat:{weekday}:{hour}", label)

    def open_members(self, target: str, label: str) -> None:
        """Work out the members behind `target` for the period shown, then ask for them."""
        period = self._period
        if period is None:
            return

        def work(session):
            from core.reports.dashboard import members_behind

            return members_behind(session, period, target)

        # Clicked again before the answer: only the last figure's members are sent.
        self.tasks.read(
            work, lambda ids: self.members_requested.emit(ids, label), latest="members_behind"
        )

    # ----- thresholds and the weekly report ----------------------------------------------------

    def edit_thresholds(self) -> None:
        from core.reports.thresholds import load_thresholds

        self.tasks.read(load_thresholds, self._open_thresholds)

    def _open_thresholds(self, values) -> None:
        from ui.overview.thresholds_dialog import ThresholdsDialog

        dialog = ThresholdsDialog(values, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def save(chosen) -> None:
            from core.reports.thresholds import save_thresholds

            self.tasks.write(
                lambda session: save_thresholds(session, chosen),
                label=self.tr("正在保存预警设置…"),
                changes=changes(),
                then=lambda _saved: (dialog.accept(), self._load_dashboard()),
                parent=dialog,
            )

        dialog.submitted.connect(save)
        self.thresholds_dialog = dialog
        dialog.open()

    def export_report(self, path: str | None = None) -> None:
        """The boss workbook: with no `path`, the operator picks a preset first (sheets, period,
        community, picture); with a `path`, the period shown (weekly sheets for a week)."""
        if self.stats is None or self.stats.is_empty:
            return
        if path is None:
            self._choose_preset()
            return
        period = self._checked_period()
        if period is None:
            return
        from core.reports.period import ALL_SHEETS, PRESETS

        sheets = PRESETS["weekly"] if period.kind == "week" else ALL_SHEETS
        self.write_report(period, sheets, path)

    def _choose_preset(self) -> None:
        from ui.reports.preset_dialog import PresetDialog

        dialog = PresetDialog(self.database, self)
        self.preset_dialog = dialog

        def chosen() -> None:
            preset, (start, end) = dialog.chosen(), dialog.dates()
            self.export_preset(preset, start, end)

        dialog.accepted.connect(chosen)
        dialog.open()

    def export_preset(self, preset, start, end, path: str | None = None) -> None:
        """The workbook a preset describes (and its picture beside it when the preset asks)."""
        from core.reports.period import Period

        community_id = self.period_bar.community_id_of(preset.community)
        period = Period(start, end, community_id, preset.community)
        if path is None:
            suggested = Path.home() / f"{preset.name or '报表'}_{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
            chosen = ask_xlsx_path(self, self.tr("导出报表"), suggested)
            if chosen is None:
                return
            path = str(chosen)
        self.write_report(period, preset.sheets, path, mask=preset.mask, picture=preset.image)

    def write_report(self, period, sheets, path: str, *, mask=True, picture=False) -> None:
        """Build the report once and write the workbook (and the picture) in the background."""
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"

        def work(session):
            from core.reports.build import build_report
            from core.reports.phone import write_picture
            from core.reports.workbook import write_workbook

            report = build_report(session, period, sheets=sheets)
            result = write_workbook(session, report, Path(path), mask=mask)
            if picture:
                write_picture(session, report, Path(path).with_suffix(".png"))
            return result

        self.tasks.write(
            work,
            label=self.tr("正在生成周报…"),
            changes=changes(),
            then=self._exported,
        )

    def export_picture(self, path: str | None = None) -> None:
        """The phone picture (长图) of the period shown, as PNG, written in the background."""
        if self.stats is None or self.stats.is_empty:
            return
        period = self._checked_period()
        if period is None:
            return
        if path is None:
            suggested = Path.home() / f"长图_{period.start:%Y%m%d}-{period.end:%Y%m%d}.png"
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("生成长图"), str(suggested), self.tr("PNG 图片 (*.png)")
            )
            if not path:
                return
        if not path.lower().endswith((".png", ".pdf")):
            path += ".png"

        def work(session):
            from core.reports.build import build_report
            from core.reports.period import PRESETS
            from core.reports.phone import write_picture

            report = build_report(session, period, sheets=PRESETS["weekly"])
            return write_picture(session, report, Path(path))

        self.tasks.write(
            work,
            label=self.tr("正在生成长图…"),
            changes=changes(),
            then=self._picture_written,
        )

    def _picture_written(self, result) -> None:
        self.picture_written.emit(result)
        self.say(self.tr("长图已生成：{path}").format(path=str(result.path)), 10000)

    def _exported(self, result) -> None:
        self.report_exported.emit(result)
        self.say(self.tr("周报已导出：{path}").format(path=str(result.path)), 10000)


def _stats_and_choices(session):
    from core.members.query import filter_choices

    return overview_stats(session), filter_choices(session)
