"""db.bulk.insert_tuples: executemany on SQLite, COPY on PostgreSQL; the same rows either way."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from db.bulk import insert_tuples
from db.models import Member

COLUMNS = (
    "id",
    "nickname",
    "remark",
    "wechat_id",
    "gender",
    "birthday",
    "city",
    "source_channel",
    "notes",
    "custom_fields",
    "is_team",
    "search_pinyin",
    "search_initials",
    "phone_tail",
    "search_text",
    "created_at",
    "updated_at",
)
NOW = datetime(2026, 11, 23, 9, 30, 15, 123456)


def member_row(member_id: int, nickname: str, **values) -> tuple:
    row = {
        "id": member_id,
        "nickname": nickname,
        "remark": "",
        "wechat_id": None,
        "gender": "",
        "birthday": None,
        "city": "",
        "source_channel": "",
        "notes": "",
        "custom_fields": "{}",
        "is_team": False,
        "search_pinyin": "",
        "search_initials": "",
        "phone_tail": "",
        "search_text": nickname,
        "created_at": NOW,
        "updated_at": NOW,
    }
    row.update(values)
    return tuple(row[name] for name in COLUMNS)


def test_rows_come_back_as_written(database):
    rows = [
        member_row(
            1,
            "🌸花花\t=1+1",
            wechat_id="wx_a",
            gender="f",
            birthday=date(1990, 2, 28),
            notes='引号"和\\反斜杠\n换行',
            custom_fields='{"添加时间": "2024-03-05 09:37", "积分": "12"}',
            is_team=True,
        ),
        member_row(2, "Amy", created_at=datetime(2024, 1, 1)),
    ]
    with database.session() as session:
        assert insert_tuples(session.connection(), Member.__table__, COLUMNS, rows) == 2
    with database.session() as session:
        first, second = session.scalars(select(Member).order_by(Member.id)).all()
    assert (first.nickname, first.wechat_id, first.gender, first.birthday) == (
        "🌸花花\t=1+1",
        "wx_a",
        "f",
        date(1990, 2, 28),
    )
    assert first.notes == '引号"和\\反斜杠\n换行'
    assert first.custom_fields == {"添加时间": "2024-03-05 09:37", "积分": "12"}
    assert first.is_team is True and first.created_at == NOW
    assert (second.wechat_id, second.birthday, second.is_team) == (None, None, False)
    assert second.created_at == datetime(2024, 1, 1)


def test_a_constraint_error_is_sqlalchemys_and_the_transaction_rolls_back(database):
    with pytest.raises(IntegrityError), database.session() as session:
        connection = session.connection()
        insert_tuples(connection, Member.__table__, COLUMNS, [member_row(1, "甲")])
        insert_tuples(connection, Member.__table__, COLUMNS, [member_row(1, "乙")])
    with database.session() as session:
        assert session.scalars(select(Member)).all() == []
