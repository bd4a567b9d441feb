"""合并重复成员 as an operator uses it: look at a pair, merge it, undo it; not the same; skip."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QListWidget,
    QPushButton,
    QRadioButton,
    QTableWidget,
)
from sqlalchemy import select

from core.members.editing import refresh_search_keys
from db.models import ActivityEvent, Community, Member, Membership, NotSamePerson
from tests.ui.conftest import when_shown
from ui.members.merge_dialog import MergeDialog

T0 = datetime(2025, 3, 1, 9, 30)


def add(session, nickname: str, community: int | None, *, events: int = 0, **fields) -> int:
    member = Member(nickname=nickname, created_at=T0, updated_at=T0, **fields)
    session.add(member)
    session.flush()
    if community is not None:
        session.add(Membership(member_id=member.id, community_id=community, joined_at=T0))
    for day in range(events):
        session.add(
            ActivityEvent(
                member_id=member.id,
                community_id=community,
                kind="checkin",
                occurred_at=T0 + timedelta(days=day),
            )
        )
    session.flush()
    refresh_search_keys(session, member)
    return member.id


@pytest.fixture
def duplicates(sqlite_database):
    with sqlite_database.session() as session:
        bakery = Community(name="麦香烘焙福利1群")
        session.add(bakery)
        session.flush()
        ids = {
            "fan": add(
                session,
                "张小凡",
                bakery.id,
                events=5,
                phone="13800000016",
                wechat_id="wx_zhangfan",
            ),
            "fan2": add(session, "张小凡🌸", bakery.id, events=1),
            "amy": add(session, "Amy", bakery.id, events=2),
            "amy2": add(session, "amy", bakery.id),
            "wang": add(session, "王五", bakery.id),
        }
    return sqlite_database, ids


def run_dialog(qtbot, database, handle) -> MergeDialog:
    """Open the dialog modally, as the members tab does, and act on it once it shows."""
    results = {}

    def act(dialog: MergeDialog) -> None:
        try:
            qtbot.waitUntil(
                lambda: not dialog.busy() and dialog.pair_list.count() > 0, timeout=60_000
            )
            handle(dialog)
        finally:
            results["done"] = True
            dialog.accept()

    when_shown("merge_dialog", act)
    dialog = MergeDialog(database)
    qtbot.addWidget(dialog)
    dialog.exec()
    assert results.get("done")
    return dialog


def select_pair(dialog: MergeDialog, a: str, b: str) -> None:
    for row in range(dialog.pair_list.count()):
        # Each side: the name, then what tells it apart ("张小凡 · 麦香烘焙福利1群 · 尾号 0016").
        sides = dialog.pair_list.item(row).text().split("\n")[0].split("  ⇄  ")
        if [side.split(" · ")[0] for side in sides] == [a, b]:
            dialog.pair_list.setCurrentRow(row)
            return
    raise AssertionError(f"no pair {a} / {b} in the list")


def merged_into(database, member_id: int) -> int | None:
    with database.session() as session:
        return session.get(Member, member_id).merged_into_id


def test_merge_a_suggested_pair_then_undo_it(app, qtbot, duplicates):
    database, ids = duplicates

    def handle(dialog: MergeDialog) -> None:
        pairs = dialog.findChild(QListWidget, "merge_suggestions")
        assert pairs.count() == 2
        select_pair(dialog, "张小凡", "张小凡🌸")
        evidence = dialog.findChild(QLabel, "merge_evidence").text()
        assert evidence == "昵称相似 95%（张小凡 / 张小凡🌸），同在 麦香烘焙福利1群"
        assert dialog.findChild(QLabel, "merge_a_phone").text() == "138****0016"
        assert dialog.findChild(QLabel, "merge_a_wechat_id").text() == "wx*******an"
        assert dialog.findChild(QLabel, "merge_a_activity").text().startswith("5 条")
        assert "麦香烘焙福利1群" in dialog.findChild(QLabel, "merge_b_communities").text()
        # The more active member is the one kept unless the user says otherwise.
        assert dialog.findChild(QRadioButton, "merge_keep_a").isChecked()

        with qtbot.waitSignal(dialog.data_changed, timeout=60_000) as changed:
            dialog.findChild(QPushButton, "merge_do").click()
        assert changed.args == [{"members"}]
        qtbot.waitUntil(lambda: pairs.count() == 1, timeout=60_000)
        assert not pairs.item(0).text().startswith("张小凡")
        assert merged_into(database, ids["fan2"]) == ids["fan"]
        history = dialog.findChild(QTableWidget, "merge_history")
        qtbot.waitUntil(lambda: history.rowCount() == 1, timeout=60_000)
        assert [history.item(0, c).text() for c in (1, 2, 4)] == ["张小凡", "张小凡🌸", "可撤销"]
        assert "合并到「张小凡」" in dialog.findChild(QLabel, "merge_notice").text()

        dialog.tabs.setCurrentIndex(1)
        undo = dialog.findChild(QPushButton, "merge_undo")
        assert not undo.isEnabled()
        history.selectRow(0)
        assert undo.isEnabled()
        with qtbot.waitSignal(dialog.data_changed, timeout=60_000):
            undo.click()
        qtbot.waitUntil(
            lambda: history.item(0, 4) is not None and history.item(0, 4).text() == "已撤销",
            timeout=60_000,
        )
        qtbot.waitUntil(lambda: pairs.count() == 2, timeout=60_000)
        assert merged_into(database, ids["fan2"]) is None
        assert not undo.isEnabled()

    run_dialog(qtbot, database, handle)


def test_keep_the_other_one_and_undo_from_the_notice(app, qtbot, duplicates):
    database, ids = duplicates

    def handle(dialog: MergeDialog) -> None:
        select_pair(dialog, "Amy", "amy")
        keep_b = dialog.findChild(QRadioButton, "merge_keep_b")
        keep_b.click()
        assert keep_b.isChecked()
        with qtbot.waitSignal(dialog.data_changed, timeout=60_000):
            dialog.findChild(QPushButton, "merge_do").click()
        assert merged_into(database, ids["amy"]) == ids["amy2"]
        notice_undo = dialog.findChild(QPushButton, "merge_notice_undo")
        qtbot.waitUntil(notice_undo.isVisible, timeout=60_000)
        with qtbot.waitSignal(dialog.data_changed, timeout=60_000):
            notice_undo.click()
        assert merged_into(database, ids["amy"]) is None
        qtbot.waitUntil(lambda: "又是单独的成员" in dialog.notice_text.text(), timeout=60_000)
        assert not notice_undo.isVisible()

    run_dialog(qtbot, database, handle)


def test_not_the_same_person_is_remembered_and_skip_is_not(app, qtbot, duplicates):
    database, ids = duplicates

    def handle(dialog: MergeDialog) -> None:
        pairs = dialog.findChild(QListWidget, "merge_suggestions")
        select_pair(dialog, "Amy", "amy")
        dialog.findChild(QPushButton, "merge_not_same").click()
        qtbot.waitUntil(lambda: pairs.count() == 1, timeout=60_000)
        assert "不是同一个人" in dialog.notice_text.text()
        dialog.findChild(QPushButton, "merge_skip").click()
        assert pairs.count() == 0
        assert "没有发现" in dialog.findChild(QLabel, "merge_message").text()
        dialog.findChild(QPushButton, "merge_reload").click()
        qtbot.waitUntil(lambda: pairs.count() == 1, timeout=60_000)  # the skipped pair is back
        assert pairs.item(0).text().startswith("张小凡")

    run_dialog(qtbot, database, handle)
    with database.session() as session:
        refused = session.scalars(select(NotSamePerson)).all()
    assert [(r.member_a_id, r.member_b_id) for r in refused] == [(ids["amy"], ids["amy2"])]
    assert merged_into(database, ids["amy2"]) is None


def test_full_numbers_only_when_asked(app, qtbot, duplicates):
    database, _ = duplicates

    def handle(dialog: MergeDialog) -> None:
        select_pair(dialog, "张小凡", "张小凡🌸")
        phone = dialog.findChild(QLabel, "merge_a_phone")
        assert phone.text() == "138****0016"
        dialog.findChild(QCheckBox, "merge_show_full").setChecked(True)
        assert phone.text() == "13800000016"
        assert dialog.findChild(QLabel, "merge_a_wechat_id").text() == "wx_zhangfan"

    run_dialog(qtbot, database, handle)


def test_nothing_to_merge(app, qtbot, sqlite_database):
    with sqlite_database.session() as session:
        add(session, "王五", None)
    shown = {}

    def check(dialog: MergeDialog) -> None:
        qtbot.waitUntil(lambda: not dialog.busy(), timeout=60_000)
        shown["message"] = dialog.findChild(QLabel, "merge_message").text()
        dialog.accept()

    when_shown("merge_dialog", check)
    dialog = MergeDialog(sqlite_database)
    qtbot.addWidget(dialog)
    dialog.exec()
    assert shown["message"] == "没有发现可能重复的成员。"


def test_a_pair_of_one_name_is_told_apart_in_the_list(app, qtbot, sqlite_database):
    with sqlite_database.session() as session:
        group = Community(name="麦香烘焙会员1群")
        session.add(group)
        session.flush()
        add(session, "A_黄慧", group.id, phone="13800000016")
        add(session, "A_黄慧", group.id, remark="黄慧姐")
    seen = []

    def handle(dialog: MergeDialog) -> None:
        pairs = dialog.findChild(QListWidget, "merge_suggestions")
        seen.extend(pairs.item(row).text().split("\n")[0] for row in range(pairs.count()))

    run_dialog(qtbot, sqlite_database, handle)
    assert seen == [
        "A_黄慧 · 麦香烘焙会员1群 · 尾号 0016  ⇄  A_黄慧 · 备注 黄慧姐 · 麦香烘焙会员1群"
    ]
