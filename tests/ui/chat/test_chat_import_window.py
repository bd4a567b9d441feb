"""导入群聊记录 as an owner does it: choose an export, confirm the community, answer 小雨,
give the day of copied text, import (or cancel: nothing changes), and bad files told in the
dialog with nothing written."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from PySide6.QtCore import QDate
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLabel,
    QProgressDialog,
    QPushButton,
    QTableView,
    QTableWidget,
)
from sqlalchemy import func, select

from db.chat_models import ChatMessage
from db.models import Community, Member
from db.referral_models import ReferralEdge
from tests.core.chat import chat_helpers as h
from tests.ui.conftest import when_shown
from ui.chat.import_dialog import PAGE_CHOOSE, PAGE_DONE, PAGE_PREVIEW, ChatImportDialog


def count(database, table) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(table))


def counts(database) -> dict[str, int]:
    return {
        table.__tablename__: count(database, table)
        for table in (Member, Community, ChatMessage, ReferralEdge)
    }


def open_dialog(qtbot, database) -> ChatImportDialog:
    dialog = ChatImportDialog(database)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def choose(qtbot, dialog, path) -> None:
    dialog.set_path(path)
    qtbot.waitUntil(lambda: not dialog._reads.busy(), timeout=60_000)


def preview(qtbot, dialog) -> None:
    before = dialog.plan
    dialog.findChild(QPushButton, "chat_import_preview").click()
    qtbot.waitUntil(
        lambda: (
            dialog.plan is not None
            and dialog.plan is not before
            and dialog.pages.currentIndex() == PAGE_PREVIEW
        ),
        timeout=60_000,
    )


def replan(qtbot, dialog) -> None:
    before = dialog.plan
    apply = dialog.findChild(QPushButton, "chat_import_apply")
    assert apply.text() == "更新预览"
    apply.click()
    qtbot.waitUntil(lambda: dialog.plan is not None and dialog.plan is not before, timeout=60_000)


def import_now(qtbot, dialog):
    apply = dialog.findChild(QPushButton, "chat_import_apply")
    assert apply.isEnabled() and apply.text() == "导入"
    with qtbot.waitSignal(dialog.data_changed, timeout=60_000) as changed:
        apply.click()
    assert dialog.pages.currentIndex() == PAGE_DONE
    return changed.args[0]


def rows(dialog, name: str) -> list[list[str]]:
    model = dialog.findChild(QTableView, name).model()
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def test_a_wechatmsg_export_end_to_end(app, qtbot, sqlite_database):
    group = h.truth()["group1"]
    dialog = open_dialog(qtbot, sqlite_database)
    choose(qtbot, dialog, h.WECHATMSG)
    assert not dialog.findChild(QDateEdit, "chat_import_day").isVisibleTo(dialog)
    preview(qtbot, dialog)
    summary = dialog.findChild(QLabel, "chat_import_summary").text()
    assert f"消息 {group['sent_messages']} 条" in summary and "邀请关系 18" in summary
    assert counts(sqlite_database) == {
        "members": 0, "communities": 0, "chat_messages": 0, "referral_edges": 0,
    }  # fmt: skip
    assert len(rows(dialog, "chat_import_edges")) == 18
    kinds = {row[0]: int(row[1]) for row in rows(dialog, "chat_import_kinds")}
    assert kinds["文字"] == group["messages_by_kind"]["text"] and kinds["撤回"] == 3
    assert dialog.details.tabText(0).startswith("新成员")
    notes = dialog.findChild(QLabel, "chat_import_notes").text()
    assert "不保存消息文字" in notes and "退群不会出现在聊天记录里" in notes
    # No community of that name: nothing is created until the owner agrees.
    apply = dialog.findChild(QPushButton, "chat_import_apply")
    create = dialog.findChild(QCheckBox, "chat_import_create")
    assert create.isVisibleTo(dialog) and "样例烘焙福利1群" in create.text()
    assert not apply.isEnabled()
    create.setChecked(True)
    changed = import_now(qtbot, dialog)
    assert {"members", "communities", "activity", "points", "campaigns"} <= set(changed)
    done = dialog.findChild(QLabel, "chat_import_done").text()
    assert f"消息 {group['sent_messages']} 条" in done
    assert count(sqlite_database, ChatMessage) == group["sent_messages"]
    assert count(sqlite_database, ReferralEdge) == 18
    with sqlite_database.session() as session:
        assert session.scalar(select(Community.name)) == "样例烘焙福利1群"
        assert session.scalar(select(func.count()).where(ChatMessage.text.is_not(None))) == 0


def _xiaoyu_text(tmp_path):
    """Text copied on Windows from group 2: 小雨 speaks, and two members have that name."""
    path = tmp_path / "复制的聊天.txt"
    path.write_text(
        "小雨:\r\n周六的面包课还有位置吗\r\n\r\n烘焙小王:\r\n有的\r\n\r\n小雨:\r\n[图片]\r\n\r\n",
        encoding="utf-8",
    )
    return path


def _answer(dialog, row: int, data: str) -> None:
    combo = dialog.findChild(QComboBox, f"chat_import_answer_{row}")
    index = combo.findData(data)
    assert index > 0, [combo.itemText(i) for i in range(combo.count())]
    combo.setCurrentIndex(index)


def _wxid_of_sender(database, community: str) -> dict[str | None, int]:
    with database.session() as session:
        found = session.execute(
            select(Member.wxid, func.count())
            .join(ChatMessage, ChatMessage.member_id == Member.id)
            .join(Community, Community.id == ChatMessage.community_id)
            .where(Community.name == community, Member.nickname == "小雨")
            .group_by(Member.wxid)
        )
        return dict(found.all())


def test_the_xiaoyu_question_answered_in_the_dialog_decides_who(
    app, qtbot, sqlite_database, tmp_path
):
    # Group 2 (PyWxDump folder): the join names "小雨" only, and two members are called that.
    dialog = open_dialog(qtbot, sqlite_database)
    choose(qtbot, dialog, h.PYWXDUMP_DIR)
    preview(qtbot, dialog)
    questions = dialog.findChild(QTableWidget, "chat_import_questions")
    assert dialog.details.currentWidget() is dialog.details.questions_page
    assert questions.rowCount() == 1 and questions.item(0, 1).text() == "小雨"
    _answer(dialog, 0, "wxid_sample0201")
    replan(qtbot, dialog)
    assert dialog.findChild(QTableWidget, "chat_import_questions").rowCount() == 0
    dialog.findChild(QCheckBox, "chat_import_create").setChecked(True)
    import_now(qtbot, dialog)
    with sqlite_database.session() as session:
        invitees = session.scalars(
            select(Member.wxid).join(ReferralEdge, ReferralEdge.invitee_id == Member.id)
        ).all()
    assert "wxid_sample0201" in invitees and "wxid_sample0202" not in invitees
    group2 = "样例烘焙福利2群"
    before = _wxid_of_sender(sqlite_database, group2)

    # Then text copied on Windows, pointed at group 2: whose are 小雨's two messages?
    dialog = open_dialog(qtbot, sqlite_database)
    choose(qtbot, dialog, _xiaoyu_text(tmp_path))
    dialog.findChild(QDateEdit, "chat_import_day").setDate(QDate(2025, 3, 29))
    preview(qtbot, dialog)
    community = dialog.findChild(QComboBox, "chat_import_community")
    community.setCurrentIndex(community.findData(group2))
    replan(qtbot, dialog)
    assert dialog.plan.chats[0].matched_by == "given"
    [question] = dialog.plan.chats[0].resolution.questions
    assert question.messages == 2
    with sqlite_database.session() as session:
        second = session.scalar(select(Member.id).where(Member.wxid == "wxid_sample0202"))
    combo = dialog.findChild(QComboBox, "chat_import_answer_0")
    offered = [combo.itemText(i) for i in range(combo.count())]
    assert f"小雨（#{second}，{group2}" in offered[combo.findData(str(second))]
    _answer(dialog, 0, str(second))
    replan(qtbot, dialog)
    import_now(qtbot, dialog)
    after = _wxid_of_sender(sqlite_database, group2)
    assert after["wxid_sample0202"] == before["wxid_sample0202"] + 2
    assert after["wxid_sample0201"] == before["wxid_sample0201"]


def test_windows_text_asks_for_its_day(app, qtbot, sqlite_database):
    dialog = open_dialog(qtbot, sqlite_database)
    choose(qtbot, dialog, h.COPY_WINDOWS)
    day = dialog.findChild(QDateEdit, "chat_import_day")
    preview_button = dialog.findChild(QPushButton, "chat_import_preview")
    assert day.isVisibleTo(dialog) and not preview_button.isEnabled()
    day.setDate(QDate(2025, 3, 20))
    assert preview_button.isEnabled()
    preview(qtbot, dialog)
    dialog.findChild(QCheckBox, "chat_import_create").setChecked(True)
    import_now(qtbot, dialog)
    with sqlite_database.session() as session:
        days = {moment.date() for moment in session.scalars(select(ChatMessage.sent_at))}
    assert days == {date(2025, 3, 20)}
    assert count(sqlite_database, ChatMessage) == 40


def test_cancel_changes_nothing(app, qtbot, sqlite_database, sqlite_url):
    dialog = open_dialog(qtbot, sqlite_database)
    choose(qtbot, dialog, h.WECHATMSG)
    preview(qtbot, dialog)
    dialog.findChild(QCheckBox, "chat_import_create").setChecked(True)
    # Another writer holds the database: the import waits at its start, long enough for the
    # owner to press 取消 in the progress dialog, and then finds the cancel after its first
    # writes (community, members, memberships), which roll back.
    holder = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        dialog.findChild(QPushButton, "chat_import_apply").click()
        task = dialog.import_task

        def progress_dialog():
            for widget in QApplication.topLevelWidgets():
                if isinstance(widget, QProgressDialog) and widget.isVisible():
                    return widget
            return None

        qtbot.waitUntil(lambda: progress_dialog() is not None, timeout=60_000)
        with qtbot.waitSignal(task.was_cancelled, timeout=60_000):
            progress_dialog().findChild(QPushButton).click()  # 取消, as the owner presses it
            holder.execute("ROLLBACK")
    finally:
        holder.close()
    assert counts(sqlite_database) == {
        "members": 0, "communities": 0, "chat_messages": 0, "referral_edges": 0,
    }  # fmt: skip
    assert "已取消导入" in dialog.findChild(QLabel, "chat_import_preview_error").text()
    assert dialog.pages.currentIndex() == PAGE_PREVIEW
    # Importing after a cancel takes a new preview first, then works.
    replan(qtbot, dialog)
    dialog.findChild(QCheckBox, "chat_import_create").setChecked(True)
    import_now(qtbot, dialog)
    assert count(sqlite_database, ChatMessage) == h.truth()["group1"]["sent_messages"]


def _png(path):
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    return path


def _truncated_json(path):
    whole = h.write_chatlog_json(path.with_name("whole.json")).read_bytes()
    path.with_name("whole.json").unlink()
    path.write_bytes(whole[: len(whole) // 2])
    return path


def _wrong_encoding(path):
    path.write_bytes(bytes([0x81, 0x30, 0xFF, 0xFE, 0x80, 0x00]) * 20_000)
    return path


def _empty_folder(path):
    folder = path.with_name("空文件夹")
    folder.mkdir()
    return folder


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (_png, "PNG"),
        (_truncated_json, "不完整"),
        (_wrong_encoding, "编码|不是文本"),
        (_empty_folder, "没有能识别的聊天记录"),
    ],
)
def test_a_bad_file_is_told_in_the_dialog_and_nothing_is_written(
    app, qtbot, sqlite_database, tmp_path, make, reason
):
    import re

    path = make(tmp_path / "聊天记录.json")
    dialog = open_dialog(qtbot, sqlite_database)
    choose(qtbot, dialog, path)
    preview_button = dialog.findChild(QPushButton, "chat_import_preview")
    refused_at_once = not preview_button.isEnabled()  # told when chosen, before any preview
    if not refused_at_once:  # refused only when read: the preview tells it
        preview_button.click()
        qtbot.waitUntil(
            lambda: dialog.findChild(QLabel, "chat_import_error").isVisibleTo(dialog),
            timeout=60_000,
        )
    error = dialog.findChild(QLabel, "chat_import_error")
    assert error.isVisibleTo(dialog) and re.search(reason, error.text()), error.text()
    assert "\n" not in error.text()
    assert dialog.pages.currentIndex() == PAGE_CHOOSE and dialog.plan is None
    assert refused_at_once == (make in (_png, _wrong_encoding))
    assert counts(sqlite_database) == {
        "members": 0, "communities": 0, "chat_messages": 0, "referral_edges": 0,
    }  # fmt: skip


def test_the_data_menu_and_the_members_import_menu_open_it(make_window, sqlite_database):
    window = make_window(sqlite_database)
    opened = []
    when_shown("chat_import_dialog", lambda dialog: (opened.append("menu"), dialog.reject()))
    window.findChild(QAction, "action_import_chat").trigger()
    assert opened == ["menu"]
    when_shown("chat_import_dialog", lambda dialog: (opened.append("members"), dialog.reject()))
    window.members_tab.findChild(QAction, "members_import_chat").trigger()
    assert opened == ["menu", "members"]


def test_a_folder_dropped_on_the_dialog_is_chosen(app, qtbot, sqlite_database):
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    dialog = open_dialog(qtbot, sqlite_database)
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(h.PYWXDUMP_DIR))])
    drop = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    dialog.dropEvent(drop)
    qtbot.waitUntil(lambda: not dialog._reads.busy(), timeout=60_000)
    assert dialog.path == h.PYWXDUMP_DIR
    assert "文件夹" in dialog.findChild(QLabel, "chat_import_path").text()
    assert dialog.findChild(QPushButton, "chat_import_preview").isEnabled()


def test_who_the_exporting_account_is_can_be_typed(app, qtbot, sqlite_database, tmp_path):
    """chatlog's CSV does not say which rows are the owner's own: "我" is asked, answered by
    typing a wxid of the chat (or a member number)."""
    dialog = open_dialog(qtbot, sqlite_database)
    choose(qtbot, dialog, h.write_chatlog_csv(tmp_path / "chatlog.csv"))
    preview(qtbot, dialog)
    [question] = dialog.plan.chats[0].resolution.questions
    assert question.about_self
    combo = dialog.findChild(QComboBox, "chat_import_answer_0")
    assert combo.isEditable()
    combo.lineEdit().setText(h.ME)
    combo.lineEdit().editingFinished.emit()
    replan(qtbot, dialog)
    assert not dialog.plan.chats[0].resolution.questions


def test_a_chat_of_a_folder_can_be_pointed_at_an_existing_community(
    app, qtbot, sqlite_database, tmp_path
):
    import shutil

    from core.communities.registry import create_community, new_fields

    with sqlite_database.session(write=True) as session:
        fields = new_fields(session)
        fields.name = "烘焙1群"
        create_community(session, fields)
    folder = tmp_path / "导出"
    shutil.copytree(h.SAMPLES / "wechatmsg_v2.0.5", folder / "wechatmsg")
    shutil.copytree(h.SAMPLES / "pywxdump_v3.1.45", folder / "pywxdump")
    dialog = open_dialog(qtbot, sqlite_database)
    qtbot.waitUntil(lambda: "烘焙1群" in dialog.details.community_names, timeout=60_000)
    choose(qtbot, dialog, folder)
    preview(qtbot, dialog)
    assert not dialog.findChild(QComboBox, "chat_import_community").isVisibleTo(dialog)
    row = next(i for i, c in enumerate(dialog.plan.chats) if c.chat.format == "wechatmsg_csv")
    combo = dialog.findChild(QComboBox, f"chat_import_chat_community_{row}")
    combo.setCurrentIndex(combo.findData("烘焙1群"))
    replan(qtbot, dialog)
    assert dialog.plan.chats[row].matched_by == "given"
    create = dialog.findChild(QCheckBox, "chat_import_create")
    assert "样例烘焙福利2群" in create.text() and "样例烘焙福利1群" not in create.text()
    create.setChecked(True)
    import_now(qtbot, dialog)
    with sqlite_database.session() as session:
        names = set(session.scalars(select(Community.name)))
        in_first = session.scalar(
            select(func.count())
            .select_from(ChatMessage)
            .join(Community, Community.id == ChatMessage.community_id)
            .where(Community.name == "烘焙1群")
        )
    assert names == {"烘焙1群", "样例烘焙福利2群"}
    assert in_first == h.truth()["group1"]["sent_messages"]
