"""The communities a dialog offers to pick from — in the import wizards, the activity dialogs
and the report presets — read from the database in the order every picker shows them: by name
(numbers by value), archived ones last."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from core.common.database import Database
from core.members.query import filter_choices
from ui.common.sorting import sorted_by_name
from ui.common.widgets import select_data


def offered_communities(database: Database) -> list[tuple[int, str]]:
    """(id, name) of the communities to offer, in picking order (safe off the GUI thread)."""
    with database.session() as session:
        choices = filter_choices(session)
    return sorted_by_name(choices.communities, later=choices.is_archived)


def community_box(
    database: Database,
    object_name: str,
    selected: int | None = None,
    first: tuple[str, object] | None = None,
) -> QComboBox:
    """A drop-down of the communities (read now), each storing its id, showing `selected`
    when it is among them; `first`: (label, value) of an item before them, such as 全部社群."""
    box = QComboBox()
    box.setObjectName(object_name)
    if first is not None:
        box.addItem(*first)
    for community_id, name in offered_communities(database):
        box.addItem(name, community_id)
    if selected is not None:
        select_data(box, selected)
    return box
