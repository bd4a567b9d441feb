"""GUI: the frame of the campaign's record dialogs — opened over the tab for one campaign, its
action is the primary button beside 关闭, and while the action's write runs neither 关闭 nor
Esc closes it (the write reports back to it)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QPushButton, QVBoxLayout

from tests.ui.campaigns.campaign_helpers import Host
from ui.campaigns.campaign_dialog import CampaignDialog
from ui.common.widgets import push_button


class Probe(CampaignDialog):
    def __init__(self, tab, campaign_id: int) -> None:
        super().__init__(tab, campaign_id, "probe_dialog", "试一试", 320)
        self.action = push_button("probe_action", "做", lambda: None)
        self.updates: list[bool] = []
        QVBoxLayout(self).addWidget(self.close_buttons(self.action))

    def _update(self) -> None:
        self.updates.append(self.busy)
        self.action.setEnabled(not self.busy)


def test_busy_keeps_the_dialog_open_and_its_buttons_off(app, qtbot, sqlite_database):
    host = Host(sqlite_database)
    qtbot.addWidget(host)
    host.show()
    dialog = Probe.open_over(host, 7)
    qtbot.waitUntil(dialog.isVisible, timeout=10_000)
    assert (dialog.parent(), dialog.campaign_id, dialog.objectName()) == (host, 7, "probe_dialog")
    assert dialog.minimumWidth() == 320
    close = dialog.buttons.button(QDialogButtonBox.StandardButton.Close)
    assert close.text() == "关闭"
    action = dialog.findChild(QPushButton, "probe_action")
    assert action.property("primary") is True
    assert dialog.buttons.buttonRole(action) == QDialogButtonBox.ButtonRole.ActionRole

    dialog.set_busy(True)
    assert not close.isEnabled() and not action.isEnabled()
    dialog.reject()  # what 关闭 and Esc do
    assert dialog.isVisible()

    dialog.set_busy(False)
    assert close.isEnabled() and action.isEnabled()
    assert dialog.updates == [True, False]
    close.click()
    assert not dialog.isVisible()
