"""GUI: the 今日待发 page on its own — 复制 puts the body and the attached picture on the
clipboard, 标记已发送 records the time and the item leaves the list, a community past its daily
promotional limit shows a warning, and a relative SOP's one line opens the members due."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QPushButton, QTableWidget, QWidget
from sqlalchemy import select

from core.calendar.items import create_item
from core.calendar.materials import add_material, set_attachments
from core.calendar.sop import StepSpec, create_template
from core.calendar.status import schedule
from db.calendar_models import ContentItemCommunity
from tests.core.calendar.calendar_helpers import communities, joined
from tests.core.calendar.material_helpers import picture
from tests.ui.calendar.calendar_page_host import host
from tests.ui.conftest import when_shown
from ui.calendar.today_page import TodayPage
from ui.common.changes import Change

TODAY = datetime.combine(datetime.now().date(), time(0, 1))


def _item(session, title, community_ids, *, kind="文字", body="", promotional=None):
    item = create_item(session, title, planned_at=TODAY, kind=kind, body=body,
                       community_ids=community_ids, promotional=promotional)  # fmt: skip
    schedule(session, item.id)
    return item.id


@pytest.fixture
def built(sqlite_database, tmp_path):
    with sqlite_database.session(write=True) as session:
        bake, run = communities(session, "烘焙群", "跑步群")
        morning = _item(session, "早安", [bake], body="早上好！今天的面包出炉啦")
        poster = add_material(session, picture(tmp_path / "海报.png", "blue", (64, 48)))
        set_attachments(session, morning, [poster.material.id])
        first = _item(session, "周五抽奖", [run], kind="抽奖")
        second = _item(session, "优惠券", [run], promotional=True)
    return {"bake": bake, "run": run, "morning": morning, "lottery": first, "coupon": second}


@pytest.fixture
def page(app, qtbot, sqlite_database, built):
    shown = host(qtbot, sqlite_database, TodayPage)
    shown.page.reload()
    qtbot.waitUntil(lambda: not shown.busy() and shown.page.data is not None, timeout=60_000)
    return shown


def _button(page, name) -> QPushButton:
    button = page.findChild(QPushButton, name)
    assert button is not None, name
    return button


def test_copy_puts_the_body_and_the_picture_on_the_clipboard(page, built, qtbot):
    QGuiApplication.clipboard().clear()
    _button(page, f"today_copy_{built['morning']}_{built['bake']}").click()
    mime = QGuiApplication.clipboard().mimeData()
    assert mime.text() == "早上好！今天的面包出炉啦"
    assert mime.hasImage()
    image = QGuiApplication.clipboard().image()
    assert (image.width(), image.height()) == (64, 48)
    assert "正文和图片" in page.findChild(QLabel, "today_status").text()


def test_mark_sent_records_the_time_and_the_item_leaves(page, built, qtbot, sqlite_database):
    before = datetime.now().replace(microsecond=0)
    _button(page, f"today_sent_{built['morning']}_{built['bake']}").click()
    qtbot.waitUntil(
        lambda: (
            not page.busy()
            and page.findChild(QPushButton, f"today_sent_{built['morning']}_{built['bake']}")
            is None
        ),
        timeout=60_000,
    )
    with sqlite_database.session() as session:
        link = session.scalar(
            select(ContentItemCommunity).where(ContentItemCommunity.item_id == built["morning"])
        )
    assert link.sent_at is not None and link.sent_at >= before
    assert Change.CALENDAR in page.announced[-1]
    assert "已标记发送：早安" in page.findChild(QLabel, "today_status").text()
    assert page.findChild(QPushButton, f"today_copy_{built['lottery']}_{built['run']}")


def test_a_community_past_its_daily_limit_is_warned(page, built):
    warning = page.findChild(QLabel, f"today_limit_{built['run']}")
    assert warning is not None and "超过每天 1 条的上限" in warning.text()
    assert page.findChild(QLabel, f"today_limit_{built['bake']}") is None


def test_a_relative_sop_line_opens_the_members_due(app, qtbot, sqlite_database, built):
    now = datetime.now()
    with sqlite_database.session(write=True) as session:
        joined(session, built["bake"], *[now.replace(hour=8, minute=m) for m in range(3)])
        joined(session, built["bake"], now - timedelta(days=5))  # not today's
        create_template(
            session, "新人欢迎", sop_kind="newcomer", anchor="member_joined",
            steps=[StepSpec(0, "欢迎", window_start=0, window_end=24 * 60)],
            community_ids=[built["bake"]],
        )  # fmt: skip
    shown = host(qtbot, sqlite_database, TodayPage)
    shown.page.reload()
    qtbot.waitUntil(lambda: not shown.busy() and shown.page.data is not None, timeout=60_000)
    lines = [b for b in shown.findChildren(QPushButton) if b.objectName().startswith("today_sop_")]
    assert [b.text().split(" · ")[0] for b in lines] == ["今天：欢迎 3 位新成员"]
    seen = {}

    def read(dialog) -> None:
        table = dialog.findChild(QTableWidget, "today_members_due_table")
        seen["rows"] = table.rowCount()
        dialog.findChild(QPushButton, "today_members_due_copy").click()
        seen["copied"] = QGuiApplication.clipboard().text()
        dialog.close()

    when_shown("today_members_due", read)
    lines[0].click()
    qtbot.waitUntil(lambda: "rows" in seen, timeout=60_000)
    assert seen["rows"] == 3 and seen["copied"].count("@") == 3


def test_in_english_core_labels_and_warnings_are_translated(english, qtbot, sqlite_database, built):
    shown = host(qtbot, sqlite_database, TodayPage)
    shown.page.reload()
    qtbot.waitUntil(lambda: not shown.busy() and shown.page.data is not None, timeout=60_000)
    assert _button(shown, f"today_sent_{built['coupon']}_{built['run']}").text() == "Mark sent"
    warning = shown.findChild(QLabel, f"today_limit_{built['run']}").text()
    assert "超过" not in warning and "limit" in warning.lower()
    row = shown.findChild(QWidget, f"today_item_{built['lottery']}_{built['run']}")
    texts = [label.text() for label in row.findChildren(QLabel)]
    assert not any("抽奖 ·" in text for text in texts), texts
