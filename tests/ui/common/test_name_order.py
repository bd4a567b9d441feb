"""Every list of communities is in one order: pinyin, numbers by value (3群 before 23群),
archived groups last; the 分层 tab's list can be searched by typing part of a name."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from core.members.editing import create_member
from core.posters.builtin import load_builtin
from tests.core.tiers.helpers import community
from ui.activity.activity_import_dialog import ActivityImportDialog
from ui.activity.entry_dialog import ActivityEntryDialog
from ui.activity.paste_dialog import PasteDialog
from ui.common.sorting import sorted_by_name
from ui.members.filter_bar import MemberFilterBar
from ui.members.import_dialog import ImportDialog
from ui.posters.bulk_dialog import BulkPosterDialog
from ui.tiers.tab import TiersTab

IN_ORDER = ["花漾团购群", "麦香烘焙会员3群", "麦香烘焙会员23群", "麦香烘焙会员44群"]
ARCHIVED = "麦香烘焙会员1群"


def test_names_sort_by_pinyin_with_numbers_by_value(app):
    items = list(enumerate(["麦香烘焙会员44群", "小橡树", "麦香烘焙会员3群", "花漾团购群"]))
    names = [name for _id, name in sorted_by_name(items)]
    assert names == ["花漾团购群", "麦香烘焙会员3群", "麦香烘焙会员44群", "小橡树"]
    later = [name for _id, name in sorted_by_name(items, later=lambda item: item[0] == 3)]
    assert later == ["麦香烘焙会员3群", "麦香烘焙会员44群", "小橡树", "花漾团购群"]


@pytest.fixture
def groups(sqlite_database):
    with sqlite_database.session() as session:
        # Made out of order: the ids say nothing about the order either.
        ids = {name: community(session, name) for name in sorted(IN_ORDER, reverse=True)}
        ids[ARCHIVED] = community(session, ARCHIVED, archived=True)
        member_id = create_member(session, "张小凡")
        session.commit()
    return sqlite_database, ids, member_id


def names(combo: QComboBox) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count()) if combo.itemData(i) is not None]


def _filter_bar(database, qtbot):
    from core.members.query import filter_choices

    bar = MemberFilterBar()
    with database.session() as session:
        bar.set_choices(filter_choices(session))
    return bar, "members_filter_community"


def _tiers(database, qtbot):
    tab = TiersTab(database)
    qtbot.waitUntil(lambda: tab.community.count() == 6, timeout=60_000)
    return tab, "tiersCommunity"


def _import(database, qtbot):
    dialog = ImportDialog(database)
    combo = dialog.findChild(QComboBox, "import_community")
    qtbot.waitUntil(lambda: combo.count() == 6, timeout=60_000)
    return dialog, "import_community"


def _bulk_posters(database, qtbot):
    template, assets = load_builtin("invite")
    return BulkPosterDialog(database, template, assets, template.name), "bulkPosterCommunity"


OPENERS = {
    "members filter": _filter_bar,
    "tiers tab": _tiers,
    "member import": _import,
    "activity entry": lambda db, _q: (ActivityEntryDialog(db, [], None), "entryCommunity"),
    "paste": lambda db, _q: (PasteDialog(db), "pasteCommunity"),
    "activity import": lambda db, _q: (ActivityImportDialog(db), "activityImportCommunity"),
    "bulk posters": _bulk_posters,
}


@pytest.mark.parametrize("where", list(OPENERS))
def test_every_community_list_has_the_same_order(groups, app, qtbot, where):
    database, _ids, _member = groups
    widget, name = OPENERS[where](database, qtbot)
    qtbot.addWidget(widget)
    combo = widget.findChild(QComboBox, name)
    assert names(combo) == [*IN_ORDER, ARCHIVED]
    if hasattr(widget, "busy"):
        qtbot.waitUntil(lambda: not widget.busy(), timeout=60_000)


def test_the_tiers_community_list_finds_a_typed_part_of_a_name(groups, app, qtbot):
    database, ids, _member = groups
    tab = TiersTab(database)
    qtbot.addWidget(tab)
    tab.show()
    combo = tab.findChild(QComboBox, "tiersCommunity")
    qtbot.waitUntil(lambda: combo.count() == 6 and not tab.tasks.busy(), timeout=60_000)
    combo.lineEdit().setFocus()
    combo.lineEdit().selectAll()
    qtbot.keyClicks(combo.lineEdit(), "3")
    completer = combo.completer()
    popup = completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=60_000)
    shown = [
        completer.completionModel().index(row, 0).data()
        for row in range(completer.completionModel().rowCount())
    ]
    assert shown == ["麦香烘焙会员3群", "麦香烘焙会员23群"]
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.community_id() == ids["麦香烘焙会员23群"], timeout=60_000)
    # Text that names no group is put back when the box is left.
    combo.setEditText("没有这个群")
    combo.lineEdit().editingFinished.emit()
    assert combo.currentText() == "麦香烘焙会员23群"
    qtbot.waitUntil(lambda: not tab.tasks.busy(), timeout=60_000)
