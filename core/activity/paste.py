"""A pasted 接龙 becomes check-ins: match each name to a member of the community, then record.

Names are matched by core.members.name_match, the matcher the activity import shares: the
member's group nickname in this community, nickname, remark or 微信号, exact before bracket- or
emoji-stripped, then the full pinyin (张小帆 written for 张小凡); the best strength that finds
anyone wins. A name that fits several members equally well (ambiguous, with the candidates), or
none, is left for the operator to resolve; nothing is guessed.
Each check-in carries a reference of community, day and member, so pasting the same 接龙
again — or a longer copy of it later that day — adds only the people not yet recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.activity.jielong import JielongParse, parse_jielong
from core.activity.record import NewEvent, RecordResult, record_events
from core.common.errors import UserError
from core.common.member_description import describe_members
from core.common.text import msg
from core.communities.registry import get_community
from core.members.name_match import community_member_names
from db.models import ActivityEvent

CHECKIN_TIME = time(12, 0)  # a 接龙 says which day, not when: noon keeps it inside the day


@dataclass(frozen=True)
class MatchedName:
    name: str
    member_id: int
    member_name: str
    matched_by: str  # group_nickname / nickname / remark / wechat_id / pinyin / chosen
    already_recorded: bool
    exact: bool = True  # False: found only once brackets, emoji or the spelling were let go


@dataclass(frozen=True)
class UnmatchedName:
    name: str
    candidates: list[tuple[int, str]]  # (member id, display name): more than one fitted
    # member id → the name and what tells them apart (群昵称, other groups, phone tail)
    descriptions: dict[int, str] = field(default_factory=dict)

    @property
    def ambiguous(self) -> bool:
        """A question (who of the candidates?), rather than a name nobody has."""
        return bool(self.candidates)


@dataclass
class PastePlan:
    community_id: int
    community: str
    day: date
    title: str | None
    matched: list[MatchedName] = field(default_factory=list)
    unmatched: list[UnmatchedName] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)  # written twice, counted once
    same_member: list[str] = field(default_factory=list)  # two names that are one member

    @property
    def to_add(self) -> list[MatchedName]:
        return [m for m in self.matched if not m.already_recorded]


def checkin_ref(community_id: int, day: date, member_id: int) -> str:
    return f"jielong:{community_id}:{day.isoformat()}:{member_id}"


def plan_paste(
    session: Session,
    text: str,
    community_id: int,
    *,
    day: date | None = None,
    chosen: dict[str, int] | None = None,
    today: date | None = None,
    default_day: date | None = None,
) -> PastePlan:
    """Read the 接龙 and match it; `chosen` maps names the operator resolved to member ids.

    The day is `day` if given, else the date in the 接龙's title, else `default_day`, else today.
    """
    community = get_community(session, community_id)
    today = today or date.today()
    parsed: JielongParse = parse_jielong(text, today=today)
    day = day or parsed.date or default_day or today
    if day > today:
        raise UserError(msg("打卡日期 {date} 在将来，请检查接龙标题里的日期", date=day.isoformat()))
    names = community_member_names(session, community_id)
    chosen = chosen or {}
    plan = PastePlan(community_id, community.name, day, parsed.title)
    plan.duplicates = list(parsed.duplicates)
    found: dict[int, str] = {}
    for entry in parsed.entries:
        if entry.name in chosen:
            member_id = chosen[entry.name]
            if member_id not in names:
                raise UserError(msg("为「{name}」选择的成员不在这个群里", name=entry.name))
            how, exact = "chosen", True
        else:
            match = names.match(entry.name)
            member_id, how, exact = match.member_id, match.how, match.exact
            if member_id is None:
                candidates = names.candidates(match.member_ids)
                plan.unmatched.append(UnmatchedName(entry.name, candidates))
                continue
        if member_id in found:
            plan.same_member.append(f"{found[member_id]} / {entry.name}")
            continue
        found[member_id] = entry.name
        plan.matched.append(
            MatchedName(entry.name, member_id, names.display[member_id], how, False, exact)
        )
    asked = {member_id for u in plan.unmatched for member_id, _name in u.candidates}
    if asked:
        described = describe_members(session, asked, community_id=community_id)
        for question in plan.unmatched:
            question.descriptions.update(
                (i, described[i]) for i, _name in question.candidates if i in described
            )
    refs = {checkin_ref(community_id, day, m.member_id): m for m in plan.matched}
    recorded = set(
        session.scalars(select(ActivityEvent.source_ref).where(ActivityEvent.source_ref.in_(refs)))
    )
    plan.matched = [
        MatchedName(m.name, m.member_id, m.member_name, m.matched_by, ref in recorded, m.exact)
        for ref, m in refs.items()
    ]
    return plan


def apply_paste(session: Session, plan: PastePlan) -> RecordResult:
    """Record a check-in for every matched member not yet recorded that day (caller commits)."""
    occurred_at = datetime.combine(plan.day, CHECKIN_TIME)
    events = [
        NewEvent(
            member_id=m.member_id,
            kind="checkin",
            occurred_at=occurred_at,
            community_id=plan.community_id,
            source_ref=checkin_ref(plan.community_id, plan.day, m.member_id),
        )
        for m in plan.matched
    ]
    return record_events(session, events, source="paste")
