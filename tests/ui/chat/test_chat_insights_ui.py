"""The chat insights on screen, in the main window: the 社群 detail's heat map (counts in the
tooltip, the empty state), the best send times, the 成员 detail's first and last message,
the 分群 box's 「30 天未发言（群聊）」, and 分层's role suggestions naming the chat's answers."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QTableWidget
from sqlalchemy import insert

from core.members.editing import create_member
from db.chat_models import ChatMessage
from db.models import Community, Membership
from ui.common.heat_grid import HeatGrid
from ui.common.theme import DARK, LIGHT, apply_theme

_refs = itertools.count()
NOW = datetime.now().replace(microsecond=0)
# The Monday of six weeks ago, 20:05: two Mondays at 20:xx make a best time.
MONDAY = (NOW - timedelta(days=NOW.weekday() + 42)).replace(hour=20, minute=5, second=0)


def say(session, member, community, at, **columns):
    values = {"kind": "text", "length": 2, "time_known": True} | columns
    session.execute(
        insert(ChatMessage).values(
            community_id=community, member_id=member, sent_at=at,
            source_ref=f"ui:{next(_refs)}", **values,
        )
    )  # fmt: skip


@pytest.fixture
def chatty(sqlite_database):
    """读书会: 张三 speaks on two Mondays at 20:xx and then falls silent; 李四 answers four
    questions and shares once, this week. 空群 has no chat."""
    with sqlite_database.session(write=True) as session:
        group = Community(name="读书会", platform="wechat")
        empty = Community(name="空群", platform="wechat")
        session.add_all([group, empty])
        session.flush()
        zhang = create_member(session, "张三")
        li = create_member(session, "李四")
        for member in (zhang, li):
            session.add(
                Membership(
                    member_id=member, community_id=group.id, joined_at=MONDAY - timedelta(hours=3)
                )
            )
        session.flush()
        say(session, zhang, group.id, MONDAY)
        say(session, zhang, group.id, MONDAY + timedelta(days=7, minutes=20))
        recent = NOW - timedelta(days=1)
        for _ in range(5):
            say(session, li, group.id, recent, kind="quote", quoted_member_id=zhang,
                quotes_question=True)  # fmt: skip
        session.commit()
        return {"group": group.id, "empty": empty.id, "张三": zhang, "李四": li}


def select_community(qtbot, window, community_id):
    tab = window.communities_tab
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.loaded, timeout=60_000)
    model = tab.table.model()
    for row in range(model.rowCount()):
        found = tab._row_at(model.index(row, 0))
        if found is not None and found.id == community_id:
            tab.table.selectRow(row)
    card = tab.findChild(QLabel, "communities_chat_best").parent()
    qtbot.waitUntil(lambda: card.community_id == community_id and not card.tasks.busy())
    return tab


def test_the_community_detail_shows_the_heat_map_and_best_times(
    make_window, sqlite_database, chatty, qtbot
):
    window = make_window(sqlite_database)
    tab = select_community(qtbot, window, chatty["group"])
    grid = tab.findChild(HeatGrid, "communities_chat_heat")
    monday = 0
    assert grid.counts[monday][20] == 2
    assert sum(map(sum, grid.counts)) == 7
    assert "2" in grid.tooltip_for(monday, 20) and "20:00" in grid.tooltip_for(monday, 20)
    best = tab.findChild(QLabel, "communities_chat_best")
    assert best.text().startswith("最佳发送时间：") and "周一 20:00" in best.text()
    tab = select_community(qtbot, window, chatty["empty"])
    assert grid.is_empty() and grid.empty_text == "还没有导入群聊记录"
    assert not tab.findChild(QLabel, "communities_chat_best").isVisible()


def test_the_heat_grid_follows_the_theme(app, qtbot):
    grid = HeatGrid()
    qtbot.addWidget(grid)
    grid.set_counts([[1] * 24] * 7)
    grid.resize(600, 200)
    grid.show()
    try:
        apply_theme(app, "dark")
        assert grid._theme.name == "dark"
        dark = grid.grab().toImage()
        apply_theme(app, "light")
        light = grid.grab().toImage()
        point = (grid.width() // 2, grid.height() // 2)
        assert QColor(dark.pixel(*point)) != QColor(light.pixel(*point))
        assert grid._theme.accent == LIGHT.accent != DARK.accent
    finally:
        apply_theme(QApplication.instance(), "light")


def test_member_detail_silent_filter_and_role_evidence(make_window, sqlite_database, chatty, qtbot):
    window = make_window(sqlite_database)
    members = window.members_tab
    window.tabs.setCurrentWidget(members)
    qtbot.waitUntil(lambda: members.model.rowCount() == 2, timeout=60_000)
    combo = members.findChild(QComboBox, "members_filter_segment")
    combo.setCurrentIndex(combo.findData("chat_silent_30"))
    assert combo.currentText() == "30 天未发言（群聊）"
    qtbot.waitUntil(lambda: members.model.rowCount() == 1, timeout=60_000)
    assert members.model.index(0, 0).data() == "张三"
    members.table.selectRow(0)
    text = members.findChild(QLabel, "memberChatText")
    qtbot.waitUntil(lambda: "读书会" in text.text(), timeout=60_000)
    first = MONDAY.strftime("%Y-%m-%d %H:%M")
    last = (MONDAY + timedelta(days=7, minutes=20)).strftime("%Y-%m-%d %H:%M")
    assert f"入群后首次发言 {first}（3 小时后）" in text.text()
    assert f"最近发言 {last} · 共 2 条" in text.text()

    tiers = window.tiers_tab
    window.tabs.setCurrentWidget(tiers)
    tiers.community.setCurrentIndex(tiers.community.findData(chatty["group"]))
    table = tiers.findChild(QTableWidget, "tiersSuggestions")
    qtbot.waitUntil(lambda: table.rowCount() == 1, timeout=60_000)
    assert table.item(0, 0).text() == "李四"
    assert table.item(0, 2).text() == "贡献者"
    assert "群聊里回答提问 5 次" in table.item(0, 3).text()
