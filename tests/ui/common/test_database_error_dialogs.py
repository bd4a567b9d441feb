"""The window's error dialogs for database failures: a lock held by another program is one
line to wait for, not a bug; a real bug's dialog carries no personal data."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from core.common.database import Database
from db.engine import make_engine, make_session_factory
from db.models import Member
from tests.ui.conftest import when_shown
from ui.common.errors import show_error
from ui.common.tasks import run_task

PHONE = "13912345678"
ERROR_DIALOGS = ("user_error_dialog", "unexpected_error_dialog")


@pytest.fixture
def impatient(sqlite_database) -> Database:
    """The same (migrated) file, opened with a 0.1 s busy timeout, so a held lock fails fast."""
    engine = make_engine(sqlite_database.url, busy_timeout_ms=100)
    yield Database(sqlite_database.url, engine, make_session_factory(engine))
    engine.dispose()


@pytest.fixture
def held_lock(sqlite_database):
    """Another program in the middle of a write transaction."""
    holder = sqlite3.connect(sqlite_database.file, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    yield
    holder.execute("ROLLBACK")
    holder.close()


def _first_error_dialog(shown: list, timeout_ms: int = 60_000) -> None:
    """Read and close the first error dialog of either kind, then stop looking: on a failure
    the wrong dialog is closed too, instead of blocking the test in its exec()."""
    state = {"waited": 0}

    def poll() -> None:
        for widget in QApplication.topLevelWidgets():
            if widget.objectName() in ERROR_DIALOGS and widget.isVisible():
                shown.append((widget.objectName(), widget.text()))
                widget.accept()
                return
        state["waited"] += 50
        if state["waited"] < timeout_ms:
            QTimer.singleShot(50, poll)

    QTimer.singleShot(50, poll)


def test_a_write_that_waited_in_vain_for_the_lock_says_so_in_one_line(
    app, qtbot, impatient, held_lock
):
    parent = QWidget()
    qtbot.addWidget(parent)
    shown = []
    _first_error_dialog(shown)

    def write(progress, cancelled):
        with impatient.session(write=True) as session:
            session.execute(text("INSERT INTO tags (name) VALUES ('花')"))

    run_task(parent, write, label="保存")
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=60_000)
    assert shown == [
        (
            "user_error_dialog",
            f"数据库 {impatient.url} 正被其他程序占用（已锁定），请稍后再试",
        )
    ]


def test_a_lock_error_from_outside_a_session_is_one_line_in_english(
    app, english, qtbot, impatient, held_lock
):
    parent = QWidget()
    qtbot.addWidget(parent)
    shown = []
    _first_error_dialog(shown)

    # A plain engine: no Database.session to explain the error before the dialog does.
    plain = create_engine(impatient.url, connect_args={"timeout": 0.1})

    def write(progress, cancelled):
        with plain.begin() as connection:
            connection.execute(text("INSERT INTO tags (name) VALUES ('花')"))

    run_task(parent, write, label="保存")
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=60_000)
    plain.dispose()
    english = "The database is in use by another program (locked); please try again later"
    assert shown == [("user_error_dialog", english)]


def test_the_bug_dialog_shows_no_parameters_or_row_data(app, qtbot, database):
    with pytest.raises(IntegrityError) as caught, database.session() as session:
        session.add(Member(nickname="花花", phone=PHONE, gender="?"))  # gender: a CHECK
        session.flush()
    seen = []

    def read(box: QMessageBox) -> None:
        seen.append((box.text(), box.detailedText()))
        box.accept()

    when_shown("unexpected_error_dialog", read)
    show_error(None, caught.value)
    ((text_shown, details),) = seen
    assert "IntegrityError" in text_shown and "IntegrityError" in details
    assert PHONE not in text_shown and PHONE not in details
