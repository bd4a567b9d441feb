"""The week as one painted widget: seven day columns × 24 hours, each item a box at its time
(items close together share the width). Drag a box to another day or time (snapped to a quarter
of an hour) to move it: the widget says so (`move_requested`), the page writes and keeps undo.
It sits in a scroll area, opened at the morning."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.calendar.data import HOLIDAY_MARK, RangeData
from ui.calendar.item_grid import ItemGrid, Tile, day_badge, small_font, text_colour, tile_text
from ui.common.i18n import shown

if TYPE_CHECKING:
    from core.calendar.items import ItemRow

HOUR = 44  # pixels per hour
HEADER = 40  # weekday, date and the day's marks
GUTTER = 48  # the hour labels
BOX_MINUTES = 45  # how tall an item is drawn (items have no duration)
SNAP_MINUTES = 15
LEFT = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft


class WeekGrid(ItemGrid):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendar_week_grid")
        self.setMinimumWidth(560)
        self.setFixedHeight(HEADER + 24 * HOUR + 1)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.first = date.today() - timedelta(days=date.today().weekday())

    def set_week(self, first: date, data: RangeData | None) -> None:
        self.first, self.data = first, data
        self._layout()
        self.update()

    # A week's tiles are boxes, placed at their time of day.
    boxes, box_of, box_at = ItemGrid.tiles, ItemGrid.tile_of, ItemGrid.tile_at

    def _column_width(self) -> float:
        return (self.width() - GUTTER) / 7

    def column_rect(self, index: int) -> QRect:
        width = self._column_width()
        left = GUTTER + round(index * width)
        return QRect(left, HEADER, GUTTER + round((index + 1) * width) - left, 24 * HOUR)

    def y_of(self, when: time) -> int:
        return HEADER + round((when.hour + when.minute / 60) * HOUR)

    def time_at(self, point: QPoint) -> datetime | None:
        """The day and quarter hour under a point (None outside the grid)."""
        top = self.visibleRegion().boundingRect().top()
        if point.x() < GUTTER or point.y() < max(HEADER, top + HEADER):
            return None
        if not self.rect().contains(point):
            return None
        column = min(6, int((point.x() - GUTTER) / self._column_width()))
        minutes = (point.y() - HEADER) / HOUR * 60
        minutes = min(24 * 60 - SNAP_MINUTES, round(minutes / SNAP_MINUTES) * SNAP_MINUTES)
        day = self.first + timedelta(days=column)
        return datetime.combine(day, time.min) + timedelta(minutes=minutes)

    def _layout(self) -> None:
        """Each day's items in time order; items whose boxes overlap share the width."""
        self._tiles = []
        if self.data is None:
            return
        for index in range(7):
            day = self.first + timedelta(days=index)
            column = self.column_rect(index)
            items = self.data.items_on(day)
            clusters: list[list[ItemRow]] = []
            cluster_end = None
            for item in items:
                start = item.planned_at
                if cluster_end is None or start >= cluster_end:
                    clusters.append([])
                clusters[-1].append(item)
                end = start + timedelta(minutes=BOX_MINUTES)
                cluster_end = (
                    end if cluster_end is None or start >= cluster_end else max(cluster_end, end)
                )
            for cluster in clusters:
                lanes = min(len(cluster), 4)
                lane_width = (column.width() - 6) / lanes
                for position, item in enumerate(cluster):
                    lane = position % lanes
                    top = self.y_of(item.planned_at.time()) + (position // lanes) * 6
                    height = round(BOX_MINUTES / 60 * HOUR) - 2
                    left = column.left() + 3 + round(lane * lane_width)
                    rect = QRect(left, top + 1, round(lane_width) - 2, height)
                    self._tiles.append(Tile(rect, item))

    def paint(self, painter: QPainter, theme, today: date) -> None:
        small = small_font(painter.font())
        line = QColor(theme.border)
        for hour in range(25):
            y = HEADER + hour * HOUR
            painter.setPen(QPen(line, 1))
            painter.drawLine(GUTTER, y, self.width(), y)
            if hour < 24:
                painter.setPen(QColor(theme.muted))
                painter.setFont(small)
                painter.drawText(
                    QRect(0, y, GUTTER - 6, 16),
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                    f"{hour:02d}:00",
                )
        for index in range(7):
            day = self.first + timedelta(days=index)
            column = self.column_rect(index)
            marks = self.data.marks.get(day, []) if self.data else []
            if any(m.kind == HOLIDAY_MARK for m in marks):
                painter.fillRect(column, QColor(theme.accent_soft).lighter(104))
            painter.setPen(QPen(line, 1))
            painter.drawLine(column.left(), 0, column.left(), self.height())
        if self._dragging and self._drop is not None:
            index = (self._drop.date() - self.first).days
            column = self.column_rect(index)
            y = self.y_of(self._drop.time())
            ghost = QRect(column.left() + 2, y, column.width() - 4, round(BOX_MINUTES / 60 * HOUR))
            painter.fillRect(ghost, QColor(theme.accent_soft))
            painter.setPen(QPen(QColor(theme.accent), 1.5, Qt.PenStyle.DashLine))
            painter.drawRect(ghost)
            painter.setFont(small)
            painter.drawText(ghost.adjusted(4, 0, 0, 0), LEFT, f"{self._drop:%H:%M}")
        if self.data and self.first <= today < self.first + timedelta(days=7):
            y = self.y_of(self.data.now.time())
            column = self.column_rect((today - self.first).days)
            painter.setPen(QPen(QColor(theme.danger), 1.5))
            painter.drawLine(column.left(), y, column.right(), y)
        painter.setFont(small)
        for box in self._tiles:
            self._paint_box(painter, box, theme)
        # The day names stay at the top of the scroll area's view, over what scrolled under.
        self._paint_header(painter, self.visibleRegion().boundingRect().top(), theme, today)

    def _paint_header(self, painter: QPainter, top: int, theme, today: date) -> None:
        font = self.font()
        small = small_font(font)
        band = QRect(0, top, self.width(), HEADER)
        painter.fillRect(band, QColor(theme.base))
        painter.setPen(QPen(QColor(theme.border), 1))
        painter.drawLine(0, band.bottom(), self.width(), band.bottom())
        for index in range(7):
            day = self.first + timedelta(days=index)
            column = self.column_rect(index)
            marks = self.data.marks.get(day, []) if self.data else []
            painter.setPen(QPen(QColor(theme.border), 1))
            painter.drawLine(column.left(), top, column.left(), band.bottom())
            head = QRect(column.left() + 4, top + 2, column.width() - 8, 18)
            painter.setFont(font)
            painter.setPen(QColor(theme.accent_strong if day == today else theme.text))
            name = self.weekday_names[index] if self.weekday_names else ""
            painter.drawText(head, LEFT, f"{name} {day.month}/{day.day}")
            if not marks:
                continue
            badge, _workday = day_badge(marks)
            text = (badge + " " if badge else "") + " · ".join(
                dict.fromkeys(shown(m.text) for m in marks)
            )
            painter.setFont(small)
            painter.setPen(QColor(theme.muted))
            sub = QRect(column.left() + 4, top + 20, column.width() - 8, 18)
            elided = QFontMetrics(small).elidedText(text, Qt.TextElideMode.ElideRight, sub.width())
            painter.drawText(sub, LEFT, elided)

    def _paint_box(self, painter: QPainter, box: Tile, theme) -> None:
        item = box.item
        self.paint_tile(painter, box.rect, item, theme, QPen(QColor(theme.base), 1))
        painter.setPen(QColor(text_colour(item, theme)))
        text_rect = box.rect.adjusted(6, 2, -3, -2)
        metrics = QFontMetrics(painter.font())
        lines = [tile_text(item)]
        if item.communities:
            lines.append("、".join(item.communities))
        y = text_rect.top()
        for text in lines:
            if y + metrics.height() > text_rect.bottom() + 2:
                break
            row = QRect(text_rect.left(), y, text_rect.width(), metrics.height())
            elided = metrics.elidedText(text, Qt.TextElideMode.ElideRight, row.width())
            painter.drawText(row, LEFT, elided)
            y += metrics.height()

    # ----- what is under the mouse (ItemGrid does the rest) ---------------------------

    def drop_at(self, point: QPoint) -> datetime | None:
        return self.time_at(point)

    def moved_to(self, item: ItemRow, when: datetime) -> datetime | None:
        return when if when != item.planned_at else None
