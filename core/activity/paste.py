"""A pasted 接龙 becomes check-ins: match each name to a member of the community, then record.

Matching tries, in order, the member's group nickname in this community, their nickname,
their remark name, and finally the full pinyin of the name (张小帆 written for 张小凡). A name
that fits several members, or none, is left for the operator to resolve; nothing is guessed.
Each check-in carries a reference of community, day and member, so pasting the same 接龙
again — or a longer copy of it later that day — adds only the people not yet recorded.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.activity.jielong import JielongParse, match_keys_of, parse_jielong
from core.activity.record import NewEvent, RecordResult, record_events
from core.common.errors import UserError
from core.common.text import msg
from core.communities.registry import get_community
from db.models import ActivityEvent, Member, Membership

CHECKIN_TIME = time(12, 0)  # a 接龙 says which day, not when: noon keeps it inside the day


@dataclass(frozen=True)
class MatchedName:
    name: str
    member_id: int
    member_name: str
    matched_by: str  # group_nickname / nickname / remark / pinyin / chosen
    already_recorded: bool


@dataclass(frozen=True)
class UnmatchedName:
    name: str
    candidates: list[tuple[int, str]]  # (member id, display name): more than one fitted


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


def _display(nickname: str, remark: str, member_id: int) -> str:
    return remark or nickname or msg("成员 #{id}", id=member_id)


class MemberNameIndex:
    """The community's current members under every key a 接龙 name could match."""

    def __init__(self, session: Session, community_id: int) -> None:
        self.by: dict[str, dict[str, set[int]]] = {
            source: defaultdict(set) for source in ("group_nickname", "nickname", "remark")
        }
        self.by_pinyin: dict[str, set[int]] = defaultdict(set)
        self.names: dict[int, str] = {}
        rows = session.execute(
            select(
                Member.id,
                Member.nickname,
                Member.remark,
                Member.search_pinyin,
                Membership.group_nickname,
            )
            .join(Membership, Membership.member_id == Member.id)
            .where(
                Membership.community_id == community_id,
                Membership.left_at.is_(None),
                Member.merged_into_id.is_(None),
            )
        )
        for member_id, nickname, remark, pinyin, group_nickname in rows:
            self.names[member_id] = _display(nickname, remark, member_id)
            for source, value in (
                ("group_nickname", group_nickname),
                ("nickname", nickname),
                ("remark", remark),
            ):
                for key in match_keys_of(value or ""):
                    self.by[source][key].add(member_id)
            if pinyin:
                self.by_pinyin[pinyin].add(member_id)

    def find(self, keys: tuple[str, ...], pinyin: str) -> tuple[str, set[int]]:
        """(how it matched, member ids): the first source and key with any hit."""
        for source, index in self.by.items():
            for key in keys:
                if index.get(key):
                    return source, index[key]
        if pinyin and self.by_pinyin.get(pinyin):
            return "pinyin", self.by_pinyin[pinyin]
        return "", set()


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
    index = MemberNameIndex(session, community_id)
    chosen = chosen or {}
    plan = PastePlan(community_id, community.name, day, parsed.title)
    plan.duplicates = list(parsed.duplicates)
    found: dict[int, str] = {}
    for entry in parsed.entries:
        if entry.name in chosen:
            member_id = chosen[entry.name]
            if member_id not in index.names:
                raise UserError(msg("为「{name}」选择的成员不在这个群里", name=entry.name))
            how, ids = "chosen", {member_id}
        else:
            how, ids = index.find(entry.match_keys, entry.pinyin_keys[0])
        if len(ids) != 1:
            candidates = sorted((i, index.names[i]) for i in ids)
            plan.unmatched.append(UnmatchedName(entry.name, candidates))
            continue
        (member_id,) = ids
        if member_id in found:
            plan.same_member.append(f"{found[member_id]} / {entry.name}")
            continue
        found[member_id] = entry.name
        plan.matched.append(MatchedName(entry.name, member_id, index.names[member_id], how, False))
    refs = {checkin_ref(community_id, day, m.member_id): m for m in plan.matched}
    recorded = set(
        session.scalars(select(ActivityEvent.source_ref).where(ActivityEvent.source_ref.in_(refs)))
    )
    plan.matched = [
        MatchedName(m.name, m.member_id, m.member_name, m.matched_by, ref in recorded)
        for ref, m in refs.items()
    ]
    return plan


def apply_paste(session: Session, plan: PastePlan, *, now: datetime | None = None) -> RecordResult:
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
    return record_events(session, events, source="paste", now=now)
