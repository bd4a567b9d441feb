"""积分 tab: six pages, one module each — a member's statement (running balance) with award /
deduct / redeem / 补签 / reverse (statement.py), the whole journal with filters (journal.py),
the earn rules (rules.py), the catalogue (catalogue.py), the fulfilment queue
(fulfilment.py), and the boss figures with the expiring-soon reminders (liability.py).

Every read and write goes through core.ledger off the GUI thread, through this tab's `tasks`;
the first refresh also runs the daily work (clawbacks, expiry, birthday gifts), which is
idempotent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from core.ledger.awards import run_daily
from ui.common.changes import Change, Changes
from ui.common.tab import FeatureTab
from ui.common.widgets import page_title
from ui.ledger.catalogue import CataloguePage
from ui.ledger.common import POINTS
from ui.ledger.fulfilment import FulfilmentPage
from ui.ledger.journal import JournalPage
from ui.ledger.liability import LiabilityPage
from ui.ledger.rules import RulesPage
from ui.ledger.statement import StatementPage

if TYPE_CHECKING:
    from core.common.database import Database


class LedgerTab(FeatureTab):
    """积分台账 for the operator and the boss; `data_changed` tells the window what changed."""

    SHOWS = frozenset({Change.POINTS, Change.MEMBERS, Change.ACTIVITY})

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(database, parent)
        self.setObjectName("ledger_tab")
        self._daily_done = False
        self.statement_page = StatementPage(self)
        self.journal_page = JournalPage(self)
        self.rules_page = RulesPage(self)
        self.catalogue_page = CataloguePage(self)
        self.fulfilment_page = FulfilmentPage(self)
        self.liability_page = LiabilityPage(self)

        self.sections = QTabWidget()
        self.sections.setObjectName("ledger_sections")
        self.sections.setDocumentMode(True)
        self.sections.addTab(self.statement_page, self.tr("成员对账单"))
        self.sections.addTab(self.journal_page, self.tr("积分流水"))
        self.sections.addTab(self.rules_page, self.tr("积分规则"))
        self.sections.addTab(self.catalogue_page, self.tr("积分商城"))
        self.sections.addTab(self.fulfilment_page, self.tr("兑换发放"))
        self.sections.addTab(self.liability_page, self.tr("负债与到期"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(page_title("ledger_title", self.tr("积分")))
        layout.addWidget(self.sections)

    def pages(self) -> list:
        return [self.sections.widget(index) for index in range(self.sections.count())]

    def reload(self, changed: Changes | None) -> None:
        if not self._daily_done:
            self._daily_done = True
            database = self.database
            self.tasks.start(lambda: _run_daily(database), self._daily_finished)
            return
        for page in self.pages():
            page.reload()

    def _daily_finished(self, result) -> None:
        changed = result.expired_entries or result.birthdays or result.clawbacks
        self.refresh()
        if changed:
            self.announce(POINTS)

    def select_member(self, member_id: int, name: str = "") -> None:
        """Show this member's statement."""
        self.statement_page.select_member(member_id, name)


def _run_daily(database: Database):
    # It writes (expiry, birthday gifts, clawbacks): the write lock from the start, quietly,
    # without the progress dialog a user's write shows.
    with database.session(write=True) as session:
        return run_daily(session)
