"""The list of communities with their member counts, QR days left and warnings; the 需要处理 list.

One aggregate query for the counts (memberships with left_at NULL, merged members excluded),
one for the records: a few dozen milliseconds at 300 communities and 100000 members.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.common.search_keys import names_search_text, normalize_query
from core.communities.attention import (
    ARCHIVED,
    Attention,
    GroupState,
    Verdict,
    sort_key,
    verdict_for,
)
from core.communities.limits import Limits, days_left, expires_on, load_limits
from core.communities.registry import PLATFORM_LABELS
from db.models import Community, Member, Membership


@dataclass(frozen=True)
class CommunityRow:
    """One line of the communities list (no image bytes: those load with the detail)."""

    id: int
    name: str
    platform: str
    members: int
    member_cap: int
    scan_cap: int
    tags: tuple[str, ...]
    theme: str
    created_on: date | None
    archived: bool
    has_qr: bool
    qr_generated_on: date | None
    qr_valid_days: int | None  # in force: the community's own, else the platform's
    qr_expires_on: date | None
    qr_days_left: int | None  # None: no code attached, or a code that does not expire
    warnings: tuple[Attention, ...]
    search_text: str  # name, tags and theme, lower-cased (pinyin: name_search_keys)
    verdict: Verdict  # on 需要处理 or not, and why: the rule the panel reads too

    @property
    def platform_label(self) -> str:
        return PLATFORM_LABELS.get(self.platform, self.platform)


def current_member_counts(session: Session) -> dict[int, int]:
    """community id → members now (still in the group, not merged into someone else).

    Two queries rather than one join: all current memberships come straight from the
    (community_id, left_at) index, and the few that belong to merged members are subtracted
    (the join would visit 100000 member rows).
    """
    counts = dict(
        session.execute(
            select(Membership.community_id, func.count())
            .where(Membership.left_at.is_(None))
            .group_by(Membership.community_id)
        ).all()
    )
    merged = select(Member.id).where(Member.merged_into_id.is_not(None))
    for community_id, count in session.execute(
        select(Membership.community_id, func.count())
        .where(Membership.left_at.is_(None), Membership.member_id.in_(merged))
        .group_by(Membership.community_id)
    ):
        counts[community_id] -= count
    return counts


@functools.lru_cache(maxsize=4096)
def name_search_keys(name: str) -> str:
    """The name with its pinyin and initials (麦香烘焙 → "麦香烘焙 maixianghongbei mxhb").

    Separate from the list: loading pypinyin takes half a second, so the window fetches these
    after the list is on screen, and a name is converted once per run.
    """
    return names_search_text([name])


def list_communities(
    session: Session,
    *,
    include_archived: bool = False,
    search: str = "",
    today: date | None = None,
    limits: Limits | None = None,
) -> list[CommunityRow]:
    """Communities not in the trash, by name; archived ones only when asked for."""
    today = today or date.today()
    limits = limits or load_limits(session)
    counts = current_member_counts(session)
    statement = select(
        Community.id,
        Community.name,
        Community.platform,
        Community.member_cap,
        Community.scan_cap,
        Community.tags,
        Community.theme,
        Community.created_on,
        Community.archived,
        Community.qr_image.is_not(None).label("has_qr"),
        Community.qr_generated_on,
        Community.qr_valid_days,
    ).where(Community.deleted_at.is_(None))
    if not include_archived:
        statement = statement.where(Community.archived.is_(False))
    query = normalize_query(search)
    rows = []
    for record in session.execute(statement.order_by(Community.name, Community.id)):
        row = _row(record, counts.get(record.id, 0), limits, today)
        if query:
            text = f"{row.search_text} {name_search_keys(row.name)}"
            if not all(word in text for word in query.split()):
                continue
        rows.append(row)
    return rows


def _row(record, members: int, limits: Limits, today: date) -> CommunityRow:
    r = record
    # What the attention rules look at is part of the row too (the row's code validity is the
    # one in force; the rules get the community's own and look up the platform's themselves).
    seen = dict(
        id=r.id,
        name=r.name,
        platform=r.platform,
        members=members,
        member_cap=r.member_cap,
        scan_cap=r.scan_cap,
        has_qr=bool(r.has_qr),
        qr_generated_on=r.qr_generated_on,
    )
    state = GroupState(**seen, qr_valid_days=r.qr_valid_days)
    valid = limits.valid_days(r.platform, r.qr_valid_days) if state.has_qr else None
    tags = tuple(r.tags or ())
    verdict = ARCHIVED if r.archived else verdict_for(state, limits, today)
    return CommunityRow(
        **seen,
        tags=tags,
        theme=r.theme or "",
        created_on=r.created_on,
        archived=bool(r.archived),
        qr_valid_days=valid,
        qr_expires_on=expires_on(r.qr_generated_on, valid),
        qr_days_left=days_left(r.qr_generated_on, valid, today),
        warnings=verdict.warnings,
        search_text=" ".join([r.name, *tags, r.theme or ""]).lower(),
        verdict=verdict,
    )


def attention_from_rows(rows: list[CommunityRow]) -> list[Attention]:
    """需要处理 as the list's rows say it: each row's verdict (archived rows have none)."""
    return sorted((w for row in rows for w in row.verdict.items), key=sort_key)


def attention_list(session: Session, *, today: date | None = None) -> list[Attention]:
    """需要处理: every warning that asks for action, of every community in use (not archived,
    not in the trash)."""
    return attention_from_rows(list_communities(session, today=today))
