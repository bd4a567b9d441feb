"""Template packages (.zip of template.json and pictures): round trip and hostile files."""

from __future__ import annotations

import io
import zipfile

import pytest

from core.common.errors import UserError
from core.posters.builtin import load_builtin
from core.posters.package import export_template, import_template, referenced_assets
from core.posters.template import dump_template
from tests.core.communities import qr_images


def zip_of(files: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_builtin_template_round_trips_through_a_package():
    template, assets = load_builtin("groupbuy")
    again, again_assets = import_template(export_template(template, assets))
    assert again == template
    assert again_assets == {"confetti.png": assets["confetti.png"]}
    assert referenced_assets(template) == ["confetti.png"]


def test_paths_inside_the_zip_are_reduced_to_plain_names():
    template, assets = load_builtin("welcome")
    data = zip_of(
        {"template.json": dump_template(template), "../../evil/bokeh.jpg": assets["bokeh.jpg"]}
    )
    _, unpacked = import_template(data)
    assert list(unpacked) == ["bokeh.jpg"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a zip", "不是海报模板文件"),
        (zip_of({"readme.txt": "hi"}), "没有 template.json"),
        (zip_of({"template.json": "{"}), "不是有效的 JSON"),
        (
            zip_of({"template.json": dump_template(load_builtin("welcome")[0])}),
            "缺少图片：bokeh.jpg",
        ),
        (
            zip_of(
                {
                    "template.json": dump_template(load_builtin("welcome")[0]),
                    "images/bokeh.jpg": qr_images.corrupt_png(),
                }
            ),
            "已损坏",
        ),
    ],
)
def test_bad_packages_are_refused_with_a_reason(data, message):
    with pytest.raises(UserError, match=message):
        import_template(data)


def test_a_zip_bomb_is_refused_before_inflating():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("template.json", "{}")
        archive.writestr("images/huge.png", b"\0" * (130 * 1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024
    with pytest.raises(UserError, match="解压后过大"):
        import_template(buffer.getvalue())
