"""in_session: a core step run by run_task in one session — its arguments given when the work
is made, progress and cancel handed through, what it wrote committed when it ends."""

from __future__ import annotations

from sqlalchemy import select

from db.models import Community
from ui.common.session_work import in_session
from ui.common.tasks import run_task


def name_them(session, prefix, *, names, progress, cancelled):
    for done, name in enumerate(names, 1):
        if cancelled():
            break
        session.add(Community(name=f"{prefix}{name}", platform="wechat"))
        progress(done, len(names))
    session.flush()
    return sorted(session.scalars(select(Community.name)))


def test_the_step_gets_the_session_its_arguments_and_progress(app, sqlite_database):
    work = in_session(sqlite_database, name_them, "读书会", names=["1群", "2群"])
    reported = []
    assert work(lambda done, total: reported.append((done, total)), lambda: False) == [
        "读书会1群",
        "读书会2群",
    ]
    assert reported == [(1, 2), (2, 2)]
    stopped = in_session(sqlite_database, name_them, "跑步", names=["1群"])
    assert stopped(lambda *_: None, lambda: True) == ["读书会1群", "读书会2群"]


def test_through_run_task_a_write_session_commits(app, qtbot, sqlite_database):
    results = []
    run_task(
        None,
        in_session(sqlite_database, name_them, "跑步", names=["1群", "2群"], write=True),
        label="…",
        on_success=results.append,
    )
    qtbot.waitUntil(lambda: bool(results), timeout=60_000)
    assert results == [["跑步1群", "跑步2群"]]
    with sqlite_database.session() as session:
        assert session.scalars(select(Community.name)).all() == ["跑步1群", "跑步2群"]
