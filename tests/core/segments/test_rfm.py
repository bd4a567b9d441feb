"""RFM on a hand-built group: every named segment, ties, zeros, team members, M's fallbacks."""

from __future__ import annotations

from datetime import timedelta

from core.segments.compute import segment_member_ids, segment_overview
from core.segments.rfm import compute_rfm, segment_for
from db.ledger_models import LedgerEntry
from db.models import ActivityEvent
from tests.core.tiers.helpers import NOW, community, events, member

# name: (last active, days ago; active days in the last 90; spend in fen).
# Ten members: positions 5–10 of each ranking score ≥ 3 (high), positions 1–4 low.
PEOPLE = {
    "A": (1, 10, 10_000),  # high R, high F, high M
    "B": (2, 1, 9_000),  # high R, low F, high M
    "C": (30, 11, 8_000),  # low R, high F, high M
    "D": (40, 2, 7_000),  # low R, low F, high M
    "E": (3, 12, 100),  # high R, high F, low M
    "F": (50, 13, 200),  # low R, high F, low M
    "G": (4, 3, 300),  # high R, low F, low M
    "H": (60, 4, 400),  # low R, low F, low M
    "I": (5, 14, 6_000),  # high everything
    "J": (6, 15, 5_000),  # high everything
}
EXPECTED = {
    "A": "important_value",
    "B": "important_develop",
    "C": "important_keep",
    "D": "important_retain",
    "E": "general_value",
    "F": "general_keep",
    "G": "general_develop",
    "H": "general_retain",
    "I": "important_value",
    "J": "important_value",
}


def purchase(session, member_id, community_id, days_ago, cents):
    session.add(
        ActivityEvent(
            member_id=member_id,
            community_id=community_id,
            kind="purchase",
            occurred_at=NOW - timedelta(days=days_ago, hours=1),
            amount_cents=cents,
        )
    )
    session.flush()


def person(session, cid, name, last, active_days, cents, **options) -> int:
    mid = member(session, cid, name, **options)
    events(session, mid, cid, "checkin", range(last, last + active_days))
    if cents:
        purchase(session, mid, cid, last, cents)  # the same day as a check-in: no extra day
    return mid


def build(session, people=PEOPLE) -> dict[str, int]:
    cid = community(session)
    return {name: person(session, cid, name, *figures) for name, figures in people.items()}


def test_each_member_lands_in_its_named_segment(database):
    with database.session() as session:
        ids = build(session)
        result = compute_rfm(session, NOW)
    names = {mid: name for name, mid in ids.items()}
    got = {names[row.member_id]: row.segment for row in result.rows}
    assert got == EXPECTED
    assert result.basis == "spend"
    scores = {names[row.member_id]: (row.r, row.f, row.m) for row in result.rows}
    assert scores["A"] == (5, 3, 5)  # positions 10, 5, 10 of 10
    assert scores["H"] == (1, 2, 2)
    a = next(row for row in result.rows if row.member_id == ids["A"])
    assert (a.active_days, a.monetary) == (10, 10_000)
    assert a.describe(NOW, result.basis) == (
        "R5 F3 M5 · 1 天前活跃 · 近 90 天活跃 10 天 · 近一年消费 ¥100.00"
    )


def test_segment_ids_are_in_working_order_and_found_by_chinese_name(database):
    with database.session() as session:
        ids = build(session)
        value = segment_member_ids(session, "重要价值", now=NOW)
        assert value == [ids["A"], ids["I"], ids["J"]]  # highest R+F+M first (13, 11, 11)
        assert segment_member_ids(session, "general_retain", now=NOW) == [ids["H"]]


def test_team_members_and_members_who_never_did_anything_are_not_scored(database):
    with database.session() as session:
        cid = community(session)
        ids = {name: person(session, cid, name, *figures) for name, figures in PEOPLE.items()}
        boss = person(session, cid, "店长", 1, 30, 99_999, is_team=True)
        quiet = member(session, cid, "潜水")
        result = compute_rfm(session, NOW)
    scored = {row.member_id for row in result.rows}
    assert scored == set(ids.values())
    assert boss not in scored and quiet not in scored


def test_equal_figures_share_a_quintile_and_zero_is_never_high(database):
    """Five members alike and five who never bought: NTILE would split each group."""
    people = {f"同{n}": (3, 5, 1_000) for n in range(5)}
    people |= {f"零{n}": (3, 5, 0) for n in range(5)}
    with database.session() as session:
        ids = build(session, people)
        result = compute_rfm(session, NOW)
    by_id = {row.member_id: row for row in result.rows}
    assert {(by_id[ids[f"同{n}"]].r, by_id[ids[f"同{n}"]].m) for n in range(5)} == {(3, 4)}
    assert {by_id[ids[f"零{n}"]].m for n in range(5)} == {1}
    assert {row.segment for row in result.rows} == {"important_value", "general_value"}


def test_without_any_spend_m_uses_the_activity_score_and_says_so(database):
    with database.session() as session:
        cid = community(session)
        busy = member(session, cid, "忙")
        idle = member(session, cid, "闲")
        events(session, busy, cid, "good_post", range(1, 6))  # 5 × 8
        events(session, idle, cid, "checkin", range(1, 3))  # 2 × 1
        result = compute_rfm(session, NOW)
        overview = segment_overview(session, NOW)
    assert result.basis == "score"
    assert {row.member_id: row.monetary for row in result.rows} == {busy: 40, idle: 2}
    assert "加权活跃分" in result.basis_note == overview.rfm_note
    assert overview.rfm_scored == 2


def test_without_spend_but_with_points_m_uses_points_earned(database):
    with database.session() as session:
        cid = community(session)
        mids = [member(session, cid, f"积分{n}") for n in range(3)]
        for n, mid in enumerate(mids):
            events(session, mid, cid, "checkin", [1])
            session.add(
                LedgerEntry(
                    member_id=mid, kind="earn", points=10 * (n + 1), occurred_at=NOW - timedelta(2)
                )
            )
        session.flush()
        result = compute_rfm(session, NOW)
    assert result.basis == "points"
    assert sorted(row.monetary for row in result.rows) == [10, 20, 30]
    assert "积分" in result.basis_note


def test_segment_for_reads_high_as_three_or_more():
    assert segment_for(3, 3, 3) == "important_value"
    assert segment_for(2, 5, 5) == "important_keep"
    assert segment_for(5, 2, 2) == "general_develop"
    assert segment_for(2, 2, 2) == "general_retain"
