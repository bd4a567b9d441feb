"""A row found only by a phone whose owner has another nickname is a question, not a match.

The real case (issue 15): the 有赞 export, then the LinkWeChat export of the same shop, whose
phones are shifted by one from 周周 on: 周周 has the phone 有赞 gives 海风, 海风 has 吴阿姨's,
吴阿姨 has Lucy's. Taken as matches, the import renamed 海风 to 周周, 吴阿姨 to 海风 and Lucy
to 吴阿姨. Now those rows wait for an answer and, until they get one, nothing of them is written.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.members.importing import ADD, DOUBTFUL, NEW, SAME, SKIP, UPDATE
from db.models import ImportBatch, Member, Membership, NotSamePerson
from tests.core.members.importing_helpers import import_file, plan_file, table_counts

LINKWECHAT = "linkwechat_客户信息表_1742265751000.xlsx"
YOUZAN = "youzan_客户导出_Excel另存为GBK.csv"
SHEET = "客户信息表_1742265751000"
# LinkWeChat rows whose phone is another 有赞 customer's: row → (nickname, phone, its owner).
SHIFTED = {
    16: ("周周", "13800000015", "海风"),
    17: ("海风", "13800000016", "吴阿姨"),
    18: ("吴阿姨", "13800000017", "Lucy"),
}


def by_phone(database) -> dict[str, Member]:
    with database.session() as session:
        return {
            m.phone: m for m in session.scalars(select(Member).where(Member.phone.is_not(None)))
        }


def nicknames_by_phone(database) -> dict[str, str]:
    return {phone: member.nickname for phone, member in by_phone(database).items()}


@pytest.fixture
def youzan_imported(database, samples):
    import_file(database, samples / YOUZAN)
    return database


def test_a_shifted_phone_renames_nobody(youzan_imported, samples):
    database = youzan_imported
    before = nicknames_by_phone(database)
    assert [before[phone] for _n, phone, _o in SHIFTED.values()] == ["海风", "吴阿姨", "Lucy"]
    import_file(database, samples / LINKWECHAT)
    after = nicknames_by_phone(database)
    for _nickname, phone, owner in SHIFTED.values():
        assert after[phone] == owner  # no chain of renames
    assert after["13800000001"] == "🌸花花"  # a phone match of the same name still updates


def test_the_question_is_in_the_plan_and_nothing_of_the_row_is_planned(youzan_imported, samples):
    database = youzan_imported
    owners = {phone: m.id for phone, m in by_phone(database).items()}
    plan = plan_file(database, samples / LINKWECHAT)
    rows = {row.row: row for row in plan.rows}
    for number, (nickname, phone, owner) in SHIFTED.items():
        row = rows[number]
        assert (row.status, row.nickname, row.changes) == (DOUBTFUL, nickname, None)
        assert row.member_id == owners[phone]
        assert (row.doubt.member_id, row.doubt.member_nickname, row.doubt.phone) == (
            owners[phone],
            owner,
            phone,
        )
        assert row.doubt.answer is None
        assert "是同一人吗" in row.reason and "未回答" in row.reason
        (issue,) = [i for i in plan.issues if i.row == number]
        assert issue.rejected and issue.value == phone
    assert [row.row for row in plan.unanswered] == list(SHIFTED)
    assert plan.counts.doubtful == 3 and plan.counts.rows == len(plan.rows)
    assert plan.counts.updated == 14  # the other phone matches, all under their own names
    # Their owners are touched by no other row either.
    shifted_owners = {owners[phone] for _n, phone, _o in SHIFTED.values()}
    assert not {r.member_id for r in plan.rows if r.status != DOUBTFUL} & shifted_owners


def test_same_person_updates_the_phones_owner(youzan_imported, samples):
    database = youzan_imported
    owner = by_phone(database)["13800000015"].id
    plan, result = import_file(database, samples / LINKWECHAT, answers={(SHEET, 16): SAME})
    row = next(r for r in plan.rows if r.row == 16)
    assert (row.status, row.member_id, row.doubt.answer) == (UPDATE, owner, SAME)
    assert ("昵称", "海风", "周周") in {(c.field, c.old, c.new) for c in row.changes}
    assert not [i for i in plan.issues if i.row == 16]  # answered: no longer a problem
    assert (plan.counts.doubtful, result.doubtful) == (2, 2)
    after = nicknames_by_phone(database)
    assert after["13800000015"] == "周周"
    assert (after["13800000016"], after["13800000017"]) == ("吴阿姨", "Lucy")
    with database.session() as session:
        assert session.get(Member, owner).unionid is None  # 周周's row has no unionid
        batch = session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc())).first()
        assert batch.rejected == plan.counts.rejected + 2  # left out: counted as not imported


def test_another_person_is_a_new_member_without_the_phone(youzan_imported, samples):
    database = youzan_imported
    owner = by_phone(database)["13800000016"].id
    plan, _ = import_file(database, samples / LINKWECHAT, answers={(SHEET, 17): NEW})
    row = next(r for r in plan.rows if r.row == 17)
    assert (row.status, row.member_id, row.doubt.answer) == (ADD, None, NEW)
    (issue,) = [i for i in plan.issues if i.row == 17]
    assert not issue.rejected and "不写给新成员" in issue.reason and issue.value == "13800000016"
    with database.session() as session:
        new = session.scalars(
            select(Member).where(Member.unionid == "oSAMPLE0015unionidXXXXXXXXXXXX")
        ).one()
        assert (new.nickname, new.phone) == ("海风", None)
        kept = session.get(Member, owner)
        assert (kept.nickname, kept.phone) == ("吴阿姨", "13800000016")
        pair = (min(new.id, owner), max(new.id, owner))
        assert session.get(NotSamePerson, pair) is not None  # never suggested for merging


def test_one_answer_for_every_doubtful_row(youzan_imported, samples):
    database = youzan_imported
    plan = plan_file(database, samples / LINKWECHAT, doubtful=SKIP)
    doubtful = [r for r in plan.rows if r.status == DOUBTFUL]
    assert [r.row for r in doubtful] == list(SHIFTED)
    assert {r.doubt.answer for r in doubtful} == {SKIP} and not plan.unanswered
    assert all("已选择跳过" in r.reason for r in doubtful)
    # Answers given row by row win over the one for all; the plan says which it was made with.
    plan = plan_file(database, samples / LINKWECHAT, doubtful=NEW, answers={(SHEET, 18): SAME})
    assert plan.answers() == {(SHEET, 16): NEW, (SHEET, 17): NEW, (SHEET, 18): SAME}
    assert plan.counts.doubtful == 0


def test_an_answer_that_is_no_answer_is_refused(database, samples):
    with pytest.raises(ValueError, match="one of"):
        plan_file(database, samples / LINKWECHAT, doubtful="maybe")


def test_a_doubtful_row_of_a_complete_list_does_not_make_the_owner_leave(database, tmp_path):
    first = tmp_path / "first.csv"
    first.write_text("昵称,手机号\n阿花,13800000001\n小麦,13800000002\n", encoding="utf-8")
    import_file(database, first, community_name="福利群", complete=True)
    again = tmp_path / "again.csv"
    again.write_text("昵称,手机号\n花花妈妈,13800000001\n小麦,13800000002\n", encoding="utf-8")
    before = table_counts(database)
    plan, _ = import_file(database, again, community_name="福利群", complete=True)
    assert [r.status for r in plan.rows] == [DOUBTFUL, "unchanged"]
    assert plan.counts.left == 0 and not plan.leaves
    with database.session() as session:
        assert session.scalars(select(Membership.left_at)).all() == [None, None]
    after = table_counts(database)
    assert after["members"] == before["members"]
    assert after["membership_events"] == before["membership_events"]
