"""A shared 群昵称 is weak evidence: staff take the shop's name as their group nickname, and
neighbours write their flat number; neither makes two people one (issue 15)."""

from __future__ import annotations

from core.members.merging.suggestions import GROUP_ONLY_SCORE, merge_suggestions
from tests.core.members.test_merging import group, join, pair, person


def suggestions(session) -> dict[tuple[int, int], object]:
    return {(s.a_id, s.b_id): s for s in merge_suggestions(session)}


def test_team_accounts_sharing_the_shops_group_nickname_are_not_suggested(database):
    with database.session() as session:
        bakery = group(session, "麦香烘焙会员1群")
        boss = person(session, "店长老王", is_team=True)
        staff = person(session, "小美", is_team=True)
        join(session, boss, bakery, group_nickname="麦香烘焙")
        join(session, staff, bakery, group_nickname="麦香烘焙")
        # The shop's name as one's nickname and the other's group nickname: no evidence either.
        clerk = person(session, "麦香烘焙", is_team=True)
        join(session, clerk, bakery)
        assert suggestions(session) == {}


def test_a_shared_group_nickname_alone_is_not_a_certain_match(database):
    with database.session() as session:
        bakery = group(session, "麦香烘焙会员1群")
        zhang, li = person(session, "张三"), person(session, "李四")
        join(session, zhang, bakery, group_nickname="3栋302")
        join(session, li, bakery, group_nickname="3栋302")
        found = suggestions(session)
    suggestion = found[pair(zhang, li)]
    assert suggestion.score == GROUP_ONLY_SCORE < 100
    assert suggestion.evidence == (
        "群昵称相同「3栋302」，昵称不同（张三 / 李四），同在 麦香烘焙会员1群"
    )


def test_alike_nicknames_still_count_beside_a_shared_group_nickname(database):
    with database.session() as session:
        bakery = group(session, "麦香烘焙会员1群")
        # Same tidied nickname: the shared group nickname still counts in full.
        fan, fan2 = person(session, "张小凡"), person(session, "张小凡🌸")
        join(session, fan, bakery, group_nickname="小凡")
        join(session, fan2, bakery, group_nickname="小凡")
        # Nicknames that only sound alike: the nickname match (90) is the evidence.
        wei, wei2 = person(session, "李伟"), person(session, "李威")
        join(session, wei, bakery, group_nickname="伟哥")
        join(session, wei2, bakery, group_nickname="伟哥")
        found = suggestions(session)
    assert found[pair(fan, fan2)].score == 100
    assert found[pair(wei, wei2)].score == 90
    assert found[pair(wei, wei2)].evidence.startswith("昵称读音相同（李伟 / 李威）")
