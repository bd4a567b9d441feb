"""While searching, each row of the members table says why it is there (群昵称：小王)."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QTableView
from sqlalchemy import update

from core.members.editing import add_members_to_community, create_member, refresh_search_keys
from db.models import Community, Member, Membership


def people(database) -> None:
    with database.session() as session:
        group = Community(name="麦香烘焙福利1群", platform="wechat")
        session.add(group)
        session.flush()
        wang = create_member(session, "王小二")
        create_member(session, "小王同学")
        create_member(session, "张三")
        add_members_to_community(session, [wang], group.id)
        session.execute(
            update(Membership).where(Membership.member_id == wang).values(group_nickname="小王")
        )
        refresh_search_keys(session, session.get(Member, wang))


def test_the_match_column_names_the_field_that_matched(make_window, sqlite_database, qtbot):
    people(sqlite_database)
    window = make_window(sqlite_database)
    window.tabs.setCurrentWidget(window.members_tab)
    tab = window.members_tab
    table = tab.findChild(QTableView, "members_table")
    header = table.horizontalHeader()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3, timeout=60_000)
    match = next(
        c
        for c in range(tab.model.columnCount())
        if tab.model.headerData(c, header.orientation()) == "匹配"
    )
    assert table.isColumnHidden(match)  # nothing searched: nothing to explain
    tab.findChild(QLineEdit, "members_search").setText("小王")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=60_000)
    assert not table.isColumnHidden(match)
    assert header.visualIndex(match) == 1  # right beside 昵称
    rows = {tab.model.index(row, 0).data(): tab.model.index(row, match).data() for row in range(2)}
    assert rows == {"王小二": "群昵称：小王", "小王同学": ""}
    tab.findChild(QLineEdit, "members_search").clear()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3, timeout=60_000)
    assert table.isColumnHidden(match)


def test_the_match_column_in_english(make_window, english, sqlite_database, qtbot):
    people(sqlite_database)
    window = make_window(sqlite_database)
    tab = window.members_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3, timeout=60_000)
    tab.findChild(QLineEdit, "members_search").setText("小王")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=60_000)
    header = tab.table.horizontalHeader()
    match = header.logicalIndex(1)
    assert tab.model.headerData(match, header.orientation()) == "Matched"
    notes = {tab.model.index(row, match).data() for row in range(2)}
    assert notes == {"Group nickname: 小王", ""}
