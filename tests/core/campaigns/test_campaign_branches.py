"""The tab's tree, one level at a time, on the 15-person campaign in the database: the seeds,
each member's invitees with their counts as the pure tree counts them, the path up from a
member, and the search by pinyin among the participants. SQLite and PostgreSQL."""

from __future__ import annotations

from core.campaigns.branches import (
    children,
    find_participants,
    path_to,
    seed_descendants,
    seeds,
)
from core.campaigns.people import descendants
from core.campaigns.waves import build_tree
from core.members.editing import refresh_search_keys
from db.models import Member
from tests.core.campaigns import tree15, tree15_db
from tests.core.campaigns.tree15 import at


def test_every_level_counts_as_the_pure_tree(database):
    tree = build_tree(tree15.edges())
    below = descendants(tree)
    with database.session() as session:
        campaign = tree15_db.load(session)
        roots = seeds(session, campaign)
        below_seeds = seed_descendants(session, campaign)
        levels = {m: children(session, campaign, m) for m in tree15.JOINED}
    assert [(b.member_id, b.joined_at) for b in roots] == [(1, at(0)), (2, at(2)), (3, at(4))]
    assert [(b.invited, b.verified, b.descendants) for b in roots] == [
        (3, 3, None), (1, 1, None), (0, 0, None)]  # fmt: skip
    assert below_seeds == {1: 10, 2: 2, 3: 0}
    for member, level in levels.items():
        assert [b.member_id for b in level] == tree.children.get(member, []), member
        for branch in level:
            assert branch.descendants == below.get(branch.member_id, 0)
            assert branch.invited == len(tree.children.get(branch.member_id, []))
            assert branch.joined_at == at(tree15.JOINED[branch.member_id])
            assert branch.name == f"m{branch.member_id}"
    eight = {b.member_id: b for b in levels[4]}[8]
    assert (eight.invited, eight.verified, eight.descendants) == (2, 1, 3)  # 13 is pending


def test_path_from_the_seed_and_search_by_pinyin(database):
    with database.session(write=True) as session:
        campaign = tree15_db.load(session)
        for member, name in ((15, "张小凡"), (16, "张小凡的朋友"), (12, "李雷")):
            row = session.get(Member, member)
            row.nickname = name
            refresh_search_keys(session, row)
    with database.session() as session:
        found = find_participants(session, campaign, "zxf")
        by_hanzi = find_participants(session, campaign, "小凡")
        path = path_to(session, campaign, 15)
        seed = path_to(session, campaign, 2)
        nine = path_to(session, campaign, 9)
    assert found == [(15, "张小凡")]  # 16's edge was rejected: no participant
    assert by_hanzi == found
    assert (path.members, path.wave, path.cycle) == ([1, 4, 8, 12, 15], 4, False)
    assert path.names[12] == "李雷"
    assert (seed.members, seed.wave) == ([2], 0)
    assert nine.members == [1, 4, 9]  # 4 came first, not 6
