"""The right-hand side of the communities tab: one community's record, figures, growth and QR.

`load_detail` runs in the worker and returns plain data; `CommunityDetail.show_detail` puts it
on screen in the GUI thread.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.common.database import Database
from core.communities.listing import CommunityRow
from core.communities.qr import QrInfo, qr_info
from core.communities.registry import CommunityFields, People, owner_and_admins, read_fields
from core.communities.summary import CommunitySummary, community_summary
from ui.common.labels import role_labels
from ui.common.stat_card import StatCard
from ui.common.wheel import scroll_safe
from ui.common.widgets import hint_label, page_title, section_title, text_label, wrapping_label
from ui.communities.chart import GrowthChart
from ui.communities.labels import (
    QUIET_COLOR,
    attention_message,
    kind_color,
    long_date,
    platform_labels,
    verdict_text,
)
from ui.communities.qr_panel import QrPanel

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

ADMINS_SHOWN = 6


@dataclass(frozen=True)
class DetailData:
    community_id: int
    fields: CommunityFields
    people: People
    summary: CommunitySummary
    qr: QrInfo


def load_detail(session: Session, community_id: int) -> DetailData:
    """Everything the detail area shows, read in one session (off the GUI thread)."""
    return DetailData(
        community_id=community_id,
        fields=read_fields(session, community_id),
        people=owner_and_admins(session, community_id),
        summary=community_summary(session, community_id, now=datetime.now()),
        qr=qr_info(session, community_id),
    )


def _card(object_name: str) -> QFrame:
    frame = QFrame()
    frame.setObjectName(object_name)
    frame.setProperty("card", True)
    return frame


class Figure(StatCard):
    """A community's figure: smaller than the dashboard's, five of them beside the chart."""

    def __init__(self, object_name: str, caption: str) -> None:
        super().__init__(object_name, caption, value_style="commStat", margins=(12, 8, 12, 8))


class CommunityDetail(QScrollArea):
    """Header, figures, growth chart, role mix, owner/admins/rules, and the QR panel."""

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("communities_detail")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.data: DetailData | None = None
        self._row_warnings: list = []
        self.sections: list[QWidget] = []  # other features' cards (ui/communities/extras.py)
        page = QWidget()
        page.setObjectName("communities_detail_page")
        self.setWidget(page)
        scroll_safe(page)  # widgets added below are guarded as they are shown

        self.empty_label = QLabel(self.tr("选择左边的一个社群，查看人数、活跃度、增长和群二维码。"))
        self.empty_label.setObjectName("communities_detail_empty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setProperty("muted", True)

        self.name_label = page_title("communities_detail_name", "")
        self.name_label.setWordWrap(True)
        self.facts_label = hint_label(name="communities_detail_facts")
        self.theme_label = wrapping_label("communities_detail_theme")
        self.warnings_label = wrapping_label("communities_detail_warnings")
        self.warnings_label.setTextFormat(Qt.TextFormat.RichText)

        self.figures = {
            "members": Figure("communities_figure_members", self.tr("成员")),
            "week": Figure("communities_figure_week", self.tr("本周")),
            "month": Figure("communities_figure_month", self.tr("本月")),
            "active7": Figure("communities_figure_active7", self.tr("近 7 天活跃")),
            "active30": Figure("communities_figure_active30", self.tr("近 30 天活跃")),
        }
        self.figures_grid = figures = QGridLayout()
        figures.setSpacing(8)

        growth = _card("communities_growth_card")
        growth_layout = QVBoxLayout(growth)
        growth_layout.setContentsMargins(16, 12, 16, 8)
        growth_layout.addWidget(section_title(self.tr("成员增长（近 52 周，每周末人数）")))
        self.chart = GrowthChart()
        growth_layout.addWidget(self.chart, 1)

        roles = _card("communities_roles_card")
        roles_layout = QVBoxLayout(roles)
        roles_layout.setContentsMargins(16, 12, 16, 12)
        roles_layout.addWidget(section_title(self.tr("角色结构")))
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        self.role_bars: dict[str, tuple[QProgressBar, QLabel]] = {}
        for number, (role, label) in enumerate(role_labels().items()):
            bar = QProgressBar()
            bar.setObjectName(f"communities_role_{role}")
            bar.setProperty("roleBar", True)
            bar.setTextVisible(False)
            bar.setFixedHeight(8)
            count = QLabel("0")
            count.setObjectName(f"communities_role_{role}_count")
            count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            count.setMinimumWidth(72)
            grid.addWidget(QLabel(label), number, 0)
            grid.addWidget(bar, number, 1)
            grid.addWidget(count, number, 2)
            self.role_bars[role] = (bar, count)
        grid.setColumnStretch(1, 1)
        roles_layout.addLayout(grid)
        roles_layout.addStretch(1)

        self.qr_panel = QrPanel(database)

        self.lower = lower = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        lower.setSpacing(12)
        lower.addWidget(roles, 4)
        lower.addWidget(self.qr_panel, 5)
        self.compact: bool | None = None
        self._wide_needs = 0  # page width the wide arrangement needed when it last did not fit
        self._arrange(compact=False)

        people = _card("communities_people_card")
        people_layout = QGridLayout(people)
        people_layout.setContentsMargins(16, 12, 16, 12)
        people_layout.setHorizontalSpacing(16)
        people_layout.setVerticalSpacing(6)
        self.owner_label = QLabel()
        self.owner_label.setObjectName("communities_detail_owner")
        self.admins_label = wrapping_label("communities_detail_admins")
        self.audience_label = wrapping_label("communities_detail_audience")
        self.rules_label = text_label("communities_detail_rules")
        rows = [
            (self.tr("群主"), self.owner_label),
            (self.tr("管理员"), self.admins_label),
            (self.tr("目标人群"), self.audience_label),
            (self.tr("群规"), self.rules_label),
        ]
        for number, (caption, label) in enumerate(rows):
            caption_label = QLabel(caption)
            caption_label.setProperty("muted", True)
            people_layout.addWidget(
                caption_label, number, 0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft
            )
            people_layout.addWidget(label, number, 1)
        people_layout.setColumnStretch(1, 1)

        self.content = QWidget()
        content_layout = QVBoxLayout(self.content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.setSpacing(12)
        content_layout.addWidget(self.name_label)
        content_layout.addWidget(self.facts_label)
        content_layout.addWidget(self.theme_label)
        content_layout.addWidget(self.warnings_label)
        content_layout.addLayout(figures)
        content_layout.addLayout(lower)  # the QR panel's buttons visible without scrolling
        content_layout.addWidget(growth)
        self._sections_at = content_layout.count()
        content_layout.addWidget(people)
        content_layout.addStretch(1)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 4, 12, 16)
        layout.addWidget(self.empty_label, 1)
        layout.addWidget(self.content)
        self.content.hide()

    def add_section(self, section: QWidget) -> None:
        """Show another feature's card after the growth chart; it offers
        `show_community(community_id | None)`, called as the detail loads."""
        self.content.layout().insertWidget(self._sections_at + len(self.sections), section)
        self.sections.append(section)

    def _arrange(self, *, compact: bool) -> None:
        """Five figures in a row and roles beside the QR panel, or (narrow windows, 125 %
        scaling on a small laptop) figures in two rows and the panels one above the other."""
        if compact == self.compact:
            return
        self.compact = compact
        columns = 3 if compact else 5
        for figure in self.figures.values():
            self.figures_grid.removeWidget(figure)
        for column in range(5):
            self.figures_grid.setColumnStretch(column, 1 if column < columns else 0)
        for number, figure in enumerate(self.figures.values()):
            self.figures_grid.addWidget(figure, number // columns, number % columns)
        self.lower.setDirection(
            QBoxLayout.Direction.TopToBottom if compact else QBoxLayout.Direction.LeftToRight
        )

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """Stack when the wide arrangement does not fit (its width depends on the language)."""
        if not self.content.isVisible():
            return
        width = self.viewport().width()
        if not self.compact:
            needed = self.widget().minimumSizeHint().width()
            if needed > width:
                self._wide_needs = needed
                self._arrange(compact=True)
        elif width >= self._wide_needs:
            self._arrange(compact=False)
            self._fit()  # the texts may have grown since it was measured

    def show_empty(self, text: str | None = None) -> None:
        self.data = None
        self.empty_label.setText(
            text or self.tr("选择左边的一个社群，查看人数、活跃度、增长和群二维码。")
        )
        self.empty_label.show()
        self.content.hide()
        self.chart.clear()
        self.qr_panel.show_info(None, None)
        for section in self.sections:
            section.show_community(None)

    def show_row(self, row: CommunityRow) -> None:
        """What the list already knows, at once; the figures follow from `show_detail`."""
        self.empty_label.hide()
        self.content.show()
        self.name_label.setText(row.name)
        facts = [platform_labels().get(row.platform, row.platform)]
        if row.created_on:
            facts.append(self.tr("建群于 {date}").format(date=long_date(row.created_on)))
        if row.tags:
            facts.append(self.tr("标签：{tags}").format(tags="、".join(row.tags)))
        if row.archived:
            facts.append(self.tr("已归档"))
        self.facts_label.setText(" · ".join(facts))
        self.theme_label.setText(row.theme)
        self.theme_label.setVisible(bool(row.theme))
        # On 需要处理: its items in their colours; otherwise, quietly, why it is not.
        verdict = row.verdict
        lines = [
            f'<span style="color:{kind_color(w.kind, w.cap_reached)}">● '
            f"{_escape(attention_message(w))}</span>"
            for w in verdict.items
        ]
        if not verdict.listed and verdict.why_not:
            why = _escape(verdict_text(verdict))
            lines.append(f'<span style="color:{QUIET_COLOR}">○ {why}</span>')
        self.warnings_label.setText("<br>".join(lines))
        self.warnings_label.setVisible(bool(lines))
        self._row_warnings = list(row.warnings)
        self._fit()

    def show_detail(self, data: DetailData) -> None:
        self.data = data
        summary = data.summary
        self.figures["members"].set(f"{summary.members_now:,}")
        joins = self.tr("入群 / 退群")
        self.figures["week"].set(f"+{summary.joined_week:,} / −{summary.left_week:,}", joins)
        self.figures["month"].set(f"+{summary.joined_month:,} / −{summary.left_month:,}", joins)
        for key, share, count in (
            ("active7", summary.active_share_7d, summary.active_7d),
            ("active30", summary.active_share_30d, summary.active_30d),
        ):
            if share is None:
                self.figures[key].set("—", self.tr("不含员工"))
            else:
                self.figures[key].set(
                    f"{share:.0%}",
                    self.tr("{active} / {base} 人").format(
                        active=f"{count:,}", base=f"{summary.active_base:,}"
                    ),
                )
        self.figures["members"].note.setText(self.tr("含员工"))
        total = max(1, summary.members_now)
        for role, (bar, label) in self.role_bars.items():  # every role, in ROLES order
            count = summary.roles.get(role, 0)
            bar.setRange(0, total)
            bar.setValue(count)
            label.setText(f"{count:,} · {count / total:.0%}" if summary.members_now else "0")
        self.chart.set_points(summary.growth)
        people = data.people
        self.owner_label.setText(people.owner.name if people.owner else self.tr("未设置"))
        names = [a.name for a in people.admins]
        shown = "、".join(names[:ADMINS_SHOWN])
        if len(names) > ADMINS_SHOWN:
            shown += self.tr(" 等 {count} 人").format(count=len(names))
        self.admins_label.setText(shown or self.tr("无"))
        self.audience_label.setText(data.fields.target_audience or self.tr("未填写"))
        self.rules_label.setText(data.fields.rules_text or self.tr("未填写"))
        self.qr_panel.show_info(data.community_id, data.qr)
        self.qr_panel.show_warnings(self._row_warnings)
        for section in self.sections:
            section.show_community(data.community_id)
        self._fit()


def _escape(text: str) -> str:
    return html.escape(text)
