"""The tab contract (ui/common/tab.py), the named change topics (ui/common/changes.py) and the
read / write helpers every tab uses (ui/common/tasks.py TaskGroup)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWidget
from sqlalchemy import func, select

from core.common.errors import UserError
from core.members.editing import create_member
from db.models import Member
from ui.common.changes import EVERYTHING, Change, changes
from ui.common.tab import FeatureTab
from ui.common.tasks import TaskGroup


class CountingTab(FeatureTab):
    SHOWS = frozenset({Change.MEMBERS})

    def __init__(self, database) -> None:
        super().__init__(database)
        self.reloads: list = []

    def reload(self, changed) -> None:
        self.reloads.append(changed)


def test_an_unknown_topic_is_refused(app, sqlite_database):
    with pytest.raises(AttributeError):
        _ = Change.MEMBRES  # a typo is an error at the line that names it
    with pytest.raises(ValueError, match="membres"):
        changes("membres")
    with pytest.raises(ValueError, match="members"):
        changes("members")  # a bare string, even a right one: only a Change is a topic
    tab = CountingTab(sqlite_database)
    with pytest.raises(ValueError):
        tab.refresh({"membres"})
    with pytest.raises(ValueError):
        tab.announce({"members"})
    assert tab.reloads == []


def test_a_tab_reloads_only_for_what_it_shows(app, qtbot, sqlite_database):
    tab = CountingTab(sqlite_database)
    qtbot.addWidget(tab)
    tab.refresh(changes(Change.POINTS, Change.POSTERS))
    assert tab.reloads == []
    tab.refresh(changes(Change.POINTS, Change.MEMBERS))
    tab.refresh()
    assert tab.reloads == [{Change.POINTS, Change.MEMBERS}, None]
    with qtbot.waitSignal(tab.data_changed) as announced:
        tab.announce(changes(Change.TAGS))
    assert announced.args == [{Change.TAGS}]
    assert Change.TAGS == "tags"  # the value the log and a debugger show
    assert set(Change) == EVERYTHING


def test_every_tab_of_the_window_keeps_the_contract(make_window, sqlite_database):
    window = make_window(sqlite_database)
    for tab in window.feature_tabs():
        assert isinstance(tab, FeatureTab), tab.objectName()
        assert tab.SHOWS <= EVERYTHING and tab.SHOWS, tab.objectName()


def _members(database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(Member))


def test_a_write_is_committed_before_it_is_announced(app, qtbot, sqlite_database):
    owner = QWidget()
    owner.database = sqlite_database
    qtbot.addWidget(owner)
    heard = []
    tasks = TaskGroup(
        owner, announce=lambda topics: heard.append((topics, _members(sqlite_database)))
    )
    results = []
    tasks.write(
        lambda session: create_member(session, "张小凡"),
        label="保存",
        changes=changes(Change.MEMBERS),
        then=results.append,
    )
    assert tasks.busy()
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=60_000)
    # Another session already sees the member when the others hear of it.
    assert heard == [({Change.MEMBERS}, 1)]
    assert len(results) == 1


def test_a_refused_write_changes_nothing_and_announces_nothing(app, qtbot, sqlite_database):
    from tests.ui.conftest import when_shown

    owner = QWidget()
    owner.database = sqlite_database
    qtbot.addWidget(owner)
    heard, messages = [], []
    tasks = TaskGroup(owner, announce=heard.append)

    def work(session):
        create_member(session, "李四")
        raise UserError("不能保存")

    when_shown("user_error_dialog", lambda box: (messages.append(box.text()), box.accept()))
    tasks.write(work, label="保存", changes=changes(Change.MEMBERS))
    qtbot.waitUntil(lambda: bool(messages) and not tasks.busy(), timeout=60_000)
    assert "不能保存" in messages[0]
    assert heard == [] and _members(sqlite_database) == 0


def test_a_read_shows_its_answer_and_stays_busy_until_then(app, qtbot, sqlite_database):
    owner = QWidget()
    owner.database = sqlite_database
    qtbot.addWidget(owner)
    tasks = TaskGroup(owner)
    shown = []
    tasks.read(lambda session: (_members_in(session), tasks.busy()), shown.append)
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=60_000)
    assert shown == [(0, True)]


def _members_in(session) -> int:
    return session.scalar(select(func.count()).select_from(Member))
