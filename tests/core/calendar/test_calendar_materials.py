"""The 素材库 on SQLite and PostgreSQL: a picture and a file added, copied into the data folder
once by content (the same file again under another name is the same material and gains the
new tags), found by title, tag, file name and pinyin; hostile pictures (a decompression bomb,
one too large, a document renamed .png) refused with one line and nothing changed; items
attach materials in order, and a material in use cannot be deleted."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from core.calendar.items import create_item
from core.calendar.materials import (
    add_material,
    all_tags,
    attachments_of,
    delete_material,
    list_materials,
    materials_dir,
    set_attachments,
    thumbnail,
)
from core.common.errors import UserError
from core.common.images import MAX_FILE_BYTES
from db.material_models import MAX_MATERIAL_BYTES, Material, MaterialTag
from tests.core.calendar.material_helpers import bomb, huge, not_a_picture, picture

T = datetime(2026, 12, 7, 9, 0)


def _files() -> list:
    return sorted(p for p in materials_dir().rglob("*") if p.is_file())


def test_a_picture_is_stored_once_by_content_and_found_by_pinyin(database, tmp_path):
    first = picture(tmp_path / "早安海报.png")
    again = tmp_path / "copy of it.png"
    again.write_bytes(first.read_bytes())
    with database.session(write=True) as session:
        added = add_material(session, first, tags=["早安", "#海报"])
        assert added.created and added.material.kind == "image"
        assert (added.material.width, added.material.height) == (40, 30)
        assert added.material.path.read_bytes() == first.read_bytes()
        assert added.material.path.name == "早安海报.png"  # a readable name to drag into WeChat
        same = add_material(session, again, tags=["海报", "节日"])
        assert not same.created and same.material.id == added.material.id
        assert same.new_tags == ["节日"]
    assert len(_files()) == 1
    with database.session() as session:
        for query in ("早安", "zaoan", "zahb", "haibao", "节日", "ZAO AN"):
            assert [m.title for m in list_materials(session, query)] == ["早安海报"], query
        assert list_materials(session, "晚安") == []
        assert [m.title for m in list_materials(session, tag="节日")] == ["早安海报"]
        assert dict(all_tags(session)) == {"早安": 1, "海报": 1, "节日": 1}


def test_a_plain_file_is_kept_with_its_name(database, tmp_path):
    document = tmp_path / "活动规则.pdf"
    document.write_bytes(b"%PDF-1.4 rules")
    with database.session(write=True) as session:
        added = add_material(session, document, title="  双12 活动规则 ", tags=["活动,规则"])
    assert added.material.kind == "file" and added.material.width is None
    assert added.material.title == "双12 活动规则"
    assert added.material.tags == ["活动", "规则"]
    assert added.material.path.read_bytes() == b"%PDF-1.4 rules"
    assert thumbnail(added.material) is None


def _folder(path):
    path.mkdir()
    return path


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: bomb(p / "海报.png"), "尺寸过大"),
        (lambda p: not_a_picture(p / "海报.png"), "不是图片"),
        (lambda p: huge(p / "海报.png", MAX_FILE_BYTES + 1), "太大"),
        (lambda p: huge(p / "视频.mp4", MAX_MATERIAL_BYTES + 1), "太大"),
        (lambda p: huge(p / "空.png", 0), "是空的"),
        (lambda p: p / "不存在.png", "找不到文件"),
        (lambda p: _folder(p / "素材.png"), "是文件夹"),
    ],
    ids=["bomb", "renamed", "huge picture", "huge file", "empty", "missing", "folder"],
)
def test_hostile_files_are_refused_and_change_nothing(sqlite_database, tmp_path, make, expected):
    path = make(tmp_path)
    with pytest.raises(UserError) as refused, sqlite_database.session(write=True) as session:
        add_material(session, path, tags=["海报"])
    assert expected in str(refused.value) and "\n" not in str(refused.value)
    with sqlite_database.session() as session:
        assert session.scalar(select(func.count()).select_from(Material)) == 0
        assert session.scalar(select(func.count()).select_from(MaterialTag)) == 0
    assert _files() == []


def test_a_dry_run_writes_no_file(sqlite_database, tmp_path):
    with sqlite_database.session(write=True) as session:
        add_material(session, picture(tmp_path / "a.png"), write_file=False)
        session.rollback()
    assert _files() == []


def test_items_attach_materials_in_order_and_a_used_one_stays(database, tmp_path):
    with database.session(write=True) as session:
        a = add_material(session, picture(tmp_path / "a.png", "red")).material.id
        b = add_material(session, picture(tmp_path / "b.png", "blue")).material.id
        item = create_item(session, "早安", planned_at=T, now=T).id
        assert set_attachments(session, item, [b, a, b]) == [b, a]
    with database.session() as session:
        assert [m.id for m in attachments_of(session, [item])[item]] == [b, a]
    used = pytest.raises(UserError, match="还在 1 条内容中使用")
    with used, database.session(write=True) as session:
        delete_material(session, a)
    with database.session(write=True) as session:
        set_attachments(session, item, [b])
        assert delete_material(session, a) == "a"
    with database.session() as session:
        assert [m.id for m in list_materials(session)] == [b]
    assert [p.name for p in _files()] == ["b.png"]
    missing = pytest.raises(UserError, match="没有编号为「999」的素材")
    with missing, database.session(write=True) as session:
        set_attachments(session, item, [999])


def test_a_thumbnail_is_made_once(sqlite_database, tmp_path):
    with sqlite_database.session(write=True) as session:
        row = add_material(session, picture(tmp_path / "wide.png", size=(800, 200))).material
    made = thumbnail(row)
    from PIL import Image

    with Image.open(made) as image:
        assert image.size == (160, 40)
    assert thumbnail(row) == made


def test_undoing_a_delete_brings_the_attachments_back(sqlite_database, tmp_path):
    from core.calendar.items import delete_item, restore_item

    with sqlite_database.session(write=True) as session:
        a = add_material(session, picture(tmp_path / "a.png", "red")).material.id
        b = add_material(session, picture(tmp_path / "b.png", "blue")).material.id
        item = create_item(session, "早安", planned_at=T, now=T).id
        set_attachments(session, item, [b, a])
        kept = delete_item(session, item)
        assert attachments_of(session, [item]) == {}
        back = restore_item(session, kept).id
        assert [m.id for m in attachments_of(session, [back])[back]] == [b, a]


def test_a_sent_item_keeps_its_attachments(sqlite_database, tmp_path):
    from core.calendar.status import schedule
    from core.calendar.today import mark_sent

    with sqlite_database.session(write=True) as session:
        a = add_material(session, picture(tmp_path / "a.png")).material.id
        item = create_item(session, "早安", planned_at=T, now=T).id
        set_attachments(session, item, [a])
        schedule(session, item)
        mark_sent(session, item)
    refused = pytest.raises(UserError, match="已发送，不能再改附件")
    with refused, sqlite_database.session(write=True) as session:
        set_attachments(session, item, [])


def test_a_material_is_renamed_and_retagged(database, tmp_path):
    from core.calendar.materials import edit_material

    with database.session(write=True) as session:
        mid = add_material(session, picture(tmp_path / "IMG_0001.png"), tags=["旧"]).material.id
        row = edit_material(session, mid, title="会员日海报", tags=["会员", "海报"])
    assert (row.title, row.tags) == ("会员日海报", ["会员", "海报"])
    with database.session() as session:
        assert [m.id for m in list_materials(session, "hyr")] == [mid]
        assert list_materials(session, tag="旧") == []
        assert [m.id for m in list_materials(session, "img_0001")] == [mid]  # its file name
    with pytest.raises(UserError, match="请写素材标题"), database.session(write=True) as session:
        edit_material(session, mid, title="  ")
