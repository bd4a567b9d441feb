"""The 概览 dashboard's campaign funnel: one bar per stage (core/campaigns/funnel), a click opening
the members behind it. A stage nobody can be counted in yet (Stage.known False) is no bar and no
click: "—" beside its name, and the reason in the tip and in a note under the chart, as the
workbook's 活动 sheet and the phone picture show it, never a 0. A stage counted for only some
people (a reason with a count) says of how many, in the tip and the note.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from core.reports.figures import percent
from ui.common.i18n import shown
from ui.common.widgets import hint_label
from ui.overview.charts import Bars, ChartBox

if TYPE_CHECKING:  # the campaign core is loaded with the dashboard's figures, not at start-up
    from core.campaigns.funnel import Stage


class FunnelView(QWidget):
    """The chart (`chart`, objectName overview_funnel_chart) and the note under it."""

    bar_clicked = Signal(str)  # a members_behind target: campaign:ID:STAGE

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("overview_funnel_view")
        self.chart = ChartBox("overview_funnel_chart")
        self.chart.bar_clicked.connect(self.bar_clicked)
        self.note = hint_label(name="overview_funnel_note")
        self.note.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.note)

    def hasHeightForWidth(self) -> bool:
        # The wrapped note would pass height-for-width up, and the dashboard's grid would then
        # size every chart by its preferred (tall) height; the note keeps its lines through
        # its minimum height instead (_fit_note).
        return False

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_note()

    def _fit_note(self) -> None:
        if self.note.isVisibleTo(self):
            self.note.setMinimumHeight(self.note.heightForWidth(self.width()))

    def show_empty(self, text: str) -> None:
        self.chart.show_empty(text)
        self.note.hide()

    def show_funnel(self, campaign_id: int, stages: list[Stage]) -> None:
        self.chart.set_bars(
            [self._axis_label(stage) for stage in stages],
            [Bars(self.tr("人数"), "accent",
                  [stage.count if stage.known else None for stage in stages],
                  [f"campaign:{campaign_id}:{stage.key}" for stage in stages],
                  [self._tip(stage) for stage in stages])],
            horizontal=True,
        )  # fmt: skip
        notes = [self._note(stage) for stage in stages if stage.reason or not stage.known]
        self.note.setText("\n".join(notes))
        self.note.setToolTip("\n".join(notes))
        self.note.setVisible(bool(notes))
        self._fit_note()

    def _axis_label(self, stage: Stage) -> str:
        """The stage and its figure: a real 0 reads apart from one not known yet ("—")."""
        return self.tr("{stage}：{value}").format(stage=shown(stage.label), value=_value(stage))

    def _why(self, stage: Stage) -> str:
        """The reason as the workbook writes it: alone when nobody can be counted, else with
        how many could be."""
        reason = shown(stage.reason) if stage.reason else ""
        if not stage.known:
            return reason or self.tr("还算不出来")
        return self.tr("可计 {count} 人：{reason}").format(
            count=f"{stage.measurable:,}", reason=reason
        )

    def _note(self, stage: Stage) -> str:
        return self.tr("{stage}：{value}（{why}）").format(
            stage=shown(stage.label), value=_value(stage), why=self._why(stage)
        )

    def _tip(self, stage: Stage) -> str:
        name = shown(stage.label)
        if not stage.known:
            lines = [self._axis_label(stage), self._why(stage), self.tr("还不能查看成员")]
            return "\n".join(lines)
        lines = [self.tr("{stage}：{count} 人").format(stage=name, count=f"{stage.count:,}")]
        if stage.of_previous is not None:
            lines.append(self.tr("占上一步 {share}").format(share=percent(stage.of_previous)))
        if stage.amount:
            lines.append(self.tr("金额 ¥{amount}").format(amount=f"{stage.amount:,.2f}"))
        if stage.reason:
            lines.append(self._why(stage))
        if stage.count:
            lines.append(self.tr("点击查看这些成员"))
        return "\n".join(lines)


def _value(stage: Stage) -> str:
    return f"{stage.count:,}" if stage.known else "—"
