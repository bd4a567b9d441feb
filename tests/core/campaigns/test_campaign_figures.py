"""Every figure of the 15-person campaign in tree15.py, computed by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.campaigns.figures import campaign_figures
from core.campaigns.funnel import funnel
from core.campaigns.people import descendants, leaderboard, top_connectors
from core.campaigns.waves import build_tree
from tests.core.campaigns.tree15 import AS_OF, COSTS, at, edges, facts


@pytest.fixture
def tree():
    return build_tree(edges())


@pytest.fixture
def figures(tree):
    return campaign_figures(tree, facts(), COSTS, AS_OF)


def test_waves(tree):
    assert tree.waves == [[1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11], [12, 13, 14], [15]]
    assert tree.parent[9] == 4  # 4 brought 9 @40, before 6 claimed it @45
    assert tree.duplicates == 1
    assert 16 not in tree.parent  # its only edge is rejected
    assert tree.cycles == [] and tree.unreached == []


def test_k_per_wave_and_overall(figures):
    assert figures.participants == 15
    assert figures.seeds == 3
    assert figures.invitees == 12
    assert figures.members_per_depth == [3, 4, 4, 3, 1]
    # K per wave = next wave / this wave: 4/3, 4/4, 3/4, 1/3; the deepest (15) has no next
    # wave yet: no K, not 0.
    assert [(w.participants, w.brought) for w in figures.waves] == [
        (3, 4), (4, 4), (4, 3), (3, 1), (1, 0)
    ]  # fmt: skip
    assert [w.k for w in figures.waves[:4]] == pytest.approx([4 / 3, 1, 0.75, 1 / 3])
    assert figures.waves[4].k is None and figures.waves[4].deepest
    assert [w.measured for w in figures.waves] == [3, 4, 4, 3, 0]
    assert figures.inviting == 0 and figures.invite_window_hours == 48  # 2 × g, g = 24 h
    # Harris: (4 + 4 + 3 + 1) / (3 + 4 + 4 + 3) = 12 / 14.
    assert figures.k == pytest.approx(6 / 7)
    # Amplification K / (1 − K) = (6/7) / (1/7) = 6 newcomers per seed in the end.
    assert figures.amplification == pytest.approx(6)
    assert not figures.self_sustaining


def test_k_of_a_running_campaign_leaves_out_who_is_still_inviting():
    # At hour 100 (14 has just joined). Generation time g: the median of the hours from each
    # inviter's joining to each invitee's, 10 10 18 20 24 24 24 30 30 40 50 50 → 24; the
    # window is 2g = 48 h, so only who joined by hour 52 has had it: not 10 (@80), 13 (@60),
    # 14 (@100), 15 (@62).
    as_of = at(100)
    tree = build_tree(e for e in edges() if e.joined_at <= as_of)
    figures = campaign_figures(tree, facts(), COSTS, as_of)
    assert figures.invite_window_hours == 48
    waves = [(w.k, w.measured) for w in figures.waves]
    # wave 0: 1 2 3 brought 4 5 6 7 → 4/3; wave 1: 4 5 6 7 brought 8 9 10 11 → 4/4;
    # wave 2: 8 9 11 (not 10) brought 12 13 → 2/3; wave 3: 12 (not 13 14) brought 15 → 1/1;
    # wave 4: the deepest.
    assert waves[:4] == [
        (pytest.approx(4 / 3), 3), (1, 4), (pytest.approx(2 / 3), 3), (1, 1)
    ]  # fmt: skip
    assert waves[4] == (None, 0)
    # Overall over the same participants: (4 + 4 + 2 + 1) / (3 + 4 + 3 + 1); the plain
    # Harris K, 12 / 14, would count 10, 13 and 14's invites before they have had time.
    assert figures.k == pytest.approx(1)
    assert figures.inviting == 3
    assert "3 位参与者入群不到 48 小时，还在邀请期，暂不计入 K" in figures.notes


def test_k_when_the_campaign_ended_early_counts_only_who_had_the_window_before_the_end():
    # Ended at hour 60: only who joined by hour 12 had 48 h before the end: 1 2 3 4.
    figures = campaign_figures(build_tree(edges()), facts(), COSTS, AS_OF, ends_at=at(60))
    # wave 0: 4/3; wave 1: only 4, who brought 8 and 9 → 2; waves 2 and 3: nobody had it.
    assert [(w.k, w.measured) for w in figures.waves] == [
        (pytest.approx(4 / 3), 3), (2, 1), (None, 0), (None, 0), (None, 0)
    ]  # fmt: skip
    assert figures.k == pytest.approx((4 + 2) / (3 + 1))
    assert figures.inviting == 10
    assert "10 位参与者入群时离活动结束已不到 48 小时（邀请期未满），不计入 K" in figures.notes


def test_fission_and_share_rate(figures):
    # 裂变率 (15 − 3) / 15.
    assert figures.fission_rate == pytest.approx(0.8)
    # Shared: the counted inviters 1 2 4 5 7 8 10 12, 3 (a rejected invite), 6 (a duplicate
    # one) and 13 (a reported share) = 11 of 15; 20 shared nothing and is no participant.
    assert (figures.share_rate.count, figures.share_rate.of) == (11, 15)


def test_cycle_time(figures):
    # First counted invitee − own joining, hours: 1: 10−0, 2: 26−2, 4: 20−10, 5: 80−30,
    # 7: 50−26, 8: 44−20, 10: 100−80, 12: 62−44 → 10 24 10 50 24 24 20 18;
    # sorted 10 10 18 20 24 24 24 50, median (20 + 24) / 2.
    assert figures.cycle_time_hours == 22
    assert figures.cycle_time_of == 8


def test_retention(figures):
    # Days after joining. Days 7–13: 4 (8), 5 (13.9), 7 (7), 10 (10), 12 (9), 14 (12) = 6;
    # 8 (14) and 11 (6.9) fall outside. All 12 have had those days by day 40.
    assert (figures.active_after_7.count, figures.active_after_7.of) == (6, 12)
    # Week 4, days 21–27: 4 (22), 7 (21), 9 (27.5), 10 (25), 14 (22), 15 (23) = 6; 8 (28) not.
    assert (figures.retained.count, figures.retained.of) == (6, 12)
    # Days 30–36 end after day 40 for those who joined after hour 72 (10 @80, 14 @100): 10
    # measurable; active 4 (31), 9 (36.9), 12 (30) = 3.
    assert (figures.active_after_30.count, figures.active_after_30.of) == (3, 10)


def test_cost_and_roi(figures):
    assert figures.cost == Decimal(300)  # prizes 240 + other 60
    assert figures.cost_per_new == Decimal("25.00")  # 300 / 12 invitees
    assert figures.cost_per_retained == Decimal("50.00")  # 300 / 6 retained
    # Revenue of participants: 300 (seed 1) + 99 + 199 + 50 = 648; (648 − 300) / 300.
    assert figures.revenue == Decimal(648)
    assert figures.roi == pytest.approx(1.16)


def test_notes_name_the_duplicate(figures):
    assert [note.template for note in figures.notes] == [
        "{count} 条邀请关系的被邀请人已记在先到的邀请人名下，未重复计入"
    ]


def test_funnel(tree):
    stages = {stage.key: stage for stage in funnel(tree, facts(), AS_OF)}
    # Codes to 1 2 3 4 5 8, posters to 7 10 12 20.
    assert stages["reached"].count == 10
    assert stages["joined"].count == 12
    assert stages["joined"].of_previous == pytest.approx(1.2)
    # Within 72 h: 4 (1), 7 (2), 8 (70), 10 (5), 11 (72), 12 (3), 14 (10); not 5 (80), 15 (73).
    assert stages["activated"].count == 7
    assert (stages["retained"].count, stages["retained"].measurable) == (6, 12)
    assert stages["retained"].of_previous == pytest.approx(6 / 7)
    # A verified invite of their own: 4 (8, 9), 5 (10), 8 (12), 10 (14), 12 (15); not 7
    # (11 is pending).
    assert stages["referred"].count == 5
    # Newcomers who bought: 4, 9, 15 → 99 + 199 + 50.
    assert stages["revenue"].count == 3
    assert stages["revenue"].amount == Decimal(348)
    assert [stage.key for stage in funnel(tree, facts(), AS_OF)] == [
        "reached", "joined", "activated", "retained", "referred", "revenue"
    ]  # fmt: skip


def test_descendants(tree):
    below = descendants(tree)
    assert below[1] == 10  # 4 5 6 8 9 10 12 13 14 15
    assert below[4] == 5  # 8 9 12 13 15
    assert below[8] == 3 and below[2] == 2 and below[5] == 2 and below[15] == 0


def test_top_connectors(tree):
    # Brought (converted + later waves): 1: 3+7, 4: 2+3, 8: 2+1, 2: 1+1, 5: 1+1, 7 12 10: 1+0.
    # Ties go to more converted, then who got there first: 2 (@26) before 5 (@80);
    # 7 (@50), 12 (@62), 10 (@100).
    connectors = top_connectors(tree, top=10)
    assert [(c.member_id, c.converted, c.descendants) for c in connectors] == [
        (1, 3, 7), (4, 2, 3), (8, 2, 1), (2, 1, 1), (5, 1, 1), (7, 1, 0), (12, 1, 0), (10, 1, 0)
    ]  # fmt: skip
    assert connectors[0].reached_at == at(50) and connectors[0].wave == 0
    assert [c.member_id for c in top_connectors(tree, top=3)] == [1, 4, 8]


def test_leaderboard_ties_go_to_who_got_there_first(tree):
    # 1: 3; 4: 2 (@40) before 8: 2 (@60); then 1 each: 2 @26, 7 @50, 12 @62, 5 @80, 10 @100.
    board = leaderboard(tree)
    assert [(s.rank, s.member_id, s.converted) for s in board] == [
        (1, 1, 3), (2, 4, 2), (3, 8, 2), (4, 2, 1), (5, 7, 1), (6, 12, 1), (7, 5, 1), (8, 10, 1)
    ]  # fmt: skip
    assert board[2].reached_at == at(60)
    # Verified only: 8 keeps 12 (@44) without pending 13; 7 has none (11 is pending).
    assert [(s.member_id, s.converted) for s in leaderboard(tree, verified_only=True)] == [
        (1, 3), (4, 2), (2, 1), (8, 1), (12, 1), (5, 1), (10, 1)
    ]  # fmt: skip
    assert [s.member_id for s in leaderboard(tree, top=2)] == [1, 4]


def test_funnel_of_a_running_campaign_has_no_share_of_nothing():
    # At hour 100 no newcomer has had week 4: retained is no figure (not 0 of 0) and says
    # why; 7's only invite (11) is pending, so 7 is not decided yet: referred is 5 of 11.
    as_of = at(100)
    tree = build_tree(e for e in edges() if e.joined_at <= as_of)
    stages = {stage.key: stage for stage in funnel(tree, facts(), as_of)}
    retained = stages["retained"]
    assert (retained.count, retained.measurable, retained.known) == (0, 0, False)
    assert retained.reason == "还没有新成员入群满 28 天" and retained.of_previous is None
    referred = stages["referred"]
    assert (referred.count, referred.measurable) == (5, 11)
    assert referred.reason == "1 位新成员的邀请还在待定期，是否有效尚未确定"
    assert referred.of_previous is None  # the stage before it is no figure
    figures = campaign_figures(tree, facts(), COSTS, as_of)
    assert (figures.retained.of, figures.retained.share) == (0, None)
    assert figures.cost_per_retained is None
