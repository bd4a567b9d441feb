"""Fonts a poster's text layer may use instead of the bundled face, and opening them safely.

A text layer names its font (`font_path`, see core.posters.font_refs): empty for the bundled
Noto Sans CJK SC, which always has the hanzi; a font file of the template's package; or a font
installed on this machine by the name listed here (its family, with the style when it is not
the plain one). `font_key` turns that name into what the text layout opens (`open_font`).
Pillow never falls back to another font for a missing glyph,
so a Latin-only font drops every Chinese character from the poster: each font is tested for
「中文」 and the designer lists the ones that can draw it first and flags the others.

Fonts are found by walking the usual folders of each platform for .ttf/.otf/.ttc files and
reading each one's family and style names with Pillow (the same library that draws the
poster, so a font listed here is a font the renderer can open). Anything Pillow cannot open —
a damaged file, a bitmap font renamed .ttf — is skipped. The scan runs when the list is first
asked for, and each file's result is cached by path, size and modification time.

A font file is opened only after it is known to be a regular file of a sane size, so a FIFO or
a device planted in a font folder is skipped instead of blocking the scan or the render.

No Qt here: the same list serves the designer and any command-line tool.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import stat
import sys
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from core.common.errors import UserError
from core.common.fonts import FONT_FAMILY, can_draw
from core.common.text import msg
from core.posters.font_refs import FONT_SUFFIXES, check_font_reference, is_package_font

log = logging.getLogger(__name__)

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
        """The family, with the style when it is not the plain one (e.g. 「Arial Bold」):
        the name a template stores for a font of this machine."""
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


def font_file_stat(path: Path | str) -> os.stat_result | None:
    """The file's status when it is a regular file of a font's size, else None: a FIFO, a
    device or a folder named like a font is never opened (opening a FIFO blocks)."""
    try:
        status = os.stat(path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(status.st_mode) or not 0 < status.st_size <= MAX_FONT_BYTES:
        return None
    return status


def read_font(path: Path | str) -> FontInfo | None:
    """The names of the font file at `path`, or None when it is not a font Pillow can use."""
    status = font_file_stat(path)
    if status is None:
        return None
    return _read_font(str(path), status.st_size, status.st_mtime_ns)


@lru_cache(maxsize=4096)
def _read_font(path: str, size: int, _mtime_ns: int) -> FontInfo | None:
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


# ---------------------------------------------------------------------- a layer's font


def system_font_label(path: str) -> str | None:
    """The name the designer lists for this installed font file, or None if none has it."""
    for font in system_fonts():
        if font.path == path:
            return font.label
    return None


def system_font_path(name: str) -> str | None:
    """The file of this machine's font listed as `name` (its label, or its family when the
    style is the plain one), or None when no such font is installed."""
    wanted = name.strip().casefold()
    fonts = system_fonts()
    for font in fonts:
        if font.label.casefold() == wanted:
            return font.path
    for font in fonts:
        if font.family.casefold() == wanted:
            return font.path
    return None


def check_font_data(data: bytes, name: str) -> None:
    """Refuse a package's font file that is too big or that Pillow cannot open."""
    if not 0 < len(data) <= MAX_FONT_BYTES:
        raise UserError(
            msg(
                "模板字体「{name}」为空或太大（最多 {size} MB）",
                name=name,
                size=MAX_FONT_BYTES // (1024 * 1024),
            )
        )
    try:
        font = ImageFont.truetype(io.BytesIO(data), 32)
        font.getname()
    except Exception as error:  # whatever FreeType says of a damaged or disguised file
        raise UserError(msg("模板字体「{name}」已损坏或不是字体文件", name=name)) from error


# Package fonts by key ("data:<sha256>"): the bytes a text layout opens, the most recently
# registered few (a font may be tens of megabytes).
_FONT_DATA: OrderedDict[str, bytes] = OrderedDict()
_FONT_DATA_KEPT = 16


def font_key(
    reference: str,
    assets: Mapping[str, object] | None = None,
    system: Mapping[str, str] | None = None,
) -> str:
    """What the text layout opens for a layer's font name: "" (bundled), "data:<sha256>"
    (a package font, registered here) or "file:<path>" (a font found on this machine).

    `system` maps font names to files already looked up (a batch does it once in the parent
    process, not once per worker). A name that cannot be found is a UserError.
    """
    if not reference or reference.casefold() == FONT_FAMILY.casefold():
        return ""
    check_font_reference(reference, msg("字体"))  # a template made in code is not loaded
    if is_package_font(reference):
        data = (assets or {}).get(reference)
        if not isinstance(data, bytes | bytearray):
            raise UserError(msg("模板缺少字体文件「{name}」", name=reference))
        key = "data:" + hashlib.sha256(data).hexdigest()
        if key not in _FONT_DATA:
            check_font_data(bytes(data), reference)
            _FONT_DATA[key] = bytes(data)
            while len(_FONT_DATA) > _FONT_DATA_KEPT:
                _FONT_DATA.popitem(last=False)
        _FONT_DATA.move_to_end(key)
        return key
    path = system.get(reference) if system is not None else None
    if path is None:
        path = system_font_path(reference)
    if path is None:
        raise UserError(
            msg("本机没有安装字体「{name}」，请改用内置字体或安装该字体", name=reference)
        )
    return "file:" + path


def open_font(key: str, size: int) -> ImageFont.FreeTypeFont:
    """The font behind a `font_key` at `size` pixels (not for the bundled face)."""
    if key.startswith("data:") and key in _FONT_DATA:
        return ImageFont.truetype(io.BytesIO(_FONT_DATA[key]), size)
    if key.startswith("file:"):
        path = key[len("file:") :]
        name = Path(path).name
        if font_file_stat(path) is None:
            raise UserError(msg("无法加载字体文件「{name}」，请改用内置字体", name=name))
        try:
            return ImageFont.truetype(path, size)
        except OSError as error:
            raise UserError(msg("无法加载字体文件「{name}」，请改用内置字体", name=name)) from error
    raise UserError(msg("无法加载字体「{name}」，请改用内置字体", name=key[:60]))
