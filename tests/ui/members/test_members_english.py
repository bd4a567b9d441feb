"""The members area in the English interface: what core says about an import, a merge or an
edit reaches the window in English (the CLI and the saved problem list keep the Chinese)."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtWidgets import QComboBox, QLabel, QListWidget, QPushButton, QTableView

from core.common.errors import UserError
from core.members.editing import refresh_search_keys, update_member
from core.members.importing import write_error_report
from core.members.merging.suggestions import merge_suggestions
from core.workflows.merging import merge_members
from db.models import Community, Member, Membership
from tests.ui.conftest import when_shown
from ui.common.i18n import shown
from ui.members.import_dialog import PAGE_PREVIEW, ImportDialog
from ui.members.merge_dialog import MergeDialog

T0 = datetime(2025, 3, 1, 9, 30)


def add_member(database, nickname: str, **fields) -> int:
    with database.session() as session:
        member = Member(nickname=nickname, created_at=T0, updated_at=T0, **fields)
        session.add(member)
        session.flush()
        refresh_search_keys(session, member)
        return member.id


def cells(view: QTableView, column: int) -> list[str]:
    model = view.model()
    return [model.index(row, column).data() for row in range(model.rowCount())]


def preview(qtbot, database, path) -> ImportDialog:
    dialog = ImportDialog(database)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_file(path)
    dialog.findChild(QPushButton, "import_preview").click()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == PAGE_PREVIEW, timeout=60_000)
    return dialog


@pytest.fixture
def member_list(tmp_path):
    path = tmp_path / "客户名单.csv"
    path.write_text(
        "昵称,手机号,性别\n"
        "阿花,13800000001,\n"  # an existing member, renamed in this file
        "大麦,12345,男\n"  # a phone number with 5 digits: the row is rejected
        "海风,13800000003,外星人\n",  # a gender nobody can read: only that value is skipped
        encoding="utf-8",
    )
    return path


def test_the_import_preview_speaks_english(app, english, qtbot, sqlite_database, member_list):
    add_member(sqlite_database, "阿花旧名", phone="13800000001")
    dialog = preview(qtbot, sqlite_database, member_list)

    rows = dialog.findChild(QTableView, "import_rows")
    assert cells(rows, 2) == ["To confirm (not imported)", "Rejected", "New"]
    notes = cells(rows, 5)
    question = (
        "Phone 13800000001 belongs to the member “阿花旧名”, but this row’s nickname is “阿花”: "
        "is it the same person? Not answered: this row was not imported"
    )
    assert notes[0] == question
    assert notes[1] == "Phone: A mobile number has 11 digits, this one has 5: 12345"
    tab = dialog.details.indexOf(dialog.doubtful_page)
    assert dialog.details.tabText(tab) == "To confirm (1)"
    answer = dialog.findChild(QComboBox, "import_answer_0")
    assert [answer.itemText(i) for i in range(answer.count())] == [
        "Choose (unanswered: not imported)",
        "Same person: update this member",
        "Another person: new member, without the phone",
        "Skip this row",
    ]

    issues = dialog.findChild(QTableView, "import_issues")
    reasons = dict(zip(cells(issues, 3), cells(issues, 4), strict=True))
    assert reasons == {
        "13800000001": question,
        "12345": "A mobile number has 11 digits, this one has 5: 12345",
        "外星人": "Unreadable gender: 外星人; the value was ignored",
    }
    assert set(cells(issues, 2)) == {"Phone", "Gender"}

    status_filter = dialog.findChild(QComboBox, "import_status_filter")
    labels = [status_filter.itemText(i) for i in range(status_filter.count())]
    assert "Same person as another row" in labels and "Rejected" in labels

    mapping = dialog.mapping_table
    phone_row = next(
        r for r in range(mapping.rowCount()) if mapping.cellWidget(r, 1).text() == "手机号"
    )
    assert mapping.cellWidget(phone_row, 2).currentText() == "Phone"

    # The saved problem list is an export: it keeps the Chinese wording.
    with sqlite_database.session() as session:
        report = write_error_report(session, dialog.plan, member_list.with_name("问题清单.xlsx"))
    from openpyxl import load_workbook

    saved = [row[4] for row in load_workbook(report).active.iter_rows(min_row=2, values_only=True)]
    assert "看不懂的性别：外星人，已忽略该值" in saved


def test_merge_evidence_and_history_are_english(app, english, qtbot, sqlite_database):
    add_member(sqlite_database, "张小凡", phone="13800000016")
    add_member(sqlite_database, "小凡", phone="13800000016")
    seen = {}

    def act(dialog: MergeDialog) -> None:
        try:
            pairs = dialog.findChild(QListWidget, "merge_suggestions")
            qtbot.waitUntil(lambda: not dialog.busy() and pairs.count() > 0, timeout=60_000)
            seen["evidence"] = dialog.findChild(QLabel, "merge_evidence").text()
            seen["item"] = pairs.item(0).text()
            with qtbot.waitSignal(dialog.data_changed, timeout=60_000):
                dialog.findChild(QPushButton, "merge_do").click()
            history = dialog.history_table
            qtbot.waitUntil(lambda: history.rowCount() == 1, timeout=60_000)
            seen["summary"] = history.item(0, 3).text()
        finally:
            dialog.accept()

    when_shown("merge_dialog", act)
    dialog = MergeDialog(sqlite_database)
    qtbot.addWidget(dialog)
    dialog.exec()
    assert seen["evidence"] == "Phone: identical"
    assert seen["item"].endswith("Phone: identical")
    assert seen["summary"] == "No other records"


def test_merge_and_edit_refusals_are_english(app, english, sqlite_database):
    staff = add_member(sqlite_database, "店长", is_team=True)
    customer = add_member(sqlite_database, "店长")
    with sqlite_database.session() as session, pytest.raises(UserError) as merge:
        merge_members(session, staff, customer)
    assert merge.value.message == "团队成员只能与团队成员合并：请先把两人的「团队成员」设成一致"
    assert shown(merge.value.message) == (
        "Team members can only be merged with team members: "
        "first set “Team member” the same for both"
    )
    with sqlite_database.session() as session, pytest.raises(UserError) as edit:
        update_member(session, customer, {"phone": "8.6138E+12"})
    assert shown(edit.value.message).startswith(
        "The number 8.6138E+12 is in Excel's scientific notation"
    )


def test_name_evidence_reads_as_one_english_sentence(app, english, sqlite_database):
    with sqlite_database.session() as session:
        bakery = Community(name="麦香烘焙福利1群")
        session.add(bakery)
        session.flush()
        bakery_id = bakery.id
    for nickname in ("张小凡", "张小凡🌸"):
        member_id = add_member(sqlite_database, nickname)
        with sqlite_database.session() as session:
            session.add(Membership(member_id=member_id, community_id=bakery_id, joined_at=T0))
    with sqlite_database.session() as session:
        (suggestion,) = merge_suggestions(session)
    assert suggestion.evidence == "昵称相似 95%（张小凡 / 张小凡🌸），同在 麦香烘焙福利1群"
    assert shown(suggestion.evidence) == (
        "Nickname: 95% similar (张小凡 / 张小凡🌸), both in 麦香烘焙福利1群"
    )


def test_notes_about_the_file_are_english(app, english, qtbot, sqlite_database, tmp_path):
    path = tmp_path / "两列手机号.csv"
    path.write_text(
        "昵称,手机号,手机号\n阿花,13800000001,13800000002\n昵称,手机号,手机号\n大麦,13800000003,\n",
        encoding="utf-8",
    )
    dialog = preview(qtbot, sqlite_database, path)
    notes = dialog.findChild(QLabel, "import_notes").text().splitlines()
    assert notes == [
        "The header “手机号” appears 2 times (columns B, C): column B is imported as “Phone”, "
        "the others are kept as custom fields",
        "Skipped repeated header rows: 3",
    ]
