"""The 积分 tab in the English interface: the ledger's own refusals and names (written in
core, in Chinese) reach the window in English."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QListWidget,
)

from core.common.errors import UserError
from core.ledger.catalogue import RewardSpec, redeem, save_reward, set_redemption_status
from core.ledger.entries import award, reverse
from core.members.editing import create_member
from ui.common.i18n import shown


@pytest.fixture
def ledger(english, make_window, sqlite_database, qtbot):
    """The tab, built in English, with one member holding 120 points and one reward."""
    with sqlite_database.session() as session:
        zhang = create_member(session, "张小凡", phone="13800000016")
        award(session, zhang, 120, reason="开业活动", now=datetime.now() - timedelta(days=1))
        save_reward(session, RewardSpec("定制帆布袋", 100, stock=3, cost_cents=1800))
    window = make_window(sqlite_database)
    tab = window.ledger_tab
    window.tabs.setCurrentWidget(tab)
    members = tab.findChild(QListWidget, "ledger_member_list")
    qtbot.waitUntil(lambda: members.count() == 1 and not tab.busy(), timeout=60_000)
    members.setCurrentRow(0)
    qtbot.waitUntil(
        lambda: tab.findChild(QLabel, "ledger_balance_available").text() == "120",
        timeout=60_000,
    )
    return tab, zhang


def test_entry_kinds_statuses_rule_types_and_reward_kinds_are_english(ledger, qtbot):
    tab, _ = ledger
    statement = tab.statement_page.model
    qtbot.waitUntil(lambda: statement.rowCount() == 1, timeout=60_000)
    assert statement.index(0, 1).data() == "Earned"  # 类型
    assert statement.index(0, 4).data() == "Effective"  # 状态
    qtbot.waitUntil(lambda: tab.rules_page.model.rowCount() > 0 and not tab.busy(), timeout=60_000)
    types = [
        tab.rules_page.model.index(row, 1).data() for row in range(tab.rules_page.model.rowCount())
    ]
    assert "Check-in" in types and "Check-in streak bonus" in types
    assert tab.catalogue_page.model.index(0, 1).data() == "Physical"
    kinds = tab.findChild(QComboBox, "ledger_journal_kind")
    assert [kinds.itemText(i) for i in range(1, 4)] == ["Earned", "Spent", "Expired"]
    statuses = tab.findChild(QComboBox, "ledger_redemption_status")
    assert statuses.findText("To deliver") > 0 and statuses.findText("Delivered") > 0


def test_a_refusal_naming_statuses_translates_them_too(ledger, sqlite_database):
    _, zhang = ledger
    with sqlite_database.session() as session:
        reward_id = save_reward(session, RewardSpec("咖啡券", 10, kind="virtual"))
        record = redeem(session, zhang, reward_id)
        set_redemption_status(session, record.id, "delivered")
        set_redemption_status(session, record.id, "used")
        with pytest.raises(UserError) as caught:
            set_redemption_status(session, record.id, "delivered")
    assert caught.value.message == f"兑换 {record.code} 当前为「已核销」，不能改为「已发放」"
    assert shown(caught.value.message) == (
        f"Redemption {record.code} is “Used” and cannot become “Delivered”"
    )


def test_a_second_reversal_is_refused_in_english(ledger, sqlite_database):
    _, zhang = ledger
    with sqlite_database.session() as session:
        entry = award(session, zhang, 5, reason="补偿")
        reverse(session, entry, reason="发错了")
        with pytest.raises(UserError) as caught:
            reverse(session, entry, reason="再来一次")
    assert shown(caught.value.message).startswith(f"Entry {entry} was already reversed by entry")


def test_the_journal_says_what_each_reference_is_in_english(ledger, qtbot, sqlite_database):
    from core.ledger.catalogue import list_rewards

    tab, zhang = ledger
    with sqlite_database.session() as session:
        reward_id = list_rewards(session)[0].id
        code = redeem(session, zhang, reward_id).code
    tab.sections.setCurrentIndex(1)
    tab.journal_page.text.setText(code)
    tab.journal_page.reload()
    qtbot.waitUntil(
        lambda: tab.journal_page.model.rowCount() == 1 and not tab.busy(), timeout=60_000
    )
    assert tab.journal_page.model.index(0, 7).data() == f"Redeemed “定制帆布袋” · code {code}"


def test_the_redeem_form_says_why_not_in_english(ledger, qtbot, sqlite_database):
    from PySide6.QtWidgets import QPushButton

    from tests.ui.conftest import when_shown

    tab, _ = ledger
    with sqlite_database.session() as session:
        save_reward(session, RewardSpec("蓝牙音箱", 150, stock=5))
    seen = []

    def read(dialog) -> None:
        box = dialog.findChild(QComboBox, "ledger_redeem_reward")
        seen.extend(box.itemText(i) for i in range(box.count()))
        dialog.reject()

    when_shown("ledger_redeem_dialog", read)
    tab.findChild(QPushButton, "ledger_redeem").click()
    qtbot.waitUntil(lambda: bool(seen), timeout=60_000)
    assert any(text.endswith(" — 30 more points needed") for text in seen), seen
