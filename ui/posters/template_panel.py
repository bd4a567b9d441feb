"""The template list: built-in templates, then the operator's saved ones; 新建/保存/另存为 and,
under 更多, import, export and delete.

It reads the list from core.posters.store and reports what the operator asks for
(`open_requested(key)`, `new_requested(width, height, dpi)`, `save_requested`,
`save_as_requested`, `import_requested`, `export_requested`, `delete_requested(key)`); the
designer does the work.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.common.database import Database
from core.posters.store import list_templates
from core.posters.template import CANVAS_PRESETS
from ui.common.flow_layout import flow_row
from ui.common.i18n import shown
from ui.common.quiet import Quiet
from ui.common.widgets import menu_button, push_button
from ui.posters.canvas_size_dialog import CanvasSizeDialog

KEY_ROLE = Qt.ItemDataRole.UserRole
BUILTIN_ROLE = Qt.ItemDataRole.UserRole + 1


class TemplatePanel(QWidget):
    """The list of templates to open and the buttons that make or save one."""

    open_requested = Signal(str)
    new_requested = Signal(int, int, int)
    save_requested = Signal()
    save_as_requested = Signal()
    import_requested = Signal()
    export_requested = Signal()
    delete_requested = Signal(str)  # key of a saved template

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self._quiet = Quiet()
        self.list = QListWidget()
        self.list.setObjectName("posterTemplates")
        self.list.setWordWrap(True)
        self.list.currentItemChanged.connect(self._current_changed)

        self.new_button = QPushButton(self.tr("新建"))
        self.new_button.setObjectName("posterNew")
        self.new_button.setToolTip(self.tr("按画布尺寸新建空白海报"))
        menu = QMenu(self.new_button)
        menu.setObjectName("posterNewMenu")
        for preset in CANVAS_PRESETS:
            action = menu.addAction(self.preset_labels().get(preset.key, shown(preset.label)))
            action.setObjectName(f"posterNew_{preset.key}")
            action.triggered.connect(
                lambda _=False, p=preset: self.new_requested.emit(p.width, p.height, p.dpi)
            )
        menu.addSeparator()
        custom = menu.addAction(self.tr("自定义尺寸…"))
        custom.setObjectName("posterNew_custom")
        custom.triggered.connect(self.ask_custom_size)
        self.new_button.setMenu(menu)
        self.save_button = push_button("posterSave", self.tr("保存"), self.save_requested)
        self.save_as_button = push_button(
            "posterSaveAs", self.tr("另存为…"), self.save_as_requested
        )

        self.more_button, more = menu_button(
            "posterTemplateMore",
            self.tr("更多"),
            self.tr("导入、导出或删除模板"),
            "posterTemplateMenu",
        )
        self.import_action = more.addAction(self.tr("导入模板文件…"))
        self.import_action.setObjectName("posterImportTemplate")
        self.import_action.triggered.connect(self.import_requested)
        self.export_action = more.addAction(self.tr("导出当前模板…"))
        self.export_action.setObjectName("posterExportTemplate")
        self.export_action.setToolTip(self.tr("连同图片存成一个 .zip 文件，可在另一台电脑导入"))
        self.export_action.triggered.connect(self.export_requested)
        more.addSeparator()
        self.delete_action = more.addAction(self.tr("删除所选模板"))
        self.delete_action.setObjectName("posterDeleteTemplate")
        self.delete_action.triggered.connect(self._delete)
        more.aboutToShow.connect(self._update_actions)

        # Wraps rather than clipping the labels when the panel is narrow (English is longer).
        buttons = flow_row(self.new_button, self.save_button, self.save_as_button, self.more_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(buttons)
        layout.addWidget(self.list, 1)
        self.setMinimumWidth(200)

    def preset_labels(self) -> dict[str, str]:
        return {
            "story": self.tr("竖版海报 1080×1920（朋友圈）"),
            "phone": self.tr("手机海报 750×1334"),
            "square": self.tr("方形 1080×1080"),
            "a4": self.tr("A4 打印 300dpi（2480×3508）"),
        }

    def ask_custom_size(self) -> None:
        dialog = CanvasSizeDialog(self)
        if dialog.exec():
            self.new_requested.emit(*dialog.chosen_size())

    def refresh(self) -> None:
        with self.database.session() as session:
            infos = list_templates(session)
        current = self.current_key()
        with self._quiet:
            self.list.clear()
            for builtin, heading in ((True, self.tr("内置模板")), (False, self.tr("我的模板"))):
                group = [info for info in infos if info.builtin == builtin]
                header = QListWidgetItem(heading)
                header.setFlags(Qt.ItemFlag.NoItemFlags)
                font = QFont(header.font())
                font.setBold(True)
                header.setFont(font)
                self.list.addItem(header)
                if not group and not builtin:
                    empty = QListWidgetItem(self.tr("（还没有，编辑后点「另存为」）"))
                    empty.setFlags(Qt.ItemFlag.NoItemFlags)
                    self.list.addItem(empty)
                for info in group:
                    item = QListWidgetItem(f"{shown(info.name)}  ·  {info.size}")
                    item.setData(KEY_ROLE, info.key)
                    item.setData(BUILTIN_ROLE, info.builtin)
                    item.setToolTip(shown(info.description or info.name))
                    self.list.addItem(item)
            self._select(current)

    def first_key(self) -> str | None:
        for row in range(self.list.count()):
            key = self.list.item(row).data(KEY_ROLE)
            if key:
                return key
        return None

    def template_keys(self) -> list[str]:
        items = (self.list.item(row) for row in range(self.list.count()))
        return [item.data(KEY_ROLE) for item in items if item.data(KEY_ROLE)]

    def current_key(self) -> str | None:
        item = self.list.currentItem()
        return item.data(KEY_ROLE) if item is not None else None

    def select(self, key: str | None) -> None:
        with self._quiet:
            self._select(key)

    def _select(self, key: str | None) -> None:
        for row in range(self.list.count()):
            if key and self.list.item(row).data(KEY_ROLE) == key:
                self.list.setCurrentRow(row)
                return
        self.list.setCurrentRow(-1)

    def selected_is_saved(self) -> bool:
        """Whether the selected template is one of the operator's (built-in ones stay)."""
        item = self.list.currentItem()
        return item is not None and bool(item.data(KEY_ROLE)) and not item.data(BUILTIN_ROLE)

    def _update_actions(self) -> None:
        self.delete_action.setEnabled(self.selected_is_saved())

    def _delete(self) -> None:
        if self.selected_is_saved():
            self.delete_requested.emit(self.current_key())

    def _current_changed(self, current: QListWidgetItem | None, _previous) -> None:
        if self._quiet or current is None:
            return
        key = current.data(KEY_ROLE)
        if key:
            self.open_requested.emit(key)
