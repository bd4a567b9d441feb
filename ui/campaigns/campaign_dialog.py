"""The frame of a dialog that brings in something of one campaign (记录邀请, 导入裂变工具明细):
opened over the 活动 tab, it writes through the tab's tasks and stays open for the next one;
one primary button does its work beside 关闭, and while that work runs (busy) neither 关闭 nor
Esc closes it, so a write is never left without its dialog to report to."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton

if TYPE_CHECKING:
    from ui.common.tab import FeatureTab


class CampaignDialog(QDialog):
    def __init__(
        self, tab: FeatureTab, campaign_id: int, name: str, title: str, min_width: int
    ) -> None:
        super().__init__(tab)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.setMinimumWidth(min_width)
        self.tab = tab
        self.campaign_id = campaign_id
        self.busy = False

    @classmethod
    def open_over(cls, tab: FeatureTab, campaign_id: int) -> Self:
        """Open the dialog for the campaign over the tab (its toolbar menu calls this)."""
        dialog = cls(tab, campaign_id)
        dialog.open()
        return dialog

    def close_buttons(self, action: QPushButton) -> QDialogButtonBox:
        """关闭, and `action` beside it as the primary button."""
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        # Its own context: self.tr would look the text up under the subclass's name.
        close.setText(QCoreApplication.translate("CampaignDialog", "关闭"))
        action.setProperty("primary", True)
        self.buttons.addButton(action, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        return self.buttons

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setEnabled(not busy)
        self._update()

    def _update(self) -> None:
        """Enable the action for the dialog's state (`busy` included)."""
        raise NotImplementedError

    def reject(self) -> None:
        if not self.busy:
            super().reject()
