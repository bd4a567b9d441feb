"""Font files on this machine that a poster's text layer may use instead of the bundled face.

A text layer stores the chosen file's path in `font_path` (empty: the bundled Noto Sans CJK
SC, which always has the hanzi). Pillow never falls back to another font for a missing glyph,
so a Latin-only font drops every Chinese character from the poster: each font is tested for
「中文」 and the designer lists the ones that can draw it first and flags the others.

Fonts are found by walking the usual folders of each platform for .ttf/.otf/.ttc files and
reading each one's family and style names with Pillow (the same library that draws the
poster, so a font listed here is a font the renderer can open). Anything Pillow cannot open —
a damaged file, a bitmap font renamed .ttf — is skipped. The scan runs when the list is first
asked for, and each file's result is cached by path, size and modification time.

No Qt here: the same list serves the designer and any command-line tool.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from core.common.fonts import FONT_FAMILY

log = logging.getLogger(__name__)

FONT_SUFFIXES = (".ttf", ".otf", ".ttc")
MAX_FONT_BYTES = 80 * 1024 * 1024  # the largest CJK collections are ~60 MB
MAX_FONT_FILES = 5_000  # a folder tree bigger than this is not a font folder
CHINESE_PROBE = "中文"
_PLAIN_STYLES = frozenset({"", "regular", "book", "normal", "roman", "medium", "常规"})


@dataclass(frozen=True)
class FontInfo:
    """One font file: what `font_path` stores, the names it reports, whether it has hanzi."""

    path: str  # "" for the bundled face
    family: str
    style: str
    chinese: bool

    @property
    def label(self) -> str:
        """The family, with the style when it is not the plain one (e.g. 「Arial Bold」)."""
        if self.style.strip().casefold() in _PLAIN_STYLES:
            return self.family
        return f"{self.family} {self.style}"


def bundled_font() -> FontInfo:
    """The shipped face: stored as an empty font_path."""
    return FontInfo("", FONT_FAMILY, "Regular", True)


def font_dirs(
    platform: str | None = None,
    environ: Mapping[str, str] | None = None,
    home: Path | None = None,
) -> list[Path]:
    """The folders fonts are installed in on `platform` (default: this machine's)."""
    platform = sys.platform if platform is None else platform
    environ = os.environ if environ is None else environ
    home = Path.home() if home is None else home
    if platform.startswith("win"):
        windir = environ.get("WINDIR") or environ.get("SystemRoot") or r"C:\Windows"
        dirs = [Path(windir) / "Fonts"]
        local = environ.get("LOCALAPPDATA")
        if local:  # fonts installed "for this user only" (Windows 10 1809 and later)
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
        return dirs
    if platform == "darwin":
        return [
            Path("/System/Library/Fonts"),
            Path("/Library/Fonts"),
            home / "Library" / "Fonts",
        ]
    data_home = environ.get("XDG_DATA_HOME")
    return [
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        Path(data_home) / "fonts" if data_home else home / ".local" / "share" / "fonts",
        home / ".fonts",
    ]


def find_font_files(dirs: Iterable[Path]) -> list[Path]:
    """Every .ttf/.otf/.ttc file under `dirs` (missing folders ignored), each once, sorted."""
    found: dict[str, Path] = {}
    for root in dirs:
        if not root.is_dir():
            continue
        for folder, _subdirs, files in os.walk(root, onerror=lambda _error: None):
            for file in files:
                if file.lower().endswith(FONT_SUFFIXES) and not file.startswith("."):
                    path = Path(folder) / file
                    found.setdefault(os.path.normcase(str(path)), path)
            if len(found) >= MAX_FONT_FILES:
                log.warning("more than %d font files under %s; the rest ignored", len(found), root)
                return sorted(found.values())
    return sorted(found.values())


def read_font(path: Path | str) -> FontInfo | None:
    """The names of the font file at `path`, or None when it is not a font Pillow can use."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        return None
    return _read_font(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=4096)
def _read_font(path: str, size: int, _mtime_ns: int) -> FontInfo | None:
    if size == 0 or size > MAX_FONT_BYTES:
        return None
    try:
        font = ImageFont.truetype(path, 32)
        family, style = font.getname()
        chinese = all(can_draw(font, char) for char in CHINESE_PROBE)
    except Exception as error:  # any file may sit in a font folder: whatever Pillow raised
        log.debug("skipping font %s: %s", path, error)
        return None
    if not family:
        return None
    return FontInfo(path, family.strip(), (style or "").strip(), chinese)


def can_draw(font: ImageFont.FreeTypeFont, char: str) -> bool:
    """Whether `font` has a glyph for `char` (not the empty box every font draws instead)."""
    mask = font.getmask(char)
    if mask.getbbox() is None:
        return False
    # A private-use code point no real font fills: what this font draws for a missing glyph.
    missing = font.getmask("\ue000")
    return (mask.size, bytes(mask)) != (missing.size, bytes(missing))


def scan_fonts(dirs: Iterable[Path]) -> list[FontInfo]:
    """The usable fonts under `dirs`: Chinese-capable ones first, then by name.

    Files reporting the same family and style (a copy in two folders) are listed once, the
    one that can draw Chinese kept if only one of them can.
    """
    fonts: dict[tuple[str, str], FontInfo] = {}
    for path in find_font_files(dirs):
        info = read_font(path)
        if info is None:
            continue
        key = (info.family.casefold(), info.style.casefold())
        if key not in fonts or (info.chinese and not fonts[key].chinese):
            fonts[key] = info
    return sorted(
        fonts.values(),
        key=lambda f: (
            not f.chinese,
            f.family.casefold(),
            f.style.casefold() not in _PLAIN_STYLES,
            f.style,
        ),
    )


@lru_cache(maxsize=1)
def _system_fonts() -> tuple[FontInfo, ...]:
    return tuple(scan_fonts(font_dirs()))


def system_fonts(refresh: bool = False) -> list[FontInfo]:
    """The fonts installed on this machine (scanned once per process unless `refresh`)."""
    if refresh:
        _system_fonts.cache_clear()
    return list(_system_fonts())
