"""The colours of calendar tiles: one hue per content type, or per community (the toggle), each
drawn as a soft fill with a strong edge in the current theme (light or dark)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QColor

from core.calendar.labels import KIND_LABELS
from ui.common.theme import Theme

if TYPE_CHECKING:
    from core.calendar.items import ItemRow

BY_KIND, BY_COMMUNITY = "kind", "community"

# Hues far enough apart to tell ten types apart at a glance.
HUES = (174, 205, 270, 310, 28, 50, 150, 0, 90, 235, 340, 120)
KIND_HUES = dict(zip(KIND_LABELS, HUES, strict=False))


def hue_of(item: ItemRow, mode: str) -> int:
    if mode == BY_COMMUNITY:
        if not item.community_ids:
            return -1  # no community yet: grey
        return HUES[item.community_ids[0] % len(HUES)]
    return KIND_HUES.get(item.kind, -1)


def community_hue(community_id: int) -> int:
    return HUES[community_id % len(HUES)]


def tile_colours(hue: int, theme: Theme) -> tuple[QColor, QColor]:
    """(fill, edge) of a tile of this hue; hue -1 is the neutral grey."""
    dark = theme.name == "dark"
    if hue < 0:
        return QColor(theme.alternate), QColor(theme.muted)
    if dark:
        return QColor.fromHsl(hue, 70, 62), QColor.fromHsl(hue, 170, 150)
    return QColor.fromHsl(hue, 150, 232), QColor.fromHsl(hue, 170, 95)
