"""What the 活动 tab's review page and record dialog ask of core: the review board (held
rewards with names, history), how many rewards a blacklisting voids, the moderation mode saved
through the settings' validation, settling previewed without writing, invites recorded by hand
and a tool export previewed without writing (SQLite and PostgreSQL)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.campaigns.recording import code_in_text, record_manual, target_communities
from core.campaigns.reviewing import set_review_mode
from core.campaigns.settings import parse
from core.campaigns.tool_import import preview_tool_export
from core.common.errors import UserError
from core.workflows.campaign_review_board import blacklist_voids, preview_settle, review_board
from core.workflows.campaign_rewards import review, settle
from db.ledger_models import LedgerEntry
from db.referral_models import Campaign, CampaignToolTotal, ReferralEdge
from tests.core.campaigns.review_helpers import build_campaign

SAMPLE = Path(__file__).parent / "samples" / "linkwechat_群裂变明细.xlsx"


def count(session, table) -> int:
    return session.scalar(select(func.count()).select_from(table))


def test_the_board_lists_held_rewards_with_names_and_keeps_the_history(database):
    built = build_campaign(database)
    m = built.members
    with database.session(write=True) as session:
        board = review_board(session, built.campaign_id)
        assert board.mode == "hold_all" and board.review_days == 3
        assert [(h.member, h.related, h.overdue, h.flagged) for h in board.queue] == [
            ("李大嘴", "新人乙", True, False),
            ("张小凡", "新人甲", False, False),
            ("张小凡", "张小凡丫", False, True),
        ]
        assert blacklist_voids(session, built.campaign_id, m["张小凡"]) == 2
        review(session, str(built.campaign_id), "reject", key=board.queue[1].key, why="假号",
               who="店长")  # fmt: skip
        assert blacklist_voids(session, built.campaign_id, m["张小凡"]) == 1
        again = review_board(session, built.campaign_id)
        assert len(again.queue) == 2
        (line,) = again.history
        assert (line.record.who, line.record.action, line.record.why) == ("店长", "reject", "假号")
        assert line.member == "张小凡" and line.record.at is not None


def test_the_mode_goes_through_the_settings_validation(database):
    built = build_campaign(database)
    with database.session(write=True) as session:
        campaign = session.get(Campaign, built.campaign_id)
        with pytest.raises(UserError) as refused:
            set_review_mode(session, campaign, "never")
        assert "审核方式" in str(refused.value) and "\n" not in str(refused.value)
        assert parse(campaign.kind, campaign.settings).screening.mode == "hold_all"
        assert set_review_mode(session, campaign, "hold_flagged") == "hold_flagged"
    with database.session() as session:
        campaign = session.get(Campaign, built.campaign_id)
        screening = parse(campaign.kind, campaign.settings).screening
        assert (screening.mode, screening.review_days) == ("hold_flagged", 3)


def test_a_settle_preview_gives_the_real_counts_and_writes_nothing(database):
    built = build_campaign(database, {"inviter": {"points": 10}})
    with database.session(write=True) as session:
        preview = preview_settle(session, built.campaign_id)
        assert count(session, LedgerEntry) == 0
        assert preview.dry_run and preview.awarded == 2 and preview.awarded_points == 20
    with database.session(write=True) as session:
        done = settle(session, str(built.campaign_id))
        assert (done.awarded, done.awarded_points) == (2, 20)
        assert count(session, LedgerEntry) == 2


def test_an_invite_by_hand_follows_the_first_referrer_rule(database):
    built = build_campaign(database)
    m = built.members
    with database.session(write=True) as session:
        assert target_communities(session, built.campaign_id) == [(built.community_id, "跑步群")]
        clash = record_manual(session, str(built.campaign_id), m["李大嘴"], m["新人甲"])
        assert clash.outcome == "conflict" and clash.first_inviter_id == m["张小凡"]
        assert clash.community_id == built.community_id and clash.inviter == "李大嘴"
        with pytest.raises(UserError):
            record_manual(session, str(built.campaign_id), m["李大嘴"], m["李大嘴"])
        with pytest.raises(UserError, match="不是活动"):  # only a target community counts
            record_manual(
                session, str(built.campaign_id), m["李大嘴"], m["新人甲"], community_id=987654
            )
        edge = session.get(ReferralEdge, clash.edge_id)
        assert (edge.how, edge.status) == ("manual", "rejected")


def test_a_tool_export_preview_writes_nothing(database, tmp_path):
    built = build_campaign(database)
    path = tmp_path / SAMPLE.name
    shutil.copy(SAMPLE, path)
    with database.session(write=True) as session:
        preview = preview_tool_export(session, str(built.campaign_id), path)
        assert preview.rows == 20 and preview.added == 20
        assert count(session, CampaignToolTotal) == 0


@pytest.mark.parametrize(
    ("scanned", "template", "code"),
    [
        ("AB12CD3", "", "AB12CD3"),
        ("https://example.com/i/AB12CD3", "https://example.com/i/{邀请码}", "AB12CD3"),
        ("https://example.com/i/AB12CD3?from=qr", "https://example.com/i/{邀请码}?from={来源}",
         "AB12CD3"),
        ("https://other.cn/p?id=9&code=AB12CD3", "https://example.com/i/{邀请码}", "AB12CD3"),
        ("随便一段字", "", "随便一段字"),  # looked up as typed: refused there, in one line
    ],
)  # fmt: skip
def test_the_code_in_a_scanned_qr_code(scanned, template, code):
    assert code_in_text(scanned, template) == code


def test_a_draft_whose_rewards_are_not_set_yet_has_an_empty_board(database):
    """`campaigns create` leaves the settings to be filled in later: looking at its review page
    must not fail on them (a modal error each time the page is shown)."""
    from core.campaigns.records import CampaignFields, create_campaign

    with database.session(write=True) as session:
        campaign_id = create_campaign(session, CampaignFields(name="双十二老带新")).id
        board = review_board(session, campaign_id)
        assert (board.campaign_name, board.status) == ("双十二老带新", "draft")
        assert (board.mode, board.review_days) == ("hold_flagged", 3)
        assert board.queue == [] and board.history == []
