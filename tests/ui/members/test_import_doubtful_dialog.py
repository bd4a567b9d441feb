"""导入成员名单 asks about doubtful rows: the 有赞 export, then LinkWeChat's, where 周周, 海风 and
吴阿姨 carry the phones 有赞 gives 海风, 吴阿姨 and Lucy. The owner answers row by row, or for
all at once; answers take effect through a new preview; unanswered rows are not imported."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QTableWidget
from sqlalchemy import select

from core.members.importing import NEW, SAME, SKIP, apply_import, plan_import
from db.models import Member
from ui.members.import_dialog import PAGE_DONE, PAGE_PREVIEW, ImportDialog

SAMPLES = Path(__file__).resolve().parents[2] / "core" / "members" / "samples"
LINKWECHAT = SAMPLES / "linkwechat_客户信息表_1742265751000.xlsx"
YOUZAN = SAMPLES / "youzan_客户导出_Excel另存为GBK.csv"
SHEET = "客户信息表_1742265751000"


def import_youzan(database) -> None:
    with database.session() as session:
        apply_import(session, plan_import(session, YOUZAN))


def owners(database) -> dict[str, list[tuple[str, str | None]]]:
    """Members by unionid-less phone: phone → [(nickname, unionid)]."""
    found: dict[str, list] = {}
    with database.session() as session:
        for member in session.scalars(select(Member).order_by(Member.id)):
            found.setdefault(member.phone, []).append((member.nickname, member.unionid))
    return found


def previewed(qtbot, database) -> ImportDialog:
    dialog = ImportDialog(database)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_file(LINKWECHAT)
    dialog.findChild(QPushButton, "import_preview").click()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == PAGE_PREVIEW, timeout=60_000)
    return dialog


def answer(dialog: ImportDialog, index: int, value: str) -> None:
    combo = dialog.findChild(QComboBox, f"import_answer_{index}")
    combo.setCurrentIndex(combo.findData(value))


def new_preview(qtbot, dialog: ImportDialog, button: str) -> None:
    before = dialog.plan
    dialog.findChild(QPushButton, button).click()
    qtbot.waitUntil(lambda: dialog.plan is not before, timeout=60_000)


def test_answer_row_by_row_then_import(app, qtbot, sqlite_database):
    import_youzan(sqlite_database)
    dialog = previewed(qtbot, sqlite_database)
    table = dialog.findChild(QTableWidget, "import_doubtful")
    assert dialog.details.currentWidget() is dialog.doubtful_page  # the questions come first
    assert table.rowCount() == 3
    assert [table.item(i, 2).text() for i in range(3)] == ["周周", "海风", "吴阿姨"]
    assert [table.item(i, 3).text() for i in range(3)] == [
        "138****0015",
        "138****0016",
        "138****0017",
    ]
    assert table.item(0, 4).text().startswith("「海风」")
    assert "待确认 3（未导入）" in dialog.summary.text()
    apply = dialog.findChild(QPushButton, "import_apply")
    assert apply.text() == "导入"

    answer(dialog, 0, SAME)
    answer(dialog, 1, NEW)  # the third stays unanswered
    assert apply.text() == "按回答更新预览"  # answers need a preview before they are imported
    new_preview(qtbot, dialog, "import_apply")
    assert dialog.plan.answers() == {(SHEET, 16): SAME, (SHEET, 17): NEW}
    assert dialog.plan.counts.doubtful == 1
    assert dialog.findChild(QComboBox, "import_answer_0").currentData() == SAME  # kept
    assert dialog.findChild(QComboBox, "import_answer_2").currentData() is None
    assert apply.text() == "导入"

    with qtbot.waitSignal(dialog.data_changed, timeout=60_000):
        apply.click()
    assert dialog.pages.currentIndex() == PAGE_DONE
    assert "1 行手机号与昵称对不上，没有导入" in dialog.findChild(QLabel, "import_done").text()
    after = owners(sqlite_database)
    assert after["13800000015"] == [("周周", None)]  # answered: same person, renamed
    assert after["13800000016"] == [("吴阿姨", None)]  # answered: another person …
    assert ("海风", "oSAMPLE0015unionidXXXXXXXXXXXX") in after[None]  # … new, without phone
    assert after["13800000017"] == [("Lucy", None)]  # unanswered: untouched


def test_answer_all_at_once(app, qtbot, sqlite_database):
    import_youzan(sqlite_database)
    dialog = previewed(qtbot, sqlite_database)
    replan = dialog.findChild(QPushButton, "import_doubtful_replan")
    assert not replan.isEnabled()
    dialog.findChild(QPushButton, "import_doubtful_all_same").click()
    assert [dialog.findChild(QComboBox, f"import_answer_{i}").currentData() for i in range(3)] == [
        SAME
    ] * 3
    dialog.findChild(QPushButton, "import_doubtful_all_skip").click()
    assert replan.isEnabled()
    new_preview(qtbot, dialog, "import_doubtful_replan")
    assert set(dialog.plan.answers().values()) == {SKIP} and not dialog.plan.unanswered
    with qtbot.waitSignal(dialog.data_changed, timeout=60_000):
        dialog.findChild(QPushButton, "import_apply").click()
    after = owners(sqlite_database)
    assert [after[p][0][0] for p in ("13800000015", "13800000016", "13800000017")] == [
        "海风",
        "吴阿姨",
        "Lucy",
    ]


def test_no_doubtful_rows_no_questions(app, qtbot, sqlite_database):
    dialog = previewed(qtbot, sqlite_database)
    assert dialog.findChild(QTableWidget, "import_doubtful").rowCount() == 0
    assert not dialog.details.isTabVisible(dialog.details.indexOf(dialog.doubtful_page))
    assert dialog.details.currentIndex() == 0
