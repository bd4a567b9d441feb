"""The risky phrases of a poster as drawn: each with its reason and where it sits on the canvas.

The designer underlines these on the canvas; the phrases are those of core.posters.compliance,
found in the text as the poster shows it (placeholders filled with the preview data).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.common.errors import UserError
from core.posters.compliance import RiskyPhrase, check_copy
from core.posters.fonts import font_key
from core.posters.template import Template, TextLayer, fill_placeholders, normalise_data
from core.posters.text_placement import SpanBox, span_boxes


@dataclass(frozen=True)
class CopyMark:
    layer_index: int
    phrase: RiskyPhrase
    boxes: tuple[SpanBox, ...]  # in the layer's box coordinates; empty: not drawn


def copy_marks(
    template: Template, data: Mapping[str, Any], assets: Mapping[str, Any] | None = None
) -> list[CopyMark]:
    """Every risky phrase in the visible text layers, as rendered with `data` (`assets`: the
    template's files, for a font it carries)."""
    data = normalise_data(data)
    marks = []
    for index, layer in enumerate(template.layers):
        if not isinstance(layer, TextLayer) or not layer.visible:
            continue
        text = fill_placeholders(layer.text, data)
        phrases = check_copy(text)
        if not phrases:
            continue
        try:
            key = font_key(layer.font_path, assets)
        except UserError:  # a font that is not there: the preview says so; mark as bundled
            key = ""
        for phrase in phrases:
            boxes = tuple(span_boxes(layer, text, phrase.start, phrase.end, key))
            marks.append(CopyMark(index, phrase, boxes))
    return marks
