"""Fixtures and helpers shared by the 海报 designer's GUI tests."""

from __future__ import annotations

import hashlib

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QListWidget

from ui.posters.designer import PosterDesigner


@pytest.fixture
def designer(app, qtbot, sqlite_database) -> PosterDesigner:
    widget = PosterDesigner(sqlite_database)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    settle(qtbot, widget)
    return widget


def settle(qtbot, designer: PosterDesigner) -> None:
    """Wait until the canvas shows the render of the current template."""
    qtbot.waitUntil(
        lambda: not designer.render_pending() and designer.last_render is not None,
        timeout=60_000,
    )


def digest(image: QImage, size: int = 120) -> bytes:
    small = image.convertToFormat(QImage.Format.Format_RGB888).scaled(
        size, size, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.FastTransformation
    )
    return hashlib.sha256(bytes(small.constBits())).digest()


def layer_index(designer: PosterDesigner, name: str) -> int:
    return next(i for i, layer in enumerate(designer.template.layers) if layer.name == name)


def select(designer: PosterDesigner, name: str) -> int:
    index = layer_index(designer, name)
    layers = designer.findChild(QListWidget, "posterLayers")
    layers.setCurrentRow(layers.count() - 1 - index)
    assert designer.selected == index
    return index
