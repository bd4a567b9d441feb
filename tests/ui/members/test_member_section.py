"""A section another feature adds to the member detail: shown under its title, told each
member the panel shows (at once when added while one is shown), its `changed` reported as the
member's change, and handed a reopened database."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from core.members.editing import create_member
from ui.members.detail import MemberDetailPanel
from ui.members.section import MemberSection


class Probe(MemberSection):
    def __init__(self, database) -> None:
        super().__init__(database, "probeSection", "试一试")
        self.shown: list[int | None] = []

    def show_member(self, member_id: int | None) -> None:
        self.member_id = member_id
        self.shown.append(member_id)


def test_a_section_follows_the_panel(app, qtbot, sqlite_database):
    with sqlite_database.session(write=True) as session:
        first, second = create_member(session, "张小凡"), create_member(session, "Lily")
    panel = MemberDetailPanel(sqlite_database)
    qtbot.addWidget(panel)
    panel.show_member(first)
    probe = Probe(sqlite_database)
    assert (probe.objectName(), probe.member_id, probe.database) == (
        "probeSection",
        None,
        sqlite_database,
    )
    panel.add_section(probe)
    assert probe.shown == [first]  # added while a member is shown
    assert "试一试" in [label.text() for label in panel.findChildren(QLabel)]

    panel.show_member(second)
    assert probe.shown == [first, second]
    with qtbot.waitSignal(panel.member_changed, timeout=1_000) as saved:
        probe.changed.emit()
    assert saved.args == [second]

    reopened = object()  # what a restore hands the panel
    panel.database = reopened
    assert probe.database is reopened
    qtbot.waitUntil(lambda: not panel.tasks.busy(), timeout=60_000)
