"""Report presets: saved under a trimmed, unique name in the settings store, listed after the
built-in 周报/月报 (which cannot be overwritten or deleted), and hostile names refused."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from core.common.errors import UserError
from core.reports.period import ALL_SHEETS, PRESETS
from core.reports.presets import (
    Preset,
    delete_preset,
    find_preset,
    list_presets,
    preset_dates,
    save_preset,
)
from db.models import Setting
from tests.core.reports.helpers import group


def settings_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Setting))


def test_save_list_find_and_delete_round_trip(database):
    mine = Preset(
        "  老板周一看  ",
        ("留存", "概览", "活动"),  # any order in, the workbook's order out
        period="days:14",
        community="读书会",
        image=True,
        mask=False,
    )
    with database.session(write=True) as session:
        group(session, "读书会")
        saved = save_preset(session, mine)
    assert saved.name == "老板周一看" and saved.sheets == ("概览", "活动", "留存")
    with database.session() as session:
        presets = list_presets(session)
        found = find_preset(session, "老板周一看")
    assert [p.name for p in presets] == ["周报", "月报", "老板周一看"]
    assert found == saved and not found.builtin
    assert (found.period, found.days, found.community, found.image, found.mask) == (
        "days:14", 14, "读书会", True, False
    )  # fmt: skip
    with database.session(write=True) as session:
        with pytest.raises(UserError, match="已有名为「老板周一看」的预设"):
            save_preset(session, Preset("老板周一看", ("概览",)))
        save_preset(session, Preset("老板周一看", ("概览",)), replace_existing=True)
    with database.session() as session:
        assert find_preset(session, "老板周一看").sheets == ("概览",)
    with database.session(write=True) as session:
        delete_preset(session, "老板周一看")
    with database.session() as session:
        assert [p.name for p in list_presets(session)] == ["周报", "月报"]
        assert settings_count(session) == 0


def test_a_community_that_is_not_there_is_refused(sqlite_database):
    with sqlite_database.session(write=True) as session:
        with pytest.raises(UserError, match="没有名为「无此群」的社群"):
            save_preset(session, Preset("我的", ("概览",), community="无此群"))
        assert settings_count(session) == 0


def test_names_are_one_name_whatever_their_case(database):
    with database.session(write=True) as session:
        save_preset(session, Preset("Team", ("概览",)))
        with pytest.raises(UserError, match="已有名为"):
            save_preset(session, Preset("team ", ("活动",)))
        save_preset(session, Preset("team", ("活动",)), replace_existing=True)
    with database.session() as session:
        assert [p.name for p in list_presets(session)][2:] == ["team"]
        assert find_preset(session, "TEAM").sheets == ("活动",)
        assert settings_count(session) == 1


def test_the_built_ins_are_protected(database):
    with database.session(write=True) as session:
        for name in ("周报", " 月报", "weekly", "Monthly"):
            with pytest.raises(UserError, match="内置预设，不能覆盖"):
                save_preset(session, Preset(name, ("概览",)))
            with pytest.raises(UserError, match="内置预设，不能删除"):
                delete_preset(session, name)
        assert settings_count(session) == 0
    with database.session() as session:
        weekly, monthly = find_preset(session, "weekly"), find_preset(session, "月报")
    assert weekly.sheets == PRESETS["weekly"] and monthly.sheets == ALL_SHEETS
    assert preset_dates(weekly, date(2026, 12, 2)) == (date(2026, 11, 23), date(2026, 11, 29))
    assert preset_dates(monthly, date(2026, 12, 2)) == (date(2026, 11, 1), date(2026, 11, 30))


@pytest.mark.parametrize(
    "name, refusal",
    [
        ("", "预设名称不能为空"),
        ("   \u3000", "预设名称不能为空"),
        ("名" * 41, "最长 40 个字符（收到 41 个）"),
        ("x" * 10_000, "最长 40 个字符（收到 10000 个）"),
        ("周报\x1b[2J", "不能含控制字符"),
        ("好\u202e名", "不能含控制字符"),
        ("一\n二", "不能含控制字符"),
    ],
)
def test_bad_names_are_refused_in_one_line_and_change_nothing(sqlite_database, name, refusal):
    with sqlite_database.session(write=True) as session:
        with pytest.raises(UserError, match=refusal) as refused:
            save_preset(session, Preset(name, ("概览",)))
        assert "\n" not in str(refused.value) and len(str(refused.value)) < 80
        assert settings_count(session) == 0


@pytest.mark.parametrize(
    "fields, refusal",
    [
        ({"sheets": ()}, "至少要选一张工作表"),
        ({"sheets": ("概览", "利润")}, "没有名为「利润」的工作表"),
        ({"period": "days:0"}, "报表期间应为"),
        ({"period": "days:99999"}, "报表期间应为"),
        ({"period": "next-week"}, "报表期间应为"),
    ],
)
def test_bad_fields_are_refused(sqlite_database, fields, refusal):
    with sqlite_database.session(write=True) as session:
        with pytest.raises(UserError, match=refusal):
            save_preset(session, Preset("我的", **{"sheets": ("概览",), **fields}))
        assert settings_count(session) == 0


def test_an_unknown_name_lists_the_known_ones(sqlite_database):
    with sqlite_database.session(write=True) as session:
        save_preset(session, Preset("社群日报", ("社群健康",), period="days:1"))
        with pytest.raises(UserError) as refused:
            find_preset(session, "无此预设\x1b[2J")
    assert "周报、月报、社群日报" in str(refused.value)


def test_a_period_of_days_ends_yesterday_and_custom_has_none():
    today = date(2026, 12, 2)
    assert preset_dates(Preset("a", ("概览",), period="days:7"), today) == (
        date(2026, 11, 25), date(2026, 12, 1)
    )  # fmt: skip
    assert preset_dates(Preset("a", ("概览",), period="custom"), today) is None


def test_a_broken_stored_preset_is_skipped(sqlite_database):
    with sqlite_database.session(write=True) as session:
        session.add(Setting(key="reports.preset.坏的", value={"name": "坏的", "sheets": "x"}))
        session.add(Setting(key="reports.preset.空", value=[1, 2]))
    with sqlite_database.session(write=True) as session:
        assert [p.name for p in list_presets(session)] == ["周报", "月报"]
        save_preset(session, Preset("坏的", ("概览",)))  # mends the broken row in place
    with sqlite_database.session() as session:
        assert find_preset(session, "坏的").sheets == ("概览",)
