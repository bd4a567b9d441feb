"""Relative SOPs: day N after a member joins, or after a group is created, each step with a
send window. They make no item per member: today's list shows one line per community, step
and day ("今天：欢迎 12 位新成员"), and opens the members due.

Which day is a member's day 0? The first day the step's window can still be met: a member who
joins at 23:50, after a 09:00–21:00 window has closed, is welcomed the next morning, and their
day 3 counts from that morning too. Joined before the window closes: day 0 is the same day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.common.text import msg
from db.calendar_models import SopStep, SopTemplate, SopTemplateCommunity
from db.models import Community, Member, Membership


def _minutes(when: datetime) -> int:
    return when.hour * 60 + when.minute


def first_day(joined_at: datetime, window_end: int) -> date:
    """Day 0 for someone who joined at `joined_at`, for a window ending `window_end` minutes
    into the day."""
    day = joined_at.date()
    return day if _minutes(joined_at) < window_end else day + timedelta(days=1)


def due_day(joined_at: datetime, step_day: int, window_end: int) -> date:
    return first_day(joined_at, window_end) + timedelta(days=step_day)


def joined_between(day: date, step_day: int, window_end: int) -> tuple[datetime, datetime]:
    """The join times [start, end) whose day `step_day` is `day` (the inverse of due_day)."""
    end = datetime.combine(day - timedelta(days=step_day), time.min) + timedelta(minutes=window_end)
    return end - timedelta(days=1), end


@dataclass
class RelativeLine:
    community_id: int
    community: str
    template_id: int
    template: str
    step_id: int
    step: str
    day: int  # day N after the anchor
    count: int | None  # members due (None for a group's own day)
    window_start: int
    window_end: int

    @property
    def text(self) -> str:
        if self.count is None:
            return msg("今天：新群第 {day} 天 · {step}", day=self.day, step=self.step)
        return msg("今天：{step} {count} 位新成员", step=self.step, count=self.count)

    @property
    def window(self) -> str:
        return f"{self.window_start // 60:02d}:{self.window_start % 60:02d}–" + (
            f"{self.window_end // 60:02d}:{self.window_end % 60:02d}"
        )


def _members_query(step: SopStep, day: date):
    start, end = joined_between(day, step.day, step.window_end)
    return (
        select(Membership.community_id, Membership.member_id)
        .join(Member, Member.id == Membership.member_id)
        .where(
            Membership.joined_at >= start,
            Membership.joined_at < end,
            Membership.left_at.is_(None),
            Member.is_team.is_(False),
            Member.merged_into_id.is_(None),
        )
    )


def relative_lines(
    session: Session, day: date, community_id: int | None = None
) -> list[RelativeLine]:
    """Today's lines of every relative SOP: one per community and step with someone due."""
    query = (
        select(SopTemplateCommunity.template_id, Community.id, Community.name, Community.created_on)
        .join(Community, Community.id == SopTemplateCommunity.community_id)
        .where(Community.deleted_at.is_(None))
    )
    if community_id is not None:
        query = query.where(Community.id == community_id)
    targets: dict[int, list] = {}
    for template_id, cid, name, created_on in session.execute(query):
        targets.setdefault(template_id, []).append((cid, name, created_on))
    if not targets:
        return []
    steps = session.execute(
        select(SopTemplate, SopStep)
        .join(SopStep, SopStep.template_id == SopTemplate.id)
        .where(
            SopTemplate.mode == "relative",
            SopTemplate.archived.is_(False),
            SopTemplate.id.in_(list(targets)),
        )
        .order_by(SopTemplate.id, SopStep.day, SopStep.id)
    ).all()
    lines = []
    for template, step in steps:
        places = targets[template.id]
        counts: dict[int, int | None] = {}
        if template.anchor == "member_joined":
            due = (
                _members_query(step, day)
                .where(Membership.community_id.in_([cid for cid, _, _ in places]))
                .subquery()
            )
            counts = dict(
                session.execute(
                    select(due.c.community_id, func.count()).group_by(due.c.community_id)
                ).all()
            )
        else:
            counts = {
                cid: None
                for cid, _, created in places
                if created is not None and created + timedelta(days=step.day) == day
            }
        for cid, name, _ in places:
            if cid in counts:
                lines.append(
                    RelativeLine(
                        cid,
                        name,
                        template.id,
                        template.name,
                        step.id,
                        step.title,
                        step.day,
                        counts[cid],
                        step.window_start,
                        step.window_end,
                    )
                )
    lines.sort(key=lambda line: (line.community_id, line.template_id, line.day))
    return lines


def members_due(
    session: Session, step_id: int, community_id: int, day: date
) -> list[tuple[int, str, datetime]]:
    """Who a line counts: (member id, name in the group, joined at), earliest join first."""
    step = session.get(SopStep, step_id)
    if step is None:
        return []
    ids = _members_query(step, day).where(Membership.community_id == community_id)
    ids = select(ids.subquery().c.member_id)
    rows = session.execute(
        select(Member.id, Membership.group_nickname, Member.nickname, Membership.joined_at)
        .join(Membership, Membership.member_id == Member.id)
        .where(Membership.community_id == community_id, Member.id.in_(ids))
        .order_by(Membership.joined_at, Member.id)
    )
    return [(mid, group or nick, joined) for mid, group, nick, joined in rows]
