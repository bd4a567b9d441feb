"""The month as one painted widget: six weeks of day cells, each with its date, its marks (休, 班,
marketing nodes, campaign starts and ends) and as many item tiles ("08:00 早安问候") as fit, then
"+N 更多". Painted, not built of child widgets, so 5000 items open as fast as they are read
(bench/calendar_month.py).

Press an item tile and drop it on another day to move it there (same time of day): the widget
only says so (`move_requested`); the page writes and keeps the undo step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QApplication, QSizePolicy, QToolTip, QWidget

from ui.calendar.colours import BY_KIND, hue_of, tile_colours
from ui.calendar.data import HOLIDAY_MARK, WORKDAY_MARK, DayMark, RangeData
from ui.common.i18n import shown
from ui.common.theme import current_theme, theme_manager

if TYPE_CHECKING:
    from core.calendar.items import ItemRow

WEEKS = 6
HEADER = 24  # the weekday names
LINE = 19  # one tile (or the +N line)
PAD = 3
LEFT = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
RIGHT = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight


@dataclass(frozen=True)
class Tile:
    rect: QRect
    item: ItemRow


class MonthGrid(QWidget):
    move_requested = Signal(int, object)  # item id, new datetime
    edit_requested = Signal(int)
    new_requested = Signal(object)  # date
    more_requested = Signal(object)  # date: the day's full list

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendar_month_grid")
        self.setMouseTracking(True)
        self.setMinimumSize(560, 360)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.month = date.today().replace(day=1)
        self.first = self.month - timedelta(days=self.month.weekday())
        self.data: RangeData | None = None
        self.colour_mode = BY_KIND
        self.weekday_names: list[str] = []
        self._tiles: list[Tile] = []
        self._more: list[tuple[QRect, date, int]] = []  # the "+N 更多" lines
        self._pressed: ItemRow | None = None
        self._press_at = QPoint()
        self._dragging = False
        self._drop_day: date | None = None
        # A bound method, not a lambda: Qt drops the connection when this widget is deleted.
        theme_manager().theme_changed.connect(self._repaint_for_theme)

    # ----- what is shown ----------------------------------------------------------------

    def _repaint_for_theme(self, _theme=None) -> None:
        self.update()

    def set_month(self, month: date, data: RangeData | None) -> None:
        self.month = month.replace(day=1)
        self.first = self.month - timedelta(days=self.month.weekday())
        self.data = data
        self._layout()
        self.update()

    def set_colour_mode(self, mode: str) -> None:
        self.colour_mode = mode
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

    def tiles(self) -> list[Tile]:
        return list(self._tiles)

    def tile_of(self, item_id: int) -> Tile | None:
        return next((t for t in self._tiles if t.item.id == item_id), None)

    def tile_at(self, point: QPoint) -> Tile | None:
        return next((t for t in self._tiles if t.rect.contains(point)), None)

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

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._layout()

    # ----- painting ---------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        theme = current_theme()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(theme.base))
        font = painter.font()
        small = QFont(font)
        small.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        bold = QFont(font)
        bold.setBold(True)
        painter.setPen(QColor(theme.muted))
        width = self.width() / 7
        for column, name in enumerate(self.weekday_names):
            rect = QRect(round(column * width), 0, round(width), HEADER)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, name)
        today = (self.data.now if self.data else datetime.now()).date()
        for day in self.days():
            self._paint_day(painter, day, theme, today, font, small, bold)
        painter.setFont(small)
        for tile in self._tiles:
            self._paint_tile(painter, tile, theme)
        painter.setPen(QColor(theme.accent_strong))
        for rect, _day, hidden in self._more:
            painter.drawText(rect.adjusted(6, 0, 0, 0), LEFT, self.tr("+{n} 更多").format(n=hidden))
        painter.end()

    def _paint_day(self, painter, day, theme, today, font, small, bold) -> None:
        cell = self.cell_rect(day)
        marks = self.data.marks.get(day, []) if self.data else []
        off = any(m.kind == HOLIDAY_MARK for m in marks)
        if day.month != self.month.month:
            painter.fillRect(cell, QColor(theme.window))
        elif off:
            painter.fillRect(cell, QColor(theme.accent_soft).lighter(104))
        if self._dragging and day == self._drop_day:
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
        badge_text, workday = _badge(marks)
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
        fill, edge = tile_colours(hue_of(item, self.colour_mode), theme)
        rect = QRectF(tile.rect)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, 3, 3)
        painter.fillRect(QRectF(rect.left(), rect.top(), 3, rect.height()), edge)
        if item.overdue:
            painter.setPen(QPen(QColor(theme.danger), 1.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(0.75, 0.75, -0.75, -0.75), 3, 3)
        if self._dragging and self._pressed is not None and self._pressed.id == item.id:
            painter.setPen(QPen(QColor(theme.accent), 1.5, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect, 3, 3)
        text = tile_text(item)
        text_rect = tile.rect.adjusted(6, 0, -3, 0)
        metrics = QFontMetrics(painter.font())
        sent = item.sent_at is not None
        painter.setPen(
            QColor(theme.danger if item.overdue else theme.muted if sent else theme.text)
        )
        painter.drawText(
            text_rect,
            LEFT,
            metrics.elidedText(text, Qt.TextElideMode.ElideRight, text_rect.width()),
        )

    # ----- mouse ------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        point = event.position().toPoint()
        tile = self.tile_at(point)
        self._pressed = tile.item if tile else None
        self._press_at = point
        self._dragging = False

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        point = event.position().toPoint()
        if self._pressed is None:
            tile = self.tile_at(point)
            self.setCursor(
                Qt.CursorShape.OpenHandCursor if tile and tile.item.sent_at is None
                else Qt.CursorShape.ArrowCursor
            )  # fmt: skip
            return
        moved = (point - self._press_at).manhattanLength()
        if moved >= QApplication.startDragDistance():
            self._dragging = True
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        if self._dragging:
            self._drop_day = self.day_at(point)
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        point = event.position().toPoint()
        pressed, dragging = self._pressed, self._dragging
        self._pressed, self._dragging, self._drop_day = None, False, None
        self.setCursor(Qt.CursorShape.ArrowCursor)
        self.update()
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if pressed is not None and (dragging or self.tile_at(point) is None):
            day = self.day_at(point)
            if day is not None and day != pressed.planned_at.date():
                when = datetime.combine(day, pressed.planned_at.time())
                self.move_requested.emit(pressed.id, when)
            return
        for rect, day, _hidden in self._more:
            if rect.contains(point):
                self.more_requested.emit(day)
                return

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        point = event.position().toPoint()
        tile = self.tile_at(point)
        if tile is not None:
            self.edit_requested.emit(tile.item.id)
            return
        day = self.day_at(point)
        if day is not None and not any(more[0].contains(point) for more in self._more):
            self.new_requested.emit(day)

    def event(self, event) -> bool:
        if event.type() == event.Type.ToolTip:
            point = event.pos()
            tile = self.tile_at(point)
            day = self.day_at(point)
            if tile is not None:
                QToolTip.showText(event.globalPos(), tile_tooltip(tile.item, self.data), self)
            elif day is not None and self.data and self.data.marks.get(day):
                QToolTip.showText(
                    event.globalPos(),
                    "\n".join(dict.fromkeys(shown(m.text) for m in self.data.marks[day])),
                    self,
                )
            else:
                QToolTip.hideText()
            return True
        return super().event(event)


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


def _badge(marks: list[DayMark]) -> tuple[str, bool]:
    """休 on a day off, 班 on a make-up workday; (text, is a workday)."""
    if any(m.kind == WORKDAY_MARK for m in marks):
        return QApplication.translate("MonthGrid", "班"), True
    if any(m.kind == HOLIDAY_MARK for m in marks):
        return QApplication.translate("MonthGrid", "休"), False
    return "", False
