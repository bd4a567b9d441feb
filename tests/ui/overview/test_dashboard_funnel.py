"""The 概览 dashboard's campaign funnel: a click on a stage's bar opens exactly the members
behind that stage (core/campaigns/funnel_members) in the 成员 tab, through the path every other
bar takes (members_behind, members_requested)."""

from __future__ import annotations

from datetime import date

from core.campaigns.funnel_members import funnel_members
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
        timeout=30_000,
    )
    click("retained")


def key_label(key: str) -> str:
    return {"revenue": "付费", "retained": "留存（第 4 周活跃）"}[key]
