"""Best send times where an item's time is chosen: each chosen community's busiest weekday ×
hour slots from its chat history (core/chat/insights.best_send_times), and the next moment a
slot comes round, for the editor to set the planned time to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.chat.insights import BestTimes, best_send_times
from db.models import Community

TOP = 5


@dataclass(frozen=True)
class CommunityTimes:
    community_id: int
    name: str
    times: BestTimes  # slots best first, or the reason there are none


def send_times(session: Session, community_ids: list[int]) -> list[CommunityTimes]:
    """The chosen communities' best times, in the order given."""
    if not community_ids:
        return []
    names = {
        community_id: name
        for community_id, name in session.execute(
            select(Community.id, Community.name).where(Community.id.in_(community_ids))
        )
    }
    found = best_send_times(session, [c for c in community_ids if c in names], top=TOP)
    return [CommunityTimes(c, names[c], found[c]) for c in community_ids if c in found]


def next_slot(weekday: int, hour: int, *, planned: datetime, now: datetime) -> datetime:
    """The first `weekday` at `hour` o'clock from the planned day on (so the week the operator
    chose stays chosen), and never in the past."""
    start = max(datetime.combine(planned.date(), time()), now)
    when = datetime.combine(
        start.date() + timedelta(days=(weekday - start.weekday()) % 7), time(hour)
    )
    if when < start:
        when += timedelta(days=7)
    return when
