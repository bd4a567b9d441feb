"""The dashboard's weekday × hour heat map: 7 rows (Monday first) × 24 hours, each cell shaded by
its count in the theme's colours; a click on a cell asks for the members active then.

(s8-chatinsights draws the chat's heat map with ui/common/heat_grid.py on its branch; once
both are in main, this can become that widget plus the click.)
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QMouseEvent, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.common.theme import current_theme, theme_manager

DAYS, HOURS = 7, 24
GAP = 2


def weekday_names() -> list[str]:
    return [
        QCoreApplication.translate("OverviewHeat", "周一"),
        QCoreApplication.translate("OverviewHeat", "周二"),
        QCoreApplication.translate("OverviewHeat", "周三"),
        QCoreApplication.translate("OverviewHeat", "周四"),
        QCoreApplication.translate("OverviewHeat", "周五"),
        QCoreApplication.translate("OverviewHeat", "周六"),
        QCoreApplication.translate("OverviewHeat", "周日"),
    ]


def _mix(low: QColor, high: QColor, share: float) -> QColor:
    def channel(a: int, b: int) -> int:
        return round(a + (b - a) * share)

    return QColor(
        channel(low.red(), high.red()),
        channel(low.green(), high.green()),
        channel(low.blue(), high.blue()),
    )


class HeatMap(QWidget):
    cell_clicked = Signal(int, int)  # weekday (0 = Monday), hour

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("overview_heat")
        self.setMouseTracking(True)
        self.setMinimumHeight(180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.counts: tuple[tuple[int, ...], ...] = ()
        # A method, not a lambda: Qt drops the connection when this widget goes.
        theme_manager().theme_changed.connect(self._on_theme)

    def _on_theme(self, _theme) -> None:
        self.update()

    def set_counts(self, counts: Sequence[Sequence[int]]) -> None:
        self.counts = tuple(tuple(row) for row in counts)
        self.update()

    def is_empty(self) -> bool:
        return not any(any(row) for row in self.counts)

    def sizeHint(self) -> QSize:
        return QSize(self._label_width() + HOURS * 18, self._header() + DAYS * 22)

    def _label_width(self) -> int:
        metrics = QFontMetrics(self.font())
        return max(metrics.horizontalAdvance(name) for name in weekday_names()) + 10

    def _header(self) -> int:
        return QFontMetrics(self.font()).height() + 4

    def _cell(self) -> tuple[float, float]:
        width = (self.width() - self._label_width()) / HOURS
        height = min(28.0, (self.height() - self._header()) / DAYS)
        return width, height

    def cell_at(self, point: QPoint) -> tuple[int, int] | None:
        width, height = self._cell()
        x, y = point.x() - self._label_width(), point.y() - self._header()
        if x < 0 or y < 0 or width <= 0 or height <= 0:
            return None
        day, hour = int(y // height), int(x // width)
        return (day, hour) if day < DAYS and hour < HOURS else None

    def cell_center(self, day: int, hour: int) -> QPoint:
        width, height = self._cell()
        return QPoint(
            round(self._label_width() + (hour + 0.5) * width),
            round(self._header() + (day + 0.5) * height),
        )

    def paintEvent(self, _event) -> None:
        theme = current_theme()
        painter = QPainter(self)
        muted = QColor(theme.muted)
        painter.setPen(muted)
        if self.is_empty():
            painter.drawText(
                QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, self.tr("这段时间没有行为记录")
            )
            painter.end()
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        label_width, header = self._label_width(), self._header()
        width, height = self._cell()
        for hour in range(0, HOURS, 3):
            painter.drawText(
                QRectF(label_width + hour * width, 0, width * 3, header),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                str(hour),
            )
        for day, name in enumerate(weekday_names()):
            painter.drawText(
                QRectF(0, header + day * height, label_width - 6, height),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                name,
            )
        peak = max(max(row) for row in self.counts)
        low, high = QColor(theme.alternate), QColor(theme.accent)
        painter.setPen(Qt.PenStyle.NoPen)
        for day in range(DAYS):
            for hour in range(HOURS):
                count = self.counts[day][hour]
                share = 0.0 if not count else 0.15 + 0.85 * (count / peak) ** 0.75
                painter.setBrush(_mix(low, high, share) if count else QColor(theme.border))
                painter.drawRoundedRect(
                    QRectF(
                        label_width + hour * width + GAP / 2,
                        header + day * height + GAP / 2,
                        width - GAP,
                        height - GAP,
                    ),
                    2,
                    2,
                )
        painter.end()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        cell = self.cell_at(event.position().toPoint())
        if cell is None or self.is_empty():
            self.setToolTip("")
            self.unsetCursor()
            return
        day, hour = cell
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(
            self.tr("{day} {start}:00–{end}:00：{count} 条行为记录（点击查看成员）").format(
                day=weekday_names()[day],
                start=f"{hour:02d}",
                end=f"{(hour + 1) % 24:02d}",
                count=f"{self.counts[day][hour]:,}",
            )
        )

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        cell = self.cell_at(event.position().toPoint())
        if event.button() == Qt.MouseButton.LeftButton and cell and not self.is_empty():
            self.cell_clicked.emit(*cell)
        super().mouseReleaseEvent(event)
