"""预测: joins per day for the next N days as a chart (QtCharts, drawn the way the 社群 tab's
growth chart is), when each target group reaches its scan-in and member caps, which new
groups to open and when, the budget and prize burn — and beside the chart, in words, what the
forecast assumes (core/campaigns/forecast states it: observed K and cycle time, or the
planner's assumptions typed here).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ui.campaigns.page import CampaignPage
from ui.common.day_chart import DayLineChart
from ui.common.i18n import shown
from ui.common.list_model import ListTableModel
from ui.common.units import units
from ui.common.widgets import captioned_panel, counted_suffix, hint_label, text_label
from ui.ledger.common import make_table

if TYPE_CHECKING:
    from core.campaigns.forecast import Forecast, GroupFill
    from core.campaigns.planning import PlannedForecast
    from ui.common.tab import FeatureTab

RELOAD_DELAY_MS = 300


class ForecastPage(CampaignPage):
    def __init__(self, tab: FeatureTab, parent: QWidget | None = None) -> None:
        from core.campaigns.forecast import MAX_DAYS
        from core.campaigns.planning import DEFAULT_CYCLE_HOURS, DEFAULT_K

        super().__init__(tab, parent)
        self._generation = 0
        self.result: PlannedForecast | None = None
        self.days = QSpinBox()
        self.days.setObjectName("campaign_forecast_days")
        self.days.setRange(1, MAX_DAYS)
        self.days.setValue(30)
        self.days.setPrefix(self.tr("未来 "))
        counted_suffix(self.days, units.days)
        self.plan_k = QDoubleSpinBox()
        self.plan_k.setObjectName("campaign_forecast_plan_k")
        self.plan_k.setRange(0, 20)
        self.plan_k.setDecimals(2)
        self.plan_k.setSingleStep(0.1)
        self.plan_k.setValue(DEFAULT_K)
        self.plan_k.setToolTip(self.tr("实测数据不足时（如活动开始前）用这个 K 预测"))
        self.plan_hours = QDoubleSpinBox()
        self.plan_hours.setObjectName("campaign_forecast_plan_hours")
        self.plan_hours.setRange(1, 720)
        self.plan_hours.setDecimals(0)
        self.plan_hours.setValue(DEFAULT_CYCLE_HOURS)
        self.plan_hours.setSuffix(self.tr(" 小时"))
        self.plan_hours.setToolTip(self.tr("实测数据不足时用的每代时长：邀请人入群到被邀请人入群"))
        self._timer = QTimer(self, singleShot=True, interval=RELOAD_DELAY_MS)
        self._timer.timeout.connect(self.reload)
        for box in (self.days, self.plan_k, self.plan_hours):
            box.valueChanged.connect(lambda _value: self._timer.start())
        controls = QHBoxLayout()
        controls.addWidget(QLabel(self.tr("预测")))
        controls.addWidget(self.days)
        controls.addSpacing(16)
        controls.addWidget(QLabel(self.tr("计划 K")))
        controls.addWidget(self.plan_k)
        controls.addWidget(QLabel(self.tr("每代")))
        controls.addWidget(self.plan_hours)
        controls.addStretch(1)

        self.chart = DayLineChart(
            "campaign_forecast_chart",
            "campaign_forecast_view",
            empty_text=self.tr("没有可预测的数据"),
            y_title=self.tr("每天入群人数"),
        )
        self.summary = text_label("campaign_forecast_summary")
        self.assumptions = text_label("campaign_forecast_assumptions")
        self.assumptions.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        side = captioned_panel(
            "campaign_forecast_side",
            (12, 0, 0, 0),
            [(self.tr("预测的假设"), self.assumptions), (self.tr("预算与奖品"), self.summary)],
        )
        top = QSplitter()
        top.addWidget(self.chart)
        top.addWidget(side)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 2)
        top.setSizes([600, 380])  # not by the assumptions' longest line

        self.groups_model = ListTableModel(
            [
                (self.tr("群"), self._group_name),
                (self.tr("开群"), self._opens),
                (self.tr("达扫码上限"), lambda g: _day_text(g.scan_cap_on)),
                (self.tr("达人数上限"), lambda g: _day_text(g.member_cap_on)),
                (self.tr("预计入群"), lambda g: _amount(g.joins)),
            ],
            parent=self,
        )
        self.groups_table = make_table(
            "campaign_forecast_groups", self.groups_model, (160, 110, 100, 100, 80)
        )
        self.groups_note = hint_label(name="campaign_forecast_groups_note")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(controls)
        layout.addWidget(top, 3)
        layout.addWidget(self.groups_note)
        layout.addWidget(self.groups_table, 1)

    def title(self) -> str:
        return self.tr("预测")

    def reload(self) -> None:
        self._timer.stop()
        self._generation += 1
        if self.campaign_id is None:
            self._show(self._generation, None)
            return
        from core.campaigns.planning import planned_forecast

        campaign, generation = self.campaign_id, self._generation
        days, k, hours = self.days.value(), self.plan_k.value(), self.plan_hours.value()
        self.tab.tasks.read(
            lambda session: planned_forecast(session, campaign, days, k, hours),
            lambda result: self._show(generation, result),
        )

    def _show(self, generation: int, result: PlannedForecast | None) -> None:
        if generation != self._generation:
            return
        self.result = result
        forecast = None if result is None else result.forecast
        self.chart.set_values(
            [] if forecast is None else [(d.date, d.joins) for d in forecast.days]
        )
        self.groups_model.set_items([] if forecast is None else forecast.groups)
        if forecast is None:
            self.assumptions.setText("")
            self.summary.setText("")
            self.groups_note.setText("")
            return
        lines = [f"• {shown(line)}" for line in forecast.assumptions]
        self.assumptions.setText("\n".join(lines))
        self.summary.setText("\n".join(self._summary_lines(forecast)))
        new = forecast.new_groups
        if not forecast.groups:
            self.groups_note.setText(self.tr("活动没有目标群：新成员将进入新开的群"))
        elif new:
            self.groups_note.setText(
                self.tr("需要新开 {count} 个群，第一个最晚 {day} 开好").format(
                    count=len(new), day=_day_text(new[0].open_by))
            )  # fmt: skip
        else:
            self.groups_note.setText(self.tr("预测期内现有目标群够用"))
        if forecast.unplaced >= 1:
            from core.campaigns.forecast import MAX_NEW_GROUPS

            self.groups_note.setText(
                self.groups_note.text()
                + self.tr("；只列出前 {groups} 个新群，另有约 {people} 人").format(
                    groups=MAX_NEW_GROUPS, people=_amount(forecast.unplaced))
            )  # fmt: skip

    def _summary_lines(self, forecast: Forecast) -> list[str]:
        lines = []
        if forecast.days:
            last = forecast.days[-1]
            lines.append(
                self.tr("{days} 天共约 {joins} 人入群，奖励成本约 ¥{cost}").format(
                    days=len(forecast.days), joins=_amount(last.total_joins),
                    cost=_amount(sum(d.cost for d in forecast.days)))
            )  # fmt: skip
        if forecast.budget_runs_out_on is not None:
            lines.append(
                self.tr("总预算将在 {day} 用完").format(day=_day_text(forecast.budget_runs_out_on))
            )
        if forecast.over_daily_budget:
            lines.append(
                self.tr("{count} 天超出每日预算，最早 {day}").format(
                    count=len(forecast.over_daily_budget),
                    day=_day_text(forecast.over_daily_budget[0]))
            )  # fmt: skip
        if forecast.stock_runs_out_on is not None:
            lines.append(
                self.tr("奖品库存将在 {day} 发完").format(day=_day_text(forecast.stock_runs_out_on))
            )
        if forecast.days and len(lines) == 1:
            lines.append(self.tr("预测期内预算与奖品够用"))
        return lines

    def _group_name(self, group: GroupFill) -> str:
        if group.new:
            return self.tr("新群 {number}").format(number=str(group.key).removeprefix("new-"))
        return group.name

    def _opens(self, group: GroupFill) -> str:
        if not group.new:
            return self.tr("已有")
        return self.tr("{day} 前").format(day=_day_text(group.open_by))


def _amount(value: float) -> str:
    """A count that may be astronomical at K ≥ 1: plain up to a billion, then 1.2e+15."""
    return f"{value:,.0f}" if value < 1e9 else f"{value:.1e}"


def _day_text(day: date | None) -> str:
    return "—" if day is None else f"{day:%Y-%m-%d}"
