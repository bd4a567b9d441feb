"""The fill of a background or shape: a solid colour, a linear gradient, or (shapes) none.

A gradient is edited as its colour stops (colour and position, two or more) and its angle,
CSS-style (0° bottom to top, 90° left to right, 180° top to bottom); every finished edit
reports the whole new fill, a `Gradient` value, through `changed`.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QLinearGradient, QPainter
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.common.errors import UserError
from core.posters.template import Fill, Gradient, parse_color
from ui.common.quiet import Quiet
from ui.common.widgets import choice, select_data
from ui.posters.fields import ColorField, spin

MAX_STOPS = 6


class _StopRow(QWidget):
    """One colour stop: colour, position (0–100 %) and a remove button."""

    def __init__(self, index: int) -> None:
        super().__init__()
        self.color = ColorField(f"posterGradientStop{index}")
        self.position = spin(f"posterGradientStopPos{index}", 0, 100, 0, " %")
        self.position.setToolTip(self.tr("色标位置：0% 为起点，100% 为终点"))
        self.remove = QToolButton()
        self.remove.setObjectName(f"posterGradientStopRemove{index}")
        self.remove.setText("×")
        self.remove.setToolTip(self.tr("删除这个色标"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.color, 1)
        layout.addWidget(self.position)
        layout.addWidget(self.remove)


class GradientPreview(QWidget):
    """The gradient painted as the renderer draws it (CSS angles in real pixels)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.gradient: Gradient | None = None
        self.setFixedHeight(22)

    def set_gradient(self, gradient: Gradient) -> None:
        self.gradient = gradient
        self.update()

    def paintEvent(self, _event) -> None:
        if self.gradient is None:
            return
        width, height = self.width(), self.height()
        radians = math.radians(self.gradient.angle)
        dx, dy = math.sin(radians), -math.cos(radians)
        half = (abs(width * dx) + abs(height * dy)) / 2  # stop 0 and 1 touch the corners
        cx, cy = width / 2, height / 2
        shade = QLinearGradient(cx - dx * half, cy - dy * half, cx + dx * half, cy + dy * half)
        for position, color in self.gradient.stops:
            try:
                shade.setColorAt(position, QColor(*parse_color(color)))
            except UserError:
                return
        painter = QPainter(self)
        painter.fillRect(self.rect(), shade)
        painter.setPen(QColor("#9ca3af"))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        painter.end()


class FillEditor(QWidget):
    """Solid / gradient (/ none) switch with the fields of the chosen kind."""

    changed = Signal(object)  # the new fill: "#rrggbb", a Gradient, or None (no fill)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fill: Fill | None = "#ffffff"
        self._loading = Quiet()
        self.mode = choice(
            "posterFillMode",
            [
                (self.tr("纯色"), "solid"),
                (self.tr("渐变"), "gradient"),
                (self.tr("无填充"), "none"),
            ],
        )
        self.solid = ColorField("posterFill")
        self.preview = GradientPreview()
        self.preview.setObjectName("posterGradientPreview")
        self.angle = spin("posterGradientAngle", 0, 360, 0, "°")
        self.angle.setWrapping(True)
        self.angle.setToolTip(self.tr("0° 从下到上，90° 从左到右，180° 从上到下"))
        self.add_stop = QPushButton(self.tr("添加色标"))
        self.add_stop.setObjectName("posterGradientAddStop")
        self._rows: list[_StopRow] = []
        self._stops_box = QVBoxLayout()
        self._stops_box.setContentsMargins(0, 0, 0, 0)
        self._stops_box.setSpacing(4)

        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.addRow(self.tr("类型"), self.mode)
        self.form.addRow(self.tr("颜色"), self.solid)
        self.form.addRow(self.tr("效果"), self.preview)
        self.form.addRow(self.tr("角度"), self.angle)
        stops = QWidget()
        stops.setObjectName("posterGradientStops")
        column = QVBoxLayout(stops)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self._stops_box)
        column.addWidget(self.add_stop)
        self.form.addRow(self.tr("色标"), stops)
        self._stops_widget = stops

        self.mode.currentIndexChanged.connect(lambda _i: self._mode_changed())
        self.solid.changed.connect(self._report)
        self.angle.valueChanged.connect(lambda _v: self._gradient_edited())
        self.add_stop.clicked.connect(self._add_stop)

    # ------------------------------------------------------------------ showing

    def set_fill(self, fill: Fill | None, *, allow_none: bool) -> None:
        """Show `fill` without reporting it; `allow_none` offers 无填充 (shapes only)."""
        with self._loading:
            self._fill = fill
            none_index = self.mode.findData("none")
            self.mode.model().item(none_index).setEnabled(allow_none)
            view = self.mode.view()
            view.setRowHidden(none_index, not allow_none)
            gradient = isinstance(fill, Gradient)
            select_data(self.mode, "gradient" if gradient else "solid" if fill else "none")
            if gradient:
                self.angle.setValue(fill.angle)
                self._show_stops(fill.stops)
                self.preview.set_gradient(fill)
            else:
                self.solid.set_value(fill or "")
            self._layout_for(self.mode.currentData())

    def _show_stops(self, stops: tuple[tuple[float, str], ...]) -> None:
        # Rows are reused, never deleted: an edit of a row's field is still being handled
        # (its signal is on the stack) when the panel shows the edited layer again.
        while len(self._rows) < len(stops):
            row = _StopRow(len(self._rows))
            index = len(self._rows)
            row.color.changed.connect(lambda _c: self._gradient_edited())
            row.position.valueChanged.connect(lambda _v: self._gradient_edited())
            row.remove.clicked.connect(lambda _checked=False, i=index: self._remove_stop(i))
            self._stops_box.addWidget(row)
            self._rows.append(row)
        for index, row in enumerate(self._rows):
            shown = index < len(stops)
            row.setVisible(shown)
            if shown:
                position, color = stops[index]
                row.color.set_value(color)
                row.position.setValue(round(position * 100))
                row.remove.setEnabled(len(stops) > 2)
        self.add_stop.setEnabled(len(stops) < MAX_STOPS)

    def _layout_for(self, mode: str) -> None:
        gradient = mode == "gradient"
        self.form.setRowVisible(self.solid, mode == "solid")
        for widget in (self.preview, self.angle, self._stops_widget):
            self.form.setRowVisible(widget, gradient)

    # ------------------------------------------------------------------ editing

    def _report(self, fill: Fill | None) -> None:
        if not self._loading:
            self.changed.emit(fill)

    def _mode_changed(self) -> None:
        if self._loading:
            return
        mode = self.mode.currentData()
        current = self._fill
        first = current.stops[0][1] if isinstance(current, Gradient) else current or "#ffffff"
        if mode == "solid":
            self._report(first)
        elif mode == "gradient":
            self._report(Gradient(((0.0, first), (1.0, _partner(first))), 180.0))
        else:
            self._report(None)

    def _shown_stops(self) -> list[tuple[float, str]]:
        count = len(self._fill.stops) if isinstance(self._fill, Gradient) else 0
        return [
            (row.position.value() / 100, row.color.value() or "#ffffff")
            for row in self._rows[:count]
        ]

    def _gradient_edited(self) -> None:
        if self._loading or not isinstance(self._fill, Gradient):
            return
        stops = sorted(self._shown_stops(), key=lambda stop: stop[0])
        self._report(Gradient(tuple(stops), float(self.angle.value())))

    def _add_stop(self) -> None:
        """A new stop halfway between the two stops with the widest gap, in their mix."""
        if not isinstance(self._fill, Gradient) or len(self._fill.stops) >= MAX_STOPS:
            return
        stops = list(self._fill.stops)
        gap = max(range(len(stops) - 1), key=lambda i: stops[i + 1][0] - stops[i][0])
        (p0, c0), (p1, c1) = stops[gap], stops[gap + 1]
        stops.insert(gap + 1, (round((p0 + p1) / 2, 2), _mix(c0, c1)))
        self._report(Gradient(tuple(stops), self._fill.angle))

    def _remove_stop(self, index: int) -> None:
        if not isinstance(self._fill, Gradient) or len(self._fill.stops) <= 2:
            return
        stops = [s for i, s in enumerate(self._fill.stops) if i != index]
        self._report(Gradient(tuple(stops), self._fill.angle))


def _partner(color: str) -> str:
    """A second colour for a new gradient: the first, clearly lighter (darker if light)."""
    base = QColor(color[:7])
    other = base.darker(135) if base.lightnessF() > 0.7 else base.lighter(160)
    if other == base:  # black does not get lighter by a factor
        other = QColor("#666666")
    return other.name()


def _mix(a: str, b: str) -> str:
    first, second = QColor(a[:7]), QColor(b[:7])
    return QColor(
        (first.red() + second.red()) // 2,
        (first.green() + second.green()) // 2,
        (first.blue() + second.blue()) // 2,
    ).name()
