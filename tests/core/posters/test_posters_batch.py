"""Bulk posters: safe unique names, folder and zip output, verification, cancel leaves nothing."""

from __future__ import annotations

import zipfile

import pytest
import zxingcpp
from PIL import Image

from core.common.progress import Cancelled
from core.posters.batch import poster_file_names, render_batch
from tests.core.posters.poster_helpers import qr_layer, template

MEMBERS = [{"昵称": f"成员{i}", "邀请码": f"C{i:03d}"} for i in range(6)]


def decoded(path_or_file) -> str:
    image = Image.open(path_or_file)
    return zxingcpp.read_barcodes(image.convert("L"))[0].text


def test_names_follow_nickname_and_code_and_never_collide():
    members = [
        {"昵称": "小美", "邀请码": "A1"},
        {"nickname": "小美", "invite_code": "A1"},
        {"昵称": "小美", "邀请码": "a1"},  # differs only in case: same file on Windows/macOS
        {"昵称": "a/b", "邀请码": "B2"},
        {},
    ]
    assert poster_file_names(members) == [
        "小美_A1.png",
        "小美_A1(2).png",
        "小美_a1(3).png",
        "ab_B2.png",
        "海报_5.png",
    ]


def test_invisible_and_control_characters_of_a_nickname_stay_out_of_its_file_name():
    members = [
        {"昵称": "小美\u202egnp.exe", "邀请码": "A1"},  # right-to-left override
        {"昵称": "小美", "邀请码": "A1"},
        {"昵称": "小\u200b美", "邀请码": "A1"},  # zero-width space: the same name
        {"昵称": "\u2066小美\u2069\ufeff\u200d", "邀请码": "B2"},  # isolates, BOM, joiner
        {"昵称": "第一行\n第二行\u2028\x1b[31m", "邀请码": "C3"},
    ]
    names = poster_file_names(members)
    assert names == [
        "小美gnp.exe_A1.png",
        "小美_A1.png",
        "小美_A1(2).png",
        "小美_B2.png",
        "第一行 第二行 [31m_C3.png",
    ]
    assert members[0]["昵称"] == "小美\u202egnp.exe"  # the member's text itself is untouched


def test_a_folder_of_png_posters_each_with_its_own_code(tmp_path):
    seen = []
    result = render_batch(
        template(qr_layer()),
        MEMBERS,
        tmp_path / "out",
        jobs=1,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert [f.name for f in result.written] == [f"成员{i}_C{i:03d}.png" for i in range(6)]
    assert result.failed == []
    assert seen[-1] == (6, 6)
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == sorted(f.name for f in result.written)  # no staging folder left
    assert decoded(tmp_path / "out" / "成员3_C003.png") == "https://example.com/i/C003"


def test_a_zip_of_jpegs_with_the_process_pool(tmp_path):
    members = [{"昵称": f"成员{i}", "邀请码": f"Z{i:03d}"} for i in range(12)]
    result = render_batch(
        template(qr_layer()), members, tmp_path / "posters", fmt="jpeg", as_zip=True, jobs=2
    )
    assert result.output.endswith("posters.zip") and len(result.written) == 12
    with zipfile.ZipFile(tmp_path / "posters.zip") as archive:
        names = archive.namelist()
        assert names[0].endswith(".jpg") and len(names) == 12
        with archive.open("成员7_Z007.jpg") as file:
            assert decoded(file) == "https://example.com/i/Z007"
    assert not (tmp_path / "posters.zip.partial").exists()


@pytest.mark.parametrize("as_zip", [False, True])
@pytest.mark.parametrize("jobs", [1, 2])
def test_cancel_leaves_nothing_behind(tmp_path, as_zip, jobs):
    out = tmp_path / "out"
    done_so_far = []
    members = MEMBERS * 4
    with pytest.raises(Cancelled):
        render_batch(
            template(qr_layer()),
            members,
            out,
            as_zip=as_zip,
            jobs=jobs,
            progress=lambda done, total: done_so_far.append(done),
            cancelled=lambda: len(done_so_far) >= 3,
        )
    assert done_so_far and max(done_so_far) < len(members)
    leftovers = [p.name for p in tmp_path.rglob("*")]
    assert leftovers in ([], ["out"])  # an empty output folder at most
    if out.exists():
        assert list(out.iterdir()) == []


def test_a_poster_whose_code_does_not_scan_is_reported_not_written(tmp_path):
    # An opaque sticker over the top third of the code (a finder pattern and data).
    cover = {"type": "shape", "x": 150, "y": 250, "width": 300, "height": 110, "fill": "#e0e0e0"}
    result = render_batch(template(qr_layer(), cover), MEMBERS[:2], tmp_path / "out", jobs=1)
    assert result.written == [] and len(result.failed) == 2
    assert "被其他图层遮住（第 3 个图层（未命名））" in result.failed[0].reason
    assert list((tmp_path / "out").iterdir()) == []


def test_a_member_without_a_code_fails_alone(tmp_path):
    members = [MEMBERS[0], {"昵称": "没有邀请码"}]
    layer = qr_layer(content="{邀请码}")
    result = render_batch(template(layer), members, tmp_path / "out", jobs=1)
    assert [f.name for f in result.written] == ["成员0_C000.png"]
    assert result.failed[0].name == "没有邀请码.png" and "内容为空" in result.failed[0].reason


def test_shared_fields_and_warnings(tmp_path):
    title = {"type": "text", "x": 0, "y": 0, "width": 600, "height": 80, "text": "{活动名}{备注}"}
    result = render_batch(
        template(title, qr_layer()),
        MEMBERS[:1],
        tmp_path / "o",
        jobs=1,
        shared={"活动名": "春日烘焙"},
    )
    assert result.written[0].warnings == ("缺少字段：备注（显示为空）",)


def test_unknown_format_is_refused(tmp_path):
    from core.common.errors import UserError

    with pytest.raises(UserError, match="不支持的海报格式"):
        render_batch(template(qr_layer()), MEMBERS, tmp_path, fmt="gif")
