"""The month as one painted widget: six weeks of day cells, each with its date, its marks (休, 班,
marketing nodes, campaign starts and ends) and as many item tiles ("08:00 早安问候") as fit, then
"+N 更多". Painted, not built of child widgets, so 5000 items open as fast as they are read
(bench/calendar_month.py).

Press an item tile and drop it on another day to move it there (same time of day): the widget
only says so (`move_requested`); the page writes and keeps the undo step.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.calendar.data import HOLIDAY_MARK, RangeData
from ui.calendar.item_grid import ItemGrid, Tile, day_badge, small_font, text_colour, tile_text
from ui.common.i18n import shown

if TYPE_CHECKING:
    from core.calendar.items import ItemRow

WEEKS = 6
HEADER = 24  # the weekday names
LINE = 19  # one tile (or the +N line)
PAD = 3
LEFT = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
RIGHT = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight


class MonthGrid(ItemGrid):
    more_requested = Signal(object)  # date: the day's full list

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendar_month_grid")
        self.setMinimumSize(560, 360)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.month = date.today().replace(day=1)
        self.first = self.month - timedelta(days=self.month.weekday())
        self._more: list[tuple[QRect, date, int]] = []  # the "+N 更多" lines

    # ----- what is shown ----------------------------------------------------------------

    def set_month(self, month: date, data: RangeData | None) -> None:
        self.month = month.replace(day=1)
        self.first = self.month - timedelta(days=self.month.weekday())
        self.data = data
        self._layout()
        self.update()

    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range(WEEKS * 7)]

    def cell_rect(self, day: date) -> QRect:
        index = (day - self.first).days
        if not 0 <= index < WEEKS * 7:
            return QRect()
        width, height = self.width() / 7, (self.height() - HEADER) / WEEKS
        column, row = index % 7, index // 7
        left, top = round(column * width), HEADER + round(row * height)
        return QRect(
            left, top, round((column + 1) * width) - left, HEADER + round((row + 1) * height) - top
        )

    def day_at(self, point: QPoint) -> date | None:
        if point.y() < HEADER or not self.rect().contains(point):
            return None
        column = min(6, int(point.x() / (self.width() / 7)))
        row = min(WEEKS - 1, int((point.y() - HEADER) / ((self.height() - HEADER) / WEEKS)))
        return self.first + timedelta(days=row * 7 + column)

    def _layout(self) -> None:
        """Where each tile goes: a day's items in time order, as many as fit, then +N."""
        self._tiles, self._more = [], []
        if self.data is None:
            return
        for day, items in self.data.by_day().items():
            cell = self.cell_rect(day)
            if cell.isNull():
                continue
            top = cell.top() + LINE + PAD
            room = max(0, (cell.bottom() - PAD - top) // LINE)
            shown_count = len(items) if len(items) <= room else max(0, room - 1)
            for index, item in enumerate(items[:shown_count]):
                rect = QRect(
                    cell.left() + PAD, top + index * LINE, cell.width() - 2 * PAD, LINE - 2
                )
                self._tiles.append(Tile(rect, item))
            if shown_count < len(items):
                rect = QRect(
                    cell.left() + PAD, top + shown_count * LINE, cell.width() - 2 * PAD, LINE - 2
                )
                self._more.append((rect, day, len(items) - shown_count))

    def more_count(self, day: date) -> int:
        """How many of the day's items the cell has no room for."""
        return next((hidden for _rect, d, hidden in self._more if d == day), 0)

    # ----- painting ---------------------------------------------------------------------

    def paint(self, painter: QPainter, theme, today: date) -> None:
        font = painter.font()
        small = small_font(font)
        bold = QFont(font)
        bold.setBold(True)
        painter.setPen(QColor(theme.muted))
        width = self.width() / 7
        for column, name in enumerate(self.weekday_names):
            rect = QRect(round(column * width), 0, round(width), HEADER)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, name)
        for day in self.days():
            self._paint_day(painter, day, theme, today, font, small, bold)
        painter.setFont(small)
        for tile in self._tiles:
            self._paint_tile(painter, tile, theme)
        painter.setPen(QColor(theme.accent_strong))
        for rect, _day, hidden in self._more:
            painter.drawText(rect.adjusted(6, 0, 0, 0), LEFT, self.tr("+{n} 更多").format(n=hidden))

    def _paint_day(self, painter, day, theme, today, font, small, bold) -> None:
        cell = self.cell_rect(day)
        marks = self.data.marks.get(day, []) if self.data else []
        off = any(m.kind == HOLIDAY_MARK for m in marks)
        if day.month != self.month.month:
            painter.fillRect(cell, QColor(theme.window))
        elif off:
            painter.fillRect(cell, QColor(theme.accent_soft).lighter(104))
        if self._dragging and day == self._drop:
            painter.fillRect(cell, QColor(theme.accent_soft))
        painter.setPen(QPen(QColor(theme.border), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(cell.adjusted(0, 0, -1, -1))
        head = QRect(cell.left() + PAD + 2, cell.top() + PAD, cell.width() - 2 * PAD - 4, LINE - 2)
        painter.setFont(bold if day == today else font)
        number = str(day.day)
        metrics = QFontMetrics(painter.font())
        number_width = metrics.horizontalAdvance(number) + 8
        if day == today:
            badge = QRectF(
                head.left() - 3, head.top(), max(number_width, head.height()), head.height()
            )
            painter.setBrush(QColor(theme.accent))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawRoundedRect(badge, head.height() / 2, head.height() / 2)
            painter.setPen(QColor(theme.accent_text))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, number)
        else:
            faint = day.month != self.month.month
            painter.setPen(QColor(theme.muted if faint else theme.text))
            painter.drawText(head, LEFT, number)
        if not marks:
            return
        painter.setFont(small)
        x = head.left() + number_width + 2
        rest = head.adjusted(x - head.left(), 0, 0, 0)
        badge_text, workday = day_badge(marks)
        if badge_text:
            colour = theme.warning if workday else theme.danger
            badge_width = QFontMetrics(small).horizontalAdvance(badge_text) + 6
            badge = QRect(rest.left(), rest.top() + 1, badge_width, rest.height() - 2)
            painter.setPen(QColor(colour))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, badge_text)
            rest.setLeft(badge.right() + 4)
        names = " · ".join(dict.fromkeys(shown(m.text) for m in marks))
        if names:
            painter.setPen(QColor(theme.muted))
            elided = QFontMetrics(small).elidedText(
                names, Qt.TextElideMode.ElideRight, rest.width()
            )
            painter.drawText(rest, RIGHT, elided)

    def _paint_tile(self, painter: QPainter, tile: Tile, theme) -> None:
        item = tile.item
        self.paint_tile(painter, tile.rect, item, theme, Qt.PenStyle.NoPen)
        if self._dragging and self._pressed is not None and self._pressed.id == item.id:
            painter.setPen(QPen(QColor(theme.accent), 1.5, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(tile.rect), 3, 3)
        text_rect = tile.rect.adjusted(6, 0, -3, 0)
        metrics = QFontMetrics(painter.font())
        painter.setPen(QColor(text_colour(item, theme)))
        painter.drawText(
            text_rect,
            LEFT,
            metrics.elidedText(tile_text(item), Qt.TextElideMode.ElideRight, text_rect.width()),
        )

    # ----- what is under the mouse (ItemGrid does the rest) ---------------------------

    def drop_at(self, point: QPoint) -> date | None:
        return self.day_at(point)

    def moved_to(self, item: ItemRow, day: date) -> datetime | None:
        """The same time of day on another day."""
        if day == item.planned_at.date():
            return None
        return datetime.combine(day, item.planned_at.time())

    def new_at(self, point: QPoint) -> date | None:
        if any(more[0].contains(point) for more in self._more):
            return None
        return self.day_at(point)

    def clicked(self, point: QPoint) -> None:
        for rect, day, _hidden in self._more:
            if rect.contains(point):
                self.more_requested.emit(day)
                return

    def tooltip_at(self, point: QPoint) -> str:
        text = super().tooltip_at(point)
        day = self.day_at(point)
        if text or day is None or not self.data or not self.data.marks.get(day):
            return text
        return "\n".join(dict.fromkeys(shown(m.text) for m in self.data.marks[day]))
