"""A plain tab to host a page of the 活动 tab on its own (the tab itself is written
elsewhere), and the campaign the tests review (tests/core/campaigns/review_helpers.py)."""

from __future__ import annotations

from tests.core.campaigns.review_helpers import HOLD_ALL, Built, build_campaign
from ui.common.changes import Change
from ui.common.tab import FeatureTab

__all__ = ["HOLD_ALL", "Built", "Host", "build_campaign"]


class Host(FeatureTab):
    """A tab with nothing of its own: it hosts one page and remembers what it announced."""

    SHOWS = frozenset({Change.CAMPAIGNS, Change.POINTS})

    def __init__(self, database) -> None:
        super().__init__(database)
        self.setObjectName("campaigns_host")
        self.announced: list = []
        self.data_changed.connect(self.announced.append)

    def reload(self, changed) -> None:
        pass
