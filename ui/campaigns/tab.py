"""活动 tab: the campaigns on the left, the picked one's pages on the right (概况, 参与者, and
the pages other modules add to PAGES: 审核, 裂变树, 预测, 对比).

Each page is a `CampaignPage` (ui/campaigns/page.py): the tab hands it the picked campaign and
asks it to reload after a write that touched campaigns (or members, points, communities: the
counts and the checklist read them). New and edited campaigns go through the record editor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from ui.campaigns.campaign_list import CampaignList
from ui.campaigns.comparison_page import ComparisonPage
from ui.campaigns.forecast_page import ForecastPage
from ui.campaigns.overview_page import OverviewPage
from ui.campaigns.participants_page import ParticipantsPage
from ui.campaigns.record_dialog import record_invite
from ui.campaigns.review_page import ReviewPage
from ui.campaigns.tool_import_dialog import import_tool_export
from ui.campaigns.tree_page import TreePage
from ui.common.changes import Change, Changes, changes
from ui.common.empty_state import EmptyState, EmptySwitch
from ui.common.page_tabs import PageTabs
from ui.common.tab import FeatureTab
from ui.common.widgets import menu_button, page_title

if TYPE_CHECKING:
    from core.campaigns.records import CampaignFields
    from core.common.database import Database
    from ui.campaigns.editor import CampaignEditor

# The pages of a campaign, in order: one line each to add another.
PAGES = (OverviewPage, ParticipantsPage, ReviewPage, TreePage, ForecastPage, ComparisonPage)
CAMPAIGNS = changes(Change.CAMPAIGNS)


class CampaignsTab(FeatureTab):
    SHOWS = frozenset({Change.CAMPAIGNS, Change.MEMBERS, Change.POINTS, Change.COMMUNITIES})
    # 生成海报: the 海报 tab's batch dialog for (campaign id, its first target community or None)
    posters_requested = Signal(int, object)

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(database, parent)
        self.setObjectName("campaigns_tab")
        self.campaign_id: int | None = None
        self.editor: CampaignEditor | None = None
        self._closed_editor: CampaignEditor | None = None
        self.list = CampaignList()
        self.list.picked.connect(self._picked)
        self.list.new_requested.connect(self.new_campaign)
        self.pages = PageTabs(
            "campaign_pages", PAGES, self, lambda page: page.show_campaign(self.campaign_id)
        )
        self.pages.setCornerWidget(self._record_buttons(), Qt.Corner.TopRightCorner)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("campaigns_splitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.list)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        self.splitter = splitter
        self._sized = False
        empty = EmptyState(
            "campaign_list_empty",
            "megaphone",
            self.tr("还没有活动"),
            self.tr(
                "活动是一次有目标、有奖励的拉新或促活：邀请码裂变、任务宝、海报裂变、拼团、"
                "助力、砍价、抽奖……在这里写下目标和预算，记录谁邀请了谁，自动算奖励、"
                "查风险、看裂变效果。"
            ),
        )
        empty.add_action("campaign_list_empty_new", self.tr("新建活动…"), self.new_campaign)
        self.switch = EmptySwitch(splitter, empty)  # no campaign yet: what one is, instead
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(page_title("campaigns_title", self.tr("活动")))
        layout.addWidget(self.switch, 1)
        # the campaign's reward decisions, made once for the 概况 and the 参与者 both; cleared
        # whenever the pages are marked stale because the data changed
        from core.campaigns.live import SharedDecisions

        self.shared_decisions = SharedDecisions()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._size_splitter()

    def _size_splitter(self) -> None:
        """The list as wide as its columns need, the pages the rest: once, when first seen."""
        if self._sized or not self.splitter.isVisible():
            return
        self._sized = True
        width = self.splitter.width()
        left = max(self.list.minimumWidth(), min(width // 4, 420))
        self.splitter.setSizes([left, max(1, width - left)])

    def _record_buttons(self) -> QWidget:
        """What happened outside the program, brought in: an invite typed or scanned, and a
        campaign tool's export (one menu beside the pages: it serves every page)."""
        button, menu = menu_button(
            "campaign_record",
            self.tr("记录"),
            self.tr("记录一次邀请，或导入裂变工具导出的明细"),
            "campaign_record_menu",
        )
        invite = menu.addAction(self.tr("记录邀请…"), self._record)
        invite.setObjectName("campaign_record_invite")
        tool = menu.addAction(self.tr("导入工具明细…"), self._tool_import)
        tool.setObjectName("campaign_tool_import")
        self.record_button = button
        return button

    def _record(self) -> None:
        if self.campaign_id is not None:
            record_invite(self, self.campaign_id)

    def _tool_import(self) -> None:
        if self.campaign_id is not None:
            import_tool_export(self, self.campaign_id)

    def page(self, object_name: str):
        return self.pages.page(object_name)

    def all_pages(self) -> list:
        return self.pages.all_pages()

    # ----- loading --------------------------------------------------------------------------

    def reload(self, changed: Changes | None) -> None:
        from core.campaigns.records import list_campaigns

        self.tasks.read(list_campaigns, self._show_list)

    def _show_list(self, rows: list) -> None:
        self.pages.mark_stale()  # whatever changed, the pages read again when shown
        self.shared_decisions.clear()
        keep = self.campaign_id
        self.list.set_rows(rows, keep)
        self.switch.set_empty(not rows)
        self._size_splitter()
        self.pages.setEnabled(self.list.current_id() is not None)

    def _picked(self, campaign_id: int | None) -> None:
        if campaign_id != self.campaign_id:
            self.pages.mark_stale()
        self.campaign_id = campaign_id
        self.pages.setEnabled(campaign_id is not None)
        self.pages.show_current()

    def show_campaign(self, campaign_id: int) -> None:
        """Pick this campaign in the list (after creating it, or from elsewhere)."""
        if campaign_id != self.campaign_id:
            self.pages.mark_stale()  # the pages show another campaign: they read again
        self.campaign_id = campaign_id
        self.list.select(campaign_id)

    # ----- writing --------------------------------------------------------------------------

    def new_campaign(self) -> None:
        self._open_editor(None)

    def edit_campaign(self, campaign_id: int) -> None:
        from core.campaigns.records import find_campaign, read_fields

        self.tasks.read(
            lambda session: (
                _communities(session, campaign_id),
                campaign_id,
                read_fields(session, campaign_id),
                find_campaign(session, str(campaign_id)).status != "draft",
            ),
            lambda result: self._open_editor(*result),
        )

    def _open_editor(
        self,
        communities=None,
        campaign_id: int | None = None,
        fields: CampaignFields | None = None,
        running: bool = False,
    ) -> None:
        """The record editor: a new campaign (`campaign_id` None) or the one read."""
        if communities is None:
            self.tasks.read(lambda session: _communities(session, None), self._open_editor)
            return
        from ui.campaigns.editor import CampaignEditor

        if self._closed_editor is not None:
            # Deleted now, not on closing: its write's progress dialog (its child) is
            # still being finished when it closes.
            self._closed_editor.deleteLater()
            self._closed_editor = None
        editor = CampaignEditor(communities, fields, running=running, parent=self)
        editor.submitted.connect(lambda values: self._save(editor, campaign_id, values))
        editor.finished.connect(lambda _result: self._editor_closed(editor))
        self.editor = editor  # the open dialog (tests reach it here)
        editor.open()

    def _editor_closed(self, editor) -> None:
        self._closed_editor = editor
        if self.editor is editor:
            self.editor = None

    def _save(
        self, editor: CampaignEditor, campaign_id: int | None, fields: CampaignFields
    ) -> None:
        from core.campaigns.records import create_campaign, update_campaign
        from ui.common.tasks import while_alive

        def work(session):
            if campaign_id is None:
                return create_campaign(session, fields).id
            return update_campaign(session, campaign_id, fields).id

        def done(campaign_id: int) -> None:
            editor.done_ok()
            self.campaign_id = campaign_id
            self.pages.mark_stale()
            self.shared_decisions.clear()

        self.tasks.write(
            work,
            label=self.tr("正在保存活动…"),
            changes=CAMPAIGNS,
            then=done,
            on_failure=while_alive(editor, editor.refused),
            parent=editor,
        )

    def posters_for(self, campaign_id: int, community_ids: list[int]) -> None:
        """Ask the window for the poster batch of this campaign (the 海报 tab holds the
        template it is made from)."""
        self.posters_requested.emit(campaign_id, community_ids[0] if community_ids else None)

    def set_status(self, campaign_id: int, status: str) -> None:
        from core.campaigns.records import set_status

        self.tasks.write(
            lambda session: set_status(session, str(campaign_id), status),
            label=self.tr("正在更改活动状态…"),
            changes=CAMPAIGNS,
        )


def _communities(session, campaign_id: int | None) -> list[tuple[int, str]]:
    """The groups a campaign may target: those not archived, plus the ones it already has."""
    from core.campaigns.records import community_ids_of
    from core.communities.listing import list_communities

    mine = set(community_ids_of(session, campaign_id)) if campaign_id is not None else set()
    return [
        (row.id, row.name)
        for row in list_communities(session, include_archived=True)
        if not row.archived or row.id in mine
    ]
