"""The members tab on a laptop screen in English (the longer labels): the buttons and filters
wrap, and the member detail beside the table fits its panel without a sideways scroll."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QAbstractItemView, QLabel, QPushButton, QScrollArea, QWidget

from core.members.editing import refresh_search_keys
from db.models import Member
from tests.core.tiers.helpers import community, member


def test_detail_fits_beside_the_table_at_1280_pixels(english, make_window, sqlite_database, qtbot):
    with sqlite_database.session() as session:
        cid = community(session, "晨跑群")
        mid = member(session, cid, "张小凡")
        refresh_search_keys(session, session.get(Member, mid))
    window = make_window(sqlite_database)
    window.resize(1280, 800)
    window.tabs.setCurrentWidget(window.members_tab)
    table = window.findChild(QAbstractItemView, "members_table")
    qtbot.waitUntil(lambda: table.model().rowCount() == 1, timeout=60_000)
    table.selectRow(0)
    panel = window.findChild(QWidget, "levelPanel")
    qtbot.waitUntil(lambda: len(panel.cards) == 1, timeout=60_000)
    QCoreApplication.sendPostedEvents()  # the layout pass the new card asked for
    QCoreApplication.processEvents()

    editor = window.findChild(QWidget, "member_detail_editor")
    scroll = editor.parentWidget()
    while not isinstance(scroll, QScrollArea):
        scroll = scroll.parentWidget()
    assert scroll.widget().width() <= scroll.viewport().width()
    assert not scroll.horizontalScrollBar().isVisible()
    assert scroll.viewport().width() >= 300
    assert window.findChild(QLabel, "levelTitle").text()

    # The action buttons wrapped onto a second line rather than pushing the panel aside.
    buttons = window.findChild(QWidget, "members_actions").findChildren(QPushButton)
    assert len({button.geometry().top() for button in buttons}) >= 2
    for button in buttons:
        assert button.width() >= button.sizeHint().width()
