"""Same-named members told apart by their group, remark or phone tail, never by an id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from core.common.member_description import describe_members
from core.members.editing import add_members_to_community, create_member
from db.models import Community, Member, Membership


def test_four_members_of_one_name_are_told_apart(database):
    with database.session() as session:
        first = Community(name="麦香烘焙会员1群", platform="wechat")
        second = Community(name="麦香烘焙会员2群", platform="wechat")
        third = Community(name="花漾团购群", platform="wechat")
        session.add_all([first, second, third])
        session.flush()
        ids = [create_member(session, "A_黄慧", phone="13800000016")]
        ids.append(create_member(session, "A_黄慧", remark="黄慧姐"))
        ids.append(create_member(session, "A_黄慧"))
        ids.append(create_member(session, "A_黄慧"))
        add_members_to_community(session, [ids[0]], first.id)
        add_members_to_community(session, [ids[2]], second.id)
        add_members_to_community(session, [ids[2]], third.id)
        session.execute(
            update(Membership).where(Membership.member_id == ids[2]).values(group_nickname="小黄")
        )
        session.execute(
            update(Member).where(Member.id == ids[3]).values(created_at=datetime(2025, 3, 8))
        )
        described = describe_members(session, ids)
        assert [described[i] for i in ids] == [
            "A_黄慧 · 麦香烘焙会员1群 · 尾号 0016",
            "A_黄慧 · 备注 黄慧姐",
            "A_黄慧 · 麦香烘焙会员2群 等 2 个群",
            "A_黄慧 · 2025-03-08 建档",  # nothing else is known of this one
        ]
        # Within one group (a 接龙 there): the 群昵称 there, and the other groups.
        assert describe_members(session, [ids[2]], community_id=second.id) == {
            ids[2]: "A_黄慧 · 群昵称 小黄 · 花漾团购群"
        }
        assert describe_members(session, []) == {}
        assert all("#" not in text for text in described.values())
