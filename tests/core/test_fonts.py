"""The bundled Chinese font renders real hanzi through Pillow, with no system font involved."""

from __future__ import annotations

import subprocess
import sys
from itertools import combinations

import pytest
from fontTools import subset
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont

from core.common.fonts import FONT_FAMILY, bundled_font_path, pil_font

TITLE = "社群运营工作台"
# A private-use code point: no font maps it, so the renderer falls back to .notdef (tofu).
MISSING = "\ue000"


def render(
    text: str, bold: bool = False, size: int = 48, font: ImageFont.FreeTypeFont | None = None
) -> Image.Image:
    """Draw `text` white on black on a canvas whose size depends only on len(text) and size,
    so two bitmaps differ only when the drawn glyphs differ."""
    font = font or pil_font(size, bold)
    image = Image.new("L", (size * (len(text) + 1), size * 2), 0)
    ImageDraw.Draw(image).text((size // 2, size // 2), text, font=font, fill=255)
    return image


def gb2312_hanzi(first_row: int, last_row: int) -> list[str]:
    chars = []
    for row in range(first_row, last_row + 1):
        for cell in range(0xA1, 0xFF):
            try:
                chars.append(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                continue  # the few unassigned cells at the end of level 1
    return chars


@pytest.mark.parametrize("bold", [False, True], ids=["regular", "bold"])
def test_bundled_files_are_the_named_family_and_weight(bold):
    path = bundled_font_path(bold)
    assert path.is_file(), path
    names = TTFont(path, lazy=True)["name"]
    assert names.getDebugName(1) == FONT_FAMILY
    assert names.getDebugName(2) == ("Bold" if bold else "Regular")
    # The OFL travels with the files.
    assert "Open Font License" in names.getDebugName(13)
    assert (path.parent / "OFL.txt").is_file()


@pytest.mark.parametrize("bold", [False, True], ids=["regular", "bold"])
def test_pillow_draws_real_glyphs_not_tofu(bold):
    tofu = render(MISSING, bold)
    # The .notdef box has ink, so "differs from tofu" below is a real comparison.
    assert tofu.getbbox() is not None

    glyphs = {}
    for char in TITLE:
        image = render(char, bold)
        assert image.getbbox() is not None, f"{char} drew nothing"
        assert image.tobytes() != tofu.tobytes(), f"{char} drew the .notdef box"
        glyphs[char] = image.tobytes()
    for a, b in combinations(TITLE, 2):
        assert glyphs[a] != glyphs[b], f"{a} and {b} drew the same bitmap"

    line = render(TITLE, bold)
    left, top, right, bottom = line.getbbox()
    # Seven full-width glyphs at 48 px: about 7 × 48 px of ink across.
    assert right - left > 6 * 48
    assert bottom - top > 30


def test_the_tofu_check_catches_a_font_without_hanzi(tmp_path):
    """Control: with a Latin-only cut of the same font, hanzi do come out as the tofu box."""
    latin_only = TTFont(bundled_font_path())
    options = subset.Options()
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=range(0x20, 0x7F))
    subsetter.subset(latin_only)
    latin_only.save(tmp_path / "latin.otf")
    font = ImageFont.truetype(str(tmp_path / "latin.otf"), 48)

    tofu = render(MISSING, font=font)
    assert tofu.getbbox() is not None
    assert all(render(char, font=font).tobytes() == tofu.tobytes() for char in TITLE)
    assert render("A", font=font).tobytes() != tofu.tobytes()


def test_bold_is_heavier_than_regular():
    def ink(image: Image.Image) -> int:
        return sum(image.point(lambda value: 255 if value > 127 else 0).histogram()[255:])

    assert ink(render(TITLE, bold=True)) > ink(render(TITLE, bold=False)) * 1.2


def test_every_gb2312_hanzi_has_a_glyph():
    level_1 = gb2312_hanzi(0xB0, 0xD7)
    level_2 = gb2312_hanzi(0xD8, 0xF7)
    assert len(level_1) == 3755
    assert len(level_2) == 3008
    for bold in (False, True):
        cmap = TTFont(bundled_font_path(bold), lazy=True).getBestCmap()
        missing = [char for char in level_1 + level_2 if ord(char) not in cmap]
        assert not missing, f"{len(missing)} missing, e.g. {''.join(missing[:20])}"
        # Full-width punctuation operators type every day.
        assert all(ord(char) in cmap for char in "，。！？：；“”‘’（）《》【】、…—￥")
        # Name characters of the 通用规范汉字表 that GB2312 lacks, and common traditional ones.
        assert all(ord(char) in cmap for char in "喆堃珺祎赟彧翀垚們開體")


def test_pil_font_is_cached_per_size_and_weight():
    assert pil_font(20) is pil_font(20)
    assert pil_font(20) is not pil_font(21)
    assert pil_font(20, bold=True) is not pil_font(20)
    assert pil_font(20).getname() == (FONT_FAMILY, "Regular")
    assert pil_font(20, bold=True).getname() == (FONT_FAMILY, "Bold")
    with pytest.raises(ValueError):
        pil_font(0)


def test_core_fonts_does_not_import_qt():
    code = "import sys, core.common.fonts; sys.exit('PySide6' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
