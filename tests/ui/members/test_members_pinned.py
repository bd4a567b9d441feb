"""Lists pinned from another tab (概览's "the members behind" a figure): the last one asked wins."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QComboBox, QPushButton

from core.members.editing import create_member, set_member_tags
from ui.members.extras import MembersTabExtras
from ui.members.tab import MembersTab


def people(database, count: int = 6) -> list[int]:
    with database.session() as session:
        return [create_member(session, f"成员{n}") for n in range(count)]


def settled(tab) -> bool:
    return not tab.busy() and tab.list_complete()


def test_two_pins_back_to_back_during_the_first_load_show_the_second(
    make_window, sqlite_database, qtbot
):
    ids = people(sqlite_database)
    window = make_window(sqlite_database)
    tab = window.members_tab
    # The window's own path (a dashboard figure clicked twice): the 成员 tab's first load is
    # still in flight when both lists arrive.
    window.show_members(ids[:2], "第一个")
    window.show_members(ids[3:5], "第二个")
    qtbot.waitUntil(lambda: settled(tab), timeout=60_000)
    assert sorted(tab.model.ids()) == ids[3:5]
    pinned = tab.findChild(QPushButton, "members_filter_pinned")
    assert pinned.isVisible() and "第二个" in pinned.text()


def test_a_pin_while_another_pinned_list_loads_replaces_it(make_window, sqlite_database, qtbot):
    ids = people(sqlite_database)
    window = make_window(sqlite_database)
    tab = window.members_tab
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: settled(tab) and len(tab.model.ids()) == len(ids), timeout=60_000)
    window.show_members(ids[:3], "第一个")
    qtbot.waitUntil(lambda: settled(tab), timeout=60_000)
    assert sorted(tab.model.ids()) == ids[:3]
    window.show_members([ids[5]], "第二个")  # the first list's read done: a plain second click
    window.show_members(ids[1:3], "第三个")  # and a third before the second's read lands
    qtbot.waitUntil(lambda: settled(tab), timeout=60_000)
    assert sorted(tab.model.ids()) == ids[1:3]
    assert "第三个" in tab.findChild(QPushButton, "members_filter_pinned").text()
    # 清除 (the pinned button) still goes back to everyone.
    tab.findChild(QPushButton, "members_filter_pinned").click()
    qtbot.waitUntil(lambda: settled(tab) and len(tab.model.ids()) == len(ids), timeout=60_000)


def test_the_last_figure_clicked_wins_when_an_earlier_read_lands_later(
    make_window, sqlite_database, qtbot, monkeypatch
):
    """Two dashboard figures clicked back to back: the first one's read of its members is
    slower and finishes after the second's. The 成员 tab must keep the second list."""
    from core.reports import dashboard
    from tests.core.reports.helpers import group, person

    with sqlite_database.session(write=True) as session:
        reading, running = group(session, "读书会"), group(session, "跑步群")
        readers = sorted(person(session, reading, f"读者{n}") for n in range(3))
        runner = person(session, running, "跑者")
    window = make_window(sqlite_database)
    overview, members = window.overview_tab, window.members_tab
    qtbot.waitUntil(lambda: overview._period is not None and not overview.busy(), timeout=60_000)

    # The real members_behind, held back for the first figure until the second is shown.
    real, release = dashboard.members_behind, threading.Event()

    def slow_first(session, period, target):
        if target == f"community:{reading}":
            assert release.wait(20)
        return real(session, period, target)

    monkeypatch.setattr(dashboard, "members_behind", slow_first)
    overview.open_members(f"community:{reading}", "读书会")
    overview.open_members(f"community:{running}", "跑步群")
    qtbot.waitUntil(
        lambda: (
            window.tabs.currentWidget() is members
            and settled(members)
            and members.model.ids() == [runner]
        ),
        timeout=60_000,
    )
    release.set()  # now the first figure's members arrive, late
    qtbot.waitUntil(lambda: not overview.busy(), timeout=60_000)
    qtbot.waitUntil(lambda: settled(members), timeout=60_000)
    assert members.model.ids() == [runner], readers
    assert "跑步群" in members.findChild(QPushButton, "members_filter_pinned").text()


def test_filter_choices_read_before_a_change_do_not_land_over_newer_ones(
    app, sqlite_database, qtbot
):
    """Two reloads back to back (two writes announced): the first one's read of the filter
    choices finishes last, and must not put back the tags as they were before."""
    member = people(sqlite_database, 1)[0]
    entered, release = threading.Event(), threading.Event()

    def levels(_session):
        if not entered.is_set():  # the first reload's read: its tags were read already
            entered.set()
            assert release.wait(20)
        return []

    tab = MembersTab(sqlite_database, extras=MembersTabExtras(level_names=levels))
    qtbot.addWidget(tab)
    tag = tab.findChild(QComboBox, "members_filter_tag")
    tab.reload(None)
    qtbot.waitUntil(entered.is_set, timeout=60_000)
    with sqlite_database.session(write=True) as session:
        set_member_tags(session, member, ["新标签"])
    tab.reload(None)
    qtbot.waitUntil(lambda: tag.findText("新标签") > 0, timeout=60_000)
    release.set()
    qtbot.waitUntil(lambda: not tab.busy(), timeout=60_000)
    assert tag.findText("新标签") > 0
