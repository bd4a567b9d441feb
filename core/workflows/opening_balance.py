"""A member list's points (客户积分) become opening balances in the ledger: after the import
has written its members (members), one ledger entry per member (ledger), in the caller's one
transaction, so a failed or cancelled import leaves no points either.

Each entry is an `adjust` credit (an award that can be spent and expires like any other), not
qualifying for levels (the points were earned elsewhere), with the dedupe key
`import-opening:{member}:{file sha256}`: the database refuses the same file twice, and a member
who got an opening balance from any file gets none again (the plan says so in its preview).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from core.common.operator import operator_name
from core.common.text import msg
from core.ledger.balances import dedupe_keys
from core.ledger.entries import (
    DEFAULT_EXPIRY_DAYS,
    Award,
    award_batch,
    default_expiry,
    member_totals,
)
from core.ledger.limits import MAX_BALANCE_POINTS
from core.members.importing.model import ImportPlan, ImportResult
from core.members.importing.opening import KEY_PREFIX, file_of, opening_key

SOURCE = "import"


def members_with_opening(connection: Connection, member_ids: list[int]) -> dict[int, set[str]]:
    """The members among `member_ids` whose ledger already holds an opening balance from an
    import (their own, or one merged into them), with the sha256 of the files it came from.
    The plan's preview asks this (core.members.importing.opening.OpenedLookup)."""
    found = dedupe_keys(connection, member_ids, KEY_PREFIX)
    return {member_id: {file_of(key) for key in keys} for member_id, keys in found.items()}


def opening_reason(file_name: str) -> str:
    """The reason written on the entry (the journal keeps it as text)."""
    return msg("期初积分（导入「{file}」）", file=file_name)


def import_reference(batch_id: int) -> str:
    return f"import:{batch_id}"


def record_opening_balances(
    session: Session,
    plan: ImportPlan,
    result: ImportResult,
    *,
    operator: str | None = None,
    now: datetime | None = None,
) -> ImportResult:
    """Write the opening balances of an applied plan; fill `result.opening_*` and return it."""
    balances = [b for b in plan.opening_balances() if b.member_id is not None]
    if not balances:
        return result
    now = now or datetime.now()
    operator = operator if operator is not None else operator_name()
    # The preview checked this; a balance written meanwhile by another import still counts.
    done = members_with_opening(session.connection(), [b.member_id for b in balances])
    totals = member_totals(session, [b.member_id for b in balances])
    awards: list[Award] = []
    for balance in balances:
        if balance.member_id in done:
            result.opening_notes.append(
                msg(
                    "{sheet} 第 {row} 行「{nickname}」：这位成员已经导入过期初积分，这次不再计入",
                    sheet=balance.sheet,
                    row=balance.row,
                    nickname=balance.nickname,
                )
            )
            continue
        if totals[balance.member_id] + balance.points > MAX_BALANCE_POINTS:
            result.opening_notes.append(
                msg(
                    "{sheet} 第 {row} 行「{nickname}」：期初积分 {points} 分将使积分超过"
                    "单人上限 {limit:,} 分，没有计入",
                    sheet=balance.sheet,
                    row=balance.row,
                    nickname=balance.nickname,
                    points=balance.points,
                    limit=MAX_BALANCE_POINTS,
                )
            )
            continue
        awards.append(
            Award(
                member_id=balance.member_id,
                points=balance.points,
                reason=opening_reason(plan.file_name),
                source=SOURCE,
                reference=import_reference(result.batch_id),
                occurred_at=now,
                expires_on=default_expiry(now, DEFAULT_EXPIRY_DAYS),
                dedupe_key=opening_key(balance.member_id, plan.file_sha256),
                kind="adjust",
                operator=operator[:100],
            )
        )
    result.opening_entries = award_batch(session, awards, now=now) if awards else 0
    result.opening_points = sum(a.points for a in awards)
    return result
