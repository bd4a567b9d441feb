"""Recalculate levels: fully on demand, or only for the members new activity touched.

The figures come from one SQL aggregation per rolling window (core.tiers.figures); the rule
(core.tiers.decide) then runs once per membership over those few numbers, and only the
memberships whose level moves are written, each with a history row saying why.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from core.common.settings_store import settings_with_prefix
from core.members.statistics import stats_members_condition
from core.tiers.decide import decide
from core.tiers.figures import Figures, load_figures, load_points, with_points
from core.tiers.ladder import Ladder, community_key, ladder_from_json, load_ladder
from db.models import LevelChange, Member, Membership

_EMPTY = Figures()
_CHUNK = 5000


@dataclass
class RecomputeResult:
    examined: int = 0
    promoted: int = 0
    demoted: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> int:
        return self.promoted + self.demoted


def community_ladders(session: Session) -> tuple[Ladder, dict[int, Ladder]]:
    """The shared ladder and every community's own ladder, read once for a whole run."""
    shared = load_ladder(session)
    own = {}
    prefix = community_key(0)[:-1]
    for key, raw in settings_with_prefix(session, prefix).items():
        suffix = key[len(prefix) :]
        if suffix.isdigit():
            own[int(suffix)] = ladder_from_json(raw)
    return shared, own


def community_sizes(session: Session) -> dict[int, int]:
    """Members now in each community, team left out (the cold-start test)."""
    rows = session.execute(
        select(Membership.community_id, func.count())
        .join(Member, Member.id == Membership.member_id)
        .where(Membership.left_at.is_(None), stats_members_condition())
        .group_by(Membership.community_id)
    )
    return dict(rows.all())


def _chunks(ids: list[int]):
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def recompute_levels(
    session: Session,
    member_ids: Iterable[int] | None = None,
    *,
    now: datetime | None = None,
    operator: str = "",
) -> RecomputeResult:
    """Bring levels up to date; `member_ids` limits the run to those members (incremental)."""
    started = time.perf_counter()
    now = now or datetime.now()
    ids = None if member_ids is None else sorted(set(member_ids))
    result = RecomputeResult()
    if ids is not None and not ids:
        return result
    shared, own = community_ladders(session)
    sizes = community_sizes(session)

    figures: dict[tuple[int, int], Figures] = {}
    points_by_window: dict[int, tuple[dict, dict]] = {}
    ladders = [shared, *own.values()]
    wanted = (
        frozenset().union(*(ladder.wanted()[0] for ladder in ladders)),
        frozenset().union(*(ladder.wanted()[1] for ladder in ladders)),
    )
    for window_days in sorted({ladder.window_days for ladder in ladders}):
        since = now - timedelta(days=window_days)
        for chunk in [None] if ids is None else _chunks(ids):
            for key, item in load_figures(session, since, chunk, wanted, until=now).items():
                if (own.get(key[1]) or shared).window_days == window_days:
                    figures[key] = item
        points_by_window[window_days] = load_points(session, since, ids, wanted, now)

    query = (
        select(
            Membership.id,
            Membership.member_id,
            Membership.community_id,
            Membership.level,
            Membership.promoted_at,
            Membership.level_locked,
        )
        .join(Member, Member.id == Membership.member_id)
        .where(Membership.left_at.is_(None), stats_members_condition())
    )
    updates, history = [], []
    for chunk in [None] if ids is None else _chunks(ids):
        rows = session.execute(
            query if chunk is None else query.where(Membership.member_id.in_(chunk))
        )
        for membership_id, member_id, community_id, level, promoted_at, locked in rows:
            result.examined += 1
            ladder = own.get(community_id) or shared
            member_figures = with_points(
                figures.get((member_id, community_id), _EMPTY),
                member_id,
                points_by_window[ladder.window_days],
            )
            decision = decide(
                ladder,
                level,
                member_figures,
                now=now,
                promoted_at=promoted_at,
                locked=bool(locked),
                floor=ladder.floor(sizes.get(community_id, 0)),
                explain_holds=False,
            )
            if not decision.changes:
                continue
            promoted = decision.cause == "promote"
            result.promoted += promoted
            result.demoted += not promoted
            updates.append(
                {
                    "b_id": membership_id,
                    "b_level": decision.level,
                    "b_since": now,
                    "b_promoted": now if promoted else promoted_at,
                }
            )
            history.append(
                {
                    "member_id": member_id,
                    "community_id": community_id,
                    "from_level": level,
                    "to_level": decision.level,
                    "changed_at": now,
                    "cause": decision.cause,
                    "reason": decision.reason,
                    "operator": operator,
                }
            )
    if updates:
        table = Membership.__table__
        session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(
                level=bindparam("b_level"),
                level_since=bindparam("b_since"),
                promoted_at=bindparam("b_promoted"),
            )
            .execution_options(synchronize_session=False),
            updates,
        )
        session.execute(insert(LevelChange.__table__), history)
    result.seconds = time.perf_counter() - started
    return result
