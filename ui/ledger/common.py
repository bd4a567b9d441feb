"""What the 积分 tab's pages share: their table and card widgets, and `LedgerPage`, the base
of a page (its reads and writes go through the tab, so the tab's `busy()` covers them)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QMessageBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.common.changes import Change, changes
from ui.common.columns import keep_columns_fitted
from ui.common.empty_state import EmptySwitch
from ui.common.list_model import ListTableModel
from ui.common.save_path import ask_xlsx_path
from ui.common.tasks import run_task, while_alive

if TYPE_CHECKING:
    from core.common.database import Database
    from ui.ledger.tab import LedgerTab

POINTS = changes(Change.POINTS)


def time_text(value: datetime | None) -> str:
    return "" if value is None else f"{value:%Y-%m-%d %H:%M}"


def last_day(expires_on) -> str:
    return "" if expires_on is None else f"{expires_on - timedelta(days=1):%Y-%m-%d}"


def make_table(object_name: str, model: ListTableModel, widths: tuple[int, ...]) -> QTableView:
    table = QTableView()
    table.setObjectName(object_name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(28)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    for column, width in enumerate(widths):
        header.resizeSection(column, width)
    header.setStretchLastSection(True)
    keep_columns_fitted(table)  # the widths above fit the Chinese; English may need more
    return table


def make_card(object_name: str, caption: str) -> tuple[QFrame, QLabel]:
    frame = QFrame()
    frame.setProperty("card", True)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(14, 10, 14, 10)
    value = QLabel("—")
    value.setObjectName(object_name)
    value.setProperty("statValue", True)
    label = QLabel(caption)
    label.setProperty("statCaption", True)
    layout.addWidget(value)
    layout.addWidget(label)
    return frame, value


def selected(table: QTableView, model: ListTableModel) -> Any | None:
    rows = table.selectionModel().selectedRows()
    return model.item(rows[0].row()) if rows else None


class LedgerPage(QWidget):
    """One page of the 积分 tab; `reload()` reads what it shows."""

    def __init__(self, tab: LedgerTab) -> None:
        super().__init__()
        self.tab = tab
        self.tasks = tab.tasks

    @property
    def database(self) -> Database:
        return self.tab.database

    def reload(self) -> None:
        raise NotImplementedError

    def lay_out(self, *parts) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.setSpacing(10)
        for part in parts:
            if isinstance(part, QWidget):
                layout.addWidget(
                    part, 1 if isinstance(part, (QTableView, QSplitter, EmptySwitch)) else 0
                )
            else:
                layout.addLayout(part)

    def write(self, work, label: str, message: str | None = None, *, form=None) -> None:
        """Run a change in one transaction off the GUI thread, then reload what it touched
        and announce `Change.POINTS`.

        With `form` (a dialog left open while its write runs): success closes it with
        `done_ok()`, a failure goes to its `refused(error)` and it stays open.
        """

        def done(result) -> None:
            if form is not None and shiboken6.isValid(form):
                form.done_ok()
            self.tab.refresh(POINTS)
            if message:
                QMessageBox.information(self, self.tr("完成"), message.format(result=result))

        self.tasks.write(
            work,
            label=label,
            changes=POINTS,
            then=done,
            on_failure=None if form is None else while_alive(form, form.refused),
            parent=form,
        )

    def export(self, member_ids: list[int] | None, suggested: str) -> None:
        """The ledger (all of it, or these members') to an Excel file the user picks."""
        path = ask_xlsx_path(self, self.tr("导出 Excel"), suggested)
        if path is None:
            return
        database = self.database

        def work(progress, cancelled):
            # openpyxl: only when exporting
            from core.ledger.export import export_ledger

            with database.session() as session:
                return export_ledger(
                    session,
                    path,
                    member_ids=member_ids,
                    progress=progress,
                    cancelled=cancelled,
                )

        def done(result) -> None:
            QMessageBox.information(
                self,
                self.tr("导出完成"),
                self.tr(
                    "已导出 {members} 位成员、{entries} 笔流水到\n{path}\n手机号和微信号已打码。"
                ).format(members=result.members, entries=result.entries, path=result.path),
            )

        run_task(self, work, label=self.tr("正在导出…"), on_success=done)
