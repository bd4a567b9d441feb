"""积分 · 兑换发放 in English on a laptop (the window opens 1280 wide on a 1366 × 768 screen):
the redemption-code box is wide enough to read its hint, which read "Enter a redemp…"."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from tests.ui.text_fits import show_on_a_laptop, shows_whole_hint


def test_the_redemption_code_box_shows_its_hint(app, english, make_window, qtbot, sqlite_database):
    window = make_window(sqlite_database)
    code = window.ledger_tab.findChild(QLineEdit, "ledger_redemption_code")
    show_on_a_laptop(window, window.ledger_tab, code, qtbot)
    hint = code.placeholderText()
    assert hint == "Enter a redemption code to mark it used"
    assert shows_whole_hint(code)
