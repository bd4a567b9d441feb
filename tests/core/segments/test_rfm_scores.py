"""The RFM quintiles are computed in Python from the SQL figures; they must equal the window
functions they replaced (RANK + COUNT over each figure, kept here as the reference), on a
population with long runs of equal figures, zeros, every spend basis and sizes that do not
divide by five."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import case, func, literal, select

from core.segments.rfm import _monetary_basis, _quintiles, compute_rfm, rfm_figures
from tests.core.segments.test_rfm import purchase
from tests.core.tiers.helpers import NOW, community, events, member


def reference_scores(session, now) -> dict[int, tuple[int, int, int]]:
    """member → (R, F, M) by the old single query of window functions."""
    basis = _monetary_basis(session, now - timedelta(days=365), now)
    base = rfm_figures(session, now, basis).subquery("b")

    def positions(value, name):
        return [
            func.rank().over(order_by=value).label(f"{name}_low"),
            func.count().over(order_by=value).label(f"{name}_high"),
        ]

    ranked = select(
        base,
        func.count().over().label("total"),
        *positions(base.c.last_day, "r"),
        *positions(base.c.f, "f"),
        *positions(base.c.m, "m"),
    ).subquery("ranked")

    def quintile(name, zero_scores_one=True):
        low, high = ranked.c[f"{name}_low"], ranked.c[f"{name}_high"]
        score = 1 + (5 * (low + high - 2)) // (2 * ranked.c.total)
        if not zero_scores_one:
            return score
        return case((ranked.c[name] == 0, literal(1)), else_=score)

    rows = session.execute(
        select(ranked.c.member_id, quintile("r", False), quintile("f"), quintile("m"))
    )
    return {member_id: (int(r), int(f), int(m)) for member_id, r, f, m in rows}


def populate(session, count: int, spend: bool) -> None:
    cid = community(session)
    for n in range(count):
        mid = member(session, cid, f"成员{n}")
        last = (n * 7) % 23 + 1  # runs of equal last days
        days = 0 if n % 6 == 0 else (n * 5) % 9 + 1
        events(session, mid, cid, "checkin", range(last, last + max(days, 1)))
        if n % 6 == 0:  # only one active day, and that one outside the 90 days for some
            events(session, mid, cid, "message", [120 + n])
        if spend and n % 3:
            purchase(session, mid, cid, last, (n % 4) * 1_000)  # 0 fen for some buyers
        elif not spend and n % 4 == 0:
            events(session, mid, cid, "good_post", [last])  # the activity score differs


@pytest.mark.parametrize(("count", "spend"), [(37, True), (53, False), (5, True), (1, True)])
def test_quintiles_equal_the_window_functions(database, count, spend):
    with database.session() as session:
        populate(session, count, spend)
        expected = reference_scores(session, NOW)
        result = compute_rfm(session, NOW)
    assert result.basis == ("spend" if spend and count > 1 else "score")
    assert {row.member_id: (row.r, row.f, row.m) for row in result.rows} == expected
    assert len(expected) == count


def test_quintiles_by_hand():
    # Positions 1–5 of 5, each its own fifth; a run of equals takes its middle position's.
    assert _quintiles([50, 10, 40, 20, 30], zero_scores_one=False) == [5, 1, 4, 2, 3]
    assert _quintiles([7, 7, 7, 7, 1], zero_scores_one=False) == [3, 3, 3, 3, 1]  # 2–5: 3.5
    assert _quintiles([0, 0, 3, 3]) == [1, 1, 4, 4]
    assert _quintiles([]) == []
