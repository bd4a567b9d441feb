"""The one way to run core work off the GUI thread, with progress and cancel.

A core function takes `progress(done, total)` and `cancelled()`; `run_task` runs it in
Qt's thread pool and calls back on the GUI thread:

    run_task(self, lambda progress, cancelled: import_file(db, path, progress, cancelled),
             label=self.tr("正在导入…"), on_success=self.show_result)

Widgets are never touched from the worker: results cross back through queued signals.
A `UserError` goes to a plain message box, any other exception to the error dialog.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from core.common.progress import Cancelled
from ui.common.changes import Changes, checked

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.common.database import Database

log = logging.getLogger(__name__)

T = TypeVar("T")
Work = Callable[[Callable[[int, int], None], Callable[[], bool]], Any]
# A dialog appears only for work that takes longer than this; quick jobs never flash one.
PROGRESS_DIALOG_DELAY_MS = 400


# Tasks in flight, kept alive here rather than by a parent widget: a tab or dialog closed
# while its work runs must not delete the object the worker thread is about to signal from.
_in_flight: set[Task] = set()


class Task(QObject):
    """One background job; its signals arrive on the thread that created it (the GUI)."""

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)  # the exception
    was_cancelled = Signal()
    finished = Signal()

    def __init__(self, work: Work) -> None:
        super().__init__()
        self._work = work
        self._cancel = threading.Event()
        self.running = False

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def start(self, pool: QThreadPool | None = None) -> None:
        self.running = True
        _in_flight.add(self)
        self.finished.connect(lambda: _in_flight.discard(self))
        (pool or QThreadPool.globalInstance()).start(_Runnable(self))

    def _run_in_worker(self) -> None:
        try:
            result = self._work(self.progressed.emit, self._cancel.is_set)
        except Cancelled:
            outcome = (self.was_cancelled,)
        except Exception as error:  # every failure must reach the GUI, bugs included
            from ui.common.errors import log_failure  # here: see run_task

            log_failure(error, "background task failed")
            outcome = (self.failed, error)
        else:
            outcome = (self.succeeded, result)
        self.running = False
        try:
            outcome[0].emit(*outcome[1:])
            self.finished.emit()
        except RuntimeError:
            # The program is shutting down and took this object with it: nobody is left to tell.
            log.info("background task finished after its window closed")


class _Runnable(QRunnable):
    def __init__(self, task: Task) -> None:
        super().__init__()
        self._task = task

    def run(self) -> None:
        self._task._run_in_worker()


def run_task(
    parent: QWidget,
    work: Work,
    *,
    label: str,
    on_success: Callable[[Any], None] | None = None,
    on_failure: Callable[[Exception], None] | None = None,
    on_cancelled: Callable[[], None] | None = None,
    cancellable: bool = True,
    start: bool = True,
) -> Task:
    """Run `work` in the background with a progress dialog that appears if it takes a while."""
    from ui.common.errors import show_error  # here: errors imports widgets this module needn't

    task = Task(work)
    dialog = QProgressDialog(
        label, QCoreApplication.translate("tasks", "取消") if cancellable else "", 0, 0, parent
    )
    dialog.setObjectName("task_progress_dialog")
    dialog.setWindowTitle(QCoreApplication.translate("tasks", "请稍候"))
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(PROGRESS_DIALOG_DELAY_MS)
    dialog.setAutoReset(False)
    dialog.setAutoClose(False)
    if not cancellable:
        dialog.setCancelButton(None)
    dialog.canceled.connect(task.cancel)
    # A range of 0..0 shows a busy bar until the first progress report arrives.
    task.progressed.connect(lambda done, total: _show_progress(dialog, done, total))

    def finish() -> None:
        dialog.canceled.disconnect(task.cancel)
        dialog.close()
        dialog.deleteLater()

    task.finished.connect(finish)
    task.succeeded.connect(lambda result: on_success(result) if on_success else None)
    task.was_cancelled.connect(lambda: on_cancelled() if on_cancelled else None)
    task.failed.connect(
        lambda error: on_failure(error) if on_failure else show_error(parent, error)
    )
    if start:
        task.start()
    return task


def _show_progress(dialog: QProgressDialog, done: int, total: int) -> None:
    if dialog.maximum() != total:
        dialog.setMaximum(max(total, 0))
    dialog.setValue(min(done, total))


def while_alive(owner: QObject, callback: Callable[..., Any]) -> Callable[..., None]:
    """`callback`, but only while `owner` exists: a result that arrives after its tab or dialog
    was closed is dropped instead of touching a deleted widget."""

    def call(*args: Any) -> None:
        if shiboken6.isValid(owner):
            callback(*args)

    return call


def show_error_on(owner: QWidget) -> Callable[[BaseException], None]:
    """A failure handler that shows the error over `owner`, while it exists."""
    # here: see run_task
    from ui.common.errors import show_error

    return while_alive(owner, lambda error: show_error(owner, error))


class TaskGroup:
    """The background work one widget has in flight: one line to start a read or a write,
    errors shown to the user, and `busy()` for tests and for not stacking the same load twice.

    `read(work, show)`: `work(session)` runs in a read session off the GUI thread, then
    `show(result)` on it, while the owner exists (Anki's QueryOp). Reads run side by side and
    may finish in any order: `read(..., latest="name")` shows only the newest read of that name.
    `write(work, label=…, changes=…)`: `work(session)` runs in a write session (SQLite's write
    lock taken at the start), which commits; then the owner's `announce(changes)` tells the
    window what changed and `then(result)` runs (Anki's CollectionOp).
    """

    def __init__(self, owner: QWidget, announce: Callable[[Changes], None] | None = None) -> None:
        self._owner = owner
        self._announce = announce
        self._tasks: list[Task] = []
        self._newest: dict[str, int] = {}  # read name → the number of its newest read

    def start(
        self,
        work: Callable[[], Any],
        on_success: Callable[[Any], None],
        *,
        on_failure: Callable[[Exception], None] | None = None,
    ) -> Task:
        """Run `work()` in the background (no dialog), then `on_success(result)`; a failure
        goes to `on_failure` or is shown over the owner."""
        task = Task(lambda _progress, _cancelled: work())
        task.succeeded.connect(while_alive(self._owner, on_success))
        task.failed.connect(
            show_error_on(self._owner)
            if on_failure is None
            else while_alive(self._owner, on_failure)
        )
        self._track(task)
        task.start()
        return task

    def read(
        self,
        work: Callable[[Session], T],
        show: Callable[[T], None],
        *,
        label: str | None = None,
        on_failure: Callable[[Exception], None] | None = None,
        database: Database | None = None,
        latest: str | None = None,
    ) -> Task:
        """Read in the background, then show (on the GUI thread, while the owner exists).
        With `label`, a read the user waits for: a progress dialog appears if it takes a
        while. With `latest`, reads that replace each other (a second click before the first
        one's answer): a result is dropped once a newer read of that name has started."""
        database = database or self._owner.database  # taken now, on the GUI thread
        if latest is not None:
            show = self._if_newest(latest, show)

        def run() -> T:
            with database.session() as session:
                return work(session)

        if label is None:
            return self.start(run, show, on_failure=on_failure)
        return self._behind_dialog(run, label, show, on_failure)

    def _if_newest(self, name: str, show: Callable[[T], None]) -> Callable[[T], None]:
        number = self._newest[name] = self._newest.get(name, 0) + 1

        def call(result: T) -> None:
            if self._newest[name] == number:
                show(result)

        return call

    def write(
        self,
        work: Callable[[Session], T],
        *,
        label: str,
        changes: Changes,
        then: Callable[[T], None] | None = None,
        on_failure: Callable[[Exception], None] | None = None,
        parent: QWidget | None = None,
        database: Database | None = None,
    ) -> Task:
        """Write, then announce the change: one transaction off the GUI thread behind a
        progress dialog (shown if it takes a while), committed before anyone hears of it."""
        database = database or self._owner.database
        topics = checked(changes)

        def run() -> T:
            with database.session(write=True) as session:
                return work(session)

        def done(result: T) -> None:
            # Announced first: `then` may open a message box, and the other tabs need not
            # wait for the user to close it.
            if topics and self._announce is not None:
                self._announce(topics)
            if then is not None:
                then(result)

        return self._behind_dialog(run, label, done, on_failure, parent)

    def _behind_dialog(
        self,
        run: Callable[[], T],
        label: str,
        on_success: Callable[[T], None],
        on_failure: Callable[[Exception], None] | None,
        parent: QWidget | None = None,
    ) -> Task:
        """`run()` behind a progress dialog that appears if it takes a while; no cancel
        button, as the work does not look for one (long work with progress: `run_task`)."""
        task = run_task(
            parent or self._owner,
            lambda _progress, _cancelled: run(),
            label=label,
            on_success=while_alive(self._owner, on_success),
            on_failure=on_failure,
            cancellable=False,
            start=False,
        )
        self._track(task)  # before it starts: busy() from the first moment
        task.start()
        return task

    def _track(self, task: Task) -> None:
        # A task leaves the list on `finished`, which comes after its result was handled.
        task.finished.connect(lambda: self._tasks.remove(task))
        self._tasks.append(task)

    def busy(self) -> bool:
        return bool(self._tasks)
