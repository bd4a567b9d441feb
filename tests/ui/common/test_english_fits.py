"""Columns and boxes wide enough for their English: a header, a gender or a rule type that is
longer in English than in Chinese widens its column instead of showing "Fem…"."""

from __future__ import annotations

from ui.members.model import COLUMNS
from ui.tiers.ladder_dialog import ALL_TIME_TAB, LadderDialog


def test_members_columns_fit_their_english(english, make_window, sqlite_database):
    window = make_window(sqlite_database)
    table = window.members_tab.table
    header = table.horizontalHeader()
    for column in range(header.count() - 1):  # the last one stretches
        assert header.sectionSize(column) >= header.sectionSizeHint(column), COLUMNS[column][0]
    gender = [key for key, *_ in COLUMNS].index("gender")
    assert header.sectionSize(gender) > table.fontMetrics().horizontalAdvance("Female") + 8


def test_the_level_rules_headers_fit_their_english(app, english, qtbot, sqlite_database):
    dialog = LadderDialog(sqlite_database, None)
    qtbot.addWidget(dialog)
    table = dialog.table
    header = table.horizontalHeader()

    def cut() -> list[str]:
        return [
            table.horizontalHeaderItem(column).text()
            for column in range(1, header.count())  # the name column stretches
            if not table.isColumnHidden(column)
            and header.sectionSize(column) < header.sectionSizeHint(column)
        ]

    assert cut() == []
    dialog.mode_tabs.setCurrentIndex(ALL_TIME_TAB)
    assert cut() == []
