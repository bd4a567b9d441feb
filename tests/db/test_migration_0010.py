"""Migration 0010 on a database built at 0009, on SQLite and PostgreSQL: a campaign and its
members stay, the new fact tables take their rows and refuse what their constraints forbid
(a second help by the same helper, a self-help, a member in two teams, a draw number used
twice, a coupon redeemed before it was issued, handed out half-way or added twice),
and the way down and up again works."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import MetaData, text
from sqlalchemy.exc import IntegrityError

from db.engine import make_engine
from db.migrate import alembic_config, current_revision, head_revision
from tests.db.test_migration_0007 import insert

T = datetime(2026, 11, 5, 10, 0, 0)


@pytest.fixture
def old_url(database_url):
    engine = make_engine(database_url)
    command.upgrade(alembic_config(engine), "0009")
    with engine.begin() as connection:
        meta = MetaData()
        meta.reflect(connection)
        t = meta.tables
        members = [
            insert(connection, t, "members", nickname=name, created_at=T)
            for name in ("张三", "李四", "王五")
        ]
        campaign = insert(
            connection,
            t,
            "campaigns",
            name="春季助力",
            kind="help",
            goal_kind="new_members",
            status="running",
            settings={},
            copy={},
            created_at=T,
            updated_at=T,
        )
    engine.dispose()
    return database_url, campaign, members


def _refused(engine, statement: str, values: dict) -> None:
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text(statement), values)


def test_fact_tables_take_rows_and_keep_their_constraints(old_url):
    url, campaign, (a, b, c) = old_url
    engine = make_engine(url)
    v = {"c": campaign, "a": a, "b": b, "m": c, "t": T, "later": T + timedelta(hours=1)}
    try:
        command.upgrade(alembic_config(engine), "head")
        with engine.begin() as connection:
            assert connection.execute(text("SELECT name FROM campaigns")).scalar() == "春季助力"
            for statement in (
                "INSERT INTO campaign_helps (campaign_id, target_id, helper_id, at, recorded_at)"
                " VALUES (:c, :a, :b, :t, :t)",
                "INSERT INTO campaign_cuts (campaign_id, target_id, helper_id, at, cut_cents,"
                " price_after_cents, recorded_at) VALUES (:c, :a, :b, :t, 300, 700, :t)",
                "INSERT INTO campaign_teams (id, campaign_id, leader_id, opened_at)"
                " VALUES (1, :c, :a, :t)",
                "INSERT INTO campaign_team_members (team_id, campaign_id, member_id, joined_at)"
                " VALUES (1, :c, :a, :t)",
                "INSERT INTO campaign_draws (campaign_id, number, member_id, member_number, at,"
                " seed, algorithm, won) VALUES (:c, 1, :a, 1, :t, '42', 'mt19937-v1', '')",
                "INSERT INTO campaign_coupons (campaign_id, code, origin, added_at, reward_key,"
                " member_id, issued_at, redeemed_at)"
                " VALUES (:c, 'SAVE10', 'imported', :t, 'campaign:1:x', :a, :t, :later)",
                "INSERT INTO campaign_swap_offers (id, campaign_id, member_id, category, item, at)"
                " VALUES (1, :c, :a, '书', '三体', :t)",
                "INSERT INTO campaign_swap_wants (id, campaign_id, member_id, category, at)"
                " VALUES (1, :c, :b, '书', :t)",
                "INSERT INTO campaign_swaps (campaign_id, offer_id, want_id, matched_at, done_at)"
                " VALUES (:c, 1, 1, :t, :later)",
            ):
                connection.execute(text(statement), v)
        for statement in (
            # the helper helped already in this campaign (another target)
            "INSERT INTO campaign_helps (campaign_id, target_id, helper_id, at, recorded_at)"
            " VALUES (:c, :m, :b, :t, :t)",
            "INSERT INTO campaign_helps (campaign_id, target_id, helper_id, at, recorded_at)"
            " VALUES (:c, :m, :m, :t, :t)",
            "INSERT INTO campaign_cuts (campaign_id, target_id, helper_id, at, cut_cents,"
            " price_after_cents, recorded_at) VALUES (:c, :a, :m, :t, 0, 700, :t)",
            "INSERT INTO campaign_teams (id, campaign_id, leader_id, opened_at)"
            " VALUES (2, :c, :a, :t)",
            "INSERT INTO campaign_draws (campaign_id, number, member_id, member_number, at, seed,"
            " algorithm, won) VALUES (:c, 1, :b, 1, :t, '42', 'mt19937-v1', '')",
            "INSERT INTO campaign_draws (campaign_id, number, member_id, member_number, at, seed,"
            " algorithm, won) VALUES (:c, 2, :a, 1, :t, '42', 'mt19937-v1', '')",
            "INSERT INTO campaign_coupons (campaign_id, code, origin, added_at, redeemed_at)"
            " VALUES (:c, 'NEW1', 'generated', :t, :t)",
            "INSERT INTO campaign_coupons (campaign_id, code, origin, added_at, member_id)"
            " VALUES (:c, 'NEW2', 'generated', :t, :a)",
            "INSERT INTO campaign_coupons (campaign_id, code, origin, added_at)"
            " VALUES (:c, 'SAVE10', 'generated', :t)",
            "INSERT INTO campaign_coupons (campaign_id, code, origin, added_at)"
            " VALUES (:c, 'NEW3', 'found', :t)",
        ):
            _refused(engine, statement, v)
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO campaign_teams (id, campaign_id, leader_id, opened_at)"
                    " VALUES (3, :c, :b, :t)"
                ),
                v,
            )
        _refused(  # a member in two teams of the campaign
            engine,
            "INSERT INTO campaign_team_members (team_id, campaign_id, member_id, joined_at)"
            " VALUES (3, :c, :a, :t)",
            v,
        )
        command.downgrade(alembic_config(engine), "0009")
        with engine.begin() as connection:
            assert connection.execute(text("SELECT count(*) FROM campaigns")).scalar() == 1
        command.upgrade(alembic_config(engine), "head")
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
