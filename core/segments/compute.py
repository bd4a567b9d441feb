"""Who is in a segment: one entry point over the RFM and behavioural computations."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy.orm import Session

from core.members.query import MemberFilter
from core.segments import behaviour
from core.segments.behaviour import Found
from core.segments.catalogue import SEGMENTS, get_segment
from core.segments.rfm import RfmResult, compute_rfm

_BEHAVIOUR = {
    "slipping_away": behaviour.slipping_away,
    "new_active": behaviour.new_and_active,
    "engaged_week": behaviour.most_engaged,
}


def _rfm_found(result: RfmResult, key: str) -> list[Found]:
    rows = sorted(result.members_of(key), key=lambda row: (-(row.r + row.f + row.m), row.member_id))
    return [Found(row.member_id, row.describe(result.now, result.basis)) for row in rows]


def segment_members(session: Session, key: str, now: datetime | None = None) -> list[Found]:
    """The members of a segment (key or Chinese name) in working order, with the reason."""
    return segments_members(session, [key], now)[get_segment(key).key]


def segments_members(
    session: Session, keys: Iterable[str], now: datetime | None = None
) -> dict[str, list[Found]]:
    """Several segments at once: RFM is computed once for all the RFM ones asked for."""
    now = now or datetime.now()
    segments = [get_segment(key) for key in keys]
    result: dict[str, list[Found]] = {}
    rfm: RfmResult | None = None
    for segment in segments:
        if segment.kind == "rfm":
            rfm = rfm or compute_rfm(session, now)
            result[segment.key] = _rfm_found(rfm, segment.key)
        else:
            result[segment.key] = _BEHAVIOUR[segment.key](session, now)
    return result


def segment_ids_with_siblings(
    session: Session, key: str, now: datetime | None = None
) -> dict[str, list[int]]:
    """The segment's member ids, plus those of the segments that came for free with it (one
    RFM computation answers all eight): the members tab caches them all."""
    segment = get_segment(key)
    keys = [s.key for s in SEGMENTS if s.kind == "rfm"] if segment.kind == "rfm" else [segment.key]
    found = segments_members(session, keys, now)
    return {k: [item.member_id for item in items] for k, items in found.items()}


def segment_member_ids(session: Session, key: str, now: datetime | None = None) -> list[int]:
    """The member ids of a segment (key or Chinese name); UserError for an unknown one."""
    return [found.member_id for found in segment_members(session, key, now)]


def within_segment(
    session: Session, spec: MemberFilter, key: str, now: datetime | None = None
) -> MemberFilter:
    """The members query `spec` narrowed to a segment's members (key or Chinese name): the
    segment gives the ids, the members query filters by them."""
    ids = segment_member_ids(session, key, now or spec.now)
    return replace(spec, member_ids=tuple(ids))


@dataclass
class SegmentSummary:
    key: str
    name: str
    kind: str
    description: str
    action: str
    count: int


@dataclass
class SegmentOverview:
    """Every segment with its member count: `segments list`."""

    segments: list[SegmentSummary] = field(default_factory=list)
    rfm_basis: str = ""  # spend / points / score
    rfm_note: str = ""
    rfm_scored: int = 0  # members with any activity, who get R, F and M scores
    seconds: float = 0.0


def segment_overview(session: Session, now: datetime | None = None) -> SegmentOverview:
    started = time.perf_counter()
    now = now or datetime.now()
    rfm = compute_rfm(session, now)
    counts: dict[str, int] = {}
    for row in rfm.rows:
        counts[row.segment] = counts.get(row.segment, 0) + 1
    overview = SegmentOverview(
        rfm_basis=rfm.basis, rfm_note=rfm.basis_note, rfm_scored=len(rfm.rows)
    )
    for segment in SEGMENTS:
        if segment.kind == "rfm":
            count = counts.get(segment.key, 0)
        else:
            count = len(_BEHAVIOUR[segment.key](session, now))
        overview.segments.append(
            SegmentSummary(
                segment.key, segment.name, segment.kind, segment.description, segment.action, count
            )
        )
    overview.seconds = time.perf_counter() - started
    return overview
