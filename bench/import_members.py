"""Import of a 100000-row member list (.xlsx) vs. a bare read + insert of the same rows.

(a) baseline: python-calamine reads every row of the file, sqlite3 executemany writes them into a
    bare table of a temporary SQLite file, one transaction;
(b) ours: plan_import + import_members into a fresh migrated SQLite database — header detection,
    normalising, identity maps, search keys (pinyin), members, tags, the levels that follow,
    then one commit.
Both run in the same process, alternately; the ratio is what to compare between machines.
Goal: ratio ≤ 2×.

    .venv/bin/python bench/import_members.py [--rows 100000] [--repeat 1]
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

from common import OUT, ROOT  # noqa: F401  (puts the repository on sys.path)

HEADERS = [
    "客户昵称",
    "客户姓名",
    "手机号",
    "微信号",
    "性别",
    "生日",
    "添加时间",
    "企业标签",
    "所在城市",
    "客户积分",
]
TAGS = ["意向客户", "已购", "宝妈", "高频复购", "团购团长", "新客", "VIP", "沉睡客户"]
EMOJI = ["🌸", "🍰", "☀️", "🐱", "✨", ""]
CITIES = ["杭州", "宁波", "苏州", "上海", "深圳", "成都", "北京", "温州", "嘉兴", "厦门"]


def member_rows(rows: int, seed: int = 20261123) -> Iterator[list]:
    """A realistic customer export: names with emoji, phones as numbers, dates as date cells;
    the title row and the header row first."""
    from faker import Faker

    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    names = [fake.name() for _ in range(5000)]
    words = ["阳光", "小太阳", "晴天", "追梦人", "奶茶续命", "静待花开", "简单生活", "向日葵"]
    yield ["客户列表（导出时间：2026-11-23 09:00）"]
    yield HEADERS
    start = datetime(2023, 1, 1, 9, 0)
    for index in range(rows):
        nickname = (
            rng.choice(names) if rng.random() < 0.6 else rng.choice(words) + str(rng.randrange(99))
        ) + rng.choice(EMOJI)
        yield [
            nickname,
            rng.choice(names) if rng.random() < 0.3 else "",
            13_800_000_000 + index * 7 % 100_000_000 if rng.random() < 0.85 else "",
            f"wx_{index:07d}{rng.choice('abcdefgh')}" if rng.random() < 0.4 else "",
            rng.choice(["男", "女", "女", "未知"]),
            date(1960, 1, 1) + timedelta(days=rng.randrange(20000)) if rng.random() < 0.3 else None,
            start + timedelta(minutes=rng.randrange(1_000_000)),
            ",".join(rng.sample(TAGS, rng.randrange(0, 4))),
            rng.choice(CITIES),
            rng.randrange(0, 5000),
        ]


def write_workbook(path: Path, rows: int, seed: int = 20261123) -> None:
    """member_rows as an .xlsx (written once, then reused)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("客户列表")
    for row in member_rows(rows, seed):
        sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.xlsx")
    workbook.save(partial)
    partial.rename(path)


def baseline(path: Path, work: Path) -> tuple[float, int]:
    """Bare python-calamine read + sqlite3 executemany of the same rows."""
    import python_calamine

    database = work / f"bare-{time.monotonic_ns()}.db"
    started = time.perf_counter()
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    sheet = workbook.get_sheet_by_index(0)
    rows = [
        tuple(str(v) if isinstance(v, date | datetime) else v for v in row)
        for row in sheet.iter_rows()
    ][2:]
    connection = sqlite3.connect(database)
    columns = ", ".join(f"c{i}" for i in range(len(HEADERS)))
    connection.execute(f"CREATE TABLE bare ({columns})")
    with connection:
        connection.executemany(
            f"INSERT INTO bare VALUES ({', '.join('?' * len(HEADERS))})",
            [row[: len(HEADERS)] for row in rows],
        )
    connection.close()
    return time.perf_counter() - started, len(rows)


def ours(path: Path, work: Path) -> tuple[float, float, float, object, Path]:
    """plan_import + import_members (apply, then levels) into a fresh migrated SQLite database."""
    from core.common.database import open_database
    from core.members.importing import plan_import
    from core.workflows.member_import import import_members

    written = work / f"ours-{time.monotonic_ns()}.db"
    database = open_database(f"sqlite:///{written}", daily_backup=False)
    try:
        started = time.perf_counter()
        with database.session() as session:
            plan = plan_import(session, path)
            planned = time.perf_counter()
            result = import_members(session, plan).imported
        done = time.perf_counter()
    finally:
        database.close()
    return done - started, planned - started, done - planned, result, written


def schema_floor(written: Path, work: Path) -> float:
    """The members and tags ours() wrote, inserted again by bare sqlite3 executemany into a
    fresh migrated database (the app's pragmas): what our schema costs with no Python work —
    22 member columns and 8 indexes, one member_tags row per tag, foreign keys."""
    from core.common.database import open_database
    from core.members.importing.apply import MEMBER_COLUMNS

    target = work / f"floor-{time.monotonic_ns()}.db"
    open_database(f"sqlite:///{target}", daily_backup=False).close()
    source = sqlite3.connect(written)
    columns = ", ".join(MEMBER_COLUMNS)
    members = source.execute(f"SELECT {columns} FROM members").fetchall()
    tags = source.execute("SELECT id, name FROM tags").fetchall()
    member_tags = source.execute("SELECT member_id, tag_id FROM member_tags").fetchall()
    source.close()
    connection = sqlite3.connect(target, isolation_level=None)
    for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL"):
        connection.execute(f"PRAGMA {pragma}")
    connection.execute("PRAGMA cache_size=-65536")
    started = time.perf_counter()
    connection.execute("BEGIN")
    connection.executemany("INSERT INTO tags (id, name) VALUES (?, ?)", tags)
    marks = ", ".join("?" * len(MEMBER_COLUMNS))
    connection.executemany(f"INSERT INTO members ({columns}) VALUES ({marks})", members)
    connection.executemany("INSERT INTO member_tags VALUES (?, ?)", member_tags)
    connection.execute("COMMIT")
    seconds = time.perf_counter() - started
    connection.close()
    return seconds


def read_alone(path: Path) -> float:
    """python-calamine loading the sheet and handing over its rows, as the import reads it."""
    import python_calamine

    started = time.perf_counter()
    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    for _row in sheet.iter_rows():
        pass
    return time.perf_counter() - started


def search_key_share(path: Path) -> float:
    """Seconds the search keys (pypinyin) alone take for the file's members, cold cache."""
    import python_calamine

    from core.common import search_keys
    from core.members.search_keys import member_search_keys

    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    rows = list(sheet.iter_rows())[2:]
    # ours() has just filled the per-name and per-word caches: empty them (pypinyin stays loaded).
    search_keys._keys.cache_clear()
    search_keys._hanzi_syllables.cache_clear()
    started = time.perf_counter()
    for row in rows:
        phone = str(int(row[2])) if isinstance(row[2], float) else None
        member_search_keys(str(row[0]).strip(), str(row[1] or ""), row[3] or None, phone)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each (median is shown)")
    args = parser.parse_args()
    path = OUT / f"import-{args.rows}.xlsx"
    if not path.exists():
        print(f"writing {args.rows} rows into {path} (once)…", file=sys.stderr)
        write_workbook(path, args.rows)
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        os.environ["SHEQUN_DATA_DIR"] = str(work / "data")
        bare_times, our_times, plan_times, apply_times, floor_times = [], [], [], [], []
        read_times = []
        for _ in range(args.repeat):
            seconds, count = baseline(path, work)
            bare_times.append(seconds)
            total, planned, applied, result, written = ours(path, work)
            our_times.append(total)
            plan_times.append(planned)
            apply_times.append(applied)
            floor_times.append(schema_floor(written, work))
            read_times.append(read_alone(path))
        keys = search_key_share(path)
    bare, our = statistics.median(bare_times), statistics.median(our_times)
    print(f"file: {path.name} ({path.stat().st_size / 1e6:.1f} MB, {count} data rows)")
    print(f"baseline  calamine read + sqlite3 executemany: {bare:6.2f} s")
    planned, applied = statistics.median(plan_times), statistics.median(apply_times)
    print(
        f"ours      plan_import + import_members:        {our:6.2f} s"
        f"  (plan {planned:.2f} s, apply {applied:.2f} s)"
    )
    print(f"          search keys (pypinyin) for the same members, measured alone: {keys:.2f} s")
    floor = statistics.median(floor_times)
    print(
        f"          our schema alone: the rows ours wrote, bare executemany again: {floor:.2f} s"
        f" ({floor / bare:.1f}x the baseline; the file's read adds to it)"
    )
    read = statistics.median(read_times)
    least = read + floor
    print(
        f"          the file's read alone: {read:.2f} s; read + our schema = {least:.2f} s"
        f" = {least / bare:.1f}x the baseline before any per-row work;"
        f" ours is {our / least:.1f}x that"
    )
    print(f"          added {result.added}, linked {result.linked}, rejected {result.rejected}")
    print(f"ratio: {our / bare:.1f}x  (goal ≤ 2x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
