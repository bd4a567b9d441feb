"""A member import that names inviters (WeCom's invitor, 邀请人 columns): the import writes
the members (members feature), then each inviter it wrote becomes a referral edge from the
source `member_import` (referrals feature), in the caller's transaction. The edge is what
the member's inviter is derived from afterwards; an invitee who already has another inviter
is reported as a conflict, first referrer winning.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from core.members.importing.model import ImportResult
from core.referrals.edges import Claim, RecordResult, record_edges


def inviters_become_edges(
    session: Session,
    result: ImportResult,
    *,
    operator: str | None = None,
    now: datetime | None = None,
) -> RecordResult:
    """Record an edge for each (member, inviter) the import wrote."""
    claims = [
        Claim(
            inviter_id=inviter,
            invitee_id=member,
            how="direct_invite",
            source="member_import",
            occurred_at=now,
        )
        for member, inviter in result.inviters
    ]
    if not claims:
        return RecordResult()
    return record_edges(session, claims, operator=operator, now=now)
