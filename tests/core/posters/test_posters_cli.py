"""`main.py posters …` as a subprocess: templates, render (folder, zip, segment), refusals,
check-copy, import and export. Real Pillow and zxing-cpp; few members, small canvases."""

from __future__ import annotations

import json
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from core.common.database import open_database
from core.common.settings_store import get_setting, set_setting
from core.posters.store import save_template
from core.referrals.invite_codes import derive_invite_code, invite_key
from db.models import ActivityEvent
from tests.core.posters.poster_helpers import template
from tests.core.posters.test_posters_store import zip_bomb
from tests.core.tiers.helpers import community, member
from tests.main_process import run_main

ROOT = Path(__file__).resolve().parents[3]
SMALL = "小海报"


def small_template():
    """A 400×600 poster: nickname, invite code, and a QR of {邀请链接}."""
    document = template(
        {
            "type": "text",
            "x": 20,
            "y": 20,
            "width": 360,
            "height": 60,
            "text": "{昵称} · {活动名}",
        },
        {"type": "text", "x": 20, "y": 90, "width": 360, "height": 50, "text": "截止 {截止日期}"},
        {
            "type": "qr",
            "x": 80,
            "y": 200,
            "width": 240,
            "height": 240,
            "content": "{邀请链接}",
        },
        width=400,
        height=600,
    )
    document.name = SMALL
    return document


@pytest.fixture
def cli_db(sqlite_url):
    """晨跑群: three members and the owner (team); 空群: only its owner; a small saved template."""
    database = open_database(sqlite_url, daily_backup=False)
    with database.session() as session:
        cid = community(session, "晨跑群")
        ids = [member(session, cid, name) for name in ("张小凡", "Lily", "王五")]
        member(session, cid, "群主", is_team=True)
        empty = community(session, "空群")
        member(session, empty, "空群群主", is_team=True)
        now = datetime.now()
        for member_id in ids[:2]:
            session.add(
                ActivityEvent(
                    member_id=member_id,
                    community_id=cid,
                    kind="checkin",
                    occurred_at=now - timedelta(hours=1),
                )
            )
        save_template(session, small_template(), {})
    database.close()
    return sqlite_url


def codes_of(url: str) -> dict[str, str]:
    """nickname → invite code, as the database derives it."""
    database = open_database(url, daily_backup=False)
    try:
        with database.session() as session:
            key = invite_key(session)
            from sqlalchemy import select

            from db.models import Member

            rows = session.execute(select(Member.id, Member.nickname)).all()
    finally:
        database.close()
    return {nickname: derive_invite_code(member_id, key) for member_id, nickname in rows}


def decoded(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image.convert("L")) if r.valid]


# ---------------------------------------------------------------------- templates


def test_templates_lists_builtin_and_saved_ones(cli_db):
    result = run_main("--db", cli_db, "posters", "templates", "--json")
    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)["templates"]
    assert [i["key"] for i in items[:5]] == ["welcome", "invite", "groupbuy", "checkin", "event"]
    saved = items[-1]
    assert (saved["name"], saved["builtin"], saved["size"]) == (SMALL, False, "400×600")
    assert saved["fields"] == ["昵称", "活动名", "截止日期", "邀请链接"]
    human = run_main("--db", cli_db, "posters", "templates")
    assert "  内置  邀请好友裂变  1080×1920  字段：头像、昵称" in human.stdout
    assert f"已存  {SMALL}  400×600" in human.stdout


# ---------------------------------------------------------------------- render


def test_render_writes_one_poster_per_member_whose_qr_is_their_code(cli_db, tmp_path):
    out = tmp_path / "海报"
    result = run_main(
        "--db", cli_db, "posters", "render", "--template", SMALL, "--community", "晨跑群",
        "--out", str(out), "--jobs", "1", "--activity", "春日跑", "--deadline", "2026-04-30",
        "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    codes = codes_of(cli_db)
    expected = [f"{name}_{codes[name]}.png" for name in ("张小凡", "Lily", "王五")]
    assert [f["file"] for f in data["files"]] == expected  # the team member is left out
    assert all(f["qr_decoded"] for f in data["files"]) and data["failed"] == []
    assert (data["total"], data["written"], data["format"]) == (3, 3, "png")
    assert sorted(p.name for p in out.iterdir()) == sorted(expected)  # no staging left behind
    assert "生成海报 100% (3/3)" in result.stderr
    for name in ("张小凡", "王五"):
        with Image.open(out / f"{name}_{codes[name]}.png") as image:
            assert image.size == (400, 600)
            assert decoded(image) == [codes[name]]


def test_render_a_builtin_template_with_an_invite_link_into_a_zip(cli_db, tmp_path):
    database = open_database(cli_db, daily_backup=False)
    with database.session() as session:
        set_setting(session, "posters.invite_link", "https://example.com/i/{邀请码}")
    database.close()
    out = tmp_path / "invite"
    result = run_main(
        "--db", cli_db, "posters", "render", "--template", "invite", "--community", "晨跑群",
        "--out", str(out), "--zip", "--format", "jpeg", "--jobs", "2", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["output"] == str(tmp_path / "invite.zip") and data["format"] == "jpg"
    assert not out.exists() and not (tmp_path / "invite.zip.partial").exists()
    codes = codes_of(cli_db)
    with zipfile.ZipFile(tmp_path / "invite.zip") as archive:
        assert sorted(archive.namelist()) == sorted(f["file"] for f in data["files"])
        name = f"Lily_{codes['Lily']}.jpg"
        with archive.open(name) as handle, Image.open(handle) as image:
            assert image.size == (1080, 1920)
            assert decoded(image) == [f"https://example.com/i/{codes['Lily']}"]


def test_render_with_an_invite_link_format_uses_and_remembers_it(cli_db, tmp_path):
    bad = run_main(
        "--db", cli_db, "posters", "render", "--template", "invite", "--community", "晨跑群",
        "--out", str(tmp_path / "bad"), "--invite-link", "https://example.com/join",
    )  # fmt: skip
    assert bad.returncode != 0 and "{邀请码}" in bad.stderr
    assert not (tmp_path / "bad").exists()
    out = tmp_path / "invite"
    result = run_main(
        "--db", cli_db, "posters", "render", "--template", "invite", "--community", "晨跑群",
        "--out", str(out), "--jobs", "1", "--invite-link", "https://shop.cn/j/{邀请码}",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    codes = codes_of(cli_db)
    with Image.open(out / f"Lily_{codes['Lily']}.png") as image:
        assert decoded(image) == [f"https://shop.cn/j/{codes['Lily']}"]
    database = open_database(cli_db, daily_backup=False)
    with database.session() as session:
        assert get_setting(session, "posters.invite_link") == "https://shop.cn/j/{邀请码}"
    database.close()


def test_render_a_segment(cli_db, tmp_path):
    out = tmp_path / "分群海报"
    result = run_main(
        "--db", cli_db, "posters", "render", "--template", SMALL, "--segment", "本周最投入",
        "--out", str(out), "--jobs", "1", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert sorted(f["nickname"] for f in data["files"]) == ["Lily", "张小凡"]
    assert data["selection"] == "分群「本周最投入」"
    assert len(list(out.iterdir())) == 2


def test_the_human_summary(cli_db, tmp_path):
    result = run_main(
        "--db", cli_db, "posters", "render", "--template", SMALL, "--community", "晨跑群",
        "--out", str(tmp_path / "out"), "--jobs", "1",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("已为社群「晨跑群」生成 3 张海报 → ")


def test_posters_whose_qr_does_not_decode_are_listed_as_failed(cli_db, tmp_path):
    faint = template(
        {
            "type": "qr",
            "x": 80,
            "y": 200,
            "width": 240,
            "height": 240,
            "content": "{邀请码}",
            "dark": "#f4f4f4",
        },
        width=400,
        height=600,
    )
    faint.name = "看不清的码"
    database = open_database(cli_db, daily_backup=False)
    with database.session() as session:
        save_template(session, faint, {})
    database.close()
    out = tmp_path / "out"
    result = run_main(
        "--db", cli_db, "posters", "render", "--template", "看不清的码", "--community", "晨跑群",
        "--out", str(out), "--jobs", "1", "--json",
    )  # fmt: skip
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["files"] == [] and len(data["failed"]) == 3
    assert all(not f["qr_decoded"] and "无法识别" in f["reason"] for f in data["failed"])
    assert list(out.iterdir()) == []  # nothing unverified was written
    human = run_main(
        "--db", cli_db, "posters", "render", "--template", "看不清的码", "--community", "晨跑群",
        "--out", str(out), "--jobs", "1",
    )  # fmt: skip
    assert human.returncode == 1
    assert "3 张未通过扫码校验，未写入：" in human.stdout


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"--template": "不存在"}, "没有名为「不存在」的海报模板"),
        ({"--community": "夜跑群"}, "没有名为「夜跑群」的社群"),
        ({"--community": None, "--segment": "不存在"}, "没有叫「不存在」的分群"),
        ({"--community": "空群"}, "社群「空群」里没有可生成海报的成员，未写入任何文件"),
        ({"--community": None, "--segment": "流失预警"}, "没有可生成海报的成员"),
        ({"--out": "{file}/海报"}, "不是文件夹"),
        ({"--out": "{file}"}, "已存在且不是文件夹"),
        ({"--deadline": "4月30日"}, "截止日期「4月30日」应写成 YYYY-MM-DD"),
        ({"--jobs": "0"}, "--jobs 至少为 1"),
    ],
    ids=lambda value: "" if isinstance(value, str) else "-".join(map(str, value.values())),
)
def test_render_refusals_write_nothing(cli_db, tmp_path, change, reason):
    work = tmp_path / "work"
    work.mkdir()
    blocker = work / "占位.txt"
    blocker.write_text("x")
    options = {"--template": SMALL, "--community": "晨跑群", "--out": str(work / "out")}
    options.update(change)
    args = ["--db", cli_db, "posters", "render"]
    for option, value in options.items():
        if value is not None:
            args += [option, value.replace("{file}", str(blocker))]
    result = run_main(*args)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [f"错误：{result.stderr.strip()[3:]}"]
    assert reason in result.stderr
    assert [p.name for p in work.iterdir()] == ["占位.txt"]
    assert blocker.read_text() == "x"


def test_a_zip_onto_a_folder_is_refused(cli_db, tmp_path):
    (tmp_path / "posters.zip").mkdir()
    result = run_main(
        "--db", cli_db, "posters", "render", "--template", SMALL, "--community", "晨跑群",
        "--out", str(tmp_path / "posters"), "--zip",
    )  # fmt: skip
    assert result.returncode == 1
    assert "是一个文件夹" in result.stderr
    assert list((tmp_path / "posters.zip").iterdir()) == []


# ---------------------------------------------------------------------- check-copy


def test_check_copy_explains_each_risky_phrase_and_exits_0(cli_db):
    text = "转发到朋友圈才能领取奖品，集赞 20 个再送一份"
    result = run_main("posters", "check-copy", text, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["count"] == 2
    assert [item["text"] for item in data["risky"]] == ["转发到朋友圈才能领取", "集赞"]
    assert all(item["reason"].startswith("诱导分享") for item in data["risky"])
    human = run_main("posters", "check-copy", text)
    assert human.returncode == 0
    assert human.stdout.splitlines()[0] == "发现 2 处风险用语："
    assert "「集赞」：诱导分享" in human.stdout
    clean = run_main("posters", "check-copy", "欢迎分享给需要的朋友", "--json")
    assert clean.returncode == 0
    assert json.loads(clean.stdout) == {"risky": [], "count": 0}


# ---------------------------------------------------------------------- import / export


def test_export_and_import_from_the_command_line(cli_db, tmp_path):
    out = tmp_path / "导出" / "拼团.zip"
    result = run_main("--db", cli_db, "posters", "export", "groupbuy", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"已导出模板到 {out}"
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == ["images/confetti.png", "template.json"]
    imported = run_main("--db", cli_db, "posters", "import", str(out), "--json")
    assert imported.returncode == 0, imported.stderr
    data = json.loads(imported.stdout)
    assert data["name"] == "拼团（2）" and data["size"] == "1080×1920"
    listed = json.loads(run_main("--db", cli_db, "posters", "templates", "--json").stdout)
    assert [t["name"] for t in listed["templates"] if not t["builtin"]] == [SMALL, "拼团（2）"]
    unknown = run_main("--db", cli_db, "posters", "export", "不存在", "--out", str(out))
    assert unknown.returncode == 1 and "没有名为「不存在」的海报模板" in unknown.stderr


def test_a_hostile_zip_is_refused_and_nothing_is_stored(cli_db, tmp_path):
    bomb = tmp_path / "模板.zip"
    bomb.write_bytes(zip_bomb())
    before = run_main("--db", cli_db, "posters", "templates", "--json").stdout
    result = run_main("--db", cli_db, "posters", "import", str(bomb))
    assert result.returncode == 1
    assert result.stderr.strip() == "错误：模板文件解压后过大，可能是异常文件，已拒绝"
    missing = run_main("--db", cli_db, "posters", "import", str(tmp_path / "nope.zip"))
    assert missing.returncode == 1 and "找不到模板文件" in missing.stderr
    assert run_main("--db", cli_db, "posters", "templates", "--json").stdout == before
