"""The layer list: front-most layer on top, as in every design tool, with add/duplicate/delete
and hide/lock/reorder.

Rows are shown in reverse template order (the template draws its first layer first, at the
back). The panel reports what the operator asked for — `layer_selected(index)`,
`visibility_toggled(index)`, `lock_toggled(index)`, `move_requested(index, step)`,
`add_requested(kind)`, `duplicate_requested(index)`, `delete_requested(index)` — by template
index; the designer makes the edit.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.posters.template import Template
from ui.common.i18n import shown_name
from ui.common.quiet import Quiet
from ui.common.widgets import menu_button
from ui.posters.new_layers import kind_labels

INDEX_ROLE = Qt.ItemDataRole.UserRole


class LayerPanel(QWidget):
    """The layers of the current template and the buttons acting on the selected one."""

    layer_selected = Signal(int)
    visibility_toggled = Signal(int)
    lock_toggled = Signal(int)
    move_requested = Signal(int, int)  # index, +1 towards the front / -1 towards the back
    add_requested = Signal(str)  # layer kind
    duplicate_requested = Signal(int)
    delete_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._quiet = Quiet()
        self._template: Template | None = None
        self.list = QListWidget()
        self.list.setObjectName("posterLayers")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setUniformItemSizes(True)
        self.list.currentItemChanged.connect(self._current_changed)

        def tool(name: str, text: str, tip: str, slot) -> QToolButton:
            button = QToolButton()
            button.setObjectName(name)
            button.setText(text)
            button.setToolTip(tip)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.clicked.connect(slot)
            return button

        self.hide_button = tool(
            "posterLayerVisible", self.tr("隐藏"), self.tr("隐藏或显示图层"), self._toggle_visible
        )
        self.lock_button = tool(
            "posterLayerLock", self.tr("锁定"), self.tr("锁定后不能在画布上移动"), self._toggle_lock
        )
        self.up_button = tool(
            "posterLayerUp", self.tr("上移"), self.tr("移到上一层（更靠前）"), lambda: self._move(1)
        )
        self.down_button = tool(
            "posterLayerDown",
            self.tr("下移"),
            self.tr("移到下一层（更靠后）"),
            lambda: self._move(-1),
        )
        self.add_button, menu = menu_button(
            "posterLayerAdd",
            self.tr("添加"),
            self.tr("添加文字、图片、二维码、头像或形状"),
            "posterLayerAddMenu",
        )
        for kind, label in kind_labels().items():
            action = menu.addAction(label)
            action.setObjectName(f"posterAdd_{kind}")
            action.triggered.connect(lambda _=False, k=kind: self.add_requested.emit(k))
        self.duplicate_button = tool(
            "posterLayerDuplicate",
            self.tr("复制"),
            self.tr("复制图层（Ctrl+D）"),
            lambda: self._emit_for_selected(self.duplicate_requested),
        )
        self.delete_button = tool(
            "posterLayerDelete",
            self.tr("删除"),
            self.tr("删除图层（Delete）"),
            lambda: self._emit_for_selected(self.delete_requested),
        )
        edit_buttons = QHBoxLayout()
        edit_buttons.setSpacing(4)
        for button in (self.add_button, self.duplicate_button, self.delete_button):
            edit_buttons.addWidget(button)
        edit_buttons.addStretch(1)
        buttons = QHBoxLayout()
        buttons.setSpacing(4)
        for button in (self.hide_button, self.lock_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(edit_buttons)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    def set_template(self, template: Template, selected: int) -> None:
        self._template = template
        with self._quiet:
            self.list.clear()
            # The words of the add menu, and the background's, which is never added.
            names = {"background": self.tr("背景"), **kind_labels()}
            for index in reversed(range(len(template.layers))):
                layer = template.layers[index]
                flags = []
                if not layer.visible:
                    flags.append(self.tr("隐藏"))
                if layer.locked:
                    flags.append(self.tr("锁定"))
                name = shown_name(layer.name) or self.tr("未命名")
                text = f"{names.get(layer.kind, layer.kind)} · {name}"
                if flags:
                    text += self.tr("  （{flags}）").format(flags=self.tr("，").join(flags))
                item = QListWidgetItem(text)
                item.setData(INDEX_ROLE, index)
                if not layer.visible:
                    item.setForeground(QColor("#9ca3af"))
                self.list.addItem(item)
            self._select(selected)
        self._update_buttons()

    def set_selected(self, index: int) -> None:
        with self._quiet:
            self._select(index)
        self._update_buttons()

    def row_of(self, index: int) -> int:
        return self.list.count() - 1 - index if index >= 0 else -1

    def selected_index(self) -> int:
        item = self.list.currentItem()
        return item.data(INDEX_ROLE) if item is not None else -1

    def _select(self, index: int) -> None:
        row = self.row_of(index)
        if 0 <= row < self.list.count():
            self.list.setCurrentRow(row)
        else:
            self.list.setCurrentRow(-1)
            self.list.clearSelection()

    def _current_changed(self, *_args) -> None:
        self._update_buttons()
        if not self._quiet:
            self.layer_selected.emit(self.selected_index())

    def _update_buttons(self) -> None:
        index = self.selected_index()
        layers = self._template.layers if self._template is not None else []
        layer = layers[index] if 0 <= index < len(layers) else None
        for button in (self.hide_button, self.lock_button, self.delete_button):
            button.setEnabled(layer is not None)
        self.duplicate_button.setEnabled(layer is not None and layer.kind != "background")
        self.hide_button.setText(
            self.tr("显示") if layer and not layer.visible else self.tr("隐藏")
        )
        self.lock_button.setText(self.tr("解锁") if layer and layer.locked else self.tr("锁定"))
        self.up_button.setEnabled(layer is not None and index < len(layers) - 1)
        self.down_button.setEnabled(layer is not None and index > 0)

    def _emit_for_selected(self, signal) -> None:
        if self.selected_index() >= 0:
            signal.emit(self.selected_index())

    def _toggle_visible(self) -> None:
        if self.selected_index() >= 0:
            self.visibility_toggled.emit(self.selected_index())

    def _toggle_lock(self) -> None:
        if self.selected_index() >= 0:
            self.lock_toggled.emit(self.selected_index())

    def _move(self, step: int) -> None:
        if self.selected_index() >= 0:
            self.move_requested.emit(self.selected_index(), step)
