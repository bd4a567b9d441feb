"""A campaign's figures from its referral tree and member facts (DOMAIN: Fission campaigns).

K per wave n is what wave n's participants brought (the participants of wave n+1) per
participant. K overall is Harris's estimator of a branching process's mean offspring,
(W1 + … + WL) / (W0 + … + WL−1) over the waves W0 (seeds) … WL (the deepest): the per-wave K
weighted by wave size, leaving out the deepest wave, which by its definition has brought nobody
yet (its K reads "—", not 0). On a campaign that grows by the same K each wave it gives that K
back exactly.

Only participants who have had their invite window count in a K (DOMAIN: the newest wave has
not had time to invite; counting it would read as 0 and pull the average down): the window is
2 × the generation time g (the forecast's: the median hours from an inviter's joining to each
invitee's), closed when it ended by `as_of`, or by the campaign's end if that came first (no
invite counts after it). A wave none of whose participants has had the window has no K yet
(进行中); the figure says how many of the wave it is measured over. A participant whose
joining is unknown (a seed with no edge of its own) has been in since the start.

裂变率 = (participants − seeds) / participants. 分享率 = participants who shared (a recorded
share, or any invite edge, rejected ones too: an attempt is a share) / participants.
Amplification K / (1 − K) is how many newcomers each seed brings in the end while K < 1; at
K ≥ 1 the campaign sustains itself and the note says by how much each wave grows.
Cycle time = median hours from a participant's joining to their first counted invitee's.
Cost per new member divides the cost by the invitees (every newcomer through a counted
invite, the team's invites too: the funnel's 入群); per retained member by the invitees
active in week 4. ROI = (revenue − cost) / cost, revenue being the participants' recorded
purchases, team members' left out (inputs.counted: DOMAIN, team members are excluded from
statistics). Every figure of the tree (participants, waves, K, 裂变率, 分享率, cycle time) leaves
them out too: the tree has no team member in it, and the people one brought are seeds
(waves.build_tree).
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from core.campaigns.forecast import generation_hours
from core.campaigns.inputs import Costs, MemberFacts, counted
from core.campaigns.retention import ACTIVATION_HOURS, RETAINED_FROM_DAY, invitees_active
from core.campaigns.waves import Tree
from core.common.rate import Rate
from core.common.text import Message, msg

CENT = Decimal("0.01")


@dataclass(frozen=True)
class WaveFigures:
    wave: int
    participants: int
    brought: int  # participants of the next wave, all brought by this one
    # brought per participant, over the `measured` participants whose invite window has
    # closed; None: the deepest wave (nothing after it yet) or nobody's window has closed
    k: float | None
    measured: int = 0
    deepest: bool = False


@dataclass
class Figures:
    participants: int
    seeds: int
    invitees: int
    waves: list[WaveFigures]
    k: float | None  # None: no wave (no participant, or no seed), or no window closed yet
    fission_rate: float | None
    share_rate: Rate
    amplification: float | None  # None at K ≥ 1 (or no K)
    self_sustaining: bool
    cycle_time_hours: float | None
    cycle_time_of: int  # participants whose cycle time counted
    active_after_7: Rate  # invitees active in days 7–13 after joining
    active_after_30: Rate  # invitees active in days 30–36
    retained: Rate  # invitees active in week 4 (days 21–27)
    cost: Decimal
    revenue: Decimal
    cost_per_new: Decimal | None
    cost_per_retained: Decimal | None
    roi: float | None
    cycles: list[tuple[int, ...]]
    unreached: int
    notes: list[Message] = field(default_factory=list)
    invite_window_hours: float | None = None  # None: every participant counts (no as_of)
    inviting: int = 0  # participants of the waves K counts still in their invite window

    @property
    def members_per_depth(self) -> list[int]:
        """How many participants at each depth of the tree (depth = wave)."""
        return [wave.participants for wave in self.waves]


def harris_k(wave_sizes: list[int]) -> float | None:
    """(W1 + … + WL) / (W0 + … + WL−1); 0 with only seeds, None with no wave."""
    if not wave_sizes:
        return None
    if len(wave_sizes) == 1:
        return 0.0
    return sum(wave_sizes[1:]) / sum(wave_sizes[:-1])


def wave_figures(wave_sizes: list[int]) -> list[WaveFigures]:
    """Every participant's window closed: the plain K per wave (the deepest has none)."""
    figures = []
    last = len(wave_sizes) - 1
    for number, size in enumerate(wave_sizes):
        brought = wave_sizes[number + 1] if number < last else 0
        deepest = number == last and last > 0
        k = None if deepest else brought / size
        figures.append(WaveFigures(number, size, brought, k, 0 if deepest else size, deepest))
    return figures


def invite_window_hours(tree: Tree, as_of: datetime) -> float:
    """2 × the generation time: when a participant has finished inviting (as the forecast
    takes it); without one timed invite, 2 × ACTIVATION_HOURS."""
    hours, _ = generation_hours(tree, as_of)
    return 2 * (hours if hours is not None else ACTIVATION_HOURS)


def closed_waves(tree: Tree, cutoff: datetime) -> tuple[list[WaveFigures], float | None, int]:
    """K per wave over the participants who joined by `cutoff` (their window has closed), K
    overall (Harris's, over those same participants), and how many of the counted waves are
    still inviting."""
    waves = tree.waves
    last = len(waves) - 1
    children, joined_at = tree.children, tree.joined_at
    figures, brought_sum, measured_sum, inviting = [], 0, 0, 0
    for number, members in enumerate(waves):
        brought = len(waves[number + 1]) if number < last else 0
        if number == last and last > 0:  # nothing after it yet
            figures.append(WaveFigures(number, len(members), 0, None, 0, True))
            continue
        measured = got = 0
        for member in members:
            joined = joined_at.get(member)
            if joined is None or joined <= cutoff:
                measured += 1
                got += len(children.get(member, ()))
        figures.append(
            WaveFigures(
                number, len(members), brought, got / measured if measured else None, measured
            )
        )
        brought_sum += got
        measured_sum += measured
        inviting += len(members) - measured
    k = brought_sum / measured_sum if measured_sum else None
    return figures, k, inviting


def wave_ks(
    tree: Tree, as_of: datetime | None = None, ends_at: datetime | None = None
) -> tuple[list[WaveFigures], float | None, int, float | None]:
    """K per wave and overall as the report gives them (every reader of a K per wave, the
    cascade picture too, asks here): the waves, K overall, how many participants of the
    counted waves are still inviting, and the invite window in hours (None: no `as_of`,
    every participant counts)."""
    if as_of is None or not tree.waves:
        sizes = tree.wave_sizes()
        return wave_figures(sizes), harris_k(sizes), 0, None
    window = invite_window_hours(tree, as_of)
    end = as_of if ends_at is None else min(as_of, ends_at)
    waves, k, inviting = closed_waves(tree, end - timedelta(hours=window))
    return waves, k, inviting, window


def amplification(k: float | None) -> float | None:
    """Newcomers per seed in the end, K + K² + … = K / (1 − K), while K < 1."""
    if k is None or k >= 1:
        return None
    return k / (1 - k)


def cycle_times(tree: Tree) -> tuple[list[float], int]:
    """Hours from each participant's joining to their first counted invitee's, and how many
    were left out because that invitee joined before them (a fraud signal, not a time)."""
    hours, earlier = [], 0
    joined_at = tree.joined_at
    for inviter, stats in tree.inviters.items():
        joined = joined_at.get(inviter)
        if joined is None or stats.first_at is None:
            continue
        gap = (stats.first_at - joined).total_seconds() / 3600
        if gap < 0:
            earlier += 1
        else:
            hours.append(gap)
    return hours, earlier


def money(
    tree: Tree, facts: Mapping[int, MemberFacts], costs: Costs
) -> tuple[Decimal, Decimal, float | None]:
    """Cost, the participants' revenue (team members' purchases left out, as the funnel leaves
    them), and ROI (None at no cost): the 概况 needs no more."""
    parent = tree.parent
    revenue = sum(
        (f.revenue for m, f in facts.items() if f.revenue and m in parent and counted(f)),
        Decimal(0),
    )
    cost = costs.total
    return cost, revenue, float((revenue - cost) / cost) if cost else None


def _per(cost: Decimal, count: int) -> Decimal | None:
    return (cost / count).quantize(CENT, ROUND_HALF_UP) if count else None


def campaign_figures(
    tree: Tree,
    facts: Mapping[int, MemberFacts] | None = None,
    costs: Costs | None = None,
    as_of: datetime | None = None,
    ends_at: datetime | None = None,
) -> Figures:
    """Every figure of the campaign; `as_of` (the report's time) decides which invitees have
    been in long enough to count in the retention shares and which participants have had
    their invite window to count in K (None: all of them); `ends_at`, the campaign's end,
    closes every window."""
    facts = facts or {}
    costs = costs or Costs()
    waves, k, inviting, window = wave_ks(tree, as_of, ends_at)
    participants = tree.participants
    invitees = tree.invitees

    sharers = {member for member, fact in facts.items() if fact.shared} | tree.tried
    shared = sum(1 for member in sharers if member in tree.parent)
    hours, earlier = cycle_times(tree)
    after_7, retained, after_30 = invitees_active(tree, facts, (7, RETAINED_FROM_DAY, 30), as_of)
    cost, revenue, roi = money(tree, facts, costs)

    notes: list[Message] = []
    if participants and not tree.seeds:
        notes.append(msg("没有种子参与者：每位参与者都有邀请人，无法分波次"))
    if tree.cycles:
        notes.append(
            msg(
                "邀请关系中有 {cycles} 个环，{members} 人不在任何波次中，请在风控中核查",
                cycles=len(tree.cycles),
                members=len(tree.unreached),
            )
        )
    if tree.duplicates:
        notes.append(
            msg(
                "{count} 条邀请关系的被邀请人已记在先到的邀请人名下，未重复计入",
                count=tree.duplicates,
            )
        )
    if earlier:
        notes.append(
            msg("{count} 位邀请人的首位被邀请人比自己更早入群，未计入裂变周期", count=earlier)
        )
    if inviting and ends_at is not None and ends_at <= as_of:
        notes.append(
            msg(
                "{count} 位参与者入群时离活动结束已不到 {hours:.0f} 小时（邀请期未满），不计入 K",
                count=inviting,
                hours=window,
            )
        )
    elif inviting:
        notes.append(
            msg(
                "{count} 位参与者入群不到 {hours:.0f} 小时，还在邀请期，暂不计入 K",
                count=inviting,
                hours=window,
            )
        )
    if k is not None and k >= 1:
        notes.append(msg("K ≥ 1：活动可自我维持，每一波约是上一波的 {k:.2f} 倍", k=k))

    return Figures(
        participants=participants,
        seeds=len(tree.seeds),
        invitees=invitees,
        waves=waves,
        k=k,
        fission_rate=tree.brought_by_members / participants if participants else None,
        share_rate=Rate(shared, participants),
        amplification=amplification(k),
        self_sustaining=k is not None and k >= 1,
        cycle_time_hours=statistics.median(hours) if hours else None,
        cycle_time_of=len(hours),
        active_after_7=after_7,
        active_after_30=after_30,
        retained=retained,
        cost=cost,
        revenue=revenue,
        cost_per_new=_per(cost, invitees),
        cost_per_retained=_per(cost, retained.count),
        roi=roi,
        cycles=tree.cycles,
        unreached=len(tree.unreached),
        notes=notes,
        invite_window_hours=window,
        inviting=inviting,
    )
