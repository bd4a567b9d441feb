"""Every code handed out is stored (table invite_codes) and found by value.

- standing codes: stored when a poster batch hands them out (`store_standing_codes`); the
  derived ones also resolve without a row (the permutation runs backwards), so codes printed
  before this table existed keep working;
- campaign codes: one per member and campaign, made on first ask (`campaign_codes_for`), from
  a serial number kept in the setting `referrals.code_serial`;
- imported codes: a code another tool gave a member (`import_code`), kept as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.settings_store import get_setting, set_setting
from core.common.text import msg
from core.referrals import codes as campaign_format
from core.referrals.codes import normalise_code
from core.referrals.invite_codes import custom_code, derive_invite_code, invite_key
from db.models import Member
from db.referral_models import Campaign, InviteCode

SERIAL_SETTING = "referrals.code_serial"
CHUNK = 500


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def stored_values(session: Session, values: Iterable[str]) -> dict[str, InviteCode]:
    """value → its stored code, for those of `values` that are stored."""
    found: dict[str, InviteCode] = {}
    for chunk in _chunks(sorted(set(values))):
        found.update(
            (row.value, row)
            for row in session.scalars(select(InviteCode).where(InviteCode.value.in_(chunk)))
        )
    return found


def store_standing_codes(
    session: Session,
    member_ids: Iterable[int],
    *,
    derived: dict[int, str] | None = None,
    now: datetime | None = None,
) -> dict[int, str]:
    """Each member's standing code (custom 邀请码, else derived), stored when it is not yet.
    `derived`: the derived codes already made (a poster batch has them), not made again.

    A custom code that is not a valid code, or already another member's, is handed out as the
    member's field says but not stored (it could not resolve to them): the caller's poster
    shows what the operator typed, as before."""
    ids = list(dict.fromkeys(member_ids))
    if not ids:
        return {}
    key = invite_key(session)
    derived = derived or {}
    now = now or datetime.now()
    wanted: dict[int, tuple[str, str]] = {}  # member → (code, origin)
    for chunk in _chunks(ids):
        for member_id, custom in session.execute(
            select(Member.id, Member.custom_fields).where(Member.id.in_(chunk))
        ):
            own = custom_code(custom)
            if own:
                try:
                    wanted[member_id] = (normalise_code(own), "imported")
                except UserError:
                    wanted[member_id] = (own, "")  # not storable
            else:
                code = derived.get(member_id) or derive_invite_code(member_id, key)
                wanted[member_id] = (code, "standing")
    stored = set(stored_values(session, (code for code, origin in wanted.values() if origin)))
    rows = []
    for member_id, (code, origin) in wanted.items():
        if origin and code not in stored:
            rows.append({"value": code, "member_id": member_id, "issued_at": now, "origin": origin})
            stored.add(code)
    _insert(session, rows)
    return {member_id: wanted[member_id][0] for member_id in ids if member_id in wanted}


def import_code(
    session: Session,
    member_id: int,
    typed: str,
    *,
    campaign_id: int | None = None,
    now: datetime | None = None,
) -> InviteCode:
    """Store a code another tool gave the member; refused when it is someone else's."""
    value = normalise_code(typed)
    existing = stored_values(session, [value]).get(value)
    if existing is not None:
        if existing.member_id == member_id and existing.campaign_id == campaign_id:
            return existing
        raise UserError(
            msg("邀请码 {code} 已发给成员 {member}", code=value, member=existing.member_id)
        )
    row = InviteCode(
        value=value,
        member_id=member_id,
        campaign_id=campaign_id,
        issued_at=now or datetime.now(),
        origin="imported",
    )
    session.add(row)
    session.flush()
    return row


def _insert(session: Session, rows: list[dict]) -> None:
    """Bulk insert (no ORM objects: twenty thousand codes in a blink, not seconds)."""
    if not rows:
        return
    session.flush()
    try:
        with session.begin_nested():
            for start in range(0, len(rows), 5000):
                session.execute(insert(InviteCode.__table__), rows[start : start + 5000])
    except IntegrityError as error:  # another writer took a code or a member's slot just now
        raise UserError(msg("同时有人在发放邀请码，请稍后重试")) from error


def campaign_codes_for(
    session: Session,
    campaign_id: int,
    member_ids: Iterable[int],
    *,
    now: datetime | None = None,
) -> dict[int, str]:
    """member → their code in the campaign, issuing the ones they don't have yet."""
    ids = list(dict.fromkeys(member_ids))
    if session.get(Campaign, campaign_id) is None:
        raise UserError(msg("没有编号为 {id} 的活动", id=campaign_id))
    have: dict[int, str] = {}
    for chunk in _chunks(ids):
        have.update(
            session.execute(
                select(InviteCode.member_id, InviteCode.value).where(
                    InviteCode.campaign_id == campaign_id, InviteCode.member_id.in_(chunk)
                )
            ).all()
        )
    missing = [member_id for member_id in ids if member_id not in have]
    if missing:
        have.update(_issue(session, campaign_id, missing, now or datetime.now()))
    return {member_id: have[member_id] for member_id in ids}


def _issue(
    session: Session, campaign_id: int, member_ids: list[int], now: datetime
) -> dict[int, str]:
    """New codes for members who have none in the campaign. The serial only grows, and a
    value someone already holds (an imported code, or another writer's in the same instant)
    is skipped, so the UNIQUE index never has to refuse one of ours."""
    key = invite_key(session)
    serial = int(get_setting(session, SERIAL_SETTING) or 0)
    issued: dict[int, str] = {}
    todo = list(member_ids)
    while todo:
        values = campaign_format.campaign_codes(serial, len(todo), key)
        serial += len(values)
        taken = stored_values(session, values)
        free = [value for value in values if value not in taken]
        rows = []
        for member_id, value in zip(todo, free, strict=False):
            rows.append(
                {
                    "value": value,
                    "member_id": member_id,
                    "campaign_id": campaign_id,
                    "issued_at": now,
                    "origin": "campaign",
                }
            )
            issued[member_id] = value
        todo = todo[len(rows) :]
        _insert(session, rows)
    set_setting(session, SERIAL_SETTING, serial)
    session.flush()
    return issued
