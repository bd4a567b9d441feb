"""Which members statistics count: team members and merged-away members are left out of
every figure (levels, segments, role structure, reports)."""

from __future__ import annotations

from sqlalchemy import and_

from db.models import Member


def stats_members_condition():
    """Members that statistics count: not team, not merged away."""
    return and_(Member.is_team.is_(False), Member.merged_into_id.is_(None))
