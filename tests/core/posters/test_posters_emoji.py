"""Emoji in poster text (issue 15): Pillow has no font fallback of its own, so a character the
layer's font lacks is measured, broken and drawn with the bundled emoji font; 曹静🎈 keeps its
balloon. Characters in neither font are still left out and reported."""

from __future__ import annotations

import zxingcpp
from PIL import Image, ImageChops

from core.common.fonts import pil_emoji_font, pil_font
from core.posters.render import PosterRenderer, render_poster
from core.posters.text_placement import span_boxes
from core.posters.textlayout import (
    TextStyle,
    drawable,
    font_runs,
    layout_text,
    measure_text,
    missing_glyphs,
    wrap_lines,
)
from core.posters.verify import verify_poster
from tests.core.posters.poster_helpers import avatar_layer, qr_layer, template

STYLE = TextStyle(font_size=40, min_font_size=40)
RARE = "\U0002000b"  # a CJK Extension B hanzi outside the bundled subset, not an emoji either


def name_layer(**extra) -> dict:
    return {
        "type": "text",
        "x": 50,
        "y": 40,
        "width": 500,
        "height": 100,
        "text": "{昵称}",
        "font_size": 60,
        "color": "#000000",
        **extra,
    }


def ink_columns(image: Image.Image, box: tuple[int, int, int, int]) -> list[int]:
    """The x of every column of `box` with dark pixels."""
    area = image.crop(box).convert("L").point(lambda v: 255 if v < 128 else 0)
    width, height = area.size
    pixels = area.load()
    return [x for x in range(width) if any(pixels[x, y] for y in range(height))]


def test_the_balloon_is_drawn_after_the_name():
    with_balloon = render_poster(template(name_layer()), {"昵称": "曹静🎈"})
    without = render_poster(template(name_layer()), {"昵称": "曹静"})
    # The name is drawn the same; beyond where it ends, only the balloon adds ink.
    name_end = 50 + round(pil_font(60).getlength("曹静"))
    assert (
        ImageChops.difference(
            with_balloon.crop((0, 0, name_end - 2, 800)), without.crop((0, 0, name_end - 2, 800))
        ).getbbox()
        is None
    )
    assert ink_columns(without, (name_end, 40, 600, 140)) == []
    balloon = ink_columns(with_balloon, (name_end, 40, 600, 140))
    width = pil_emoji_font(60).getlength("🎈")
    assert balloon and max(balloon) - min(balloon) > width * 0.4  # a glyph, not a speck
    assert max(balloon) <= width + 2


def test_centred_text_is_centred_with_the_emoji_width():
    layer = name_layer(align="center")
    image = render_poster(template(layer), {"昵称": "曹静🎈"})
    columns = ink_columns(image, (50, 40, 550, 140))
    # Placed by the advance of 曹静 and the balloon (without it the line would start at 190).
    line = pil_font(60).getlength("曹静") + pil_emoji_font(60).getlength("🎈")
    assert abs(min(columns) - (500 - line) / 2) <= 6


def test_line_breaking_counts_the_emoji_width():
    emoji = pil_emoji_font(40).getlength("🎈")
    assert emoji > 40  # wider than a hanzi: a measure that took it for one would overflow
    assert measure_text("曹静🎈", 40, STYLE) == 80 + emoji
    lines = wrap_lines("曹静🎈🎈🎈好", 80 + 2 * emoji + 1, 40, STYLE)
    assert lines == ["曹静🎈🎈", "🎈好"]
    laid = layout_text("曹静🎈🎈🎈好", 80 + 2 * emoji + 1, 200, STYLE)
    assert laid.lines == ("曹静🎈🎈", "🎈好") and laid.widths[0] == 80 + 2 * emoji


def test_an_emoji_sequence_stays_whole_and_in_one_font():
    family = "👨\u200d👩\u200d👧"
    lines = wrap_lines("好" * 3 + family + "好", 150, 40, STYLE)
    assert all(family in line or "\u200d" not in line for line in lines)
    runs = font_runs("爱你❤\ufe0f！", 40)
    assert [run for _, run in runs] == ["爱你", "❤\ufe0f", "！"]
    assert runs[1][0].path == pil_emoji_font(40).path


def test_characters_in_neither_font_are_reported_and_left_out():
    assert missing_glyphs("小美🌸的邀请") == []
    assert missing_glyphs(f"小美🌸{RARE}的邀请") == [RARE]
    assert drawable(f"曹静🎈{RARE}") == "曹静🎈"
    assert layout_text(f"小美🌸{RARE}的邀请", 400, 100, STYLE).lines == ("小美🌸的邀请",)


def test_span_boxes_underline_past_the_emoji():
    layer = template(name_layer(text="曹静🎈太好了")).layers[1]
    (box,) = span_boxes(layer, "曹静🎈太好了", 3, 6)
    assert box.x == 120 + pil_emoji_font(60).getlength("🎈")


def test_the_avatar_initial_is_still_a_letter():
    image = render_poster(template(avatar_layer()), {"昵称": "🎈曹静"})
    letter = render_poster(template(avatar_layer()), {"昵称": "曹静"})
    assert image.tobytes() == letter.tobytes()  # 曹 in the bold face, not a balloon


def test_the_qr_still_decodes_beside_emoji_text():
    rendered = render_poster(
        template(name_layer(), qr_layer()), {"昵称": "曹静🎈", "邀请码": "AB12CD"}
    )
    found = [r.text for r in zxingcpp.read_barcodes(rendered.convert("L")) if r.valid]
    assert found == ["https://example.com/i/AB12CD"]
    renderer = PosterRenderer(template(name_layer(), qr_layer()))
    assert verify_poster(renderer.render({"昵称": "曹静🎈", "邀请码": "AB12CD"})).ok
