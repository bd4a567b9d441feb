"""A weekday × hour grid painted in the theme's colours: rows Monday … Sunday, 24 hour columns,
each cell shaded by its count (the busiest cell in the accent), the count in its tooltip.

Knows nothing of where the counts come from (the chat's heat map fills it); an empty grid says
what is missing instead of showing 168 blank cells. With `clickable`, a click on a cell emits
`cell_clicked(weekday, hour)` (the dashboard opens the members behind it).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QHelpEvent, QMouseEvent, QPainter
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from ui.common.theme import Theme, current_theme, theme_manager

DAYS, HOURS = 7, 24
GAP = 2  # between cells
CELL_MIN, CELL_MAX = 12, 26  # a cell's height range (width follows the space given)


def weekday_names() -> list[str]:
    return [
        QCoreApplication.translate("HeatGrid", "周一"),
        QCoreApplication.translate("HeatGrid", "周二"),
        QCoreApplication.translate("HeatGrid", "周三"),
        QCoreApplication.translate("HeatGrid", "周四"),
        QCoreApplication.translate("HeatGrid", "周五"),
        QCoreApplication.translate("HeatGrid", "周六"),
        QCoreApplication.translate("HeatGrid", "周日"),
    ]


def heat_note(total: int, untimed: int) -> str:
    """The line under a chat heat map: how many messages it counts, and how many it cannot
    place in an hour (the day only); empty when there are none."""
    notes = []
    if total:
        notes.append(
            QCoreApplication.translate("HeatGrid", "共 {count} 条成员发言").format(
                count=f"{total:,}"
            )
        )
    if untimed:
        notes.append(
            QCoreApplication.translate(
                "HeatGrid", "{count} 条只有日期（从 Windows 复制），不计入时段"
            ).format(count=f"{untimed:,}")
        )
    return " · ".join(notes)


def _mix(low: QColor, high: QColor, share: float) -> QColor:
    return QColor(
        round(low.red() + (high.red() - low.red()) * share),
        round(low.green() + (high.green() - low.green()) * share),
        round(low.blue() + (high.blue() - low.blue()) * share),
    )


class HeatGrid(QWidget):
    cell_clicked = Signal(int, int)  # weekday (0 = Monday), hour; only when `clickable`

    def __init__(self, parent: QWidget | None = None, *, clickable: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("heat_grid")
        self.clickable = clickable
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.counts: tuple[tuple[int, ...], ...] = ()
        self.empty_text = self.tr("没有数据")
        self.unit = self.tr("{count} 条")  # the tooltip's count
        self._theme = current_theme()
        theme_manager().theme_changed.connect(self._on_theme)

    def _on_theme(self, theme: Theme) -> None:
        self._theme = theme
        self.update()

    def set_counts(self, counts: Sequence[Sequence[int]]) -> None:
        """7 rows (Monday first) of 24 counts; nothing or all zero shows `empty_text`."""
        self.counts = tuple(tuple(row) for row in counts)
        self.setFixedHeight(self.heightForWidth(self.width()))
        self.updateGeometry()
        self.update()

    def is_empty(self) -> bool:
        return not any(any(row) for row in self.counts)

    # ----- geometry ----------------------------------------------------------------------

    def _label_width(self) -> int:
        metrics = QFontMetrics(self.font())
        return max(metrics.horizontalAdvance(name) for name in weekday_names()) + 8

    def _header_height(self) -> int:
        return QFontMetrics(self.font()).height() + 4

    def _cell(self) -> tuple[float, float]:
        width = (self.width() - self._label_width()) / HOURS
        height = min(CELL_MAX, max(CELL_MIN, width * 0.8))
        return width, height

    def sizeHint(self) -> QSize:
        return QSize(self._label_width() + HOURS * 22, self._header_height() + DAYS * 20)

    def minimumSizeHint(self) -> QSize:
        return QSize(self._label_width() + HOURS * 10, self._header_height() + DAYS * CELL_MIN)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        if self.is_empty():
            return QFontMetrics(self.font()).height() * 3
        cell = (width - self._label_width()) / HOURS
        return self._header_height() + round(DAYS * min(CELL_MAX, max(CELL_MIN, cell * 0.8)))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.setFixedHeight(self.heightForWidth(self.width()))

    def _cell_at(self, point: QPoint) -> tuple[int, int] | None:
        width, height = self._cell()
        x, y = point.x() - self._label_width(), point.y() - self._header_height()
        if x < 0 or y < 0:
            return None
        day, hour = int(y // height), int(x // width)
        return (day, hour) if day < DAYS and hour < HOURS else None

    def cell_center(self, day: int, hour: int) -> QPoint:
        width, height = self._cell()
        return QPoint(
            round(self._label_width() + (hour + 0.5) * width),
            round(self._header_height() + (day + 0.5) * height),
        )

    # ----- painting ----------------------------------------------------------------------

    def paintEvent(self, _event) -> None:
        theme = self._theme
        painter = QPainter(self)
        muted = QColor(theme.muted)
        if self.is_empty():  # what is missing, not 168 blank cells
            painter.setPen(muted)
            painter.drawText(
                QRectF(self.rect()),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.empty_text,
            )
            painter.end()
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        label_width, header = self._label_width(), self._header_height()
        width, height = self._cell()
        painter.setPen(muted)
        for hour in range(0, HOURS, 3):
            painter.drawText(
                QRectF(label_width + hour * width, 0, width * 3, header),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                f"{hour}",
            )
        for day, name in enumerate(weekday_names()):
            painter.drawText(
                QRectF(0, header + day * height, label_width - 6, height),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                name,
            )
        peak = max(max(row) for row in self.counts)
        low, high = QColor(theme.alternate), QColor(theme.accent)
        border = QColor(theme.border)
        for day in range(DAYS):
            for hour in range(HOURS):
                count = self.counts[day][hour]
                rect = QRectF(
                    label_width + hour * width + GAP / 2,
                    header + day * height + GAP / 2,
                    width - GAP,
                    height - GAP,
                )
                if count:
                    # Flattened a little: one busy evening does not wash every other hour out.
                    painter.setPen(Qt.PenStyle.NoPen)
                    painter.setBrush(_mix(low, high, 0.15 + 0.85 * (count / peak) ** 0.75))
                else:
                    painter.setPen(border)
                    painter.setBrush(low)
                painter.drawRoundedRect(rect, 2, 2)
        painter.end()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            cell = self._cell_at(event.pos())
            if cell is None or self.is_empty():
                QToolTip.hideText()
                event.ignore()
                return True
            QToolTip.showText(event.globalPos(), self.tooltip_for(*cell), self)
            return True
        return super().event(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.clickable:
            on_cell = not self.is_empty() and self._cell_at(event.position().toPoint())
            if on_cell:
                self.setCursor(Qt.CursorShape.PointingHandCursor)
            else:
                self.unsetCursor()
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        cell = self._cell_at(event.position().toPoint())
        left = event.button() == Qt.MouseButton.LeftButton
        if self.clickable and left and cell is not None and not self.is_empty():
            self.cell_clicked.emit(*cell)
        super().mouseReleaseEvent(event)

    def tooltip_for(self, day: int, hour: int) -> str:
        count = self.counts[day][hour] if self.counts else 0
        return self.tr("{day} {start}:00–{end}:00：{count}").format(
            day=weekday_names()[day],
            start=f"{hour:02d}",
            end=f"{(hour + 1) % 24:02d}",
            count=self.unit.format(count=count),
        )
