"""Points change member only along a recorded merge: raw UPDATEs of member_id or
related_member_id and DELETEs of redemptions are refused by the database, and `verify` finds
an entry moved (or a redemption deleted) where the triggers were bypassed. On SQLite and
PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from core.ledger.balances import verify_ledger
from core.ledger.catalogue import RewardSpec, redeem, save_reward, set_redemption_status
from core.ledger.entries import award
from core.workflows.merging import merge_members, undo_merge
from tests.core.ledger.ledger_helpers import T0, member

TABLES = ("ledger_entries", "ledger_allocations", "ledger_redemptions", "member_merges")


def snapshot(database) -> dict[str, list]:
    with database.engine.connect() as connection:
        return {
            table: connection.execute(text(f"SELECT * FROM {table} ORDER BY id")).all()
            for table in TABLES
        }


@pytest.fixture
def shop(database):
    """Two live members with points, a third as invitee, a redemption and a cancelled one."""
    with database.session() as session:
        a, b, invitee = member(session, "张三"), member(session, "李四"), member(session, "王五")
        credit = award(session, a, 100, reason="活动", now=T0)
        invite = award(session, a, 50, reason="邀请", related_member_id=invitee, now=T0)
        award(session, b, 10, reason="活动", now=T0)
        reward = save_reward(session, RewardSpec("帆布袋", 20))
        kept = redeem(session, a, reward, now=T0)
        cancelled = redeem(session, a, reward, now=T0)
        set_redemption_status(session, cancelled.id, "cancelled", reason="不要了", now=T0)
    return {
        "a": a,
        "b": b,
        "invitee": invitee,
        "credit": credit,
        "invite": invite,
        "redemption": kept.id,
        "spend": kept.spend_entry_id,
        "cancelled": cancelled.id,
    }


def attacks(ids) -> list[str]:
    a, b, invitee = ids["a"], ids["b"], ids["invitee"]
    return [
        f"UPDATE ledger_entries SET member_id = {b} WHERE id = {ids['credit']}",
        f"UPDATE ledger_entries SET member_id = {b} WHERE member_id = {a}",
        f"UPDATE ledger_entries SET related_member_id = {b} WHERE id = {ids['invite']}",
        f"UPDATE ledger_entries SET related_member_id = NULL WHERE id = {ids['invite']}",
        f"UPDATE ledger_entries SET related_member_id = {invitee} WHERE id = {ids['credit']}",
        f"UPDATE ledger_entries SET booked_member_id = {b} WHERE id = {ids['credit']}",
        f"UPDATE ledger_redemptions SET member_id = {b} WHERE id = {ids['redemption']}",
        f"DELETE FROM ledger_redemptions WHERE id = {ids['redemption']}",
        "DELETE FROM ledger_redemptions",
        f"UPDATE ledger_redemptions SET points = 1 WHERE id = {ids['redemption']}",
        f"UPDATE ledger_redemptions SET cost_cents = 1 WHERE id = {ids['redemption']}",
        f"UPDATE ledger_redemptions SET spend_entry_id = {ids['credit']}"
        f" WHERE id = {ids['redemption']}",
        f"UPDATE ledger_redemptions SET code = 'FORGED' WHERE id = {ids['redemption']}",
        f"UPDATE ledger_redemptions SET refund_entry_id = NULL, status = 'to_deliver'"
        f" WHERE id = {ids['cancelled']}",
    ]


def test_raw_moves_and_redemption_deletes_are_refused_and_change_nothing(database, shop):
    before = snapshot(database)
    statements = attacks(shop)
    if database.engine.dialect.name == "postgresql":
        statements += ["TRUNCATE ledger_redemptions", "TRUNCATE ledger_redemptions CASCADE"]
    for statement in statements:
        with pytest.raises(DBAPIError, match="append-only"), database.engine.begin() as c:
            c.execute(text(statement))
        assert snapshot(database) == before, statement
    with database.session() as session:
        assert verify_ledger(session) == []


def test_a_redemption_still_moves_along_its_statuses(database, shop):
    with database.session() as session:
        set_redemption_status(session, shop["redemption"], "delivered", reason="已寄出")
        set_redemption_status(session, shop["redemption"], "used")
        assert verify_ledger(session) == []


def test_merge_and_undo_move_entries_along_their_record(database, shop):
    with database.session() as session:
        merge_id = merge_members(session, shop["b"], shop["a"])
        assert verify_ledger(session) == []
    # Recorded and not undone: the merge's own direction is what the trigger lets through.
    with pytest.raises(DBAPIError, match="append-only"), database.engine.begin() as c:
        c.execute(
            text(
                f"UPDATE ledger_entries SET member_id = {shop['invitee']}"
                f" WHERE id = {shop['credit']}"
            )
        )
    with database.session() as session:
        undo_merge(session, merge_id)
        assert verify_ledger(session) == []
    # Undone: the record no longer lets anything move.
    with pytest.raises(DBAPIError, match="append-only"), database.engine.begin() as c:
        c.execute(
            text(f"UPDATE ledger_entries SET member_id = {shop['b']} WHERE id = {shop['credit']}")
        )


def _drop(connection, trigger: str, table: str) -> None:
    """What someone with the database's keys could do: take a trigger away."""
    on = f" ON {table}" if connection.dialect.name == "postgresql" else ""
    connection.execute(text(f"DROP TRIGGER {trigger}{on}"))


def test_verify_finds_an_entry_moved_behind_the_triggers_back(database, shop):
    with database.engine.begin() as connection:
        _drop(connection, "ledger_entries_member_move", "ledger_entries")
        _drop(connection, "ledger_entries_invitee_move", "ledger_entries")
        connection.execute(
            text(f"UPDATE ledger_entries SET member_id = {shop['b']} WHERE id = {shop['credit']}")
        )
        connection.execute(
            text(
                f"UPDATE ledger_entries SET related_member_id = {shop['b']}"
                f" WHERE id = {shop['invite']}"
            )
        )
    with database.session() as session:
        found = {(p.entry_id, p.what.split("是")[0]) for p in verify_ledger(session)}
    assert (shop["credit"], "流水的成员") in found
    assert (shop["invite"], "流水的被邀请人") in found


def test_verify_finds_a_move_along_a_forged_merge_record(database, shop):
    # The trigger consults member_merges: a record inserted by hand lets the UPDATE through,
    # but the member was never merged, and verify says so.
    a, b = shop["a"], shop["b"]
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO member_merges (kept_id, merged_id, merged_at, moved)"
                f" VALUES ({b}, {a}, '2026-01-05 10:00:00', '{{}}')"
            )
        )
        connection.execute(
            text(f"UPDATE ledger_entries SET member_id = {b} WHERE id = {shop['credit']}")
        )
    with database.session() as session:
        problems = verify_ledger(session)
    assert any("并未合并" in p.what for p in problems)


def test_verify_finds_the_kept_members_points_handed_to_the_merged_one(database, shop):
    # A real merge lets entries go back (undo); one that was the kept member's own is caught.
    a, b = shop["a"], shop["b"]
    with database.session() as session:
        own = award(session, b, 7, reason="李四自己的", now=T0)
        merge_members(session, b, a)
    with database.engine.begin() as connection:
        connection.execute(text(f"UPDATE ledger_entries SET member_id = {a} WHERE id = {own}"))
    with database.session() as session:
        assert [p.entry_id for p in verify_ledger(session)] == [own]


def test_verify_finds_a_deleted_redemption(database, shop):
    with database.engine.begin() as connection:
        _drop(connection, "ledger_redemptions_no_delete", "ledger_redemptions")
        connection.execute(text(f"DELETE FROM ledger_redemptions WHERE id = {shop['redemption']}"))
    with database.session() as session:
        problems = verify_ledger(session)
    assert [(p.entry_id, "兑换记录不见了" in p.what) for p in problems] == [(shop["spend"], True)]


def test_verify_finds_a_refund_the_redemption_does_not_know(database, shop):
    with database.engine.begin() as connection:
        _drop(connection, "ledger_redemptions_refund_once", "ledger_redemptions")
        connection.execute(
            text(
                "UPDATE ledger_redemptions SET refund_entry_id = NULL, status = 'to_deliver',"
                f" cancelled_at = NULL WHERE id = {shop['cancelled']}"
            )
        )
    with database.session() as session:
        problems = verify_ledger(session)
    assert any("扣分已冲正，但兑换未取消" in p.what for p in problems)


def test_the_members_merge_says_what_it_merged_and_the_ledger_step_moves_the_points(database, shop):
    """Members no longer reach into the ledger: their merge returns who went into whom, the
    ledger's step (core.workflows.merging) hands the points over and records them, and the
    members' undo alone will not half-undo a merge whose points it cannot put back."""
    from sqlalchemy import func, select

    from core.common.errors import UserError
    from core.ledger.merges import REASSIGNED, hand_over_points
    from core.members.merging import merge, undo
    from db.ledger_models import LedgerEntry
    from db.models import MemberMerge

    def entries_of(session, member_id):
        count = select(func.count()).where(LedgerEntry.member_id == member_id)
        return session.scalar(count)

    with database.session() as session:
        merged = merge.merge_members(session, shop["b"], shop["a"])
        assert (merged.kept_id, merged.merged_id) == (shop["b"], shop["a"])
        record = session.get(MemberMerge, merged.merge_id)
        assert set(record.moved["rows"]).isdisjoint(REASSIGNED)
        before = entries_of(session, shop["a"])
        assert before > 0

        hand_over_points(session, merged)
        assert entries_of(session, shop["a"]) == 0
        record = session.get(MemberMerge, merged.merge_id)
        assert len(record.moved["rows"]["ledger_entries"]) == before
        assert verify_ledger(session) == []
        with pytest.raises(UserError, match="ledger_entries"):
            undo.undo_merge(session, merged.merge_id)
