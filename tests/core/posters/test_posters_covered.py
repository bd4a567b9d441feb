"""The QR check tells a code hidden by a layer above it from a code whose colours are wrong.

A QR layer put under a template's white card does not scan; it used to be reported as
无法识别 and 颜色反了 although it was black on white. Real renders, decoded by zxing-cpp.
"""

from __future__ import annotations

from core.posters.batch import _Job
from core.posters.render import PosterRenderer
from core.posters.verify import verify_poster
from tests.core.posters.poster_helpers import logo_png, qr_layer, template

DATA = {"昵称": "小美", "邀请码": "AB12CD"}
# A white card with a soft shadow over the middle of the poster, as the built-in templates have.
CARD = {
    "type": "shape",
    "name": "白色卡片",
    "shape": "rounded",
    "x": 60,
    "y": 200,
    "width": 480,
    "height": 400,
    "fill": "#ffffff",
    "shadow": {"color": "#00000030", "blur": 12, "dx": 0, "dy": 6},
}
PEACH = {"type": "background", "fill": "#f6d5bf"}


def check(*layers: dict):
    poster = template(*layers)
    return verify_poster(PosterRenderer(poster).render(DATA), template=poster)


def test_a_code_under_a_white_card_is_reported_as_covered_naming_the_card():
    result = check(PEACH, qr_layer(), CARD)
    (code,) = result.codes
    assert not code.decoded and not result.ok
    assert code.covered_by == ("白色卡片",)
    (problem,) = result.problems()
    assert "被其他图层遮住" in problem and "白色卡片" in problem
    assert "无法识别" not in problem
    # Black on white: nothing about its colours.
    assert not any("颜色反了" in w or "对比度" in w for w in result.warnings), result.warnings


def test_the_same_code_above_the_card_scans_with_no_warning():
    result = check(PEACH, CARD, qr_layer())
    (code,) = result.codes
    assert code.decoded and code.covered_by == ()
    assert result.problems() == [] and result.warnings == ()
    assert code.contrast == 21.0


def test_a_sticker_over_a_corner_names_the_sticker():
    sticker = {
        "type": "shape",
        "name": "角标",
        "x": 150,
        "y": 250,
        "width": 300,
        "height": 110,
        "fill": "#e0e0e0",
    }
    away = {"type": "text", "name": "标题", "x": 0, "y": 0, "width": 600, "height": 100}
    result = check(qr_layer(), sticker, away)
    (problem,) = result.problems()
    assert "角标" in problem and "标题" not in problem


def test_an_inverted_code_with_nothing_over_it_is_still_called_inverted():
    result = check(qr_layer(dark="#ffffff", light="#000000"))
    (code,) = result.codes
    assert code.covered_by == ()
    assert any("颜色反了" in w for w in result.warnings), result.warnings


def test_a_small_picture_over_a_code_that_still_scans_is_no_problem():
    # A logo laid over the middle of an H-level code: it still decodes, and the modules the
    # logo hides do not lower the measured contrast.
    logo = {"type": "image", "name": "店标", "src": "logo.png", "x": 270, "y": 370}
    logo.update(width=60, height=60)
    poster = template(qr_layer(error_correction="H"), logo)
    rendered = PosterRenderer(poster, {"logo.png": logo_png()}).render(DATA)
    result = verify_poster(rendered, template=poster)
    (code,) = result.codes
    assert code.decoded and result.problems() == []
    assert code.contrast > 20 and result.warnings == ()  # edge modules blend a little


def test_a_batch_reports_the_cover_as_the_reason_a_poster_is_refused():
    poster = template(PEACH, qr_layer(), CARD)
    outcome = _Job(poster, {}, "JPEG", {}, None, {}).run(0, DATA, "a.jpg")
    assert outcome.error is not None and "被其他图层遮住" in outcome.error
    assert "白色卡片" in outcome.error
