"""A typed code → the member it belongs to, or a refusal that helps.

1. Normalised (core.referrals.codes); refused when it can't be a code at all.
2. Stored (invite_codes) → its member. A derived standing code with no row yet (printed
   before codes were stored) → its member too: the permutation runs backwards.
3. Not found, shaped like a campaign code and passing the check → "未发放的邀请码": no typo
   of a real campaign code passes the check, so it was never handed out.
4. Otherwise a typo: refused, with "did you mean …" listing the real codes one substitution
   or one neighbour swap away.
A member merged into another resolves to the one kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.joins import joined_list
from core.common.settings_store import get_setting
from core.common.text import Message, msg
from core.referrals.codes import is_campaign_shaped, normalise_code, one_away, passes_check
from core.referrals.invite_codes import KEY_SETTING, derived_member_id
from core.referrals.issuing import stored_values
from db.bounds import INT32_MAX
from db.models import Member
from db.referral_models import Campaign, InviteCode

MAX_SUGGESTIONS = 5


@dataclass(frozen=True)
class ResolvedCode:
    code: str
    member_id: int  # the member now (after merges)
    nickname: str
    origin: str  # standing / campaign / imported
    campaign_id: int | None = None
    campaign_name: str = ""
    code_id: int | None = None  # None: a derived standing code not stored yet
    issued_to: int | None = None  # the member it was issued to, when merged since


@dataclass(frozen=True)
class Suggestion:
    code: str
    member_id: int
    nickname: str


class CodeRefused(UserError):
    """A typed code that finds nobody; `suggestions` are the real codes one character away."""

    def __init__(
        self, message: Message, code: str, kind: str, suggestions: list[Suggestion]
    ) -> None:
        super().__init__(message)
        self.code = code
        self.kind = kind  # not_issued / typo
        self.suggestions = suggestions


@dataclass
class _Found:
    member_id: int
    origin: str
    campaign_id: int | None = None
    code_id: int | None = None
    extra: dict = field(default_factory=dict)


def _key(session: Session) -> bytes | None:
    """The invite key when there is one (resolving never makes one: no key, no derived codes)."""
    value = get_setting(session, KEY_SETTING)
    if not isinstance(value, str) or len(value) < 16:
        return None
    try:
        return bytes.fromhex(value)
    except ValueError:
        return value.encode()


def _find(session: Session, values: set[str], key: bytes | None) -> dict[str, _Found]:
    """Which of `values` are real codes: stored, or derived standing codes of a member."""
    found = {
        value: _Found(row.member_id, row.origin, row.campaign_id, row.id)
        for value, row in stored_values(session, values).items()
    }
    if key is not None:
        derived = {}
        for value in values - set(found):
            member_id = derived_member_id(value, key)
            # Past what an id column holds (PostgreSQL refuses to even compare): nobody's.
            if member_id is not None and member_id <= INT32_MAX:
                derived[value] = member_id
        existing = set()
        ids = sorted(set(derived.values()))
        for start in range(0, len(ids), 500):
            existing.update(
                session.scalars(select(Member.id).where(Member.id.in_(ids[start : start + 500])))
            )
        for value, member_id in derived.items():
            if member_id in existing:
                found[value] = _Found(member_id, "standing")
    return found


def _current(session: Session, member_id: int) -> Member:
    """The member, or the one they were merged into (following a chain)."""
    member = session.get(Member, member_id)
    for _ in range(20):
        if member is None or member.merged_into_id is None:
            break
        member = session.get(Member, member.merged_into_id)
    assert member is not None  # the foreign key keeps codes' members
    return member


def member_name(member: Member) -> str:
    return (member.nickname or member.remark or "").strip() or f"#{member.id}"


def resolve_code(session: Session, typed: str) -> ResolvedCode:
    """Who `typed` belongs to; CodeRefused (a UserError) when it is nobody's."""
    code = normalise_code(typed)
    key = _key(session)
    hit = _find(session, {code}, key).get(code)
    if hit is not None:
        member = _current(session, hit.member_id)
        campaign = session.get(Campaign, hit.campaign_id) if hit.campaign_id else None
        return ResolvedCode(
            code=code,
            member_id=member.id,
            nickname=member_name(member),
            origin=hit.origin,
            campaign_id=hit.campaign_id,
            campaign_name=campaign.name if campaign else "",
            code_id=hit.code_id,
            issued_to=hit.member_id if hit.member_id != member.id else None,
        )
    if is_campaign_shaped(code) and passes_check(code):
        raise CodeRefused(msg("未发放的邀请码：{code}", code=code), code, "not_issued", [])
    suggestions = did_you_mean(session, code, key)
    if suggestions:
        listed = joined_list(
            [msg("{code}（{name}）", code=s.code, name=s.nickname) for s in suggestions]
        )
        raise CodeRefused(
            msg("没有邀请码 {code}，您要找的是不是：{codes}", code=code, codes=listed),
            code,
            "typo",
            suggestions,
        )
    raise CodeRefused(
        msg("没有邀请码 {code}，也没有只差一个字符的邀请码", code=code), code, "typo", []
    )


def did_you_mean(session: Session, code: str, key: bytes | None = None) -> list[Suggestion]:
    """The real codes one substitution or one neighbour swap away from `code`."""
    found = _find(session, one_away(code), key if key is not None else _key(session))
    suggestions = []
    for value in sorted(found)[:MAX_SUGGESTIONS]:
        member = _current(session, found[value].member_id)
        suggestions.append(Suggestion(value, member.id, member_name(member)))
    return suggestions


def code_row(session: Session, code_id: int) -> InviteCode | None:
    return session.get(InviteCode, code_id)
