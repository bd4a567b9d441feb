"""内容日历 · 素材库 in English on a laptop (the window opens 1280 wide on a 1366 × 768 screen):
the tags box for new files shows its whole hint ("Tags for new files, comma-separated"), which
was cut to "…comma-separ…" — the part that says how to type several tags."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from tests.ui.text_fits import show_on_a_laptop, shows_whole_hint


def test_the_new_tags_box_shows_its_hint(app, english, make_window, qtbot, sqlite_database):
    window = make_window(sqlite_database)
    tags = window.calendar_tab.findChild(QLineEdit, "materials_new_tags")
    show_on_a_laptop(window, window.calendar_tab, tags, qtbot)
    assert tags.placeholderText() == "Tags for new files, comma-separated"
    assert shows_whole_hint(tags)
