"""Two campaigns side by side, built through the database: the 15-person campaign and a small
one whose figures are worked out by hand below; the rows agree with the report; a choice of
one campaign, or five, is refused in one line. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.campaigns.comparison import compare_campaigns
from core.campaigns.report import campaign_report
from core.common.errors import UserError
from core.referrals.edges import live_key
from db.models import Member
from db.referral_models import Campaign, InviteCode, ReferralEdge
from tests.core.campaigns import tree15_db
from tests.core.campaigns.tree15 import AS_OF, T0


def _small(session) -> int:
    """Seeds 101 and 102 (codes at T0); 101 → 103 at 5 h, 101 → 104 at 10 h, 103 → 105 at
    20 h. Waves [2, 2, 1]: K = (2 + 1) / (2 + 2) = 0.75; 3 newcomers of 5: 裂变率 60%;
    cycle times 5 h (101) and 20 − 5 = 15 h (103): median 10 h; goal 10 new members: 30%."""
    session.add_all(Member(id=m, nickname=f"s{m}") for m in range(101, 106))
    campaign = Campaign(name="小活动", starts_at=T0, status="ended", goal_kind="new_members",
                        goal_target=10)  # fmt: skip
    session.add(campaign)
    session.flush()
    for member in (101, 102):
        session.add(InviteCode(value=f"S{member}", member_id=member, campaign_id=campaign.id,
                               issued_at=T0, origin="campaign"))  # fmt: skip
    for inviter, invitee, hours in ((101, 103, 5), (101, 104, 10), (103, 105, 20)):
        session.add(ReferralEdge(
            inviter_id=inviter, invitee_id=invitee, campaign_id=campaign.id,
            occurred_at=T0 + timedelta(hours=hours), how="code", sources=1, status="verified",
            live_key=live_key(invitee, campaign.id, None),
        ))  # fmt: skip
    session.flush()
    return campaign.id


def test_two_campaigns_side_by_side(database):
    with database.session(write=True) as session:
        big = tree15_db.load(session)
        session.get(Campaign, big).goal_target = 24  # new members
        small = _small(session)
    with database.session() as session:
        result = compare_campaigns(session, [big, small], AS_OF)
        report = campaign_report(session, str(big), AS_OF)
    assert result.campaigns == [(big, "tree15"), (small, "小活动")]
    values = {row.key: row.values for row in result.rows}
    assert values["participants"] == [15, 5]
    assert values["new_members"] == [12, 3]
    assert values["k"] == [pytest.approx(12 / 14), pytest.approx(0.75)]
    assert values["fission_rate"] == [pytest.approx(0.8), pytest.approx(0.6)]
    # tree15's first-invitee hours: 10 24 10 50 24 24 20 18 → median 22
    assert values["cycle_hours"] == [pytest.approx(22), pytest.approx(10)]
    assert values["goal"] == ["新成员 24 人", "新成员 10 人"]
    assert values["goal_actual"] == ["新成员 12 人", "新成员 3 人"]
    assert values["goal_share"] == [pytest.approx(0.5), pytest.approx(0.3)]
    figures = report.figures
    assert values["cost_per_new"][0] == figures.cost_per_new
    assert values["revenue"][0] == figures.revenue
    assert values["roi"][0] == figures.roi
    assert values["retained"][0] == figures.retained.share


def test_two_to_four_different_campaigns(database):
    with database.session(write=True) as session:
        big = tree15_db.load(session)
    with database.session() as session:
        with pytest.raises(UserError, match="请选择 2 到 4 个不同的活动对比"):
            compare_campaigns(session, [big, big])
        with pytest.raises(UserError, match="没有编号或名称为「999」的活动"):
            compare_campaigns(session, [big, 999])


def test_the_comparison_to_xlsx(database, tmp_path):
    from openpyxl import load_workbook

    from core.campaigns.comparison import export_comparison

    with database.session(write=True) as session:
        big = tree15_db.load(session)
        small = _small(session)
    with database.session() as session:
        result = compare_campaigns(session, [big, small], AS_OF)
    path = export_comparison(result, tmp_path / "对比.xlsx")
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0] == ("指标", "tree15", "小活动")
    by_label = {row[0]: row[1:] for row in rows[1:]}
    assert by_label["参与人数"] == (15, 5)
    assert by_label["K 值"] == (0.86, 0.75)
    assert by_label["裂变率 (%)"] == (80.0, 60.0)
    assert by_label["设定目标"] == (None, "新成员 10 人")
    with pytest.raises(UserError, match=r"导出文件必须是 \.xlsx"):
        export_comparison(result, tmp_path / "对比.csv")
