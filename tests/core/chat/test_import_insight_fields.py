"""What the import keeps for the insights, on SQLite and PostgreSQL: a message's time of day is
known except in text copied from the Windows client (the day only), and a quote says whether
it quoted a question where the format keeps the quoted text (PyWxDump: 2 of its 8 quotes)."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select

from core.chat.questions import is_question
from db.chat_models import ChatMessage
from db.models import Member
from tests.core.chat import chat_helpers as h
from tests.core.chat.test_import import run


def test_windows_copied_text_has_no_time_of_day(database):
    run(database, h.COPY_WINDOWS, community=None, day=date(2025, 3, 20))
    run(database, h.WECHATMSG)
    with database.session() as session:
        known = Counter(
            (at.date() == date(2025, 3, 20) and at.hour == 0, time_known)
            for at, time_known in session.execute(
                select(ChatMessage.sent_at, ChatMessage.time_known)
            )
        )
    copy = h.truth()["copy_txt"]["messages"]
    assert known[(True, False)] == copy
    assert known[(False, True)] == h.truth()["group1"]["sent_messages"]
    assert set(known) == {(True, False), (False, True)}


def test_quotes_of_questions_are_marked_where_the_quote_is_kept(database):
    run(database, h.PYWXDUMP_DIR, answers={"小雨": "wxid_sample0201"})
    run(database, h.WECHATMSG)  # its CSV keeps no quoted text: unknown, never guessed
    with database.session() as session:
        rows = session.execute(
            select(Member.wxid, ChatMessage.quotes_question, ChatMessage.kind).join(
                Member, Member.id == ChatMessage.member_id
            )
        ).all()
    pywxdump = [(wxid, q) for wxid, q, kind in rows if kind == "quote" and q is not None]
    assert sorted(wxid for wxid, q in pywxdump if q) == ["wxid_sample0005", "wxid_sample0011"]
    assert len([1 for _, q in pywxdump if not q]) == 6
    assert all(q is None for _, q, kind in rows if kind != "quote")
    assert sum(1 for _, q, kind in rows if kind == "quote" and q is None) == 12  # WeChatMsg's


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("请问戚风为什么总是回缩？", True),
        ("几点开门?", True),
        ("明天还有吗", True),
        ("这个怎么用", True),
        ("如何报名", True),
        ("照常送，稍晚一点", False),
        ("刚提货，太香了", False),
        ("", None),
        (None, None),
    ],
)
def test_what_reads_as_a_question(text, asks):
    assert is_question(text) is asks
