"""What the tile colours mean: a swatch and a name per content type (or per community), painted
on one line; what does not fit is left off and listed in the tooltip."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from core.calendar.labels import KIND_LABELS
from ui.calendar.colours import BY_COMMUNITY, KIND_HUES, community_hue, tile_colours
from ui.common.i18n import shown
from ui.common.theme import current_theme, theme_manager

SWATCH = 10
GAP = 12


class ColourLegend(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendar_legend")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.entries: list[tuple[str, int]] = []
        # A bound method, not a lambda: Qt drops the connection when this widget is deleted.
        theme_manager().theme_changed.connect(self._repaint_for_theme)

    def _repaint_for_theme(self, _theme=None) -> None:
        self.update()

    def show_mode(self, mode: str, communities: list[tuple[int, str]]) -> None:
        if mode == BY_COMMUNITY:
            self.entries = [(name, community_hue(cid)) for cid, name in communities]
        else:
            self.entries = [(shown(label), KIND_HUES[key]) for key, label in KIND_LABELS.items()]
        self.setToolTip("\n".join(text for text, _hue in self.entries))
        self.updateGeometry()
        self.update()

    def _width(self, text: str) -> int:
        return SWATCH + 4 + QFontMetrics(self.font()).horizontalAdvance(text) + GAP

    def sizeHint(self) -> QSize:
        return QSize(sum(self._width(t) for t, _h in self.entries), self.fontMetrics().height())

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.fontMetrics().height())

    def paintEvent(self, event) -> None:
        theme = current_theme()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        x, middle = 0, self.height() // 2
        for text, hue in self.entries:
            width = self._width(text)
            if x + width - GAP > self.width():
                break
            _fill, edge = tile_colours(hue, theme)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(edge)  # the tile's edge colour: the pale fill is too faint alone
            painter.drawRoundedRect(QRect(x, middle - SWATCH // 2, SWATCH, SWATCH), 2, 2)
            painter.setPen(QColor(theme.muted))
            text_rect = QRect(x + SWATCH + 4, 0, width - SWATCH - 4, self.height())
            painter.drawText(
                text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text
            )
            x += width
        painter.end()
