"""The 分层 screens in English: core's refusals, row reasons, the why-panel and the structure
warnings reach the window translated, from real actions on a real SQLite database."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import openpyxl
import pytest
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QTableWidget

from core.common.errors import UserError
from core.common.settings_store import set_setting
from core.tiers.ladder import SHARED_KEY, save_ladder
from db.models import Member
from tests.core.tiers.helpers import community, events, member
from tests.ui.conftest import when_shown
from ui.activity.activity_import_dialog import ActivityImportDialog
from ui.activity.paste_dialog import PasteDialog
from ui.common.i18n import shown
from ui.tiers.ladder_dialog import LadderDialog
from ui.tiers.level_panel import LevelPanel
from ui.tiers.tab import TiersTab

DAY = date.today() - timedelta(days=2)


def test_import_preview_gives_each_refused_row_its_reason_in_english(
    app, english, qtbot, group, tmp_path
):
    database, cid, ids = group
    book = openpyxl.Workbook()
    for row in (
        ["昵称", "行为", "日期", "次数"],
        ["张小凡", "打卡", DAY, 1],
        ["谁", "签到", DAY, 1],
        ["阿杰", "签到", DAY, 1],
        ["张小凡", "唱歌", DAY, "很多"],
    ):
        book.active.append(row)
    path = tmp_path / "行为记录.xlsx"
    book.save(path)

    dialog = ActivityImportDialog(database, cid)
    qtbot.addWidget(dialog)
    dialog.set_file(path)
    dialog.findChild(QPushButton, "activityImportPreview").click()
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=60_000)

    table = dialog.findChild(QTableWidget, "activityImportErrors")
    reasons = {table.item(r, 1).text(): table.item(r, 3).text() for r in range(table.rowCount())}
    with database.session() as session:
        added = [f"{session.get(Member, i).created_at:%Y-%m-%d}" for i in ids["阿杰"]]
    assert reasons == {
        "3": "Member not found: “谁” (in “晨跑群”)",
        # The namesakes told apart as far as anything tells them (here: the day they were added).
        "4": f"2 members of “晨跑群” could be “阿杰”: 阿杰 · added {added[0]} (#{ids['阿杰'][0]}), "
        f"阿杰 · added {added[1]} (#{ids['阿杰'][1]}); cannot tell which one",
        # Two problems of one row, joined the English way.
        "5": "Unknown activity type “唱歌”; The count must be a whole number: 很多",
    }
    # The CLI and the report keep the Chinese.
    assert dialog.plan.rejected[0].reason == "找不到成员：「谁」（在「晨跑群」里）"


def test_a_file_without_a_header_is_refused_in_english(app, english, qtbot, group, tmp_path):
    database, cid, _ids = group
    path = tmp_path / "名单.csv"
    path.write_text("昵称,备注\n张小凡,老会员\n", encoding="utf-8")
    seen = []
    when_shown("user_error_dialog", lambda box: (seen.append(box.text()), box.accept()))
    dialog = ActivityImportDialog(database, cid)
    qtbot.addWidget(dialog)
    dialog.set_file(path)
    dialog.findChild(QPushButton, "activityImportPreview").click()
    qtbot.waitUntil(lambda: bool(seen), timeout=60_000)
    assert seen[0].startswith("No activity header found in “名单.csv”: one of the first ")
    assert "a member column (member number, WeChat ID, phone or nickname)" in seen[0]
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in seen[0].replace("名单", ""))


def test_an_empty_paste_is_refused_in_english(app, english, qtbot, group):
    database, cid, _ids = group
    dialog = PasteDialog(database, cid)
    qtbot.addWidget(dialog)
    dialog.text.setPlainText("#接龙\n\n")
    seen = []
    when_shown("user_error_dialog", lambda box: (seen.append(box.text()), box.accept()))
    dialog.findChild(QPushButton, "pasteParse").click()
    qtbot.waitUntil(lambda: bool(seen), timeout=60_000)
    assert seen[0] == (
        "No sign-up list found: this text has no names signing up. In WeChat, long-press the "
        "whole chain sign-up (接龙) message → Copy, then paste it here; the list lines look "
        "like “1. 张三 已打卡”."
    )


def test_a_ladder_refusal_is_english_and_names_the_level(app, english, sqlite_database):
    raw = {
        "levels": [
            {"key": "new", "name": "新人"},
            {"key": "core", "name": "核心成员", "window": {"active_days": "三"}},
        ]
    }
    with sqlite_database.session() as session, pytest.raises(UserError) as caught:
        save_ladder(session, raw)
    assert caught.value.message == "等级「核心成员」的「活跃天数」必须是整数"
    assert shown(caught.value.message) == (
        "The “Active days” threshold of level “核心成员” must be a whole number"
    )


def test_the_ladder_dialog_explains_an_unreadable_stored_ladder_in_english(
    app, english, qtbot, sqlite_database
):
    with sqlite_database.session() as session:
        set_setting(session, SHARED_KEY, {"levels": [{"key": "only", "name": "唯一"}]})
    dialog = LadderDialog(sqlite_database, None)
    qtbot.addWidget(dialog)
    problem = dialog.findChild(QLabel, "ladderLoadProblem").text()
    assert "There must be between 2 and 12 levels" in problem


def test_the_why_panel_speaks_english(app, english, qtbot, group):
    database, _cid, ids = group
    panel = LevelPanel(database)
    qtbot.addWidget(panel)
    panel.show_member(ids["张小凡"][0])
    qtbot.waitUntil(lambda: len(panel.cards) == 1, timeout=60_000)
    card = panel.cards[0]
    # A group of three is in cold start: the rule would move the newcomer one level up.
    assert card.findChild(QLabel, "levelStatus").text() == (
        "Cold start: newcomers start one level up"
    )
    # The shipped level names in English, and no plural to get wrong for one day.
    assert card.findChild(QLabel, "levelHint").text() == "To reach Participant: active days +3"
    assert "To reach “Participant”" in card.findChild(QLabel, "levelCriteria").text()
    assert "Active days" in card.findChild(QLabel, "levelCriteria").text()
    assert card.findChild(QLabel, "levelTitle").text() == "<b>晨跑群</b> · Newcomer"
    combo = card.findChild(QComboBox, "levelCombo")
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Newcomer",
        "Participant",
        "Active member",
        "Core member",
        "KOC/KOL",
    ]


def test_structure_warnings_and_role_evidence_in_english(app, english, qtbot, sqlite_database):
    with sqlite_database.session() as session:
        cid = community(session, "晨跑群")
        people = [member(session, cid, f"跑友{n}") for n in range(24)]
        events(session, people[1], cid, "answer", range(1, 6), now=datetime.now())
        session.commit()
    tab = TiersTab(sqlite_database)
    qtbot.addWidget(tab)
    qtbot.waitUntil(lambda: tab.community.count() == 2 and not tab.tasks.busy(), timeout=60_000)
    choose = tab.findChild(QComboBox, "tiersCommunity")
    choose.setCurrentIndex(choose.findData(cid))
    qtbot.waitUntil(
        lambda: not tab.tasks.busy() and tab.suggestion_table.rowCount() == 1, timeout=60_000
    )
    warnings = tab.findChild(QLabel, "tiersWarnings").text().splitlines()
    assert "⚠ No managers: nobody keeps the rules and order" in warnings
    assert "⚠ No connectors: nobody brings new friends in" in warnings
    evidence = tab.findChild(QTableWidget, "tiersSuggestions").item(0, 3).text()
    assert evidence.endswith(" ×5 (last 100 days)")
