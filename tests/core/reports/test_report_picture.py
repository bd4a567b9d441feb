"""The phone picture (长图): Chinese drawn without boxes, sizes, wrapping and charts, measured on
the rendered pixels."""

from __future__ import annotations

from PIL import Image, ImageDraw

from core.common.fonts import pil_font
from core.reports.picture import (
    ACCENT,
    MAX_HEIGHT,
    MAX_LINES,
    WIDTH,
    BarChart,
    Card,
    LineChart,
    Picture,
    _wrap,
    missing_glyphs,
    render_picture,
)


def weekly(**changes) -> Picture:
    values = dict(
        title="社群周报",
        subtitle="2026-11-30 至 2026-12-06 · 全部社群",
        cards=[
            Card("成员", "12,408", "环比 +312（+2.6%）", True),
            Card("活跃占比", "23.4%", "环比 \u22121.2 个百分点", False),
            Card("进行中的活动", "1"),
        ],
        findings=["本周净增 312 人，环比 +18%"],
        warnings=["健身 1 群近 7 天互动率 2.1%（低于 3%）"],
        charts=[
            LineChart("成员增长", ["第1周", "第2周", "第3周"], [("成员", [100, 120, 160])]),
            BarChart("漏斗", [("触达", 500, ""), ("入群", 120, "24.0%")]),
        ],
        footer="由 社群运营工作台 生成",
    )
    values.update(changes)
    return Picture(**values)


def accent_runs(image: Image.Image) -> list[list[int]]:
    """The widest run of the accent colour on each row, grouped into blocks of consecutive rows
    that have one (the header band, each bar)."""
    accent = Image.new("RGB", (1, 1), ACCENT).getpixel((0, 0))
    pixels = image.load()
    blocks: list[list[int]] = []
    previous = False
    for y in range(image.height):
        widest = length = 0
        for x in range(image.width):
            length = length + 1 if pixels[x, y] == accent else 0
            widest = max(widest, length)
        if widest > 20:
            if not previous:
                blocks.append([])
            blocks[-1].append(widest)
        previous = widest > 20
    return blocks


def test_the_picture_is_phone_width_and_every_character_has_a_glyph():
    picture = weekly()
    image = render_picture(picture)
    assert image.width == WIDTH == 1080
    assert 1000 < image.height < MAX_HEIGHT
    # The minus of "−1.2" is not in the bundled subset: it is drawn as a hyphen, not a box.
    assert missing_glyphs(picture) == set()


def test_a_character_the_font_lacks_is_reported():
    assert missing_glyphs(weekly(title="社群周报 \ue000")) == {"\ue000"}


def test_more_findings_make_a_taller_picture():
    short = render_picture(weekly())
    long = render_picture(weekly(findings=[f"第 {n} 条要点：本周净增 312 人" for n in range(12)]))
    assert long.height > short.height + 11 * 40


def test_the_header_text_is_drawn():
    image = render_picture(weekly())
    header = image.crop((0, 0, WIDTH, 110))
    # White title text on the accent band: many white pixels, not an empty band.
    white = sum(1 for pixel in header.get_flattened_data() if pixel == (255, 255, 255))
    assert white > 1500


def test_wrapped_lines_fit_and_keep_latin_words_whole():
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    font = pil_font(30)
    text = "烘焙 3 群活跃占比 41%，是全部社群中最高的，建议安排 interaction every Wednesday evening"
    lines = _wrap(draw, text, font, 400)
    assert len(lines) > 2
    assert all(draw.textlength(line, font=font) <= 400 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(not line.startswith(("nteraction", "ednesday", "vening")) for line in lines)


def test_a_word_longer_than_the_line_is_cut_rather_than_overflowing():
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    font = pil_font(30)
    lines = _wrap(draw, "x" * 300, font, 400)
    assert len(lines) > 1
    assert all(draw.textlength(line, font=font) <= 400 for line in lines)


def test_bars_are_as_long_as_their_values():
    picture = weekly(
        cards=[],
        findings=[],
        warnings=[],
        charts=[BarChart("漏斗", [("触达", 400, ""), ("入群", 100, "25.0%")])],
    )
    blocks = [max(block) for block in accent_runs(render_picture(picture))]
    header, first, second = blocks
    assert header == WIDTH
    assert abs(first / second - 4) < 0.15


def test_empty_charts_say_so_instead_of_failing():
    picture = weekly(charts=[LineChart("成员增长", [], []), BarChart("漏斗", [])])
    assert render_picture(picture).height > 500


def test_a_flood_of_findings_shows_the_first_ones_and_counts_the_rest():
    finding = "很长的一条要点" * 20
    flood = render_picture(weekly(findings=[finding] * 2000))
    first = render_picture(
        weekly(findings=[finding] * (MAX_LINES - 1) + ["另有 1989 条，见工作簿"])
    )
    assert flood.tobytes() == first.tobytes()
    assert flood.height < MAX_HEIGHT


def test_closing_punctuation_never_starts_a_line():
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    font = pil_font(30)
    text = "小橡树少儿英语会员2群：近 7 天 70.1% 的成员没有任何行为（超过 70%），建议安排问答。"
    for width in range(200, 900, 7):
        lines = _wrap(draw, text, font, width)
        assert all(not line.startswith(tuple("）)，。、；：%")) for line in lines), (width, lines)
