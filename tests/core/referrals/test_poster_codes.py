"""A poster batch stores the standing codes it hands out: each printed code is a row that
resolves to its member (posters use referrals, never the other way round)."""

from __future__ import annotations

from sqlalchemy import select

from core.posters.bulk import load_recipients
from core.referrals.resolving import resolve_code
from db.models import Member
from db.referral_models import InviteCode
from tests.core.tiers.helpers import community, member


def test_a_batch_stores_the_codes_its_posters_carry(database):
    with database.session(write=True) as session:
        cid = community(session, "晨跑群")
        ids = [member(session, cid, name) for name in ("张小凡", "Lily", "王五")]
        session.get(Member, ids[2]).custom_fields = {"邀请码": "run-2026"}
        session.flush()
        recipients = load_recipients(session, community_id=cid)
        printed = {m.member_id: m.fields["邀请码"] for m in recipients.members}
        stored = dict(session.execute(select(InviteCode.member_id, InviteCode.value)).all())
        assert stored[ids[0]] == printed[ids[0]] and stored[ids[1]] == printed[ids[1]]
        assert (printed[ids[2]], stored[ids[2]]) == ("run-2026", "RUN2026")
        for member_id, code in printed.items():
            found = resolve_code(session, code)
            assert (found.member_id, found.code_id is not None) == (member_id, True)
        load_recipients(session, community_id=cid)  # a second batch stores nothing new
        assert len(session.scalars(select(InviteCode)).all()) == 3
