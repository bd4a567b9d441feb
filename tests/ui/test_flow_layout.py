"""The wrapping row used for toolbars: narrow means more lines, never clipped buttons."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from ui.common.flow_layout import flow_row


def make_row(qtbot, count: int = 6):
    buttons = [QPushButton(f"按钮 {n} 的文字") for n in range(count)]
    row = flow_row(*buttons)
    qtbot.addWidget(row)
    row.show()
    return row, buttons


def lines(buttons) -> int:
    return len({button.geometry().top() for button in buttons})


def test_a_wide_row_is_one_line_in_order(app, qtbot):
    row, buttons = make_row(qtbot)
    width = sum(b.sizeHint().width() for b in buttons) + 6 * len(buttons)
    row.resize(width, row.layout().heightForWidth(width))
    qtbot.waitUntil(lambda: lines(buttons) == 1)
    lefts = [b.geometry().left() for b in buttons]
    assert lefts == sorted(lefts)


def test_a_narrow_row_wraps_and_every_button_stays_whole_and_inside(app, qtbot):
    row, buttons = make_row(qtbot)
    widest = max(b.sizeHint().width() for b in buttons)
    width = widest * 2 + 6
    height = row.layout().heightForWidth(width)
    assert height > row.layout().heightForWidth(10_000)
    row.resize(width, height)
    qtbot.waitUntil(lambda: lines(buttons) == 3)
    for button in buttons:
        assert button.width() == button.sizeHint().width()
        assert button.geometry().right() < width
        assert button.geometry().bottom() < height


def test_the_row_asks_only_for_its_widest_item(app, qtbot):
    row, buttons = make_row(qtbot)
    assert row.minimumSizeHint().width() == max(b.minimumSizeHint().width() for b in buttons)


def test_a_right_aligned_row_ends_each_line_at_the_right_edge(app, qtbot):
    from PySide6.QtCore import Qt

    row, buttons = make_row(qtbot)
    row.layout().setAlignment(Qt.AlignmentFlag.AlignRight)
    widest = max(b.sizeHint().width() for b in buttons)
    width = widest * 2 + 40
    row.resize(width, row.layout().heightForWidth(width))
    qtbot.waitUntil(lambda: lines(buttons) == 3)
    for top in {button.geometry().top() for button in buttons}:
        line = [b for b in buttons if b.geometry().top() == top]
        assert max(b.geometry().right() for b in line) == width - 1
    lefts = [b.geometry().left() for b in buttons[:2]]
    assert lefts == sorted(lefts)
