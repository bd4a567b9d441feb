"""What the month and week grids share: item tiles painted the same way (kind or community
colour, overdue ring, ✓ when sent), the same tooltip, and the same mouse handling — press a tile
and drop it elsewhere to move it (`move_requested`), double-click a tile to edit it or an empty
spot to add one. A grid says where a point is (`item_at`, `drop_at`, `new_at`); the page writes
and keeps the undo step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QApplication, QToolTip, QWidget

from ui.calendar.colours import BY_KIND, hue_of, tile_colours
from ui.calendar.data import HOLIDAY_MARK, WORKDAY_MARK, DayMark, RangeData
from ui.common.i18n import shown
from ui.common.theme import Theme, current_theme, theme_manager

if TYPE_CHECKING:
    from core.calendar.items import ItemRow


@dataclass(frozen=True)
class Tile:
    """Where an item is drawn."""

    rect: QRect
    item: ItemRow


class ItemGrid(QWidget):
    move_requested = Signal(int, object)  # item id, new datetime
    edit_requested = Signal(int)
    new_requested = Signal(object)  # the date (month) or datetime (week) double-clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.data: RangeData | None = None
        self.colour_mode = BY_KIND
        self.weekday_names: list[str] = []
        self._pressed: ItemRow | None = None
        self._press_at = QPoint()
        self._dragging = False
        self._drop = None  # where a dragged tile would land (drop_at)
        self._tiles: list[Tile] = []  # set by _layout, in painting order
        # A bound method, not a lambda: Qt drops the connection when this widget is deleted.
        theme_manager().theme_changed.connect(self._repaint_for_theme)

    # ----- what a grid says about a point -------------------------------------------------

    def tiles(self) -> list[Tile]:
        return list(self._tiles)

    def tile_of(self, item_id: int) -> Tile | None:
        return next((t for t in self._tiles if t.item.id == item_id), None)

    def tile_at(self, point: QPoint) -> Tile | None:
        """The topmost tile under a point (the one painted last)."""
        return next((t for t in reversed(self._tiles) if t.rect.contains(point)), None)

    def item_at(self, point: QPoint) -> ItemRow | None:
        tile = self.tile_at(point)
        return tile.item if tile is not None else None

    def drop_at(self, point: QPoint):
        """Where an item dropped at `point` goes (None: nowhere)."""
        raise NotImplementedError

    def moved_to(self, item: ItemRow, drop) -> object | None:
        """The new datetime of `item` dropped at `drop`, None when it does not move."""
        raise NotImplementedError

    def new_at(self, point: QPoint):
        """What a double-click on an empty spot asks a new item for (None: nothing)."""
        return self.drop_at(point)

    def clicked(self, point: QPoint) -> None:
        """A click that moved nothing."""

    def tooltip_at(self, point: QPoint) -> str:
        item = self.item_at(point)
        return tile_tooltip(item, self.data) if item is not None else ""

    # ----- what is shown ------------------------------------------------------------------

    def _repaint_for_theme(self, _theme=None) -> None:
        self.update()

    def _layout(self) -> None:
        """Place the tiles of what is shown (`self._tiles`)."""
        raise NotImplementedError

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._layout()

    def paintEvent(self, event: QPaintEvent) -> None:
        theme = current_theme()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(theme.base))
        today = (self.data.now if self.data else datetime.now()).date()
        self.paint(painter, theme, today)
        painter.end()

    def paint(self, painter: QPainter, theme: Theme, today: date) -> None:
        raise NotImplementedError

    def set_colour_mode(self, mode: str) -> None:
        self.colour_mode = mode
        self.update()

    def paint_tile(self, painter: QPainter, rect: QRect, item: ItemRow, theme: Theme, pen) -> None:
        """A tile's face: its colour, the darker edge on the left, a red ring when overdue;
        `pen` outlines it (NoPen, or the base colour between boxes that touch)."""
        fill, edge = tile_colours(hue_of(item, self.colour_mode), theme)
        face = QRectF(rect)
        painter.setPen(pen)
        painter.setBrush(fill)
        painter.drawRoundedRect(face, 3, 3)
        painter.fillRect(QRectF(face.left(), face.top(), 3, face.height()), edge)
        if item.overdue:
            painter.setPen(QPen(QColor(theme.danger), 1.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(face.adjusted(0.75, 0.75, -0.75, -0.75), 3, 3)

    # ----- mouse --------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        point = event.position().toPoint()
        self._pressed = self.item_at(point)
        self._press_at = point
        self._dragging = False

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        point = event.position().toPoint()
        if self._pressed is None:
            item = self.item_at(point)
            movable = item is not None and item.sent_at is None
            self.setCursor(Qt.CursorShape.OpenHandCursor if movable else Qt.CursorShape.ArrowCursor)
            return
        if (point - self._press_at).manhattanLength() >= QApplication.startDragDistance():
            self._dragging = True
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        if self._dragging:
            self._drop = self.drop_at(point)
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        point = event.position().toPoint()
        pressed, dragging = self._pressed, self._dragging
        self._pressed, self._dragging, self._drop = None, False, None
        self.setCursor(Qt.CursorShape.ArrowCursor)
        self.update()
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if pressed is not None and (dragging or self.item_at(point) is None):
            drop = self.drop_at(point)
            when = self.moved_to(pressed, drop) if drop is not None else None
            if when is not None:
                self.move_requested.emit(pressed.id, when)
            return
        self.clicked(point)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        point = event.position().toPoint()
        item = self.item_at(point)
        if item is not None:
            self.edit_requested.emit(item.id)
            return
        where = self.new_at(point)
        if where is not None:
            self.new_requested.emit(where)

    def event(self, event) -> bool:
        if event.type() == event.Type.ToolTip:
            text = self.tooltip_at(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)


def small_font(font: QFont) -> QFont:
    """The grids' smaller text (tiles, marks, hours)."""
    small = QFont(font)
    small.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
    return small


def text_colour(item: ItemRow, theme: Theme) -> str:
    return theme.danger if item.overdue else theme.muted if item.sent_at else theme.text


def tile_text(item: ItemRow) -> str:
    mark = "✓ " if item.sent_at is not None else ""
    return f"{item.planned_at:%H:%M} {mark}{item.title}"


def tile_tooltip(item: ItemRow, data: RangeData | None) -> str:
    lines = [f"{item.planned_at:%Y-%m-%d %H:%M}  {item.title}"]
    lines.append(f"{shown(item.kind_label)} · {shown(item.status_label)}")
    if item.communities:
        lines.append("、".join(item.communities))
    if item.campaign_id is not None and data is not None and item.campaign_id in data.campaigns:
        lines.append(
            QApplication.translate("MonthGrid", "活动：{name}").format(
                name=data.campaigns[item.campaign_id]
            )
        )
    if item.overdue:
        lines.append(QApplication.translate("MonthGrid", "已过计划时间，还没有发送"))
    return "\n".join(lines)


def day_badge(marks: list[DayMark]) -> tuple[str, bool]:
    """休 on a day off, 班 on a make-up workday; (text, is a workday)."""
    if any(m.kind == WORKDAY_MARK for m in marks):
        return QApplication.translate("MonthGrid", "班"), True
    if any(m.kind == HOLIDAY_MARK for m in marks):
        return QApplication.translate("MonthGrid", "休"), False
    return "", False
