"""待跟进: members to reach this week: the slipping-away segment (top levels silent 14 days)
first, then the at-risk RFM segment (重要挽留), each with the reason and the segment's
suggested action. Who is in them is core.segments' decision; this only lists them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from core.members.query import load_rows
from core.segments.catalogue import segment_of_key
from core.segments.compute import segments_members

SEGMENT_KEYS = ("slipping_away", "important_retain")
PAGE = 5000


@dataclass(frozen=True)
class FollowUp:
    member_id: int
    nickname: str
    remark: str
    wechat_id: str | None  # unmasked: the writer masks
    phone: str | None
    communities: str
    segment: str
    basis: str
    action: str


def follow_ups(
    session: Session, now: datetime, community_members: set[int] | None = None
) -> list[FollowUp]:
    """The members to follow up as of `now`, in working order; only those in
    `community_members` when given (a report for one community)."""
    found = segments_members(session, SEGMENT_KEYS, now)
    chosen: list[tuple[int, str, str]] = []
    seen: set[int] = set()
    for key in SEGMENT_KEYS:
        for item in found[key]:
            if item.member_id in seen:
                continue
            if community_members is not None and item.member_id not in community_members:
                continue
            seen.add(item.member_id)
            chosen.append((item.member_id, key, item.basis))
    result = []
    for start in range(0, len(chosen), PAGE):
        page = chosen[start : start + PAGE]
        rows = load_rows(session, [member_id for member_id, _, _ in page])
        for member_id, key, basis in page:
            row = rows.get(member_id)
            if row is None:
                continue
            segment = segment_of_key(key)
            result.append(
                FollowUp(
                    member_id, row.nickname, row.remark, row.wechat_id, row.phone,
                    "、".join(row.communities), segment.name, basis, segment.action,
                )
            )  # fmt: skip
    return result
