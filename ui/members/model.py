"""The members table over SQL: it holds the ordered ids of the matching members and loads the
rows it shows a page at a time (Anki's browser does the same).

Holding every id (400 KB at 100000 members) keeps the scroll bar true to size and lets the user
jump to the end; only the rows on screen are ever loaded, and sorting happens in the database:
`sort()` asks the tab for a new id list instead of reordering anything here.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from core.common.database import Database
from core.members.masking import mask_phone
from core.members.query import MemberRow, load_rows
from core.members.search_match import match_notes
from ui.common.i18n import shown

PAGE_SIZE = 100
PAGES_KEPT = 40  # 4000 rows in memory at most
MEMBER_ID_ROLE = Qt.ItemDataRole.UserRole + 1

# (key, header, sort key or None when the column cannot be sorted)
COLUMNS: list[tuple[str, str, str | None]] = [
    ("nickname", QT_TRANSLATE_NOOP("MembersModel", "昵称"), "nickname"),
    ("remark", QT_TRANSLATE_NOOP("MembersModel", "备注名"), "remark"),
    ("wechat_id", QT_TRANSLATE_NOOP("MembersModel", "微信号"), "wechat_id"),
    ("phone", QT_TRANSLATE_NOOP("MembersModel", "手机号"), "phone"),
    ("gender", QT_TRANSLATE_NOOP("MembersModel", "性别"), "gender"),
    ("city", QT_TRANSLATE_NOOP("MembersModel", "城市"), "city"),
    ("communities", QT_TRANSLATE_NOOP("MembersModel", "所在社群"), None),
    ("tags", QT_TRANSLATE_NOOP("MembersModel", "标签"), None),
    ("source_channel", QT_TRANSLATE_NOOP("MembersModel", "来源渠道"), "source_channel"),
    ("last_active_at", QT_TRANSLATE_NOOP("MembersModel", "最近活跃"), "last_active_at"),
    # Why a row is there while searching (群昵称：小王); the tab shows it beside 昵称.
    ("match", QT_TRANSLATE_NOOP("MembersModel", "匹配"), None),
]
MATCH_COLUMN = len(COLUMNS) - 1
GENDER_NAMES = {
    "m": QT_TRANSLATE_NOOP("MembersModel", "男"),
    "f": QT_TRANSLATE_NOOP("MembersModel", "女"),
    "": "",
}


def column_samples() -> dict[int, list[str]]:
    """Words a column shows whose translation may be wider than the Chinese width allows."""
    genders = [QCoreApplication.translate("MembersModel", n) for n in GENDER_NAMES.values() if n]
    return {[key for key, *_ in COLUMNS].index("gender"): genders}


class MembersModel(QAbstractTableModel):
    """Rows are members; the tab sets the ids, the model fetches what is shown."""

    sort_requested = Signal(str, bool)  # sort key, descending

    def __init__(self, database: Database, parent=None) -> None:
        super().__init__(parent)
        self.database = database
        self._ids: list[int] = []
        self._pages: OrderedDict[int, dict[int, MemberRow]] = OrderedDict()
        self._notes: dict[int, str] = {}  # member id → why the search found them (loaded rows)
        self._search = ""
        self.show_full_phone = False

    # ----- what the tab calls ------------------------------------------------------------

    def set_ids(self, ids: list[int], search: str = "") -> None:
        """The members to show, in order, and the search text that found them."""
        self.beginResetModel()
        self._ids = ids
        self._search = search
        self._pages.clear()
        self._notes.clear()
        self.endResetModel()

    def reload_rows(self) -> None:
        """Forget loaded rows (after an edit) and repaint, keeping the same ids and selection."""
        self._pages.clear()
        self._notes.clear()
        if self._ids:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._ids) - 1, len(COLUMNS) - 1)
            )

    def member_id(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, member_id: int) -> int | None:
        try:
            return self._ids.index(member_id)
        except ValueError:
            return None

    def ids(self) -> list[int]:
        return list(self._ids)

    # ----- Qt's model interface ----------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate("MembersModel", COLUMNS[section][1])
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][2]
        if key is not None:
            self.sort_requested.emit(key, order == Qt.SortOrder.DescendingOrder)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if not index.isValid():
            return None
        if role == MEMBER_ID_ROLE:
            return self._ids[index.row()]
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.ForegroundRole,
        ):
            return None
        row = self._row(index.row())
        if row is None:
            return None
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor("#0f766e") if row.is_team and key == "nickname" else None
        text = self._text(row, key)
        if role == Qt.ItemDataRole.ToolTipRole:
            return text if key in ("communities", "tags", "match") and text else None
        return text

    # ----- loading -----------------------------------------------------------------------

    def _row(self, position: int) -> MemberRow | None:
        page_number = position // PAGE_SIZE
        page = self._pages.get(page_number)
        if page is None:
            start = page_number * PAGE_SIZE
            ids = self._ids[start : start + PAGE_SIZE]
            with self.database.session() as session:
                page = load_rows(session, ids)
                if self._search.strip():
                    self._notes.update(match_notes(session, ids, self._search))
            self._pages[page_number] = page
            while len(self._pages) > PAGES_KEPT:
                for member_id in self._pages.popitem(last=False)[1]:
                    self._notes.pop(member_id, None)
        else:
            self._pages.move_to_end(page_number)
        return page.get(self._ids[position])

    def _text(self, row: MemberRow, key: str) -> str:
        if key == "nickname":
            return row.nickname + (self.tr("（团队）") if row.is_team else "")
        if key == "phone":
            return (row.phone if self.show_full_phone else mask_phone(row.phone)) or ""
        if key == "gender":
            name = GENDER_NAMES.get(row.gender, "")
            return QCoreApplication.translate("MembersModel", name) if name else ""
        if key == "communities":
            return "、".join(row.communities)
        if key == "tags":
            return "、".join(row.tags)
        if key == "last_active_at":
            return _date(row.last_active_at) or self.tr("从未")
        if key == "match":
            return shown(self._notes.get(row.id, ""))
        value = getattr(row, key)
        return value or ""


def _date(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""
