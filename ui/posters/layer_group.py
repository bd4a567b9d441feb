"""What every group of the poster property panel is: a titled form for one concern.

A group shows the fields of one concern for the layers it `accepts`, and reports each finished
edit as `edited(changes, merge_key)` — layer field name → new value — for the panel to pass
on. `asset_fields` names its picture fields (layer field → AssetField): the panel checks and
stores a picked file; removing or resetting a picture is an ordinary edit made by the group.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox

from core.posters.template import Layer, placeholders_in
from ui.posters.fields import AssetField


class LayerGroup(QGroupBox):
    """One titled group of fields; subclasses build rows in `self.form` and fill them."""

    edited = Signal(dict, object)  # changes, merge key (same key: one undo step)
    kinds: tuple[type[Layer], ...] = ()

    def __init__(self, title: str, object_name: str) -> None:
        super().__init__(title)
        self.setObjectName(object_name)
        self.form = QFormLayout(self)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setVerticalSpacing(8)
        self.layer: Any = None
        self.asset_fields: dict[str, AssetField] = {}

    def accepts(self, layer: Layer | None) -> bool:
        return isinstance(layer, self.kinds)

    def show_layer(self, layer: Any) -> None:
        self.layer = layer
        self.fill_fields(layer)

    def fill_fields(self, layer: Any) -> None:
        raise NotImplementedError

    def report(self, changes: dict[str, Any], merge_key: str | None = None) -> None:
        self.edited.emit(changes, merge_key)

    def on_value(self, box, field: str, convert=float) -> None:
        """Report `field` whenever the number field `box` is set (arrow steps merge)."""
        box.valueChanged.connect(lambda value: self.report({field: convert(value)}, field))

    def on_choice(self, combo, field: str) -> None:
        combo.currentIndexChanged.connect(lambda _i: self.report({field: combo.currentData()}))

    def picture_text(self, src: str, empty: str) -> tuple[str, bool]:
        """What an AssetField says about `src`, and whether that is the muted 'nothing' text."""
        if not src:
            return empty, True
        if placeholders_in(src):
            return self.tr("每位会员自己的图片（{src}）").format(src=src), False
        return self.tr("已选图片：{name}").format(name=src), False
