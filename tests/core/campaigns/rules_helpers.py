"""Shared bits of the campaign-rules tests: a clock and short builders."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.campaigns.facts import Facts, Person
from core.campaigns.inputs import Edge

T0 = datetime(2026, 5, 1, 8, 0)  # the campaign starts
CAMPAIGN = 7


def at(hours: float = 0, days: float = 0) -> datetime:
    return T0 + timedelta(hours=hours, days=days)


def person(member_id: int, since: datetime | None = None, **more) -> Person:
    return Person(member_id, since, **more)


def newcomers(*edges: Edge, **people: Person) -> dict[int, Person]:
    """Everyone in `edges` as a member since their own joining (inviters since before)."""
    out = {}
    for edge in edges:
        out.setdefault(edge.invitee_id, Person(edge.invitee_id, edge.joined_at))
        if edge.inviter_id is not None:
            out.setdefault(edge.inviter_id, Person(edge.inviter_id, at(days=-30)))
    return out


def facts(*edges: Edge, as_of: datetime | None = None, people=None, **more) -> Facts:
    return Facts(
        CAMPAIGN,
        as_of or at(days=30),
        starts_at=T0,
        edges=tuple(edges),
        people=newcomers(*edges) if people is None else people,
        **more,
    )


def by_key(decisions) -> dict:
    return {decision.key: decision for decision in decisions}


def key(*parts) -> str:
    return ":".join(["campaign", str(CAMPAIGN), *(str(part) for part in parts)])
