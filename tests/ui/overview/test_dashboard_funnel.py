"""The 概览 dashboard's campaign funnel: a click on a stage's bar opens exactly the members
behind that stage (core/campaigns/funnel_members) in the 成员 tab, through the path every other
bar takes (members_behind, members_requested)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from PySide6.QtCharts import QBarCategoryAxis
from PySide6.QtCore import QEvent
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QLabel, QToolTip, QWidget

from core.campaigns.funnel_members import funnel_members
from core.referrals.edges import live_key
from db.models import Community, Member
from db.referral_models import Campaign, InviteCode, ReferralEdge
from tests.core.campaigns import funnel_fixture as fx
from tests.ui.overview.test_dashboard import show_period


def test_a_funnel_bar_opens_the_members_of_its_stage(make_window, sqlite_database, qtbot):
    with sqlite_database.session(write=True) as session:
        campaign_id = fx.load(session)
    window = make_window(sqlite_database)
    tab = show_period(window, qtbot, date(2026, 3, 1), date(2026, 4, 19))
    bar_set, bars = tab.findChild(type(tab.funnel_chart), "overview_funnel_chart").bar_sets[0]
    requested = []
    tab.members_requested.connect(lambda ids, label: requested.append((ids, label)))

    def click(key: str) -> list[int]:
        target = f"campaign:{campaign_id}:{key}"
        index = list(bars.targets).index(target)
        with sqlite_database.session() as session:
            expected = funnel_members(session, campaign_id, key, tab._period.end_at)
        assert expected == fx.MEMBERS[key]
        assert bars.values[index] == len(expected)  # the bar is the stage's figure
        before = len(requested)
        bar_set.clicked.emit(index)  # QtCharts' own click on that bar
        qtbot.waitUntil(lambda: len(requested) == before + 1)
        assert requested[-1] == (expected, f"funnel：{key_label(key)}")
        return expected

    paid = click("revenue")
    members = window.members_tab  # the 成员 tab shows just them
    qtbot.waitUntil(
        lambda: (
            window.tabs.currentWidget() is members
            and members.list_complete()
            and sorted(members.model.ids()) == paid
        ),
        timeout=60_000,
    )
    click("retained")


def key_label(key: str) -> str:
    return {"revenue": "付费", "retained": "留存（第 4 周活跃）"}[key]


START = datetime(2026, 3, 1, 9, 0)
RETAINED, REFERRED = "留存（第 4 周活跃）", "推荐（≥1 个有效邀请）"


def load_young_campaign(session) -> int:
    """A running campaign a week old: nobody has been in 28 days (retained is not known yet).
    Seed 1 brought 2 and 3; 3 brought 5 (verified), 2 brought 4 (still pending): referred is 1
    (3) of the 3 newcomers whose invites are decided (2's is not)."""
    session.add_all(Member(id=member, nickname=f"y{member}") for member in range(1, 6))
    group = Community(name="young")
    campaign = Campaign(name="新春拉新", starts_at=START, ends_at=START + timedelta(days=30),
                        status="running")  # fmt: skip
    session.add_all([group, campaign])
    session.flush()
    session.add(InviteCode(value="Y0001", member_id=1, campaign_id=campaign.id, issued_at=START,
                           origin="campaign"))  # fmt: skip
    for inviter, invitee, day, status in ((1, 2, 1, "verified"), (1, 3, 2, "verified"),
                                          (2, 4, 3, "pending"), (3, 5, 4, "verified")):  # fmt: skip
        session.add(
            ReferralEdge(
                inviter_id=inviter, invitee_id=invitee, campaign_id=campaign.id,
                community_id=group.id, occurred_at=START + timedelta(days=day), how="code",
                sources=1, status=status, live_key=live_key(invitee, campaign.id, group.id),
            )
        )  # fmt: skip
    session.flush()
    return campaign.id


def test_a_stage_not_known_yet_is_no_bar_and_opens_nothing(make_window, sqlite_database, qtbot):
    with sqlite_database.session(write=True) as session:
        campaign_id = load_young_campaign(session)
    window = make_window(sqlite_database)
    tab = show_period(window, qtbot, date(2026, 3, 1), date(2026, 3, 7))
    chart = tab.findChild(type(tab.funnel_chart), "overview_funnel_chart")
    bar_set, bars = chart.bar_sets[0]
    retained = list(bars.targets).index(f"campaign:{campaign_id}:retained")

    # no bar: nothing drawn (not a 0 of nothing), nothing behind it to click
    assert bars.values[retained] is None and bar_set.at(retained) == 0
    axis = next(a for a in chart.chart.axes() if isinstance(a, QBarCategoryAxis))
    assert f"{RETAINED}：—" in axis.categories()

    reason = "还没有新成员入群满 28 天"
    stages = list(reversed(axis.categories()))  # top down, as given
    at = chart.category_point(stages.index(f"{RETAINED}：—"))
    assert chart.tip_at(at).splitlines() == [f"{RETAINED}：—", reason, "还不能查看成员"]
    viewport = chart.view.viewport()
    QApplication.sendEvent(
        viewport, QHelpEvent(QEvent.Type.ToolTip, at, viewport.mapToGlobal(at))
    )  # the tip as hovering shows it, over the row's axis label
    assert reason in QToolTip.text()

    note = tab.findChild(QLabel, "overview_funnel_note")
    assert note.isVisible()
    lines = note.text().splitlines()
    assert f"{RETAINED}：—（{reason}）" in lines
    # referred is counted for 3 of the 4 newcomers (2's invite is undecided): it says so
    referred = list(bars.targets).index(f"campaign:{campaign_id}:referred")
    assert bars.values[referred] == 1  # 3 has a verified invitee
    partly = "可计 3 人：1 位新成员的邀请还在待定期，是否有效尚未确定"
    assert f"{REFERRED}：1（{partly}）" in lines
    assert f"{REFERRED}：1" in axis.categories()  # a figure beside every known stage
    assert partly in bars.tips[referred].splitlines()

    clicked, requested = [], []
    chart.bar_clicked.connect(clicked.append)
    tab.members_requested.connect(lambda ids, label: requested.append((ids, label)))
    bar_set.clicked.emit(retained)  # QtCharts' own click on the empty row
    assert clicked == []  # direct: nothing was asked for
    joined = list(bars.targets).index(f"campaign:{campaign_id}:joined")
    bar_set.clicked.emit(joined)  # a known stage still opens its members
    qtbot.waitUntil(lambda: len(requested) == 1, timeout=60_000)
    assert clicked == [f"campaign:{campaign_id}:joined"]
    assert requested == [([2, 3, 4, 5], "新春拉新：入群")]


def test_the_funnel_note_shows_whole_without_stretching_the_charts_beside(
    make_window, sqlite_database, qtbot
):
    """The wrapped note under the funnel must not pass height-for-width up to the dashboard's
    grid (every chart card then grew to its tall preferred height, half of it empty), and must
    still show all its lines."""
    with sqlite_database.session(write=True) as session:
        load_young_campaign(session)
    window = make_window(sqlite_database)
    window.resize(1366, 768)
    tab = show_period(window, qtbot, date(2026, 3, 1), date(2026, 3, 7))
    view = tab.findChild(QWidget, "overview_funnel_view")
    note = tab.findChild(QLabel, "overview_funnel_note")
    qtbot.waitUntil(note.isVisible, timeout=60_000)
    assert not view.hasHeightForWidth()
    assert note.height() >= note.heightForWidth(note.width())  # no line cut off
    heat = tab.findChild(QWidget, "overview_heat_section")
    tenure = tab.findChild(QWidget, "overview_tenure")
    assert heat.height() == tenure.height() < 400  # a row as tall as its content, not stretched
