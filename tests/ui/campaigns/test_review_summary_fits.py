"""活动 · 审核 on a laptop in English (the window opens 1280 wide on a 1366 × 768 screen): the
summary beside 审核方式 ("3 held: 1 flagged, 1 overdue; 3 days to review") shows whole, inside
the page, instead of running past the window's edge."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QLabel

from tests.ui.campaigns.campaign_helpers import build_campaign
from tests.ui.text_fits import settle_layout


def test_the_review_summary_shows_whole_on_a_laptop(
    app, english, make_window, qtbot, sqlite_database
):
    built = build_campaign(sqlite_database)
    window = make_window(sqlite_database)
    window.resize(1280, 728)
    tab = window.campaigns_tab
    window.tabs.setCurrentWidget(tab)
    tab.show_campaign(built.campaign_id)
    page = tab.pages.page("campaign_review_page")
    tab.pages.setCurrentWidget(page)
    summary = page.findChild(QLabel, "campaign_review_summary")
    qtbot.waitUntil(lambda: "held" in summary.text() and summary.isVisible(), timeout=60_000)
    settle_layout()
    right_edge = summary.mapTo(page, QPoint(summary.width(), 0)).x()
    assert right_edge <= page.width()  # within the page, not past the window's edge
    if summary.wordWrap():  # every line of it
        assert summary.height() >= summary.heightForWidth(summary.width())
    else:  # its one line, uncut
        assert summary.fontMetrics().horizontalAdvance(summary.text()) <= summary.width()
