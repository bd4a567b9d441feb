"""A million rows: read as a stream with progress, accepted under the limit, and a cancel at any
point leaves the database as it was."""

from __future__ import annotations

import gc
import itertools
import threading
import time

import pytest

from core.common.progress import Cancelled
from core.common.search_keys import load_pinyin
from core.members.importing import apply_import, plan_import
from core.members.search_keys import member_search_keys
from tests.core.members.importing_helpers import import_file, table_counts

ROWS = 1_000_000


@pytest.fixture
def million_rows_csv(tmp_path):
    path = tmp_path / "百万会员.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("昵称,手机号,标签,注册时间\r\n")
        for start in range(0, ROWS, 50_000):
            handle.write(
                "".join(
                    f"会员{i},138{i:08d},VIP{i % 5},2024-{i % 12 + 1:02d}-{i % 28 + 1:02d}\r\n"
                    for i in range(start, start + 50_000)
                )
            )
    return path


@pytest.mark.slow
def test_a_million_rows_stream_with_progress_and_cancel_changes_nothing(
    sqlite_database, samples, million_rows_csv
):
    import_file(sqlite_database, samples / "weflow_群成员_样例烘焙福利1群.xlsx")
    before = table_counts(sqlite_database)
    reports: list[tuple[int, int]] = []
    started = time.perf_counter()
    with pytest.raises(Cancelled), sqlite_database.session() as session:
        plan = plan_import(session, million_rows_csv, progress=lambda *a: reports.append(a))
        planned = time.perf_counter() - started
        assert plan.counts.added == ROWS and plan.counts.rejected == 0
        # Streamed: the first report comes after 2000 rows, with the whole file estimated.
        first_done, first_total = reports[0]
        assert first_done == 2000 and first_total > 900_000
        assert all(a[0] <= b[0] for a, b in itertools.pairwise(reports))
        assert reports[-1] == (ROWS, ROWS)
        writes: list[tuple[int, int]] = []
        apply_import(
            session,
            plan,
            progress=lambda *a: writes.append(a),
            cancelled=lambda: len(writes) > 5,  # the user presses 取消 while it writes
        )
    # About 20 s on a quiet laptop; the bound only catches a slowdown by a factor, not noise.
    assert planned < 150, f"planning a million rows took {planned:.0f} s"
    assert len(writes) > 5 and writes[-1][0] < writes[-1][1]
    assert table_counts(sqlite_database) == before


def test_cancel_while_reading(sqlite_database, million_rows_csv):
    before = table_counts(sqlite_database)
    calls = itertools.count()
    with pytest.raises(Cancelled), sqlite_database.session() as session:
        plan_import(session, million_rows_csv, cancelled=lambda: next(calls) > 10)
    assert table_counts(sqlite_database) == before
    assert gc.isenabled()  # paused while planning, back on after a cancel


def test_many_people_with_one_nickname_are_planned_in_linear_time(sqlite_database, tmp_path):
    """20000 小王s with their own phones: none is suggested as a duplicate of another (their
    phones differ), and finding that no longer compares every row with every earlier one."""
    path = tmp_path / "小王们.csv"
    lines = ["昵称,手机号"] + [f"小王,138{i:08d}" for i in range(20_000)] + ["小王,", "小王,"]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    started = time.perf_counter()
    with sqlite_database.session() as session:
        plan = plan_import(session, path)
    planned = time.perf_counter() - started
    assert plan.counts.added == 20_002
    # Only the two rows without a phone can be the same person as someone: the first three.
    assert [(d.row, d.other_row) for d in plan.possible_duplicates] == [
        (20_002, (path.stem, 2)),
        (20_002, (path.stem, 3)),
        (20_002, (path.stem, 4)),
        (20_003, (path.stem, 2)),
        (20_003, (path.stem, 3)),
        (20_003, (path.stem, 4)),
    ]
    # About a second; comparing all pairs took minutes.
    assert planned < 60, f"planning took {planned:.0f} s"


def test_a_big_workbook_loads_pypinyin_alongside_and_imports_the_same(
    sqlite_database, samples, monkeypatch
):
    """Over the size threshold pypinyin is loaded on a thread while the sheet is parsed; the
    search keys come out the same as when it is loaded at the first name."""
    from sqlalchemy import select

    from core.members.importing import plan as planning
    from db.models import Member

    started = []
    monkeypatch.setattr(planning, "_LOAD_PINYIN_BYTES", 0)
    monkeypatch.setattr(planning, "load_pinyin", lambda: started.append(load_pinyin()))
    import_file(sqlite_database, samples / "weflow_群成员_样例烘焙福利1群.xlsx")
    for thread in threading.enumerate():
        if thread.name == "load-pinyin":
            thread.join(10)
    assert started == [None]
    with sqlite_database.session() as session:
        rows = session.execute(select(Member.nickname, Member.search_pinyin)).all()
    assert rows and all(pinyin == member_search_keys(nickname).pinyin for nickname, pinyin in rows)
