"""The members filter by level and by segment, the segment export and the `segments` CLI."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select, update

from core.common.database import open_database
from core.common.errors import UserError
from core.members.query import MemberFilter, find_member_ids, ids_in
from core.segments.catalogue import SEGMENTS
from core.segments.compute import within_segment
from core.segments.export import export_segment
from core.tiers.ladder import level_choices
from db.models import ActivityEvent, ExportLog, Member, Membership
from tests.core.tiers.helpers import NOW, community, events, member
from tests.main_process import run_main

ROOT = Path(__file__).resolve().parents[3]


def set_level(session, member_id, community_id, level, **fields):
    session.execute(
        update(Membership)
        .where(Membership.member_id == member_id, Membership.community_id == community_id)
        .values(level=level, **fields)
    )


def test_level_filter_within_a_community_or_any_current_membership(database):
    with database.session() as session:
        one, two = community(session, "一群"), community(session, "二群")
        a = member(session, one, "甲")
        b = member(session, one, "乙")
        session.add(Membership(member_id=b, community_id=two, joined_at=NOW))
        session.flush()
        set_level(session, a, one, "active")
        set_level(session, b, two, "active", left_at=NOW)  # left: not active there any more
        set_level(session, b, one, "participant", role="leader")

        def found(**fields):
            return set(find_member_ids(session, MemberFilter(now=NOW, **fields)))

        assert found(level="active") == {a}
        assert found(level="active", community_id=two) == set()
        assert found(level="participant", community_id=one) == {b}
        assert found(level="participant", role="leader") == {b}
        assert found(level="participant", role="follower") == set()
        assert found(level="kol") == set()


def test_filter_choices_offer_the_shared_ladder_and_the_segments(database):
    with database.session() as session:
        levels = level_choices(session)
    assert levels[:3] == [
        ("newcomer", "新人"),
        ("participant", "参与者"),
        ("active", "活跃成员"),
    ]
    segments = [(segment.key, segment.name) for segment in SEGMENTS]
    assert ("slipping_away", "流失预警") in segments
    assert ("important_retain", "重要挽留") in segments


def slipping_group(session):
    cid = community(session)
    silent = []
    for n in range(3):
        mid = member(session, cid, f"沉默{n}")
        set_level(session, mid, cid, "active")
        events(session, mid, cid, "message", [20 + n])
        silent.append(mid)
    busy = member(session, cid, "活跃")
    set_level(session, busy, cid, "active")
    events(session, busy, cid, "message", [1])
    return cid, silent, busy


def test_segment_filter_combines_with_search_and_sort(database):
    with database.session() as session:
        _, silent, _ = slipping_group(session)
        spec = within_segment(session, MemberFilter(now=NOW), "slipping_away")
        assert set(spec.member_ids) == set(silent)
        assert find_member_ids(session, spec) == silent  # sorted by nickname (pinyin)
        # Computed once, the segment's ids serve every re-sort and further filter.
        descending = within_segment(session, MemberFilter(now=NOW, descending=True), "流失预警")
        assert find_member_ids(session, descending) == silent[::-1]
        session.execute(update(Member).where(Member.id == silent[1]).values(phone="13900000001"))
        with_phone = MemberFilter(has_phone=True, now=NOW, member_ids=spec.member_ids)
        assert find_member_ids(session, with_phone) == [silent[1]]
        with pytest.raises(UserError):
            within_segment(session, MemberFilter(), "nonsense")


def test_a_segment_of_any_size_is_one_parameter(database):
    """70000 ids: more than SQLite (32766) or PostgreSQL (65535) take as parameters."""
    with database.session() as session:
        cid = community(session)
        ids = [member(session, cid, f"m{n}") for n in range(3)]
        wanted = list(range(-70_000, 0)) + ids[:2]
        found = session.scalars(select(Member.id).where(ids_in(Member.id, wanted))).all()
        assert sorted(found) == ids[:2]
        assert session.scalars(select(Member.id).where(ids_in(Member.id, []))).all() == []


def test_export_has_the_action_column_is_masked_and_logged(database, tmp_path):
    with database.session() as session:
        _, silent, _ = slipping_group(session)
        session.execute(
            update(Member)
            .where(Member.id == silent[0])
            .values(phone="13800000016", nickname="=cmd")
        )
        target = tmp_path / "流失预警.xlsx"
        result = export_segment(session, "流失预警", target, now=NOW)
        assert result.rows == 3 and result.masked
        log = session.scalars(select(ExportLog)).one()
        assert (log.what, log.row_count, log.masked) == ("分群「流失预警」", 3, True)
        unmasked = export_segment(
            session, "slipping_away", tmp_path / "full.xlsx", mask=False, now=NOW
        )
        assert not unmasked.masked
        assert session.scalar(select(func.count()).select_from(ExportLog)) == 2
    sheet = openpyxl.load_workbook(target).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = rows[0]
    assert header[-3:] == ["分群", "分群依据", "建议动作"]
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    first = by_name["'=cmd"]  # formula-safe
    assert first["手机号"] == "138****0016"
    assert first["建议动作"] == "私聊问候，邀请参加本周活动"
    assert first["分群依据"] == "读书会：活跃成员 · 已 20 天没有行为"
    assert [row[0] for row in rows[1:]] == ["沉默2", "沉默1", "'=cmd"]  # longest silence first
    full = openpyxl.load_workbook(tmp_path / "full.xlsx").active
    assert "13800000016" in [cell.value for row in full.iter_rows() for cell in row]


def test_export_of_the_shown_rows_only(database, tmp_path):
    with database.session() as session:
        _, silent, busy = slipping_group(session)
        target = tmp_path / "part.xlsx"
        result = export_segment(
            session, "slipping_away", target, member_ids=[silent[1], busy], now=NOW
        )
    assert result.rows == 1  # a member outside the segment is never exported as in it
    rows = list(openpyxl.load_workbook(target).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["沉默1"]


def test_export_refuses_a_bad_path_before_working(database, tmp_path):
    with database.session() as session:
        with pytest.raises(UserError, match=r"\.xlsx"):
            export_segment(session, "流失预警", tmp_path / "x.csv")
        with pytest.raises(UserError, match="文件夹不存在"):
            export_segment(session, "流失预警", tmp_path / "nope" / "x.xlsx")
        assert session.scalar(select(func.count()).select_from(ExportLog)) == 0


@pytest.fixture
def cli_db(sqlite_url):
    """Activity relative to today: the CLI uses the clock."""
    from datetime import datetime

    database = open_database(sqlite_url, daily_backup=False)
    now = datetime.now()
    with database.session() as session:
        cid = community(session, "晨跑群")
        for n in range(2):
            mid = member(session, cid, f"老会员{n}")
            set_level(session, mid, cid, "core")
            session.execute(
                update(Membership)
                .where(Membership.member_id == mid)
                .values(joined_at=now - timedelta(days=200))
            )
            session.add_all(
                [
                    ActivityEvent(
                        member_id=mid,
                        community_id=cid,
                        kind="checkin",
                        occurred_at=now - timedelta(days=30 + n),
                    )
                ]
            )
        session.commit()
    database.close()
    return sqlite_url


def test_segments_list_and_export_from_the_command_line(cli_db, tmp_path):
    listed = run_main("--db", cli_db, "segments", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    data = json.loads(listed.stdout)
    counts = {item["key"]: item["count"] for item in data["segments"]}
    assert counts["slipping_away"] == 2 and counts["new_active"] == 0
    assert len(counts) == 11
    assert data["rfm_basis"] == "score" and "活跃分" in data["rfm_note"]
    human = run_main("--db", cli_db, "segments", "list")
    assert "流失预警" in human.stdout and "2 人" in human.stdout

    out = tmp_path / "slipping.xlsx"
    exported = run_main("--db", cli_db, "segments", "export", "流失预警", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    assert "已导出分群「流失预警」2 人" in exported.stdout and "打码" in exported.stdout
    assert out.exists()


def test_an_unknown_segment_is_one_line_and_no_file(cli_db, tmp_path):
    out = tmp_path / "x.xlsx"
    result = run_main("--db", cli_db, "segments", "export", "不存在", "--out", str(out))
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0 and "没有叫「不存在」的分群" in result.stderr
    assert not out.exists()
