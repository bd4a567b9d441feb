"""The 对比 page in a plain tab: the tab's campaign beside another ticked in the list, the
hand-checked figures of tests/core/campaigns/test_campaign_comparison.py in the table; a fifth
campaign is refused."""

from __future__ import annotations

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel, QPushButton

from db.referral_models import Campaign
from tests.core.campaigns import tree15_db
from tests.core.campaigns.test_campaign_comparison import _small
from tests.ui.campaigns.page_host import host
from ui.campaigns.comparison_page import ComparisonPage


def _column(page, column: int) -> dict[str, str]:
    model = page.model
    return {
        model.headerData(row, Qt.Orientation.Vertical):
        model.item(row, column).text()
        for row in range(model.rowCount())
    }  # fmt: skip


def test_two_campaigns_side_by_side(app, qtbot, sqlite_database, tmp_path, monkeypatch):
    with sqlite_database.session(write=True) as session:
        big = tree15_db.load(session)
        session.get(Campaign, big).goal_target = 24
        small = _small(session)
        others = []
        for name in ("三", "四", "五"):
            campaign = Campaign(name=name)
            session.add(campaign)
            session.flush()
            others.append(campaign.id)
    tab = host(qtbot, sqlite_database, ComparisonPage)
    page = tab.page
    page.show_campaign(big)
    qtbot.waitUntil(lambda: page.pick.count() == 5 and not tab.busy(), timeout=60_000)
    assert "再勾选" in page.findChild(QLabel, "campaign_compare_hint").text()
    page.tick(small)
    qtbot.waitUntil(lambda: page.model.columnCount() == 2 and not tab.busy(), timeout=60_000)
    first, second = _column(page, 0), _column(page, 1)
    assert (first["参与人数"], second["参与人数"]) == ("15", "5")
    assert (first["新成员"], second["新成员"]) == ("12", "3")
    assert (first["K 值"], second["K 值"]) == ("0.86", "0.75")
    assert (first["裂变率"], second["裂变率"]) == ("80.0%", "60.0%")
    assert (first["裂变周期（小时）"], second["裂变周期（小时）"]) == ("22.0", "10.0")
    assert (first["设定目标"], second["设定目标"]) == ("新成员 24 人", "新成员 10 人")
    assert (first["目标完成"], second["目标完成"]) == ("50.0%", "30.0%")
    for other in others[:2]:
        page.tick(other)
    qtbot.waitUntil(lambda: page.model.columnCount() == 4 and not tab.busy(), timeout=60_000)
    page.tick(others[2])  # a fifth: refused, left unticked
    assert page.others == [small, *others[:2]]
    assert page.findChild(QLabel, "campaign_compare_hint").text() == "最多同时对比 4 个活动"
    assert page.pick.item(0).checkState() == Qt.CheckState.Unchecked  # 五, newest first
    new = [name for _cid, name in page.comparison.campaigns]
    assert new == ["tree15", "小活动", "三", "四"]
    assert _column(page, 2)["参与人数"] == "0" and _column(page, 2)["K 值"] == "—"
    target = tmp_path / "对比"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    page.findChild(QPushButton, "campaign_compare_export").click()
    hint = page.findChild(QLabel, "campaign_compare_hint")
    qtbot.waitUntil(lambda: hint.text().startswith("已导出到") and not tab.busy(), timeout=60_000)
    sheet = load_workbook(tmp_path / "对比.xlsx").active
    assert [cell.value for cell in sheet[1]] == ["指标", "tree15", "小活动", "三", "四"]
