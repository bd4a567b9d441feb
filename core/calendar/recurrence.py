"""Recurring SOP rules: an RFC 5545 RRULE (python-dateutil) from a start time, ending after N
times or on a date, read into the occurrences that fall in a window.

Times are naive wall-clock times in Asia/Shanghai, like every time the program stores. China
has kept UTC+8 all year since 1991, so an 08:00 rule is 08:00 every day of the year and no
occurrence is doubled or lost at a clock change. Rules follow RFC 5545 as dateutil reads it:
BYMONTHDAY=31 skips the months without a 31st, BYMONTHDAY=-1 is every month's last day,
BYMONTH=2;BYMONTHDAY=29 comes only in leap years. A rule that never happens (30 February) is
refused when it is written, not discovered by a loop that runs to the year 9999.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import islice

from dateutil.rrule import rrule, rrulestr

from core.common.errors import UserError
from core.common.text import msg

ALLOWED_FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
MAX_RULE_CHARS = 500
FEASIBLE_YEARS = 10  # a rule must happen at least once this soon after its start
MAX_COUNT = 10_000


@dataclass(frozen=True)
class Rule:
    """A checked rule: the RRULE text without COUNT/UNTIL, and how it ends."""

    text: str
    end_count: int | None = None
    end_on: date | None = None


def _until_date(value: str) -> date:
    digits = value.strip().upper().rstrip("Z")
    return datetime.strptime(digits[:8], "%Y%m%d").date()


def parse_rule(
    text: str | None,
    starts_at: datetime,
    *,
    end_count: int | None = None,
    end_on: date | None = None,
) -> Rule:
    """Check an RRULE typed by a person (with or without the `RRULE:` prefix). COUNT and UNTIL
    inside it are taken out into `end_count` / `end_on`; giving both ends is refused."""
    raw = (text or "").strip()
    if not raw:
        raise UserError(msg("请写出重复规则，例如 FREQ=WEEKLY;BYDAY=WE"))
    if len(raw) > MAX_RULE_CHARS:
        raise UserError(msg("重复规则太长（最多 {limit} 个字符）", limit=MAX_RULE_CHARS))
    body = raw.upper().removeprefix("RRULE:")
    parts, freq, counted, until = [], None, None, None
    try:
        for part in filter(None, (p.strip() for p in body.split(";"))):
            name, _, value = part.partition("=")
            if name == "COUNT":
                counted = int(value)
            elif name == "UNTIL":
                until = _until_date(value)
            elif name in ("DTSTART", "TZID"):
                raise ValueError(name)
            else:
                if name == "FREQ":
                    freq = value
                parts.append(f"{name}={value}")
    except ValueError as error:
        raise UserError(
            msg("重复规则「{rule}」看不懂：{why}", rule=raw[:80], why=str(error)[:80])
        ) from error
    # An end written in the rule and another given beside it are two ends, like COUNT + UNTIL.
    ends = [e for e in (end_count, counted) if e is not None]
    dates = [e for e in (end_on, until) if e is not None]
    if len(ends) + len(dates) > 1:
        raise UserError(msg("结束方式只能选一种：重复 N 次，或到某天为止"))
    end_count = ends[0] if ends else None
    end_on = dates[0] if dates else None
    if freq not in ALLOWED_FREQS:
        raise UserError(
            msg(
                "重复规则须按天、周、月或年重复（FREQ=DAILY/WEEKLY/MONTHLY/YEARLY）：「{rule}」",
                rule=raw[:80],
            )
        )
    if end_count is not None and not 1 <= end_count <= MAX_COUNT:
        raise UserError(msg("重复次数应在 1 到 {limit} 之间", limit=MAX_COUNT))
    if end_on is not None and end_on < starts_at.date():
        raise UserError(
            msg("结束日期 {end} 早于开始日期 {start}", end=end_on, start=starts_at.date())
        )
    rule = Rule(";".join(parts), end_count, end_on)
    try:
        base = _base(rule, starts_at)
    except (ValueError, TypeError) as error:
        raise UserError(
            msg("重复规则「{rule}」看不懂：{why}", rule=raw[:80], why=str(error)[:80])
        ) from error
    horizon = starts_at.replace(year=starts_at.year + FEASIBLE_YEARS, day=1)
    if not _can_happen(rule.text) or not list(islice(base.replace(until=horizon), 1)):
        raise UserError(
            msg(
                "重复规则「{rule}」在 {years} 年内一次也不会发生（例如 2 月 30 日）",
                rule=raw[:80],
                years=FEASIBLE_YEARS,
            )
        )
    return rule


# The most days a month can have (February: in a leap year).
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _numbers(parts: dict[str, str], name: str) -> list[int] | None:
    value = parts.get(name)
    return [int(v) for v in value.split(",")] if value else None


def _can_happen(text: str) -> bool:
    """False for day-of-month rules no month can meet (30 February, 31 April). dateutil would
    look for them year after year up to 9999 (its UNTIL stops only a found date), so they are
    caught here, before any iteration."""
    parts = dict(part.partition("=")[::2] for part in text.split(";"))
    days = _numbers(parts, "BYMONTHDAY")
    if not days:
        return True
    months = _numbers(parts, "BYMONTH") or list(range(1, 13))
    return any(
        1 <= month <= 12 and 1 <= abs(day) <= _MONTH_DAYS[month - 1]
        for month in months
        for day in days
    )


def _base(rule: Rule, starts_at: datetime) -> rrule:
    return rrulestr(rule.text, dtstart=starts_at.replace(microsecond=0))


def _period_days(text: str) -> int | None:
    """Days in one period of a DAILY or WEEKLY rule (its INTERVAL counted in)."""
    parts = dict(part.partition("=")[::2] for part in text.split(";"))
    days = {"DAILY": 1, "WEEKLY": 7}.get(parts.get("FREQ", ""))
    return days * int(parts.get("INTERVAL") or 1) if days else None


def _fast_forward(rule: Rule, starts_at: datetime, start: datetime) -> datetime:
    """A later series start with the same occurrences from `start` on: whole periods of a
    DAILY or WEEKLY rule skipped (a weekday and the period's place stay the same), so a
    daily rule begun years ago is not walked day by day. COUNT counts from the true start,
    and a month or year has no fixed length: those keep their start (they are few steps)."""
    period = _period_days(rule.text)
    if rule.end_count is not None or period is None or start <= starts_at:
        return starts_at
    skipped = (start - starts_at).days // period - 1  # one period early: never past `start`
    return starts_at + timedelta(days=max(0, skipped) * period)


def _fixed_step(text: str) -> timedelta | None:
    """The step of a rule that is nothing but FREQ=DAILY/WEEKLY and an INTERVAL (every day at
    8:00, every other week): its occurrences are plain arithmetic, no rrule walk needed."""
    parts = dict(part.partition("=")[::2] for part in text.split(";"))
    if not set(parts) <= {"FREQ", "INTERVAL"}:
        return None
    days = _period_days(text)
    return timedelta(days=days) if days else None


def occurrences(rule: Rule, starts_at: datetime, start: datetime, end: datetime) -> list[datetime]:
    """The rule's occurrences in [start, end), counting COUNT from the rule's own start."""
    bound = end - timedelta(microseconds=1)
    if rule.end_on is not None:
        bound = min(bound, datetime.combine(rule.end_on, time.max))
    if bound < starts_at:
        return []
    step = _fixed_step(rule.text)
    if step is not None:  # a year of a daily rule for hundreds of groups: bench/calendar_sop.py
        starts_at = starts_at.replace(microsecond=0)
        first = max(0, -((starts_at - start) // step))  # the first index at or after `start`
        last = (bound - starts_at) // step  # the last index at or before `bound`
        if rule.end_count is not None:
            last = min(last, rule.end_count - 1)
        return [starts_at + n * step for n in range(first, last + 1)]
    bounded = _base(rule, _fast_forward(rule, starts_at, start)).replace(until=bound)
    found = islice(bounded, rule.end_count) if rule.end_count else bounded
    return [when for when in found if when >= start]


def is_occurrence(rule: Rule, starts_at: datetime, when: datetime) -> bool:
    return when in occurrences(rule, starts_at, when, when + timedelta(seconds=1))
