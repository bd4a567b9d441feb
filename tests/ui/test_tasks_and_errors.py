"""Background work: results, progress, cancel and errors reach the GUI thread; bugs get a dialog."""

from __future__ import annotations

import sys
import threading

from PySide6.QtWidgets import QMessageBox, QWidget
from sqlalchemy import func, select

from core.common.errors import UserError
from core.common.logs import log_file, setup_logging
from core.common.progress import Cancelled
from core.demo.generate import generate_demo
from db.models import Member
from tests.ui.conftest import when_shown
from ui.common.errors import install_excepthook
from ui.common.tasks import Task, run_task


def test_task_runs_off_the_gui_thread_and_reports_progress(app, qtbot):
    gui_thread = threading.get_ident()
    seen = {}

    def work(progress, cancelled):
        seen["thread"] = threading.get_ident()
        for step in range(1, 6):
            progress(step, 5)
        return "done"

    task = Task(work)
    reports = []
    task.progressed.connect(lambda done, total: reports.append((done, total)))
    with qtbot.waitSignal(task.succeeded, timeout=60_000) as result:
        task.start()
    assert result.args == ["done"]
    assert seen["thread"] != gui_thread
    qtbot.waitUntil(lambda: reports[-1:] == [(5, 5)])


def test_cancel_stops_the_work_and_rolls_back(app, qtbot, sqlite_database):
    started = threading.Event()

    def work(progress, cancelled):
        started.set()
        with sqlite_database.engine.begin() as connection:
            generate_demo(connection, 3000, cancelled=cancelled)

    task = Task(work)
    with qtbot.waitSignal(task.was_cancelled, timeout=60_000):
        task.start()
        started.wait(5)
        task.cancel()
    with sqlite_database.session() as session:
        assert session.scalar(select(func.count()).select_from(Member)) == 0


def test_user_error_in_a_task_shows_its_one_line(app, qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    messages = []
    when_shown("user_error_dialog", lambda box: (messages.append(box.text()), box.accept()))

    def work(progress, cancelled):
        raise UserError("文件不是表格")

    run_task(parent, work, label="导入")
    qtbot.waitUntil(lambda: messages == ["文件不是表格"], timeout=60_000)


def test_cancelled_task_calls_on_cancelled(app, qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    calls = []

    def work(progress, cancelled):
        raise Cancelled

    run_task(
        parent,
        work,
        label="x",
        on_cancelled=lambda: calls.append("cancelled"),
        on_success=lambda _r: calls.append("success"),
    )
    qtbot.waitUntil(lambda: calls == ["cancelled"], timeout=60_000)


def test_uncaught_exception_shows_dialog_with_log_path_and_keeps_running(app, qtbot):
    setup_logging()
    previous = sys.excepthook
    install_excepthook()
    shown = []

    def read(box: QMessageBox) -> None:
        shown.append((box.text(), box.detailedText()))
        box.accept()

    try:
        when_shown("unexpected_error_dialog", read)
        try:
            raise ZeroDivisionError("boom in a slot")
        except ZeroDivisionError as error:
            sys.excepthook(type(error), error, error.__traceback__)
    finally:
        sys.excepthook = previous
    text, details = shown[0]
    assert str(log_file()) in text and "boom in a slot" in text
    assert "ZeroDivisionError" in details
    assert "boom in a slot" in log_file().read_text(encoding="utf-8")


def _failing_task_log(qtbot, error: Exception) -> list[str]:
    """The log file's lines written while a background task fails with `error`."""
    target = setup_logging()
    before = target.read_text(encoding="utf-8") if target.exists() else ""

    def work(progress, cancelled):
        raise error

    task = Task(work)
    with qtbot.waitSignal(task.failed, timeout=60_000):
        task.start()
    return target.read_text(encoding="utf-8")[len(before) :].splitlines()


def test_a_refusal_is_one_info_line_in_the_log(app, qtbot):
    lines = _failing_task_log(qtbot, UserError("积分不足：可用 120 分，需要 500 分"))
    assert len(lines) == 1, lines
    assert " INFO " in lines[0] and "积分不足：可用 120 分，需要 500 分" in lines[0]


def test_a_bug_in_a_task_is_an_error_with_its_traceback(app, qtbot):
    lines = _failing_task_log(qtbot, ZeroDivisionError("boom in a worker"))
    assert " ERROR " in lines[0]
    assert "Traceback" in "\n".join(lines) and "boom in a worker" in lines[-1]


def test_a_refusal_raised_in_a_slot_is_logged_as_a_refusal(app, qtbot):
    target = setup_logging()
    before = target.read_text(encoding="utf-8") if target.exists() else ""
    previous = sys.excepthook
    install_excepthook()
    shown = []
    when_shown("user_error_dialog", lambda box: (shown.append(box.text()), box.accept()))
    try:
        try:
            raise UserError("请先选择成员")
        except UserError as error:
            sys.excepthook(type(error), error, error.__traceback__)
    finally:
        sys.excepthook = previous
    assert shown == ["请先选择成员"]
    lines = target.read_text(encoding="utf-8")[len(before) :].splitlines()
    assert len(lines) == 1 and " INFO " in lines[0] and "请先选择成员" in lines[0]
