"""The communities table: a model over the rows core lists, and a filter for search/archived.

At most a few hundred communities, so the rows are held in memory (unlike the members table);
searching and the 显示已归档 switch filter here without asking the database again.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from core.common.search_keys import normalize_query
from core.communities.listing import CommunityRow
from ui.common.sorting import name_collator
from ui.communities.labels import (
    OK_COLOR,
    QUIET_COLOR,
    URGENT_COLOR,
    WARNING_COLOR,
    kind_color,
    platform_labels,
    qr_days_text,
    status_label,
    verdict_text,
)

COL_NAME, COL_PLATFORM, COL_MEMBERS, COL_QR, COL_STATUS = range(5)
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


class CommunitiesModel(QAbstractTableModel):
    """One row per community: 名称, 平台, 成员, 二维码, 状态."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[CommunityRow] = []

    def set_rows(self, rows: list[CommunityRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_of(self, community_id: int) -> int:
        for number, row in enumerate(self.rows):
            if row.id == community_id:
                return number
        return -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (
                self.tr("名称"),
                self.tr("平台"),
                self.tr("成员"),
                self.tr("二维码"),
                self.tr("状态"),
            )[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == SORT_ROLE:
            return self._sort_key(row, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._color(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_NAME:
            return "\n".join(filter(None, [row.name, "、".join(row.tags), row.theme]))
        if role == Qt.ItemDataRole.ToolTipRole and column in (COL_STATUS, COL_QR):
            return verdict_text(row.verdict) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_MEMBERS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, row: CommunityRow, column: int) -> str:
        if column == COL_NAME:
            return row.name
        if column == COL_PLATFORM:
            return platform_labels().get(row.platform, row.platform)
        if column == COL_MEMBERS:
            return f"{row.members:,} / {row.member_cap:,}"
        if column == COL_QR:
            return qr_days_text(row.has_qr, row.qr_days_left, row.verdict.qr_needed)
        if row.archived:
            return self.tr("已归档")
        if row.warnings:
            label = status_label(row.warnings[0])
            more = len(row.warnings) - 1
            return label if not more else self.tr("{label} +{n}").format(label=label, n=more)
        return self.tr("正常")

    def _sort_key(self, row: CommunityRow, column: int):
        if column == COL_MEMBERS:
            return row.members
        if column == COL_QR:
            # Soonest to expire first; codes that never expire, then none, at the end.
            if not row.has_qr:
                return 1_000_001
            return 1_000_000 if row.qr_days_left is None else row.qr_days_left
        if column == COL_STATUS:
            return (0 if row.warnings else 1, self._text(row, column))
        return self._text(row, column)

    def _color(self, row: CommunityRow, column: int):
        """Warning colours only for what is on 需要处理 (the same verdict the panel reads)."""
        if row.archived:
            return QBrush(QColor(QUIET_COLOR))
        verdict = row.verdict
        if column == COL_STATUS and verdict.listed:
            first = verdict.items[0]
            return QBrush(QColor(kind_color(first.kind, first.cap_reached)))
        if column == COL_STATUS and row.warnings:
            return QBrush(QColor(QUIET_COLOR))
        if column == COL_QR:
            if any(w.kind.startswith("qr_") for w in verdict.items):
                soon = row.qr_days_left is not None and row.qr_days_left <= 1
                return QBrush(QColor(URGENT_COLOR if soon else WARNING_COLOR))
            if not verdict.qr_needed:
                return QBrush(QColor(QUIET_COLOR))
            if row.has_qr and row.qr_days_left is not None:
                return QBrush(QColor(OK_COLOR))
        return None


class CommunitiesFilter(QSortFilterProxyModel):
    """Search (name, tags, theme, pinyin and initials) and the 显示已归档 switch."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self._show_archived = False
        self.pinyin: dict[str, str] = {}  # name → its pinyin keys, filled after the list loads
        self.setSortRole(SORT_ROLE)
        # 花漾 before 麦香 before 小橡树 (pinyin order in a Chinese locale), 2群 before 10群.
        self.collator = name_collator()

    def lessThan(self, left: Index, right: Index) -> bool:
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        if isinstance(a, str) and isinstance(b, str):
            return self.collator.compare(a, b) < 0
        if isinstance(a, tuple) and isinstance(b, tuple) and a[0] != b[0]:
            return a[0] < b[0]
        if isinstance(a, tuple) and isinstance(b, tuple):
            return self.collator.compare(a[1], b[1]) < 0
        return a < b

    def set_search(self, text: str) -> None:
        self.beginFilterChange()
        self._words = normalize_query(text).split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_show_archived(self, show: bool) -> None:
        self.beginFilterChange()
        self._show_archived = show
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_pinyin(self, keys: dict[str, str]) -> None:
        self.beginFilterChange()
        self.pinyin = keys
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, CommunitiesModel)
        row = model.rows[source_row]
        if row.archived and not self._show_archived:
            return False
        if not self._words:
            return True
        text = f"{row.search_text} {self.pinyin.get(row.name, '')}"
        return all(word in text for word in self._words)
