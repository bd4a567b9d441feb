"""Messages written in core appear in the interface's language."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWidget

from core.common.errors import UserError
from core.communities.registry import CommunityFields, validate_fields
from tests.ui.conftest import when_shown
from ui.common.errors import show_error
from ui.common.i18n import shown


def refusal(database, **fields) -> UserError:
    with database.session() as session, pytest.raises(UserError) as caught:
        validate_fields(session, CommunityFields(**{"name": "烘焙1群", **fields}))
    return caught.value


def test_a_core_refusal_is_shown_in_english(english, sqlite_database):
    error = refusal(sqlite_database, member_cap=200, scan_cap=300)
    assert error.message == "扫码进群上限不能大于群人数上限"  # the CLI's wording
    assert shown(error.message) == "The scan-in cap cannot be larger than the member cap"


def test_values_are_filled_into_the_english_template(english, sqlite_database):
    error = refusal(sqlite_database, name="群" * 200)
    assert shown(error.message) == "A community name has at most 100 characters"


def test_the_error_dialog_shows_the_english(app, english, qtbot, sqlite_database):
    seen = []
    parent = QWidget()
    qtbot.addWidget(parent)
    when_shown("user_error_dialog", lambda box: (seen.append(box.text()), box.accept()))
    show_error(parent, refusal(sqlite_database, member_cap=0))
    assert seen == ["The member cap must be a positive whole number"]


def test_chinese_interface_shows_the_chinese(app, sqlite_database):
    error = refusal(sqlite_database, member_cap=200, scan_cap=300)
    assert shown(error.message) == "扫码进群上限不能大于群人数上限"
