"""Layers the operator adds from the layer list: sized to the canvas, centred, ready to edit."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from core.posters.template import (
    AvatarLayer,
    ImageLayer,
    Layer,
    QrLayer,
    ShapeLayer,
    Template,
    TextLayer,
)

ADDABLE_KINDS = ("text", "image", "qr", "avatar", "shape")


def kind_labels() -> dict[str, str]:
    return {
        "text": QCoreApplication.translate("new_layers", "文字"),
        "image": QCoreApplication.translate("new_layers", "图片"),
        "qr": QCoreApplication.translate("new_layers", "二维码"),
        "avatar": QCoreApplication.translate("new_layers", "头像"),
        "shape": QCoreApplication.translate("new_layers", "形状"),
    }


def new_layer(kind: str, template: Template) -> Layer:
    """A new layer of `kind`, centred on the canvas, with a unique name."""
    side = template.width
    if kind == "text":
        size = round(side / 16)
        layer: Layer = TextLayer(
            text=QCoreApplication.translate("new_layers", "输入文字"),
            font_size=size,
            min_font_size=min(16, size),
            align="center",
            width=round(side * 0.7),
            height=round(size * 1.6),
        )
    elif kind == "image":
        layer = ImageLayer(width=round(side * 0.5), height=round(side * 0.375))
    elif kind == "qr":
        layer = QrLayer(width=round(side * 0.3), height=round(side * 0.3))
    elif kind == "avatar":
        layer = AvatarLayer(width=round(side * 0.18), height=round(side * 0.18))
    elif kind == "shape":
        layer = ShapeLayer(
            shape="rounded", fill="#f3f4f6", width=round(side * 0.6), height=round(side * 0.3)
        )
    else:
        raise ValueError(kind)
    layer.x = round((template.width - layer.width) / 2)
    layer.y = round((template.height - layer.height) / 2)
    layer.name = unique_name(template, kind_labels()[kind])
    return layer


def unique_name(template: Template, base: str) -> str:
    """`base`, or `base 2`, `base 3`… so the layer list tells layers apart."""
    taken = {layer.name for layer in template.layers}
    if base not in taken:
        return base
    number = 2
    while f"{base} {number}" in taken:
        number += 1
    return f"{base} {number}"
