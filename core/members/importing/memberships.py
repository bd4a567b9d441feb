"""Memberships: the communities a file names, who joins which (or rejoins, or changes their
group nickname there), and who leaves a group whose complete list the file is."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select

from core.common.errors import UserError
from core.common.joins import joined_list
from core.common.sheets.normalize import lossy_equal
from core.common.text import msg
from core.members.importing.changes import show_value
from core.members.importing.model import CommunityPlan, FieldChange
from core.members.importing.persons import Person, Seen
from db.models import Member, Membership

_JOINS = msg("加入社群")


class Memberships:
    """The planner's community steps (mixed into plan._Planner, whose state they share:
    `options`, `override`, `db`, `connection`, `persons`, `file_groups`, `group_complete`,
    `group_export_time`, `group_has_team`, `protected`, `unresolved_rejects`, `existing_groups`,
    `joins`, `notes`, `now`)."""

    def _communities(self) -> dict[str, CommunityPlan]:
        options = self.options
        if self.override and len(self.file_groups) > 1:
            raise UserError(
                msg(
                    "文件里有 {count} 个群（{names}），指定社群只能用于只含一个群的文件",
                    count=len(self.file_groups),
                    names=joined_list(list(self.file_groups)[:5]),
                )
            )
        result: dict[str, CommunityPlan] = {}
        names = [self.override] if self.override else list(self.file_groups)
        for name in names:
            if name is None or name in result:
                continue
            if len(name) > 100:
                raise UserError(msg("群名「{name}…」超过 {limit} 个字", name=name[:20], limit=100))
            platform = self.file_groups.get(name) or next(iter(self.file_groups.values()), "wechat")
            found = self.db.communities.get(name, [])
            if self.override and options.community_id is not None:
                community_id = options.community_id
                platform = next(
                    (
                        p
                        for ids in self.db.communities.values()
                        for i, p in ids
                        if i == community_id
                    ),
                    platform,
                )
            elif len(found) > 1:
                raise UserError(
                    msg(
                        "数据库里有 {count} 个名为「{name}」的社群，无法判断导入哪一个："
                        "请指定社群编号",
                        count=len(found),
                        name=name,
                    )
                )
            elif found:
                community_id, platform = found[0]
            else:
                community_id = None
            complete = self.group_complete.get(name, False)
            result[name] = CommunityPlan(
                name=name, community_id=community_id, platform=platform, complete=complete
            )
        return result

    def _join_time(self, seen: Seen) -> datetime:
        return seen.joined_at or seen.export_time or self.now

    def _join(self, person: Person, name: str, seen: Seen, plan: CommunityPlan) -> tuple:
        """`person` joins group `name` for the first time: counted, kept for the join events,
        and the membership op that writes it."""
        occurred = self._join_time(seen)
        self.joins.append((person, name, occurred))
        plan.joins += 1
        nickname, channel = seen.group_nickname or "", seen.join_channel or ""
        return ("new", name, nickname, seen.joined_at or occurred, channel)

    def _join_new(self, person: Person, communities: dict[str, CommunityPlan]) -> None:
        """A new member joins every group the file shows them in."""
        for name, seen in person.groups.items():
            person.ops["memberships"].append(self._join(person, name, seen, communities[name]))

    def _membership_changes(
        self, person: Person, communities: dict[str, CommunityPlan], changes: list[FieldChange]
    ) -> tuple[list[tuple], dict[Any, str]]:
        """An existing member's joins, rejoins and membership updates (added to `changes`),
        and their group nicknames after the import."""
        groups = self.existing_groups.get(person.member_id, {})
        membership_ops = []
        group_nicknames: dict[Any, str] = {cid: gn for cid, (gn, *_rest) in groups.items()}
        for name, seen in person.groups.items():
            plan = communities[name]
            existing = groups.get(plan.community_id) if plan.community_id else None
            if existing is None:
                membership_ops.append(self._join(person, name, seen, plan))
                if seen.group_nickname:
                    group_nicknames[("new", name)] = seen.group_nickname
                changes.append(FieldChange(_JOINS, "", name))
                continue
            old_nickname, joined_at, left_at, join_channel = existing
            values: dict[str, Any] = {}
            if left_at is not None:
                occurred = (
                    seen.joined_at
                    if seen.joined_at and seen.joined_at > left_at
                    else (seen.export_time or self.now)
                )
                values["left_at"] = None
                values["joined_at"] = occurred
                self.joins.append((person, name, occurred))
                plan.joins += 1
                changes.append(
                    FieldChange(
                        msg("重新加入「{community}」", community=name),
                        msg("{time} 退群", time=show_value(left_at)),
                        show_value(occurred),
                    )
                )
            elif seen.joined_at and seen.joined_at != joined_at:
                values["joined_at"] = seen.joined_at
                changes.append(
                    FieldChange(
                        msg("入群时间（{community}）", community=name),
                        show_value(joined_at),
                        show_value(seen.joined_at),
                    )
                )
            new_nickname = seen.group_nickname
            if (
                new_nickname
                and new_nickname != old_nickname
                and not (old_nickname and lossy_equal(new_nickname, old_nickname))
            ):
                values["group_nickname"] = new_nickname
                group_nicknames[plan.community_id] = new_nickname
                changes.append(
                    FieldChange(
                        msg("群昵称（{community}）", community=name),
                        old_nickname or "",
                        new_nickname,
                    )
                )
            if seen.join_channel and not join_channel:
                values["join_channel"] = seen.join_channel
                changes.append(
                    FieldChange(
                        msg("入群方式（{community}）", community=name), "", seen.join_channel
                    )
                )
            if values:
                membership_ops.append(("update", name, values))
        return membership_ops, group_nicknames

    def _leaves(
        self, communities: dict[str, CommunityPlan]
    ) -> list[tuple[int, str, datetime, str]]:
        leaves: list[tuple[int, str, datetime, str]] = []
        m, ms = Member.__table__, Membership.__table__
        # Existing members the file shows in each group: one pass, not one per group.
        seen_in: dict[str, set[int]] = defaultdict(set)
        for person in self.persons:
            if person.member_id:
                for name in person.groups:
                    seen_in[name].add(person.member_id)
        for name, plan in communities.items():
            if not plan.complete or plan.community_id is None:
                continue
            if self.unresolved_rejects.get(name):
                plan.note = msg(
                    "有 {count} 行被拒绝且认不出是谁，本次不记录这个群的退群",
                    count=self.unresolved_rejects[name],
                )
                self.notes.append(msg("「{community}」{note}", community=name, note=plan.note))
                continue
            if self.file_groups.get(name) == "wecom" and plan.platform in ("wechat", "qq"):
                # A WeCom export cannot list a personal-WeChat or QQ group: another group that
                # shares the name. Its members are added; nobody is said to have left.
                plan.note = msg(
                    "文件是企业微信客户群的名单，而这个社群是{platform}（可能是同名的另一个群），"
                    "本次不记录退群",
                    platform=msg("个人微信群") if plan.platform == "wechat" else msg("QQ群"),
                )
                self.notes.append(msg("「{community}」{note}", community=name, note=plan.note))
                continue
            seen = seen_in[name] | self.protected.get(name, set())
            current = self.connection.execute(
                select(ms.c.member_id, m.c.nickname)
                .join(m, m.c.id == ms.c.member_id)
                .where(
                    and_(
                        ms.c.community_id == plan.community_id,
                        ms.c.left_at.is_(None),
                        m.c.merged_into_id.is_(None),
                    )
                )
                .order_by(ms.c.member_id)
            ).all()
            if current and not any(mid in seen for mid, _ in current):
                # Nobody in the file is a current member: another group of the same name, or a
                # list from the other side (personal WeChat wxids vs. WeCom ids). Not a reason
                # to record that everyone left.
                plan.note = msg(
                    "文件里的成员与现有成员一个都对不上（可能是同名的另一个群），本次不记录退群"
                )
                self.notes.append(msg("「{community}」{note}", community=name, note=plan.note))
                continue
            occurred = self.group_export_time.get(name) or self.now
            # A list without any staff in it (customer-only views) says nothing about staff.
            has_team = self.group_has_team.get(name, False)
            leaving = [
                (mid, nick)
                for mid, nick in current
                if mid not in seen and (has_team or mid not in self.db.team)
            ]
            for member_id, nickname in leaving:
                leaves.append((member_id, name, occurred, nickname or ""))
            plan.leaves = len(leaving)
            if len(leaving) * 2 > len(current):
                self.notes.append(
                    msg(
                        "「{community}」现有 {count} 人中有 {leaving} 人不在文件里、"
                        "将记为退群：请确认这个文件是该群的完整成员名单",
                        community=name,
                        count=len(current),
                        leaving=len(leaving),
                    )
                )
        return leaves
