"""The 积分 tab in English: the built-in rules' names and the reasons the program wrote are
English while they are the shipped ones; what the owner typed stays as typed; the Chinese
interface is unchanged; the rule type column fits its English."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtWidgets import QLabel, QListWidget

from core.ledger.awards import award_birthdays
from core.ledger.catalogue import RewardSpec, redeem, save_reward
from core.ledger.entries import award
from core.ledger.rules import DEFAULT_RULES
from core.members.editing import create_member
from ui.ledger.dialogs import RuleDialog


def open_ledger(make_window, database, qtbot):
    with database.session() as session:
        zhang = create_member(session, "张小凡", birthday=date.today())
        award(session, zhang, 120, reason="开业活动", now=datetime.now() - timedelta(days=1))
        award_birthdays(session, today=date.today())
        reward = save_reward(session, RewardSpec("定制帆布袋", 100, stock=3))
        redeem(session, zhang, reward)
    window = make_window(database)
    tab = window.ledger_tab
    window.tabs.setCurrentWidget(tab)
    members = tab.findChild(QListWidget, "ledger_member_list")
    qtbot.waitUntil(lambda: members.count() == 1 and not tab.busy(), timeout=60_000)
    members.setCurrentRow(0)
    qtbot.waitUntil(
        lambda: tab.statement_page.model.rowCount() == 3 and not tab.busy(), timeout=60_000
    )
    qtbot.waitUntil(lambda: tab.rules_page.model.rowCount() == len(DEFAULT_RULES), timeout=60_000)
    return tab


def column(model, number: int) -> list[str]:
    return [model.index(row, number).data() for row in range(model.rowCount())]


def test_rule_names_and_written_reasons_are_english(english, make_window, sqlite_database, qtbot):
    tab = open_ledger(make_window, sqlite_database, qtbot)
    reasons = column(tab.statement_page.model, 6)
    assert sorted(reasons) == sorted(["开业活动", "Birthday gift", "Redeemed “定制帆布袋”"])
    names = column(tab.rules_page.model, 0)
    assert names[:3] == ["Daily check-in", "7-day check-in streak", "One make-up check-in"]
    assert not any("\u4e00" <= ch <= "\u9fff" for name in names for ch in name)


def test_the_chinese_interface_keeps_the_chinese_names(make_window, sqlite_database, qtbot):
    tab = open_ledger(make_window, sqlite_database, qtbot)
    assert "生日礼" in column(tab.statement_page.model, 6)
    assert "兑换「定制帆布袋」" in column(tab.statement_page.model, 6)
    assert column(tab.rules_page.model, 0)[:2] == ["每日签到", "连续签到 7 天"]


def test_the_rule_type_column_fits_its_english(english, make_window, sqlite_database, qtbot):
    tab = open_ledger(make_window, sqlite_database, qtbot)
    table = tab.rules_page.table
    metrics = table.fontMetrics()
    for number in range(tab.rules_page.model.columnCount() - 1):  # the last one stretches
        widest = max(
            metrics.horizontalAdvance(text) for text in column(tab.rules_page.model, number)
        )
        assert table.horizontalHeader().sectionSize(number) > widest, column(
            tab.rules_page.model, 0
        )


@pytest.mark.parametrize(
    ("typed", "saved"), [(None, "每日签到"), ("Check-in of the day", "Check-in of the day")]
)
def test_the_rule_editor_keeps_a_shipped_name_unless_retyped(app, english, qtbot, typed, saved):
    dialog = RuleDialog(DEFAULT_RULES[0], new=False)
    qtbot.addWidget(dialog)
    assert dialog.name.text() == "Daily check-in"
    if typed is not None:
        dialog.name.setText(typed)
    assert dialog.result_spec().name == saved


def test_a_rule_award_dialog_reads_right_for_one_point(app, english, qtbot, sqlite_database):
    from core.ledger.rules import current_rules
    from ui.ledger.dialogs import RuleAwardDialog

    with sqlite_database.session() as session:
        rules = [r for r in current_rules(session) if r.code == "message"]  # 1 point, cap 10
    dialog = RuleAwardDialog(["张小凡"], rules)
    qtbot.addWidget(dialog)
    assert dialog.rule.itemText(0) == "Message in the group (Message, 1 point)"
    details = dialog.findChild(QLabel, "ledger_rule_award_details").text()
    assert "1 point each" in details and "Daily cap 10 points" in details
