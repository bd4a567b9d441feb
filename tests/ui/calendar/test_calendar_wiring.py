"""The calendar's pieces joined in the item editor and the tab: attachments from the 素材库
saved with the item (a sent item's refused with core's message), the best send times of the
chosen communities (a click sets the time; no chat history says why), the 常青 flag and
再次排期, and the reload sending items not reviewed by their time back to 草稿 — announced
once, not in a loop."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QListWidget, QPushButton, QSpinBox
from sqlalchemy import insert, select

from core.calendar.items import create_item, find_item
from core.calendar.materials import add_material, attachments_of, set_attachments
from core.calendar.settings import APPROVAL_SETTING
from core.calendar.status import schedule, set_status
from core.calendar.today import mark_sent
from core.common.settings_store import set_setting
from db.calendar_models import ContentItem
from db.chat_models import ChatMessage
from db.models import Community, Member
from tests.core.calendar.material_helpers import picture
from ui.calendar.tab import CalendarTab

YEAR = date.today().year + 2
LATER = datetime(YEAR, 6, 10, 9, 0)  # a Saturday or not: nothing overdue
_refs = itertools.count()


@pytest.fixture
def make_tab(app, qtbot, sqlite_database):
    def make() -> CalendarTab:
        tab = CalendarTab(sqlite_database)
        tab.data_changed.connect(tab.refresh)  # as the main window hands it back
        qtbot.addWidget(tab)
        tab.resize(1280, 760)
        tab.anchor = LATER.date()
        tab.show()
        tab.refresh()
        qtbot.waitUntil(lambda: not tab.busy(), timeout=60_000)
        return tab

    return make


def communities(database, *names: str) -> list[int]:
    with database.session(write=True) as session:
        rows = [Community(name=name, created_on=date(2026, 1, 1)) for name in names]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def materials(database, tmp_path, *titles: str) -> list[int]:
    with database.session(write=True) as session:
        colours = itertools.cycle(["red", "green", "blue", "orange"])
        return [
            add_material(
                session, picture(tmp_path / f"{t}.png", next(colours)), title=t
            ).material.id
            for t in titles
        ]


def open_editor(tab, qtbot, item_id: int | None = None):
    if item_id is None:
        tab.findChild(QPushButton, "calendar_new").click()
    else:
        tab.edit_item(item_id)
    qtbot.waitUntil(lambda: tab.editor is not None and tab.editor.isVisible(), timeout=60_000)
    qtbot.waitUntil(lambda: not tab.busy(), timeout=60_000)
    return tab.editor


def shown_titles(editor) -> list[str]:
    shown = editor.findChild(QListWidget, "item_attachments")
    return [shown.item(i).text() for i in range(shown.count())]


def pick(editor, qtbot, *titles: str) -> None:
    """添加…, then in the picker select `titles` and press OK."""
    editor.findChild(QPushButton, "item_attachments_add").click()
    qtbot.waitUntil(lambda: editor.picker is not None and editor.picker.isVisible(), timeout=60_000)
    picker = editor.picker
    qtbot.waitUntil(lambda: picker.page.listing is not None, timeout=60_000)
    grid = picker.page.grid
    for row in range(grid.count()):
        if grid.item(row).text() in titles:
            grid.item(row).setSelected(True)
    picker.accept()
    qtbot.waitUntil(lambda: editor.picker is None, timeout=60_000)


def save(tab, editor, qtbot) -> None:
    editor.findChild(QPushButton, "item_save").click()
    qtbot.waitUntil(lambda: not tab.busy(), timeout=60_000)


def attached(database, item_id: int) -> list[str]:
    with database.session() as session:
        return [row.title for row in attachments_of(session, [item_id]).get(item_id, [])]


def test_attachments_are_picked_removed_and_saved_with_the_item(
    make_tab, sqlite_database, qtbot, tmp_path
):
    (group,) = communities(sqlite_database, "烘焙群")
    materials(sqlite_database, tmp_path, "早安海报", "活动规则", "群二维码")
    tab = make_tab()
    editor = open_editor(tab, qtbot)
    editor.title_edit.setText("周末烘焙课")
    pick(editor, qtbot, "活动规则", "早安海报")
    assert sorted(shown_titles(editor)) == ["早安海报", "活动规则"]
    first = shown_titles(editor)
    save(tab, editor, qtbot)
    assert tab.editor is None
    with sqlite_database.session() as session:
        (item_id,) = session.scalars(select(ContentItem.id)).all()
    assert attached(sqlite_database, item_id) == first

    # Edit: adding keeps the order already there; remove one; saved in that order.
    editor = open_editor(tab, qtbot, item_id)
    assert shown_titles(editor) == first
    pick(editor, qtbot, "群二维码")
    assert shown_titles(editor) == [*first, "群二维码"]
    listed = editor.findChild(QListWidget, "item_attachments")
    remove = editor.findChild(QPushButton, "item_attachments_remove")
    assert not remove.isEnabled()
    listed.item(0).setSelected(True)
    remove.click()
    assert shown_titles(editor) == [first[1], "群二维码"]
    save(tab, editor, qtbot)
    assert attached(sqlite_database, item_id) == [first[1], "群二维码"]
    assert group  # the community exists; attachments need none


def test_a_sent_items_attachments_do_not_change_and_core_says_why(
    make_tab, sqlite_database, qtbot, tmp_path
):
    (group,) = communities(sqlite_database, "烘焙群")
    poster, rules = materials(sqlite_database, tmp_path, "早安海报", "活动规则")
    with sqlite_database.session(write=True) as session:
        item = create_item(session, "开课通知", planned_at=LATER, community_ids=[group])
        set_attachments(session, item.id, [poster, rules])
        schedule(session, item.id)
        mark_sent(session, item.id)
        item_id = item.id
    tab = make_tab()
    editor = open_editor(tab, qtbot, item_id)
    editor.notes.setPlainText("效果不错")
    editor.findChild(QListWidget, "item_attachments").item(0).setSelected(True)
    editor.findChild(QPushButton, "item_attachments_remove").click()
    save(tab, editor, qtbot)
    error = editor.findChild(QLabel, "item_error")
    assert editor.isVisible() and error.isVisible()
    assert "已发送" in error.text() and "附件" in error.text()
    assert attached(sqlite_database, item_id) == ["早安海报", "活动规则"]
    with sqlite_database.session() as session:
        assert find_item(session, item_id).notes == ""  # one write: nothing of it kept


def say(session, member: int, community: int, at: datetime) -> None:
    session.execute(
        insert(ChatMessage).values(
            community_id=community, member_id=member, sent_at=at, kind="text", length=2,
            source_ref=f"wiring:{next(_refs)}", time_known=True,
        )
    )  # fmt: skip


def test_best_send_times_follow_the_chosen_communities_and_set_the_time(
    make_tab, sqlite_database, qtbot
):
    chatty, quiet = communities(sqlite_database, "读书会", "空群")
    now = datetime.now()
    wednesday = (now - timedelta(days=now.weekday() + 28 - 2)).replace(hour=20, minute=5)
    with sqlite_database.session(write=True) as session:
        member = Member(nickname="张三")
        session.add(member)
        session.flush()
        for week in range(3):  # three Wednesdays at 20:xx
            say(session, member.id, chatty, wednesday + timedelta(weeks=week))
    tab = make_tab()
    editor = open_editor(tab, qtbot)
    view = editor.best_times
    assert view.texts() == []  # nothing chosen yet: a hint, not a guess
    rows = editor.findChild(QListWidget, "item_communities")
    named = {rows.item(i).text(): rows.item(i) for i in range(rows.count())}
    named["读书会"].setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: "周三 20:00（3 天有发言）" in view.texts(), timeout=60_000)
    named["空群"].setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: any("还没有导入群聊记录" in t for t in view.texts()), timeout=60_000)
    assert "周三 20:00（3 天有发言）" in view.texts()

    editor.planned_at.setDateTime(LATER)
    view.buttons[0].click()
    chosen = editor.planned_at.dateTime().toPython()
    assert (chosen.weekday(), chosen.hour, chosen.minute) == (2, 20, 0)
    assert LATER <= chosen < LATER + timedelta(days=7)  # the week the operator chose
    assert chatty and quiet


def test_evergreen_flag_and_planning_a_sent_evergreen_item_again(make_tab, sqlite_database, qtbot):
    (group,) = communities(sqlite_database, "烘焙群")
    tab = make_tab()
    editor = open_editor(tab, qtbot)
    editor.title_edit.setText("新手常见问题")
    editor.findChild(QCheckBox, "item_evergreen").setChecked(True)
    save(tab, editor, qtbot)
    with sqlite_database.session(write=True) as session:
        item = session.scalars(select(ContentItem)).one()
        assert item.evergreen
        item_id = item.id
        set_status(session, item_id, "scheduled")
        from core.calendar.items import edit_item

        edit_item(session, item_id, community_ids=[group])
        mark_sent(session, item_id)

    editor = open_editor(tab, qtbot, item_id)
    assert editor.findChild(QCheckBox, "item_evergreen").isChecked()
    editor.findChild(QSpinBox, "item_recycle_days").setValue(14)
    editor.findChild(QPushButton, "item_recycle").click()
    qtbot.waitUntil(lambda: tab.editor is None, timeout=60_000)
    with sqlite_database.session() as session:
        copy = session.scalars(
            select(ContentItem).where(ContentItem.recycled_from_id == item_id)
        ).one()
        sent_at = find_item(session, item_id).sent_at
        assert copy.evergreen and copy.status == "scheduled"
        assert copy.planned_at.date() >= min(sent_at.date() + timedelta(days=14), date.today())
    assert "再次排期" in tab.findChild(QLabel, "calendar_notice_text").text()

    # Unmark it: a sent item keeps its flag editable, and has no 再次排期 without it.
    editor = open_editor(tab, qtbot, item_id)
    editor.findChild(QCheckBox, "item_evergreen").setChecked(False)
    save(tab, editor, qtbot)
    with sqlite_database.session() as session:
        assert not find_item(session, item_id).evergreen
    editor = open_editor(tab, qtbot, item_id)
    assert editor.findChild(QPushButton, "item_recycle") is None
    editor.reject()


def test_reload_sends_unreviewed_items_back_once_without_a_loop(make_tab, sqlite_database, qtbot):
    (group,) = communities(sqlite_database, "烘焙群")
    with sqlite_database.session(write=True) as session:
        set_setting(session, APPROVAL_SETTING, True)
        late = create_item(session, "昨晚的抽奖", planned_at=datetime.now() - timedelta(hours=3),
                           community_ids=[group])  # fmt: skip
        ahead = create_item(session, "下周的干货", planned_at=LATER, community_ids=[group])
        for item in (late, ahead):
            schedule(session, item.id)  # 待审核
        ids = late.id, ahead.id
    announced: list = []
    tab = CalendarTab(sqlite_database)
    tab.data_changed.connect(announced.append)
    tab.data_changed.connect(tab.refresh)
    qtbot.addWidget(tab)
    tab.show()
    tab.refresh()
    qtbot.waitUntil(lambda: not tab.busy() and len(announced) >= 1, timeout=60_000)
    qtbot.waitUntil(lambda: not tab.busy(), timeout=60_000)
    with sqlite_database.session() as session:
        assert [find_item(session, i).status for i in ids] == ["draft", "pending_review"]
        assert "仍未审核" in find_item(session, ids[0]).notes
    assert len(announced) == 1  # the reload it caused found nothing and said nothing
    assert "昨晚的抽奖" in tab.findChild(QLabel, "calendar_notice_text").text()
    tab.refresh()
    qtbot.waitUntil(lambda: not tab.busy(), timeout=60_000)
    assert len(announced) == 1


def test_the_editor_takes_an_item_out_of_its_campaign(make_tab, sqlite_database, qtbot):
    from core.campaigns.records import CampaignFields, create_campaign

    with sqlite_database.session(write=True) as session:
        campaign = create_campaign(session, CampaignFields("六月任务宝")).id
        item_id = create_item(session, "任务宝开始啦", planned_at=LATER, campaign_id=campaign).id
    tab = make_tab()
    editor = open_editor(tab, qtbot, item_id)
    chooser = editor.findChild(QComboBox, "item_campaign")
    assert chooser.currentData() == campaign
    chooser.setCurrentIndex(chooser.findData(None))  # （不属于活动）
    save(tab, editor, qtbot)
    assert tab.editor is None
    with sqlite_database.session() as session:
        assert find_item(session, item_id).campaign_id is None
