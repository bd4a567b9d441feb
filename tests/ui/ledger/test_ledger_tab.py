"""The 积分 tab as an operator uses it: pick a member, award, redeem, deliver, cancel with a
refund, edit a rule (a new version), the boss figures and the copyable reminder."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSpinBox,
)
from sqlalchemy import select

from core.ledger.catalogue import RewardSpec, save_reward
from core.ledger.entries import award, spend
from core.members.editing import create_member
from db.ledger_models import LedgerRedemption, LedgerRule
from tests.ui.conftest import when_shown


@pytest.fixture
def ledger(make_window, sqlite_database, qtbot):
    with sqlite_database.session() as session:
        zhang = create_member(session, "张小凡", phone="13800000016")
        create_member(session, "李四")
        award(
            session,
            zhang,
            120,
            reason="开业活动",
            expiry_days=20,
            now=datetime.now() - timedelta(days=1),
        )
        save_reward(session, RewardSpec("定制帆布袋", 100, stock=3, cost_cents=1800))
    window = make_window(sqlite_database)
    tab = window.ledger_tab
    window.tabs.setCurrentWidget(tab)
    members = tab.findChild(QListWidget, "ledger_member_list")
    qtbot.waitUntil(lambda: members.count() == 1 and not tab.busy(), timeout=60_000)
    return window, tab, zhang


def value(tab, name: str) -> str:
    return tab.findChild(QLabel, name).text()


def press_ok(dialog) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def test_the_tab_comes_after_members(ledger):
    window, tab, _ = ledger
    assert window.tabs.indexOf(tab) > window.tabs.indexOf(window.members_tab)
    assert window.tabs.tabText(window.tabs.indexOf(tab)) == "积分"


def test_pick_a_member_and_award_points(ledger, qtbot):
    _, tab, _ = ledger
    tab.findChild(QListWidget, "ledger_member_list").setCurrentRow(0)
    qtbot.waitUntil(lambda: value(tab, "ledger_balance_available") == "120", timeout=60_000)
    assert value(tab, "ledger_balance_expiring_soon") == "120"
    assert "张小凡" in value(tab, "ledger_member_title")

    def fill(dialog) -> None:
        dialog.findChild(QSpinBox, "ledger_points_value").setValue(30)
        dialog.findChild(QLineEdit, "ledger_points_reason").setText("晒单有礼")
        press_ok(dialog)

    when_shown("ledger_points_dialog", fill)
    tab.findChild(QPushButton, "ledger_award").click()
    qtbot.waitUntil(lambda: value(tab, "ledger_balance_available") == "150", timeout=60_000)
    assert tab.statement_page.model.item(0).reason == "晒单有礼"
    assert tab.statement_page.model.index(0, 3).data() == "150"  # running balance, newest first


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("zh_CN", "积分不足：可用 120 分，需要 500 分"),
        ("en", "Not enough points: 120 available, 500 needed"),
    ],
)
def test_a_refused_deduction_says_why(ledger, qtbot, request, language, message):
    if language == "en":
        request.getfixturevalue("english")
    _, tab, _ = ledger
    tab.findChild(QListWidget, "ledger_member_list").setCurrentRow(0)
    qtbot.waitUntil(lambda: value(tab, "ledger_balance_available") == "120", timeout=60_000)
    seen = []

    def fill(dialog) -> None:
        dialog.findChild(QSpinBox, "ledger_points_value").setValue(500)
        dialog.findChild(QLineEdit, "ledger_points_reason").setText("违规")
        press_ok(dialog)

    def refused(box) -> None:
        seen.append(box.text())
        box.accept()

    when_shown("ledger_points_dialog", fill)
    when_shown("user_error_dialog", refused)
    tab.findChild(QPushButton, "ledger_deduct").click()
    qtbot.waitUntil(lambda: bool(seen), timeout=60_000)
    assert seen == [message]
    assert value(tab, "ledger_balance_available") == "120"


def test_redeem_deliver_and_cancel_with_refund(ledger, qtbot, sqlite_database, monkeypatch):
    _, tab, _ = ledger
    tab.findChild(QListWidget, "ledger_member_list").setCurrentRow(0)
    qtbot.waitUntil(lambda: value(tab, "ledger_balance_available") == "120", timeout=60_000)
    codes = []
    when_shown("ledger_redeem_dialog", press_ok)
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: codes.append(text))
    tab.findChild(QPushButton, "ledger_redeem").click()
    qtbot.waitUntil(lambda: value(tab, "ledger_balance_available") == "20", timeout=60_000)
    assert codes and "兑换码" in codes[0]

    tab.sections.setCurrentIndex(4)
    qtbot.waitUntil(lambda: tab.fulfilment_page.model.rowCount() == 1, timeout=60_000)
    tab.fulfilment_page.table.selectRow(0)
    tab.findChild(QPushButton, "ledger_redemption_deliver").click()
    qtbot.waitUntil(lambda: tab.fulfilment_page.model.item(0).status == "delivered", timeout=60_000)
    tab.fulfilment_page.table.selectRow(0)
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("缺货", True))
    tab.findChild(QPushButton, "ledger_redemption_cancel").click()
    qtbot.waitUntil(lambda: tab.fulfilment_page.model.rowCount() == 0, timeout=60_000)
    qtbot.waitUntil(lambda: value(tab, "ledger_balance_available") == "120", timeout=60_000)
    with sqlite_database.session() as session:
        record = session.scalars(select(LedgerRedemption)).one()
        assert record.status == "cancelled" and record.refund_entry_id is not None
        assert "缺货" in record.note


def test_editing_a_rule_writes_a_new_version(ledger, qtbot, sqlite_database):
    _, tab, _ = ledger
    tab.sections.setCurrentIndex(2)
    qtbot.waitUntil(lambda: tab.rules_page.model.rowCount() >= 12, timeout=60_000)
    tab.rules_page.table.selectRow(0)  # 每日签到

    def fill(dialog) -> None:
        dialog.findChild(QSpinBox, "ledger_rule_points").setValue(8)
        press_ok(dialog)

    when_shown("ledger_rule_dialog", fill)
    tab.findChild(QPushButton, "ledger_rule_edit").click()
    qtbot.waitUntil(lambda: tab.rules_page.model.item(0).version == 2, timeout=60_000)
    with sqlite_database.session() as session:
        versions = session.scalars(
            select(LedgerRule.points)
            .where(LedgerRule.code == "checkin")
            .order_by(LedgerRule.version)
        ).all()
    assert versions == [5, 8]


def test_boss_figures_and_a_copyable_reminder(ledger, qtbot):
    _, tab, _ = ledger
    tab.sections.setCurrentIndex(5)
    qtbot.waitUntil(lambda: value(tab, "ledger_liability_outstanding") == "120", timeout=60_000)
    assert value(tab, "ledger_liability_value") == "¥1.20"
    qtbot.waitUntil(lambda: tab.liability_page.expiring_model.rowCount() == 1, timeout=60_000)
    tab.findChild(QPushButton, "ledger_copy_reminder").click()
    text = QGuiApplication.clipboard().text()
    assert "张小凡" in text and "120 积分" in text

    tab.findChild(QLineEdit, "ledger_yuan_per_point").setText("0.05")
    tab.findChild(QPushButton, "ledger_yuan_save").click()
    qtbot.waitUntil(lambda: value(tab, "ledger_liability_value") == "¥6.00", timeout=60_000)


def test_the_reward_form_stops_typed_numbers_at_the_bounds(ledger, qtbot, sqlite_database):
    """10 000 000 points was the old box's maximum; a typed 99999999 now stops at the bound."""
    from PySide6.QtWidgets import QDoubleSpinBox

    from db.bounds import MAX_ENTRY_POINTS, MAX_MONEY_CENTS, MAX_STOCK
    from db.ledger_models import LedgerReward

    _, tab, _ = ledger
    tab.sections.setCurrentIndex(3)
    seen = {}

    def fill(dialog) -> None:
        dialog.findChild(QLineEdit, "ledger_reward_name").setText("金条")
        for name, kind, typed in (
            ("ledger_reward_points", QSpinBox, "99999999"),
            ("ledger_reward_stock", QSpinBox, "99999999"),
            ("ledger_reward_cost", QDoubleSpinBox, "99999999"),
        ):
            box = dialog.findChild(kind, name)
            box.lineEdit().selectAll()
            qtbot.keyClicks(box.lineEdit(), typed)
            box.interpretText()
            seen[name] = (box.maximum(), box.value())
        press_ok(dialog)

    when_shown("ledger_reward_dialog", fill)
    tab.findChild(QPushButton, "ledger_reward_new").click()
    qtbot.waitUntil(lambda: tab.catalogue_page.model.rowCount() == 2, timeout=60_000)
    assert seen["ledger_reward_points"][0] == MAX_ENTRY_POINTS
    assert seen["ledger_reward_stock"][0] == MAX_STOCK
    assert seen["ledger_reward_cost"][0] == MAX_MONEY_CENTS // 100
    assert all(value <= maximum for maximum, value in seen.values())
    with sqlite_database.session() as session:
        prize = session.scalars(select(LedgerReward).where(LedgerReward.name == "金条")).one()
        assert prize.points_cost <= MAX_ENTRY_POINTS and prize.cost_cents <= MAX_MONEY_CENTS


def test_the_journal_says_what_each_reference_is(ledger, qtbot, sqlite_database):
    from core.ledger.awards import award_birthdays

    _, tab, zhang = ledger
    today = datetime.now().date()
    with sqlite_database.session() as session:
        from db.models import Member

        session.get(Member, zhang).birthday = today.replace(year=1990, day=min(today.day, 28))
        award_birthdays(session, today=today.replace(day=min(today.day, 28)))
    tab.sections.setCurrentIndex(1)
    tab.findChild(QPushButton, "ledger_journal_apply").click()
    column = [tab.journal_page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(10)]
    related = column.index("关联")
    qtbot.waitUntil(lambda: tab.journal_page.model.rowCount() == 2, timeout=60_000)
    shown_texts = {tab.journal_page.model.index(r, related).data() for r in range(2)}
    assert f"{today.year} 年生日礼" in shown_texts


def _more_rewards(sqlite_database) -> None:
    """A reward 张小凡 (120 points) can't afford, and one 李四 took the last of."""
    from core.ledger.catalogue import redeem

    with sqlite_database.session() as session:
        save_reward(session, RewardSpec("蓝牙音箱", 150, stock=5))
        cup = save_reward(session, RewardSpec("限量杯", 50, stock=1))
        li = create_member(session, "王五")
        award(session, li, 50, reason="老客")
        redeem(session, li, cup)


def _open_redeem(tab, qtbot, handle) -> list:
    """Open 兑换 for 张小凡 and run `handle(dialog)` on the form; returns what it recorded."""
    tab.findChild(QListWidget, "ledger_member_list").setCurrentRow(0)
    qtbot.waitUntil(lambda: value(tab, "ledger_balance_available") == "120", timeout=60_000)
    seen = []
    when_shown("ledger_redeem_dialog", lambda dialog: seen.append(handle(dialog)))
    tab.findChild(QPushButton, "ledger_redeem").click()
    qtbot.waitUntil(lambda: bool(seen), timeout=60_000)
    return seen


def test_the_redeem_form_greys_what_the_member_cannot_have(ledger, qtbot, sqlite_database):
    from PySide6.QtWidgets import QComboBox

    _more_rewards(sqlite_database)
    _, tab, _ = ledger
    tab.refresh()
    qtbot.waitUntil(lambda: not tab.busy(), timeout=60_000)

    def read(dialog):
        box = dialog.findChild(QComboBox, "ledger_redeem_reward")
        items = {
            box.itemText(i).split("（")[0]: (box.itemText(i), box.model().item(i).isEnabled())
            for i in range(box.count())
        }
        current = box.currentText()
        dialog.reject()
        return items, current

    (items, current), *_ = _open_redeem(tab, qtbot, read)
    assert items["定制帆布袋"][1] and current.startswith("定制帆布袋")
    assert not items["蓝牙音箱"][1] and items["蓝牙音箱"][0].endswith("还差 30 分")
    assert not items["限量杯"][1] and items["限量杯"][0].endswith("已兑完")


def test_a_refused_redemption_keeps_the_form_and_its_note(ledger, qtbot, sqlite_database):
    _, tab, zhang = ledger

    def refused(dialog):
        with sqlite_database.session() as session:  # another operator spends first
            spend(session, zhang, 50, reason="另一台电脑扣的")
        dialog.findChild(QLineEdit, "ledger_redeem_note").setText("上海市徐汇区 XL 码")
        press_ok(dialog)
        message = dialog.findChild(QLabel, "ledger_redeem_message")
        qtbot.waitUntil(lambda: message.isVisible() and not dialog.busy, timeout=60_000)
        state = (
            [w for w in QApplication.topLevelWidgets() if w.objectName() == "user_error_dialog"],
            dialog.isVisible(),
            message.text(),
            dialog.findChild(QLineEdit, "ledger_redeem_note").text(),
        )
        dialog.reject()
        return state

    (error_boxes, visible, message, note), *_ = _open_redeem(tab, qtbot, refused)
    assert error_boxes == [] and visible
    assert message == "积分不足：可用 70 分，需要 100 分"
    assert note == "上海市徐汇区 XL 码"
    with sqlite_database.session() as session:
        assert session.scalars(select(LedgerRedemption)).all() == []
