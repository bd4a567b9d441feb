"""Errors shown to the user: a plain message for what they can fix, a dialog with the log
path for bugs. The excepthook keeps the window alive after an unexpected exception."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from core.common.errors import UserError
from core.common.logs import log_file, redacted
from ui.common.i18n import shown

log = logging.getLogger(__name__)


def as_user_error(error: BaseException) -> UserError | None:
    """`error` as the one line the user can act on, or None when it is a bug.

    A database another program keeps locked past the busy timeout is the user's to wait for.
    """
    if isinstance(error, UserError):
        return error
    # Imported here: SQLAlchemy is not loaded before the window first shows.
    from core.common.database import database_user_error

    return database_user_error(error)


def log_failure(error: BaseException, context: str) -> None:
    """Record a failure in the log for what it is: a refusal (积分不足, a bad file) is one
    INFO line, so the log's ERRORs and tracebacks are the bugs worth reporting."""
    refusal = as_user_error(error)
    if refusal is not None:
        log.info("%s, refused: %s", context, redacted(str(refusal.message)).replace("\n", " "))
    else:
        log.error(context, exc_info=(type(error), error, error.__traceback__))


def show_error(parent: QWidget | None, error: BaseException) -> None:
    """A UserError gets its one line; anything else the bug dialog with details and log path.

    A database another program keeps locked past the busy timeout is the user's to wait for,
    not a bug: it gets its one line too. Neither dialog shows SQL parameters or row data.
    """
    error = as_user_error(error) or error
    if isinstance(error, UserError):
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            QCoreApplication.translate("errors", "无法完成"),
            shown(error.message),
            QMessageBox.StandardButton.Ok,
            parent,
        )
        box.setObjectName("user_error_dialog")
        box.exec()
        return
    details = redacted("".join(traceback.format_exception(error)))
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        QCoreApplication.translate("errors", "出现意外错误"),
        QCoreApplication.translate(
            "errors",
            "程序遇到一个意外错误，已记入日志，数据没有丢失。\n\n{error}\n\n日志文件：{path}",
        ).format(error=redacted(f"{type(error).__name__}: {error}"), path=log_file()),
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setObjectName("unexpected_error_dialog")
    box.setDetailedText(details)
    box.exec()


def refusal_line(parent: QWidget | None, error: BaseException) -> str | None:
    """A refusal's one line, to show in place (under the form, in the notice bar); a bug gets
    the bug dialog over `parent` instead, and None."""
    refusal = as_user_error(error)
    if refusal is None:
        show_error(parent, error)
        return None
    return shown(refusal.message)


def install_excepthook() -> None:
    """Log every uncaught exception and show it, instead of letting Qt abort the program."""

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        log_failure(error.with_traceback(tb), "uncaught exception")
        if QApplication.instance() is not None:
            show_error(QApplication.activeWindow(), error.with_traceback(tb))

    sys.excepthook = hook
