"""GUI: the 接龙 paste dialog and the why-panel in the member detail."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QPushButton
from sqlalchemy import func, select

from db.models import ActivityEvent, LevelChange, Membership
from ui.activity.paste_dialog import PasteDialog
from ui.tiers.level_panel import LevelPanel

YESTERDAY = date.today() - timedelta(days=1)


def count_events(database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(ActivityEvent))


def test_paste_match_resolve_and_record(app, qtbot, group):
    database, cid, ids = group
    dialog = PasteDialog(database, cid)
    qtbot.addWidget(dialog)
    dialog.text.setPlainText(
        f"#接龙\n{YESTERDAY.month}月{YESTERDAY.day}日\n1. 张小凡\n2. 阿杰\n3. 谁\n"
    )
    dialog.findChild(QPushButton, "pasteParse").click()
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=60_000)
    results = dialog.results
    assert [results.item(r, 0).text() for r in range(results.rowCount())] == [
        "张小凡",
        "阿杰",
        "谁",
    ]
    assert count_events(database) == 0  # matching writes nothing
    summary = dialog.findChild(QLabel, "pasteSummary").text()
    assert "匹配 1 人" in summary and "待选择 1 人" in summary and "没有找到 1 人" in summary

    choice = dialog.findChild(QComboBox, "pasteChoice_1")
    choice.setCurrentIndex(choice.findData(ids["阿杰"][1]))
    record = dialog.findChild(QPushButton, "pasteRecord")
    assert record.isEnabled()
    with qtbot.waitSignal(dialog.recorded, timeout=60_000) as signal:
        record.click()
    assert signal.args == [2]
    with database.session() as session:
        rows = session.execute(select(ActivityEvent.member_id, ActivityEvent.occurred_at)).all()
    assert sorted(m for m, _ in rows) == sorted([ids["张小凡"][0], ids["阿杰"][1]])
    assert {when.date() for _, when in rows} == {YESTERDAY}


def test_a_broken_paste_shows_the_reason_and_records_nothing(app, qtbot, group):
    from tests.ui.conftest import when_shown

    database, cid, _ids = group
    dialog = PasteDialog(database, cid)
    qtbot.addWidget(dialog)
    dialog.text.setPlainText("#接龙\n\n")
    messages = []
    when_shown("user_error_dialog", lambda box: (messages.append(box.text()), box.accept()))
    dialog.findChild(QPushButton, "pasteParse").click()
    qtbot.waitUntil(lambda: bool(messages), timeout=60_000)
    assert "没有找到接龙名单" in messages[0]
    assert not dialog.findChild(QPushButton, "pasteRecord").isEnabled()
    assert count_events(database) == 0


def test_level_panel_explains_and_locks(app, qtbot, group):
    database, _cid, ids = group
    mid = ids["张小凡"][0]
    panel = LevelPanel(database)
    qtbot.addWidget(panel)
    panel.show_member(mid)
    qtbot.waitUntil(lambda: len(panel.cards) == 1, timeout=60_000)
    card = panel.cards[0]
    assert "晨跑群" in card.findChild(QLabel, "levelTitle").text()
    assert "即可升级为" in card.findChild(QLabel, "levelHint").text()
    assert "活跃天数" in card.findChild(QLabel, "levelCriteria").text()

    card.findChild(QCheckBox, "levelLock").setChecked(True)
    qtbot.waitUntil(
        lambda: bool(panel.cards) and panel.cards[0] is not card and panel.cards[0].item.locked,
        timeout=60_000,
    )
    combo = panel.cards[0].findChild(QComboBox, "levelCombo")
    combo.setCurrentIndex(combo.findData("kol"))
    combo.activated.emit(combo.currentIndex())
    qtbot.waitUntil(
        lambda: bool(panel.cards) and panel.cards[0].item.level == "kol", timeout=60_000
    )
    with database.session() as session:
        membership = session.scalar(select(Membership).where(Membership.member_id == mid))
        causes = session.scalars(select(LevelChange.cause).order_by(LevelChange.id)).all()
    assert (membership.level, membership.level_locked) == ("kol", True)
    assert causes == ["lock", "manual"]


def test_the_window_gives_the_member_detail_its_level_section(app, qtbot, group, make_window):
    """Members do not import tiers: the window adds the why-panel to the member detail, and a
    level given there reaches the other tabs as Change.MEMBERS."""
    from ui.common.changes import Change

    database, _cid, ids = group
    window = make_window(database)
    tab = window.members_tab
    window.tabs.setCurrentWidget(tab)
    # The level section first (the chat's 群聊发言 follows it).
    panel = tab.detail.sections[0]
    assert isinstance(panel, LevelPanel)
    label = tab.detail.findChild(QLabel, "member_detail_title")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3 and not tab.busy(), timeout=60_000)
    assert tab.select_member(ids["张小凡"][0])
    qtbot.waitUntil(lambda: len(panel.cards) == 1 and label.text() == "张小凡", timeout=60_000)
    with qtbot.waitSignal(window.data_changed, timeout=60_000) as changed:
        panel.cards[0].findChild(QCheckBox, "levelLock").setChecked(True)
    assert Change.MEMBERS in changed.args[0]
