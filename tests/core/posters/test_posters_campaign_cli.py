"""`posters render --campaign C` as a subprocess: each poster carries the member's code in the
campaign (the same on a second run), its QR decodes to that code, `referrals resolve` names the
member and the campaign; a campaign posters cannot be for is refused and nothing is written."""

from __future__ import annotations

import json
from datetime import datetime

from PIL import Image
from sqlalchemy import select

from core.campaigns.records import CampaignFields, create_campaign, set_status
from core.common.database import open_database
from db.referral_models import InviteCode
from tests.core.posters import test_posters_cli as base
from tests.core.posters.test_posters_cli import SMALL, decoded
from tests.main_process import run_main

cli_db = base.cli_db  # the posters CLI tests' fixture


def add_campaign(url: str, name: str, kind: str = "poster", status: str = "running") -> int:
    database = open_database(url, daily_backup=False)
    try:
        with database.session() as session:
            campaign = create_campaign(
                session, CampaignFields(name, kind=kind, ends_at=datetime(2026, 4, 30))
            )
            if status != "draft":
                set_status(session, str(campaign.id), "running")
            if status not in ("draft", "running"):
                set_status(session, str(campaign.id), status)
            return campaign.id
    finally:
        database.close()


def stored_codes(url: str, campaign_id: int) -> dict[int, str]:
    database = open_database(url, daily_backup=False)
    try:
        with database.session() as session:
            return dict(
                session.execute(
                    select(InviteCode.member_id, InviteCode.value).where(
                        InviteCode.campaign_id == campaign_id
                    )
                ).all()
            )
    finally:
        database.close()


def render(url, out, *extra):
    return run_main(
        "--db", url, "posters", "render", "--template", SMALL, "--community", "晨跑群",
        "--out", str(out), "--jobs", "1", *extra,
    )  # fmt: skip


def test_render_for_a_campaign_prints_each_members_campaign_code(cli_db, tmp_path):
    campaign_id = add_campaign(cli_db, "春日海报裂变")
    result = render(cli_db, tmp_path / "a", "--campaign", "春日海报裂变", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["campaign"] == {"id": campaign_id, "name": "春日海报裂变"}
    codes = stored_codes(cli_db, campaign_id)
    assert {f["member_id"]: f["invite_code"] for f in data["files"]} == codes
    assert len(codes) == 3  # the team member gets no poster and no code
    # {活动名} and {截止日期} default to the campaign's name and end: no field is missing.
    assert not any("缺少字段" in w for f in data["files"] for w in f["warnings"])
    lily = next(f for f in data["files"] if f["nickname"] == "Lily")
    assert lily["file"] == f"Lily_{lily['invite_code']}.png"
    with Image.open(tmp_path / "a" / lily["file"]) as image:
        assert decoded(image) == [lily["invite_code"]]  # no link format: the bare code

    again = render(cli_db, tmp_path / "b", "--campaign", str(campaign_id), "--json")
    assert again.returncode == 0, again.stderr
    second = json.loads(again.stdout)
    assert {f["member_id"]: f["invite_code"] for f in second["files"]} == codes
    assert stored_codes(cli_db, campaign_id) == codes

    resolved = run_main("--db", cli_db, "referrals", "resolve", lily["invite_code"], "--json")
    assert resolved.returncode == 0, resolved.stderr
    found = json.loads(resolved.stdout)
    assert (found["member_id"], found["nickname"]) == (lily["member_id"], "Lily")
    assert (found["campaign_id"], found["campaign_name"]) == (campaign_id, "春日海报裂变")


def test_the_human_summary_names_the_campaign(cli_db, tmp_path):
    add_campaign(cli_db, "春日海报裂变")
    result = render(cli_db, tmp_path / "a", "--campaign", "春日海报裂变")
    assert result.returncode == 0, result.stderr
    assert "活动「春日海报裂变」的邀请码" in result.stdout


def test_a_campaign_posters_cannot_be_for_is_refused_and_nothing_is_written(cli_db, tmp_path):
    ended = add_campaign(cli_db, "冬季抽奖", kind="lottery")
    for campaign, reason in (("冬季抽奖", "不发邀请码"), ("没有这个活动", "没有编号或名称为")):
        result = render(cli_db, tmp_path / "out", "--campaign", campaign)
        assert result.returncode == 1
        assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1
        assert reason in result.stderr
        assert not (tmp_path / "out").exists()
    assert stored_codes(cli_db, ended) == {}
