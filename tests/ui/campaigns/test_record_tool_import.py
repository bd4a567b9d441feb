"""GUI: 导入裂变工具明细 — LinkWeChat's 群裂变明细 sample previews (matched, unmatched,
ambiguous, the figures it cannot give) without writing, imports in one go, and importing it
again adds nothing; a .xlsx that is really text is refused in one line and writes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QListWidget, QPushButton
from sqlalchemy import func, select

from core.campaigns.records import CampaignFields, create_campaign
from core.members.editing import add_members_to_community, create_member
from db.models import Community
from db.referral_models import CampaignToolTotal
from tests.ui.campaigns.campaign_helpers import Host
from tests.ui.conftest import when_shown
from ui.campaigns.tool_import_dialog import import_tool_export
from ui.common.changes import Change

SAMPLE = Path(__file__).parents[2] / "core" / "campaigns" / "samples" / "linkwechat_群裂变明细.xlsx"


@pytest.fixture
def opened(app, qtbot, sqlite_database, tmp_path):
    with sqlite_database.session(write=True) as session:
        group = Community(name="样例烘焙福利1群", platform="wecom")
        session.add(group)
        session.flush()
        for nickname in ("小王", "Amy李", "陈姐", "阿杰", "阿杰"):
            add_members_to_community(session, [create_member(session, nickname)], group.id)
        campaign = create_campaign(session, CampaignFields("烘焙群裂变", community_ids=[group.id]))
        campaign_id = campaign.id
    host = Host(sqlite_database)
    qtbot.addWidget(host)
    host.show()
    dialog = import_tool_export(host, campaign_id)
    qtbot.waitUntil(dialog.isVisible, timeout=60_000)
    path = tmp_path / SAMPLE.name
    shutil.copy(SAMPLE, path)
    return dialog, host, path


def totals(database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(CampaignToolTotal))


def names(dialog, object_name) -> list[str]:
    box = dialog.findChild(QListWidget, object_name)
    return [box.item(row).text() for row in range(box.count())]


def test_the_sample_previews_imports_and_twice_adds_nothing(opened, qtbot):
    dialog, host, path = opened
    database = host.database
    ok = dialog.findChild(QPushButton, "campaign_tool_import_ok")
    assert not ok.isEnabled()
    dialog.set_path(path)
    qtbot.waitUntil(lambda: dialog.previewed is not None and not host.busy(), timeout=60_000)
    summary = dialog.findChild(QLabel, "campaign_tool_import_summary").text()
    assert "LinkWeChat 群裂变明细：20 行" in summary and "导入将新增 20" in summary
    assert totals(database) == 0 and host.announced == []  # the preview wrote nothing
    assert "阿杰" in names(dialog, "campaign_tool_import_ambiguous")
    assert names(dialog, "campaign_tool_import_unmatched")  # the sample's strangers
    missing = dialog.findChild(QLabel, "campaign_tool_import_missing")
    assert missing.isVisible() and "裂变层级（第几波）" in missing.text()

    ok.click()
    qtbot.waitUntil(lambda: dialog.imported is not None and not host.busy(), timeout=60_000)
    assert totals(database) == 20 and host.announced == [{Change.CAMPAIGNS}]
    assert "新增 20" in dialog.findChild(QLabel, "campaign_tool_import_summary").text()
    assert not ok.isEnabled()

    dialog.set_path(path)  # the same export again
    qtbot.waitUntil(lambda: dialog.previewed is not None and not host.busy(), timeout=60_000)
    ok.click()
    qtbot.waitUntil(lambda: dialog.imported is not None and not host.busy(), timeout=60_000)
    imported = dialog.imported
    assert (imported.added, imported.updated, imported.unchanged) == (0, 0, 20)
    assert totals(database) == 20


def test_a_broken_file_is_refused_in_one_line_and_writes_nothing(opened, qtbot, tmp_path):
    dialog, host, _path = opened
    fake = tmp_path / "群裂变明细.xlsx"
    fake.write_text("客户名称,裂变状态\n小王,1\n", encoding="utf-8")
    dialog.set_path(fake)
    message = dialog.findChild(QLabel, "campaign_tool_import_message")
    qtbot.waitUntil(lambda: message.isVisible() and not host.busy(), timeout=60_000)
    assert message.text() and "\n" not in message.text()
    assert "群裂变明细.xlsx" in message.text()
    assert not dialog.findChild(QPushButton, "campaign_tool_import_ok").isEnabled()
    assert totals(host.database) == 0 and host.announced == []


def test_the_file_dialog_opens_in_the_folder_of_the_last_import(opened, qtbot, settings):
    dialog, host, path = opened
    dialog.set_path(path)  # chosen (by the dialog or dropped): its folder is remembered
    qtbot.waitUntil(lambda: dialog.previewed is not None and not host.busy(), timeout=60_000)
    seen = []

    def look(file_dialog) -> None:
        seen.append(Path(file_dialog.directory().absolutePath()))
        file_dialog.reject()

    when_shown("campaign_tool_import_file_dialog", look)
    dialog.findChild(QPushButton, "campaign_tool_import_browse").click()
    assert seen == [path.parent.resolve()]
    assert dialog.path == path  # closed without a choice: the file stays chosen
