"""The pure figures' inputs (core/campaigns/inputs) read from the database, one query per kind
of fact:

edges       referral_edges of the campaign (void ones left out: they never happened), plus a
            seed row for each holder of a campaign code who is no invitee (a code handed out
            is taking part; an invitee whose edges were all rejected takes no part), joined
            at the code's issue

Every read is as of `as_of` (the figures' moment; None: everything): an edge made or a code
issued after it is not read, nor activity or a purchase after it, so the figures of a past
period are those of the tree as it stood then.
activity    per counted edge: the first message or check-in after joining (activation) and
            the first activity (any kind but a violation) in each week the figures measure
            (days 7–13, 21–27, 30–36 after joining; the funnel alone: 21–27) — all the
            figures read of activity, so a member's years of messages never leave the
            database; read in the edges' own query, grouped by edge
purchases   the participants' purchases (activity 'purchase', amount in integer fen) and
            reported shares (activity 'share') up to `as_of`; those before the member's
            joining are dropped in Python (they are few, and the joining is already read)
team        the team members (owner, staff: few), whom the funnel, the retention shares and
            the revenue leave out (inputs.counted; DOMAIN: team members are excluded from
            statistics), and the tree too (waves.build_tree: no participant, no inviter)
costs       prize costs: the campaign's prizes in the fulfilment queue (ledger_redemptions
            with its campaign_id, neither cancelled nor held for review) at their unit cost —
            the campaign's prize settings by name, else the catalogue reward's, else the row's
            — plus redemptions (not cancelled) whose spend entry is the campaign's (ledger
            reference `campaign:<id>`); and the points it gave: its awards net of their
            clawbacks and reversals, at the ledger's value per point

Money is integer fen in the database and Decimal yuan in the figures. Posters made for a
member are not recorded per member, so `poster_made` is never set from here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from itertools import compress, repeat

from sqlalchemy import and_, case, func, select, true, union
from sqlalchemy.orm import Session

from core.campaigns.decisions import reference
from core.campaigns.inputs import REJECTED, Costs, Edge, MemberFacts, make_edge, make_facts
from core.campaigns.retention import RETAINED_FROM_DAY, WEEK
from core.campaigns.settings import parse
from core.campaigns.sql_rows import as_text as _as_text
from core.campaigns.sql_rows import is_sqlite
from core.campaigns.sql_rows import of_campaign as _of_campaign
from core.campaigns.sql_rows import parser as _parser
from core.common.errors import UserError
from core.common.gc_pause import gc_paused
from core.ledger.liability import yuan_per_point
from db.ledger_models import LedgerEntry, LedgerRedemption, LedgerReward
from db.models import ActivityEvent, Member
from db.referral_models import LIVE_STATUSES, Campaign, InviteCode, ReferralEdge

# The weeks the figures measure, in days after joining (figures: active after 7, 21, 30).
MEASURED_DAYS = (7, RETAINED_FROM_DAY, 30)
_WEEK_DAYS = WEEK.days
_ACTIVATING = ("message", "checkin")
_SCAN_WHEN = 10  # read every purchase when participants × this reach the events' count


_NO_MONEY = Decimal(0)


def yuan(cents: int | None) -> Decimal:
    return Decimal(cents or 0) / 100


def _days_between(session: Session, later, earlier):
    """`later − earlier` in days, as a SQL expression (each dialect has its own arithmetic)."""
    if is_sqlite(session):
        return func.julianday(later) - func.julianday(earlier)
    return func.extract("epoch", later - earlier) / 86400.0


@dataclass
class Inputs:
    edges: list[Edge]
    facts: dict[int, MemberFacts]
    costs: Costs


@dataclass
class EdgeRows:
    edges: list[Edge]  # referral edges, then seed rows for code holders
    holders: set[int]  # members given a campaign code
    joined_at: dict[int, datetime | None]  # each participant's first joining (None: unknown)
    # read with activity: each counted invitee's activity weeks, of the edge they count under
    # (the first referrer: the earliest join, then the lowest inviter id, as waves chooses)
    weeks: dict[int, tuple[datetime, ...]] = field(default_factory=dict)


def read_edges(session: Session, campaign_id: int, as_of: datetime | None = None) -> EdgeRows:
    """The campaign's edges (void ones left out) and a seed row for each code holder who is no
    counted invitee (their edge says how they came), joined at the code's issue; as of `as_of`
    (None: all of them)."""
    with gc_paused():  # 200000 edges, all kept: nothing for the cyclic collector to find
        return _read_edges(session, campaign_id, as_of)


def _by(column, as_of: datetime | None):
    """`column <= as_of`: only what had happened by the figures' moment (None: everything)."""
    return true() if as_of is None else column <= as_of


def _read_edges(
    session: Session,
    campaign_id: int,
    as_of: datetime | None,
    weeks: tuple[int, ...] | None = None,
) -> EdgeRows:
    """`weeks` (days after joining, None: no activity): each edge read with its activation and
    the first activity in each of these weeks, in the same query (_edge_query)."""
    connection = session.connection()  # Core rows: no ORM loading over 200000 rows
    rows = connection.execute(_edge_query(session, campaign_id, as_of, weeks)).all()
    codes = connection.execute(
        select(InviteCode.member_id, _as_text(session, InviteCode.issued_at)).where(
            InviteCode.campaign_id == campaign_id, _by(InviteCode.issued_at, as_of)
        )
    ).all()
    parse = datetime.fromisoformat if is_sqlite(session) else None
    # Column by column (each a C-speed pass: map, compress, zip), not a Python loop over rows;
    # an invitee with several edges (rare) is settled after, from their rows alone.
    width = 5 if weeks is None else 6 + len(weeks)
    _, inviter_c, invitee_c, at_c, status_c, *activity_c = (
        list(zip(*rows, strict=True)) or [()] * width
    )
    if parse is not None:
        at_c = list(map(parse, at_c))
    live = [status != REJECTED for status in status_c]
    invitees = set(invitee_c)
    inviters = set(compress(inviter_c, live))
    joined_at: dict[int, datetime | None] = dict(
        zip(compress(invitee_c, live), compress(at_c, live), strict=True)
    )
    activated_c = repeat(None)
    measured_c: list[tuple] = []
    first_weeks: dict[int, tuple[datetime, ...]] = {}  # counted invitee → their edge's weeks
    nothing = ()
    if weeks is not None:
        activated_c, *week_c = activity_c
        if parse is not None:
            activated_c = [value and parse(value) for value in activated_c]
        nothing = (None,) * len(weeks)
        measured_c = list(zip(*week_c, strict=True)) if week_c else []
        for invitee, alive, firsts in zip(invitee_c, live, measured_c, strict=False):
            if alive and firsts != nothing:
                first_weeks[invitee] = _weeks(firsts, parse)
    if len(invitees) < len(invitee_c):
        # the first live edge counts (the earliest join, then the lowest inviter, as waves
        # chooses): the joining is its, and so are the weeks
        several = {member for member, edges in Counter(invitee_c).items() if edges > 1}
        first: dict[int, tuple] = {}
        for index, invitee in enumerate(invitee_c):
            if invitee in several and live[index]:
                rank = (at_c[index], inviter_c[index])
                held = first.get(invitee)
                if held is None or rank < held[0]:
                    first[invitee] = (rank, index)
        for invitee in several:
            joined_at.pop(invitee, None)
            first_weeks.pop(invitee, None)
        for invitee, ((at, _), index) in first.items():
            joined_at[invitee] = at
            if measured_c and measured_c[index] != nothing:
                first_weeks[invitee] = _weeks(measured_c[index], parse)
    edges: list[Edge] = list(
        map(make_edge, inviter_c, invitee_c, at_c, activated_c, repeat(None), status_c)
    )
    holders = set()
    for member, at in codes:
        holders.add(member)
        if member in invitees:
            continue  # an invitee given a code: their edges say how they came (or that not)
        if parse is not None:
            at = parse(at)
        joined_at[member] = at
        edges.append(Edge(None, member, at))
    for inviter in inviters - joined_at.keys():
        joined_at[inviter] = None  # an inviter with no edge or code of their own
    return EdgeRows(edges, holders, joined_at, first_weeks)


def _weeks(firsts: tuple, parse) -> tuple[datetime, ...]:
    """The first activity of each measured week that has any: the weeks are disjoint and in
    order, so these are sorted already."""
    found = tuple(at for at in firsts if at is not None)
    return tuple(map(parse, found)) if parse is not None else found


def _edge_query(
    session: Session, campaign_id: int, as_of: datetime | None, weeks: tuple[int, ...] | None
):
    """The campaign's edges (void ones left out) by `as_of`, in id order; with `weeks`, each
    live edge's activation (the first message or check-in after joining) and the first
    activity (any kind but a violation) in each week that begins that many days after joining,
    of the activity by `as_of` within the last week's end — one pass over the invitees'
    activity beside the edges, grouped by edge."""
    edge = ReferralEdge
    columns = [
        edge.id,
        edge.inviter_id,
        edge.invitee_id,
        _as_text(session, edge.occurred_at),
        edge.status,
    ]
    mine = (
        _of_campaign(session, campaign_id),
        edge.status != "void",
        _by(edge.occurred_at, as_of),
    )
    if weeks is None:
        return select(*columns).where(*mine)
    event = ActivityEvent
    age = _days_between(session, event.occurred_at, edge.occurred_at)
    when = _as_text(session, event.occurred_at)
    firsts = [
        func.min(case((and_(age >= day, age < day + _WEEK_DAYS, event.kind != "violation"), when)))
        for day in weeks
    ]
    activated = func.min(case((event.kind.in_(_ACTIVATING), when)))
    # A rejected edge joins no activity (its invitee took no part by it): its columns are NULL.
    measured = and_(
        event.member_id == edge.invitee_id,
        edge.status.in_(LIVE_STATUSES),
        _by(event.occurred_at, as_of),
        event.occurred_at >= edge.occurred_at,
        age < max(weeks, default=0) + _WEEK_DAYS,
    )
    return (
        select(*columns, activated, *firsts)
        .outerjoin(event, measured)
        .where(*mine)
        .group_by(edge.id)  # the edge's other columns follow from its key
        .order_by(edge.id)
    )


def read_purchases(
    session: Session,
    campaign_id: int,
    joined_at: dict[int, datetime | None],
    as_of: datetime | None = None,
) -> dict[int, tuple[int, int, bool]]:
    """Member → (purchase fen, purchases, reported a share), from their joining (`joined_at`,
    from read_edges) to `as_of`. The events are few: the joining is applied here."""
    mine = and_(ReferralEdge.campaign_id == campaign_id, _by(ReferralEdge.occurred_at, as_of))
    people = union(
        select(ReferralEdge.invitee_id).where(mine),
        select(ReferralEdge.inviter_id).where(mine),
        select(InviteCode.member_id).where(
            InviteCode.campaign_id == campaign_id, _by(InviteCode.issued_at, as_of)
        ),
    ).subquery()
    event = ActivityEvent
    query = select(
        event.member_id, _as_text(session, event.occurred_at), event.kind, event.amount_cents
    ).where(event.kind.in_(("purchase", "share")))
    # A campaign of many participants among few events: one scan of the events (the loop
    # below keeps the participants' own) beats an index lookup per participant (0.15 s
    # against 2.7 s for 200000 participants among 240000 events, measured on SQLite).
    events = session.scalar(select(func.max(event.id))) or 0
    if len(joined_at) * _SCAN_WHEN < events:
        query = query.where(event.member_id.in_(select(people.c[0])))
    query = query.where(_by(event.occurred_at, as_of))
    parse = _parser(session)
    found: dict[int, tuple[int, int, bool]] = {}
    for member, at, kind, cents in session.execute(query):
        if member not in joined_at:
            continue  # only a rejected or void edge: no participant
        since = joined_at[member]
        if since is not None and parse(at) < since:
            continue
        total, count, shared = found.get(member, (0, 0, False))
        if kind == "purchase":
            found[member] = (total + cents, count + 1, shared)
        else:
            found[member] = (total, count, True)
    return found


# Prizes in the queue that cost nothing yet: cancelled, or held while a reviewer decides.
_NOT_SPENT = ("cancelled", "held")


def _unit_costs(session: Session, campaign_id: int) -> dict[str, int]:
    """Prize name → unit cost in fen, from the campaign's prize settings."""
    campaign = session.get(Campaign, campaign_id)
    try:
        prizes = parse(campaign.kind, campaign.settings).prizes if campaign else ()
    except UserError:
        prizes = ()  # settings a later version wrote: the queue's own costs stand
    return {prize.name: prize.cost_cents for prize in prizes}


def _queued_prize_cents(session: Session, campaign_id: int, as_of: datetime | None) -> int:
    units = _unit_costs(session, campaign_id)
    rows = session.execute(
        select(
            LedgerRedemption.prize_name,
            LedgerRedemption.cost_cents,
            LedgerReward.cost_cents,
            func.count(),
        )
        .outerjoin(LedgerReward, LedgerReward.id == LedgerRedemption.reward_id)
        .where(
            LedgerRedemption.campaign_id == campaign_id,
            LedgerRedemption.spend_entry_id.is_(None),
            LedgerRedemption.status.not_in(_NOT_SPENT),
            _by(LedgerRedemption.created_at, as_of),
        )
        .group_by(LedgerRedemption.prize_name, LedgerRedemption.cost_cents, LedgerReward.cost_cents)
    )
    total = 0
    for name, own, catalogue, count in rows:
        # The row's own cost is the whole decision's (its points too): the prize's unit cost
        # comes from the settings or the catalogue when they know it.
        unit = units.get(name)
        if unit is None:
            unit = catalogue if catalogue else own
        total += (unit or 0) * count
    return total


def _net_points(session: Session, campaign_id: int, as_of: datetime | None) -> int:
    awards = select(LedgerEntry.id).where(LedgerEntry.reference == reference(campaign_id))
    return session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.points), 0)).where(
            LedgerEntry.id.in_(awards) | LedgerEntry.reverses_id.in_(awards),
            _by(LedgerEntry.occurred_at, as_of),
        )
    )


def read_costs(session: Session, campaign_id: int, as_of: datetime | None = None) -> Costs:
    """What the campaign cost (see the module's docstring) by `as_of`: a past period's cost
    and ROI leave out what was spent after it (a cancellation is today's, as edge statuses)."""
    spent = session.scalar(
        select(func.coalesce(func.sum(LedgerRedemption.cost_cents), 0))
        .join(LedgerEntry, LedgerEntry.id == LedgerRedemption.spend_entry_id)
        .where(
            LedgerEntry.reference == reference(campaign_id),
            LedgerRedemption.status != "cancelled",
            _by(LedgerEntry.occurred_at, as_of),
        )
    )
    prizes = yuan(spent + _queued_prize_cents(session, campaign_id, as_of))
    points = Decimal(max(0, _net_points(session, campaign_id, as_of))) * yuan_per_point(session)
    return Costs(prizes=prizes, points=points.quantize(Decimal("0.01")))


def read_team(session: Session) -> set[int]:
    """The team members (owner, staff: a few rows)."""
    return set(session.scalars(select(Member.id).where(Member.is_team.is_(True))))


def read_inputs(
    session: Session,
    campaign_id: int,
    as_of: datetime | None = None,
    *,
    counts_only=False,
    weeks: tuple[int, ...] = MEASURED_DAYS,
) -> Inputs:
    """Everything the pure figures need of one campaign; `counts_only`: see _read_counts.
    `weeks`: the weeks (days after joining) whose first activity the facts' `active_at` holds;
    the funnel reads only week 4 (funnel_members.read_funnel): facts read with fewer weeks are
    for it alone, the figures' other shares would read them as inactive."""
    with gc_paused():  # edges, activity and facts of 200000 members, all kept
        if counts_only:
            return _read_counts(session, campaign_id, as_of)
        return _read_inputs(session, campaign_id, as_of, weeks)


def _read_counts(session: Session, campaign_id: int, as_of: datetime | None) -> Inputs:
    """The inputs of the 概况's counts and the forecast: the edges (without activity: no
    retention is shown there), the costs, and facts only for the participants with a
    purchase or a reported share (revenue), and the team members. The tree built of them is the
    full read's."""
    read = _read_edges(session, campaign_id, as_of)
    purchases = read_purchases(session, campaign_id, read.joined_at, as_of)
    team = read_team(session) & read.joined_at.keys()
    facts = {
        member: MemberFacts(
            member,
            code_issued=member in read.holders,
            shared=shared,
            revenue=yuan(cents),
            purchases=bought,
            team=member in team,
        )
        for member, (cents, bought, shared) in purchases.items()
    }
    # every team member among the participants, as the full read has them: the tree leaves
    # them out (waves.build_tree), and it must be the full read's tree
    for member in team - facts.keys():
        facts[member] = MemberFacts(member, code_issued=member in read.holders, team=True)
    return Inputs(read.edges, facts, read_costs(session, campaign_id, as_of))


def _read_inputs(
    session: Session, campaign_id: int, as_of: datetime | None, weeks: tuple[int, ...]
) -> Inputs:
    # Activity is per edge (weeks count from that edge's joining): each edge is made with its
    # activation, each counted invitee gets the weeks of the edge they count under.
    read = _read_edges(session, campaign_id, as_of, weeks)
    purchases = read_purchases(session, campaign_id, read.joined_at, as_of)
    costs = read_costs(session, campaign_id, as_of)
    team = read_team(session) & read.joined_at.keys()
    # Facts only for members with any: a member without facts is one with none (no code, no
    # activity, no purchase, not on the team), and 200000 empty ones cost a fifth of the read.
    facts: dict[int, MemberFacts] = {}
    holders, active = read.holders, read.weeks
    nothing, no_weeks = (0, 0, False), ()
    for member in holders | active.keys() | purchases.keys() | team:
        cents, bought, shared = purchases.get(member, nothing)
        facts[member] = make_facts(
            member,
            member in holders,
            False,  # posters are not recorded per member
            shared,
            active.get(member, no_weeks),
            yuan(cents) if cents else _NO_MONEY,
            bought,
            member in team,
        )
    return Inputs(read.edges, facts, costs)
