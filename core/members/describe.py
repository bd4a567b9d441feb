"""Kept for callers in flight: `describe_members` lives in core/common/member_description.py
(communities, below members, need it too). New code imports it from there."""

from core.common.member_description import describe_members

__all__ = ["describe_members"]
