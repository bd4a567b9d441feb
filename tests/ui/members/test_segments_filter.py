"""The 分群 and 等级 filters of the 成员 tab, and 导出分群… with its 建议动作 column."""

from __future__ import annotations

from datetime import datetime, timedelta

import openpyxl
import pytest
from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton
from sqlalchemy import select

import core.segments.compute
from core.members.editing import create_member
from db.models import ActivityEvent, Community, ExportLog, Membership
from tests.ui.conftest import when_shown


@pytest.fixture
def tab_with_levels(make_window, sqlite_database, qtbot):
    """张三 and 李四 are 活跃成员 who fell silent; 王五 is active; 赵六 is a 新人."""
    now = datetime.now()
    with sqlite_database.session() as session:
        group = Community(name="读书会", platform="wechat")
        session.add(group)
        session.flush()
        people = {}
        for name, level, silent_days, phone in (
            ("张三", "active", 20, "13800000016"),
            ("李四", "active", 30, None),
            ("王五", "active", 1, None),
            ("赵六", "newcomer", 40, None),
        ):
            mid = create_member(session, name, phone=phone)
            session.add(
                Membership(
                    member_id=mid,
                    community_id=group.id,
                    level=level,
                    joined_at=now - timedelta(days=200),
                )
            )
            session.add(
                ActivityEvent(
                    member_id=mid,
                    community_id=group.id,
                    kind="message",
                    occurred_at=now - timedelta(days=silent_days),
                )
            )
            people[name] = mid
    window = make_window(sqlite_database)
    window.tabs.setCurrentWidget(window.members_tab)
    tab = window.members_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == 4, timeout=60_000)
    return window, tab, people


def shown(tab) -> set[str]:
    return {tab.model.index(row, 0).data() for row in range(tab.model.rowCount())}


def choose(combo: QComboBox, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, f"{text} is not offered"
    combo.setCurrentIndex(index)


def test_choosing_a_segment_shows_its_members_and_computes_it_once(
    tab_with_levels, qtbot, monkeypatch
):
    _, tab, _ = tab_with_levels
    calls = []
    original = core.segments.compute.segment_ids_with_siblings
    monkeypatch.setattr(
        core.segments.compute,
        "segment_ids_with_siblings",
        lambda *args, **kw: calls.append(args[1]) or original(*args, **kw),
    )
    export_button = tab.findChild(QPushButton, "members_export_segment")
    assert not export_button.isEnabled()
    segments = tab.findChild(QComboBox, "members_filter_segment")
    choose(segments, "流失预警")
    qtbot.waitUntil(lambda: shown(tab) == {"张三", "李四"}, timeout=60_000)
    qtbot.waitUntil(lambda: "2 人" in tab.filter_bar.count_label.text(), timeout=60_000)
    assert export_button.isEnabled()
    # Searching within the segment reuses its members: no second computation.
    qtbot.keyClicks(tab.findChild(QLineEdit, "members_search"), "zs")
    qtbot.waitUntil(lambda: shown(tab) == {"张三"}, timeout=60_000)
    assert calls == ["slipping_away"]
    # One RFM computation serves every RFM segment.
    segments.setCurrentIndex(segments.findText("重要价值"))
    qtbot.waitUntil(
        lambda: "人" in tab.filter_bar.count_label.text() and not tab.busy(), timeout=60_000
    )
    segments.setCurrentIndex(segments.findText("一般挽留"))
    qtbot.waitUntil(lambda: not tab.busy(), timeout=60_000)
    assert calls == ["slipping_away", "important_value"]
    tab.findChild(QPushButton, "members_filter_clear").click()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 4, timeout=60_000)
    assert segments.currentData() is None and not export_button.isEnabled()


def test_level_filter_lists_the_ladder_by_name(tab_with_levels, qtbot):
    _, tab, _ = tab_with_levels
    levels = tab.findChild(QComboBox, "members_filter_level")
    qtbot.waitUntil(lambda: levels.findText("活跃成员") >= 0, timeout=60_000)
    assert [levels.itemText(i) for i in range(levels.count())][:4] == [
        "等级：全部",
        "新人",
        "参与者",
        "活跃成员",
    ]
    choose(levels, "活跃成员")
    qtbot.waitUntil(lambda: shown(tab) == {"张三", "李四", "王五"}, timeout=60_000)
    choose(levels, "新人")
    qtbot.waitUntil(lambda: shown(tab) == {"赵六"}, timeout=60_000)


def test_export_segment_writes_the_action_column_masked_and_logged(
    tab_with_levels, qtbot, monkeypatch, tmp_path, sqlite_database
):
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    _, tab, _ = tab_with_levels
    choose(tab.findChild(QComboBox, "members_filter_segment"), "流失预警")
    qtbot.waitUntil(lambda: shown(tab) == {"张三", "李四"}, timeout=60_000)
    qtbot.waitUntil(lambda: not tab.busy(), timeout=60_000)
    target = tmp_path / "segment.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    when_shown("export_confirm", lambda box: box.button(QMessageBox.StandardButton.Ok).click())
    with qtbot.waitSignal(tab.exported, timeout=60_000):  # written and logged
        tab.findChild(QPushButton, "members_export_segment").click()
    rows = list(openpyxl.load_workbook(target).active.iter_rows(values_only=True))
    assert rows[0][-1] == "建议动作"
    assert {row[-1] for row in rows[1:]} == {"私聊问候，邀请参加本周活动"}
    values = [value for row in rows for value in row]
    assert "138****0016" in values and "13800000016" not in values
    with sqlite_database.session() as session:
        log = session.scalars(select(ExportLog)).one()
    assert (log.what, log.row_count, log.masked) == ("分群「流失预警」", 2, True)
