"""What eligibility and the fraud signals read of a campaign's participants (facts.Person),
by their ids: nickname, phone, 微信号, first membership, whether a reviewer blacklisted
them in another campaign, and whether they are on the team (owner, staff).

The ids are known already (the edges or the type's facts are read first), so no query unions
the participants again: a campaign naming most members reads the members and memberships
tables whole (one scan each, 200000 rows in well under a second) and keeps its own; a small
one looks its members up in chunks of ids."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from core.campaigns.facts import Person
from core.campaigns.sql_rows import as_text, parser
from db.models import Member, Membership
from db.referral_models import CampaignReview

CHUNK = 5000  # ids per IN (…): well inside SQLite's and PostgreSQL's parameter limits
MEMBER = Member.__table__
MEMBERSHIP = Membership.__table__


def barred_members(session: Session, campaign_id: int | None = None) -> set[int]:
    """Members a reviewer blacklisted in a campaign other than `campaign_id`."""
    query = select(CampaignReview.member_id).where(CampaignReview.action == "blacklist")
    if campaign_id is not None:
        query = query.where(CampaignReview.campaign_id != campaign_id)
    return {member_id for member_id in session.scalars(query) if member_id is not None}


def _most(session: Session, ids: Collection[int]) -> bool:
    """Whether `ids` are a good part of all members (then a scan beats looking each up)."""
    top = session.scalar(select(func.max(MEMBER.c.id))) or 0
    return len(ids) * 4 > top


def _rows(session: Session, query, column, ids: Collection[int] | Select):
    """The rows of `query` whose `column` is one of `ids` (a collection, or a query of ids:
    then one query, the ids never leaving the database)."""
    connection = session.connection()
    if isinstance(ids, Select):
        return connection.execute(query.where(column.in_(ids))).all()
    if _most(session, ids):
        return [row for row in connection.execute(query).all() if row[0] in ids]
    ordered = sorted(ids)
    rows = []
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        rows += connection.execute(query.where(column.in_(chunk))).all()
    return rows


def read_people(
    session: Session, campaign_id: int, ids: Collection[int] | Select
) -> dict[int, Person]:
    """Member id → Person, for the members among `ids` (their ids, or a query of them)."""
    if not isinstance(ids, Select):
        ids = {member_id for member_id in ids if member_id is not None}
        if not ids:
            return {}
    parse = parser(session)
    firsts = select(
        MEMBERSHIP.c.member_id, as_text(session, func.min(MEMBERSHIP.c.joined_at))
    ).group_by(MEMBERSHIP.c.member_id)
    since: dict[int, datetime | None] = {
        member_id: parse(at) for member_id, at in _rows(
            session, firsts, MEMBERSHIP.c.member_id, ids
        )
    }  # fmt: skip
    barred = barred_members(session, campaign_id)
    members = select(
        MEMBER.c.id, MEMBER.c.nickname, MEMBER.c.phone, MEMBER.c.wechat_id, MEMBER.c.is_team
    )
    return {
        member_id: Person(
            member_id=member_id,
            member_since=since.get(member_id),
            nickname=nickname or "",
            phone=phone or "",
            wechat_id=wechat_id or "",
            barred=member_id in barred,
            team=bool(team),
        )
        for member_id, nickname, phone, wechat_id, team in _rows(session, members, MEMBER.c.id, ids)
    }


__all__ = ["barred_members", "read_people"]
