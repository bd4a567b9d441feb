"""GUI: the frame of the campaign's record dialogs — opened over the tab for one campaign, its
action is the primary button beside 关闭, and while a write it started runs neither 关闭 nor
Esc closes it (the write reports back to it); busy ends after the last write's answer."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QPushButton, QVBoxLayout

from core.common.errors import UserError
from tests.ui.campaigns.campaign_helpers import Host
from ui.campaigns.campaign_dialog import CampaignDialog
from ui.common.changes import changes
from ui.common.widgets import push_button


class Probe(CampaignDialog):
    def __init__(self, tab, campaign_id: int) -> None:
        super().__init__(tab, campaign_id, "probe_dialog", "试一试", 320)
        self.action = push_button("probe_action", "做", lambda: None)
        self.heard: list[tuple[str, object, bool]] = []  # (what, value, busy then)
        QVBoxLayout(self).addWidget(self.close_buttons(self.action))

    def _update(self) -> None:
        self.action.setEnabled(not self.busy)

    def done_with(self, value) -> None:
        self.heard.append(("done", value, self.busy))

    def refused(self, error) -> None:
        self.heard.append(("refused", str(error), self.busy))


def refuse(_session):
    raise UserError("不行")


def test_a_write_keeps_the_dialog_open_and_its_buttons_off(app, qtbot, sqlite_database):
    host = Host(sqlite_database)
    qtbot.addWidget(host)
    host.show()
    dialog = Probe.open_over(host, 7)
    qtbot.waitUntil(dialog.isVisible, timeout=60_000)
    assert (dialog.parent(), dialog.campaign_id, dialog.objectName()) == (host, 7, "probe_dialog")
    assert dialog.minimumWidth() == 320
    close = dialog.buttons.button(QDialogButtonBox.StandardButton.Close)
    assert close.text() == "关闭"
    action = dialog.findChild(QPushButton, "probe_action")
    assert action.property("primary") is True
    assert dialog.buttons.buttonRole(action) == QDialogButtonBox.ButtonRole.ActionRole
    assert not dialog.busy and close.isEnabled()

    dialog.write(lambda _session: 1, "写", changes(), dialog.done_with, dialog.refused)
    dialog.write(refuse, "写", changes(), dialog.done_with, dialog.refused)
    assert dialog.busy
    assert not close.isEnabled() and not action.isEnabled()
    dialog.reject()  # what 关闭 and Esc do
    assert dialog.isVisible()

    qtbot.waitUntil(lambda: len(dialog.heard) == 2 and not host.busy(), timeout=60_000)
    # Each answer is heard while busy; only the last one's end clears it.
    assert sorted(dialog.heard) == [("done", 1, True), ("refused", "不行", True)]
    assert not dialog.busy
    assert close.isEnabled() and action.isEnabled()
    close.click()
    assert not dialog.isVisible()
