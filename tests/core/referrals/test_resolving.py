"""Every issued code is stored and found by value; a typed code resolves, or is refused with
"did you mean …" (a typo) or "未发放的邀请码" (passes the check, never handed out). Codes
printed before codes were stored, codes imported from other tools and codes of members merged
since keep resolving. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.common.errors import UserError
from core.referrals.codes import campaign_code, passes_check
from core.referrals.invite_codes import derive_invite_code, invite_key
from core.referrals.issuing import (
    SERIAL_SETTING,
    campaign_codes_for,
    import_code,
    store_standing_codes,
)
from core.referrals.resolving import CodeRefused, resolve_code
from db.models import Member
from db.referral_models import InviteCode
from tests.core.referrals.helpers import people, running_campaign


def swap(code: str, position: int) -> str:
    return code[:position] + code[position + 1] + code[position] + code[position + 2 :]


def test_a_derived_standing_code_resolves_before_and_after_it_is_stored(database):
    with database.session() as session:
        (zhang,) = people(session, "张三")
        code = derive_invite_code(zhang, invite_key(session))
        # Printed on a poster before codes were stored: found by running the permutation back.
        found = resolve_code(session, code.lower())
        assert (found.member_id, found.origin, found.code_id) == (zhang, "standing", None)
        assert store_standing_codes(session, [zhang]) == {zhang: code}
        stored = resolve_code(session, f" {code[:3]}-{code[3:]} ")
        assert stored.member_id == zhang and stored.code_id is not None
        store_standing_codes(session, [zhang])  # again: nothing new
        assert session.scalar(select(func.count()).select_from(InviteCode)) == 1


def test_a_custom_code_from_another_tool_is_stored_as_imported_and_resolves(database):
    with database.session() as session:
        (li,) = people(session, "李四")
        session.get(Member, li).custom_fields = {"邀请码": "wx-0L1O"}
        session.flush()
        assert store_standing_codes(session, [li]) == {li: "WX0L1O"}
        found = resolve_code(session, "wx0l1o")  # look-alikes match as the tool wrote them
        assert (found.member_id, found.origin) == (li, "imported")


def test_each_member_gets_one_code_per_campaign(database):
    with database.session() as session:
        ids = people(session, *(f"成员{n}" for n in range(40)))
        spring = running_campaign(session, "春季")
        autumn = running_campaign(session, "秋季")
        first = campaign_codes_for(session, spring, ids)
        again = campaign_codes_for(session, spring, ids[:5] + ids[:5])
        other = campaign_codes_for(session, autumn, ids[:5])
        assert len(set(first.values())) == 40
        assert again == {i: first[i] for i in ids[:5]}
        assert not set(other.values()) & set(first.values())
        assert all(passes_check(code) for code in first.values())
        found = resolve_code(session, first[ids[7]])
        assert (found.member_id, found.campaign_id, found.origin) == (ids[7], spring, "campaign")
        assert found.campaign_name == "春季"


def test_a_code_already_taken_by_an_imported_one_is_skipped_not_refused(database):
    with database.session() as session:
        a, b, c = people(session, "甲", "乙", "丙")
        campaign = running_campaign(session)
        key = invite_key(session)
        import_code(session, a, campaign_code(0, key))  # the next serial's code, held already
        codes = campaign_codes_for(session, campaign, [b, c])
        assert codes == {b: campaign_code(1, key), c: campaign_code(2, key)}
        from core.common.settings_store import get_setting

        assert get_setting(session, SERIAL_SETTING) == 3


def test_an_imported_code_cannot_be_someone_elses(database):
    with database.session() as session:
        a, b = people(session, "甲", "乙")
        import_code(session, a, "SHOP-2024")
        assert import_code(session, a, "shop2024").member_id == a
        with pytest.raises(UserError, match="已发给成员"):
            import_code(session, b, "SHOP2024")


def test_a_typo_is_refused_with_the_codes_one_character_away(database):
    with database.session() as session:
        ids = people(session, "王五", "赵六")
        campaign = running_campaign(session)
        codes = campaign_codes_for(session, campaign, ids)
        real = codes[ids[0]]
        # Swap two neighbours that differ (the key, and so the code, is new in every test).
        where = next(i for i in range(len(real) - 1) if real[i] != real[i + 1])
        for typo in (real[:2] + ("A" if real[2] != "A" else "B") + real[3:], swap(real, where)):
            with pytest.raises(CodeRefused) as refused:
                resolve_code(session, typo)
            assert refused.value.kind == "typo"
            assert [s.code for s in refused.value.suggestions] == [real]
            assert "王五" in refused.value.message and real in refused.value.message
        # A look-alike typed for one of ours is one wrong character: the search finds it.
        with pytest.raises(CodeRefused) as refused:
            resolve_code(session, real[:4] + "0" + real[5:])
        assert [s.code for s in refused.value.suggestions] == [real]


def test_a_typo_of_a_standing_code_suggests_it_too(database):
    with database.session() as session:
        (zhang,) = people(session, "张三")
        code = derive_invite_code(zhang, invite_key(session))
        where = next(i for i in range(len(code) - 1) if code[i] != code[i + 1])
        with pytest.raises(CodeRefused) as refused:
            resolve_code(session, swap(code, where))
        assert [s.member_id for s in refused.value.suggestions] == [zhang]


def test_a_code_that_passes_the_check_but_was_never_issued(database):
    with database.session() as session:
        people(session, "张三")
        key = invite_key(session)
        never = campaign_code(12345, key)
        with pytest.raises(CodeRefused, match="未发放的邀请码") as refused:
            resolve_code(session, never)
        assert refused.value.kind == "not_issued"


def test_nothing_near_says_so(database):
    with database.session() as session, pytest.raises(CodeRefused, match="也没有只差一个字符"):
        resolve_code(session, "ZZZZZZZZZZ")


def test_a_merged_members_code_resolves_to_the_member_kept(database):
    with database.session() as session:
        kept, gone = people(session, "张三", "张三（旧号）")
        code = store_standing_codes(session, [gone])[gone]
        session.get(Member, gone).merged_into_id = kept
        session.flush()
        found = resolve_code(session, code)
        assert (found.member_id, found.issued_to) == (kept, gone)


@pytest.mark.parametrize(
    "typed",
    ["'; DELETE FROM invite_codes; --", "😀😀😀", "A" * 100_000, "%", "_" * 5, "\x00ABC"],
)
def test_hostile_codes_are_refused_and_change_nothing(database, typed):
    with database.session() as session:
        (zhang,) = people(session, "张三")
        store_standing_codes(session, [zhang])
    with database.session() as session, pytest.raises(UserError):
        resolve_code(session, typed)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(InviteCode)) == 1
