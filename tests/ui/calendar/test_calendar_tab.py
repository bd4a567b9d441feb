"""The 内容日历 tab as an operator uses it: items on their days with their time in the month,
drag to another day (month) or time (week) and undo it, a sent item refused with core's
message, the editor creating and editing an item, a rejection that needs a reason, the list's
filters, and the banner of a year without holiday data."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QWidget,
)

from core.calendar.items import create_item, find_item
from core.calendar.settings import APPROVAL_SETTING
from core.calendar.status import schedule
from core.calendar.today import mark_sent
from core.common.settings_store import set_setting
from db.models import Community
from ui.calendar.month_grid import tile_text
from ui.calendar.tab import CalendarTab

# A month ahead, so nothing is overdue; a year the holiday library may not know (the banner).
YEAR = date.today().year + 2
MONTH = date(YEAR, 6, 1)


@pytest.fixture
def make_tab(app, qtbot, sqlite_database):
    def make(anchor: date = MONTH) -> CalendarTab:
        tab = CalendarTab(sqlite_database)
        tab.data_changed.connect(tab.refresh)  # as the main window hands it back
        qtbot.addWidget(tab)
        tab.resize(1280, 760)
        tab.anchor = anchor
        tab.show()
        tab.refresh()
        qtbot.waitUntil(lambda: not tab.busy(), timeout=60_000)
        return tab

    return make


def seed(database, *items: tuple[str, datetime, str], communities=("宝妈群", "读书群")):
    """Communities, then items (title, planned time, kind) sent to the first: their ids."""
    with database.session(write=True) as session:
        rows = [Community(name=name, created_on=date(2026, 1, 1)) for name in communities]
        session.add_all(rows)
        session.flush()
        ids = [
            create_item(session, title, planned_at=when, kind=kind, community_ids=[rows[0].id]).id
            for title, when, kind in items
        ]
        return ids, [row.id for row in rows]


def planned(database, item_id: int) -> datetime:
    with database.session() as session:
        return find_item(session, item_id).planned_at


def month_grid(tab):
    return tab.page("calendar_month_page").grid


def drag(qtbot, widget, start: QPoint, end: QPoint) -> None:
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=start)
    middle = (start + end) / 2
    qtbot.mouseMove(widget, pos=QPoint(int(middle.x()), int(middle.y())))
    qtbot.mouseMove(widget, pos=end)
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=end)


def empty_spot(grid, day: date) -> QPoint:
    """A point inside the day's cell below its tiles."""
    cell = grid.cell_rect(day)
    return QPoint(cell.center().x(), cell.bottom() - 4)


def test_the_month_shows_items_on_their_days_with_their_time(make_tab, sqlite_database):
    (morning, evening, live), _ = seed(
        sqlite_database,
        ("早安问候", datetime(YEAR, 6, 3, 8, 0), "text"),
        ("周三答疑", datetime(YEAR, 6, 3, 20, 30), "qa"),
        ("直播预告", datetime(YEAR, 6, 18, 19, 0), "live"),
    )
    tab = make_tab()
    grid = month_grid(tab)
    assert tab.findChild(QLabel, "calendar_month_period").text() == f"{YEAR} 年 6 月"
    for item_id, day, text in (
        (morning, date(YEAR, 6, 3), "08:00 早安问候"),
        (evening, date(YEAR, 6, 3), "20:30 周三答疑"),
        (live, date(YEAR, 6, 18), "19:00 直播预告"),
    ):
        tile = grid.tile_of(item_id)
        assert tile is not None
        assert grid.cell_rect(day).contains(tile.rect)
        assert grid.day_at(tile.rect.center()) == day
        assert tile_text(tile.item) == text
    # 618 is a shop festival: marked on its day
    assert any(m.text == "618" for m in grid.data.marks[date(YEAR, 6, 18)])


def test_a_full_day_shows_more_and_opens_the_list(make_tab, sqlite_database, qtbot):
    day = date(YEAR, 6, 10)
    seed(sqlite_database, *((f"第 {n} 条", datetime(YEAR, 6, 10, 8 + n), "text") for n in range(9)))
    tab = make_tab()
    grid = month_grid(tab)
    hidden = grid.more_count(day)
    assert hidden > 0 and len([t for t in grid.tiles()]) + hidden == 9
    rect = next(more[0] for more in grid._more if more[1] == day)
    qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=rect.center())
    page = tab.page("calendar_list_page")
    assert tab.pages.currentWidget() is page
    qtbot.waitUntil(lambda: page.model.rowCount() == 9, timeout=60_000)


def test_drag_to_another_day_moves_the_item_and_undo_moves_it_back(
    make_tab, sqlite_database, qtbot
):
    (item_id,), _ = seed(sqlite_database, ("早安问候", datetime(YEAR, 6, 3, 8, 0), "text"))
    tab = make_tab()
    grid = month_grid(tab)
    tile = grid.tile_of(item_id)
    drag(qtbot, grid, tile.rect.center(), empty_spot(grid, date(YEAR, 6, 5)))
    qtbot.waitUntil(
        lambda: planned(sqlite_database, item_id) == datetime(YEAR, 6, 5, 8, 0), timeout=60_000
    )
    # the view follows: the tile is on the new day
    qtbot.waitUntil(
        lambda: (
            grid.tile_of(item_id) is not None
            and grid.day_at(grid.tile_of(item_id).rect.center()) == date(YEAR, 6, 5)
        ),
        timeout=60_000,
    )
    undo = tab.findChild(QPushButton, "calendar_undo")
    assert undo.isEnabled()
    undo.click()
    qtbot.waitUntil(
        lambda: planned(sqlite_database, item_id) == datetime(YEAR, 6, 3, 8, 0), timeout=60_000
    )
    qtbot.waitUntil(lambda: not tab.busy(), timeout=60_000)
    assert not undo.isEnabled()
    tab.undo_stack.redo()  # and again
    qtbot.waitUntil(
        lambda: planned(sqlite_database, item_id) == datetime(YEAR, 6, 5, 8, 0), timeout=60_000
    )


def test_ctrl_z_undoes_a_move_in_the_week(make_tab, sqlite_database, qtbot):
    (item_id,), _ = seed(sqlite_database, ("直播预告", datetime(YEAR, 6, 3, 19, 0), "live"))
    tab = make_tab(date(YEAR, 6, 3))
    week = tab.page("calendar_week_page")
    tab.pages.setCurrentWidget(week)
    qtbot.waitUntil(lambda: week.grid.box_of(item_id) is not None, timeout=60_000)
    grid = week.grid
    box = grid.box_of(item_id)
    # to Thursday 10:15 (the same column's x shifted by a day)
    thursday = grid.column_rect((date(YEAR, 6, 4) - grid.first).days)
    target = QPoint(thursday.center().x(), grid.y_of(time(10, 15)))
    drag(qtbot, grid, box.rect.center(), target)
    qtbot.waitUntil(
        lambda: planned(sqlite_database, item_id) == datetime(YEAR, 6, 4, 10, 15), timeout=60_000
    )
    qtbot.waitUntil(lambda: not tab.busy(), timeout=60_000)
    tab.activateWindow()
    grid.setFocus()
    qtbot.keyClick(grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: planned(sqlite_database, item_id) == datetime(YEAR, 6, 3, 19, 0), timeout=60_000
    )


def test_a_sent_item_does_not_move_and_says_why(make_tab, sqlite_database, qtbot):
    (item_id,), _ = seed(sqlite_database, ("早安问候", datetime(YEAR, 6, 3, 8, 0), "text"))
    with sqlite_database.session(write=True) as session:
        schedule(session, item_id)
        mark_sent(session, item_id)
    tab = make_tab()
    grid = month_grid(tab)
    drag(qtbot, grid, grid.tile_of(item_id).rect.center(), empty_spot(grid, date(YEAR, 6, 5)))
    notice = tab.findChild(QLabel, "calendar_notice_text")
    qtbot.waitUntil(lambda: notice.isVisible(), timeout=60_000)
    assert "已发送" in notice.text() and "不能再改时间" in notice.text()
    assert planned(sqlite_database, item_id) == datetime(YEAR, 6, 3, 8, 0)
    assert not tab.findChild(QPushButton, "calendar_undo").isEnabled()


def open_new_editor(tab, qtbot):
    tab.findChild(QPushButton, "calendar_new").click()
    qtbot.waitUntil(lambda: tab.editor is not None and tab.editor.isVisible(), timeout=60_000)
    return tab.editor


def test_the_editor_creates_and_edits_an_item(make_tab, sqlite_database, qtbot):
    _, (_mums, books) = seed(sqlite_database)
    tab = make_tab()
    editor = open_new_editor(tab, qtbot)
    assert editor.findChild(QWidget, "item_best_times_slot") is not None
    editor.findChild(QLineEdit, "item_title").setText("会员日抽奖")
    kind = editor.findChild(QComboBox, "item_kind")
    kind.setCurrentIndex(kind.findData("lottery"))
    assert editor.findChild(QCheckBox, "item_promotional").isChecked()  # 抽奖 is promotional
    communities = editor.findChild(QListWidget, "item_communities")
    communities.item(1).setCheckState(Qt.CheckState.Checked)  # 读书群
    editor.planned_at.setDateTime(datetime(YEAR, 6, 12, 20, 0))
    editor.findChild(QPlainTextEdit, "item_body").setPlainText("今晚八点抽奖")
    editor.findChild(QPushButton, "item_save").click()
    qtbot.waitUntil(lambda: tab.editor is None, timeout=60_000)
    with sqlite_database.session() as session:
        from core.calendar.items import list_items

        (row,) = list_items(session)
    assert (row.title, row.kind, row.promotional, row.community_ids) == (
        "会员日抽奖", "lottery", True, [books]
    )  # fmt: skip
    assert row.planned_at == datetime(YEAR, 6, 12, 20, 0) and row.status == "draft"
    grid = month_grid(tab)
    qtbot.waitUntil(lambda: grid.tile_of(row.id) is not None, timeout=60_000)

    # double-click the tile: the editor of that item; change its title and time
    qtbot.mouseDClick(grid, Qt.MouseButton.LeftButton, pos=grid.tile_of(row.id).rect.center())
    qtbot.waitUntil(lambda: tab.editor is not None and tab.editor.isVisible(), timeout=60_000)
    editor = tab.editor
    assert editor.findChild(QLineEdit, "item_title").text() == "会员日抽奖"
    editor.findChild(QLineEdit, "item_title").setText("会员日大抽奖")
    editor.planned_at.setDateTime(datetime(YEAR, 6, 13, 20, 30))
    editor.findChild(QPushButton, "item_save").click()
    qtbot.waitUntil(lambda: tab.editor is None, timeout=60_000)
    with sqlite_database.session() as session:
        item = find_item(session, row.id)
        assert (item.title, item.planned_at) == ("会员日大抽奖", datetime(YEAR, 6, 13, 20, 30))


def test_an_empty_title_is_refused_in_the_editor(make_tab, sqlite_database, qtbot):
    seed(sqlite_database)
    tab = make_tab()
    editor = open_new_editor(tab, qtbot)
    editor.findChild(QPushButton, "item_save").click()
    error = editor.findChild(QLabel, "item_error")
    assert error.isVisible() and "标题" in error.text()
    assert editor.isVisible()


def test_a_rejection_needs_a_reason(make_tab, sqlite_database, qtbot):
    (item_id,), _ = seed(sqlite_database, ("双11预热", datetime(YEAR, 6, 8, 9, 0), "event"))
    with sqlite_database.session(write=True) as session:
        set_setting(session, APPROVAL_SETTING, True)
        schedule(session, item_id)  # → 待审核
    tab = make_tab()
    tab.edit_item(item_id)
    qtbot.waitUntil(lambda: tab.editor is not None and tab.editor.isVisible(), timeout=60_000)
    editor = tab.editor
    editor.pages.setCurrentIndex(1)
    editor.findChild(QPushButton, "item_reject").click()
    error = editor.findChild(QLabel, "item_error")
    qtbot.waitUntil(lambda: error.isVisible(), timeout=60_000)
    assert "原因" in error.text()
    with sqlite_database.session() as session:
        assert find_item(session, item_id).status == "pending_review"
    editor.findChild(QLineEdit, "item_review_reason").setText("优惠力度写错了")
    editor.findChild(QPushButton, "item_reject").click()
    qtbot.waitUntil(
        lambda: editor.findChild(QLabel, "item_status").text() == "当前状态：草稿", timeout=60_000
    )
    with sqlite_database.session() as session:
        item = find_item(session, item_id)
        assert item.status == "draft"
        assert "优惠力度写错了" in item.reviewer_notes and "优惠力度" not in item.body
    notes = editor.findChild(QPlainTextEdit, "item_reviewer_notes")
    assert "优惠力度写错了" in notes.toPlainText()
    # with approval on, a draft is submitted for review, not scheduled
    assert editor.findChild(QPushButton, "item_step_pending_review") is not None
    assert editor.findChild(QPushButton, "item_step_scheduled") is None


def test_the_list_filters_by_community_type_and_status(make_tab, sqlite_database, qtbot):
    ids, (_mums, books) = seed(
        sqlite_database,
        ("早安问候", datetime(YEAR, 6, 3, 8, 0), "text"),
        ("周三答疑", datetime(YEAR, 6, 3, 20, 30), "qa"),
        ("直播预告", datetime(YEAR, 6, 18, 19, 0), "live"),
        ("七月的", datetime(YEAR, 7, 18, 19, 0), "live"),
    )
    with sqlite_database.session(write=True) as session:
        create_item(session, "读书打卡", planned_at=datetime(YEAR, 6, 4, 7, 0), kind="checkin",
                    community_ids=[books])  # fmt: skip
        schedule(session, ids[1])
    tab = make_tab()
    page = tab.page("calendar_list_page")
    tab.pages.setCurrentWidget(page)
    page.show_days(date(YEAR, 6, 1), date(YEAR, 6, 30))
    qtbot.waitUntil(lambda: page.model.rowCount() == 4, timeout=60_000)

    def titles() -> list[str]:
        return [page.model.item(row).title for row in range(page.model.rowCount())]

    community = tab.findChild(QComboBox, "calendar_list_community")
    community.setCurrentIndex(community.findData(books))
    assert titles() == ["读书打卡"]
    community.setCurrentIndex(0)
    kind = tab.findChild(QComboBox, "calendar_list_kind")
    kind.setCurrentIndex(kind.findData("live"))
    assert titles() == ["直播预告"]
    kind.setCurrentIndex(0)
    status = tab.findChild(QComboBox, "calendar_list_status")
    status.setCurrentIndex(status.findData("scheduled"))
    assert titles() == ["周三答疑"]
    status.setCurrentIndex(0)
    assert tab.findChild(QLabel, "calendar_list_count").text() == "4 条内容"


def test_a_year_without_holiday_data_shows_the_banner(make_tab, sqlite_database):
    tab = make_tab(date(2999, 3, 1))
    banner = tab.findChild(QLabel, "calendar_holiday_banner_text")
    assert banner.isVisible() and "2999" in banner.text()
    assert tab.findChild(QPushButton, "calendar_holiday_paste").isVisible()


NOTICES = Path(__file__).resolve().parents[2] / "core" / "calendar" / "notices"


def test_pasting_a_holiday_notice_fills_the_missing_year(make_tab, qtbot):
    tab = make_tab(date(2027, 10, 1))
    banner = tab.findChild(QLabel, "calendar_holiday_banner_text")
    assert banner.isVisible() and "2027" in banner.text()
    tab.findChild(QPushButton, "calendar_holiday_paste").click()
    qtbot.waitUntil(lambda: tab.notice_dialog is not None and tab.notice_dialog.isVisible())
    dialog = tab.notice_dialog
    # text that is not a notice: refused in the box, nothing saved
    dialog.findChild(QPlainTextEdit, "calendar_notice_text").setPlainText("今天天气很好")
    dialog.findChild(QPushButton, "calendar_notice_ok").click()
    error = dialog.findChild(QLabel, "calendar_notice_error")
    qtbot.waitUntil(error.isVisible, timeout=60_000)
    assert error.text() and dialog.isVisible()
    notice = (NOTICES / "made-up-2027.txt").read_text(encoding="utf-8")
    dialog.findChild(QPlainTextEdit, "calendar_notice_text").setPlainText(notice)
    dialog.findChild(QPushButton, "calendar_notice_ok").click()
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=60_000)
    qtbot.waitUntil(lambda: not tab.busy(), timeout=60_000)
    marks = month_grid(tab).data.marks
    assert any(m.kind == "holiday" and m.text == "国庆节" for m in marks[date(2027, 10, 1)])
    assert "2027" in tab.findChild(QLabel, "calendar_notice_text").text()


def test_campaign_start_end_and_its_items_show(make_tab, sqlite_database, qtbot):
    from core.campaigns.records import CampaignFields, create_campaign

    with sqlite_database.session(write=True) as session:
        campaign = create_campaign(
            session,
            CampaignFields(
                "六月任务宝", starts_at=datetime(YEAR, 6, 5, 9), ends_at=datetime(YEAR, 6, 20, 22)
            ),
        ).id
        create_item(session, "任务宝开始啦", planned_at=datetime(YEAR, 6, 5, 10),
                    kind="event", campaign_id=campaign)  # fmt: skip
    tab = make_tab()
    grid = month_grid(tab)
    texts = lambda day: [m.text for m in grid.data.marks.get(day, [])]  # noqa: E731
    assert "「六月任务宝」开始" in texts(date(YEAR, 6, 5))
    assert "「六月任务宝」结束" in texts(date(YEAR, 6, 20))
    page = tab.page("calendar_list_page")
    tab.pages.setCurrentWidget(page)
    page.show_days(date(YEAR, 6, 1), date(YEAR, 6, 30))
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=60_000)
    column = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(8)].index("活动")
    assert page.model.index(0, column).data() == "六月任务宝"


def test_delete_from_the_editor_and_undo_brings_it_back(make_tab, sqlite_database, qtbot):
    (item_id,), _ = seed(sqlite_database, ("早安问候", datetime(YEAR, 6, 3, 8, 0), "text"))
    tab = make_tab()
    tab.edit_item(item_id)
    qtbot.waitUntil(lambda: tab.editor is not None and tab.editor.isVisible(), timeout=60_000)
    tab.editor.findChild(QPushButton, "item_delete").click()
    qtbot.waitUntil(lambda: month_grid(tab).tiles() == [], timeout=60_000)
    tab.findChild(QPushButton, "calendar_undo").click()
    qtbot.waitUntil(lambda: len(month_grid(tab).tiles()) == 1, timeout=60_000)
    back = month_grid(tab).tiles()[0].item
    assert (back.title, back.planned_at, back.communities) == (
        "早安问候", datetime(YEAR, 6, 3, 8, 0), ["宝妈群"]
    )  # fmt: skip


def test_results_of_a_sent_item_are_saved(make_tab, sqlite_database, qtbot):
    (item_id,), _ = seed(sqlite_database, ("会员日抽奖", datetime(YEAR, 6, 3, 20, 0), "lottery"))
    with sqlite_database.session(write=True) as session:
        schedule(session, item_id)
        mark_sent(session, item_id)
    tab = make_tab()
    tab.edit_item(item_id)
    qtbot.waitUntil(lambda: tab.editor is not None and tab.editor.isVisible(), timeout=60_000)
    editor = tab.editor
    assert not editor.findChild(QLineEdit, "item_title").isEnabled()  # sent: kept as sent
    editor.findChild(QSpinBox, "item_replies").setValue(42)
    editor.findChild(QSpinBox, "item_joins").setValue(7)
    editor.findChild(QDoubleSpinBox, "item_sales").setValue(1280.5)
    editor.findChild(QPlainTextEdit, "item_notes").setPlainText("晚上八点效果好")
    editor.findChild(QPushButton, "item_save").click()
    qtbot.waitUntil(lambda: tab.editor is None, timeout=60_000)
    with sqlite_database.session() as session:
        item = find_item(session, item_id)
        assert (item.replies, item.joins, item.sales_cents, item.notes) == (
            42, 7, 128050, "晚上八点效果好"
        )  # fmt: skip


def test_tiles_coloured_by_type_or_by_community(make_tab, sqlite_database, qtbot):
    seed(sqlite_database, ("早安问候", datetime(YEAR, 6, 3, 8, 0), "text"))
    tab = make_tab()
    combo = tab.findChild(QComboBox, "calendar_colour_mode")
    combo.setCurrentIndex(combo.findData("community"))
    assert month_grid(tab).colour_mode == "community"
    assert tab.page("calendar_week_page").grid.colour_mode == "community"


def test_moving_a_promotional_item_onto_a_full_day_warns(make_tab, sqlite_database, qtbot):
    (_first, second), _ = seed(
        sqlite_database,
        ("会员日抽奖", datetime(YEAR, 6, 3, 20, 0), "lottery"),
        ("周末抽奖", datetime(YEAR, 6, 4, 20, 0), "lottery"),
    )
    tab = make_tab()
    grid = month_grid(tab)
    drag(qtbot, grid, grid.tile_of(second).rect.center(), empty_spot(grid, date(YEAR, 6, 3)))
    notice = tab.findChild(QLabel, "calendar_notice_text")
    qtbot.waitUntil(lambda: "上限" in notice.text(), timeout=60_000)
    assert "宝妈群" in notice.text() and "2 条推广内容" in notice.text()
    assert planned(sqlite_database, second) == datetime(
        YEAR, 6, 3, 20, 0
    )  # a warning, not a refusal


def test_approving_schedules_the_item_with_the_note_kept_apart(make_tab, sqlite_database, qtbot):
    (item_id,), _ = seed(sqlite_database, ("双11预热", datetime(YEAR, 6, 8, 9, 0), "event"))
    with sqlite_database.session(write=True) as session:
        set_setting(session, APPROVAL_SETTING, True)
    tab = make_tab()
    tab.edit_item(item_id)
    qtbot.waitUntil(lambda: tab.editor is not None and tab.editor.isVisible(), timeout=60_000)
    editor = tab.editor
    editor.findChild(QPushButton, "item_step_pending_review").click()  # 提交审核
    qtbot.waitUntil(
        lambda: editor.findChild(QPushButton, "item_approve") is not None, timeout=60_000
    )
    editor.findChild(QLineEdit, "item_review_reason").setText("文案可以")
    editor.findChild(QPushButton, "item_approve").click()
    qtbot.waitUntil(
        lambda: editor.findChild(QLabel, "item_status").text() == "当前状态：已排期", timeout=60_000
    )
    with sqlite_database.session() as session:
        item = find_item(session, item_id)
        assert item.status == "scheduled" and "文案可以" in item.reviewer_notes
        assert "文案可以" not in item.body
    history = editor.findChild(QTableWidget, "item_history")
    actions = [history.item(row, 2).text() for row in range(history.rowCount())]
    assert actions == ["创建", "已提交审核", "审核通过"]


def test_coupon_words_make_a_new_item_promotional_until_the_box_is_touched(make_tab, qtbot):
    tab = make_tab()
    editor = open_new_editor(tab, qtbot)
    promotional = editor.findChild(QCheckBox, "item_promotional")
    assert not promotional.isChecked()
    editor.findChild(QLineEdit, "item_title").setText("满减券今晚发")
    assert promotional.isChecked()
    promotional.click()  # the operator decides
    editor.findChild(QPlainTextEdit, "item_body").setPlainText("限时优惠")
    assert not promotional.isChecked()
