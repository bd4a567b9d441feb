"""Points earned by what members do: activity (check-ins, messages, purchases, invites…),
streak bonuses, birthdays; 补签 that costs points; and clawback of invite rewards whose
invitee left within the pending period.

Automatic awards carry a `dedupe_key` (the activity's id, the member and day of a streak,
the member and year of a birthday), so running any of these twice adds nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import exists, extract, func, select
from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.progress import (
    CancelCheck,
    Cancelled,
    Progress,
    never_cancelled,
    no_progress,
)
from core.common.text import msg
from core.ledger.entries import (
    ENTRY,
    Award,
    award_batch,
    award_rows,
    clawback,
    default_expiry,
    expire_due,
    lock_member,
    lock_members,
    spend,
    take_write_lock,
    write_award_rows,
)
from core.ledger.entries import _unknown_member as unknown_member
from core.ledger.event_order import EarnEvent, activity_key, ordered_chunks, unique_ids
from core.ledger.reasons import with_note
from core.ledger.rules import current_rules, custom_rule, ensure_default_rules, rules_by_action
from db.ledger_models import LedgerRule
from db.models import ActivityEvent, Member, Membership, MembershipEvent

EVENT = ActivityEvent.__table__
MEMBER = Member.__table__
RULE = LedgerRule.__table__
# Activity kinds that earn through the rule of the same name (purchases per yuan).
EARNING_KINDS = ("checkin", "message", "good_post", "answer", "event", "purchase", "invite")
EARNING_KINDS += ("share", "feedback")
MAKEUP_SOURCE = "makeup"  # a 补签 check-in: counts for streaks, earns no check-in points
_INVITEE = re.compile(r"^invitee:(\d+)$")
_CHUNK = 1000


def award_for_activities(
    session: Session,
    event_ids: Sequence[int],
    *,
    now: datetime | None = None,
    progress: Progress = no_progress,
    cancelled: CancelCheck = never_cancelled,
) -> int:
    """Apply the current earn rules to these activity records; return the entries written.

    Idempotent: an event already rewarded (its id is the reference) earns nothing again.
    Daily caps count what the member already earned that day by the same rule. Team members
    (is_team) and merged-away members earn nothing. An invite whose `source_ref` is
    "invitee:<member id>" stays pending and is clawed back if that invitee leaves in time.

    The records are taken in (time, id) order a bounded chunk at a time (core.ledger.
    event_order) and each chunk's awards are written before the next is read, so memory
    stays flat for a million records; the awards are the same as for one batch of all.
    """
    now = now or datetime.now()
    ids = unique_ids(event_ids)
    if not ids:
        return 0
    rules = rules_by_action(session)
    streak = rules.get("checkin_streak")
    caps = _CapCounter(session, rules)
    totals: dict[int, int] = {}  # the balance bound, across chunks
    checkins: set[tuple[int, date]] = set()
    written = handled = 0
    for chunk in ordered_chunks(session, ids):
        if cancelled():
            raise Cancelled
        events = chunk  # not yet rewarded, of members who earn, in (time, id) order
        if streak is not None:
            checkins.update(
                (e.member_id, e.occurred_at.date()) for e in events if e.kind == "checkin"
            )
        caps.load(session, events)
        rows = _activity_award_rows(events, rules, caps, now)
        written += write_award_rows(session, rows, totals=totals, cancelled=cancelled)
        handled += len(chunk)
        progress(handled, len(ids))
    if streak is not None and checkins:
        awards = _streak_awards(session, streak, checkins, now)
        written += write_award_rows(session, award_rows(awards, now), totals=totals)
    return written


@dataclass(frozen=True, slots=True)
class _Earning:
    """What one rule version says, read once per run (not through the ORM per record)."""

    id: int
    code: str
    name: str
    points: int
    daily_cap: int | None
    qualifying: bool
    pending: timedelta | None
    expiry: timedelta | None

    @classmethod
    def of(cls, rule: LedgerRule) -> _Earning:
        return cls(
            rule.id,
            rule.code,
            rule.name,
            rule.points,
            rule.daily_cap,
            rule.qualifying,
            timedelta(days=rule.pending_days) if rule.pending_days else None,
            None if rule.expiry_days is None else timedelta(days=rule.expiry_days),
        )


def _expires(seen: dict[tuple[date, timedelta], date], day: date, after: timedelta) -> date:
    key = (day, after)
    found = seen.get(key)
    if found is None:
        found = seen[key] = day + after
    return found


def _activity_award_rows(
    events: list[EarnEvent], rules: dict[str, LedgerRule], caps: _CapCounter, now: datetime
) -> list[tuple]:
    """The awards these records earn, in AWARD_COLUMNS order (built as tuples: a million
    Award objects cost more than the insert). The same as `_rule_award` gives."""
    earning = {kind: _Earning.of(rule) for kind, rule in rules.items() if kind in EARNING_KINDS}
    rows = []
    expiry: dict[tuple[date, timedelta], date] = {}  # one object per day: converted once
    for event in events:
        kind = event.kind
        rule = earning.get(kind)
        if rule is None:
            continue
        if kind == "checkin" and event.source == MAKEUP_SOURCE:
            continue
        points = rule.points
        if kind == "purchase":
            points = max(event.amount_cents, 0) * rule.points // 100
        at = event.occurred_at
        day = at.date()
        points = caps.allow(event.member_id, rule, day, points)
        if points <= 0:
            continue
        invitee = None
        if kind == "invite" and event.source_ref:
            match = _INVITEE.match(event.source_ref)
            invitee = int(match.group(1)) if match else None
        key = activity_key(event.id)
        rows.append(
            (
                event.member_id,
                "earn",
                points,
                rule.qualifying,
                "rule",
                key,
                key,
                rule.id,
                invitee,
                "",
                rule.name,
                at,
                now,
                None if rule.pending is None else at + rule.pending,
                None if rule.expiry is None else _expires(expiry, day, rule.expiry),
                event.member_id,
                invitee,
            )
        )
    return rows


def _rule_award(
    rule: LedgerRule,
    member_id: int,
    points: int,
    occurred_at: datetime,
    now: datetime,
    *,
    reference: str,
    dedupe_key: str | None,
    related_member_id: int | None = None,
    reason: str | None = None,
    operator: str = "",
) -> Award:
    return Award(
        member_id=member_id,
        points=points,
        reason=reason or rule.name,
        source="rule",
        reference=reference,
        qualifying=rule.qualifying,
        occurred_at=occurred_at,
        expires_on=default_expiry(occurred_at, rule.expiry_days),
        pending_until=occurred_at + timedelta(days=rule.pending_days)
        if rule.pending_days
        else None,
        rule_id=rule.id,
        related_member_id=related_member_id,
        dedupe_key=dedupe_key,
        operator=operator,
    )


def _existing_keys(session: Session, keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), _CHUNK):
        found.update(
            session.scalars(
                select(ENTRY.c.dedupe_key).where(
                    ENTRY.c.dedupe_key.in_(keys[start : start + _CHUNK])
                )
            )
        )
    return found


class _CapCounter:
    """Points already earned per (member, rule code, day): the database's part read once per
    member and day, as it stood before this run wrote anything, plus this run's."""

    def __init__(self, session: Session, rules: dict[str, LedgerRule]):
        self.capped = [r.code for r in rules.values() if r.daily_cap is not None]
        self.used: dict[tuple[int, str, date], int] = defaultdict(int)
        self.loaded: set[tuple[int, date]] = set()
        self.before: int | None = None  # the newest entry before this run's own

    @classmethod
    def for_members(
        cls, session: Session, rule: LedgerRule, member_ids: Sequence[int], on: date
    ) -> _CapCounter:
        """What these members already earned by `rule` on day `on` (hand-given rule awards)."""
        counter = cls(session, {})
        if rule.daily_cap is not None:
            for member_id, code, day, points in counter._read(
                session, [rule.code], sorted(set(member_ids)), on, on
            ):
                counter.used[(member_id, code, day)] += points
        return counter

    def load(self, session: Session, events: list[EarnEvent]) -> None:
        """Read what the members of these records (in time order, after every record handed
        before) had earned on their days; forget the days before them."""
        if not self.capped or not events:
            return
        first_day = events[0].occurred_at.date()
        self.used = defaultdict(int, {k: v for k, v in self.used.items() if k[2] >= first_day})
        self.loaded = {k for k in self.loaded if k[1] >= first_day}
        pairs = {(e.member_id, e.occurred_at.date()) for e in events} - self.loaded
        if not pairs:
            return
        if self.before is None:
            self.before = session.scalar(select(func.max(ENTRY.c.id))) or 0
        days = [day for _, day in pairs]
        members = sorted({member_id for member_id, _ in pairs})
        for member_id, code, day, points in self._read(
            session, self.capped, members, min(days), max(days), self.before
        ):
            if (member_id, day) in pairs:
                self.used[(member_id, code, day)] += points
        self.loaded |= pairs

    @staticmethod
    def _read(
        session: Session,
        capped: list[str],
        members: list[int],
        first_day: date,
        last_day: date,
        before: int | None = None,
    ) -> list[tuple[int, str, date, int]]:
        first = datetime.combine(first_day, time.min)
        last = datetime.combine(last_day, time.min)
        day = func.date(ENTRY.c.occurred_at)
        found = []
        for start in range(0, len(members), _CHUNK):
            query = (
                select(ENTRY.c.member_id, RULE.c.code, day, func.sum(ENTRY.c.points))
                .join(RULE, RULE.c.id == ENTRY.c.rule_id)
                .where(
                    ENTRY.c.member_id.in_(members[start : start + _CHUNK]),
                    ENTRY.c.kind == "earn",
                    RULE.c.code.in_(capped),
                    ENTRY.c.occurred_at >= first,
                    ENTRY.c.occurred_at < last + timedelta(days=1),
                )
                .group_by(ENTRY.c.member_id, RULE.c.code, day)
            )
            if before is not None:
                query = query.where(ENTRY.c.id <= before)
            for member_id, code, on, points in session.execute(query):
                on = on if isinstance(on, date) else date.fromisoformat(str(on)[:10])
                found.append((member_id, code, on, int(points)))
        return found

    def allow(self, member_id: int, rule: LedgerRule | _Earning, on: date, points: int) -> int:
        """How much of `points` the daily cap still allows; counts it as used."""
        key = (member_id, rule.code, on)
        if rule.daily_cap is not None:
            points = max(0, min(points, rule.daily_cap - self.used[key]))
        self.used[key] += points
        return points


def streak_key(member_id: int, on: date) -> str:
    return f"streak:{member_id}:{on.isoformat()}"


def _streak_awards(
    session: Session, rule: LedgerRule, checkins: set[tuple[int, date]], now: datetime
) -> list[Award]:
    """A bonus on day E when E−N+1…E all have a check-in and no bonus fell on E−N+1…E−1:
    every run of N consecutive days earns one bonus. A check-in on day D (also a 补签 filling
    a gap) can complete the runs ending on D…D+N−1."""
    days_needed = int((rule.params or {}).get("days", 7))
    if not checkins:
        return []
    members = sorted({member_id for member_id, _ in checkins})
    first = min(on for _, on in checkins) - timedelta(days=2 * days_needed)
    last = max(on for _, on in checkins) + timedelta(days=days_needed)
    checked: dict[int, set[date]] = defaultdict(set)
    bonus_days: dict[int, set[date]] = defaultdict(set)
    day = func.date(EVENT.c.occurred_at)
    for start in range(0, len(members), _CHUNK):
        chunk = members[start : start + _CHUNK]
        for member_id, on in session.execute(
            select(EVENT.c.member_id, day)
            .where(
                EVENT.c.member_id.in_(chunk),
                EVENT.c.kind == "checkin",
                EVENT.c.occurred_at >= datetime.combine(first, time.min),
                EVENT.c.occurred_at < datetime.combine(last + timedelta(days=1), time.min),
            )
            .distinct()
        ):
            checked[member_id].add(on if isinstance(on, date) else date.fromisoformat(str(on)[:10]))
        for member_id, key in session.execute(
            select(ENTRY.c.member_id, ENTRY.c.dedupe_key).where(
                ENTRY.c.member_id.in_(chunk), ENTRY.c.dedupe_key.like("streak:%")
            )
        ):
            bonus_days[member_id].add(date.fromisoformat(key.rsplit(":", 1)[1]))
    ends: dict[int, set[date]] = defaultdict(set)
    for member_id, on in checkins:  # (member, day) of each check-in in the batch
        ends[member_id].update(
            on + timedelta(days=i)
            for i in range(days_needed)
            if on + timedelta(days=i) <= now.date()
        )
    awards = []
    for member_id in members:
        days, bonuses = checked[member_id], bonus_days[member_id]
        for end in sorted(ends[member_id]):
            window = [end - timedelta(days=i) for i in range(days_needed)]
            if not all(d in days for d in window) or any(d in bonuses for d in window):
                continue
            bonuses.add(end)
            at = min(now, datetime.combine(end, time(12)))
            awards.append(
                _rule_award(
                    rule,
                    member_id,
                    rule.points,
                    at,
                    now,
                    reference=streak_key(member_id, end),
                    dedupe_key=streak_key(member_id, end),
                    reason=f"{rule.name}（{window[-1]:%m-%d} 至 {end:%m-%d}）",
                )
            )
    return awards


# ------------------------------------------------------------------------------ by hand

# Rules that can't be given by hand: 补签 costs points, a purchase earns per yuan spent.
# Each says why, given the rule's name.
NOT_BY_HAND = {
    "makeup_checkin": lambda name: msg("「{name}」是补签时扣除的积分，不能用来发放", name=name),
    "purchase": lambda name: msg(
        "「{name}」按消费金额计算，请导入消费记录，不能按规则直接发放", name=name
    ),
}


@dataclass(frozen=True)
class RuleAwardResult:
    """What `award_rule` wrote: who got how much, who was capped, who got nothing."""

    rule_code: str
    rule_name: str
    rule_version: int
    points: int  # the rule's points per award
    daily_cap: int | None
    awarded: dict[int, int]  # member id → points written
    capped: tuple[int, ...]  # members who got less than the rule's points (cap reached)
    skipped: tuple[int, ...]  # members already at today's cap: nothing written

    @property
    def total(self) -> int:
        return sum(self.awarded.values())


def award_rule(
    session: Session,
    member_ids: Sequence[int],
    code: str,
    *,
    reason: str = "",
    operator: str = "",
    now: datetime | None = None,
) -> RuleAwardResult:
    """按规则发放: give each member the current version of rule `code` by hand.

    The rule is applied as the rule engine applies it to activity: its points, its qualifying
    flag, its pending days and expiry days, the entry names the rule version (`rule_id`), and
    its daily cap counts what the member already earned by this rule today (automatic and by
    hand). A member the cap only partly allows gets the rest of the cap; a member already at
    the cap gets nothing. When nobody would get anything, it refuses and writes nothing.
    Unknown, merged-away members and disabled rules are refused for the whole batch.
    """
    now = now or datetime.now()
    wanted = sorted(set(member_ids))
    if not wanted:
        raise UserError(msg("请先选择成员"))
    take_write_lock(session)
    ensure_default_rules(session)  # a fresh shop: the built-in rules exist from the start
    rule = custom_rule(session, code.strip())  # the current version, refused when disabled
    if rule.action in NOT_BY_HAND:
        raise UserError(NOT_BY_HAND[rule.action](rule.name))
    if rule.points <= 0:
        raise UserError(msg("积分规则「{name}」的积分为 0，没有可发放的积分", name=rule.name))
    live = lock_members(session, wanted)  # caps are read under the lock: no double spend
    missing = [m for m in wanted if m not in live]
    if missing:
        raise UserError(unknown_member(session, missing[0]))
    caps = _CapCounter.for_members(session, rule, wanted, now.date())
    text = with_note(rule.name, reason)
    awards, awarded, capped, skipped = [], {}, [], []
    for member_id in wanted:
        points = caps.allow(member_id, rule, now.date(), rule.points)
        if points <= 0:
            skipped.append(member_id)
            continue
        if points < rule.points:
            capped.append(member_id)
        awarded[member_id] = points
        awards.append(
            _rule_award(
                rule,
                member_id,
                points,
                now,
                now,
                reference=f"rule:{rule.code}",
                dedupe_key=None,
                reason=text,
                operator=operator,
            )
        )
    if not awards:
        if len(wanted) == 1:
            raise UserError(
                msg(
                    "该成员今天按「{rule}」已获得 {cap} 分，达到每日上限，未发放",
                    rule=rule.name,
                    cap=rule.daily_cap,
                )
            )
        raise UserError(
            msg(
                "所选 {count} 位成员今天按「{rule}」已获得 {cap} 分，达到每日上限，未发放",
                count=len(wanted),
                rule=rule.name,
                cap=rule.daily_cap,
            )
        )
    award_batch(session, awards, now=now)
    return RuleAwardResult(
        rule.code,
        rule.name,
        rule.version,
        rule.points,
        rule.daily_cap,
        awarded,
        tuple(capped),
        tuple(skipped),
    )


def awardable_rules(session: Session) -> list[LedgerRule]:
    """The current, enabled rules an operator can give by hand (custom ones first)."""
    return awardable(current_rules(session))


def awardable(rules: Sequence[LedgerRule]) -> list[LedgerRule]:
    """Of these current rule versions, the ones that can be given by hand, custom first."""
    found = [r for r in rules if r.enabled and r.points > 0 and r.action not in NOT_BY_HAND]
    return sorted(found, key=lambda r: r.action != "custom")


# ------------------------------------------------------------------------------ 补签


def makeup_checkin(
    session: Session,
    member_id: int,
    on: date,
    *,
    community_id: int | None = None,
    operator: str = "",
    now: datetime | None = None,
) -> int:
    """补签: record a missed check-in for `on`, paid with points; return the activity's id.

    It keeps a streak going (and can complete one) but earns no check-in points itself.
    """
    now = now or datetime.now()
    take_write_lock(session)
    rule = rules_by_action(session).get("makeup_checkin")
    if rule is None:
        raise UserError(msg("补签功能已停用（积分规则「补签」未启用）"))
    if on >= now.date():
        raise UserError(msg("只能补签今天以前的日期"))
    lock_member(session, member_id)
    already = session.scalar(
        select(EVENT.c.id).where(
            EVENT.c.member_id == member_id,
            EVENT.c.kind == "checkin",
            EVENT.c.occurred_at >= datetime.combine(on, time.min),
            EVENT.c.occurred_at < datetime.combine(on + timedelta(days=1), time.min),
        )
    )
    if already is not None:
        raise UserError(msg("{day} 已经签到过，无需补签", day=f"{on:%Y-%m-%d}"))
    if rule.points:
        spend(
            session,
            member_id,
            rule.points,
            reason=f"补签 {on:%Y-%m-%d}",
            operator=operator,
            source="rule",
            reference=f"makeup:{on.isoformat()}",
            now=now,
        )
    event = ActivityEvent(
        member_id=member_id,
        community_id=community_id,
        kind="checkin",
        occurred_at=datetime.combine(on, time(12)),
        source=MAKEUP_SOURCE,
    )
    session.add(event)
    session.flush()
    award_for_activities(session, [event.id], now=now)
    return event.id


# ------------------------------------------------------------------------------ birthdays


def award_birthdays(session: Session, *, today: date | None = None) -> int:
    """The birthday gift, once a year, to members whose birthday is today (29 Feb → 28 Feb)."""
    today = today or date.today()
    rule = rules_by_action(session).get("birthday")
    if rule is None or rule.points <= 0:
        return 0
    days = [today.day]
    if today.month == 2 and today.day == 28 and not _leap(today.year):
        days.append(29)
    ids = session.scalars(
        select(MEMBER.c.id).where(
            extract("month", MEMBER.c.birthday) == today.month,
            extract("day", MEMBER.c.birthday).in_(days),
            MEMBER.c.merged_into_id.is_(None),
            MEMBER.c.is_team.is_not(True),
        )
    ).all()
    keys = {m: f"birthday:{m}:{today.year}" for m in ids}
    done = _existing_keys(session, list(keys.values()))
    at = datetime.combine(today, time(9))
    awards = [
        _rule_award(rule, m, rule.points, at, at, reference=key, dedupe_key=key)
        for m, key in keys.items()
        if key not in done
    ]
    return award_batch(session, awards, now=at)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


# ------------------------------------------------------------------------------ invites


def award_invite(
    session: Session,
    inviter_id: int,
    invitee_id: int,
    *,
    at: datetime | None = None,
    now: datetime | None = None,
) -> int:
    """The converted-invite reward: pending for the rule's days; 0 when already given."""
    now = now or datetime.now()
    at = at or now
    rule = rules_by_action(session).get("invite")
    if rule is None or rule.points <= 0:
        return 0
    if inviter_id == invitee_id:
        raise UserError(msg("不能邀请自己"))
    key = f"invite:{invitee_id}"
    if _existing_keys(session, [key]):
        return 0
    award = _rule_award(
        rule,
        inviter_id,
        rule.points,
        at,
        now,
        reference=key,
        dedupe_key=key,
        related_member_id=invitee_id,
    )
    return award_batch(session, [award], now=now)


def clawback_left_invitees(session: Session, *, now: datetime | None = None) -> int:
    """Void every still-pending invite reward whose invitee left every group after the invite
    and before the pending period ended (and has not come back). Returns how many."""
    now = now or datetime.now()
    void = ENTRY.alias("void")
    left = exists().where(
        MembershipEvent.member_id == ENTRY.c.related_member_id,
        MembershipEvent.kind == "leave",
        MembershipEvent.occurred_at >= ENTRY.c.occurred_at,
        MembershipEvent.occurred_at < ENTRY.c.pending_until,
    )
    still_in = exists().where(
        Membership.member_id == ENTRY.c.related_member_id, Membership.left_at.is_(None)
    )
    rows = (
        session.execute(
            select(ENTRY.c.id)
            .where(
                ENTRY.c.kind == "earn",
                ENTRY.c.related_member_id.is_not(None),
                ENTRY.c.pending_until > now,
                ~exists().where(void.c.reverses_id == ENTRY.c.id),
                left,
                ~still_in,
            )
            .order_by(ENTRY.c.member_id, ENTRY.c.id)
        )
        .scalars()
        .all()
    )
    for entry_id in rows:
        clawback(
            session,
            entry_id,
            reason="被邀请人在待生效期内退群，邀请奖励收回",
            source="system",
            now=now,
        )
    return len(rows)


# ------------------------------------------------------------------------------ daily


@dataclass(frozen=True)
class DailyResult:
    expired_entries: int
    expired_points: int
    birthdays: int
    clawbacks: int


def run_daily(session: Session, *, now: datetime | None = None) -> DailyResult:
    """What runs on start and by `ledger expire`: clawbacks, expiry, birthday gifts.
    Each is idempotent, so running it again the same day changes nothing."""

    now = now or datetime.now()
    take_write_lock(session)
    clawed = clawback_left_invitees(session, now=now)
    expired = expire_due(session, today=now.date(), now=now)
    birthdays = award_birthdays(session, today=now.date())
    return DailyResult(expired.entries, expired.points, birthdays, clawed)
