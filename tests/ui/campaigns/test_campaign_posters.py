"""生成海报 on the 活动 tab's 概况: a 海报裂变 (or any campaign with participants) opens the 海报
tab's batch dialog with that campaign and its group chosen; a campaign posters cannot be for
(ended, or a type without codes) shows the button greyed with the reason."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtWidgets import QComboBox, QPushButton, QRadioButton, QWidget

from core.campaigns.records import CampaignFields, create_campaign, set_status
from core.referrals.edges import live_key
from db.models import Community, Member
from db.referral_models import ReferralEdge


def _campaigns(database) -> tuple[int, int, int]:
    start = datetime.now() - timedelta(days=3)
    with database.session(write=True) as session:
        other, group = Community(name="别的群"), Community(name="烘焙1群")
        session.add_all([other, group])
        session.flush()
        poster = create_campaign(
            session,
            CampaignFields(
                "春日海报裂变", kind="poster", starts_at=start, community_ids=[group.id]
            ),
        )
        ended = create_campaign(
            session,
            CampaignFields("老带新", kind="invite_code", starts_at=start, community_ids=[group.id]),
        )
        first, second = Member(nickname="甲"), Member(nickname="乙")
        session.add_all([first, second])
        session.flush()
        session.add(ReferralEdge(
            inviter_id=first.id, invitee_id=second.id, campaign_id=ended.id,
            community_id=group.id, occurred_at=start, how="code", sources=1, status="verified",
            live_key=live_key(second.id, ended.id, group.id),
        ))  # fmt: skip
        for status in ("running", "ended"):
            set_status(session, str(ended.id), status)
        helping = create_campaign(
            session, CampaignFields("助力", kind="help", starts_at=start, community_ids=[group.id])
        )
        return poster.id, ended.id, helping.id, group.id


def _overview(window, qtbot, campaign_id):
    tab = window.campaigns_tab
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: not tab.busy() and tab.list.model.rowCount() == 3, timeout=60_000)
    tab.show_campaign(campaign_id)
    page = tab.page("campaign_overview")
    qtbot.waitUntil(
        lambda: not tab.busy() and page.fields is not None and page.fields["id"] == campaign_id,
        timeout=60_000,
    )
    return page.findChild(QPushButton, "campaign_posters")


def test_posters_for_a_campaign_open_the_batch_with_it_chosen(make_window, sqlite_database, qtbot):
    poster, ended, helping, group = _campaigns(sqlite_database)
    window = make_window(sqlite_database)

    button = _overview(window, qtbot, helping)
    assert not button.isVisible()  # no participants, no codes: nothing to offer
    button = _overview(window, qtbot, ended)
    assert button.isVisible() and not button.isEnabled()  # people took part, but it is over
    assert "已结束" in button.toolTip()

    button = _overview(window, qtbot, poster)
    assert button.isVisible() and button.isEnabled()
    button.click()
    assert window.tabs.currentWidget() is window.posters_tab
    dialog = window.findChild(QWidget, "bulkPosterDialog")
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible(), timeout=60_000)
    assert dialog.chosen_campaign().id == poster
    assert dialog.findChild(QRadioButton, "bulkPosterByCommunity").isChecked()
    assert dialog.findChild(QComboBox, "bulkPosterCommunity").currentData() == group
    assert dialog.activity.text() == "春日海报裂变"  # {活动名} filled from the campaign
    dialog.close()
