"""The ledger's member picker: the members picker's choices with the points each can spend;
with no text, the members holding the most (SQLite and PostgreSQL)."""

from __future__ import annotations

from core.ledger.entries import award
from core.ledger.picker import choices_with_points
from db.models import Member
from tests.core.ledger.ledger_helpers import member


def test_no_text_lists_the_biggest_holders_and_text_searches(database):
    with database.session() as session:
        rich = member(session, "张大户")
        modest = member(session, "张小户")
        waiting = member(session, "张等等")
        nothing = member(session, "张零分")
        merged = member(session, "张合并")
        award(session, rich, 500, reason="活动", expiry_days=None)
        award(session, modest, 20, reason="活动", expiry_days=None)
        award(session, waiting, 900, reason="待入账", expiry_days=None, pending_days=7)
        award(session, merged, 1000, reason="活动", expiry_days=None)
        session.get(Member, merged).merged_into_id = rich
        session.flush()

        top = choices_with_points(session, "", limit=2)
        assert [(c.id, c.available) for c in top] == [(rich, 500), (modest, 20)]
        assert top[0].nickname == "张大户" and "张大户" in top[0].description

        found = {c.id: c.available for c in choices_with_points(session, "张")}
        assert found == {rich: 500, modest: 20, waiting: 0, nothing: 0}  # pending is not spendable
        assert choices_with_points(session, "没有这个人") == []
