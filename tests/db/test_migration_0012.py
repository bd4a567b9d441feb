"""Migration 0012 on a database built at 0011, on SQLite and PostgreSQL: a community and a
campaign stay, the calendar tables take their rows and refuse what their constraints forbid
(an unknown type or status, a sent item without its time, a second item for one SOP occurrence,
a rejection without a reason, an RRULE template with COUNT and UNTIL both, a skipped occurrence
that carries an edit, a send window that ends before it starts), and the way down and up again
works."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from alembic import command
from sqlalchemy import MetaData, text
from sqlalchemy.exc import IntegrityError

from db.engine import make_engine
from db.migrate import alembic_config, current_revision, head_revision
from tests.db.test_migration_0007 import insert

T = datetime(2026, 12, 1, 8, 0, 0)


@pytest.fixture
def old_url(database_url):
    engine = make_engine(database_url)
    command.upgrade(alembic_config(engine), "0011")
    with engine.begin() as connection:
        meta = MetaData()
        meta.reflect(connection)
        t = meta.tables
        community = insert(
            connection,
            t,
            "communities",
            name="烘焙1群",
            platform="wechat",
            member_cap=500,
            scan_cap=200,
            tags=[],
            created_on=date(2026, 1, 1),
            archived=False,
        )
        campaign = insert(
            connection,
            t,
            "campaigns",
            name="双12",
            kind="lottery",
            goal_kind="sales",
            status="draft",
            settings={},
            copy={},
            created_at=T,
            updated_at=T,
        )
    engine.dispose()
    return database_url, community, campaign


def _refused(engine, statement: str, values: dict) -> None:
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text(statement), values)


ITEM = (
    "INSERT INTO content_items (title, kind, body, planned_at, owner, status, promotional,"
    " notes, reviewer_notes, created_at, created_by, updated_at, campaign_id, sent_at, sent_by,"
    " sop_template_id, sop_occurrence)"
    " VALUES (:title, :kind, '', :t, '', :status, :promo, '', '', :t, '', :t, :campaign,"
    " :sent_at, :sent_by, :template, :occurrence)"
)
TEMPLATE = (
    "INSERT INTO sop_templates (id, name, sop_kind, mode, rrule, starts_at, end_count, end_on,"
    " anchor, title, content_kind, body, promotional, owner, notes, builtin, archived,"
    " created_at) VALUES (:id, :name, 'periodic', :mode, :rule, :t, :count, :until, :anchor,"
    " '早安', 'text', '', false, '', '', false, false, :t)"
)


def _item(**values) -> dict:
    return {
        "title": "早安",
        "kind": "text",
        "status": "draft",
        "promo": False,
        "campaign": None,
        "sent_at": None,
        "sent_by": None,
        "template": None,
        "occurrence": None,
        "t": T,
    } | values


def _template(**values) -> dict:
    return {
        "id": 1,
        "name": "早安",
        "mode": "recurring",
        "rule": "FREQ=DAILY",
        "count": None,
        "until": None,
        "anchor": None,
        "t": T,
    } | values


def test_calendar_tables_take_rows_and_keep_their_constraints(old_url):
    url, community, campaign = old_url
    engine = make_engine(url)
    try:
        command.upgrade(alembic_config(engine), "head")
        with engine.begin() as connection:
            assert connection.execute(text("SELECT name FROM campaigns")).scalar() == "双12"
            connection.execute(text(TEMPLATE), _template())
            connection.execute(
                text(TEMPLATE),
                _template(id=2, name="新客", mode="relative", rule=None, anchor="member_joined"),
            )
            connection.execute(text(ITEM), _item(template=1, occurrence=T))
            connection.execute(
                text(ITEM),
                _item(
                    title="抽奖",
                    kind="lottery",
                    status="sent",
                    promo=True,
                    campaign=campaign,
                    sent_at=T,
                    sent_by="小王",
                ),
            )
            connection.execute(
                text(
                    "INSERT INTO content_item_communities (item_id, community_id, sent_at,"
                    " sent_by) VALUES (2, :c, :t, '小王')"
                ),
                {"c": community, "t": T},
            )
            connection.execute(
                text(
                    "INSERT INTO content_item_history (item_id, at, who, action, from_status,"
                    " to_status, reason) VALUES (1, :t, '店长', 'rejected', 'pending_review',"
                    " 'draft', '图片不清楚')"
                ),
                {"t": T},
            )
            connection.execute(
                text(
                    "INSERT INTO sop_exceptions (template_id, occurrence, action, at, who)"
                    " VALUES (1, :t, 'skip', :t, '')"
                ),
                {"t": T},
            )
            connection.execute(
                text(
                    "INSERT INTO sop_steps (template_id, day, title, content_kind, body,"
                    " window_start, window_end) VALUES (2, 0, '欢迎', 'text', '', 540, 1260)"
                )
            )
        for statement, values in (
            (ITEM, _item(kind="podcast")),
            (ITEM, _item(status="published")),
            (ITEM, _item(title="")),
            (ITEM, _item(status="sent")),  # sent without when and by whom
            (ITEM, _item(sent_at=T, sent_by="x")),  # a draft that says it was sent
            (ITEM, _item(template=1, occurrence=T)),  # the same occurrence twice
            (ITEM, _item(template=1)),  # a template without its occurrence
            (
                "INSERT INTO content_item_history (item_id, at, who, action, reason)"
                " VALUES (1, :t, '店长', 'rejected', '')",
                {"t": T},
            ),
            (TEMPLATE, _template(id=3, name="两种结束", count=5, until=date(2027, 1, 1))),
            (TEMPLATE, _template(id=3, name="无规则", rule=None)),
            (TEMPLATE, _template(id=3, name="相对", mode="relative", anchor=None, rule=None)),
            (
                "INSERT INTO sop_exceptions (template_id, occurrence, action, planned_at, at, who)"
                " VALUES (1, :o, 'skip', :t, :t, '')",
                {"t": T, "o": datetime(2026, 12, 2, 8)},
            ),
            (
                "INSERT INTO sop_steps (template_id, day, title, content_kind, body,"
                " window_start, window_end) VALUES (2, 1, '引导', 'text', '', 900, 600)",
                {},
            ),
        ):
            _refused(engine, statement, values)
        command.downgrade(alembic_config(engine), "0011")
        with engine.begin() as connection:
            assert connection.execute(text("SELECT count(*) FROM campaigns")).scalar() == 1
        command.upgrade(alembic_config(engine), "head")
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
