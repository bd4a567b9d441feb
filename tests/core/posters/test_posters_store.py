"""Saved poster templates (poster_templates) and the members' poster fields, on both engines."""

from __future__ import annotations

import dataclasses
import io
import itertools
import zipfile
from datetime import datetime
from functools import cache

import pytest
from sqlalchemy import func, select

from core.common.errors import UserError
from core.common.settings_store import set_setting
from core.posters.builtin import list_builtin, load_builtin
from core.posters.members import format_deadline, poster_members, select_member_ids
from core.posters.package import export_template
from core.posters.store import (
    delete_template,
    export_template_file,
    get_template,
    import_template_file,
    list_templates,
    save_template,
)
from core.posters.template import dump_template
from core.referrals.invite_codes import ALPHABET, derive_invite_code, invite_key
from db.models import Member, Membership
from db.poster_models import PosterTemplate
from tests.core.communities import qr_images
from tests.core.tiers.helpers import community, member

# ---------------------------------------------------------------------- helpers


def copy_of(key: str, name: str):
    template, assets = load_builtin(key)
    return dataclasses.replace(template, name=name), assets


def zip_of(files: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@cache
def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("template.json", dump_template(load_builtin("invite")[0]))
        archive.writestr("images/huge.png", b"\0" * (130 * 1024 * 1024))
    return buffer.getvalue()


def hostile_packages() -> dict[str, tuple[bytes, str]]:
    welcome = dump_template(load_builtin("welcome")[0])
    return {
        "bomb": (zip_bomb(), "解压后过大"),
        "not a zip": (b"PK\x03\x04 not really a zip", "不是海报模板文件"),
        "no document": (zip_of({"readme.txt": "hi"}), "没有 template.json"),
        "missing picture": (zip_of({"template.json": welcome}), "缺少图片"),
        "corrupt picture": (
            zip_of({"template.json": welcome, "images/bokeh.jpg": qr_images.corrupt_png()}),
            "已损坏",
        ),
        "future schema": (
            zip_of({"template.json": welcome.replace('"schema": 1', '"schema": 9')}),
            "比本程序新",
        ),
    }


def saved_count(session) -> int:
    return session.scalar(select(func.count()).select_from(PosterTemplate))


# ---------------------------------------------------------------------- templates


def test_a_saved_template_round_trips_and_is_listed_after_the_builtin_ones(database):
    template, assets = copy_of("welcome", "我的欢迎海报")
    with database.session() as session:
        info = save_template(session, template, assets, based_on="welcome")
        assert not info.builtin and info.key.startswith("tpl-")
    with database.session() as session:
        by_key = get_template(session, info.key)
        by_name = get_template(session, "我的欢迎海报")
        listed = list_templates(session)
    assert by_key.template == template
    assert by_key.assets == {"bokeh.jpg": assets["bokeh.jpg"]}
    assert by_name.info.key == info.key and by_name.info.based_on == "welcome"
    builtin_keys = [t.key for t in list_builtin()]
    assert [t.key for t in listed] == [*builtin_keys, info.key]
    assert [t.builtin for t in listed] == [True] * len(builtin_keys) + [False]
    assert listed[-1].size == "1080×1920"
    assert "昵称" in listed[-1].fields
    assert get_template(session, "invite").info.builtin  # a built-in by key …
    assert get_template(session, "邀请好友裂变").info.key == "invite"  # … and by name


def test_saving_again_with_the_key_replaces_the_template(database):
    template, assets = copy_of("invite", "裂变 A")
    with database.session() as session:
        first = save_template(session, template, assets, now=datetime(2026, 11, 1))
        changed = dataclasses.replace(template, description="改过的说明")
        again = save_template(session, changed, assets, key=first.key, now=datetime(2026, 11, 2))
        assert again.key == first.key
        assert saved_count(session) == 1
        assert get_template(session, first.key).template.description == "改过的说明"
        assert again.created_at == datetime(2026, 11, 1)
        assert again.updated_at == datetime(2026, 11, 2)


def test_names_are_unique_among_all_templates(database):
    with database.session() as session:
        save_template(session, *copy_of("invite", "裂变 A"))
        other = save_template(session, *copy_of("invite", "裂变 B"))
        with pytest.raises(UserError, match="已有名为「裂变 A」的模板"):
            save_template(session, *copy_of("checkin", "裂变 A"))
        with pytest.raises(UserError, match="已有名为「裂变 A」的模板"):
            save_template(session, *copy_of("checkin", "裂变 A"), key=other.key)
        with pytest.raises(UserError, match="是内置模板的名称"):
            save_template(session, *copy_of("checkin", "打卡挑战"))
        with pytest.raises(UserError, match="需要一个名称"):
            save_template(session, *copy_of("checkin", "  "))
        assert saved_count(session) == 2


def test_saving_checks_the_pictures_and_builtins_stay_read_only(database):
    template, _ = copy_of("welcome", "没有背景图")
    with database.session() as session:
        with pytest.raises(UserError, match=r"缺少图片：bokeh\.jpg"):
            save_template(session, template, {})
        with pytest.raises(UserError, match="内置模板不能修改"):
            save_template(session, *copy_of("welcome", "改内置"), key="welcome")
        with pytest.raises(UserError, match="内置模板，不能删除"):
            delete_template(session, "welcome")
        with pytest.raises(UserError, match="没有名为「不存在」的已保存模板"):
            delete_template(session, "不存在")
        with pytest.raises(UserError, match="没有名为「不存在」的海报模板，可选：新人欢迎"):
            get_template(session, "不存在")
        assert saved_count(session) == 0


def test_deleting_a_saved_template(database):
    with database.session() as session:
        info = save_template(session, *copy_of("event", "线下沙龙"))
        assert delete_template(session, "线下沙龙") == "线下沙龙"
        assert saved_count(session) == 0
        with pytest.raises(UserError):
            get_template(session, info.key)


def test_export_then_import_a_file_gets_a_free_name(database, tmp_path):
    with database.session() as session:
        path = export_template_file(session, "groupbuy", tmp_path / "拼团模板")
        assert path.name == "拼团模板.zip"
        first = import_template_file(session, path)
        second = import_template_file(session, path)
        named = import_template_file(session, path, name="周末拼团")
        assert (first.name, second.name, named.name) == ("拼团（2）", "拼团（3）", "周末拼团")
        stored = get_template(session, second.key)
    template, assets = load_builtin("groupbuy")
    assert dataclasses.replace(stored.template, name="拼团") == template
    assert stored.assets == {"confetti.png": assets["confetti.png"]}


def test_hostile_packages_are_refused_and_nothing_is_stored(database, tmp_path):
    for case, (data, message) in hostile_packages().items():
        path = tmp_path / f"{case}.zip"
        path.write_bytes(data)
        with database.session() as session:
            with pytest.raises(UserError, match=message):
                import_template_file(session, path)
            assert saved_count(session) == 0, case
    with database.session() as session, pytest.raises(UserError, match="找不到模板文件"):
        import_template_file(session, tmp_path / "nope.zip")
    (tmp_path / "模板").mkdir()
    with database.session() as session, pytest.raises(UserError, match="是文件夹，不是模板文件"):
        import_template_file(session, tmp_path / "模板")


def test_a_package_of_a_saved_template_is_what_the_row_holds(database):
    template, assets = copy_of("groupbuy", "团购")
    with database.session() as session:
        info = save_template(session, template, assets)
        row = session.scalar(select(PosterTemplate).where(PosterTemplate.key == info.key))
        assert row.assets == export_template(template, assets)
        assert row.document == dump_template(template)


# ---------------------------------------------------------------------- invite codes


def test_invite_codes_are_stable_unique_and_readable():
    key = bytes(range(16))
    codes = [derive_invite_code(member_id, key) for member_id in range(1, 10_001)]
    assert len(set(codes)) == 10_000
    assert all(len(code) == 6 and set(code) <= set(ALPHABET) for code in codes)
    assert not set("01OIL") & set(ALPHABET)
    assert [derive_invite_code(i, key) for i in (1, 2, 9999)] == [codes[0], codes[1], codes[9998]]
    other = [derive_invite_code(member_id, b"another key!!!!!") for member_id in range(1, 101)]
    assert sum(a == b for a, b in zip(codes[:100], other, strict=True)) <= 1
    # Consecutive ids do not give look-alike codes.
    assert sum(a[:3] == b[:3] for a, b in itertools.pairwise(codes)) < 20
    assert len(derive_invite_code(len(ALPHABET) ** 6, key)) == 7


def test_the_invite_key_is_made_once_per_database(database):
    with database.session() as session:
        first = invite_key(session)
    with database.session() as session:
        assert invite_key(session) == first
        assert len(first) == 16


def test_poster_fields_of_a_community(database):
    with database.session() as session:
        cid = community(session, "晨跑群")
        other = community(session, "读书会")
        a = member(session, cid, "张小凡")
        b = member(session, cid, "Lily")
        member(session, cid, "群主", is_team=True)
        gone = member(session, cid, "已退群")
        session.get(Membership, _membership(session, gone, cid)).left_at = datetime(2026, 1, 1)
        merged = member(session, cid, "重复的人")
        session.get(Member, merged).merged_into_id = a
        session.get(Member, b).custom_fields = {"邀请码": "LILY2026", "城市": "杭州", "年龄": 30}
        session.get(Membership, _membership(session, a, cid)).group_nickname = "小凡@晨跑"
        member(session, other, "读书人")
        session.flush()
        ids, community_id, what = select_member_ids(session, community="晨跑群")
        assert (ids, community_id, what) == ([a, b], cid, "社群「晨跑群」")
        people = poster_members(session, ids, community_id=community_id)
        key = invite_key(session)
    fields_a, fields_b = people[0].fields, people[1].fields
    assert fields_a["昵称"] == "小凡@晨跑"  # the group nickname in this community
    assert fields_a["邀请码"] == derive_invite_code(a, key) == people[0].invite_code
    assert fields_a["邀请链接"] == fields_a["邀请码"]  # no link setting: the code itself
    assert fields_a["社群名"] == "晨跑群"
    assert fields_b == {
        "昵称": "Lily",
        "邀请码": "LILY2026",
        "邀请链接": "LILY2026",
        "社群名": "晨跑群",
        "城市": "杭州",
        "年龄": 30,
    }


def test_the_link_setting_puts_the_code_into_a_link(database):
    with database.session() as session:
        cid = community(session, "晨跑群")
        mid = member(session, cid, "张小凡")
        set_setting(session, "posters.invite_link", "https://example.com/i/{邀请码}?from=poster")
        (person,) = poster_members(session, [mid])
    code = person.fields["邀请码"]
    assert person.fields["邀请链接"] == f"https://example.com/i/{code}?from=poster"
    assert person.fields["社群名"] == "晨跑群"  # the member's community when none was chosen


def test_selection_refusals(database):
    with database.session() as session:
        community(session, "晨跑群")
        with pytest.raises(UserError, match="没有名为「夜跑群」的社群"):
            select_member_ids(session, community="夜跑群")
        with pytest.raises(UserError, match="没有叫「不存在」的分群"):
            select_member_ids(session, segment="不存在")
        with pytest.raises(UserError, match="请指定一个社群"):
            select_member_ids(session)
        assert select_member_ids(session, segment="本周最投入")[0] == []


def test_deadlines_are_written_the_chinese_way():
    from datetime import date

    assert format_deadline(date(2026, 4, 30)) == "4月30日"
    assert format_deadline(None) == ""
    assert format_deadline("本周日") == "本周日"


def _membership(session, member_id, community_id) -> int:
    return session.scalar(
        select(Membership.id).where(
            Membership.member_id == member_id, Membership.community_id == community_id
        )
    )
