"""core/chat/insights.py on a small hand-built chat, on SQLite and PostgreSQL. Every figure
below is counted by hand from the messages in `chat()`.

Community A: 甲 speaks on two Mondays at 20:xx (3 messages), 乙 on one Wednesday at 08:xx
(2 messages, one day) and on two Fridays at 21:xx (2 messages), 丙 once on a day copied from
the Windows client (no time), the team account once on Monday at 20:00 (not a member's).
Community B: 丁 once on a Sunday at 09:00. Community C: members, no chat. Community D: only
Windows-copied text.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from sqlalchemy import event, insert

from core.chat.insights import (
    SendTime,
    answer_givers,
    best_send_times,
    chat_presence,
    heat_map,
    silent_members,
)
from db.bulk import insert_tuples
from db.chat_models import ChatMessage
from db.models import Membership
from tests.core.communities.builders import add_community, add_member, join

_refs = itertools.count()


def say(session, member, community, at, *, known=True, kind="text", quoted=None, question=None):
    session.execute(
        insert(ChatMessage).values(
            community_id=community, member_id=member, sent_at=at, kind=kind, length=3,
            source_ref=f"test:{next(_refs)}", time_known=known, quoted_member_id=quoted,
            quotes_question=question,
        )
    )  # fmt: skip


def chat(database):
    with database.session(write=True) as session:
        a, b, c, d = (add_community(session, name) for name in ("A 群", "B 群", "C 群", "D 群"))
        jia, yi, bing, ding = (add_member(session, n) for n in ("甲", "乙", "丙", "丁"))
        team = add_member(session, "客服", is_team=True)
        for member in (jia, yi, bing, team):
            join(session, member, a, datetime(2026, 11, 1, 10, 0))
        join(session, ding, b, datetime(2026, 11, 1, 10, 0))
        join(session, jia, c, datetime(2026, 11, 1, 10, 0))
        join(session, bing, d, datetime(2026, 11, 7, 15, 0))
        # 2026-11-02 is a Monday.
        say(session, jia, a, datetime(2026, 11, 2, 20, 10))
        say(session, jia, a, datetime(2026, 11, 9, 20, 30))
        say(session, jia, a, datetime(2026, 11, 9, 20, 45))
        say(session, yi, a, datetime(2026, 11, 4, 8, 0))
        say(session, yi, a, datetime(2026, 11, 4, 8, 30))
        say(session, yi, a, datetime(2026, 11, 6, 21, 0))
        say(session, yi, a, datetime(2026, 11, 13, 21, 5))
        say(session, bing, a, datetime(2026, 11, 7, 0, 0), known=False)
        say(session, team, a, datetime(2026, 11, 2, 20, 0))
        say(session, ding, b, datetime(2026, 11, 8, 9, 0))
        say(session, bing, d, datetime(2026, 11, 7, 0, 0), known=False)
        session.commit()
    return {"A": a, "B": b, "C": c, "D": d, "甲": jia, "乙": yi, "丙": bing, "丁": ding}


def cells(grid) -> dict[tuple[int, int], int]:
    return {
        (day, hour): count
        for day, row in enumerate(grid.counts)
        for hour, count in enumerate(row)
        if count
    }


def test_heat_map_counts_members_timed_messages(database):
    ids = chat(database)
    with database.session() as session:
        one = heat_map(session, ids["A"])
        both = heat_map(session, [ids["A"], ids["B"]])
        november_9_on = heat_map(session, ids["A"], since=datetime(2026, 11, 9))
        empty = heat_map(session, ids["C"])
    assert cells(one) == {(0, 20): 3, (2, 8): 2, (4, 21): 2}
    assert (one.total, one.untimed, one.peak) == (7, 1, 3)
    assert cells(both) == {(0, 20): 3, (2, 8): 2, (4, 21): 2, (6, 9): 1}
    assert cells(november_9_on) == {(0, 20): 2, (4, 21): 1}
    assert (empty.total, empty.untimed) == (0, 0)


def test_best_send_times_need_two_days_and_say_why_not(database):
    ids = chat(database)
    with database.session() as session:
        found = best_send_times(session, [ids[k] for k in "ABCD"])
        top_one = best_send_times(session, ids["A"], top=1)
        one_day_enough = best_send_times(session, ids["A"], min_points=1)
    a = found[ids["A"]]
    assert a.slots == (SendTime(0, 20, 3, 2), SendTime(4, 21, 2, 2)) and a.reason is None
    assert top_one[ids["A"]].slots == (SendTime(0, 20, 3, 2),)
    assert [(s.weekday, s.hour) for s in one_day_enough[ids["A"]].slots] == [
        (0, 20),
        (4, 21),
        (2, 8),
    ]  # fmt: skip  (2 messages each: more days first)
    assert found[ids["B"]].slots == () and "至少 2 天" in found[ids["B"]].reason
    assert found[ids["C"]].slots == () and "还没有导入群聊记录" in found[ids["C"]].reason
    assert found[ids["D"]].slots == () and "没有具体时间" in found[ids["D"]].reason


def test_first_message_after_joining_and_last_message(database):
    ids = chat(database)
    with database.session(write=True) as session:
        # 甲 spoke in A before a later re-count of the join: only what follows the join counts.
        say(session, ids["甲"], ids["A"], datetime(2026, 10, 30, 9, 0))
        session.commit()
    with database.session() as session:
        found = {
            (p.member_id, p.community_id): p
            for p in chat_presence(session, member_ids=[ids["甲"], ids["丙"]])
        }
        only_a = chat_presence(session, community_ids=ids["A"])
    jia_a = found[(ids["甲"], ids["A"])]
    assert jia_a.first_after_join == datetime(2026, 11, 2, 20, 10)
    assert jia_a.last_message_at == datetime(2026, 11, 9, 20, 45)
    assert jia_a.messages == 4
    assert jia_a.to_first_message == timedelta(days=1, hours=10, minutes=10)
    jia_c = found[(ids["甲"], ids["C"])]
    assert (jia_c.first_after_join, jia_c.last_message_at, jia_c.messages) == (None, None, 0)
    # 丙 joined D at 15:00 on the day the Windows copy gives (stored at midnight): counted.
    assert found[(ids["丙"], ids["D"])].first_after_join == datetime(2026, 11, 7, 0, 0)
    assert {p.community_id for p in only_a} == {ids["A"]} and len(only_a) == 4


def test_silent_for_30_days_only_with_history_and_still_in(database):
    ids = chat(database)
    now = datetime(2026, 12, 10, 12, 0)  # 30 days before: 2026-11-10 12:00
    with database.session(write=True) as session:
        session.query(Membership).filter_by(member_id=ids["丁"]).update(
            {"left_at": datetime(2026, 11, 20)}
        )
        session.commit()
    with database.session() as session:
        silent = silent_members(session, now=now)
        in_a = silent_members(session, ids["A"], now=now)
        longer = silent_members(session, ids["A"], days=60, now=now)
    # 甲 last spoke 11-09 20:45, 丙 11-07 (untimed still a day with a message); 乙 11-13 is
    # within 30 days; 丁 left B; 甲 never spoke in C; the team account is no member.
    assert [(s.member_id, s.community_id) for s in silent] == [
        (ids["丙"], ids["A"]), (ids["丙"], ids["D"]), (ids["甲"], ids["A"]),
    ]  # fmt: skip
    assert [s.member_id for s in in_a] == [ids["丙"], ids["甲"]]
    assert longer == []


def test_answer_givers_count_quotes_of_others_questions(database):
    ids = chat(database)
    a, jia, yi, bing = ids["A"], ids["甲"], ids["乙"], ids["丙"]
    at = datetime(2026, 11, 20, 20, 0)
    with database.session(write=True) as session:
        say(session, yi, a, at, kind="quote", quoted=jia, question=True)
        say(session, yi, a, at, kind="quote", quoted=bing, question=True)
        say(session, yi, a, at, kind="quote", quoted=jia, question=False)  # not a question
        say(session, bing, a, at, kind="quote", quoted=jia, question=True)
        say(session, bing, a, at, kind="quote", quoted=bing, question=True)  # own question
        say(session, jia, a, at, kind="quote", quoted=yi, question=None)  # format keeps no text
        say(session, jia, ids["C"], at, kind="quote", quoted=None, question=True)
        session.commit()
    with database.session() as session:
        everywhere = answer_givers(session)
        in_a = answer_givers(session, a)
        later = answer_givers(session, a, since=at + timedelta(seconds=1))
    assert [(x.member_id, x.community_id, x.answers) for x in in_a] == [(yi, a, 2), (bing, a, 1)]
    assert sorted((x.member_id, x.community_id) for x in everywhere) == sorted(
        [(yi, a), (bing, a), (jia, ids["C"])]
    )
    assert later == []


def test_every_figure_is_a_few_grouped_queries_whatever_the_number_of_messages(database):
    """Each figure is one to three grouped queries over 200 members and 20000 messages, not one
    per member or message (the speed itself is bench/chat_insights.py's: measured there
    against a bare read, not asserted in the suite)."""
    with database.session(write=True) as session:
        community = add_community(session, "大群")
        members = [add_member(session, f"成员{i}") for i in range(200)]
        for member in members:
            join(session, member, community, datetime(2025, 1, 1), events=False)
        start = datetime(2025, 1, 1, 7, 0)
        columns = (
            "community_id", "member_id", "sent_at", "kind", "length", "source_ref",
            "time_known", "quotes_question",
        )  # fmt: skip
        rows = [
            (
                community, members[i % 200], start + timedelta(minutes=7 * i), "text", 5,
                f"bulk:{i}", i % 50 != 0, (i % 50 == 1) or None,
            )
            for i in range(20_000)
        ]  # fmt: skip
        insert_tuples(session.connection(), ChatMessage.__table__, columns, rows)
        session.commit()
    with database.engine.begin() as connection:  # fresh statistics, as after autovacuum
        connection.exec_driver_sql("ANALYZE")

    def statements(work) -> int:
        executed = []

        def seen(*_args) -> None:
            executed.append(1)

        bind = session.get_bind()
        event.listen(bind, "before_cursor_execute", seen)
        try:
            work()
        finally:
            event.remove(bind, "before_cursor_execute", seen)
        return len(executed)

    with database.session() as session:
        counts = {
            name: statements(figure)
            for name, figure in (
                ("heat_map", lambda: heat_map(session, community)),
                ("best_send_times", lambda: best_send_times(session, [community])),
                ("chat_presence", lambda: chat_presence(session, community_ids=community)),
                ("silent_members", lambda: silent_members(session, community)),
                ("answer_givers", lambda: answer_givers(session, community)),
            )
        }
        assert heat_map(session, community).total == 19_600  # 1 in 50 has no time of day
    assert all(1 <= count <= 3 for count in counts.values()), counts
