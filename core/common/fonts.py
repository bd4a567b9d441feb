"""The bundled Chinese font, for everything that draws text without Qt.

The program ships a subset of Noto Sans CJK SC (SIL OFL 1.1, see resources/fonts/) so that
Chinese renders on a machine with no Chinese font installed. Pillow, unlike Qt, never falls
back to another font for a missing glyph: a poster drawn with a Latin-only font shows boxes
for every hanzi. So the Pillow side always draws with the bundled file, and the result is
the same on every machine, which is what "what you see is what is saved" needs.

No Qt here: `ui/common/fonts.py` registers the same files with Qt.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from core.common.paths import resource_path

# The family name stored in the files (name table, nameID 1), which is also the name
# Qt's QFontDatabase reports for them. Both weights share it; Bold is a style of it.
FONT_FAMILY = "Noto Sans CJK SC"

_FILES = {False: "NotoSansSC-Regular.otf", True: "NotoSansSC-Bold.otf"}
# Emoji in nicknames (张秀云🍀): a monochrome outline face (SIL OFL 1.1) that Pillow draws at any
# size and Qt falls back to when the system has no emoji font of its own.
EMOJI_FAMILY = "Noto Emoji"
_EMOJI_FILE = "NotoEmoji-Regular.ttf"


def bundled_font_path(bold: bool = False) -> Path:
    """The shipped font file: Regular, or Bold when `bold` is true."""
    return resource_path("fonts", _FILES[bool(bold)])


def emoji_font_path() -> Path:
    """The shipped emoji font file."""
    return resource_path("fonts", _EMOJI_FILE)


def pil_font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """A Pillow font object of the bundled face at `size` pixels.

    Cached: opening the 3 MB file costs milliseconds, and a poster batch asks for the
    same few sizes thousands of times. The cache is per process, so each worker of a
    poster process pool opens its own copy.
    """
    if size <= 0:
        raise ValueError(f"font size must be positive, got {size}")
    return _pil_font(int(size), bool(bold))


@lru_cache(maxsize=64)
def _pil_font(size: int, bold: bool) -> ImageFont.FreeTypeFont:
    path = bundled_font_path(bold)
    if not path.is_file():
        raise FileNotFoundError(f"bundled font missing: {path} (see resources/fonts/README.md)")
    # Raqm layout when available (kerning, combining marks); Pillow's basic layout otherwise.
    return ImageFont.truetype(str(path), size)


def pil_emoji_font(size: int) -> ImageFont.FreeTypeFont:
    """A Pillow font object of the bundled emoji face at `size` pixels (cached like pil_font):
    the poster renderer's fallback for characters the text's own font lacks."""
    if size <= 0:
        raise ValueError(f"font size must be positive, got {size}")
    return _pil_emoji_font(int(size))


@lru_cache(maxsize=64)
def _pil_emoji_font(size: int) -> ImageFont.FreeTypeFont:
    path = emoji_font_path()
    if not path.is_file():
        raise FileNotFoundError(f"bundled font missing: {path} (see resources/fonts/README.md)")
    return ImageFont.truetype(str(path), size)


def can_draw(font: ImageFont.FreeTypeFont, char: str) -> bool:
    """Whether `font` has a glyph for `char` (not the empty box every font draws instead)."""
    mask = font.getmask(char)
    if mask.getbbox() is None:
        return False
    # A private-use code point no real font fills: what this font draws for a missing glyph.
    missing = font.getmask("\ue000")
    return (mask.size, bytes(mask)) != (missing.size, bytes(missing))
