"""GUI: 记录邀请 — a typo'd code is refused with the real code as a choice, picking it records
the edge; by hand (how = manual) a second inviter is a first-referrer clash, kept as rejected;
a draft campaign is refused in one line."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QPushButton, QRadioButton
from sqlalchemy import select

from core.members.editing import add_members_to_community, create_member
from core.referrals.issuing import campaign_codes_for
from db.referral_models import Campaign, ReferralEdge
from tests.ui.campaigns.campaign_helpers import Host, build_campaign
from ui.campaigns.record_dialog import record_invite
from ui.communities.dialog import OwnerPicker


@pytest.fixture
def opened(app, qtbot, sqlite_database):
    built = build_campaign(sqlite_database)
    with sqlite_database.session(write=True) as session:
        newcomer = create_member(session, "新人丙")
        add_members_to_community(session, [newcomer], built.community_id)
        code = campaign_codes_for(session, built.campaign_id, [built.members["张小凡"]])[
            built.members["张小凡"]
        ]
    built.members["新人丙"] = newcomer
    host = Host(sqlite_database)
    qtbot.addWidget(host)
    host.show()
    dialog = record_invite(host, built.campaign_id)
    qtbot.waitUntil(lambda: dialog.isVisible() and not host.busy(), timeout=60_000)
    return dialog, host, built, code


def pick(qtbot, dialog, name: str, typed: str) -> None:
    picker = dialog.findChild(OwnerPicker, name)
    picker.setText(typed)
    picker.textEdited.emit(typed)
    qtbot.waitUntil(lambda: picker.suggestions.rowCount() >= 1, timeout=60_000)
    picker.completer().activated.emit(picker.suggestions.stringList()[0])
    assert picker.owner is not None


def typo_of(code: str) -> str:
    swap = "X" if code[2] != "X" else "Y"
    return code[:2] + swap + code[3:]


def edges(database) -> list[tuple[int, int, str, str]]:
    with database.session() as session:
        return [
            (e.inviter_id, e.invitee_id, e.how, e.status)
            for e in session.scalars(select(ReferralEdge).order_by(ReferralEdge.id))
        ]


def test_a_typo_shows_the_real_code_and_picking_it_records_the_edge(opened, qtbot):
    dialog, host, built, code = opened
    database = host.database
    before = edges(database)
    typed = dialog.findChild(QLineEdit, "campaign_record_code")
    typed.setText(typo_of(code).lower())
    typed.textEdited.emit(typed.text())
    owner = dialog.findChild(QLabel, "campaign_record_code_owner")
    suggestion_name = f"campaign_record_suggestion_{code}"
    qtbot.waitUntil(lambda: dialog.findChild(QPushButton, suggestion_name) is not None,
                    timeout=60_000)  # fmt: skip
    assert "您要找的是不是" in owner.text() and "\n" not in owner.text()
    assert not dialog.findChild(QPushButton, "campaign_record_ok").isEnabled()

    dialog.findChild(QPushButton, suggestion_name).click()
    qtbot.waitUntil(lambda: dialog.resolved is not None, timeout=60_000)
    assert typed.text() == code and owner.text() == f"邀请码 {code} 属于 张小凡"
    pick(qtbot, dialog, "campaign_record_invitee", "新人丙")
    record = dialog.findChild(QPushButton, "campaign_record_ok")
    assert record.isEnabled()
    record.click()
    qtbot.waitUntil(lambda: dialog.recorded is not None and not host.busy(), timeout=60_000)
    result = dialog.findChild(QLabel, "campaign_record_result").text()
    assert result == f"已记录：张小凡 邀请了 新人丙（邀请码 {code}）"
    added = (built.members["张小凡"], built.members["新人丙"], "code", "pending")
    assert edges(database) == [*before, added]
    assert dialog.isVisible()  # open for the next one, the invitee cleared
    assert dialog.findChild(OwnerPicker, "campaign_record_invitee").owner is None


def test_by_hand_a_second_inviter_is_a_first_referrer_clash_kept_as_rejected(opened, qtbot):
    dialog, host, built, _code = opened
    dialog.findChild(QRadioButton, "campaign_record_by_hand").setChecked(True)
    assert dialog.findChild(OwnerPicker, "campaign_record_inviter").isVisible()
    assert not dialog.findChild(QLineEdit, "campaign_record_code").isVisible()
    pick(qtbot, dialog, "campaign_record_inviter", "李大嘴")
    pick(qtbot, dialog, "campaign_record_invitee", "新人甲")
    dialog.findChild(QPushButton, "campaign_record_ok").click()
    qtbot.waitUntil(lambda: dialog.recorded is not None and not host.busy(), timeout=60_000)
    result = dialog.findChild(QLabel, "campaign_record_result").text()
    assert result.startswith("冲突：新人甲 已由 张小凡 先邀请")
    clash = (built.members["李大嘴"], built.members["新人甲"], "manual", "rejected")
    assert edges(host.database)[-1] == clash


def test_a_draft_campaign_is_refused_in_one_line_and_nothing_is_written(opened, qtbot):
    dialog, host, built, _code = opened
    with host.database.session(write=True) as session:
        session.get(Campaign, built.campaign_id).status = "draft"
    before = edges(host.database)
    dialog.findChild(QRadioButton, "campaign_record_by_hand").setChecked(True)
    pick(qtbot, dialog, "campaign_record_inviter", "李大嘴")
    pick(qtbot, dialog, "campaign_record_invitee", "新人丙")
    dialog.findChild(QPushButton, "campaign_record_ok").click()
    result = dialog.findChild(QLabel, "campaign_record_result")
    qtbot.waitUntil(lambda: result.isVisible() and not host.busy(), timeout=60_000)
    assert result.text() == "活动「双十二邀请」是草稿，不能记录邀请"
    assert edges(host.database) == before and host.announced == []


def test_in_english_the_refusal_is_in_english(opened, qtbot, english):
    dialog, _host, _built, code = opened
    typed = dialog.findChild(QLineEdit, "campaign_record_code")
    typed.setText(typo_of(code))
    dialog.look_up()
    owner = dialog.findChild(QLabel, "campaign_record_code_owner")
    qtbot.waitUntil(lambda: code in owner.text(), timeout=60_000)
    assert "邀请码" not in owner.text() and "张小凡" in owner.text()


def test_a_picture_of_the_posters_qr_code_gives_the_code_as_scanned(opened, qtbot, tmp_path):
    import qrcode
    from PIL import Image

    from core.referrals.invite_codes import invite_link, save_link_template

    dialog, host, _built, code = opened
    with host.database.session(write=True) as session:
        template = save_link_template(session, "https://example.com/i/{邀请码}")
    picture = tmp_path / "海报.png"
    qrcode.make(invite_link(code, template)).save(picture)
    dialog.scan_image(picture)
    qtbot.waitUntil(lambda: dialog.resolved is not None, timeout=60_000)
    assert dialog.findChild(QLineEdit, "campaign_record_code").text() == code
    assert dialog.findChild(QCheckBox, "campaign_record_scanned").isChecked()

    blank = tmp_path / "空白.png"
    Image.new("RGB", (200, 200), "white").save(blank)
    dialog.scan_image(blank)
    owner = dialog.findChild(QLabel, "campaign_record_code_owner")
    qtbot.waitUntil(lambda: "二维码" in owner.text(), timeout=60_000)
    assert "\n" not in owner.text()
