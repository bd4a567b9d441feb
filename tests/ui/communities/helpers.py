"""Waiting for what the communities tab loads in the background."""

from __future__ import annotations

from ui.communities.tab import CommunitiesTab


def wait_for_detail(qtbot, tab: CommunitiesTab, community_id: int, check=lambda data: True):
    """Until the detail area shows this community and `check(data)` holds."""

    def ready() -> bool:
        data = tab.detail.data
        return data is not None and data.community_id == community_id and check(data)

    qtbot.waitUntil(ready, timeout=60_000)
    return tab.detail.data


def row_named(tab: CommunitiesTab, name: str):
    return next((row for row in tab.rows if row.name == name), None)
