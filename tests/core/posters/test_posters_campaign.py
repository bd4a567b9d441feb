"""海报裂变: a poster batch for a campaign gives each member their code in that campaign (issued
once, stored, the same on the next batch), its link in the QR and the campaign's name; the
code then finds the member and the campaign, and recording it links the invitee to them.
Real Pillow, real zxing-cpp, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from core.campaigns.live import campaign_live
from core.campaigns.recording import record_code
from core.campaigns.records import CampaignFields, create_campaign, set_status
from core.common.errors import UserError
from core.posters.bulk import load_recipients, render_recipients
from core.posters.members import poster_members
from core.referrals.invite_codes import save_link_template
from core.referrals.resolving import resolve_code
from core.workflows.campaign_posters import (
    campaign_recipients,
    poster_campaign,
    poster_campaigns,
)
from db.models import Member
from db.referral_models import InviteCode, ReferralEdge
from tests.core.posters.poster_helpers import LINK, qr_layer, template
from tests.core.tiers.helpers import community, member

NAMES = ("张小凡", "Lily", "王五")


def campaign_poster():
    return template(
        {"type": "text", "x": 20, "y": 20, "width": 560, "height": 60, "text": "{活动名}"},
        qr_layer(content="{邀请链接}"),
    )


def setup(session, *, kind="poster", status="running", name="春季海报裂变"):
    cid = community(session, "晨跑群")
    ids = [member(session, cid, nickname) for nickname in NAMES]
    campaign = create_campaign(session, CampaignFields(name, kind=kind, community_ids=[cid]))
    if status != "draft":
        set_status(session, str(campaign.id), "running")
    if status not in ("draft", "running"):
        set_status(session, str(campaign.id), status)
    save_link_template(session, LINK)
    return cid, ids, campaign.id


def campaign_codes(session, campaign_id):
    return dict(
        session.execute(
            select(InviteCode.member_id, InviteCode.value).where(
                InviteCode.campaign_id == campaign_id
            )
        ).all()
    )


def test_a_campaign_batch_issues_one_stored_code_per_member_and_reuses_them(database):
    with database.session(write=True) as session:
        cid, ids, campaign_id = setup(session)
        standing = {m.member_id: m.invite_code for m in poster_members(session, ids)}
        recipients, campaign = campaign_recipients(session, "春季海报裂变", community_id=cid)
        printed = {m.member_id: m.fields["邀请码"] for m in recipients.members}
        assert (recipients.campaign_id, campaign.id) == (campaign_id, campaign_id)
        assert sorted(printed) == sorted(ids)
        assert campaign_codes(session, campaign_id) == printed  # stored, one each
        assert not set(printed.values()) & set(standing.values())  # not the standing codes
        for m in recipients.members:
            assert m.fields["邀请链接"] == LINK.replace("{邀请码}", m.fields["邀请码"])
        origins = set(session.scalars(select(InviteCode.origin)))
        assert origins == {"campaign"}  # no standing codes stored for a campaign batch
    with database.session(write=True) as session:
        again, _ = campaign_recipients(session, str(campaign_id), community_id=cid)
        assert {m.member_id: m.fields["邀请码"] for m in again.members} == printed
        assert session.scalar(select(func.count()).select_from(InviteCode)) == 3


def test_the_qr_is_the_campaign_codes_link_which_finds_the_member_and_the_campaign(
    database, tmp_path
):
    with database.session(write=True) as session:
        cid, ids, campaign_id = setup(session)
        recipients, campaign = campaign_recipients(session, "春季海报裂变", community_id=cid)
        newcomer = member(session, cid, "新来的")
    result = render_recipients(
        campaign_poster(), recipients, tmp_path / "out", activity=campaign.name, jobs=1
    )
    assert len(result.written) == 3 and not result.failed
    by_member = {m.member_id: m for m in recipients.members}
    inviter = recipients.members[1]
    for poster in result.written:
        code = recipients.members[poster.index].fields["邀请码"]
        assert poster.name == f"{recipients.members[poster.index].fields['昵称']}_{code}.png"
        with Image.open(tmp_path / "out" / poster.name) as image:
            texts = [r.text for r in zxingcpp.read_barcodes(image.convert("L")) if r.valid]
        assert texts == [LINK.replace("{邀请码}", code)]
    with database.session(write=True) as session:
        code = inviter.fields["邀请码"]
        found = resolve_code(session, code)
        assert (found.member_id, found.origin) == (inviter.member_id, "campaign")
        assert (found.campaign_id, found.campaign_name) == (campaign_id, "春季海报裂变")
        recorded = record_code(session, "春季海报裂变", code, newcomer, source="scanned")
        assert (recorded.inviter_id, recorded.outcome) == (inviter.member_id, "added")
        edge = session.get(ReferralEdge, recorded.edge_id)
        assert (edge.inviter_id, edge.invitee_id, edge.campaign_id) == (
            inviter.member_id,
            newcomer,
            campaign_id,
        )
        assert edge.community_id == cid and by_member[edge.inviter_id].member_id in ids


def test_the_campaign_checklist_counts_the_codes_posters_issued(database):
    with database.session(write=True) as session:
        cid, _ids, campaign_id = setup(session, status="draft")

        def codes_item():
            live = campaign_live(session, campaign_id, now=datetime.now())
            return next(item for item in live.items if item.key == "codes")

        assert codes_item().state == "missing"
        campaign_recipients(session, str(campaign_id), community_id=cid)
        item = codes_item()
        assert item.state == "done" and "3" in str(item.reason)


def test_without_a_campaign_the_batch_is_as_before(database):
    with database.session(write=True) as session:
        cid, ids, _campaign_id = setup(session)
        before = [m.fields for m in poster_members(session, ids, community_id=cid)]
        recipients = load_recipients(session, community_id=cid)
        assert recipients.campaign_id is None
        assert [m.fields for m in recipients.members] == before
        assert set(session.scalars(select(InviteCode.origin))) == {"standing"}


def test_a_members_own_link_field_does_not_replace_the_campaign_link(database):
    with database.session(write=True) as session:
        _cid, ids, _campaign_id = setup(session)
        session.get(Member, ids[0]).custom_fields = {"邀请链接": "https://mine.example/me"}
        session.flush()
        recipients, _ = campaign_recipients(session, "春季海报裂变", member_ids=[ids[0]])
        (only,) = recipients.members
        assert only.fields["邀请链接"] == LINK.replace("{邀请码}", only.fields["邀请码"])


@pytest.mark.parametrize(
    ("kind", "status", "reason"),
    [
        ("lottery", "running", "不发邀请码"),
        ("poster", "ended", "只能为草稿或进行中的活动生成海报"),
        ("invite_code", "paused", "只能为草稿或进行中的活动生成海报"),
    ],
)
def test_a_campaign_posters_cannot_be_for_is_refused_and_nothing_issued(
    database, kind, status, reason
):
    with database.session(write=True) as session:
        cid, _ids, campaign_id = setup(session, kind=kind, status=status)
        with pytest.raises(UserError, match=reason):
            campaign_recipients(session, str(campaign_id), community_id=cid)
        assert campaign_codes(session, campaign_id) == {}
        assert poster_campaigns(session) == []


def test_an_unknown_campaign_is_refused(database):
    with database.session(write=True) as session:
        setup(session)
        with pytest.raises(UserError, match="没有编号或名称为「秋季」的活动"):
            poster_campaign(session, "秋季")


def test_the_campaigns_to_choose_from_poster_kind_first_running_before_drafts(database):
    with database.session(write=True) as session:
        cid = community(session, "晨跑群")

        def make(name, kind, running):
            campaign = create_campaign(
                session, CampaignFields(name, kind=kind, community_ids=[cid])
            )
            if running:
                set_status(session, str(campaign.id), "running")

        make("邀请码草稿", "invite_code", False)
        make("海报草稿", "poster", False)
        make("任务宝进行中", "task_ladder", True)
        make("海报进行中", "poster", True)
        make("抽奖", "lottery", True)
        ends = create_campaign(
            session,
            CampaignFields(
                "送礼", kind="gift", ends_at=datetime(2026, 5, 1, 20, 0), community_ids=[cid]
            ),
        )
        chosen = poster_campaigns(session)
        assert [c.name for c in chosen] == [
            "海报进行中",
            "海报草稿",
            "邀请码草稿",
            "任务宝进行中",
            "送礼",
        ]
        assert chosen[-1].id == ends.id and str(chosen[-1].deadline) == "2026-05-01"
        assert (chosen[0].kind_label, chosen[0].status_label) == ("海报裂变", "进行中")
