"""The renderer with real Pillow, qrcode and zxing-cpp: QR round trips, avatars, hostile images."""

from __future__ import annotations

import pytest
import zxingcpp
from PIL import Image

from core.common.errors import UserError
from core.common.images import load_untrusted_rgba
from core.posters.render import PosterRenderer, render_poster
from core.posters.verify import contrast_ratio, verify_poster
from tests.core.communities import qr_images
from tests.core.posters.poster_helpers import (
    avatar_layer,
    cmyk_jpeg,
    exif_rotated_jpeg,
    logo_png,
    palette_png_with_transparency,
    qr_layer,
    template,
)

DATA = {"昵称": "小美", "邀请码": "AB12CD"}
URL = "https://example.com/i/AB12CD"


def decode_all(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image.convert("L")) if r.valid]


@pytest.mark.parametrize("level", ["L", "M", "Q", "H"])
def test_qr_round_trip_for_each_error_correction_level(level):
    rendered = PosterRenderer(template(qr_layer(error_correction=level))).render(DATA)
    assert decode_all(rendered.image) == [URL]
    (placed,) = rendered.qr_codes
    assert placed.error_correction == level
    check = verify_poster(rendered)
    assert check.ok and check.codes[0].decoded_text == URL


def test_higher_levels_need_more_modules():
    sizes = [
        PosterRenderer(template(qr_layer(error_correction=level))).render(DATA).qr_codes[0].modules
        for level in "LMQH"
    ]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]


def test_qr_is_crisp_whole_pixel_modules_with_a_quiet_zone():
    rendered = PosterRenderer(template(qr_layer(size=300))).render(DATA)
    (placed,) = rendered.qr_codes
    assert placed.module_px == 300 // (placed.modules + 8)
    region = rendered.image.crop(placed.box)
    assert set(region.convert("L").tobytes()) == {0, 255}  # no grey: nothing was resampled
    quiet = placed.quiet_zone * placed.module_px
    assert quiet >= 4 * placed.module_px
    border = region.crop((0, 0, region.width, quiet)).convert("L")
    assert border.getextrema() == (255, 255)


def test_a_logo_forces_level_h_and_still_decodes():
    layer = qr_layer(error_correction="L", logo="logo.png")
    rendered = PosterRenderer(template(layer), {"logo.png": logo_png()}).render(DATA)
    assert rendered.qr_codes[0].error_correction == "H"
    beside_centre = rendered.image.getpixel((300 - 14, 250 + 150))
    assert beside_centre[0] > 200 and beside_centre[1] < 150  # the logo's orange disc
    assert verify_poster(rendered).ok


def test_verification_notices_a_code_covered_by_another_layer():
    # An opaque sticker over the top third of the code (a finder pattern and data).
    cover = {"type": "shape", "x": 150, "y": 250, "width": 300, "height": 110, "fill": "#e0e0e0"}
    rendered = PosterRenderer(template(qr_layer(), cover)).render(DATA)
    check = verify_poster(rendered)
    assert not check.ok
    assert "无法识别" in check.problems()[0]


def test_low_contrast_and_small_codes_are_warned_about():
    pale = PosterRenderer(template(qr_layer(dark="#9a9a9a", light="#c8c8c8"))).render(DATA)
    check = verify_poster(pale)
    assert check.codes[0].contrast is not None and check.codes[0].contrast < 4
    assert any("对比度" in w for w in check.warnings)
    good = verify_poster(PosterRenderer(template(qr_layer())).render(DATA))
    assert good.codes[0].contrast == pytest.approx(21.0) and good.warnings == ()
    small = verify_poster(PosterRenderer(template(qr_layer(size=110))).render(DATA))
    assert any("太小" in w for w in small.warnings)


def test_print_size_rule_is_two_and_a_half_centimetres():
    def check(size):
        poster = template(qr_layer(size=size, x=100, y=100), width=2480, height=3508, dpi=300)
        return verify_poster(PosterRenderer(poster).render(DATA), dpi=300).codes[0]

    small, large = check(260), check(420)
    assert small.size_cm < 2.5 and any("厘米" in w for w in small.warnings)
    assert large.size_cm >= 2.5 and large.warnings == ()


def test_contrast_ratio_matches_wcag():
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast_ratio((255, 255, 255), (0, 0, 0)) < 0  # inverted


def test_an_empty_qr_content_is_a_clear_error():
    with pytest.raises(UserError, match="内容为空"):
        render_poster(template(qr_layer(content="{邀请链接}")), {})


def test_a_qr_box_too_small_for_its_content_is_a_clear_error():
    with pytest.raises(UserError, match="区域太小"):
        render_poster(template(qr_layer(size=20)), DATA)


def test_rotated_qr_still_decodes():
    rendered = PosterRenderer(template(qr_layer(rotation=30))).render(DATA)
    assert verify_poster(rendered).ok


def test_text_renders_chinese_with_the_bundled_font():
    text = {
        "type": "text",
        "x": 0,
        "y": 0,
        "width": 600,
        "height": 120,
        "text": "{昵称}邀请你",
        "font_size": 80,
        "color": "#000000",
    }
    image = render_poster(template(text), DATA)
    ink = image.crop((0, 0, 600, 120)).convert("L").getextrema()
    assert ink[0] < 50
    # Different names give different pictures (the personal layer is really drawn per member).
    other = render_poster(template(text), {"昵称": "阿强"})
    assert image.tobytes() != other.tobytes()


def test_static_layers_are_composed_once_and_reused():
    header = {"type": "text", "x": 0, "y": 0, "width": 600, "height": 80, "text": "固定标题"}
    renderer = PosterRenderer(template(header, qr_layer()))
    assert renderer.static_layers() == 2  # background and header
    first = renderer.render(DATA).image
    second = renderer.render({"昵称": "阿强", "邀请码": "ZZ99"}).image
    assert first.crop((0, 0, 600, 80)).tobytes() == second.crop((0, 0, 600, 80)).tobytes()


# ---------------------------------------------------------------- avatars and untrusted images


def test_circle_avatar_is_anti_aliased_and_cropped():
    photo = qr_images.encode(Image.new("RGB", (300, 300), (20, 120, 220)))
    image = render_poster(template(avatar_layer()), {**DATA, "头像": photo})
    assert image.getpixel((300, 120)) == (20, 120, 220)  # centre
    assert image.getpixel((201, 21)) == (255, 255, 255)  # corner outside the circle
    # Along the diagonal through the rim (r = 100 from (300, 120)): a soft edge, not a staircase.
    edge = {image.getpixel((225 + d, 45 + d))[0] for d in range(0, 10)}
    assert any(30 < value < 240 for value in edge)


def test_missing_avatar_shows_the_initial_on_colour():
    image = render_poster(template(avatar_layer()), DATA)
    assert image.getpixel((230, 120)) != (255, 255, 255)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (qr_images.png_claiming(100_000, 100_000), "尺寸过大"),
        (qr_images.corrupt_png(), "已损坏"),
        (qr_images.text_as_png(), "不是图片"),
        (b"", None),
    ],
)
def test_a_bad_avatar_file_falls_back_with_a_warning(data, message):
    rendered = PosterRenderer(template(avatar_layer())).render({**DATA, "头像": data})
    if message is None:
        assert rendered.warnings == []  # empty value: simply no avatar
    else:
        assert any(message in w and "昵称首字" in w for w in rendered.warnings)


def test_a_bad_picture_in_an_image_layer_is_a_clear_error():
    layer = {"type": "image", "x": 0, "y": 0, "width": 100, "height": 100, "src": "bg.png"}
    with pytest.raises(UserError, match="尺寸过大"):
        render_poster(template(layer), DATA, {"bg.png": qr_images.png_claiming(9000, 9000)})
    with pytest.raises(UserError, match="缺少图片"):
        render_poster(template(layer), DATA, {})


def test_exif_rotated_photo_is_shown_upright():
    upright = load_untrusted_rgba(exif_rotated_jpeg())
    assert upright.size == (100, 200)
    top, bottom = upright.getpixel((50, 20)), upright.getpixel((50, 180))
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60


def test_cmyk_jpeg_avatar_becomes_the_right_colour():
    image = render_poster(template(avatar_layer()), {**DATA, "头像": cmyk_jpeg()})
    r, g, b = image.getpixel((300, 120))
    assert r > 200 and g < 80 and b < 80


def test_palette_png_keeps_its_transparency():
    layer = {"type": "image", "x": 0, "y": 0, "width": 100, "height": 100, "src": "p.png"}
    canvas = template(layer)
    canvas.layers[0].fill = "#ff0000"
    image = render_poster(canvas, DATA, {"p.png": palette_png_with_transparency()})
    assert image.getpixel((20, 50)) == (255, 0, 0)  # transparent half shows the background
    assert image.getpixel((80, 50)) == (0, 200, 0)


# ---------------------------------------------------------------- fills, shapes, transforms


@pytest.mark.parametrize(
    ("angle", "start", "end"),
    [
        (180, (300, 0), (300, 799)),  # to bottom
        (0, (300, 799), (300, 0)),  # to top
        (90, (0, 400), (599, 400)),  # to right
        (270, (599, 400), (0, 400)),  # to left
        (135, (0, 0), (599, 799)),  # to bottom right: corner to corner
    ],
)
def test_gradients_run_in_the_css_direction(angle, start, end):
    poster = template()
    poster.layers[0].fill = load_gradient(angle)
    image = render_poster(poster, {})
    first, last = image.getpixel(start), image.getpixel(end)
    assert first[0] > 240 and first[2] < 15, first  # red at the start
    assert last[2] > 240 and last[0] < 15, last  # blue at the end


def load_gradient(angle):
    from core.posters.template import Gradient

    return Gradient(((0.0, "#ff0000"), (1.0, "#0000ff")), angle)


def test_opacity_blends_and_rotation_turns_about_the_centre():
    bar = {"type": "shape", "x": 200, "y": 390, "width": 200, "height": 20, "fill": "#000000"}
    faded = render_poster(template({**bar, "opacity": 0.5}), {})
    assert faded.getpixel((300, 400)) == pytest.approx((128, 128, 128), abs=2)
    turned = render_poster(template({**bar, "rotation": 90}), {})
    assert turned.getpixel((300, 320)) == (0, 0, 0)  # now vertical through the same centre
    assert turned.getpixel((220, 400)) == (255, 255, 255)


def test_rounded_shape_with_stroke_and_shadow():
    card = {
        "type": "shape",
        "shape": "rounded",
        "x": 100,
        "y": 100,
        "width": 400,
        "height": 300,
        "radius": 60,
        "fill": "#ffffff",
        "stroke": "#ff0000",
        "stroke_width": 6,
        "shadow": {"color": "#000000", "blur": 20, "dx": 0, "dy": 20},
    }
    poster = template(card)
    poster.layers[0].fill = "#cccccc"
    image = render_poster(poster, {})
    assert image.getpixel((300, 102)) == (255, 0, 0)  # the outline on the top edge
    assert image.getpixel((300, 250)) == (255, 255, 255)  # the fill
    assert image.getpixel((102, 102))[:3] != (255, 0, 0)  # the round corner is cut
    below = image.getpixel((300, 412))
    assert below[0] < 0xCC  # the shadow darkens the background below the card


def test_hidden_layers_are_not_drawn():
    block = {"type": "shape", "x": 0, "y": 0, "width": 100, "height": 100, "fill": "#000000"}
    assert render_poster(template({**block, "visible": False}), {}).getpixel((50, 50)) == (
        255,
        255,
        255,
    )


def test_a_font_that_is_not_there_is_a_clear_error():
    text = {
        "type": "text",
        "x": 0,
        "y": 0,
        "width": 300,
        "height": 80,
        "text": "你好",
        "font_path": "没有这个字体 Sans",
    }
    with pytest.raises(UserError, match="本机没有安装字体「没有这个字体 Sans」"):
        render_poster(template(text), {})
    with pytest.raises(UserError, match="模板缺少字体文件"):
        render_poster(template({**text, "font_path": "缺少.ttf"}), {})


def test_rounded_avatar_from_a_file_path(tmp_path):
    photo = tmp_path / "头像.png"
    photo.write_bytes(qr_images.encode(Image.new("RGB", (50, 80), (200, 30, 30))))
    layer = avatar_layer(shape="rounded", radius=40)
    image = render_poster(template(layer), {**DATA, "头像": str(photo)})
    assert image.getpixel((300, 120)) == (200, 30, 30)
    assert image.getpixel((201, 21)) == (255, 255, 255)  # the rounded corner is cut
    assert image.getpixel((215, 120)) == (200, 30, 30)  # but the side is straight, not a circle


def test_a_huge_avatar_file_is_refused_before_decoding():
    huge = b"\x89PNG\r\n\x1a\n" + b"\0" * (26 * 1024 * 1024)
    rendered = PosterRenderer(template(avatar_layer())).render({**DATA, "头像": huge})
    assert any("太大" in w for w in rendered.warnings)
