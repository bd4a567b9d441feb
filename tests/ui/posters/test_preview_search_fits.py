"""海报 on a laptop in English (the window opens 1280 wide on a 1366 × 768 screen): the
预览数据 search box is wide enough to read its hint ("Search members…"); squeezed beside the
sample-data list it showed "Sea…"."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from tests.core.tiers.helpers import community, member
from tests.ui.text_fits import shows_whole_hint


def test_the_preview_search_shows_its_hint_on_a_laptop(
    app, english, make_window, qtbot, sqlite_database
):
    with sqlite_database.session(write=True) as session:
        cid = community(session, "麦香烘焙会员群")
        member(session, cid, "小麦穗")
    window = make_window(sqlite_database)
    window.resize(1280, 728)
    window.tabs.setCurrentWidget(window.posters_tab)
    qtbot.waitUntil(lambda: window.findChild(QWidget, "posterDesigner") is not None, timeout=60_000)
    search = window.findChild(QLineEdit, "posterPreviewSearch")
    qtbot.waitUntil(search.isVisible, timeout=60_000)
    qtbot.wait(50)  # the layout settles
    hint = search.placeholderText()
    assert hint == "Search members…"
    assert shows_whole_hint(search)
