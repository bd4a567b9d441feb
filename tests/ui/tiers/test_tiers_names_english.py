"""The shipped level names in English wherever the 分层 screens show them — distribution, role
mix, level flow (本月新加入: "Newcomer 1, Participant 1"), the members filter, the level rules
editor — while a name the owner typed stays as typed and an untouched name is saved as the
shipped Chinese."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from PySide6.QtWidgets import QComboBox, QTableWidget
from sqlalchemy import update

from core.tiers.ladder import DEFAULT_LADDER, load_ladder, save_ladder
from core.tiers.recompute import recompute_levels
from db.models import Membership
from tests.core.tiers.helpers import community, events, member
from ui.tiers.ladder_dialog import NAME_COLUMN, LadderDialog
from ui.tiers.tab import TiersTab

ENGLISH = ["Newcomer", "Participant", "Active member", "Core member", "KOC/KOL"]


def column(table: QTableWidget, number: int) -> list[str]:
    return [table.item(row, number).text() for row in range(table.rowCount())]


def test_the_tiers_tab_names_the_shipped_levels_in_english(app, english, qtbot, sqlite_database):
    with sqlite_database.session() as session:
        # No cold start, and one active day makes a 参与者: two newcomers land on two levels.
        levels = list(DEFAULT_LADDER.levels)
        levels[1] = dataclasses.replace(levels[1], window={"active_days": 1})
        save_ladder(
            session, dataclasses.replace(DEFAULT_LADDER, levels=tuple(levels), cold_start_members=0)
        )
        cid = community(session, "晨跑群")
        member(session, cid, "老会员")
        quiet = member(session, cid, "新人甲", joined_days_ago=0)
        busy = member(session, cid, "新人乙", joined_days_ago=0)
        now = datetime.now()
        session.execute(  # joined this month by the real clock, which the tab goes by
            update(Membership).where(Membership.member_id.in_([quiet, busy])).values(joined_at=now)
        )
        events(session, busy, cid, "message", [0], now=now)
        recompute_levels(session, now=now)
        session.commit()
    tab = TiersTab(sqlite_database)
    qtbot.addWidget(tab)
    tab.show()
    flow = tab.findChild(QTableWidget, "tiersFlow")
    qtbot.waitUntil(lambda: not tab.tasks.busy() and flow.rowCount() == 6, timeout=60_000)

    assert column(tab.findChild(QTableWidget, "tiersLevels"), 0) == ENGLISH
    roles = column(tab.findChild(QTableWidget, "tiersRoles"), 0)
    assert [f"Level: {name}" for name in ENGLISH] == [r for r in roles if r.startswith("Level")]
    assert column(flow, 0) == [*ENGLISH, "New this month"]
    assert flow.item(5, 2).text() == "Newcomer 1, Participant 1"
    # it spans the figures' columns instead of widening the promotions' one (which pushed the
    # leavers' column out of a laptop's view)
    assert flow.columnSpan(5, 2) == flow.columnCount() - 2
    assert flow.columnWidth(2) < flow.fontMetrics().horizontalAdvance(flow.item(5, 2).text())


def test_the_members_filter_offers_the_levels_in_english(
    english, make_window, sqlite_database, qtbot
):
    window = make_window(sqlite_database)
    window.tabs.setCurrentWidget(window.members_tab)
    level = window.members_tab.filter_bar.findChild(QComboBox, "members_filter_level")
    qtbot.waitUntil(lambda: level.count() > 1, timeout=60_000)
    assert [level.itemText(i) for i in range(1, level.count())] == ENGLISH


def test_the_level_editor_shows_english_and_saves_what_was_meant(
    app, english, qtbot, sqlite_database
):
    dialog = LadderDialog(sqlite_database, None)
    qtbot.addWidget(dialog)
    assert [dialog.table.item(r, NAME_COLUMN).text() for r in range(5)] == ENGLISH
    dialog.table.item(3, NAME_COLUMN).setText("Champion")  # the owner renames one level
    dialog.accept()
    with sqlite_database.session() as session:
        names = [level.name for level in load_ladder(session).levels]
    assert names == ["新人", "参与者", "活跃成员", "Champion", "KOC/KOL"]
