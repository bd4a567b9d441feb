"""The mouse wheel over the property panel scrolls the panel: the number or choice under the
cursor stays as it is until the operator clicks into it."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDoubleSpinBox

from tests.ui.posters.conftest import select
from tests.ui.wheel import turn_wheel


def test_the_wheel_over_a_number_or_a_choice_scrolls_the_property_panel(designer, qtbot):
    select(designer, "标题")  # a text layer: a panel taller than the window
    panel = designer.properties
    bar = panel.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    steps = designer.undo_stack.count()

    x = designer.findChild(QDoubleSpinBox, "posterX")
    before = x.value()
    turn_wheel(x)
    assert x.value() == before
    assert bar.value() > 0

    combo = next(c for c in panel.widget().findChildren(QComboBox) if c.isVisible())
    scrolled, chosen = bar.value(), combo.currentIndex()
    turn_wheel(combo)
    assert combo.currentIndex() == chosen
    assert bar.value() > scrolled
    assert designer.undo_stack.count() == steps  # nothing was edited


def test_a_number_the_operator_clicked_into_still_takes_the_wheel(designer, qtbot):
    select(designer, "标题")
    x = designer.findChild(QDoubleSpinBox, "posterX")
    designer.activateWindow()
    x.setFocus()
    qtbot.waitUntil(x.hasFocus)
    before = x.value()
    turn_wheel(x, notches=1)
    assert x.value() == before + 1
