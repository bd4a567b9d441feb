"""Edits of a poster template as undoable commands.

The designer treats a Template as immutable: every edit builds a new one (dataclasses.replace)
and pushes a `TemplateEdit` holding the template before and after, so undo and redo are a swap
and the canvas, the layer list and the property panel redraw from whichever is current.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtGui import QUndoCommand

from core.posters.template import Template

_MERGE_ID = 8_401  # QUndoCommand ids: edits with the same merge key fold into one undo step


class TemplateEdit(QUndoCommand):
    """Swap one template for another; `apply(template, selected_layer)` shows the result."""

    def __init__(
        self,
        text: str,
        before: Template,
        after: Template,
        apply: Callable[[Template, int], None],
        *,
        selected_before: int,
        selected_after: int,
        merge_key: Any = None,
    ) -> None:
        super().__init__(text)
        self.before = before
        self.after = after
        self._apply = apply
        self.selected_before = selected_before
        self.selected_after = selected_after
        self.merge_key = merge_key

    def id(self) -> int:
        return _MERGE_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        """Typing into one field is one undo step, not one per keystroke."""
        if not isinstance(other, TemplateEdit) or other.merge_key != self.merge_key:
            return False
        if other.before is not self.after:
            return False
        self.after = other.after
        self.selected_after = other.selected_after
        return True

    def redo(self) -> None:
        self._apply(self.after, self.selected_after)

    def undo(self) -> None:
        self._apply(self.before, self.selected_before)


def with_layer(template: Template, index: int, **changes: Any) -> Template:
    """The template with layer `index` replaced by a copy carrying `changes`."""
    layers = list(template.layers)
    layers[index] = replace(layers[index], **changes)
    return replace(template, layers=layers)


def with_layer_moved(template: Template, index: int, step: int) -> tuple[Template, int]:
    """The template with layer `index` moved `step` places up (+1 is towards the front)."""
    target = max(0, min(len(template.layers) - 1, index + step))
    layers = list(template.layers)
    layers.insert(target, layers.pop(index))
    return replace(template, layers=layers), target


def with_layer_inserted(template: Template, index: int, layer) -> Template:
    """The template with `layer` put at position `index` (0 is the back)."""
    layers = list(template.layers)
    layers.insert(index, layer)
    return replace(template, layers=layers)


def with_layer_removed(template: Template, index: int) -> Template:
    layers = list(template.layers)
    del layers[index]
    return replace(template, layers=layers)
