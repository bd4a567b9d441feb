"""回收站: communities deleted with members in them; restore, or remove for good after a warning."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.common.database import Database
from core.communities.registry import (
    TrashedCommunity,
    purge_community,
    restore_community,
    trash_list,
)
from ui.common.screen_fit import fit_to_screen
from ui.common.tasks import TaskGroup
from ui.common.widgets import confirm, hint_label, push_button
from ui.communities.labels import platform_labels


class TrashDialog(QDialog):
    """The trash; emits `changed` after a restore or a removal."""

    changed = Signal()

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("communities_trash_dialog")
        self.setWindowTitle(self.tr("社群回收站"))
        fit_to_screen(self, 720, 420)
        self.database = database
        self.tasks = TaskGroup(self)
        self.rows: list[TrashedCommunity] = []

        intro = hint_label(
            self.tr(
                "删除时还有成员记录的社群放在这里，成员和入群记录都还在，恢复后一切照旧。"
                "彻底删除会一并删除它的入群记录和进退群历史，不能撤销。"
            )
        )
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("communities_trash_table")
        self.table.setHorizontalHeaderLabels(
            [self.tr("名称"), self.tr("平台"), self.tr("入群记录"), self.tr("删除时间")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.empty_label = QLabel(self.tr("回收站是空的"))
        self.empty_label.setObjectName("communities_trash_empty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setProperty("muted", True)

        self.restore_button = push_button(
            "communities_trash_restore", self.tr("恢复"), self.restore_selected
        )
        self.purge_button = push_button(
            "communities_trash_purge", self.tr("彻底删除…"), self.purge_selected
        )
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.purge_button)
        buttons.addStretch(1)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label, 1)
        layout.addLayout(buttons)
        self._update_buttons()
        self.reload()

    def reload(self) -> None:
        self.tasks.read(trash_list, self._show)

    def _show(self, rows: list[TrashedCommunity]) -> None:
        self.rows = rows
        platforms = platform_labels()
        self.table.setRowCount(len(rows))
        for number, row in enumerate(rows):
            members = QTableWidgetItem(f"{row.memberships:,}")
            members.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            cells = [
                QTableWidgetItem(row.name),
                QTableWidgetItem(platforms.get(row.platform, row.platform)),
                members,
                QTableWidgetItem(row.deleted_at.strftime("%Y-%m-%d %H:%M")),
            ]
            for column, cell in enumerate(cells):
                self.table.setItem(number, column, cell)
        self.table.setVisible(bool(rows))
        self.empty_label.setVisible(not rows)
        if rows:
            self.table.selectRow(0)
        self._update_buttons()

    def _selected(self) -> TrashedCommunity | None:
        selected = self.table.selectionModel().selectedRows()
        return self.rows[selected[0].row()] if selected else None

    def _update_buttons(self) -> None:
        chosen = self._selected() is not None
        self.restore_button.setEnabled(chosen)
        self.purge_button.setEnabled(chosen)

    def restore_selected(self) -> None:
        row = self._selected()
        if row is None:
            return
        self.tasks.write(
            lambda session: restore_community(session, row.id),
            label=self.tr("正在恢复…"),
            changes=frozenset(),  # the tab announces it on `changed`
            then=self._done,
        )

    def purge_selected(self) -> None:
        row = self._selected()
        if row is None:
            return
        text = (
            self.tr(
                "彻底删除「{name}」？它的 %Ln 条入群记录和进退群历史会一并删除，不能撤销。",
                "",
                row.memberships,
            )
            if row.memberships
            else self.tr("彻底删除「{name}」？")
        ).format(name=row.name)
        title = self.tr("彻底删除")
        if not confirm(self, "communities_purge_confirm", title, text, title):
            return

        self.tasks.write(
            lambda session: purge_community(session, row.id, confirm=True),
            label=self.tr("正在删除…"),
            changes=frozenset(),
            then=self._done,
        )

    def _done(self, _result) -> None:
        self.changed.emit()
        self.reload()
