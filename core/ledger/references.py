"""What an entry's reference (关联) names, in words: `birthday:98149:2026` is 2026 年生日礼.

The keys are the ones this package writes (awards, catalogue, entries). A page of the journal
is described at once: one query per kind of thing named (events, rules, members, redemptions),
never one per row. A key nobody here wrote is shown as it is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.activity.kinds import KIND_LABELS
from core.common.text import msg
from db.ledger_models import LedgerRedemption, LedgerReward, LedgerRule
from db.models import ActivityEvent, Member

_CHUNK = 1000


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _chunks(values: set) -> Iterable[list]:
    ordered = sorted(values)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


def reference_texts(session: Session, references: Iterable[str]) -> dict[str, str]:
    """Each reference → the words for it (a core message); unknown keys map to themselves."""
    parsed: dict[str, tuple[str, list[str]]] = {}
    wanted: dict[str, set] = defaultdict(set)
    for reference in set(references):
        kind, _, rest = reference.partition(":")
        parts = rest.split(":")
        parsed[reference] = (kind, parts)
        if kind in ("activity", "invite", "entry") and _number(parts[0]) is not None:
            wanted[kind].add(int(parts[0]))
        elif kind in ("rule", "redemption") and rest:
            wanted[kind].add(rest)
    found = _look_up(session, wanted)
    return {ref: _text(ref, kind, parts, found) for ref, (kind, parts) in parsed.items()}


def _look_up(session: Session, wanted: dict[str, set]) -> dict[str, dict]:
    found: dict[str, dict] = defaultdict(dict)
    for ids in _chunks(wanted["activity"]):
        for event_id, kind, at in session.execute(
            select(ActivityEvent.id, ActivityEvent.kind, ActivityEvent.occurred_at).where(
                ActivityEvent.id.in_(ids)
            )
        ):
            found["activity"][event_id] = (kind, at)
    for ids in _chunks(wanted["invite"]):
        found["invite"].update(
            session.execute(select(Member.id, Member.nickname).where(Member.id.in_(ids))).all()
        )
    for codes in _chunks(wanted["rule"]):
        newest = (
            select(LedgerRule.code, func.max(LedgerRule.version).label("version"))
            .where(LedgerRule.code.in_(codes))
            .group_by(LedgerRule.code)
            .subquery()
        )
        found["rule"].update(
            session.execute(
                select(LedgerRule.code, LedgerRule.name).join(
                    newest,
                    (newest.c.code == LedgerRule.code) & (newest.c.version == LedgerRule.version),
                )
            ).all()
        )
    for codes in _chunks(wanted["redemption"]):
        found["redemption"].update(
            session.execute(
                select(LedgerRedemption.code, LedgerReward.name)
                .join(LedgerReward, LedgerReward.id == LedgerRedemption.reward_id)
                .where(LedgerRedemption.code.in_(codes))
            ).all()
        )
    return found


def _text(reference: str, kind: str, parts: list[str], found: dict[str, dict]) -> str:
    first = parts[0]
    number = _number(first)
    if kind == "activity" and number is not None:
        event = found["activity"].get(number)
        if event is None:
            return msg("行为记录 #{id}（已删除）", id=number)
        event_kind, at = event
        return msg(
            "行为记录 #{id}（{kind} · {day}）",
            id=number,
            kind=KIND_LABELS.get(event_kind, event_kind),
            day=f"{at:%Y-%m-%d}",
        )
    if kind == "birthday" and len(parts) == 2 and _number(parts[1]) is not None:
        return msg("{year} 年生日礼", year=int(parts[1]))
    if kind == "streak" and len(parts) == 2 and _day(parts[1]):
        return msg("连续签到奖励（截至 {day}）", day=parts[1])
    if kind == "makeup" and len(parts) == 1 and _day(first):
        return msg("补签 {day}", day=first)
    if kind == "expiry" and len(parts) == 1 and (expires_on := _day(first)):
        # Stored as the first day it is gone; people read the last day it was good.
        return msg("到期积分（有效期至 {day}）", day=f"{expires_on - timedelta(days=1):%Y-%m-%d}")
    if kind == "import" and number is not None:
        return msg("导入成员名单（批次 #{id}）", id=number)
    if kind == "entry" and number is not None:
        return msg("针对流水 #{id}", id=number)
    if kind == "invite" and number is not None:
        name = found["invite"].get(number)
        if name is None:
            return msg("邀请成员 #{id}", id=number)
        return msg("邀请「{name}」（成员 #{id}）", name=name, id=number)
    rest = ":".join(parts)
    if kind == "rule" and rest:
        return msg("按规则「{rule}」发放", rule=found["rule"].get(rest, rest))
    if kind == "redemption" and rest:
        reward = found["redemption"].get(rest)
        if reward is None:
            return msg("兑换码 {code}", code=rest)
        return msg("兑换「{reward}」· 兑换码 {code}", reward=reward, code=rest)
    return reference
