"""One campaign's report and forecast, read from the database: the pure figures
(core/campaigns/figures, funnel, people, forecast) over the inputs core/campaigns/inputs_sql
reads.

A campaign known only from another tool's export (`campaigns import` keeps participant totals in
campaign_tool_totals, no referral edges) has no tree: the report says which
figures it cannot give (waves, K, cycle time, retention of the invitees) and gives the rest
from the totals, instead of showing zeros.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.campaigns import forecast as forecasting
from core.campaigns.figures import Figures, campaign_figures
from core.campaigns.funnel import Stage, funnel
from core.campaigns.inputs import team_of
from core.campaigns.inputs_sql import Inputs, read_inputs, yuan
from core.campaigns.people import Connector, top_connectors
from core.campaigns.records import find_campaign
from core.campaigns.tool_totals import ToolTotals, tool_totals, totals_only_notice
from core.campaigns.waves import Tree, build_tree
from core.common.text import Message
from db.models import Community, Member, Membership
from db.referral_models import Campaign, CampaignCommunity


@dataclass
class Report:
    campaign_id: int
    name: str
    as_of: datetime
    figures: Figures | None  # None: imported with totals only
    stages: list[Stage]
    connectors: list[Connector]
    names: dict[int, str]
    # imported with totals only: each matched member's new customers, every row as imported,
    # and what such a file cannot give
    totals: dict[int, int] | None = None
    imported: ToolTotals | None = None
    unavailable: list[Message] = field(default_factory=list)


@dataclass
class Read:
    """A campaign's inputs and the tree built from them: read once, for the report and the
    forecast both (the 概况 shows figures of each)."""

    inputs: Inputs
    tree: Tree


def read_campaign(
    session: Session, campaign_id: int, as_of: datetime, *, counts_only: bool = False
) -> Read:
    """`counts_only`: what the 概况 shows (the tree, revenue, costs), not the activity the
    report's retention figures need (inputs_sql.read_inputs)."""
    inputs = read_inputs(session, campaign_id, as_of, counts_only=counts_only)
    return Read(inputs, build_tree(inputs.edges, team_of(inputs.facts)))


def imported_totals(session: Session, campaign: Campaign) -> dict[int, int] | None:
    """member id → new customers, when the campaign is known only from a tool's export
    (`campaigns import`: totals per participant, no referral edges); None when it has edges.
    Only the rows matched to a member: `tool_totals` has every row."""
    imported = tool_totals(session, campaign.id)
    return None if imported is None else _by_member(imported)


def _by_member(imported: ToolTotals) -> dict[int, int]:
    totals: dict[int, int] = {}
    for row in imported.rows:
        if row.member_id is not None:
            totals[row.member_id] = totals.get(row.member_id, 0) + row.new_customers
    return totals


def nicknames(session: Session, member_ids) -> dict[int, str]:
    ids = sorted(set(member_ids))
    names: dict[int, str] = {}
    for start in range(0, len(ids), 1000):  # bounded IN lists
        chunk = ids[start : start + 1000]
        names.update(
            session.execute(
                select(Member.id, func.coalesce(func.nullif(Member.remark, ""), Member.nickname))
                .where(Member.id.in_(chunk))
            ).all()
        )  # fmt: skip
    return names


def campaign_report(
    session: Session,
    text: str,
    as_of: datetime | None = None,
    top: int = 10,
    *,
    read: Read | None = None,
) -> Report:
    """The report of the campaign named by number or name, as of `as_of` (default: now);
    `read`: its inputs as read_campaign read them as of `as_of` (not read again)."""
    campaign = find_campaign(session, text)
    as_of = as_of or datetime.now()
    imported = tool_totals(session, campaign.id) if read is None else None
    if imported is not None:
        totals = _by_member(imported)
        ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:top]
        connectors = [Connector(member, None, count, 0, None) for member, count in ranked]
        return Report(
            campaign.id, campaign.name, as_of, None, [], connectors,
            nicknames(session, [member for member, _ in ranked]),
            totals=totals, imported=imported, unavailable=[totals_only_notice()],
        )  # fmt: skip
    read = read or read_campaign(session, campaign.id, as_of)
    inputs, tree = read.inputs, read.tree
    figures = campaign_figures(tree, inputs.facts, inputs.costs, as_of, campaign.ends_at)
    connectors = top_connectors(tree, top)
    return Report(
        campaign.id,
        campaign.name,
        as_of,
        figures,
        funnel(tree, inputs.facts, as_of),
        connectors,
        nicknames(session, [c.member_id for c in connectors]),
    )


def target_groups(session: Session, campaign_id: int) -> list[forecasting.Group]:
    """The campaign's target communities with their current member counts."""
    rows = session.execute(
        select(Community.id, Community.name, func.count(Membership.member_id))
        .join(CampaignCommunity, CampaignCommunity.community_id == Community.id)
        .outerjoin(
            Membership,
            (Membership.community_id == Community.id) & Membership.left_at.is_(None),
        )
        .where(CampaignCommunity.campaign_id == campaign_id)
        .group_by(Community.id, Community.name)
        .order_by(Community.id)
    ).all()
    return [forecasting.Group(cid, name, members) for cid, name, members in rows]


def _budget(campaign: Campaign, inputs: Inputs, joins: int) -> forecasting.Budget:
    spent = inputs.costs.total
    return forecasting.Budget(
        cost_per_join=(spent / joins) if joins else Decimal(0),
        total=None if campaign.budget_total_cents is None else yuan(campaign.budget_total_cents),
        spent=spent,
        per_day=None
        if campaign.budget_per_day_cents is None
        else yuan(campaign.budget_per_day_cents),
    )


def campaign_forecast(
    session: Session,
    text: str,
    days: int,
    as_of: datetime | None = None,
    plan: forecasting.Plan | None = None,
    via_qr: float = 1.0,
    *,
    read: Read | None = None,
) -> tuple[Campaign, forecasting.Forecast]:
    """The forecast of the campaign for `days` days from `as_of` (default: now); `read`: as
    for campaign_report."""
    campaign = find_campaign(session, text)
    as_of = as_of or datetime.now()
    read = read or read_campaign(session, campaign.id, as_of)
    inputs, tree = read.inputs, read.tree
    result = forecasting.forecast(
        tree,
        as_of,
        days,
        plan=plan,
        groups=target_groups(session, campaign.id),
        budget=_budget(campaign, inputs, tree.invitees),
        via_qr=via_qr,
    )
    return campaign, result
