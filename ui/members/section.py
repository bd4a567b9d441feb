"""A section of the member detail panel that a feature above members adds (the levels of
tiers, the chat's 群聊发言): ui/wiring.py makes it (MembersTabExtras.detail_sections) and
MemberDetailPanel.add_section shows it under its `section_title` after the memberships."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from core.common.database import Database
from ui.common.tasks import TaskGroup


class MemberSection(QWidget):
    """`show_member(id | None)` is called for each member the panel shows; `changed` after
    something the section saved (the panel tells the tab); the panel hands it a reopened
    `database` (after a restore)."""

    changed = Signal()

    def __init__(
        self, database: Database, name: str, title: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.section_title = title
        self.database = database
        self.member_id: int | None = None  # the member shown
        self.tasks = TaskGroup(self)

    def show_member(self, member_id: int | None) -> None:
        raise NotImplementedError
