"""Recording what members do in campaigns of the acting-together types: a help (助力) or a cut
(砍价), opening or joining a team (拼团), a draw (抽奖), a purchase. Each is checked first and
refused with one line when it cannot count (the helper helped already, the team is full or
expired, the draws are used up, the prizes are all drawn…); nothing is written then.

The reward decisions are still recomputed from all the facts when the campaign is settled
(core/campaigns/rewards/): what these functions answer (the cut, the draw's prize) is what the
member is told at the time, and the settlement agrees as long as no earlier fact arrives late.
Offers, wants and swaps: swap_recording.py; the coupon pool: coupon_pool.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.activity.record import MAX_AMOUNT_CENTS, NewEvent
from core.campaigns.facts import Draw, Facts
from core.campaigns.recording import check_recording
from core.campaigns.records import KIND_LABELS, community_ids_of, find_campaign
from core.campaigns.rewards.bargain import schedule
from core.campaigns.rewards.lottery import ALGORITHM, replay
from core.campaigns.settings import Common, parse
from core.common.errors import UserError
from core.common.text import Message, msg
from db.campaign_fact_models import (
    CampaignCut,
    CampaignDraw,
    CampaignHelp,
    CampaignTeam,
    CampaignTeamMember,
)
from db.models import Member
from db.referral_models import Campaign, CampaignReview

# ------------------------------------------------------------------------------ shared checks


def open_campaign(
    session: Session, campaign_text: str, kinds: tuple[str, ...], what: Message
) -> tuple[Campaign, Common]:
    """The campaign, if it takes `what` (its kind is one of `kinds`, its status records)."""
    campaign = find_campaign(session, campaign_text)
    if campaign.kind not in kinds:
        raise UserError(
            msg(
                "活动「{name}」是{kind}活动，不能记录{what}",
                name=campaign.name,
                kind=KIND_LABELS[campaign.kind],
                what=what,
            )
        )
    check_recording(campaign, what)
    return campaign, parse(campaign.kind, campaign.settings)


def when(campaign: Campaign, at: datetime | None, now: datetime | None) -> datetime:
    """When it happened (default: now), inside the campaign's dates."""
    at = at or now or datetime.now()
    if campaign.starts_at is not None and at < campaign.starts_at:
        raise UserError(msg("时间 {at} 早于活动开始", at=shown_time(at)))
    if campaign.ends_at is not None and at > campaign.ends_at:
        raise UserError(msg("时间 {at} 晚于活动结束", at=shown_time(at)))
    return at


def begin(
    session: Session,
    campaign_text: str,
    kinds: tuple[str, ...],
    what: Message,
    at: datetime | None,
    now: datetime | None,
    members: tuple[int, ...] = (),
) -> tuple[Campaign, Common, datetime]:
    """What every recording starts with: the campaign takes `what` (open_campaign), the time
    is inside its dates (when), and each of `members` may take part (check_member)."""
    campaign, settings = open_campaign(session, campaign_text, kinds, what)
    at = when(campaign, at, now)
    for member in members:
        check_member(session, member)
    return campaign, settings, at


def check_member(session: Session, member_id: int) -> None:
    """The member exists, is not merged away and was never blacklisted by a reviewer."""
    row = session.execute(
        select(Member.id, Member.merged_into_id).where(Member.id == member_id)
    ).first()
    if row is None:
        raise UserError(msg("没有编号为 {member} 的成员", member=member_id))
    if row.merged_into_id is not None:
        raise UserError(
            msg("成员 {member} 已合并到成员 {kept}", member=member_id, kept=row.merged_into_id)
        )
    barred = session.scalar(
        select(CampaignReview.id).where(
            CampaignReview.action == "blacklist", CampaignReview.member_id == member_id
        )
    )
    if barred is not None:
        raise UserError(msg("成员 {member} 已被审核拉黑，不能参加活动", member=member_id))


def shown_time(at: datetime) -> str:
    """A time as a refusal names it: to the minute."""
    return at.isoformat(sep=" ", timespec="minutes")


# ------------------------------------------------------------------------------ 助力 / 砍价


@dataclass(frozen=True)
class HelpRecorded:
    campaign_id: int
    campaign_name: str
    kind: str  # help / bargain
    target_id: int
    helper_id: int
    at: datetime
    counted: int  # the target's helps (cuts) now, this one included
    needed: int
    cut_cents: int | None = None  # 砍价: this cut
    price_cents: int | None = None  # 砍价: the price after it

    @property
    def done(self) -> bool:
        return self.counted >= self.needed


def record_help(
    session: Session,
    campaign_text: str,
    helper_id: int,
    target_id: int,
    *,
    at: datetime | None = None,
    now: datetime | None = None,
) -> HelpRecorded:
    """`helper_id` helps `target_id` (助力) or cuts their price (砍价)."""
    campaign, settings, at = begin(
        session, campaign_text, ("help", "bargain"), msg("助力"), at, now, (target_id, helper_id)
    )
    if helper_id == target_id:
        raise UserError(msg("不能给自己助力"))
    bargain = campaign.kind == "bargain"
    table = CampaignCut if bargain else CampaignHelp
    mine = select(table.target_id).where(
        table.campaign_id == campaign.id, table.helper_id == helper_id
    )
    if bargain:
        if session.scalar(mine.where(table.target_id == target_id)) is not None:
            raise UserError(
                msg("成员 {helper} 已帮成员 {target} 砍过价", helper=helper_id, target=target_id)
            )
    elif (earlier := session.scalar(mine)) is not None:
        raise UserError(
            msg(
                "成员 {helper} 已在本活动助力过（给成员 {target}），每人只能助力一次",
                helper=helper_id,
                target=earlier,
            )
        )
    needed = settings.helpers if bargain else settings.helpers_needed
    counted, first = session.execute(
        select(func.count(), func.min(table.at)).where(
            table.campaign_id == campaign.id, table.target_id == target_id
        )
    ).one()
    if counted >= needed:
        if bargain:
            raise UserError(msg("成员 {target} 已砍到底价", target=target_id))
        raise UserError(
            msg("成员 {target} 的助力已满 {needed} 人", target=target_id, needed=needed)
        )
    if settings.hours is not None and first is not None:
        deadline = first + timedelta(hours=settings.hours)
        if at > deadline:
            raise UserError(
                msg(
                    "已过时限：成员 {target} 的助力在 {deadline} 截止",
                    target=target_id,
                    deadline=shown_time(deadline),
                )
            )
    cut = price = None
    row = dict(campaign_id=campaign.id, target_id=target_id, helper_id=helper_id, at=at)
    if bargain:
        steps = schedule(settings)
        cut = steps[counted]
        price = settings.price_cents - sum(steps[: counted + 1])
        row |= {"cut_cents": cut, "price_after_cents": price}
    session.add(table(**row))
    session.flush()
    return HelpRecorded(
        campaign.id,
        campaign.name,
        campaign.kind,
        target_id,
        helper_id,
        at,
        counted + 1,
        needed,
        cut,
        price,
    )


# ------------------------------------------------------------------------------ 拼团


@dataclass(frozen=True)
class TeamRecorded:
    campaign_id: int
    campaign_name: str
    team_id: int
    leader_id: int
    member_id: int
    opened: bool  # this opened the team
    members: int  # now, the leader included
    team_size: int
    deadline: datetime

    @property
    def complete(self) -> bool:
        return self.members >= self.team_size


def record_team(
    session: Session,
    campaign_text: str,
    member_id: int,
    *,
    leader_id: int | None = None,
    at: datetime | None = None,
    now: datetime | None = None,
) -> TeamRecorded:
    """`member_id` opens a team (no leader given) or joins `leader_id`'s team."""
    campaign, settings, at = begin(
        session, campaign_text, ("group_buy",), msg("拼团"), at, now, (member_id,)
    )
    placed = session.execute(
        select(CampaignTeam.leader_id)
        .join(CampaignTeamMember, CampaignTeamMember.team_id == CampaignTeam.id)
        .where(
            CampaignTeamMember.campaign_id == campaign.id,
            CampaignTeamMember.member_id == member_id,
        )
    ).scalar()
    if placed is not None:
        raise UserError(
            msg("成员 {member} 已在本活动的团里（团长 {leader}）", member=member_id, leader=placed)
        )
    hours = timedelta(hours=settings.hours)
    if leader_id is None or leader_id == member_id:
        team = CampaignTeam(campaign_id=campaign.id, leader_id=member_id, opened_at=at)
        session.add(team)
        session.flush()
        count, opened = 0, True
    else:
        team = session.scalars(
            select(CampaignTeam).where(
                CampaignTeam.campaign_id == campaign.id, CampaignTeam.leader_id == leader_id
            )
        ).first()
        if team is None:
            raise UserError(msg("成员 {leader} 在本活动没有开团", leader=leader_id))
        count = session.scalar(select(func.count()).where(CampaignTeamMember.team_id == team.id))
        deadline = team.opened_at + hours
        if at < team.opened_at:
            raise UserError(msg("时间 {at} 早于开团时间", at=shown_time(at)))
        if count >= settings.team_size:
            raise UserError(msg("团已满（{size} 人）", size=settings.team_size))
        if at > deadline:
            raise UserError(
                msg(
                    "团已过期：成员 {leader} 的团在 {deadline} 截止",
                    leader=leader_id,
                    deadline=shown_time(deadline),
                )
            )
        opened = False
    session.add(
        CampaignTeamMember(
            team_id=team.id, campaign_id=campaign.id, member_id=member_id, joined_at=at
        )
    )
    session.flush()
    return TeamRecorded(
        campaign.id,
        campaign.name,
        team.id,
        team.leader_id,
        member_id,
        opened,
        count + 1,
        settings.team_size,
        team.opened_at + hours,
    )


# ------------------------------------------------------------------------------ 抽奖


@dataclass(frozen=True)
class DrawRecorded:
    campaign_id: int
    campaign_name: str
    number: int  # the campaign's n-th draw
    member_id: int
    member_number: int  # the member's n-th draw
    draws_per_member: int
    seed: int
    algorithm: str
    won: str | None  # the prize's name; None: a miss


def _open_entries(settings, outcomes) -> list[str]:
    """The entries a draw could still win (stock left), after these outcomes."""
    gifts = {entry.name: entry for entry in settings.entries}
    prizes = settings.prize_by_key()
    used_entry: dict[str, int] = {}
    used_prize: dict[str, int] = {}
    for outcome in outcomes:
        if outcome.won is not None:
            used_entry[outcome.won] = used_entry.get(outcome.won, 0) + 1
            key = gifts[outcome.won].gift.prize
            if key is not None:
                used_prize[key] = used_prize.get(key, 0) + 1
    out = []
    for entry in settings.entries:
        if entry.stock is not None and used_entry.get(entry.name, 0) >= entry.stock:
            continue
        key = entry.gift.prize
        stock = prizes[key].stock if key is not None else None
        if stock is not None and used_prize.get(key, 0) >= stock:
            continue
        out.append(entry.name)
    return out


def record_draw(
    session: Session,
    campaign_text: str,
    member_id: int,
    *,
    at: datetime | None = None,
    now: datetime | None = None,
) -> DrawRecorded:
    """`member_id` draws once: the draw takes the next number and its outcome is the replay
    of every draw so far from the settings' seed (core/campaigns/rewards/lottery.py)."""
    campaign, settings, at = begin(
        session, campaign_text, ("lottery",), msg("抽奖"), at, now, (member_id,)
    )
    rows = session.execute(
        select(CampaignDraw.number, CampaignDraw.member_id, CampaignDraw.at, CampaignDraw.seed)
        .where(CampaignDraw.campaign_id == campaign.id)
        .order_by(CampaignDraw.number)
    ).all()
    seeds = {row.seed for row in rows}
    if seeds - {str(settings.seed)}:
        raise UserError(
            msg(
                "活动设置里的随机种子已改过，已有的 {count} 次抽奖不能按它重放；请改回原来的种子",
                count=len(rows),
            )
        )
    mine = sum(1 for row in rows if row.member_id == member_id)
    if mine >= settings.draws_per_member:
        raise UserError(
            msg(
                "成员 {member} 已抽过 {count} 次（每人最多 {most} 次）",
                member=member_id,
                count=mine,
                most=settings.draws_per_member,
            )
        )
    draws = tuple(Draw(row.number, row.member_id, row.at) for row in rows)
    if not _open_entries(settings, replay(settings, Facts(campaign.id, at, draws=draws))):
        raise UserError(msg("奖品已全部抽完"))
    number = (rows[-1].number if rows else 0) + 1
    draws += (Draw(number, member_id, at),)
    outcome = replay(settings, Facts(campaign.id, at, draws=draws))[-1]
    session.add(
        CampaignDraw(
            campaign_id=campaign.id,
            number=number,
            member_id=member_id,
            member_number=mine + 1,
            at=at,
            seed=str(settings.seed),
            algorithm=ALGORITHM,
            won=(outcome.won or "")[:100],
        )
    )
    session.flush()
    return DrawRecorded(
        campaign.id,
        campaign.name,
        number,
        member_id,
        mine + 1,
        settings.draws_per_member,
        settings.seed,
        ALGORITHM,
        outcome.won,
    )


# ------------------------------------------------------------------------------ purchases


def amount_cents(text: str) -> int:
    """¥ as typed (12.5, ￥12.50, 12元) → fen, or a one-line refusal."""
    cleaned = text.strip().replace(",", "").lstrip("¥￥").removesuffix("元").strip()
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise UserError(msg("看不懂的金额：{value}", value=text[:40]))
    cents = int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if cents <= 0 or cents > MAX_AMOUNT_CENTS:
        raise UserError(msg("金额应大于 0、不超过 1000 万元：{value}", value=text[:40]))
    return cents


def purchase_event(
    session: Session,
    campaign_text: str,
    member_id: int,
    cents: int,
    *,
    community_id: int | None = None,
    at: datetime | None = None,
    now: datetime | None = None,
) -> tuple[Campaign, NewEvent]:
    """A purchase in the campaign, as the activity event (kind 'purchase', with its amount) the
    caller records (core/workflows/activity.record_activity): the funnel's revenue, the ROI
    and 送's purchase trigger read those events."""
    campaign = find_campaign(session, campaign_text)
    check_recording(campaign, msg("消费"))
    at = when(campaign, at, now)
    check_member(session, member_id)
    if not 0 < cents <= MAX_AMOUNT_CENTS:
        raise UserError(msg("金额应大于 0、不超过 1000 万元：{value}", value=cents))
    if community_id is None:  # the campaign's only target community, if it has one
        targets = community_ids_of(session, campaign.id)
        community_id = targets[0] if len(targets) == 1 else None
    event = NewEvent(member_id, "purchase", at, community_id=community_id, amount_cents=cents)
    return campaign, event


__all__ = [
    "DrawRecorded",
    "HelpRecorded",
    "TeamRecorded",
    "amount_cents",
    "begin",
    "check_member",
    "open_campaign",
    "purchase_event",
    "record_draw",
    "record_help",
    "record_team",
    "shown_time",
    "when",
]
