"""分层 · 等级流动 on a laptop in English (the window opens 1280 wide on a 1366 × 768 screen):
every column of the flow table, 离开 (Left) the last, shows whole beside its chart."""

from __future__ import annotations

from PySide6.QtWidgets import QTableWidget, QTabWidget

from tests.core.tiers.helpers import community, member


def test_the_flow_table_shows_its_last_column_on_a_laptop(
    app, english, make_window, qtbot, sqlite_database
):
    with sqlite_database.session(write=True) as session:
        cid = community(session, "晨跑群")
        member(session, cid, "老会员")
    window = make_window(sqlite_database)
    window.resize(1280, 728)  # the size the window opens at on a 1366 × 768 screen
    window.tabs.setCurrentWidget(window.tiers_tab)
    views = window.tiers_tab.findChild(QTabWidget)
    flow = window.tiers_tab.findChild(QTableWidget, "tiersFlow")
    views.setCurrentIndex(views.indexOf(flow.parentWidget()))
    qtbot.waitUntil(
        lambda: not window.tiers_tab.tasks.busy() and flow.rowCount() > 0, timeout=60_000
    )
    qtbot.waitUntil(flow.isVisible, timeout=60_000)
    last = flow.columnCount() - 1
    assert flow.horizontalHeaderItem(last).text() == "Left"
    right_edge = flow.columnViewportPosition(last) + flow.columnWidth(last)
    assert right_edge <= flow.viewport().width()
