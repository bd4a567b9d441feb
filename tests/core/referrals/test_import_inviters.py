"""A member import that names inviters (WeCom's invitor) leaves referral edges from the
source member_import, through the command line as through the workflow; importing the same
file again adds no edge; the member's inviter is the one the edges give."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from core.common.database import open_database
from core.members.importing import plan_import
from core.referrals.edges import derived_inviters, source_names
from core.workflows.member_import import import_members
from db.models import Member
from db.referral_models import ReferralEdge
from tests.core.members.conftest import SAMPLES
from tests.main_process import run_main

WECOM_JSON = SAMPLES / "wecom_api_groupchat_get__2groups.json"


def edges(session) -> list[tuple[str, str, str, list[str]]]:
    names = dict(session.execute(select(Member.id, Member.nickname)).all())
    return sorted(
        (names[e.inviter_id], names[e.invitee_id], e.status, source_names(e.sources))
        for e in session.scalars(select(ReferralEdge))
    )


def test_the_wecom_invitor_becomes_an_edge_and_reimporting_adds_none(database):
    for _ in range(2):
        with database.session(write=True) as session:
            plan = plan_import(session, WECOM_JSON)
            recorded = import_members(session, plan).referrals  # as the CLI and the window do
            assert recorded.conflicts == []
    with database.session() as session:
        found = edges(session)
        assert ("张三(样例店长)", "🌸花花", "verified", ["member_import"]) in found
        assert ("李四(样例客服)", "小王", "verified", ["member_import"]) in found
        assert session.scalar(select(func.count()).select_from(ReferralEdge)) == len(found)
        members = {m.nickname: m for m in session.scalars(select(Member))}
        invited = [m.id for m in members.values() if m.inviter_id is not None]
        assert invited
        assert derived_inviters(session, invited) == {
            i: session.get(Member, i).inviter_id for i in invited
        }
        assert members["Amy李"].inviter_id is None


def test_the_import_command_records_the_edges(sqlite_url):
    run = run_main("import", str(WECOM_JSON), "--db", sqlite_url, "--json")
    assert run.returncode == 0, run.stderr
    json.loads(run.stdout)
    database = open_database(sqlite_url, daily_backup=False)
    try:
        with database.session() as session:
            assert ("李四(样例客服)", "小王", "verified", ["member_import"]) in edges(session)
    finally:
        database.close()
