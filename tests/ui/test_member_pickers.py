"""Four members called A_黄慧 are four different lines in every member picker: told apart by
their group, remark or phone tail, never by an id (issue 15)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QComboBox, QLineEdit, QListWidget, QPushButton
from sqlalchemy import update

from core.communities.registry import new_fields
from core.members.editing import add_members_to_community, create_member
from db.models import Community, Membership
from ui.activity.paste_dialog import PasteDialog
from ui.communities.dialog import CommunityDialog, OwnerPicker
from ui.posters.preview import PreviewData

EXPECTED = {
    "A_黄慧 · 麦香烘焙会员1群 · 尾号 0016",
    "A_黄慧 · 备注 黄慧姐 · 麦香烘焙会员1群",
    "A_黄慧 · 麦香烘焙会员1群 · 尾号 0071",
    "A_黄慧 · 麦香烘焙会员2群",
}


@pytest.fixture
def namesakes(sqlite_database):
    with sqlite_database.session() as session:
        first = Community(name="麦香烘焙会员1群", platform="wechat")
        second = Community(name="麦香烘焙会员2群", platform="wechat")
        session.add_all([first, second])
        session.flush()
        ids = [
            create_member(session, "A_黄慧", phone="13800000016"),
            create_member(session, "A_黄慧", remark="黄慧姐"),
            create_member(session, "A_黄慧", phone="13900000071"),
            create_member(session, "A_黄慧"),
        ]
        add_members_to_community(session, ids[:3], first.id)
        add_members_to_community(session, ids[3:], second.id)
        session.execute(
            update(Membership).where(Membership.member_id == ids[2]).values(group_nickname="小黄")
        )
    return sqlite_database, ids, first.id


def test_the_ledger_member_list(make_window, namesakes, qtbot):
    database, _ids, _group = namesakes
    window = make_window(database)
    tab = window.ledger_tab
    window.tabs.setCurrentWidget(tab)
    tab.findChild(QLineEdit, "ledger_member_search").setText("黄慧")
    members = tab.findChild(QListWidget, "ledger_member_list")
    qtbot.waitUntil(lambda: members.count() == 4 and not tab.busy(), timeout=60_000)
    shown = {members.item(row).text() for row in range(4)}
    assert shown == {f"{text}  · 0 分" for text in EXPECTED}


def test_the_owner_picker(app, namesakes, qtbot):
    database, _ids, _group = namesakes
    with database.session() as session:
        fields = new_fields(session)
    dialog = CommunityDialog(database, fields)
    qtbot.addWidget(dialog)
    dialog.show()
    picker = dialog.findChild(OwnerPicker, "community_owner")
    picker.setFocus()
    picker.setText("黄慧")
    picker.textEdited.emit("黄慧")
    qtbot.waitUntil(lambda: picker.suggestions.rowCount() == 4, timeout=60_000)
    assert set(picker.suggestions.stringList()) == EXPECTED


def test_the_poster_preview_member_box(app, namesakes, qtbot):
    database, _ids, _group = namesakes
    preview = PreviewData(database)
    qtbot.addWidget(preview)
    assert preview.search("黄慧") == 4
    assert {preview.itemText(i) for i in range(1, 5)} == EXPECTED


def test_a_paste_question_within_one_group(app, namesakes, qtbot):
    """In the group's own 接龙 its name tells nobody apart: the 群昵称 there does."""
    database, ids, group = namesakes
    dialog = PasteDialog(database, group)
    qtbot.addWidget(dialog)
    dialog.text.setPlainText("#接龙 打卡\n1. A_黄慧\n")
    dialog.findChild(QPushButton, "pasteParse").click()
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=60_000)
    choice = dialog.findChild(QComboBox, "pasteChoice_0")
    assert [choice.itemText(i) for i in range(1, choice.count())] == [
        "A_黄慧 · 尾号 0016",
        "A_黄慧 · 备注 黄慧姐",
        "A_黄慧 · 群昵称 小黄 · 尾号 0071",
    ]
    assert [choice.itemData(i) for i in range(1, choice.count())] == ids[:3]
