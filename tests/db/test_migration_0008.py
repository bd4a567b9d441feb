"""Migration 0008 on a database built at 0007, on SQLite and PostgreSQL: members' custom
邀请码 become stored imported codes (a shared one stays with the first member, an impossible
one is left out), each inviter becomes a verified edge from the member import so the derived
inviter is unchanged, a derived standing code still resolves, and the way down and up again
works."""

from __future__ import annotations

from datetime import datetime

import pytest
from alembic import command
from sqlalchemy import MetaData, inspect, select

from core.common.database import open_database
from db.engine import make_engine
from db.migrate import alembic_config, current_revision, head_revision
from tests.db.test_migration_0007 import insert

T = datetime(2026, 1, 5, 10, 0, 0)


@pytest.fixture
def old_url(database_url):
    engine = make_engine(database_url)
    command.upgrade(alembic_config(engine), "0007")
    ids = {}
    with engine.begin() as connection:
        meta = MetaData()
        meta.reflect(connection)
        t = meta.tables
        for key, name, custom in (
            ("zhang", "张三", {}),
            ("li", "李四", {"邀请码": "shop-88"}),
            ("wang", "王五", {"邀请码": "SHOP88"}),  # the same code as 李四's, typed otherwise
            ("zhao", "赵六", {"邀请码": "😀 not a code"}),
            ("qian", "钱七", {"邀请码": "  "}),
        ):
            ids[key] = insert(
                connection, t, "members", nickname=name, custom_fields=custom, created_at=T
            )
        for invitee, inviter in (("li", "zhang"), ("wang", "zhang"), ("zhao", "li")):
            connection.execute(
                t["members"].update().where(t["members"].c.id == ids[invitee]),
                {"inviter_id": ids[inviter]},
            )
    engine.dispose()
    return database_url, ids


def test_codes_and_inviters_move_in(old_url):
    from core.referrals.edges import derived_inviters, source_names
    from core.referrals.invite_codes import derive_invite_code, invite_key
    from core.referrals.resolving import resolve_code
    from db.models import Member
    from db.referral_models import InviteCode, ReferralEdge

    url, ids = old_url
    database = open_database(url, daily_backup=False)
    try:
        assert current_revision(database.engine) == head_revision()
        with database.session() as session:
            codes = {(c.value, c.member_id, c.origin) for c in session.scalars(select(InviteCode))}
            assert codes == {("SHOP88", ids["li"], "imported")}
            assert resolve_code(session, "Shop 88").member_id == ids["li"]
            edges = session.scalars(select(ReferralEdge).order_by(ReferralEdge.invitee_id)).all()
            assert [(e.inviter_id, e.invitee_id) for e in edges] == [
                (ids["zhang"], ids["li"]),
                (ids["zhang"], ids["wang"]),
                (ids["li"], ids["zhao"]),
            ]
            assert {(e.status, e.how, e.campaign_id, e.occurred_at) for e in edges} == {
                ("verified", "direct_invite", None, T)
            }
            assert all(source_names(e.sources) == ["member_import"] for e in edges)
            members = [ids[k] for k in ("zhang", "li", "wang", "zhao", "qian")]
            assert derived_inviters(session, members) == {
                m: session.get(Member, m).inviter_id for m in members
            }
        with database.session(write=True) as session:
            code = derive_invite_code(ids["zhang"], invite_key(session))
            assert resolve_code(session, code).member_id == ids["zhang"]
    finally:
        database.close()


def test_downgrade_and_upgrade_again(old_url):
    url, _ = old_url
    open_database(url, daily_backup=False).close()
    engine = make_engine(url)
    try:
        command.downgrade(alembic_config(engine), "0007")
        assert current_revision(engine) == "0007"
        tables = set(inspect(engine).get_table_names())
        assert not tables & {"campaigns", "invite_codes", "referral_edges", "campaign_communities"}
        command.upgrade(alembic_config(engine), "head")
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
