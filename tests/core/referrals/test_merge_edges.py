"""Merging B into A hands B's referral edges to A: a self-invitation is voided, a clash on
the first-referrer key keeps the earlier edge, a duplicate of the same inviter is folded, the
derived inviter follows, B's codes resolve to A; undo puts every edge back exactly. SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from core.common.errors import UserError
from core.referrals.edges import FIRST_REFERRER, Claim, live_key, record_edge, record_edges
from core.referrals.issuing import campaign_codes_for
from core.referrals.merges import MERGED_DUPLICATE, MERGED_SELF
from core.referrals.resolving import resolve_code
from core.workflows.merging import merge_members, undo_merge
from db.models import Member
from db.referral_models import ReferralEdge
from tests.core.referrals.helpers import people, running_campaign

T = datetime(2026, 3, 1, 9)


def _edges(session) -> dict[int, tuple]:
    columns = [c for c in ReferralEdge.__table__.c]
    return {row[0]: tuple(row) for row in session.execute(select(*columns))}


def _inviters(session) -> dict[int, int | None]:
    return dict(session.execute(select(Member.id, Member.inviter_id)).all())


def _world(session):
    a, b, x, y, z, w = people(session, "阿甲", "阿乙", "小新", "小叶", "小郑", "小王")
    spring = running_campaign(session, "春季邀请")
    autumn = running_campaign(session, "秋季邀请")

    def claim(inviter, invitee, hours, campaign=None, source="typed"):
        return Claim(inviter, invitee, "code", source, campaign_id=campaign,
                     occurred_at=T + timedelta(hours=hours))  # fmt: skip

    record_edges(
        session,
        [
            claim(b, x, 1, spring),  # B invited X: becomes A's invitation
            claim(y, b, 2, spring),  # Y invited B: Y invited A now, the earlier in A's scope
            claim(z, a, 3, spring),  # Z invited A later in the same scope: voided
            claim(a, b, 4, autumn),  # A invited B: A would invite A, voided
            claim(w, b, 5),  # W invited B outside a campaign ...
            claim(w, a, 6, source="scanned"),  # ... and A: one edge, both sources
        ],
        operator="t",
        now=T,
    )
    code = campaign_codes_for(session, spring, [b], now=T)[b]
    session.flush()
    return dict(a=a, b=b, x=x, y=y, z=z, w=w, spring=spring, autumn=autumn, code=code)


def _edge(session, inviter, invitee, campaign=None):
    return session.scalars(
        select(ReferralEdge).where(
            ReferralEdge.inviter_id == inviter,
            ReferralEdge.invitee_id == invitee,
            ReferralEdge.campaign_id.is_(None)
            if campaign is None
            else ReferralEdge.campaign_id == campaign,
        )
    ).one()


def test_merge_hands_edges_to_the_kept_member_and_undo_restores_them(database):
    with database.session() as session:
        ids = _world(session)
        a, b = ids["a"], ids["b"]
        edges_before, inviters_before = _edges(session), _inviters(session)
        assert inviters_before[a] == inviters_before[b] == ids["w"]  # verified edges first
        merge_id = merge_members(session, a, b)
        session.flush()
        session.expire_all()

        invited = _edge(session, a, ids["x"], ids["spring"])
        assert invited.status == "pending"
        kept = _edge(session, ids["y"], a, ids["spring"])
        assert kept.status == "pending"
        assert kept.live_key == live_key(a, ids["spring"], None)
        later = _edge(session, ids["z"], a, ids["spring"])
        assert (later.status, later.status_reason, later.live_key) == ("void", FIRST_REFERRER, None)
        self_edge = _edge(session, a, b, ids["autumn"])  # keeps its members: not A → A
        assert (self_edge.status, self_edge.status_reason) == ("void", MERGED_SELF)
        outside = session.scalars(
            select(ReferralEdge).where(ReferralEdge.inviter_id == ids["w"])
            .order_by(ReferralEdge.occurred_at)
        ).all()  # fmt: skip
        assert [e.invitee_id for e in outside] == [a, a]
        assert outside[0].status == "verified" and outside[0].sources == 0b11
        assert (outside[1].status, outside[1].status_reason) == ("void", MERGED_DUPLICATE)

        inviters = _inviters(session)
        assert inviters[ids["x"]] == a
        assert inviters[a] == ids["w"]  # the verified edge first
        found = resolve_code(session, ids["code"])
        assert (found.member_id, found.issued_to) == (a, b)
        with pytest.raises(UserError):  # a self-invitation stays refused
            record_edge(session, Claim(a, a, "code", "typed"))

        undo_merge(session, merge_id)
        session.flush()
        session.expire_all()
        assert _edges(session) == edges_before
        assert _inviters(session) == inviters_before
        assert resolve_code(session, ids["code"]).member_id == b


def test_undo_is_refused_when_a_later_edge_holds_a_place(database):
    with database.session() as session:
        ids = _world(session)
        a, b = ids["a"], ids["b"]
        merge_id = merge_members(session, a, b)
        session.flush()
        # Z's voided edge held A's place in the spring campaign; after the merge Y holds it.
        # Void Y's and put a new one in A's place: undoing would need that place back for Z.
        y_edge = _edge(session, ids["y"], a, ids["spring"])
        y_edge.status, y_edge.live_key = "void", None
        session.flush()
        record_edge(session, Claim(ids["x"], a, "manual", "typed", campaign_id=ids["spring"]))
        with pytest.raises(UserError, match="撤销合并前请先作废"):
            undo_merge(session, merge_id)
