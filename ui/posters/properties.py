"""The property panel of the selected layer: its box, and a group per concern of its kind.

The panel never changes a template itself: each finished edit is reported as
`edited(changes, merge_key)` (layer field name → new value; a fill may be a `Gradient`, a
shadow a `Shadow` or None) and the designer makes it an undoable command. `show_layer` fills
the fields without reporting anything.

Pictures: a file picked for a logo, an image, an avatar or the background is checked with the
untrusted-image loader and named by its content hash; the panel then emits
`asset_added(name, file bytes)` and only after it the `edited` that refers to `name`, so
whoever keeps the template's pictures has the new one before the template needs it. A file
that is not a usable picture is explained in a message box and changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.common.errors import UserError
from core.posters.assets import AVATAR_WHAT, PICTURE_WHAT, image_asset
from core.posters.bounds import LAYER_RANGES
from core.posters.template import AvatarLayer, BackgroundLayer, Layer
from ui.common.errors import show_error
from ui.common.i18n import shown_name, typed_name
from ui.common.quiet import Quiet
from ui.common.wheel import scroll_safe
from ui.common.widgets import wrapping_label
from ui.posters.fields import spin
from ui.posters.layer_group import LayerGroup
from ui.posters.layer_groups import layer_groups


class PropertyPanel(QScrollArea):
    """Fields of the selected layer: 位置和大小, then the groups its kind has."""

    edited = Signal(dict, object)  # changes, merge key (same key: one undo step)
    asset_added = Signal(str, bytes)  # name, file bytes: emitted before the edit that uses it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("posterProperties")
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._loading = Quiet()
        self._layer: Layer | None = None
        body = QWidget()
        body.setObjectName("posterPropertiesBody")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.setSpacing(10)
        self.empty = wrapping_label(
            "posterPropertiesEmpty", self.tr("在画布或图层列表中选择一个图层来编辑它的属性。")
        )
        self.empty.setProperty("muted", True)
        layout.addWidget(self.empty)
        layout.addWidget(self._box_group())
        self.groups: list[LayerGroup] = layer_groups()
        for group in self.groups:
            layout.addWidget(group)
            group.edited.connect(self._emit)
            for field, picker in group.asset_fields.items():
                picker.file_chosen.connect(lambda path, f=field: self.pick_image_file(f, path))
        layout.addStretch(1)
        self.setWidget(body)
        scroll_safe(body)  # the wheel scrolls the panel, not the number under the cursor
        self.show_layer(None)

    def _box_group(self) -> QGroupBox:
        self.box_group = QGroupBox(self.tr("位置和大小"))
        self.box_group.setObjectName("posterBoxGroup")
        form = self.box_form = QFormLayout(self.box_group)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name = QLineEdit()
        self.name.setObjectName("posterLayerName")
        self.x = spin("posterX", -20_000, 20_000)
        self.y = spin("posterY", -20_000, 20_000)
        self.w = spin("posterWidth", 1, 20_000)
        self.h = spin("posterHeight", 1, 20_000)
        self.rotation = spin("posterRotation", -360, 360, 1, "°")
        self.opacity = spin("posterOpacity", 0, 100, 0, " %")
        form.addRow(self.tr("名称"), self.name)
        form.addRow(self.tr("X"), self.x)
        form.addRow(self.tr("Y"), self.y)
        form.addRow(self.tr("宽"), self.w)
        form.addRow(self.tr("高"), self.h)
        form.addRow(self.tr("旋转"), self.rotation)
        form.addRow(self.tr("不透明度"), self.opacity)
        self.name.editingFinished.connect(
            lambda: self._emit(
                {"name": typed_name(self.name.text(), self._layer.name).strip()}, "name"
            )
        )
        for box, field in (
            (self.x, "x"),
            (self.y, "y"),
            (self.w, "width"),
            (self.h, "height"),
            (self.rotation, "rotation"),
        ):
            box.valueChanged.connect(lambda value, f=field: self._emit({f: value}, f))
        self.opacity.valueChanged.connect(
            lambda value: self._emit({"opacity": round(value / 100, 2)}, "opacity")
        )
        return self.box_group

    # ------------------------------------------------------------------ reporting

    def _emit(self, changes: dict[str, Any], merge_key: str | None = None) -> None:
        if self._loading or self._layer is None:
            return
        changes = {k: v for k, v in changes.items() if getattr(self._layer, k, None) != v}
        if changes:
            self.edited.emit(changes, merge_key)

    def pick_image_file(self, field: str, path: str | Path) -> bool:
        """Make the picture at `path` the selected layer's `field` (logo, src, image).

        The file dialog only lives in the 「选择图片…」 buttons; tests call this with a path.
        False, after a message box saying why, when the file is not a usable picture.
        """
        layer = self._layer
        if layer is None or not isinstance(getattr(layer, field, None), str):
            return False
        what = (
            AVATAR_WHAT
            if isinstance(layer, AvatarLayer)
            else PICTURE_WHAT.get(field, PICTURE_WHAT["src"])
        )
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            name, data = image_asset(path, what)
        except UserError as error:
            QGuiApplication.restoreOverrideCursor()
            show_error(self, error)
            return False
        QGuiApplication.restoreOverrideCursor()
        self.asset_added.emit(name, data)
        self._emit({field: name})
        return True

    # ------------------------------------------------------------------ showing

    def show_layer(self, layer: Layer | None) -> None:
        """Fill the fields from `layer` (None: nothing selected) without reporting edits."""
        with self._loading:
            self._show(layer)

    def set_canvas(self, width: int, height: int) -> None:
        """Let the box fields reach as far as a template may (core.posters.bounds: twice the
        canvas), no farther."""
        with self._loading:
            for box, field in (
                (self.x, "x"),
                (self.y, "y"),
                (self.w, "width"),
                (self.h, "height"),
            ):
                low, high = LAYER_RANGES[field].limits(width, height)
                box.setRange(max(low, 1) if field in ("width", "height") else low, high)

    def _show(self, layer: Layer | None) -> None:
        self._layer = layer
        self.empty.setVisible(layer is None)
        self.box_group.setVisible(layer is not None)
        for group in self.groups:
            shown = group.accepts(layer)
            group.setVisible(shown)
            if shown:
                group.show_layer(layer)
        if layer is None:
            return
        self.name.setText(shown_name(layer.name))
        for box, value in (
            (self.x, layer.x),
            (self.y, layer.y),
            (self.w, layer.width),
            (self.h, layer.height),
            (self.rotation, layer.rotation),
            (self.opacity, layer.opacity * 100),
        ):
            box.setValue(value)
        is_background = isinstance(layer, BackgroundLayer)
        for box in (self.x, self.y, self.w, self.h, self.rotation):
            # A background always covers the whole canvas: it has no box to edit.
            self.box_form.setRowVisible(box, not is_background)
            box.setEnabled(not layer.locked)
        self.box_group.setTitle(self.tr("图层") if is_background else self.tr("位置和大小"))

    def group(self, object_name: str) -> LayerGroup:
        """The group with this objectName (tests and the designer reach fields through it)."""
        return next(g for g in self.groups if g.objectName() == object_name)
