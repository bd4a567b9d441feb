"""The hand-computed campaign of 15 participants the figures are checked against.

Times are hours after T0 (the campaign's start); `inviter → invitee @ hour`:

    wave 0 (seeds)   1 @0      2 @2      3 @4
    wave 1           1 → 4 @10   1 → 5 @30   1 → 6 @50   2 → 7 @26
    wave 2           4 → 8 @20   4 → 9 @40   5 → 10 @80  7 → 11 @50 (pending)
    wave 3           8 → 12 @44  8 → 13 @60 (pending)    10 → 14 @100
    wave 4           12 → 15 @62

plus two edges that count in no wave: 3 → 16 (rejected: 16 is no participant) and 6 → 9 @45
(9 already counts under 4, who came first: a duplicate). Member 20 got a poster and did
nothing else; member 13 reported a share.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from core.campaigns.inputs import PENDING, REJECTED, Costs, Edge, MemberFacts

T0 = datetime(2026, 3, 1, 9, 0)
AS_OF = T0 + timedelta(days=40)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


JOINED = {1: 0, 2: 2, 3: 4, 4: 10, 5: 30, 6: 50, 7: 26, 8: 20, 9: 40, 10: 80, 11: 50,
          12: 44, 13: 60, 14: 100, 15: 62}  # fmt: skip
INVITER = {4: 1, 5: 1, 6: 1, 7: 2, 8: 4, 9: 4, 10: 5, 11: 7, 12: 8, 13: 8, 14: 10, 15: 12}
# First message or check-in, hours after the member's own joining (None: never).
ACTIVATED_AFTER = {4: 1, 5: 80, 6: None, 7: 2, 8: 70, 9: None, 10: 5, 11: 72, 12: 3,
                   13: None, 14: 10, 15: 73}  # fmt: skip
# Activity, days after the member's own joining.
ACTIVE_DAYS = {4: [8, 22, 31], 5: [13.9], 7: [7, 21], 8: [14, 28], 9: [20, 27.5, 36.9],
               10: [10, 25, 33], 11: [6.9], 12: [9, 30], 14: [12, 22], 15: [23]}  # fmt: skip
PENDING_INVITEES = {11, 13}
REVENUE = {1: (Decimal(300), 1), 4: (Decimal(99), 1), 9: (Decimal(199), 2), 15: (Decimal(50), 1)}
CODES = {1, 2, 3, 4, 5, 8}
POSTERS = {7, 10, 12, 20}
COSTS = Costs(prizes=Decimal(240), other=Decimal(60))


def edges() -> list[Edge]:
    rows = [Edge(None, seed, at(JOINED[seed])) for seed in (1, 2, 3)]
    for invitee, inviter in INVITER.items():
        joined = at(JOINED[invitee])
        after = ACTIVATED_AFTER[invitee]
        rows.append(
            Edge(
                inviter,
                invitee,
                joined,
                activated_at=None if after is None else joined + timedelta(hours=after),
                status=PENDING if invitee in PENDING_INVITEES else "verified",
            )
        )
    rows.append(Edge(3, 16, at(70), status=REJECTED))
    rows.append(Edge(6, 9, at(45)))
    return rows


def facts() -> dict[int, MemberFacts]:
    members = set(JOINED) | {20}
    result = {}
    for member in members:
        joined = at(JOINED.get(member, 0))
        revenue, purchases = REVENUE.get(member, (Decimal(0), 0))
        result[member] = MemberFacts(
            member,
            code_issued=member in CODES,
            poster_made=member in POSTERS,
            shared=member == 13,
            active_at=tuple(joined + timedelta(days=d) for d in ACTIVE_DAYS.get(member, [])),
            revenue=revenue,
            purchases=purchases,
        )
    return result
