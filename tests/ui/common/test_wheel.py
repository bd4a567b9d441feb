"""ui/common/wheel.py: in a scrolling form the wheel scrolls the form; a spin box or combo box
under the cursor keeps its value unless the operator has clicked into it."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QComboBox, QScrollArea, QSpinBox, QVBoxLayout, QWidget

from tests.ui.wheel import turn_wheel
from ui.common.wheel import scroll_safe


@pytest.fixture
def form(app, qtbot):
    """A form taller than its scroll area: spin boxes and combo boxes, one under another."""
    body = QWidget()
    layout = QVBoxLayout(body)
    for n in range(30):
        spin = QSpinBox()
        spin.setObjectName(f"spin{n}")
        spin.setValue(50)
        combo = QComboBox()
        combo.setObjectName(f"combo{n}")
        combo.addItems(["一", "二", "三"])
        combo.setCurrentIndex(1)
        layout.addWidget(spin)
        layout.addWidget(combo)
    area = QScrollArea()
    area.setWidget(body)
    area.setWidgetResizable(True)
    area.resize(300, 200)
    scroll_safe(body)
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    return area


def test_the_wheel_over_a_spin_box_scrolls_the_form(form):
    spin = form.widget().findChild(QSpinBox, "spin1")
    bar = form.verticalScrollBar()
    assert bar.value() == 0
    turn_wheel(spin)
    assert spin.value() == 50
    assert bar.value() > 0


def test_the_wheel_over_a_combo_box_scrolls_the_form(form):
    combo = form.widget().findChild(QComboBox, "combo1")
    turn_wheel(combo)
    assert combo.currentIndex() == 1
    assert form.verticalScrollBar().value() > 0


def test_a_spin_box_the_operator_clicked_into_takes_the_wheel(form, qtbot):
    spin = form.widget().findChild(QSpinBox, "spin1")
    form.activateWindow()
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus)
    turn_wheel(spin, notches=1)
    assert spin.value() == 51
    assert form.verticalScrollBar().value() == 0


def test_a_spin_box_added_later_is_guarded_too(form, qtbot):
    late = QSpinBox()
    late.setValue(7)
    form.widget().layout().insertWidget(0, late)
    qtbot.waitUntil(late.isVisible)
    turn_wheel(late)
    assert late.value() == 7
    assert form.verticalScrollBar().value() > 0


def test_every_scrolling_form_of_the_window_is_guarded(make_window, sqlite_database, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QAbstractSpinBox, QScrollArea

    window = make_window(sqlite_database)
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
    loose, checked = [], 0
    for area in window.findChildren(QScrollArea):
        if area.widget() is None:
            continue
        editors = area.widget().findChildren(QWidget)
        for editor in editors:
            if not isinstance(editor, QAbstractSpinBox | QComboBox):
                continue
            checked += 1
            if editor.focusPolicy() != Qt.FocusPolicy.StrongFocus:
                loose.append(f"{area.objectName()} / {editor.objectName()}")
    assert checked > 20  # the member's details, the poster's properties, the QR panel…
    assert loose == []
