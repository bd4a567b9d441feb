"""GUI: the 分层 tab — distribution, structure, flow, suggestions, recompute."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QTableWidget
from sqlalchemy import select

from core.tiers.recompute import recompute_levels
from db.models import Membership
from tests.core.tiers.helpers import community, events, member
from ui.tiers.tab import TiersTab


def cell(table: QTableWidget, row: int, column: int) -> str:
    return table.item(row, column).text()


def test_tiers_tab_shows_levels_structure_flow_and_takes_suggestions(app, qtbot, sqlite_database):
    with sqlite_database.session() as session:
        cid = community(session, "晨跑群")
        other = community(session, "读书会")
        people = [member(session, cid, f"跑友{n}") for n in range(24)]
        member(session, other, "书友")
        # The tab computes with the real clock, so the activity is recent by the real clock.
        now = datetime.now()
        events(session, people[0], cid, "message", range(1, 5), now=now)
        events(session, people[1], cid, "good_post", range(1, 6), now=now)
        recompute_levels(session, now=now)
        session.commit()

    tab = TiersTab(sqlite_database)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitUntil(lambda: tab.community.count() == 3 and not tab.tasks.busy(), timeout=60_000)
    levels = tab.findChild(QTableWidget, "tiersLevels")
    # Both communities: 25 members, all 参与者 (cold start: both groups are small).
    assert (cell(levels, 1, 0), cell(levels, 1, 1)) == ("参与者", "25")

    choose = tab.findChild(QComboBox, "tiersCommunity")
    choose.setCurrentIndex(choose.findData(cid))
    qtbot.waitUntil(
        lambda: not tab.tasks.busy() and tab.suggestion_table.rowCount() == 1, timeout=60_000
    )
    assert cell(levels, 1, 1) == "24"
    roles = tab.findChild(QTableWidget, "tiersRoles")
    follower_row = next(r for r in range(roles.rowCount()) if cell(roles, r, 0) == "追随者")
    assert cell(roles, follower_row, roles.columnCount() - 1) == "24"
    assert "没有管理者" in tab.findChild(QLabel, "tiersWarnings").text()
    flow = tab.findChild(QTableWidget, "tiersFlow")
    month = tab.findChild(QComboBox, "tiersFlowMonth").currentData()
    assert month == date.today().replace(day=1)
    assert flow.rowCount() == 6  # five levels and 本月新加入

    suggestions = tab.findChild(QTableWidget, "tiersSuggestions")
    assert cell(suggestions, 0, 2) == "领导者"
    assert "优质内容 5 次" in cell(suggestions, 0, 3)
    suggestions.selectRow(0)
    tab.findChild(QPushButton, "tiersAcceptRoles").click()
    qtbot.waitUntil(lambda: tab.suggestion_table.rowCount() == 0, timeout=60_000)
    with sqlite_database.session() as session:
        role = session.scalar(select(Membership.role).where(Membership.member_id == people[1]))
    assert role == "leader"


def test_recompute_button_reports_what_changed(app, qtbot, sqlite_database):
    with sqlite_database.session() as session:
        cid = community(session, "晨跑群")
        for n in range(3):
            member(session, cid, f"跑友{n}")
        session.commit()
    tab = TiersTab(sqlite_database)
    qtbot.addWidget(tab)
    qtbot.waitUntil(lambda: tab.community.count() == 2 and not tab.tasks.busy(), timeout=60_000)
    with qtbot.waitSignal(tab.data_changed, timeout=60_000):
        tab.findChild(QPushButton, "tiersRecompute").click()
    assert "升级 3 人" in tab.findChild(QLabel, "tiersLastRun").text()


def test_the_tab_opens_the_activity_import(app, qtbot, sqlite_database):
    from tests.ui.conftest import when_shown

    tab = TiersTab(sqlite_database)
    qtbot.addWidget(tab)
    qtbot.waitUntil(lambda: not tab.tasks.busy(), timeout=60_000)
    seen = []
    when_shown(
        "activityImportDialog", lambda dialog: (seen.append(dialog.windowTitle()), dialog.reject())
    )
    tab.findChild(QPushButton, "tiersImport").click()
    assert seen == ["从表格导入行为记录"]
