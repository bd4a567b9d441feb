"""The 活动 tab as an owner uses it: the empty state, campaigns of two kinds made through the
editor, a bad setting refused inline with nothing saved, status buttons that offer only the
legal next steps, the checklist flagging a 集赞 rule, 还差 N 人 on a ladder, and the reload after
a CAMPAIGNS change."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QSpinBox
from sqlalchemy import func, select

from core.campaigns.records import CampaignFields, create_campaign, read_fields, set_status
from core.members.editing import create_member
from core.referrals.edges import live_key
from db.models import Community
from db.referral_models import Campaign, InviteCode, ReferralEdge
from ui.campaigns.tab import CampaignsTab
from ui.common.changes import Change

LADDER = {
    "stages": [{"invites": 3, "gift": {"points": 30}}, {"invites": 6, "gift": {"points": 80}}],
    "rules": {"new_members_only": False},
}


@pytest.fixture
def make_tab(app, qtbot, sqlite_database):
    def make() -> CampaignsTab:
        tab = CampaignsTab(sqlite_database)
        tab.data_changed.connect(tab.refresh)  # as the main window hands it back
        qtbot.addWidget(tab)
        tab.resize(1280, 720)
        tab.show()
        tab.refresh()
        qtbot.waitUntil(lambda: not tab.busy(), timeout=60_000)
        return tab

    return make


def campaigns(database) -> list[tuple[str, str]]:
    with database.session() as session:
        return [(c.name, c.kind) for c in session.scalars(select(Campaign).order_by(Campaign.id))]


def open_editor(tab, qtbot):
    tab.findChild(
        QPushButton, "campaign_list_empty_new"
    ).click() if tab.switch.is_empty() else tab.findChild(QPushButton, "campaign_new").click()
    qtbot.waitUntil(lambda: tab.editor is not None and tab.editor.isVisible(), timeout=60_000)
    return tab.editor


def ok(editor) -> None:
    editor.findChild(QPushButton, "campaign_editor_ok").click()


def test_an_empty_tab_explains_what_a_campaign_is(make_tab):
    tab = make_tab()
    assert tab.switch.is_empty()
    text = tab.findChild(QLabel, "campaign_list_empty_text").text()
    assert "任务宝" in text and "奖励" in text
    assert not tab.pages.isEnabled()


def test_create_campaigns_of_two_kinds_through_the_editor(make_tab, qtbot, sqlite_database):
    tab = make_tab()
    editor = open_editor(tab, qtbot)
    editor.findChild(QLineEdit, "campaign_name").setText("五月任务宝")
    kind = editor.findChild(QComboBox, "campaign_kind")
    kind.setCurrentIndex(kind.findData("task_ladder"))
    assert "还差 N 人" in editor.findChild(QLabel, "campaign_kind_hint").text()
    # the ladder's starting stages come from the generated form
    editor.findChild(QSpinBox, "campaign_setting_stages_0_invites").setValue(2)
    editor.findChild(QPlainTextEdit, "campaign_copy_rules").setPlainText("邀请满 2 人得 30 积分")
    ok(editor)
    qtbot.waitUntil(
        lambda: campaigns(sqlite_database) == [("五月任务宝", "task_ladder")], timeout=60_000
    )
    qtbot.waitUntil(lambda: tab.editor is None and not tab.busy(), timeout=60_000)
    with sqlite_database.session() as session:
        ladder = session.scalar(select(Campaign))
        assert [s["invites"] for s in ladder.settings["stages"]] == [2, 6, 10]
        assert ladder.copy["rules"] == "邀请满 2 人得 30 积分"

    editor = open_editor(tab, qtbot)
    editor.findChild(QLineEdit, "campaign_name").setText("双十一抽奖")
    kind = editor.findChild(QComboBox, "campaign_kind")
    kind.setCurrentIndex(kind.findData("lottery"))
    editor.findChild(QSpinBox, "campaign_setting_draws_per_member").setValue(3)
    ok(editor)
    qtbot.waitUntil(lambda: len(campaigns(sqlite_database)) == 2, timeout=60_000)
    qtbot.waitUntil(lambda: tab.list.model.rowCount() == 2 and not tab.busy(), timeout=60_000)
    assert campaigns(sqlite_database)[1] == ("双十一抽奖", "lottery")
    with sqlite_database.session() as session:
        lottery = session.scalar(select(Campaign).where(Campaign.kind == "lottery"))
        assert lottery.settings["draws_per_member"] == 3


def test_a_bad_setting_is_refused_inline_and_nothing_is_saved(make_tab, qtbot, sqlite_database):
    tab = make_tab()
    editor = open_editor(tab, qtbot)
    editor.findChild(QLineEdit, "campaign_name").setText("坏阶梯")
    kind = editor.findChild(QComboBox, "campaign_kind")
    kind.setCurrentIndex(kind.findData("task_ladder"))
    # stages must go up: 3, then 2
    editor.findChild(QSpinBox, "campaign_setting_stages_1_invites").setValue(2)
    ok(editor)
    error = editor.findChild(QLabel, "campaign_editor_error")
    assert error.isVisible() and "阶梯" in error.text()
    qtbot.waitUntil(lambda: not tab.busy(), timeout=60_000)  # the dialog's own read ends
    assert editor.isVisible()
    assert campaigns(sqlite_database) == []
    # fixed, it goes through
    editor.findChild(QSpinBox, "campaign_setting_stages_1_invites").setValue(5)
    ok(editor)
    qtbot.waitUntil(
        lambda: campaigns(sqlite_database) == [("坏阶梯", "task_ladder")], timeout=60_000
    )


def test_a_name_taken_is_refused_by_core_inline(make_tab, qtbot, sqlite_database):
    with sqlite_database.session() as session:
        create_campaign(session, CampaignFields("春季拉新", settings={"inviter": {"points": 5}}))
    tab = make_tab()
    editor = open_editor(tab, qtbot)
    editor.findChild(QLineEdit, "campaign_name").setText("春季拉新")
    ok(editor)
    error = editor.findChild(QLabel, "campaign_editor_error")
    qtbot.waitUntil(lambda: error.isVisible(), timeout=60_000)
    assert "已有名为「春季拉新」的活动" in error.text()
    assert len(campaigns(sqlite_database)) == 1


def test_status_buttons_offer_only_the_legal_next_steps(make_tab, qtbot, sqlite_database):
    with sqlite_database.session() as session:
        create_campaign(session, CampaignFields("春季拉新", settings={"inviter": {"points": 5}}))
    tab = make_tab()
    overview = tab.page("campaign_overview")
    qtbot.waitUntil(lambda: overview.status_targets() == ["running"], timeout=60_000)
    assert tab.findChild(QPushButton, "campaign_status_running").text() == "开始活动"
    tab.findChild(QPushButton, "campaign_status_running").click()
    qtbot.waitUntil(lambda: overview.status_targets() == ["paused", "ended"], timeout=60_000)
    tab.findChild(QPushButton, "campaign_status_paused").click()
    qtbot.waitUntil(lambda: overview.status_targets() == ["running", "ended"], timeout=60_000)
    assert tab.findChild(QPushButton, "campaign_status_running").text() == "继续活动"
    with sqlite_database.session() as session:
        set_status(session, "春季拉新", "ended")
    tab.refresh({Change.CAMPAIGNS})
    qtbot.waitUntil(lambda: overview.status_targets() == ["reviewed"], timeout=60_000)


def test_the_checklist_flags_a_likes_rule_and_passes_a_clean_one(make_tab, qtbot, sqlite_database):
    with sqlite_database.session() as session:
        create_campaign(
            session,
            CampaignFields(
                "海报裂变",
                kind="poster",
                settings={"inviter": {"points": 5}},
                copy={"rules": "集赞38个送帆布袋", "poster": "扫码加入读书会，和书友一起读书"},
            ),
        )
    tab = make_tab()
    overview = tab.page("campaign_overview")
    qtbot.waitUntil(lambda: overview.live is not None, timeout=60_000)
    rules = tab.findChild(QLabel, "campaign_check_copy:rules_reason")
    poster = tab.findChild(QLabel, "campaign_check_copy:poster_reason")
    assert "集赞" in rules.text() and "诱导" in rules.text()
    assert rules.property("checkState") == "missing"
    assert poster.property("checkState") == "done"


def test_participants_show_how_many_more_the_next_stage_needs(make_tab, qtbot, sqlite_database):
    start = datetime.now() - timedelta(days=2)
    with sqlite_database.session() as session:
        zhang, newcomer = create_member(session, "张小凡"), create_member(session, "王五")
        group = Community(name="读书会")
        session.add(group)
        session.flush()
        campaign = create_campaign(
            session,
            CampaignFields(
                "五月任务宝",
                kind="task_ladder",
                settings=LADDER,
                starts_at=start,
                community_ids=[group.id],
            ),
        )
        set_status(session, "五月任务宝", "running")
        session.add(InviteCode(value="CODE1", member_id=zhang, campaign_id=campaign.id,
                               issued_at=start, origin="campaign"))  # fmt: skip
        session.add(
            ReferralEdge(
                inviter_id=zhang, invitee_id=newcomer, campaign_id=campaign.id,
                community_id=group.id,
                occurred_at=start + timedelta(hours=1), how="code", sources=1, status="pending",
                live_key=live_key(newcomer, campaign.id, group.id),
            )
        )  # fmt: skip
    tab = make_tab()
    page = tab.page("campaign_participants")
    tab.pages.setCurrentWidget(page)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=60_000)
    assert page.text_at(0, 0) == "张小凡"
    assert page.text_at(0, 3) == "还差 2 人"
    page.findChild(QLineEdit, "campaign_participants_search").setText("zxf")
    assert page.model.rowCount() == 1
    page.findChild(QLineEdit, "campaign_participants_search").setText("lisi")
    assert page.model.rowCount() == 0


def test_the_tab_reloads_after_a_campaigns_change(make_tab, qtbot, sqlite_database):
    tab = make_tab()
    assert tab.list.model.rowCount() == 0
    with sqlite_database.session() as session:
        create_campaign(session, CampaignFields("外部新建", settings={"inviter": {"points": 5}}))
    tab.refresh({Change.TAGS})  # not shown here: nothing read
    assert not tab.busy() and tab.list.model.rowCount() == 0
    tab.refresh({Change.CAMPAIGNS})
    qtbot.waitUntil(lambda: tab.list.model.rowCount() == 1, timeout=60_000)
    assert tab.list.current_id() is not None
    qtbot.waitUntil(
        lambda: tab.findChild(QLabel, "campaign_title").text() == "外部新建", timeout=60_000
    )


def test_the_window_lists_the_tab_after_points(make_window, sqlite_database):
    window = make_window(sqlite_database)
    index = window.tabs.indexOf(window.campaigns_tab)
    assert index == window.tabs.indexOf(window.ledger_tab) + 1
    assert window.tabs.tabText(index) == "活动"
    with sqlite_database.session() as session:
        assert session.scalar(select(func.count()).select_from(Campaign)) == 0


def test_edit_a_campaign_and_write_its_review_notes(make_tab, qtbot, sqlite_database):
    with sqlite_database.session() as session:
        group = Community(name="读书会")
        session.add(group)
        session.flush()
        create_campaign(
            session,
            CampaignFields(
                "春季拉新",
                settings={"inviter": {"points": 5}},
                community_ids=[group.id],
                copy={"poster": "扫码入群"},
            ),
        )
    tab = make_tab()
    overview = tab.page("campaign_overview")
    qtbot.waitUntil(lambda: overview.live is not None, timeout=60_000)
    tab.findChild(QPushButton, "campaign_edit").click()
    qtbot.waitUntil(lambda: tab.editor is not None, timeout=60_000)
    editor = tab.editor
    assert editor.findChild(QLineEdit, "campaign_name").text() == "春季拉新"
    assert editor.findChild(QSpinBox, "campaign_setting_inviter_points").value() == 5
    assert editor.findChild(QPlainTextEdit, "campaign_copy_poster").toPlainText() == "扫码入群"
    editor.findChild(QLineEdit, "campaign_name").setText("春季拉新（第二期）")
    editor.findChild(QSpinBox, "campaign_setting_inviter_points").setValue(8)
    editor.findChild(QPlainTextEdit, "campaign_copy_h5_top").setPlainText("春季读书季")
    ok(editor)
    qtbot.waitUntil(
        lambda: tab.findChild(QLabel, "campaign_title").text() == "春季拉新（第二期）",
        timeout=60_000,
    )
    with sqlite_database.session() as session:
        campaign = session.scalar(select(Campaign))
        assert campaign.settings["inviter"]["points"] == 8
        assert (campaign.copy["poster"], campaign.copy["h5_top"]) == ("扫码入群", "春季读书季")
    notes = tab.findChild(QPlainTextEdit, "campaign_notes")
    notes.setPlainText("二维码要提前两天换")
    tab.findChild(QPushButton, "campaign_notes_save").click()
    qtbot.waitUntil(lambda: not tab.busy(), timeout=60_000)
    with sqlite_database.session() as session:
        assert session.scalar(select(Campaign.notes)) == "二维码要提前两天换"


def test_saving_a_running_campaign_unchanged_keeps_its_record(make_tab, qtbot, sqlite_database):
    with sqlite_database.session() as session:
        group = Community(name="读书会")
        session.add(group)
        session.flush()
        fields = CampaignFields(
            "双十一", goal_kind="sales", goal_target=500_000, starts_at=datetime(2026, 11, 1),
            ends_at=datetime(2026, 11, 11, 23, 59, 59), budget_total_cents=100_000,
            budget_per_member_cents=250, community_ids=[group.id], owner="小王",
            settings={"inviter": {"points": 5}}, copy={"poster": "扫码入群"}, notes="复盘备注",
        )  # fmt: skip
        campaign_id = create_campaign(session, fields).id
        set_status(session, "双十一", "running")
        before = read_fields(session, campaign_id)
    tab = make_tab()
    overview = tab.page("campaign_overview")
    qtbot.waitUntil(lambda: overview.live is not None, timeout=60_000)
    tab.findChild(QPushButton, "campaign_edit").click()
    qtbot.waitUntil(lambda: tab.editor is not None, timeout=60_000)
    editor = tab.editor
    assert not editor.findChild(QComboBox, "campaign_kind").isEnabled()  # it has started
    ok(editor)
    qtbot.waitUntil(lambda: tab.editor is None and not tab.busy(), timeout=60_000)
    with sqlite_database.session() as session:
        after = read_fields(session, campaign_id)
    assert after.copy["poster"] == "扫码入群"
    assert replace(after, copy=before.copy) == before


def test_the_list_filters_by_status(make_tab, qtbot, sqlite_database):
    with sqlite_database.session() as session:
        for name in ("草稿活动", "进行活动"):
            create_campaign(session, CampaignFields(name, settings={"inviter": {"points": 5}}))
        set_status(session, "进行活动", "running")
    tab = make_tab()
    qtbot.waitUntil(lambda: tab.list.model.rowCount() == 2, timeout=60_000)
    status = tab.findChild(QComboBox, "campaign_status_filter")
    status.setCurrentIndex(status.findData("running"))
    assert [tab.list.model.item(r).name for r in range(tab.list.model.rowCount())] == ["进行活动"]
    qtbot.waitUntil(
        lambda: tab.findChild(QLabel, "campaign_title").text() == "进行活动", timeout=60_000
    )
    status.setCurrentIndex(status.findData("reviewed"))
    assert tab.list.model.rowCount() == 0 and tab.list.current_id() is None
    assert not tab.switch.is_empty()  # campaigns exist: the list stays, empty under its filter


def test_the_tab_in_english(english, make_tab, qtbot, sqlite_database):
    tab = make_tab()
    assert tab.findChild(QLabel, "campaign_list_empty_title").text() == "No campaigns yet"
    with sqlite_database.session() as session:
        create_campaign(
            session,
            CampaignFields(
                "海报裂变",
                kind="poster",
                settings={"inviter": {"points": 5}},
                copy={"rules": "集赞38个送帆布袋"},
            ),
        )
    tab.refresh({Change.CAMPAIGNS})
    overview = tab.page("campaign_overview")
    qtbot.waitUntil(lambda: overview.live is not None, timeout=60_000)
    assert tab.findChild(QPushButton, "campaign_status_running").text() == "Start"
    assert tab.findChild(QLabel, "campaign_check_copy:rules").text() == "Copy compliance: Rules"
    reason = tab.findChild(QLabel, "campaign_check_copy:rules_reason").text()
    assert "collecting likes" in reason and "集赞" in reason  # the phrase itself stays as typed


def test_the_record_menu_opens_the_invite_and_tool_import_dialogs(make_tab, qtbot, sqlite_database):
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QDialog

    with sqlite_database.session() as session:
        create_campaign(session, CampaignFields("门店拉新", settings={"inviter": {"points": 5}}))
    tab = make_tab()
    qtbot.waitUntil(lambda: tab.list.current_id() is not None, timeout=60_000)
    for action_name, dialog_name in (
        ("campaign_record_invite", "campaign_record_dialog"),
        ("campaign_tool_import", "campaign_tool_import_dialog"),
    ):
        tab.findChild(QAction, action_name).trigger()
        qtbot.waitUntil(
            lambda name=dialog_name: (
                (found := tab.findChild(QDialog, name)) is not None and found.isVisible()
            ),
            timeout=60_000,
        )
        tab.findChild(QDialog, dialog_name).reject()


def _page_names_fit(tab, qtbot) -> None:
    tab.resize(1280 - 170, 660)  # the smallest laptop window (1280 × 720) less the sidebar
    tab.switch.set_empty(False)
    qtbot.waitUntil(tab.pages.isVisible, timeout=60_000)
    tab._sized = False
    tab._size_splitter()
    bar = tab.pages.tabBar()
    needed = sum(bar.tabSizeHint(index).width() for index in range(bar.count()))
    assert needed <= bar.width(), (needed, bar.width())


def test_every_page_name_is_on_screen_beside_the_record_menu(make_tab, qtbot):
    """At 1280 × 720 the page names and the record menu fit beside the list: no scroll arrows."""
    _page_names_fit(make_tab(), qtbot)


def test_every_page_name_is_on_screen_in_english(english, make_tab, qtbot):
    _page_names_fit(make_tab(), qtbot)


def test_in_english_the_list_widens_so_the_name_column_is_not_clipped(
    english, make_tab, sqlite_database
):
    # "Invite-code referral" and "Reviewed" are wider than their Chinese: the columns fit
    # them, and the list grows with them instead of squeezing the name to "mpaig…".
    with sqlite_database.session() as session:
        create_campaign(
            session,
            CampaignFields(
                "老带新双享礼",
                settings={"inviter": {"points": 5}},
                starts_at=datetime(2026, 9, 7),
                ends_at=datetime(2026, 9, 28),
            ),
        )
    tab = make_tab()
    table = tab.list.table
    assert table.model().rowCount() == 1
    header = table.horizontalHeader()
    name_width = header.sectionSize(0)
    wanted = table.fontMetrics().horizontalAdvance("老带新双享礼") + 8
    assert name_width >= wanted
    assert name_width >= header.sectionSizeHint(0)  # "Campaigns", whole
    assert tab.splitter.sizes()[0] >= tab.list.minimumWidth()


def test_in_english_the_subtitle_breaks_between_its_parts_never_inside_one(
    english, make_tab, qtbot, sqlite_database
):
    # A running campaign (its status buttons narrow the head), a goal and an owner long enough
    # to need two lines at 1280 px: each part stays whole on its line, a very long one elided
    # with the whole text in its tooltip.
    owner = ("Marketing team of the Shanghai Jing'an community, weekend shift " * 2)[:100].strip()
    with sqlite_database.session() as session:
        create_campaign(
            session,
            CampaignFields(
                "Spring referral drive for the Jing'an groups",
                goal_target=1500,
                settings={"inviter": {"points": 5}},
                owner=owner,
            ),
        )
        set_status(session, "Spring referral drive for the Jing'an groups", "running")
    tab = make_tab()
    overview = tab.page("campaign_overview")
    qtbot.waitUntil(lambda: overview.live is not None, timeout=60_000)
    parts = [
        label
        for label in overview.findChildren(QLabel)
        if label.objectName().startswith("campaign_subtitle_part_")
    ]
    assert [label.text() for label in parts[:3]] == [
        "Invite-code referral ·", "Running ·", "Goal 1500 New members ·"
    ]  # fmt: skip
    assert overview.subtitle_text().endswith(f"Owner {owner}")
    # The parts are placed when the layout's posted request is handled, which may come after
    # the figures arrive: wait for the placing itself, then check it.
    qtbot.waitUntil(lambda: len({label.y() for label in parts}) >= 2, timeout=60_000)
    for label in parts:
        assert label.height() <= label.fontMetrics().height() + 4  # one line each
        assert label.x() + label.width() <= overview.subtitle.width()
    last = parts[-1]
    assert last.text().endswith("…") and last.toolTip() == f"Owner {owner}"
