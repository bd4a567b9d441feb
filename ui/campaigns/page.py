"""One page of the 活动 tab: it shows the campaign picked in the tab's list.

The tab (ui/campaigns/tab.py) keeps the list of campaigns on the left and a stack of pages on
the right (概况, 参与者, 审核, 裂变树, 预测, 对比). Every page is a `CampaignPage`: the tab hands
it the picked campaign with `show_campaign` and asks it to `reload` after a write it announced
touched campaigns. Pages read and write only through the tab's `tasks` (ui/common/tasks.py),
so the tab's `busy()` covers their work and their writes reach every other tab.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from ui.common.tab import FeatureTab


class CampaignPage(QWidget):
    """A page of the 活动 tab; subclasses implement `title` and `reload`."""

    def __init__(self, tab: FeatureTab, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tab = tab  # its `tasks`, `database` and `announce`
        self.campaign_id: int | None = None

    def title(self) -> str:
        """The page's tab text: `return self.tr("审核")` (a literal, so lupdate finds it)."""
        raise NotImplementedError

    def show_campaign(self, campaign_id: int | None) -> None:
        """Show another campaign (None: nothing picked) and load it."""
        self.campaign_id = campaign_id
        self.reload()

    def reload(self) -> None:
        raise NotImplementedError
