"""Issue 15 in the 粘贴接龙 window: 「张秀云🍀」 goes to the member called exactly that, not to the
one whose group nickname is 张秀云; a name two members fit equally is a question the operator
answers by picking; a loose match says so."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import QComboBox, QLabel, QPushButton
from sqlalchemy import select

from core.members.editing import refresh_search_keys
from db.models import ActivityEvent, Member, Membership
from tests.core.tiers.helpers import community, member
from ui.activity.paste_dialog import PasteDialog

YESTERDAY = date.today() - timedelta(days=1)


def test_exact_name_wins_and_a_tie_is_picked(app, qtbot, sqlite_database):
    database = sqlite_database
    with database.session() as session:
        cid = community(session, "打卡群")
        ids = {}
        for nickname, group_nickname in (
            ("A_季辉", "张秀云"),
            ("张秀云🍀", None),
            ("小王", None),
            ("王小二", "小王"),
            ("Lily", None),
        ):
            mid = member(session, cid, nickname)
            refresh_search_keys(session, session.get(Member, mid))
            if group_nickname:
                session.execute(
                    Membership.__table__.update()
                    .where(Membership.member_id == mid)
                    .values(group_nickname=group_nickname)
                )
            ids[nickname] = mid
        session.commit()

    dialog = PasteDialog(database, cid)
    qtbot.addWidget(dialog)
    dialog.text.setPlainText(
        f"#接龙 {YESTERDAY.month}月{YESTERDAY.day}日\n1. 张秀云🍀 已打卡\n2. 小王\n3. 🌸Lily🌸\n"
    )
    dialog.findChild(QPushButton, "pasteParse").click()
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=60_000)
    results = dialog.results
    rows = {results.item(r, 0).text(): r for r in range(results.rowCount())}
    assert results.item(rows["张秀云🍀"], 1).text() == "张秀云🍀"
    assert results.item(rows["张秀云🍀"], 2).text() == "昵称"
    assert results.item(rows["🌸Lily🌸"], 2).text() == "昵称（近似，请核对）"
    question = rows["小王"]
    assert results.item(question, 2).text() == "2 人都可能是"
    assert results.item(question, 3).text() == "请选择"
    summary = dialog.findChild(QLabel, "pasteSummary").text()
    assert "将记录 2 次签到" in summary and "待选择 1 人" in summary

    choice = dialog.findChild(QComboBox, f"pasteChoice_{question}")
    assert [choice.itemData(i) for i in range(choice.count())][1:] == [ids["小王"], ids["王小二"]]
    choice.setCurrentIndex(choice.findData(ids["王小二"]))
    with qtbot.waitSignal(dialog.recorded, timeout=60_000) as signal:
        dialog.findChild(QPushButton, "pasteRecord").click()
    assert signal.args == [3]
    with database.session() as session:
        checked_in = set(session.scalars(select(ActivityEvent.member_id)))
    assert checked_in == {ids["张秀云🍀"], ids["王小二"], ids["Lily"]}  # not A_季辉
