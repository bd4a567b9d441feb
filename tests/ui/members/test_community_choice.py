"""The communities a dialog offers: in picking order (numbers by value, archived last), each
item storing its id, an optional first item before them, the opener's community shown."""

from __future__ import annotations

from tests.core.tiers.helpers import community
from ui.members.community_choice import community_box, offered_communities


def made(database) -> dict[str, int]:
    with database.session() as session:
        ids = {
            name: community(session, name, archived=name == "麦香1群")
            for name in ("麦香23群", "麦香1群", "麦香3群", "花漾群")
        }
        session.commit()
    return ids


def test_offered_in_picking_order_archived_last(app, sqlite_database):
    ids = made(sqlite_database)
    order = ["花漾群", "麦香3群", "麦香23群", "麦香1群"]
    assert offered_communities(sqlite_database) == [(ids[name], name) for name in order]


def test_the_box_stores_ids_after_its_first_item_and_shows_the_chosen(app, sqlite_database):
    ids = made(sqlite_database)
    box = community_box(sqlite_database, "probeCommunity", ids["麦香3群"], ("全部社群", None))
    assert box.objectName() == "probeCommunity"
    items = [(box.itemText(i), box.itemData(i)) for i in range(box.count())]
    assert items[0] == ("全部社群", None)
    assert items[1:] == [(name, ids[name]) for name in ("花漾群", "麦香3群", "麦香23群", "麦香1群")]
    assert box.currentData() == ids["麦香3群"]

    plain = community_box(sqlite_database, "plain", selected=12345)  # not among them: the first
    assert (plain.count(), plain.currentData()) == (4, ids["花漾群"])
