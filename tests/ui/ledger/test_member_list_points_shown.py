"""积分 · 成员对账单 in English on a laptop (the window opens 1280 wide on a 1366 × 768 screen):
a member's line in the narrow list keeps its points in view — a long line (remark, groups,
phone) is shortened in the middle, not at the end where "· 120 pts" was cut off."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget

from core.ledger.entries import award
from core.members.editing import add_members_to_community, create_member
from tests.core.tiers.helpers import community
from tests.ui.text_fits import settle_layout


def test_a_long_member_line_keeps_its_points_in_view(
    app, english, make_window, qtbot, sqlite_database
):
    with sqlite_database.session() as session:
        groups = [community(session, f"花漾美妆会员{n}群") for n in (1, 2, 3)]
        zhang = create_member(session, "张小凡", remark="赵峰的朋友", phone="13800000016")
        for group in groups:
            add_members_to_community(session, [zhang], group)
        award(session, zhang, 120, reason="开业活动", now=datetime.now() - timedelta(days=1))
        session.commit()
    window = make_window(sqlite_database)
    window.resize(1280, 728)
    window.tabs.setCurrentWidget(window.ledger_tab)
    members = window.ledger_tab.findChild(QListWidget, "ledger_member_list")
    qtbot.waitUntil(lambda: members.count() == 1 and members.isVisible(), timeout=60_000)
    settle_layout()
    item = members.item(0)
    assert item.text().endswith("120 pts")
    room = members.visualItemRect(item).width() - 8  # the item's padding either side
    shown = members.fontMetrics().elidedText(item.text(), members.textElideMode(), room)
    assert shown != item.text()  # the line is long: it is shortened…
    assert shown.endswith("120 pts")  # …but never by its points
    assert shown.startswith("张小凡")  # nor by whose they are
    assert members.textElideMode() != Qt.TextElideMode.ElideNone
