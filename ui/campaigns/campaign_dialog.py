"""The frame of a dialog that brings in something of one campaign (记录邀请, 导入裂变工具明细):
opened over the 活动 tab, it writes through the tab's tasks and stays open for the next one;
one primary button does its work beside 关闭, and while that work runs (busy) neither 关闭 nor
Esc closes it, so a write is never left without its dialog to report to."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self, TypeVar

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ui.common.changes import Changes
    from ui.common.tab import FeatureTab

T = TypeVar("T")


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
        self._writes = 0  # writes started and not yet ended

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

    @property
    def busy(self) -> bool:
        return self._writes > 0

    def write(
        self,
        work: Callable[[Session], T],
        label: str,
        changes: Changes,
        then: Callable[[T], None],
        on_failure: Callable[[BaseException], None],
    ) -> None:
        """`work(session)` through the tab's tasks, the dialog busy until every write it
        started has ended, after that write's `then(result)` or `on_failure(error)`."""
        self._writes += 1
        self._show_busy()

        def ended(callback: Callable[[Any], None]) -> Callable[[Any], None]:
            def call(value: Any) -> None:
                try:
                    callback(value)
                finally:
                    self._writes -= 1
                    self._show_busy()

            return call

        self.tab.tasks.write(
            work,
            label=label,
            changes=changes,
            then=ended(then),
            on_failure=ended(on_failure),
            parent=self,
        )

    def _show_busy(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setEnabled(not self.busy)
        self._update()

    def _update(self) -> None:
        """Enable the action for the dialog's state (`busy` included)."""
        raise NotImplementedError

    def reject(self) -> None:
        if not self.busy:
            super().reject()
