"""The phase checklist: pure items from facts (a 集赞 rule in a 海报裂变 copy is flagged with the
compliance checker's own explanation, clean copy passes), and the same from a database."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.campaigns.checklist import DONE, MISSING, WARNING, Facts, Group, Stock, checklist
from core.campaigns.live import campaign_live
from core.campaigns.participants import campaign_participants, matching
from core.campaigns.records import (
    COPY_LABELS,
    CampaignFields,
    create_campaign,
    set_notes,
    set_status,
)
from core.members.search_keys import member_search_keys
from core.posters.compliance import check_copy
from core.referrals.edges import live_key
from db.models import Community, Member
from db.referral_models import InviteCode, ReferralEdge

LIKES = "集赞38个送帆布袋"
CLEAN = "欢迎分享给需要的朋友。新成员入群满 7 天，邀请人和新成员各得 50 积分。"


def facts(**changes) -> Facts:
    base = dict(
        status="draft",
        kind="poster",
        goal_kind="new_members",
        goal_target=300,
        budget_total_cents=100_000,
        copy={"poster": CLEAN},
        copy_labels=COPY_LABELS,
        codes=10,
        groups=(Group("一群", 100, 500, 200, True, True, 5),),
        expected_joins=80,
        expected_from="forecast",
    )
    base.update(changes)
    return Facts(**base)


def by_key(items):
    return {item.key: item for item in items}


def test_a_likes_rule_in_poster_copy_is_flagged_with_the_checkers_reason():
    items = by_key(checklist(facts(copy={"rules": LIKES, "poster": CLEAN})))
    flagged = items["copy:rules"]
    assert flagged.state == MISSING
    (found,) = check_copy(LIKES)
    assert found.rule == "collect_likes" and found.reason in flagged.reason
    assert "集" in flagged.reason
    assert items["copy:poster"].state == DONE


def test_a_clean_draft_passes_every_before_item():
    items = checklist(facts())
    assert {item.phase for item in items} == {"before"}
    assert all(item.state == DONE for item in items), [(i.key, i.reason) for i in items]


def test_missing_goal_empty_stock_expired_qr_and_too_little_room():
    items = by_key(
        checklist(
            facts(
                goal_target=None,
                stocks=(Stock("帆布袋", 0), Stock("书签", None)),
                groups=(Group("一群", 450, 500, 200, True, True, 0),),
                expected_joins=80,
            )
        )
    )
    assert items["goal_budget"].state == MISSING and "目标" in items["goal_budget"].reason
    assert items["stock"].state == MISSING and "帆布袋" in items["stock"].reason
    # past the scan-in cap nobody scans the code: its expiry does not matter
    assert items["qr"].state == DONE
    assert items["capacity"].state == MISSING and "50" in items["capacity"].reason


def test_group_checks_are_done_once_ended_and_missing_without_target_groups():
    ended = by_key(checklist(facts(status="ended", groups=())))
    assert (ended["qr"].state, ended["capacity"].state) == (DONE, DONE)
    assert "活动已结束" in ended["qr"].reason and "活动已结束" in ended["capacity"].reason
    none = by_key(checklist(facts(groups=())))
    assert (none["qr"].state, none["capacity"].state) == (MISSING, MISSING)
    assert none["qr"].reason == none["capacity"].reason == "还没有选择目标群"


def test_phases_follow_the_status_and_the_review_reads_goal_roi_and_notes():
    items = by_key(checklist(facts(status="ended", actual=150, roi=-0.2, notes="")))
    assert {"near_caps", "goal", "roi", "notes"} <= set(items)
    assert items["goal"].state == WARNING and "50%" in items["goal"].reason
    assert items["roi"].state == WARNING
    assert items["notes"].state == MISSING
    done = by_key(checklist(facts(status="reviewed", actual=300, roi=1.5, notes="下次早点开群")))
    assert (done["goal"].state, done["roi"].state, done["notes"].state) == (DONE, DONE, DONE)


LADDER = {
    "stages": [
        {"invites": 3, "gift": {"points": 30}},
        {"invites": 6, "gift": {"points": 80}},
    ],
    "rules": {"new_members_only": False},
}


def ladder(session, copy=None):
    """A running 任务宝: member 1 brought 2 (one verified), member 4 holds a code only."""
    start = datetime(2026, 5, 1)
    session.add_all(
        Member(id=n, nickname=name, search_text=member_search_keys(name).text)
        for n, name in ((1, "张小凡"), (2, "b"), (3, "c"), (4, "李四"))
    )
    group = Community(name="读书会", member_cap=500)
    session.add(group)
    session.flush()
    campaign = create_campaign(
        session,
        CampaignFields(
            "五月任务宝",
            kind="task_ladder",
            goal_target=10,
            budget_total_cents=10_000,
            starts_at=start,
            ends_at=start + timedelta(days=20),
            community_ids=[group.id],
            settings=LADDER,
            copy=copy or {"rules": LIKES},
        ),
    )
    set_status(session, str(campaign.id), "running")
    for member in (1, 4):
        session.add(InviteCode(value=f"CODE{member}", member_id=member, campaign_id=campaign.id,
                               issued_at=start, origin="campaign"))  # fmt: skip
    for invitee, status in ((2, "verified"), (3, "pending")):
        session.add(
            ReferralEdge(
                inviter_id=1, invitee_id=invitee, campaign_id=campaign.id,
                community_id=group.id, occurred_at=start + timedelta(hours=invitee), how="code",
                sources=1, status=status, live_key=live_key(invitee, campaign.id, group.id),
            )
        )  # fmt: skip
    session.flush()
    return campaign.id


def test_live_counts_and_checklist_from_the_database(database):
    with database.session() as session:
        campaign_id = ladder(session)
        live = campaign_live(session, campaign_id, now=datetime(2026, 5, 3))
        assert (live.participants, live.new_members, live.days_left) == (4, 2, 18)
        items = by_key(live.items)
        assert items["copy:rules"].state == MISSING
        assert items["codes"].state == DONE
        assert items["qr"].state == MISSING  # 读书会 has no QR code yet
        assert "near_caps" in items and "notes" not in items
        set_notes(session, campaign_id, "复盘：二维码要早点换")
        assert campaign_live(session, campaign_id, now=datetime(2026, 5, 3)).notes.startswith(
            "复盘"
        )


def test_participants_show_how_many_more_invites_the_next_stage_needs(database):
    with database.session() as session:
        campaign_id = ladder(session)
        rows = {
            r.member_id: r
            for r in campaign_participants(session, campaign_id, datetime(2026, 5, 3))
        }
        assert (rows[1].converted, rows[1].pending, rows[1].next_stage, rows[1].missing) == (
            2,
            1,
            3,
            1,
        )
        assert (rows[4].converted, rows[4].missing) == (0, 3)
        assert [r.member_id for r in matching(list(rows.values()), "zxf")] == [1]


def test_the_overview_reads_the_campaigns_inputs_once(database, monkeypatch):
    """The 概况's report and forecast share one read of the inputs (it read them twice)."""
    from core.campaigns import report

    reads = []
    real = report.read_inputs
    monkeypatch.setattr(report, "read_inputs", lambda *a, **k: reads.append(a) or real(*a, **k))
    with database.session() as session:
        campaign_id = ladder(session)
        live = campaign_live(session, campaign_id, now=datetime(2026, 5, 3))
    assert len(reads) == 1
    assert live.participants == 4 and by_key(live.items)["near_caps"].state == DONE
