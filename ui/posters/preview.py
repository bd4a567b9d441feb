"""Which data the designer previews with: the sample member, or a real member's fields.

A real member has no campaign of their own (活动名, 截止日期 come from the batch), so those
fields keep the sample's values and the member's own fields (昵称, 邀请码, 邀请链接, 社群名,
custom fields) replace the rest.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QSizePolicy, QWidget

from core.common.database import Database
from core.common.member_description import describe_members
from core.members.query import MemberFilter, find_member_ids
from core.posters.builtin import SAMPLE_DATA
from core.posters.members import poster_members
from ui.common.i18n import shown
from ui.common.widgets import combo_fits

MEMBER_CHOICES = 200  # the combo lists this many members; the search box finds the others


class PreviewData(QComboBox):
    """示例数据 or one of the members; `changed` when the choice changes."""

    changed = Signal()

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("posterPreview")
        self.database = database
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(12)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setToolTip(self.tr("用示例数据或某位成员的昵称、邀请码预览海报"))
        self._cache: dict[int, dict[str, Any]] = {}
        self._search = ""
        self.refresh()
        self.currentIndexChanged.connect(lambda _i: self.changed.emit())

    def search(self, text: str) -> int:
        """List the members matching `text` (as the members tab's search box does) and preview
        the first of them; returns how many are listed."""
        self._search = text.strip()
        count = self.refresh()
        if self._search and count:
            self.setCurrentIndex(1)
        return count

    def refresh(self) -> int:
        """Reload the member choices, keeping the current one when it is still there; returns
        how many members are listed."""
        current = self.currentData()
        self._cache.clear()
        wanted = MemberFilter(text=self._search)
        with self.database.session() as session:
            ids = find_member_ids(session, wanted, limit=MEMBER_CHOICES)
            # Same-named members told apart by group, remark or phone tail.
            described = describe_members(session, ids)
        self.blockSignals(True)
        try:
            self.clear()
            sample = self.tr("示例数据（{name}）").format(name=SAMPLE_DATA["昵称"])
            self.addItem(sample, None)
            combo_fits(self, [sample])
            for member_id in ids:
                if member_id in described:
                    self.addItem(shown(described[member_id]), member_id)
            index = self.findData(current) if current is not None else 0
            self.setCurrentIndex(max(index, 0))
        finally:
            self.blockSignals(False)
        return self.count() - 1

    def choose_member(self, member_id: int | None) -> None:
        index = self.findData(member_id) if member_id is not None else 0
        self.setCurrentIndex(max(index, 0))

    def fields(self) -> dict[str, Any]:
        """The fields to render with (a fresh dict)."""
        member_id = self.currentData()
        if member_id is None:
            return dict(SAMPLE_DATA)
        if member_id not in self._cache:
            with self.database.session() as session:
                members = poster_members(session, [member_id])
            self._cache[member_id] = members[0].fields if members else {}
        fields = {k: v for k, v in self._cache[member_id].items() if v not in (None, "")}
        return {**SAMPLE_DATA, **fields}
