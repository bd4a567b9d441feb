"""What the chat history says about a community: when members talk (weekday × hour), the best
times to post, each member's first message after joining, who has gone quiet, who answers.

Read by the 社群 and 成员 tabs, the calendar (best send times) and the reports. Each figure is
one query (grouped in the database, never one per member), so 100000 messages take well under
a second. Only members' messages count (not team accounts, not merged-away members).

Hours: a message whose time of day is not real (text copied from the Windows client carries
only the day, stored at midnight: `time_known` false) never counts in an hour-based figure.
Activity recorded without a real time (接龙 and spreadsheet days sit at noon) is not read
here at all: these figures come from chat messages alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Integer, and_, case, cast, extract, func, not_, or_, select
from sqlalchemy.orm import Session

from core.common.dates import as_datetime, day_of
from core.common.text import msg
from core.members.statistics import stats_members_condition
from db.chat_models import ChatMessage
from db.models import Community, Member, Membership

WEEKDAYS = 7  # rows: Monday (0) … Sunday (6)
HOURS = 24
SILENT_DAYS = 30

MESSAGE = ChatMessage.__table__


def _ids(community_ids: int | Iterable[int] | None) -> list[int] | None:
    if community_ids is None:
        return None
    if isinstance(community_ids, int):
        return [community_ids]
    return list(community_ids)


def _members_messages(community_ids: list[int] | None, since, until):
    """Conditions on chat_messages: members' messages in the communities and time range. The
    few accounts statistics leave out (team, merged away) are excluded by id: cheaper than a
    join per message."""
    conditions = [
        MESSAGE.c.member_id.not_in(select(Member.id).where(not_(stats_members_condition())))
    ]
    if community_ids is not None:
        conditions.append(MESSAGE.c.community_id.in_(community_ids))
    if since is not None:
        conditions.append(MESSAGE.c.sent_at >= since)
    if until is not None:
        conditions.append(MESSAGE.c.sent_at < until)
    return conditions


def _day_and_hour(session: Session):
    """(day, hour) of sent_at as SQL. SQLite keeps the text 'YYYY-MM-DD HH:MM:SS': cutting it
    is several times faster than strftime over 100000 rows. The weekday is worked out from
    the day in Python, over the grouped rows."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        hour = cast(func.substr(MESSAGE.c.sent_at, 12, 2), Integer)
    else:
        hour = extract("hour", MESSAGE.c.sent_at)
    return day_of(MESSAGE.c.sent_at, dialect).label("day"), hour.label("hour")


def _weekday(day) -> int:
    """0 = Monday, from the day a grouped row gives (text on SQLite, a date on PostgreSQL)."""
    if isinstance(day, date):
        return day.weekday()
    return date.fromisoformat(str(day)[:10]).weekday()


# ----- weekday × hour ---------------------------------------------------------------------


@dataclass(frozen=True)
class HeatMap:
    """Member messages per weekday (row 0 = Monday) and hour (column 0 = 00:00–00:59)."""

    counts: tuple[tuple[int, ...], ...]
    untimed: int = 0  # messages left out: the day only (Windows-copied text)

    @property
    def total(self) -> int:
        return sum(sum(row) for row in self.counts)

    @property
    def peak(self) -> int:
        return max((max(row) for row in self.counts), default=0)


def heat_map(
    session: Session,
    community_ids: int | Iterable[int] | None,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> HeatMap:
    """Members' messages by weekday and hour in one community, several (summed), or all
    (None); `since` ≤ sent_at < `until` when given."""
    ids = _ids(community_ids)
    day, hour = _day_and_hour(session)
    timed = MESSAGE.c.time_known.is_(True)
    grid = [[0] * HOURS for _ in range(WEEKDAYS)]
    untimed = session.scalar(
        select(func.count())
        .select_from(MESSAGE)
        .where(*_members_messages(ids, since, until), MESSAGE.c.time_known.is_(False))
    )
    rows = session.execute(
        select(day, hour, func.count())
        .where(*_members_messages(ids, since, until), timed)
        .group_by(day, hour)
    )
    for on, at, count in rows:
        grid[_weekday(on)][int(at)] += count
    return HeatMap(tuple(tuple(row) for row in grid), untimed)


def slot_members(
    session: Session,
    community_ids: int | Iterable[int] | None,
    weekday: int,
    hour: int,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[int]:
    """The members behind one cell of `heat_map` (same rules: members' messages with a real
    time of day), sorted."""
    day, at = _day_and_hour(session)
    rows = session.execute(
        select(MESSAGE.c.member_id, day)
        .where(
            *_members_messages(_ids(community_ids), since, until),
            MESSAGE.c.time_known.is_(True),
            at == hour,
        )
        .distinct()
    )
    return sorted({member for member, on in rows if _weekday(on) == weekday})


# ----- best send times --------------------------------------------------------------------


@dataclass(frozen=True)
class SendTime:
    weekday: int  # 0 = Monday
    hour: int
    messages: int  # members' messages in this slot
    days: int  # distinct days they fell on (the data points)


@dataclass(frozen=True)
class BestTimes:
    community_id: int
    slots: tuple[SendTime, ...]  # best first; empty when `reason` says why
    reason: str | None = None  # a msg() for people: why there is no suggestion


def best_send_times(
    session: Session,
    community_ids: int | Iterable[int],
    *,
    top: int = 5,
    min_points: int = 2,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[int, BestTimes]:
    """Per community: the weekday × hour slots with the most member messages, best first, at
    most `top`, each seen on at least `min_points` different days (one busy evening is not a
    habit). Messages without a real time of day never count. A community with no usable chat
    history gets no slots and a `reason` (a msg()): never a guess.

    For the calendar's item editor: `best_send_times(session, [community_id])[community_id]`.
    """
    ids = _ids(community_ids) or []
    if not ids:
        return {}
    day, hour = _day_and_hour(session)
    # How much history each community has, timed or not (to say why nothing is suggested).
    history = {
        community_id: (total, timed or 0)
        for community_id, total, timed in session.execute(
            select(
                MESSAGE.c.community_id,
                func.count(),
                func.sum(case((MESSAGE.c.time_known.is_(True), 1), else_=0)),
            )
            .where(*_members_messages(ids, since, until))
            .group_by(MESSAGE.c.community_id)
        )
    }
    # (community, weekday, hour) → [messages, days]; grouped by day in SQL first.
    tally: dict[tuple[int, int, int], list[int]] = defaultdict(lambda: [0, 0])
    rows = session.execute(
        select(MESSAGE.c.community_id, day, hour, func.count())
        .where(*_members_messages(ids, since, until), MESSAGE.c.time_known.is_(True))
        .group_by(MESSAGE.c.community_id, day, hour)
    )
    for community_id, on, at, count in rows:
        figures = tally[(community_id, _weekday(on), int(at))]
        figures[0] += count
        figures[1] += 1
    slots: dict[int, list[SendTime]] = defaultdict(list)
    for (community_id, weekday, at), (count, days) in tally.items():
        if days >= min_points:
            slots[community_id].append(SendTime(weekday, at, count, days))
    found = {}
    for community_id in ids:
        best = sorted(
            slots.get(community_id, []), key=lambda s: (-s.messages, -s.days, s.weekday, s.hour)
        )
        total, timed = history.get(community_id, (0, 0))
        reason = None
        if not total:
            reason = msg("还没有导入群聊记录，无法推荐发送时间")
        elif not timed:
            reason = msg("群聊记录没有具体时间（从 Windows 复制的文字只有日期），无法推荐发送时间")
        elif not best:
            reason = msg("群聊记录还太少：没有哪个时段在至少 {days} 天里有人发言", days=min_points)
        found[community_id] = BestTimes(community_id, tuple(best[:top]), reason)
    return found


# ----- first and last messages ------------------------------------------------------------


@dataclass(frozen=True)
class ChatPresence:
    """One membership's chat: when the member joined, their first message after joining (the
    activation), their last message, and how many they sent in the community."""

    member_id: int
    community_id: int
    joined_at: datetime | None
    first_after_join: datetime | None
    last_message_at: datetime | None
    messages: int

    @property
    def to_first_message(self) -> timedelta | None:
        if self.joined_at is None or self.first_after_join is None:
            return None
        return max(self.first_after_join - self.joined_at, timedelta(0))


def chat_presence(
    session: Session,
    *,
    member_ids: Iterable[int] | None = None,
    community_ids: int | Iterable[int] | None = None,
) -> list[ChatPresence]:
    """Per membership (current or past) of the given members and/or communities: joining →
    first message at or after it → last message. A message known only by its day counts from
    the day of joining (its midnight is before the join's hour). Memberships without any
    message come back with None times and 0 messages."""
    dialect = session.get_bind().dialect.name
    joined = Membership.joined_at
    after_join = or_(
        joined.is_(None),
        MESSAGE.c.sent_at >= joined,
        and_(
            MESSAGE.c.time_known.is_(False),
            day_of(MESSAGE.c.sent_at, dialect) >= day_of(joined, dialect),
        ),
    )
    query = (
        select(
            Membership.member_id,
            Membership.community_id,
            joined,
            func.min(case((after_join, MESSAGE.c.sent_at))),
            func.max(MESSAGE.c.sent_at),
            func.count(MESSAGE.c.id),
        )
        .outerjoin(
            MESSAGE,
            and_(
                MESSAGE.c.member_id == Membership.member_id,
                MESSAGE.c.community_id == Membership.community_id,
            ),
        )
        .group_by(Membership.id, Membership.member_id, Membership.community_id, joined)
        .order_by(Membership.community_id, Membership.member_id)
    )
    if member_ids is not None:
        query = query.where(Membership.member_id.in_(list(member_ids)))
    ids = _ids(community_ids)
    if ids is not None:
        query = query.where(Membership.community_id.in_(ids))
    return [
        ChatPresence(
            member, community, as_datetime(at), as_datetime(first), as_datetime(last), count
        )
        for member, community, at, first, last, count in session.execute(query)
    ]


# ----- silent members ---------------------------------------------------------------------


@dataclass(frozen=True)
class SilentMember:
    member_id: int
    community_id: int
    last_message_at: datetime


def silent_members(
    session: Session,
    community_ids: int | Iterable[int] | None = None,
    *,
    days: int = SILENT_DAYS,
    now: datetime | None = None,
) -> list[SilentMember]:
    """Members still in a community who have spoken there (its chat history) but not in the
    last `days` days, quietest longest first. Members never seen in the chat are not listed:
    without history, silence says nothing."""
    now = now or datetime.now()
    ids = _ids(community_ids)
    last = func.max(MESSAGE.c.sent_at)
    query = (
        select(MESSAGE.c.member_id, MESSAGE.c.community_id, last)
        .join(
            Membership,
            and_(
                Membership.member_id == MESSAGE.c.member_id,
                Membership.community_id == MESSAGE.c.community_id,
                Membership.left_at.is_(None),
            ),
        )
        .where(*_members_messages(ids, None, None))
        .group_by(MESSAGE.c.member_id, MESSAGE.c.community_id)
        .having(last < now - timedelta(days=days))
        .order_by(last, MESSAGE.c.member_id)
    )
    return [
        SilentMember(member, community, as_datetime(at))
        for member, community, at in session.execute(query)
    ]


# ----- answer-givers ----------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerCount:
    member_id: int
    community_id: int
    answers: int  # quotes of someone else's question


def answer_givers(
    session: Session,
    community_ids: int | Iterable[int] | None = None,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[AnswerCount]:
    """Per member and community: how many of their quotes replied to someone else's question
    (evidence for 贡献者). Only formats that keep the quoted text can tell (PyWxDump,
    chatlog); elsewhere a quote is not counted, never guessed. Most answers first."""
    ids = _ids(community_ids)
    answers = func.count()
    query = (
        select(MESSAGE.c.member_id, MESSAGE.c.community_id, answers)
        .where(
            *_members_messages(ids, since, until),
            MESSAGE.c.quotes_question.is_(True),
            or_(
                MESSAGE.c.quoted_member_id.is_(None),
                MESSAGE.c.quoted_member_id != MESSAGE.c.member_id,
            ),
        )
        .group_by(MESSAGE.c.member_id, MESSAGE.c.community_id)
        .order_by(answers.desc(), MESSAGE.c.member_id)
    )
    return [
        AnswerCount(member, community, count) for member, community, count in session.execute(query)
    ]


def has_chat_history(session: Session, community_ids: int | Iterable[int] | None) -> bool:
    """Any chat imported for the community, any of several, or any at all (None)."""
    query = select(MESSAGE.c.id).limit(1)
    ids = _ids(community_ids)
    if ids is not None:
        query = query.where(MESSAGE.c.community_id.in_(ids))
    return session.scalar(query) is not None


def member_chat(session: Session, member_id: int) -> list[tuple[str, ChatPresence]]:
    """The member detail's 群聊发言: (community name, presence) where the member has spoken,
    most recent first."""
    found = [p for p in chat_presence(session, member_ids=[member_id]) if p.messages]
    names = dict(
        session.execute(
            select(Community.id, Community.name).where(
                Community.id.in_([p.community_id for p in found])
            )
        ).all()
    )
    found.sort(key=lambda p: p.last_message_at or datetime.min, reverse=True)
    return [(names.get(p.community_id, ""), p) for p in found]
