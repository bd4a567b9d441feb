"""The 概览 dashboard in the main window: its cards show core.reports' figures, a card and a bar
open the members behind them in the 成员 tab, the community filter changes the figures, the
thresholds dialog saves, 导出周报 writes the workbook, and an empty database keeps the welcome."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from openpyxl import load_workbook
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QComboBox, QDateEdit, QDialogButtonBox, QDoubleSpinBox, QWidget
from sqlalchemy import insert, select

from core.ledger.entries import award
from core.reports.build import build_report
from core.reports.dashboard import members_behind
from core.reports.period import Period
from core.reports.thresholds import load_thresholds
from db.models import ActivityEvent, Member, Membership
from tests.core.reports.helpers import MONDAY, SUNDAY, act, group, person, say
from tests.ui.conftest import when_shown
from ui.overview.cards import value_text

WEEK = Period(MONDAY, SUNDAY)


def d(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour)


def seed(database) -> dict:
    with database.session(write=True) as session:
        g = group(session, "读书会")
        other = group(session, "跑步群")
        a = person(session, g, "a")
        act(session, a, g, d(24), d(24, 21))
        b = person(session, g, "b", joined=d(20), left=d(25))
        c = person(session, g, "c", joined=d(24))
        act(session, c, g, d(26))
        person(session, g, "d", joined=d(17))
        x = person(session, other, "x")
        act(session, x, other, d(24))
        owner = person(session, g, "店长", joined=d(24), is_team=True)
        act(session, owner, g, d(24))
        # 接龙 check-ins sit at noon; the chat says when people really talk.
        act(session, a, g, d(24, 12))
        act(session, c, g, d(24, 12))
        say(session, a, g, d(24, 20), datetime(2026, 11, 24, 20, 30))
        say(session, x, other, d(24, 20))
        say(session, c, g, d(24, 0), known=False)
        say(session, owner, g, d(24, 20))
        award(session, a, 100, reason="签到", now=d(20))
    return {"g": g, "other": other, "a": a, "b": b, "c": c, "x": x}


def show_period(window, qtbot, start: date, end: date, community: str | None = None):
    tab = window.overview_tab
    bar = tab.period_bar
    bar.findChild(QComboBox, "overview_range").setCurrentIndex(bar.range.findData("custom"))
    bar.findChild(QDateEdit, "overview_from").setDate(QDate(start))
    bar.findChild(QDateEdit, "overview_to").setDate(QDate(end))
    if community is not None:
        box = bar.findChild(QComboBox, "overview_community")
        box.setCurrentIndex(box.findText(community))
    qtbot.waitUntil(
        lambda: (
            tab._period is not None
            and (tab._period.start, tab._period.end, tab._period.community or None)
            == (start, end, community)
            and not tab.busy()
        ),
        timeout=60_000,
    )
    return tab


def card_text(tab, key: str) -> str:
    return tab.findChild(QWidget, f"overview_kpi_{key}_value").text()


def test_cards_show_the_reports_figures(make_window, sqlite_database, qtbot):
    seed(sqlite_database)
    window = make_window(sqlite_database)
    tab = show_period(window, qtbot, MONDAY, SUNDAY)
    with sqlite_database.session() as session:
        report = build_report(session, WEEK, sheets=("概览",))
    for kpi in report.kpis:
        assert card_text(tab, kpi.key) == value_text(kpi), kpi.key
    assert card_text(tab, "members") == "4"  # a, c, d, x: the owner never counts
    assert card_text(tab, "points_liability") == "¥1.00"

    def trend(key: str) -> str:
        return tab.findChild(QWidget, f"overview_kpi_{key}_note").property("trend")

    assert trend("members") == ""  # 4 at both weeks' ends
    assert trend("active_share") == "good"  # none active the week before, 3 of 4 now
    assert trend("net_growth") == "bad"  # +2 the week before, 0 now
    assert tab.findChild(QWidget, "overview_no_warnings") is not None


def test_a_card_opens_the_members_it_counted(make_window, sqlite_database, qtbot):
    people = seed(sqlite_database)
    window = make_window(sqlite_database)
    tab = show_period(window, qtbot, MONDAY, SUNDAY)
    card = tab.findChild(QWidget, "overview_kpi_active_share")
    tab.findChild(QWidget, "overview_scroll").ensureWidgetVisible(card)
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    members = window.members_tab
    qtbot.waitUntil(
        lambda: (
            window.tabs.currentWidget() is members
            and members.list_complete()
            and sorted(members.model.ids()) == sorted([people["a"], people["c"], people["x"]])
        ),
        timeout=60_000,
    )
    pinned = members.findChild(QWidget, "members_filter_pinned")
    assert pinned.isVisible() and "活跃率" in pinned.text()
    qtbot.mouseClick(pinned, Qt.MouseButton.LeftButton)  # back to everyone
    qtbot.waitUntil(lambda: members.list_complete() and len(members.model.ids()) == 6)
    assert not pinned.isVisible()


def test_a_bar_and_a_heat_cell_open_their_members(make_window, sqlite_database, qtbot):
    people = seed(sqlite_database)
    window = make_window(sqlite_database)
    tab = show_period(window, qtbot, MONDAY, SUNDAY)
    requested = []
    tab.members_requested.connect(lambda ids, label: requested.append((ids, label)))
    tab.growth_chart.bar_clicked.emit("growth:2026-11-24")  # QtCharts' own click, by target
    qtbot.waitUntil(lambda: len(requested) == 1)
    assert requested[0] == ([people["c"]], "2026-11-24 入群")
    heat = tab.findChild(QWidget, "overview_heat")
    tab.findChild(QWidget, "overview_scroll").ensureWidgetVisible(heat)
    # 接龙 check-ins at noon count nowhere: the chat's messages at 20:00 do.
    assert heat.counts[1][12] == 0 and heat.counts[1][20] == 3
    assert heat.counts[1][0] == 0  # a Windows-copied message: the day only
    assert sum(map(sum, heat.counts)) == 3
    note = tab.findChild(QWidget, "overview_heat_note")
    assert "共 3 条成员发言" in note.text() and "1 条只有日期" in note.text()
    assert not tab.findChild(QWidget, "overview_heat_import").isVisible()
    qtbot.mouseClick(heat, Qt.MouseButton.LeftButton, pos=heat.cell_center(1, 20))
    qtbot.waitUntil(lambda: len(requested) == 2)
    assert requested[1] == (sorted([people["a"], people["x"]]), "周二 20点发言")
    with sqlite_database.session() as session:
        assert requested[1][0] == members_behind(session, WEEK, "heat:1:20")
    # The community filter: only 跑步群's member.
    window.tabs.setCurrentWidget(tab)  # the click opened the 成员 tab
    show_period(window, qtbot, MONDAY, SUNDAY, "跑步群")
    assert heat.counts[1][20] == 1
    qtbot.mouseClick(heat, Qt.MouseButton.LeftButton, pos=heat.cell_center(1, 20))
    qtbot.waitUntil(lambda: len(requested) == 3)
    assert requested[2][0] == [people["x"]]


def test_without_chat_history_the_heat_map_says_what_to_import(make_window, sqlite_database, qtbot):
    with sqlite_database.session(write=True) as session:
        g = group(session, "读书会")
        a = person(session, g, "a")
        act(session, a, g, d(24, 12))  # a 接龙 check-in at noon: not chat
    window = make_window(sqlite_database)
    tab = show_period(window, qtbot, MONDAY, SUNDAY)
    heat = tab.findChild(QWidget, "overview_heat")
    tab.findChild(QWidget, "overview_scroll").ensureWidgetVisible(heat)
    assert heat.is_empty() and "数据 → 导入群聊记录…" in heat.empty_text
    button = tab.findChild(QWidget, "overview_heat_import")
    assert button.isVisible()
    opened = []
    when_shown("chat_import_dialog", lambda dialog: (opened.append(True), dialog.reject()))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert opened == [True]


def test_the_community_filter_changes_the_figures(make_window, sqlite_database, qtbot):
    people = seed(sqlite_database)
    window = make_window(sqlite_database)
    tab = show_period(window, qtbot, MONDAY, SUNDAY)
    assert card_text(tab, "members") == "4"
    tab = show_period(window, qtbot, MONDAY, SUNDAY, community="跑步群")
    assert card_text(tab, "members") == "1"
    assert tab._period.community_id == people["other"]
    with sqlite_database.session() as session:
        report = build_report(session, Period(MONDAY, SUNDAY, people["other"], "跑步群"))
    assert card_text(tab, "active_share") == value_text(report.kpi("active_share"))


def test_thresholds_dialog_saves_and_the_warnings_follow(make_window, sqlite_database, qtbot):
    seed(sqlite_database)
    window = make_window(sqlite_database)
    tab = show_period(window, qtbot, MONDAY, SUNDAY)
    tab.findChild(QWidget, "overview_thresholds").click()
    qtbot.waitUntil(lambda: getattr(tab, "thresholds_dialog", None) is not None)
    dialog = tab.thresholds_dialog
    qtbot.waitUntil(dialog.isVisible)
    dialog.findChild(QDoubleSpinBox, "overview_threshold_min_interaction").setValue(5)
    dialog.findChild(QWidget, "overview_threshold_min_members").setValue(1)
    with qtbot.waitSignal(dialog.accepted, timeout=60_000):
        dialog.findChild(QDialogButtonBox, "overview_thresholds_buttons").button(
            QDialogButtonBox.StandardButton.Save
        ).click()
    qtbot.waitUntil(lambda: not tab.busy(), timeout=60_000)
    with sqlite_database.session() as session:
        saved = load_thresholds(session)
    assert (saved.min_interaction, saved.min_members) == (0.05, 1)
    # With groups of one counted, 跑步群's single member makes a KOC share of 0%: a warning.
    qtbot.waitUntil(lambda: tab.findChild(QWidget, "overview_warning_0") is not None)


def test_export_writes_the_weekly_workbook(make_window, sqlite_database, qtbot, tmp_path):
    seed(sqlite_database)
    window = make_window(sqlite_database)
    tab = show_period(window, qtbot, MONDAY, SUNDAY)
    with qtbot.waitSignal(tab.report_exported, timeout=60_000) as done:
        tab.export_report(str(tmp_path / "周报"))
    path = tmp_path / "周报.xlsx"
    assert path.exists() and str(done.args[0].path) == str(path)
    book = load_workbook(path)
    assert book.sheetnames[0] == "概览"
    assert "留存" in book.sheetnames and "分层" not in book.sheetnames  # the weekly preset


def test_the_picture_button_draws_the_periods_figures(
    make_window, sqlite_database, qtbot, tmp_path
):
    from PIL import Image

    seed(sqlite_database)
    window = make_window(sqlite_database)
    tab = show_period(window, qtbot, MONDAY, SUNDAY)
    assert tab.findChild(QWidget, "overview_picture").isVisible()
    with qtbot.waitSignal(tab.picture_written, timeout=60_000) as done:
        tab.export_picture(str(tmp_path / "长图"))
    path = tmp_path / "长图.png"
    assert str(done.args[0].path) == str(path)
    with Image.open(path) as image:
        assert image.width == 1080 and image.height == done.args[0].height


def test_a_preset_chooses_the_sheets_and_adds_the_picture(
    make_window, sqlite_database, qtbot, tmp_path
):
    from core.reports.presets import Preset

    seed(sqlite_database)
    window = make_window(sqlite_database)
    tab = show_period(window, qtbot, MONDAY, SUNDAY)
    preset = Preset("给老板", ("概览", "活动"), image=True)
    with qtbot.waitSignal(tab.report_exported, timeout=60_000):
        tab.export_preset(preset, MONDAY, SUNDAY, str(tmp_path / "给老板.xlsx"))
    assert load_workbook(tmp_path / "给老板.xlsx").sheetnames == ["概览", "活动"]
    assert (tmp_path / "给老板.png").exists()


def test_an_empty_database_still_shows_the_welcome(make_window, sqlite_database, qtbot):
    window = make_window(sqlite_database)
    tab = window.overview_tab
    qtbot.waitUntil(lambda: not tab.busy())
    assert tab.findChild(QWidget, "overview_empty").isVisible()
    assert not tab.findChild(QWidget, "overview_dashboard").isVisible()
    assert not tab.findChild(QWidget, "overview_export").isVisible()
    for name in ("overview_demo_button", "overview_import_button", "overview_new_community_button"):
        assert tab.findChild(QWidget, name).isVisible()
    assert tab.findChild(QWidget, "overview_kpi_members") is not None


def test_the_charts_follow_a_theme_switch(make_window, sqlite_database, qtbot, app):
    from PySide6.QtGui import QColor

    from ui.common.theme import DARK, LIGHT, apply_theme

    seed(sqlite_database)
    apply_theme(app, "light")
    window = make_window(sqlite_database)
    tab = show_period(window, qtbot, MONDAY, SUNDAY)
    joins = tab.growth_chart.bar_sets[0][0]
    assert joins.color() == QColor(LIGHT.accent)
    apply_theme(app, "dark")
    try:
        assert tab.growth_chart.bar_sets[0][0].color() == QColor(DARK.accent)
    finally:
        apply_theme(app, "light")


def test_figures_wait_for_the_page_to_be_shown(make_window, sqlite_database, qtbot):
    seed(sqlite_database)
    window = make_window(sqlite_database)
    tab = show_period(window, qtbot, MONDAY, SUNDAY)
    window.tabs.setCurrentWidget(window.members_tab)
    read = tab._generation
    tab.refresh()  # data changed elsewhere: the counts reload, the figures wait
    qtbot.waitUntil(lambda: tab._stale and not tab.busy(), timeout=60_000)
    assert tab._generation == read
    with qtbot.waitSignal(tab.dashboard_loaded, timeout=60_000):
        window.tabs.setCurrentWidget(tab)
    assert tab._generation == read + 1 and not tab._stale


def test_a_newer_period_cancels_the_older_read(make_window, sqlite_database, qtbot):
    seed(sqlite_database)
    window = make_window(sqlite_database)
    tab = show_period(window, qtbot, MONDAY, SUNDAY)
    box = tab.period_bar.range
    box.setCurrentIndex(box.findData("last_week"))
    older = tab._loading
    box.setCurrentIndex(box.findData("this_month"))
    assert older is not None and older.is_cancelled()
    qtbot.waitUntil(lambda: not tab.busy(), timeout=60_000)
    assert tab._period.start == date.today().replace(day=1)


def seed_many(database, members: int = 20_000, events_each: int = 10) -> None:
    """Enough members and records that the dashboard's read takes a while."""
    now = datetime.now().replace(microsecond=0)
    with database.session(write=True) as session:
        g = group(session, "大群")
        session.execute(insert(Member), [{"nickname": f"m{n}"} for n in range(members)])
        ids = session.scalars(select(Member.id)).all()
        session.execute(
            insert(Membership),
            [{"member_id": m, "community_id": g, "joined_at": now - timedelta(days=m % 300)}
             for m in ids],
        )  # fmt: skip
        session.execute(
            insert(ActivityEvent),
            [{"member_id": m, "community_id": g, "kind": "message",
              "occurred_at": now - timedelta(days=(m * 7 + k * 11) % 120, hours=k)}
             for m in ids for k in range(events_each)],
        )  # fmt: skip


def test_closing_the_window_cancels_the_dashboard_read(make_window, sqlite_database, qtbot):
    seed_many(sqlite_database)
    window = make_window(sqlite_database)
    tab = window.overview_tab
    qtbot.waitUntil(lambda: tab.board is not None and not tab.busy(), timeout=120_000)
    tab.board = None
    tab._load_dashboard()
    task = tab._loading
    outcomes = []
    task.was_cancelled.connect(lambda: outcomes.append("cancelled"))
    task.succeeded.connect(lambda _board: outcomes.append("read whole"))
    qtbot.waitUntil(lambda: task.running, timeout=60_000)
    with qtbot.waitSignal(task.finished, timeout=120_000):
        window.close()
        assert task.is_cancelled()  # the close itself cancels, not only the app's quit
    # the read stopped at its next check instead of running to the end (no clock: a loaded
    # machine made "stopped in under half the whole read's time" fail at random)
    assert outcomes == ["cancelled"]
    assert tab.board is None  # nothing half-read was shown
