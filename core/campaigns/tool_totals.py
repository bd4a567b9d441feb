"""What a campaign known only from a tool's export holds: each participant's row as imported
(campaign_tool_totals: the name as written, the group, 发送员工, 裂变状态, 裂变新客数, and the
member it was matched to, if any), their sums, and which figures such a file cannot give.

The export says how many new customers each participant brought, not whom: there is no tree to
open, no waves, no K per wave. The 裂变树 page, the report and the 概况 show these totals instead,
and say so (`missing_figures`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.common.joins import joined_list
from core.common.text import Message, msg
from db.models import Member
from db.referral_models import CampaignToolTotal, ReferralEdge

SOURCE_LABELS = {
    "linkwechat_group": msg("LinkWeChat 群裂变明细"),
    "linkwechat_task": msg("LinkWeChat 任务宝明细"),
}
STATE_LABELS = {"done": msg("已完成"), "not_done": msg("未完成"), "": msg("未标明")}


def missing_figures() -> list[Message]:
    """What a campaign known only by imported totals cannot report."""
    return [
        msg("裂变层级（第几波）与每波 K"),
        msg("邀请关系树与裂变图"),
        msg("裂变周期（从入群到第一次成功邀请）"),
        msg("被邀请人的激活与留存"),
    ]


def totals_only_notice() -> Message:
    """The one sentence every view of such a campaign shows."""
    return msg(
        "这份明细只有每人的邀请总数，没有谁邀请了谁，所以无法给出：{figures}",
        figures=joined_list(missing_figures()),  # a list the window shows in English too
    )


@dataclass(frozen=True)
class TotalRow:
    name: str  # as written in the export
    community_name: str
    staff: str
    state: str  # done / not_done / ""
    new_customers: int
    member_id: int | None  # None: the name fitted no member (or several)
    member_name: str = ""


@dataclass
class ToolTotals:
    sources: list[str]
    rows: list[TotalRow] = field(default_factory=list)

    @property
    def participants(self) -> int:
        return len(self.rows)

    @property
    def new_customers(self) -> int:
        return sum(row.new_customers for row in self.rows)

    @property
    def matched(self) -> int:
        return sum(1 for row in self.rows if row.member_id is not None)

    @property
    def done(self) -> int:
        return sum(1 for row in self.rows if row.state == "done")


def tool_totals(session: Session, campaign_id: int) -> ToolTotals | None:
    """The campaign's imported rows, most new customers first; None when it has referral
    edges (its figures come from them) or nothing imported."""
    if session.scalar(
        select(ReferralEdge.id).where(ReferralEdge.campaign_id == campaign_id).limit(1)
    ):
        return None
    name = func.coalesce(func.nullif(Member.remark, ""), Member.nickname)
    rows = session.execute(
        select(
            CampaignToolTotal.source,
            CampaignToolTotal.name,
            CampaignToolTotal.community_name,
            CampaignToolTotal.staff,
            CampaignToolTotal.state,
            CampaignToolTotal.new_customers,
            CampaignToolTotal.member_id,
            name,
        )
        .outerjoin(Member, Member.id == CampaignToolTotal.member_id)
        .where(CampaignToolTotal.campaign_id == campaign_id)
        .order_by(CampaignToolTotal.new_customers.desc(), CampaignToolTotal.id)
    ).all()
    if not rows:
        return None
    sources = sorted({row[0] for row in rows})
    return ToolTotals(
        sources,
        [
            TotalRow(written, group, staff, state, count, member, member_name or "")
            for _, written, group, staff, state, count, member, member_name in rows
        ],
    )
