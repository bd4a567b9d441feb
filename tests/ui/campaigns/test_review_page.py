"""GUI: the 活动 tab's 审核 page on its own — the held rewards, approve / reject / blacklist
keeping who, when and why, a rejection without a reason refused, the moderation mode saved
through core's settings, and settling after a preview that writes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
)
from sqlalchemy import func, select

from core.campaigns.settings import parse
from core.common.operator import operator_name
from db.ledger_models import LedgerEntry
from db.referral_models import Campaign, CampaignReview
from tests.ui.campaigns.campaign_helpers import Host, build_campaign
from tests.ui.conftest import when_shown
from ui.campaigns.review_page import ReviewPage
from ui.common.changes import Change


@pytest.fixture
def page(app, qtbot, sqlite_database):
    built = build_campaign(sqlite_database)
    host = Host(sqlite_database)
    page = ReviewPage(host, host)
    qtbot.addWidget(host)
    host.resize(1200, 700)
    host.show()
    page.show_campaign(built.campaign_id)
    qtbot.waitUntil(lambda: not host.busy() and page.board is not None, timeout=60_000)
    return page, host, built


def rows(page, name="campaign_review_queue") -> list[list[str]]:
    table = page.findChild(QTableView, name)
    model = table.model()
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def settled(qtbot, host, page):
    qtbot.waitUntil(lambda: not host.busy(), timeout=60_000)


def click(page, name):
    page.findChild(QPushButton, name).click()


def ledger(database) -> list[tuple[int, int]]:
    with database.session() as session:
        return [
            (e.member_id, e.points)
            for e in session.scalars(select(LedgerEntry).order_by(LedgerEntry.id))
        ]


def reviews(database) -> list[tuple[str, str, str]]:
    with database.session() as session:
        return [
            (r.action, r.who, r.why)
            for r in session.scalars(select(CampaignReview).order_by(CampaignReview.id))
        ]


def test_the_queue_shows_members_rewards_deadlines_and_reasons_overdue_first(page):
    page, _host, _built = page
    shown = rows(page)
    assert [row[:3] for row in shown] == [
        ["李大嘴", "新人乙", "10 分"],
        ["张小凡", "新人甲", "10 分"],
        ["张小凡", "张小凡丫", "10 分"],
    ]
    assert shown[0][5] == "已超期" and shown[1][5] == ""
    assert shown[0][6] == "无风险信号"  # held by the mode; overdue has its own column
    assert shown[2][6] == "昵称与邀请人相近（张小凡 / 张小凡丫）"
    summary = page.findChild(QLabel, "campaign_review_summary").text()
    assert "待审核 3 条" in summary and "已超期 1" in summary
    box = page.findChild(QComboBox, "campaign_review_filter")
    box.setCurrentIndex(box.findData("flagged"))
    assert [row[1] for row in rows(page)] == ["张小凡丫"]
    box.setCurrentIndex(box.findData("overdue"))
    assert [row[1] for row in rows(page)] == ["新人乙"]


def test_approve_reject_and_blacklist_keep_who_when_and_why(page, qtbot, sqlite_database):
    page, host, built = page
    before = datetime.now() - timedelta(seconds=1)
    # Approve the overdue one (selected first): it leaves the queue, its points go pending.
    click(page, "campaign_review_approve")
    settled(qtbot, host, page)
    assert [row[1] for row in rows(page)] == ["新人甲", "张小凡丫"]
    assert ledger(sqlite_database) == [(built.members["李大嘴"], 10)]
    assert host.announced[-1] == {Change.CAMPAIGNS, Change.POINTS}

    # Reject without a reason: refused in the dialog, nothing written; then with one.
    seen = {}

    def reject(dialog):
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        ok.click()
        seen["refused"] = (
            dialog.isVisible() and dialog.findChild(QLabel, "campaign_review_reason_message").text()
        )
        assert reviews(sqlite_database) == [("approve", operator_name(), "")]
        dialog.findChild(QPlainTextEdit, "campaign_review_reason").setPlainText("同一台手机注册")
        ok.click()

    when_shown("campaign_reject_dialog", reject)
    click(page, "campaign_review_reject")
    settled(qtbot, host, page)
    assert seen["refused"] == "请写明原因"
    assert [row[1] for row in rows(page)] == ["张小凡丫"]

    # Blacklist 张小凡: the dialog says how many of his rewards it voids.
    def blacklist(dialog):
        seen["text"] = dialog.findChild(QLabel, "campaign_blacklist_dialog_text").text()
        dialog.findChild(QPlainTextEdit, "campaign_review_reason").setPlainText("刷单")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    when_shown("campaign_blacklist_dialog", blacklist)
    click(page, "campaign_review_blacklist")
    qtbot.waitUntil(lambda: "text" in seen, timeout=60_000)
    settled(qtbot, host, page)
    assert "拉黑 张小凡" in seen["text"] and "1 条" in seen["text"]
    assert rows(page) == []
    assert page.findChild(QTableView, "campaign_review_queue").isHidden()

    who = operator_name()
    assert reviews(sqlite_database) == [
        ("approve", who, ""),
        ("reject", who, "同一台手机注册"),
        ("blacklist", who, "刷单"),
    ]
    history = rows(page, "campaign_review_history")  # newest first
    assert [(r[1], r[2], r[3], r[4]) for r in history] == [
        (who, "拉黑", "张小凡", "刷单"),
        (who, "驳回", "张小凡", "同一台手机注册"),
        (who, "通过", "李大嘴", ""),
    ]
    assert all(datetime.fromisoformat(r[0]) >= before.replace(second=0, microsecond=0)
               for r in history)  # fmt: skip


def test_a_reject_cancelled_writes_nothing(page, qtbot, sqlite_database):
    page, host, _built = page
    when_shown("campaign_reject_dialog", lambda dialog: dialog.reject())
    click(page, "campaign_review_reject")
    settled(qtbot, host, page)
    assert reviews(sqlite_database) == [] and len(rows(page)) == 3 and host.announced == []


def test_the_mode_is_saved_through_the_settings_then_settle_previews_and_applies(
    page, qtbot, sqlite_database
):
    page, host, built = page
    mode = page.findChild(QComboBox, "campaign_review_mode")
    assert mode.currentData() == "hold_all"
    mode.setCurrentIndex(mode.findData("approve_clean"))
    click(page, "campaign_review_mode_save")
    settled(qtbot, host, page)
    with sqlite_database.session() as session:
        campaign = session.get(Campaign, built.campaign_id)
        assert parse(campaign.kind, campaign.settings).screening.mode == "approve_clean"
    assert rows(page) == []  # the flagged one rejected, the clean ones go on

    seen = {}

    def preview(box: QMessageBox):
        seen["text"] = box.text()
        seen["ledger"] = ledger(sqlite_database)  # the preview wrote nothing
        box.button(QMessageBox.StandardButton.Yes).click()

    when_shown("campaign_settle_confirm", preview)
    click(page, "campaign_settle")
    qtbot.waitUntil(lambda: "text" in seen, timeout=60_000)
    settled(qtbot, host, page)
    assert "入账 2 笔共 20 分" in seen["text"] and seen["ledger"] == []
    assert sorted(ledger(sqlite_database)) == sorted(
        [(built.members["张小凡"], 10), (built.members["李大嘴"], 10)]
    )
    qtbot.waitUntil(lambda: page.findChild(QMessageBox, "campaign_settled_box") is not None)
    page.findChild(QMessageBox, "campaign_settled_box").close()
    with sqlite_database.session() as session:
        assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 2


def test_no_campaign_picked_shows_an_empty_page(app, qtbot, sqlite_database):
    host = Host(sqlite_database)
    page = ReviewPage(host, host)
    qtbot.addWidget(host)
    page.show_campaign(None)
    assert rows(page) == []
    assert not page.findChild(QPushButton, "campaign_settle").isEnabled()
    assert not page.findChild(QPushButton, "campaign_review_approve").isEnabled()
    assert page.title() == "审核"


def test_a_queue_gone_stale_is_refused_in_one_line_and_redrawn(page, qtbot, sqlite_database):
    from core.workflows.campaign_rewards import review

    page, host, built = page
    key = page.current().key
    with sqlite_database.session(write=True) as session:  # another reviewer, at the CLI
        review(session, str(built.campaign_id), "approve", key=key, who="老板")
    seen = {}

    def refused(box: QMessageBox):
        seen["text"] = box.text()
        box.accept()

    when_shown("user_error_dialog", refused)
    click(page, "campaign_review_approve")
    qtbot.waitUntil(lambda: "text" in seen, timeout=60_000)
    settled(qtbot, host, page)
    qtbot.waitUntil(lambda: len(rows(page)) == 2, timeout=60_000)
    assert "不在待审核队列中" in seen["text"] and "\n" not in seen["text"]
    assert [r[1] for r in rows(page, "campaign_review_history")] == ["老板"]
