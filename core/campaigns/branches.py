"""The campaign's referral tree as the tab's tree shows it: one level at a time.

Opening a participant reads only their direct invitees, each with counts of what lies below
(invited, verified, everyone below): one recursive query that walks the subtree inside the
database and hands back one row per invitee, never the thousands of members below them
(core/campaigns/subtree.py gives the whole subtree, for the figures of one participant).

Edges count as the figures count them (the first live referrer of each invitee, see
core/campaigns/subtree.py); seeds are as in core/campaigns/waves.py: code holders who are
nobody's invitee, and inviters with no counted edge of their own. A cycle stops at MAX_DEPTH
and each member is counted once. Team members (owner, staff) stay in this tree, with whom they
brought under them: it records who brought whom; the figures leave them out (waves.build_tree:
whom they brought are seeds there).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, func, or_, select, text
from sqlalchemy.orm import Session

from core.campaigns.subtree import _COUNTED, MAX_DEPTH, _when
from core.common.search_keys import normalize_query
from db.models import Member
from db.referral_models import InviteCode, ReferralEdge

_LIVE = ("pending", "verified")
_NO_STATUS = "CAST(NULL AS VARCHAR(20))"  # PostgreSQL wants the walk's column types to match


@dataclass(frozen=True)
class Branch:
    """One participant in the tree: their name, when they joined (a seed: when their code was
    issued; None when unknown) and what lies below them."""

    member_id: int
    name: str
    joined_at: datetime | None
    invited: int  # counted direct invitees
    verified: int  # of those, verified
    descendants: int | None  # everyone below, all waves (None: not counted yet)


@dataclass(frozen=True)
class Path:
    """Who brought a member, from their seed down: `members[0]` is the seed, the last is them."""

    members: list[int]
    names: dict[int, str]
    cycle: bool = False  # the walk up met a member twice: no seed above (a fraud signal)

    @property
    def wave(self) -> int | None:
        return None if self.cycle or not self.members else len(self.members) - 1


# The walk below each starting member (`top`), with depth 0 for the top itself.
_WALK = f"""
WITH RECURSIVE down(top, member_id, depth, status) AS (
    {{anchor}}
  UNION ALL
    SELECT d.top, e.invitee_id, d.depth + 1, CAST(e.status AS VARCHAR(20))
    FROM down d JOIN referral_edges e ON e.inviter_id = d.member_id
    WHERE d.depth < :max_depth AND {_COUNTED}
)
SELECT top, COUNT(DISTINCT member_id) - 1,
       SUM(CASE WHEN depth = 1 THEN 1 ELSE 0 END),
       SUM(CASE WHEN depth = 1 AND status = 'verified' THEN 1 ELSE 0 END)
FROM down GROUP BY top
"""

_CHILDREN_ANCHOR = f"""
    SELECT e.invitee_id, e.invitee_id, 0, CAST(e.status AS VARCHAR(20)) FROM referral_edges e
    WHERE e.inviter_id = :member AND {_COUNTED}
"""

_CHILDREN = f"""
SELECT e.invitee_id, e.occurred_at FROM referral_edges e
WHERE e.inviter_id = :member AND {_COUNTED}
"""

# Code holders who are nobody's invitee (a void edge aside), and inviters of live edges who have
# no live edge of their own (a seed can be both: its code's time is kept). `{scan}` is "+ 0"
# where SQLite should scan the table rather than fetch most of it through the index; NOT IN
# builds the set of invitees once (2.5 × faster than NOT EXISTS per inviter, measured).
_SEEDS = """
SELECT i.member_id, MIN(i.issued_at) FROM invite_codes i
WHERE i.campaign_id = :campaign AND i.member_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM referral_edges v WHERE v.invitee_id = i.member_id
      AND v.campaign_id = :campaign AND v.status <> 'void')
GROUP BY i.member_id
UNION ALL
SELECT DISTINCT e.inviter_id, CAST(NULL AS TIMESTAMP) FROM referral_edges e
WHERE e.campaign_id {scan} = :campaign AND e.status IN ('pending', 'verified')
  AND e.inviter_id NOT IN (SELECT u.invitee_id FROM referral_edges u
    WHERE u.campaign_id {scan} = :campaign AND u.status IN ('pending', 'verified'))
"""

_DIRECT = f"""
SELECT e.inviter_id, COUNT(*), SUM(CASE WHEN e.status = 'verified' THEN 1 ELSE 0 END)
FROM referral_edges e WHERE e.inviter_id IN ({{members}}) AND {_COUNTED}
GROUP BY e.inviter_id
"""
_CHUNK = 1000  # members in one IN (…): well under every database's limit on parameters

_UP = f"""
WITH RECURSIVE up(member_id, inviter_id, depth) AS (
    SELECT e.invitee_id, e.inviter_id, 1 FROM referral_edges e
    WHERE e.invitee_id = :member AND {_COUNTED}
  UNION ALL
    SELECT e.invitee_id, e.inviter_id, u.depth + 1
    FROM up u JOIN referral_edges e ON e.invitee_id = u.inviter_id
    WHERE u.depth < :max_depth AND {_COUNTED}
)
SELECT inviter_id FROM up ORDER BY depth
"""


def children(session: Session, campaign_id: int, member_id: int) -> list[Branch]:
    """The members `member_id` brought into the campaign, in joining order, with counts."""
    params = {"campaign": campaign_id, "member": member_id, "max_depth": MAX_DEPTH}
    joined = {member: _when(at) for member, at in session.execute(text(_CHILDREN), params).all()}
    if not joined:
        return []
    counts = _counts(session, _CHILDREN_ANCHOR, params)
    return _branches(session, joined, counts)


def seeds(session: Session, campaign_id: int) -> list[Branch]:
    """The campaign's seeds (wave 0) in joining order (unknown times last), with their direct
    invitees counted; `descendants` is None: counting below every seed walks the whole
    campaign (seconds over 200000 edges), so it comes apart, from `seed_descendants`."""
    found = _seeds_sql(session, campaign_id)
    joined: dict[int, datetime | None] = {}
    for member, at in session.execute(text(found), {"campaign": campaign_id}).all():
        if joined.get(member) is None:
            joined[member] = _when(at)
    counts: dict[int, tuple[int, int, None]] = {}
    ids = sorted(joined)
    for start in range(0, len(ids), _CHUNK):  # by id lists: the seeds' query runs once
        chunk = ids[start : start + _CHUNK]
        marks = ", ".join(f":m{n}" for n in range(len(chunk)))
        params = {"campaign": campaign_id, **{f"m{n}": m for n, m in enumerate(chunk)}}
        for inviter, invited, verified in session.execute(
            text(_DIRECT.format(members=marks)), params
        ):
            counts[inviter] = (int(invited), int(verified or 0), None)
    return _branches(session, joined, counts, empty=None)


def seed_descendants(session: Session, campaign_id: int) -> dict[int, int]:
    """seed → everyone below them, all waves: one walk of the whole campaign."""
    params = {"campaign": campaign_id, "max_depth": MAX_DEPTH}
    found = _anchor(_seeds_sql(session, campaign_id))
    return {top: below for top, (_i, _v, below) in _counts(session, found, params).items()}


def _anchor(seeds_sql: str) -> str:
    return f"SELECT DISTINCT s.member_id, s.member_id, 0, {_NO_STATUS} FROM ({seeds_sql}) s"


def _seeds_sql(session: Session, campaign_id: int) -> str:
    """The seeds' query; on SQLite a campaign holding most edges is read by a table scan,
    as core/campaigns/inputs_sql reads it (an index lookup per row is slower there)."""
    scan = ""
    if session.get_bind().dialect.name == "sqlite":
        mine = session.scalar(
            select(func.count()).where(ReferralEdge.campaign_id == campaign_id)
        )  # fmt: skip
        every = session.scalar(select(func.max(ReferralEdge.id))) or 0
        scan = "+ 0" if mine * 2 > every else ""
    return _SEEDS.format(scan=scan)


def path_to(session: Session, campaign_id: int, member_id: int) -> Path:
    """Who brought `member_id`, up to their seed; a member outside the campaign is a path of
    themselves alone."""
    params = {"campaign": campaign_id, "member": member_id, "max_depth": MAX_DEPTH}
    above: list[int] = []
    cycle = False
    for (inviter,) in session.execute(text(_UP), params):
        if inviter == member_id or inviter in above:
            cycle = True
            break
        above.append(inviter)
    members = [*reversed(above), member_id]
    return Path(members, names_of(session, members), cycle)


def find_participants(
    session: Session, campaign_id: int, query: str, limit: int = 20
) -> list[tuple[int, str]]:
    """Participants of the campaign whose names (or their pinyin, initials, 微信号) hold
    `query`, as the members tab searches: (member id, name), by id."""
    wanted = normalize_query(query)
    if not wanted:
        return []
    edge = ReferralEdge
    took_part = or_(
        exists().where(
            edge.campaign_id == campaign_id, edge.status.in_(_LIVE),
            or_(edge.invitee_id == Member.id, edge.inviter_id == Member.id),
        ),
        exists().where(
            and_(InviteCode.campaign_id == campaign_id, InviteCode.member_id == Member.id)
        ),
    )  # fmt: skip
    rows = session.execute(
        select(Member.id)
        .where(Member.search_text.contains(wanted, autoescape=True), took_part)
        .order_by(Member.id)
        .limit(limit)
    ).all()
    ids = [row[0] for row in rows]
    names = names_of(session, ids)
    return [(member, names.get(member, "")) for member in ids]


def names_of(session: Session, member_ids) -> dict[int, str]:
    """member id → the name shown: the remark when there is one, else the nickname."""
    from core.campaigns.report import nicknames  # one reader of shown names

    return nicknames(session, member_ids)


def _counts(session: Session, anchor: str, params: dict) -> dict[int, tuple[int, int, int]]:
    rows = session.execute(text(_WALK.format(anchor=anchor)), params).all()
    return {
        top: (int(invited or 0), int(verified or 0), int(below))
        for top, below, invited, verified in rows
    }


def _branches(
    session: Session, joined: dict[int, datetime | None], counts: dict, empty: int | None = 0
) -> list[Branch]:
    names = names_of(session, joined)
    order = sorted(joined, key=lambda m: (joined[m] is None, joined[m] or datetime.min, m))
    return [
        Branch(member, names.get(member, ""), joined[member], *counts.get(member, (0, 0, empty)))
        for member in order
    ]
