"""积分 tab: a reward's picture picked, shown, refused when hostile, cleared; 按规则发放 to the
members picked in the list, with the rule's points and its daily cap."""

from __future__ import annotations

import io
import struct
import zlib
from datetime import datetime, timedelta

import pytest
from PIL import Image
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
)
from sqlalchemy import select

from core.ledger.catalogue import RewardSpec, reward_image, save_reward
from core.ledger.entries import award
from core.ledger.rules import RuleSpec, save_rule
from core.members.editing import create_member
from db.ledger_models import LedgerEntry, LedgerReward
from tests.ui.conftest import when_shown


@pytest.fixture
def ledger(make_window, sqlite_database, qtbot):
    with sqlite_database.session() as session:
        zhang = create_member(session, "张小凡", phone="13800000016")
        li = create_member(session, "李四")
        for member_id, points in ((zhang, 120), (li, 60)):
            award(session, member_id, points, reason="开业活动", now=datetime.now() - timedelta(1))
        save_reward(session, RewardSpec("定制帆布袋", 100, stock=3, cost_cents=1800))
        save_rule(
            session,
            RuleSpec("custom:晒单", "custom", "晒单有礼", 15, daily_cap=20, pending_days=2),
        )
    window = make_window(sqlite_database)
    tab = window.ledger_tab
    window.tabs.setCurrentWidget(tab)
    members = tab.findChild(QListWidget, "ledger_member_list")
    qtbot.waitUntil(
        lambda: members.count() == 2 and not tab.busy() and bool(tab.rules_page.rules),
        timeout=60_000,
    )
    return tab, zhang, li


def press(dialog, button=QDialogButtonBox.StandardButton.Ok) -> None:
    dialog.findChild(QDialogButtonBox).button(button).click()


def picture_file(tmp_path, name: str, image: Image.Image, fmt: str) -> str:
    path = tmp_path / name
    image.save(path, format=fmt)
    return str(path)


def bomb_file(tmp_path) -> str:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    path = tmp_path / "bomb.png"
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )
    return str(path)


def reward_id(database) -> int:
    with database.session() as session:
        return session.scalars(select(LedgerReward.id)).one()


def test_pick_a_picture_see_it_in_the_list_and_clear_it(
    ledger, qtbot, sqlite_database, tmp_path, monkeypatch
):
    tab, _, _ = ledger
    tab.sections.setCurrentIndex(3)
    qtbot.waitUntil(lambda: tab.catalogue_page.model.rowCount() == 1, timeout=60_000)
    photo = Image.new("CMYK", (2400, 1600), (0, 255, 255, 0))  # a big red CMYK photo
    path = picture_file(tmp_path, "帆布袋.jpg", photo, "JPEG")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (path, ""))
    seen = {}

    def pick(dialog) -> None:
        preview = dialog.findChild(QLabel, "ledger_reward_image")
        seen["before"] = preview.text()
        assert not dialog.findChild(QPushButton, "ledger_reward_image_clear").isEnabled()
        dialog.findChild(QPushButton, "ledger_reward_image_pick").click()
        seen["pixmap"] = preview.pixmap().width()
        press(dialog)

    when_shown("ledger_reward_dialog", pick)
    tab.catalogue_page.table.selectRow(0)
    tab.findChild(QPushButton, "ledger_reward_edit").click()
    rid = reward_id(sqlite_database)
    qtbot.waitUntil(lambda: rid in tab.catalogue_page.model.thumbnails, timeout=60_000)
    assert seen == {"before": "无图片", "pixmap": 160}
    with sqlite_database.session() as session:
        stored = Image.open(io.BytesIO(reward_image(session, rid)))
    assert stored.format == "JPEG" and stored.size == (800, 533) and stored.mode == "RGB"
    assert stored.getpixel((400, 266))[0] > 200
    icon = tab.catalogue_page.model.index(0, 0).data(1)  # Qt.DecorationRole
    assert icon is not None and max(icon.width(), icon.height()) == 40
    assert tab.catalogue_page.model.index(0, 0).data() == "定制帆布袋"

    def clear(dialog) -> None:
        assert dialog.findChild(QLabel, "ledger_reward_image").pixmap().width() == 160
        dialog.findChild(QPushButton, "ledger_reward_image_clear").click()
        assert dialog.findChild(QLabel, "ledger_reward_image").text() == "无图片"
        press(dialog)

    when_shown("ledger_reward_dialog", clear)
    tab.catalogue_page.table.selectRow(0)
    tab.findChild(QPushButton, "ledger_reward_edit").click()
    qtbot.waitUntil(lambda: rid not in tab.catalogue_page.model.thumbnails, timeout=60_000)
    with sqlite_database.session() as session:
        assert reward_image(session, rid) is None


def test_a_hostile_picture_is_refused_and_nothing_is_stored(
    ledger, qtbot, sqlite_database, tmp_path, monkeypatch
):
    tab, _, _ = ledger
    tab.sections.setCurrentIndex(3)
    qtbot.waitUntil(lambda: tab.catalogue_page.model.rowCount() == 1, timeout=60_000)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (bomb_file(tmp_path), ""))
    messages = []

    def refused(box) -> None:
        messages.append(box.text())
        box.accept()

    def pick(dialog) -> None:
        when_shown("user_error_dialog", refused)
        dialog.findChild(QPushButton, "ledger_reward_image_pick").click()
        assert dialog.findChild(QLabel, "ledger_reward_image").text() == "无图片"
        press(dialog)

    when_shown("ledger_reward_dialog", pick)
    tab.catalogue_page.table.selectRow(0)
    tab.findChild(QPushButton, "ledger_reward_edit").click()
    qtbot.waitUntil(lambda: bool(messages) and not tab.busy(), timeout=60_000)
    assert "尺寸过大" in messages[0]
    with sqlite_database.session() as session:
        assert reward_image(session, reward_id(sqlite_database)) is None


def test_award_a_custom_rule_to_picked_members_and_the_cap_holds(
    ledger, qtbot, sqlite_database, monkeypatch
):
    tab, zhang, li = ledger
    members = tab.findChild(QListWidget, "ledger_member_list")
    members.setCurrentRow(0)
    members.item(1).setSelected(True)  # Ctrl-click the second one
    assert sorted(m for m, _ in tab.statement_page.selected_members()) == sorted([zhang, li])
    infos = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: infos.append(text))
    seen = {}

    def choose(dialog) -> None:
        combo = dialog.findChild(QComboBox, "ledger_rule_award_rule")
        seen["first"] = combo.itemData(0)
        assert combo.findData("makeup_checkin") < 0 and combo.findData("purchase") < 0
        combo.setCurrentIndex(combo.findData("custom:晒单"))
        seen["details"] = dialog.findChild(QLabel, "ledger_rule_award_details").text()
        seen["members"] = dialog.findChild(QLabel, "ledger_rule_award_members").text()
        dialog.findChild(QLineEdit, "ledger_rule_award_reason").setText("6 月晒单")
        press(dialog)

    when_shown("ledger_rule_award_dialog", choose)
    tab.findChild(QPushButton, "ledger_award_rule").click()
    qtbot.waitUntil(lambda: bool(infos), timeout=60_000)
    assert seen["first"] == "custom:晒单"
    assert "15 分" in seen["details"] and "每日上限 20" in seen["details"]
    assert "2 天后生效" in seen["details"]
    assert "张小凡" in seen["members"] and "李四" in seen["members"]
    assert "2 位成员" in infos[0] and "共 30 积分" in infos[0]
    with sqlite_database.session() as session:
        rows = session.execute(
            select(LedgerEntry.member_id, LedgerEntry.points, LedgerEntry.reason).where(
                LedgerEntry.source == "rule"
            )
        ).all()
    assert sorted(rows) == sorted(
        [(zhang, 15, "晒单有礼：6 月晒单"), (li, 15, "晒单有礼：6 月晒单")]
    )

    # Again: only 5 more fit under the cap of 20 for each; a third time is refused.
    def again(dialog) -> None:
        combo = dialog.findChild(QComboBox, "ledger_rule_award_rule")
        combo.setCurrentIndex(combo.findData("custom:晒单"))
        press(dialog)

    when_shown("ledger_rule_award_dialog", again)
    tab.findChild(QPushButton, "ledger_award_rule").click()
    qtbot.waitUntil(lambda: len(infos) == 2, timeout=60_000)
    assert "共 10 积分" in infos[1] and "每日上限 20" in infos[1]
    refusals = []

    def refused(box) -> None:
        refusals.append(box.text())
        box.accept()

    when_shown("ledger_rule_award_dialog", again)
    when_shown("user_error_dialog", refused)
    tab.findChild(QPushButton, "ledger_award_rule").click()
    qtbot.waitUntil(lambda: bool(refusals) and not tab.busy(), timeout=60_000)
    assert "每日上限" in refusals[0]
    with sqlite_database.session() as session:
        total = sum(session.scalars(select(LedgerEntry.points).where(LedgerEntry.source == "rule")))
    assert total == 40
