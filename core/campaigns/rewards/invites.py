"""Rewards that rest on referral edges: 邀请码裂变, 海报裂变, 送 (per invite, both sides),
任务宝 (a ladder of stages), 排行榜 (prizes for the top N at the end) and 优惠券 (codes from a
pool for both sides)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from core.campaigns.decisions import (
    APPROVED,
    PENDING,
    POOL_EMPTY,
    VOID,
    WAITING_PERIOD,
    Decision,
    Reason,
    reason,
    reward_key,
)
from core.campaigns.eligibility import Verdict, inviter_totals, judge
from core.campaigns.facts import Facts, team_of_people
from core.campaigns.inputs import PENDING as EDGE_PENDING
from core.campaigns.inputs import VERIFIED
from core.campaigns.people import leaderboard
from core.campaigns.rewards.common import Claim, finish, new_book
from core.campaigns.settings import (
    CouponSettings,
    Gift,
    GiftSettings,
    InviteCodeSettings,
    RankingSettings,
    TaskLadderSettings,
)
from core.campaigns.signals import BLOCK, scan
from core.campaigns.waves import build_tree


def _screened(settings, facts: Facts):
    """The verdict of each edge and its flags: an edge a blocking signal hit is void (and so
    counts toward no stage, rank or cap); the flags go on to moderation. Once per facts and
    rules (the 参与者 page asks for the decisions and the ladder progress)."""
    key = ("screened", settings.screening, settings.rules)
    if key not in facts.memo:
        facts.memo[key] = _screen(settings, facts)
    return facts.memo[key]


def _screen(settings, facts: Facts):
    signals = scan(facts.edges, facts.people, settings.screening)
    blocked = {
        key: tuple(Reason(s.code, s.text) for s in hits if s.severity == BLOCK)
        for key, hits in signals.items()
        if any(s.severity == BLOCK for s in hits)
    }
    flags = {key: [s for s in hits if s.severity != BLOCK] for key, hits in signals.items()}
    verdicts = judge(
        facts.edges, settings.rules, facts.people, facts.starts_at, facts.as_of, blocked
    )
    return verdicts, flags


def _purchase_gate(verdict: Verdict, facts: Facts) -> Verdict | None:
    """送 with trigger `purchase`: the invite counts once the invitee bought; None: not yet."""
    bought = facts.purchases.get(verdict.edge.invitee_id)
    if bought is None:
        return None
    return replace(
        verdict, edge=replace(verdict.edge, joined_at=max(bought, verdict.edge.joined_at or bought))
    )


def double_sided(settings: InviteCodeSettings, facts: Facts) -> list[Decision]:
    """Each counted invite: the inviter's gift and the invitee's gift, resting on the edge."""
    verdicts, signals = _screened(settings, facts)
    claims = []
    gated = isinstance(settings, GiftSettings) and settings.trigger == "purchase"
    # reward_key(campaign, side, inviter, invitee), its first part made once per side
    sides = [
        (reward_key(facts.campaign_id, side), side == "inviter", gift)
        for side, gift in (("inviter", settings.inviter), ("invitee", settings.invitee))
        if not gift.empty
    ]
    for verdict in verdicts.values():
        if gated:
            verdict = _purchase_gate(verdict, facts)
            if verdict is None:
                continue
        edge = verdict.edge
        inviter, invitee = edge.inviter_id, edge.invitee_id
        for prefix, inviter_side, gift in sides:
            key = f"{prefix}:{inviter!s}:{invitee!s}"
            member = inviter if inviter_side else invitee
            claims.append(Claim.on_edge(key, member, gift, verdict, signals))
    return finish(claims, settings, facts, new_book(settings, facts))


# ------------------------------------------------------------------------------ 任务宝


@dataclass(frozen=True)
class Progress:
    """One participant of a 任务宝: converted invites, stages reached, and 还差 N 人."""

    member_id: int
    converted: int
    reached: tuple[int, ...]  # the stages (their invites) reached
    next_stage: int | None  # the next stage's invites, None: all reached
    missing: int  # 还差 N 人 to the next stage (0: all reached)


def ladder_progress(settings: TaskLadderSettings, facts: Facts) -> list[Progress]:
    verdicts, _ = _screened(settings, facts)
    counts = {inviter: len(mine) for inviter, mine in inviter_totals(verdicts).items()}
    out = []
    for member, converted in sorted(counts.items()):
        stages = [stage.invites for stage in settings.stages]
        reached = tuple(n for n in stages if n <= converted)
        ahead = [n for n in stages if n > converted]
        nxt = ahead[0] if ahead else None
        out.append(Progress(member, converted, reached, nxt, (nxt - converted) if nxt else 0))
    return out


def task_ladder(settings: TaskLadderSettings, facts: Facts) -> list[Decision]:
    """A stage pays once, when the participant's counted invites reach it: earned when the
    n-th counted invitee joined, pending until n counted invites are past their own pending
    period (void ones do not count), held or void by those edges' signals."""
    verdicts, signals = _screened(settings, facts)
    book = new_book(settings, facts)
    claims = []
    for inviter, mine in inviter_totals(verdicts).items():
        for stage in settings.stages:
            if len(mine) < stage.invites:
                break
            needed = mine[: stage.invites]
            earned_at = needed[-1].edge.joined_at or facts.as_of
            clears = sorted(v.pending_until or datetime.max for v in mine)
            # the stage is safe once `invites` of the counted edges have cleared
            until = clears[stage.invites - 1]
            if until <= facts.as_of:
                status, pending_until, why = APPROVED, until, ()
            else:
                status = PENDING
                pending_until = None if until == datetime.max else until
                why = (reason(WAITING_PERIOD),)
            stage_key = f"stage:{stage.invites}"
            book.limit(stage_key, stage.stock)
            hits = [s for v in needed for s in signals.get((inviter, v.edge.invitee_id), [])]
            claims.append(
                Claim(
                    reward_key(facts.campaign_id, "stage", inviter, stage.invites),
                    inviter,
                    stage.gift,
                    earned_at,
                    status,
                    pending_until,
                    why,
                    _unique(hits),
                    stocks=(stage_key,),
                )
            )
    return finish(claims, settings, facts, book)


def _unique(signals):
    seen, out = set(), []
    for signal in signals:
        if signal.code not in seen:
            seen.add(signal.code)
            out.append(signal)
    return out


# ------------------------------------------------------------------------------ 排行榜


def standings(settings: RankingSettings, facts: Facts, top: int | None = None):
    """The leaderboard as it stands (during the campaign too): counted invites only."""
    verdicts, _ = _screened(settings, facts)
    return leaderboard(_ranked_tree(verdicts, facts), top, settings.verified_only)


def ranking(settings: RankingSettings, facts: Facts) -> list[Decision]:
    """At the end, the top N by counted invites (verified only, if set: an approved verdict),
    ties to who got there first (people.leaderboard). Before the end, nothing is decided:
    `standings` shows the board."""
    if facts.ends_at is None or facts.as_of < facts.ends_at:
        return []
    verdicts, signals = _screened(settings, facts)
    tree = _ranked_tree(verdicts, facts)
    standings = leaderboard(tree, len(settings.prizes_by_rank), settings.verified_only)
    claims = []
    for standing, gift in zip(standings, settings.prizes_by_rank, strict=False):
        if gift.empty:
            continue
        member = standing.member_id
        hits = [s for (inviter, _), found in signals.items() if inviter == member for s in found]
        claims.append(
            Claim(
                reward_key(facts.campaign_id, "rank", standing.rank),
                member,
                gift,
                facts.ends_at,
                signals=_unique(hits),
            )
        )
    return finish(claims, settings, facts, new_book(settings, facts))


def _ranked_tree(verdicts: dict, facts: Facts):
    """The tree the leaderboard ranks: team members (owner, staff) on no rank and winning no
    prize (DOMAIN: excluded from statistics); whom they brought count for nobody."""
    return build_tree(ranked_edges(verdicts), team_of_people(facts.people))


def ranked_edges(verdicts: dict) -> list:
    """The counted edges with the status the leaderboard reads: approved → verified."""
    out = []
    for verdict in verdicts.values():
        if verdict.status == VOID:
            continue
        status = VERIFIED if verdict.status == APPROVED else EDGE_PENDING
        out.append(replace(verdict.edge, status=status))
    return out


# ------------------------------------------------------------------------------ 优惠券


def coupons(settings: CouponSettings, facts: Facts) -> list[Decision]:
    """Per counted invite, `per_participant` codes to the inviter and `per_invitee` to the
    invitee, from the pool in its order; a code handed out before keeps its reward."""
    verdicts, signals = _screened(settings, facts)
    book = new_book(settings, facts)
    book.limit("pool", len(settings.pool + facts.pool), POOL_EMPTY)
    claims = []
    cents = settings.value_cents
    for verdict in verdicts.values():
        edge = verdict.edge
        for side, member, count in (
            ("inviter", edge.inviter_id, settings.per_participant),
            ("invitee", edge.invitee_id, settings.per_invitee),
        ):
            for number in range(1, count + 1):
                key = reward_key(
                    facts.campaign_id, "coupon", side, edge.inviter_id, edge.invitee_id, number
                )
                claims.append(
                    Claim.on_edge(
                        key, member, Gift(), verdict, signals, stocks=("pool",), cents=cents
                    )
                )
    decisions = finish(claims, settings, facts, book)
    return _hand_out_codes(decisions, settings, facts)


def _hand_out_codes(decisions, settings: CouponSettings, facts: Facts) -> list[Decision]:
    taken = set(facts.coupons.values())
    free = iter([code for code in settings.pool + facts.pool if code not in taken])
    out = []
    for decision in decisions:
        if decision.status != VOID:
            code = facts.coupons.get(decision.key) or next(free)
            decision = replace(decision, coupon=code, redeemed_at=facts.redeemed.get(code))
        out.append(decision)
    return out
