"""素材库: the pictures and files content items attach — a grid of thumbnails, a search box
(title, tag, file name, pinyin), a tag filter, add by file dialog or by dropping files, delete
with a confirm; and the picker the item editor opens (`pick_materials`), which returns the ids
chosen.

`MaterialsPage(tab)` is a page of the 内容日历 tab shaped like the 活动 tab's pages
(ui/campaigns/page.py): `title()`, `reload()`, work through `tab.tasks`. Every file goes
through core (core/calendar/materials.py), which refuses hostile pictures the way the poster
designer does; a refused file is listed under the grid and the others are still added.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.common.changes import Change, changes
from ui.common.empty_state import EmptyState, EmptySwitch
from ui.common.file_drop import image_filter
from ui.common.i18n import shown
from ui.common.icons import icon
from ui.common.tasks import TaskGroup
from ui.common.widgets import (
    confirm,
    hint_fits,
    hint_label,
    ok_cancel_buttons,
    push_button,
    refill,
    restyle,
    wrapping_label,
)

if TYPE_CHECKING:
    from core.calendar.materials import MaterialRow
    from ui.common.tab import FeatureTab

ICON_SIDE = 120
SEARCH_DELAY_MS = 250


@dataclass
class Listing:
    materials: list[MaterialRow]
    thumbs: dict[int, str]  # material id → thumbnail file
    tags: list[tuple[str, int]]


def load_materials(session, search: str, tag: str | None) -> Listing:
    from core.calendar.materials import all_tags, list_materials, thumbnail

    rows = list_materials(session, search, tag=tag)
    thumbs = {}
    for row in rows:
        made = thumbnail(row)  # made here, off the GUI thread, once per picture
        if made is not None:
            thumbs[row.id] = str(made)
    return Listing(rows, thumbs, all_tags(session))


@dataclass
class AddResult:
    added: list[str]
    already: list[str]
    refused: list[str]


def add_files(session, paths: list[Path], tags: list[str]) -> AddResult:
    """Each file on its own: a refused one is reported, the others still go in (the checks
    come before anything is written, so a refusal leaves nothing behind)."""
    from core.calendar.materials import add_material
    from core.common.errors import UserError

    result = AddResult([], [], [])
    for path in paths:
        try:
            added = add_material(session, path, tags=tags)
        except UserError as error:
            result.refused.append(error.message)  # a Message: shown in the window's language
            continue
        (result.added if added.created else result.already).append(added.material.title)
    return result


def _size_text(row: MaterialRow) -> str:
    if row.width:
        return f"{row.width}×{row.height}"
    size = row.size_bytes
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, size // 1024)} KB"


class MaterialsPage(QWidget):
    def __init__(
        self, tab: FeatureTab, parent: QWidget | None = None, *, picker: bool = False
    ) -> None:
        """`picker`: inside the picker dialog — choose several, no add/delete, own tasks (the
        dialog may close while a read runs)."""
        super().__init__(parent)
        self.setObjectName("calendar_materials_page")
        self.tab = tab
        self.picker = picker
        self.tasks = TaskGroup(self, announce=tab.announce) if picker else tab.tasks
        self.listing: Listing | None = None
        self.setAcceptDrops(not picker)

        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("materials_search")
        self.search.setPlaceholderText(self.tr("搜索标题、标签或拼音"))
        self.search.setClearButtonEnabled(True)
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(SEARCH_DELAY_MS)
        self._typing.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._typing.start())
        bar.addWidget(self.search, 2)
        self.tag = QComboBox()
        self.tag.setObjectName("materials_tag")
        self.tag.addItem(self.tr("全部标签"), None)
        self.tag.currentIndexChanged.connect(lambda _i: self.reload())
        self.tag.setMinimumContentsLength(10)
        bar.addWidget(self.tag, 1)
        if not picker:
            self.new_tags = QLineEdit()
            self.new_tags.setObjectName("materials_new_tags")
            self.new_tags.setPlaceholderText(self.tr("新素材的标签，逗号分隔"))
            hint_fits(self.new_tags)  # it read "Tags for new files, comma-separ…" in English
            bar.addWidget(self.new_tags, 1)
            add = push_button("materials_add", self.tr("添加…"), self.choose_files)
            add.setIcon(icon("plus"))
            bar.addWidget(add)
            self.edit_button = push_button("materials_edit", self.tr("编辑…"), self.edit)
            self.edit_button.setIcon(icon("pencil"))
            self.edit_button.setEnabled(False)
            bar.addWidget(self.edit_button)
            self.delete_button = push_button("materials_delete", self.tr("删除"), self.delete)
            self.delete_button.setIcon(icon("trash-2"))
            self.delete_button.setEnabled(False)
            bar.addWidget(self.delete_button)
        layout.addLayout(bar)

        self.grid = QListWidget()
        self.grid.setObjectName("materials_grid")
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setIconSize(QSize(ICON_SIDE, ICON_SIDE))
        self.grid.setGridSize(QSize(ICON_SIDE + 36, ICON_SIDE + 52))
        self.grid.setWordWrap(True)
        self.grid.setSpacing(6)
        self.grid.setUniformItemSizes(True)
        self.grid.setSelectionMode(
            QAbstractItemView.SelectionMode.ExtendedSelection
            if picker
            else QAbstractItemView.SelectionMode.SingleSelection
        )
        self.grid.itemSelectionChanged.connect(self._selection_changed)
        if not picker:
            self.grid.itemDoubleClicked.connect(lambda _item: self.edit())
        self.empty = EmptyState(
            "materials_empty",
            "image",
            self.tr("素材库还是空的"),
            self.tr("把海报、产品图和活动规则放进来，排内容时直接挑选；也可以把文件拖到这里。"),
        )
        if not picker:
            self.empty.add_action("materials_empty_add", self.tr("添加素材…"), self.choose_files)
        self.switch = EmptySwitch(self.grid, self.empty)
        layout.addWidget(self.switch, 1)
        self.status = wrapping_label("materials_status", "")
        layout.addWidget(self.status)

    @property
    def database(self):  # the picker's own TaskGroup reads through the tab's database
        return self.tab.database

    def title(self) -> str:
        return self.tr("素材库")

    def busy(self) -> bool:
        return self.tasks.busy()

    def reload(self) -> None:
        search, tag = self.search.text(), self.tag.currentData()
        self.tasks.read(lambda session: load_materials(session, search, tag), self._show)

    def _show(self, listing: Listing) -> None:
        self.listing = listing
        chosen = set(self.selected_ids())
        self.grid.clear()
        file_icon = icon("file-text")
        for row in listing.materials:
            thumb = listing.thumbs.get(row.id)
            # A file shows its type under the title: 活动规则 / PDF
            text = row.title if thumb else f"{row.title}\n{Path(row.filename).suffix[1:].upper()}"
            item = QListWidgetItem(QIcon(QPixmap(thumb)) if thumb else file_icon, text.strip())
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            tags = " ".join(f"#{t}" for t in row.tags)
            item.setToolTip(f"{row.title}\n{row.filename} · {_size_text(row)}\n{tags}".strip())
            item.setSizeHint(self.grid.gridSize())
            self.grid.addItem(item)
            item.setSelected(row.id in chosen)
        self._fill_tags(listing.tags)
        filtered = bool(self.search.text().strip() or self.tag.currentData())
        self.switch.set_empty(not listing.materials and not filtered)
        if not listing.materials and filtered:
            restyle(self.status, warning=False)
            self.status.setText(self.tr("没有符合条件的素材"))

    def _fill_tags(self, tags: list[tuple[str, int]]) -> None:
        every_tag = (self.tr("全部标签"), None)
        refill(self.tag, [every_tag, *((f"{tag} ({count})", tag) for tag, count in tags)])

    def selected_ids(self) -> list[int]:
        return [item.data(Qt.ItemDataRole.UserRole) for item in self.grid.selectedItems()]

    def _selection_changed(self) -> None:
        if not self.picker:
            self.delete_button.setEnabled(bool(self.grid.selectedItems()))
            self.edit_button.setEnabled(bool(self.grid.selectedItems()))

    # -- adding ----------------------------------------------------------------------------

    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self,
            self.tr("添加素材"),
            "",
            image_filter(),
        )
        if names:
            self.add_paths([Path(name) for name in names])

    def add_paths(self, paths: list[Path]) -> None:
        from core.calendar.materials import clean_tags
        from core.common.errors import UserError

        try:
            tags = clean_tags([self.new_tags.text()])
        except UserError as error:
            self._report(AddResult([], [], [error.message]))
            return
        self.tasks.write(
            lambda session: add_files(session, paths, tags),
            label=self.tr("正在加入素材库…"),
            changes=changes(Change.CALENDAR),
            then=self._added,
        )

    def _added(self, result: AddResult) -> None:
        self._report(result)
        self.reload()

    def _report(self, result: AddResult) -> None:
        parts = []
        if result.added:
            parts.append(self.tr("已加入 {count} 个：{names}").format(
                count=len(result.added), names="、".join(result.added)))  # fmt: skip
        if result.already:
            parts.append(self.tr("素材库里已有：{names}").format(names="、".join(result.already)))
        parts += [shown(text) for text in result.refused]
        restyle(self.status, warning=bool(result.refused))
        self.status.setText("\n".join(parts))

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        files = [p for p in paths if p.is_file()]
        if files:
            event.acceptProposedAction()
            self.add_paths(files)

    # -- editing ---------------------------------------------------------------------------

    def selected_row(self) -> MaterialRow | None:
        ids = self.selected_ids()
        if not ids or self.listing is None:
            return None
        return next((m for m in self.listing.materials if m.id == ids[0]), None)

    def edit(self) -> None:
        from core.calendar.materials import edit_material

        row = self.selected_row()
        if row is None:
            return
        dialog = MaterialEditDialog(row, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        title, tags = dialog.values()
        self.tasks.write(
            lambda session: edit_material(session, row.id, title=title, tags=[tags]),
            label=self.tr("正在保存…"),
            changes=changes(Change.CALENDAR),
            then=lambda _row: self.reload(),
        )

    # -- deleting --------------------------------------------------------------------------

    def delete(self) -> None:
        from core.calendar.materials import delete_material

        items = self.grid.selectedItems()
        if not items:
            return
        material_id, name = items[0].data(Qt.ItemDataRole.UserRole), items[0].text()
        if not confirm(
            self,
            "materials_delete_confirm",
            self.tr("删除素材"),
            self.tr("删除素材「{name}」？文件会从素材库文件夹中移除。").format(name=name),
            self.tr("删除"),
        ):
            return
        self.tasks.write(
            lambda session: delete_material(session, material_id),
            label=self.tr("正在删除…"),
            changes=changes(Change.CALENDAR),
            then=lambda title: self._deleted(title),
        )

    def _deleted(self, title: str) -> None:
        restyle(self.status, warning=False)
        self.status.setText(self.tr("已删除素材「{name}」").format(name=title))
        self.reload()


class MaterialEditDialog(QDialog):
    """A material's title and tags."""

    def __init__(self, row: MaterialRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("materials_edit_dialog")
        self.setWindowTitle(self.tr("编辑素材"))
        form = QFormLayout(self)
        self.title_edit = QLineEdit(row.title)
        self.title_edit.setObjectName("materials_edit_title")
        form.addRow(self.tr("标题"), self.title_edit)
        self.tags_edit = QLineEdit("，".join(row.tags))
        self.tags_edit.setObjectName("materials_edit_tags")
        self.tags_edit.setPlaceholderText(self.tr("逗号分隔"))
        form.addRow(self.tr("标签"), self.tags_edit)
        form.addRow(self.tr("文件"), QLabel(f"{row.filename} · {_size_text(row)}"))
        buttons = ok_cancel_buttons(self, "materials_edit_buttons", save=True)
        form.addRow(buttons)
        self.setMinimumWidth(420)

    def values(self) -> tuple[str, str]:
        return self.title_edit.text(), self.tags_edit.text()


class MaterialPicker(QDialog):
    """Choose attachments from the 素材库 (several at once); `chosen` holds their ids."""

    def __init__(self, tab: FeatureTab, selected=(), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("materials_picker")
        self.setWindowTitle(self.tr("选择素材"))
        self.chosen: list[int] = []
        self._preselect = list(selected)
        layout = QVBoxLayout(self)
        layout.addWidget(
            hint_label(self.tr("按住 Ctrl 或 Shift 可以选多个；新素材在「素材库」页添加。"))
        )
        self.page = MaterialsPage(tab, self, picker=True)
        layout.addWidget(self.page, 1)
        buttons = ok_cancel_buttons(self, "materials_picker_buttons")
        layout.addWidget(buttons)
        self.resize(820, 560)
        self.page.tasks.read(lambda session: load_materials(session, "", None), self._first_show)

    def _first_show(self, listing: Listing) -> None:
        self.page._show(listing)
        wanted = set(self._preselect)
        for row in range(self.page.grid.count()):
            item = self.page.grid.item(row)
            item.setSelected(item.data(Qt.ItemDataRole.UserRole) in wanted)

    def accept(self) -> None:
        # Kept in the order picked in the grid; the ones filtered out stay chosen.
        shown = {self.page.grid.item(r).data(Qt.ItemDataRole.UserRole)
                 for r in range(self.page.grid.count())}  # fmt: skip
        kept = [mid for mid in self._preselect if mid not in shown]
        self.chosen = kept + self.page.selected_ids()
        super().accept()


def pick_materials(tab: FeatureTab, selected=(), parent: QWidget | None = None) -> list[int] | None:
    """The item editor's 选择素材…: the ids chosen, or None when cancelled."""
    dialog = MaterialPicker(tab, selected, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.chosen
