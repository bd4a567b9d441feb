"""The 海报 designer: templates on the left, the rendered poster in the middle, layers and
properties on the right.

The canvas shows the output of core.posters.render.PosterRenderer — the renderer every export
uses — rendered off the GUI thread after each edit. Every edit replaces the (treated as
immutable) Template through the undo stack; `_apply` then redraws the canvas boxes, the layer
list, the property panel and the copy check from the current template.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QImage, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.common.database import Database
from core.common.errors import UserError
from core.common.filenames import safe_file_name
from core.posters.copy_marks import copy_marks
from core.posters.store import delete_template as delete_store_template
from core.posters.store import (
    get_template,
    import_template_file,
    save_template,
    write_template_file,
)
from core.posters.template import BackgroundLayer, Template, TextLayer, dump_template, load_template
from ui.common.changes import Change, Changes, changes
from ui.common.errors import show_error
from ui.common.i18n import shown, shown_name
from ui.common.tab import FeatureTab
from ui.common.widgets import confirm, hint_label, page_title, push_button, section_title
from ui.posters.bulk_dialog import open_bulk_dialog
from ui.posters.canvas import PosterCanvas
from ui.posters.copy_warnings import CopyWarnings
from ui.posters.edits import (
    TemplateEdit,
    with_layer,
    with_layer_inserted,
    with_layer_moved,
    with_layer_removed,
)
from ui.posters.layer_panel import LayerPanel
from ui.posters.live_render import LiveRender
from ui.posters.new_layers import new_layer, unique_name
from ui.posters.preview import PreviewData
from ui.posters.properties import PropertyPanel
from ui.posters.template_panel import TemplatePanel


class PosterDesigner(FeatureTab):
    """The poster designer tab; announces `Change.POSTERS` when a template was saved,
    imported or deleted."""

    SHOWS = frozenset({Change.MEMBERS, Change.COMMUNITIES, Change.POSTERS})
    rendered = Signal()  # the canvas shows the render of the current template and data

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(database, parent)
        self.setObjectName("posterDesigner")
        self.template: Template | None = None
        self.assets: dict[str, bytes] = {}
        self.key: str | None = None  # the stored template being edited; None: new
        self.builtin = False
        self.selected = -1
        self.last_render = None  # the RenderedPoster on the canvas
        self.last_check = None  # its QR codes decoded back, as an export checks them
        self.render_error = ""
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(lambda _clean: self._update_title())
        self.live = LiveRender(self)
        self.live.rendered.connect(self._rendered)
        self.live.failed.connect(self._render_failed)
        self._build()
        self.templates.refresh()
        first = self.templates.first_key()
        if first:
            self.open_template(first)

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        self.templates = TemplatePanel(self.database)
        self.templates.open_requested.connect(self.open_template)
        self.templates.new_requested.connect(self.new_template)
        self.templates.save_requested.connect(self.save)
        self.templates.save_as_requested.connect(lambda: self.save_as())
        self.templates.import_requested.connect(lambda: self.import_template_file())
        self.templates.export_requested.connect(lambda: self.export_template_file())
        self.templates.delete_requested.connect(self.delete_template)

        self.canvas = PosterCanvas()
        self.canvas.layer_clicked.connect(self._select_from_canvas)
        self.canvas.geometry_edited.connect(self._geometry_edited)
        self.canvas.nudge_requested.connect(self._nudge)
        self.canvas.zoom_changed.connect(
            lambda zoom: self.zoom_label.setText(f"{round(zoom * 100)}%")
        )
        self.title = section_title(name="posterTitle")
        self.status = hint_label(name="posterRenderStatus")
        self.warnings = CopyWarnings()

        centre = QWidget()
        column = QVBoxLayout(centre)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.title)
        column.addLayout(self._toolbar())
        column.addWidget(self.canvas, 1)
        column.addWidget(self.status)
        column.addWidget(self.warnings)

        self.layers = LayerPanel()
        self.layers.layer_selected.connect(self._select_from_list)
        self.layers.visibility_toggled.connect(self._toggle_visible)
        self.layers.lock_toggled.connect(self._toggle_lock)
        self.layers.move_requested.connect(self._move_layer)
        self.layers.add_requested.connect(self.add_layer)
        self.layers.duplicate_requested.connect(self.duplicate_layer)
        self.layers.delete_requested.connect(self.delete_layer)
        self.canvas.delete_requested.connect(lambda: self.delete_layer(self.selected))
        self.canvas.rotation_edited.connect(self._rotation_edited)
        self.properties = PropertyPanel()
        self.properties.edited.connect(self._properties_edited)
        self.properties.asset_added.connect(self._asset_added)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(_titled(self.tr("图层"), self.layers))
        right.addWidget(_titled(self.tr("属性"), self.properties))
        right.setSizes([300, 460])

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("posterSplitter")
        splitter.addWidget(self.templates)
        splitter.addWidget(centre)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setStretchFactor(2, 0)
        splitter.setSizes([220, 640, 300])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(page_title("posters_title", self.tr("海报")))
        layout.addWidget(splitter, 1)

    def _toolbar(self) -> QHBoxLayout:
        self.undo_action = QAction(self.tr("撤销"), self)
        self.undo_action.setObjectName("posterUndo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.triggered.connect(self.undo_stack.undo)
        self.redo_action = QAction(self.tr("重做"), self)
        self.redo_action.setObjectName("posterRedo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.redo_action.triggered.connect(self.undo_stack.redo)
        self.undo_stack.canUndoChanged.connect(self.undo_action.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.redo_action.setEnabled)
        self.undo_stack.undoTextChanged.connect(
            lambda text: self.undo_action.setToolTip(self.tr("撤销：{0}（Ctrl+Z）").format(text))
        )
        self.undo_stack.redoTextChanged.connect(
            lambda text: self.redo_action.setToolTip(
                self.tr("重做：{0}（Ctrl+Shift+Z）").format(text)
            )
        )
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)
        self.duplicate_action = QAction(self.tr("复制图层"), self)
        self.duplicate_action.setObjectName("posterDuplicateLayer")
        self.duplicate_action.setShortcut(QKeySequence("Ctrl+D"))
        self.duplicate_action.triggered.connect(lambda: self.duplicate_layer(self.selected))
        for action in (self.undo_action, self.redo_action, self.duplicate_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
        row = QHBoxLayout()
        row.setSpacing(4)
        for action in (self.undo_action, self.redo_action):
            button = QToolButton()
            button.setDefaultAction(action)
            row.addWidget(button)
        row.addSpacing(12)
        for name, text, tip, slot in (
            (
                "posterZoomOut",
                "−",
                self.tr("缩小（Ctrl+滚轮）"),
                lambda: self.canvas.zoom_by(1 / 1.25),
            ),
            ("posterZoomIn", "+", self.tr("放大（Ctrl+滚轮）"), lambda: self.canvas.zoom_by(1.25)),
            ("posterZoomFit", self.tr("适应"), self.tr("显示整张海报"), self.canvas.fit),
            ("posterZoom100", "100%", self.tr("按实际像素显示"), lambda: self.canvas.set_zoom(1)),
        ):
            action = QAction(text, self)
            action.setObjectName(name)
            action.setToolTip(tip)
            action.triggered.connect(slot)
            button = QToolButton()
            button.setDefaultAction(action)
            row.addWidget(button)
        self.zoom_label = QLabel("100%")
        self.zoom_label.setObjectName("posterZoomLabel")
        self.zoom_label.setMinimumWidth(48)
        row.addWidget(self.zoom_label)
        row.addStretch(1)
        self.bulk_button = push_button("posterBulk", self.tr("批量生成…"), lambda: self.open_bulk())
        self.bulk_button.setToolTip(self.tr("按社群、分群或选中的成员，每人一张个人海报"))
        row.addWidget(self.bulk_button)
        row.addSpacing(12)
        row.addWidget(QLabel(self.tr("预览数据")))
        self.preview = PreviewData(self.database)
        self.preview.changed.connect(self._preview_changed)
        self.preview_search = QLineEdit()
        self.preview_search.setObjectName("posterPreviewSearch")
        self.preview_search.setPlaceholderText(self.tr("搜索成员…"))
        self.preview_search.setToolTip(self.tr("按昵称、备注、微信号、拼音或手机尾号找成员来预览"))
        self.preview_search.setClearButtonEnabled(True)
        self.preview_search.setMaximumWidth(160)
        search_delay = QTimer(self)
        search_delay.setSingleShot(True)
        search_delay.setInterval(250)
        search_delay.timeout.connect(lambda: self.preview.search(self.preview_search.text()))
        self.preview_search.textChanged.connect(lambda _text: search_delay.start())
        row.addWidget(self.preview_search)
        row.addWidget(self.preview)
        return row

    def database_replaced(self, database: Database) -> None:
        # After a restore the whole designer works on the new database.
        self.templates.database = database
        self.preview.database = database

    def reload(self, changed: Changes | None) -> None:
        """Reload what other tabs may have changed: the members to preview with, the templates."""
        if changed is None or changed & {Change.MEMBERS, Change.COMMUNITIES}:
            self.preview.refresh()
        if changed is None or Change.POSTERS in changed:
            self.templates.refresh()
            self.templates.select(self.key)

    # ------------------------------------------------------------------ templates

    def open_template(self, key: str) -> bool:
        """Show the stored template `key`; False when the operator keeps unsaved changes."""
        if not self._may_discard():
            self.templates.select(self.key)
            return False
        try:
            with self.database.session() as session:
                stored = get_template(session, key)
        except UserError as error:
            show_error(self, error)
            self.templates.select(self.key)
            return False
        self._load(stored.template, stored.assets, stored.info.key, stored.info.builtin)
        return True

    def new_template(self, width: int, height: int, dpi: int) -> None:
        if not self._may_discard():
            return
        background = BackgroundLayer(name=self.tr("背景"), width=width, height=height)
        template = Template(self.tr("未命名海报"), width, height, [background], dpi)
        self._load(template, {}, None, False)
        self.undo_stack.resetClean()  # a new poster is unsaved until saved

    def _load(self, template: Template, assets, key: str | None, builtin: bool) -> None:
        self.assets = dict(assets)
        self.key, self.builtin = key, builtin
        self.undo_stack.clear()
        self._apply(template, -1)
        self.canvas.fit()
        self.templates.select(key)
        self._update_title()

    def _may_discard(self) -> bool:
        if self.template is None or self.undo_stack.isClean():
            return True
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("放弃修改？"),
            self.tr("「{name}」的修改还没有保存，放弃这些修改吗？").format(
                name=shown(self.template.name)
            ),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("posterDiscardDialog")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Discard

    def save(self) -> None:
        """Save over the stored template; a built-in or new one is saved under a new name."""
        if self.template is None:
            return
        if self.key is None or self.builtin:
            self.save_as()
            return
        self._store(self.template, key=self.key)

    def save_as(self, name: str | None = None) -> bool:
        """Save a copy under `name` (asked for when None); a name in use is refused, clearly."""
        if self.template is None:
            return False
        if name is None:
            dialog = QInputDialog(self)
            dialog.setObjectName("posterSaveAsDialog")
            dialog.setWindowTitle(self.tr("另存为"))
            dialog.setLabelText(self.tr("新模板的名称："))
            suggestion = self.template.name if not self.builtin else self.template.name + "（副本）"
            dialog.setTextValue(suggestion)
            if not dialog.exec():
                return False
            name = dialog.textValue()
        template = replace(self.template, name=name.strip())
        return self._store(template, key=None, based_on=self.key or "")

    def _store(self, template: Template, *, key: str | None, based_on: str = "") -> bool:
        try:
            with self.database.session(write=True) as session:
                info = save_template(session, template, self.assets, key=key, based_on=based_on)
                session.commit()
        except UserError as error:
            show_error(self, error)
            return False
        self.key, self.builtin = info.key, False
        if template is not self.template:
            self.template = template
        self.undo_stack.setClean()
        self.templates.refresh()
        self.templates.select(info.key)
        self._update_title()
        self.announce(changes(Change.POSTERS))
        return True

    def import_template_file(self, path: str | None = None) -> bool:
        """Store the template of a package file and open it; a broken file changes nothing."""
        if path is None:
            path, _filter = QFileDialog.getOpenFileName(
                self, self.tr("导入模板文件"), "", self.tr("海报模板 (*.zip)")
            )
            if not path:
                return False
        if not self._may_discard():
            return False
        try:
            with self.database.session(write=True) as session:
                info = import_template_file(session, Path(path))
                session.commit()
        except UserError as error:
            show_error(self, error)
            return False
        self.templates.refresh()
        self.undo_stack.clear()  # the edits just discarded must not be asked about again
        self.open_template(info.key)
        self.announce(changes(Change.POSTERS))
        return True

    def export_template_file(self, path: str | None = None) -> Path | None:
        """Write the template as shown (unsaved edits included) with its pictures as one .zip."""
        if self.template is None:
            return None
        if path is None:
            suggestion = safe_file_name(self.template.name, "海报模板") + ".zip"
            path, _filter = QFileDialog.getSaveFileName(
                self, self.tr("导出模板"), suggestion, self.tr("海报模板 (*.zip)")
            )
            if not path:
                return None
        try:
            written = write_template_file(self.template, self.assets, Path(path))
        except UserError as error:
            show_error(self, error)
            return None
        self.status.setText(self.tr("已导出到 {path}").format(path=written))
        self.status.setVisible(True)
        return written

    def delete_template(self, key: str) -> bool:
        """Delete a saved template after the operator confirms; built-in ones stay."""
        with self.database.session() as session:
            try:
                name = get_template(session, key).info.name
            except UserError as error:
                show_error(self, error)
                return False
        question = self.tr("删除模板「{name}」？删除后不能恢复，可先用「导出」留一份。").format(
            name=name
        )
        if key == self.key and not self.undo_stack.isClean():
            question += "\n" + self.tr("它还有未保存的修改，也会一起丢弃。")
        if not confirm(self, "posterDeleteDialog", self.tr("删除模板"), question, self.tr("删除")):
            return False
        try:
            with self.database.session(write=True) as session:
                delete_store_template(session, key)
                session.commit()
        except UserError as error:
            show_error(self, error)
            return False
        self.templates.refresh()
        if key == self.key:
            self.undo_stack.clear()
            first = self.templates.first_key()
            if first:
                self.open_template(first)
        else:
            self.templates.select(self.key)
        self.announce(changes(Change.POSTERS))
        return True

    def _update_title(self) -> None:
        if self.template is None:
            self.title.clear()
            return
        text = shown(self.template.name)
        size = f"{self.template.width}×{self.template.height}"
        if self.builtin:
            note = self.tr("内置模板，修改后请另存为")
        elif self.key is None:
            note = self.tr("未保存")
        else:
            note = "" if self.undo_stack.isClean() else self.tr("有未保存的修改")
        self.title.setText(f"{text}  ·  {size}" + (f"  ·  {note}" if note else ""))

    # ------------------------------------------------------------------ edits

    def edit(self, text: str, after: Template, selected: int | None = None, merge=None) -> None:
        """Make `after` the current template through the undo stack."""
        if self.template is None or after == self.template:
            return
        try:
            load_template(dump_template(after))  # what is saved must load again
        except UserError as error:
            self.status.setText(self.tr("这项修改无效：{error}").format(error=shown(error.message)))
            self.status.setVisible(True)
            self.properties.show_layer(self.selected_layer())
            if selected is not None:
                self.canvas.restore(selected)  # a drag past the bounds snaps back
            return
        command = TemplateEdit(
            text,
            self.template,
            after,
            self._apply,
            selected_before=self.selected,
            selected_after=self.selected if selected is None else selected,
            merge_key=merge,
        )
        self.undo_stack.push(command)
        self._update_title()

    def _apply(self, template: Template, selected: int) -> None:
        self.template = template
        self.selected = selected if 0 <= selected < len(template.layers) else -1
        self.canvas.set_template(template, self.selected)
        self.layers.set_template(template, self.selected)
        self.properties.set_canvas(template.width, template.height)
        self.properties.show_layer(self.selected_layer())
        self._check_copy()
        self._update_title()
        self._request_render()

    def selected_layer(self):
        if self.template is None or self.selected < 0:
            return None
        return self.template.layers[self.selected]

    def select_layer(self, index: int) -> None:
        self.selected = index
        self.canvas.set_selected(index)
        self.layers.set_selected(index)
        self.properties.show_layer(self.selected_layer())

    def _select_from_canvas(self, index: int) -> None:
        self.selected = index
        self.layers.set_selected(index)
        self.properties.show_layer(self.selected_layer())

    def _select_from_list(self, index: int) -> None:
        self.selected = index
        self.canvas.set_selected(index)
        self.properties.show_layer(self.selected_layer())

    def _geometry_edited(self, index: int, x: float, y: float, w: float, h: float) -> None:
        layer = self.template.layers[index]
        if layer.locked:
            self.canvas.restore(index)
            return
        changes = {"x": x, "y": y, "width": w, "height": h}
        text = self.tr("移动") if (w, h) == (layer.width, layer.height) else self.tr("调整大小")
        self.edit(
            f"{text}「{shown_name(layer.name)}」",
            with_layer(self.template, index, **changes),
            index,
        )

    def _properties_edited(self, changes: dict[str, Any], merge_key) -> None:
        index = self.selected
        if index < 0:
            return
        layer = self.template.layers[index]
        if layer.locked and {"x", "y", "width", "height", "rotation"} & set(changes):
            self.properties.show_layer(layer)
            return
        if "font_size" in changes and isinstance(layer, TextLayer):
            # Auto-shrink never goes below the minimum, so the minimum follows a smaller size.
            changes["min_font_size"] = min(layer.min_font_size, changes["font_size"])
        merge = (index, merge_key) if merge_key else None
        self.edit(
            self.tr("修改「{name}」").format(name=shown_name(layer.name)),
            with_layer(self.template, index, **changes),
            index,
            merge,
        )

    def _toggle_visible(self, index: int) -> None:
        layer = self.template.layers[index]
        text = self.tr("显示") if not layer.visible else self.tr("隐藏")
        self.edit(
            f"{text}「{shown_name(layer.name)}」",
            with_layer(self.template, index, visible=not layer.visible),
            index,
        )

    def _toggle_lock(self, index: int) -> None:
        layer = self.template.layers[index]
        text = self.tr("解锁") if layer.locked else self.tr("锁定")
        self.edit(
            f"{text}「{shown_name(layer.name)}」",
            with_layer(self.template, index, locked=not layer.locked),
            index,
        )

    def _move_layer(self, index: int, step: int) -> None:
        moved, target = with_layer_moved(self.template, index, step)
        name = shown_name(self.template.layers[index].name)
        self.edit(self.tr("调整「{name}」的层级").format(name=name), moved, target)

    def add_layer(self, kind: str) -> None:
        """Add a new `kind` layer in front of every other layer and select it: put just above
        the selected one, it could land under a card and never be seen."""
        if self.template is None:
            return
        layer = new_layer(kind, self.template)
        index = len(self.template.layers)
        self.edit(
            self.tr("添加「{name}」").format(name=shown_name(layer.name)),
            with_layer_inserted(self.template, index, layer),
            index,
        )

    def duplicate_layer(self, index: int) -> None:
        """A copy of layer `index`, just in front of it and offset so both can be seen."""
        if self.template is None or not 0 <= index < len(self.template.layers):
            return
        layer = self.template.layers[index]
        if layer.kind == "background":
            return  # a second background would only hide the first
        offset = round(self.template.width / 50)
        copy = replace(
            layer,
            name=unique_name(self.template, layer.name),
            x=layer.x + offset,
            y=layer.y + offset,
            locked=False,
        )
        self.edit(
            self.tr("复制「{name}」").format(name=shown_name(layer.name)),
            with_layer_inserted(self.template, index + 1, copy),
            index + 1,
        )

    def delete_layer(self, index: int) -> None:
        """Remove layer `index` (undoable); the layer below it becomes the selection."""
        if self.template is None or not 0 <= index < len(self.template.layers):
            return
        layer = self.template.layers[index]
        if layer.locked:
            self.status.setText(
                self.tr("「{name}」已锁定，解锁后才能删除").format(name=shown_name(layer.name))
            )
            self.status.setVisible(True)
            return
        self.edit(
            self.tr("删除「{name}」").format(name=shown_name(layer.name)),
            with_layer_removed(self.template, index),
            index - 1 if index > 0 else (0 if len(self.template.layers) > 1 else -1),
        )

    def _rotation_edited(self, index: int, degrees: float) -> None:
        layer = self.template.layers[index]
        if layer.locked:
            self.canvas.restore(index)
            return
        self.edit(
            self.tr("旋转「{name}」").format(name=shown_name(layer.name)),
            with_layer(self.template, index, rotation=degrees),
            index,
        )

    def _asset_added(self, name: str, data: bytes) -> None:
        # Pictures are named by their content: an existing name already holds these bytes.
        self.assets[name] = data

    def open_bulk(self, member_ids: list[int] | None = None, **campaign):
        """The batch dialog for the poster as shown (unsaved edits included); `campaign`:
        campaign_id (and community_id) chosen in it (the 活动 tab's 生成海报)."""
        if self.template is None:
            return None
        dialog = open_bulk_dialog(
            self, self.database, self.template, self.assets, self.template.name, member_ids
        )
        dialog.choose_campaign(**campaign)
        # Codes a campaign batch issued show in the 活动 tab (its checklist, its codes).
        dialog.campaign_codes_issued.connect(
            lambda: self.data_changed.emit(changes(Change.CAMPAIGNS))
        )
        return dialog

    def _nudge(self, dx: int, dy: int) -> None:
        layer = self.selected_layer()
        if layer is None or layer.locked or layer.kind == "background":
            return
        self.edit(
            self.tr("移动「{name}」").format(name=shown_name(layer.name)),
            with_layer(self.template, self.selected, x=layer.x + dx, y=layer.y + dy),
            self.selected,
            (self.selected, "nudge"),
        )

    def _check_copy(self) -> None:
        self.warnings.check(self.template)
        marks = (
            copy_marks(self.template, self.preview.fields(), self.assets) if self.template else []
        )
        self.canvas.set_copy_marks(marks)

    # ------------------------------------------------------------------ rendering

    def _preview_changed(self) -> None:
        self._check_copy()  # a member's own data may bring a risky phrase in
        self._request_render()

    def _request_render(self) -> None:
        if self.template is not None:
            self.live.request(self.template, self.assets, self.preview.fields())

    def _rendered(self, rendered, image: QImage, check) -> None:
        self.last_render = rendered
        self.last_check = check
        self.render_error = ""
        self.canvas.set_image(image)
        notes = [
            shown(note)
            for note in check.problems() + list(check.warnings) + list(rendered.warnings)
        ]
        if rendered.missing_fields:
            fields = "、".join(f"{{{name}}}" for name in rendered.missing_fields)
            notes.append(self.tr("预览数据里没有 {fields}，这些位置会是空白").format(fields=fields))
        self.status.setText("\n".join(notes))
        self.status.setVisible(bool(notes))
        self.canvas.set_layer_warnings(self._qr_warnings(check))
        self.rendered.emit()

    def _qr_warnings(self, check) -> dict[int, str]:
        """Layer index → what is wrong with its QR code, for the canvas to flag."""
        by_name = {}
        for index, layer in enumerate(self.template.layers):
            if layer.kind == "qr":
                by_name.setdefault(layer.name, index)
        flagged: dict[int, list[str]] = {}
        for code in check.codes:
            index = by_name.get(code.layer_name)
            if index is None:
                continue
            lines = [shown(warning) for warning in code.warnings]
            if code.covered_by and code.problem:
                lines.insert(0, shown(code.problem))
            if not code.decoded:
                lines.insert(0, self.tr("这个二维码扫不出来，导出时会被拦下"))
            if lines:
                flagged.setdefault(index, []).extend(lines)
        return {index: "\n".join(lines) for index, lines in flagged.items()}

    def _render_failed(self, message: str) -> None:
        self.render_error = message
        self.status.setText(self.tr("无法生成预览：{error}").format(error=self.render_error))
        self.status.setVisible(True)

    def render_pending(self) -> bool:
        """Whether the canvas may still be behind the template (tests wait on this)."""
        return self.live.pending()


def _titled(title: str, widget: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    label = section_title(title)
    layout.addWidget(label)
    layout.addWidget(widget, 1)
    return box
