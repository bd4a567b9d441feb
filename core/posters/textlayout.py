"""Breaking poster text into lines that fit a box, by the rules of Chinese typesetting.

Chinese has no spaces, so any character boundary may break, except that a line must not start
with closing punctuation (，。！？、；：”）》」』… — 避头) nor end with opening punctuation
(“（《「『 — 避尾). A Latin word or a number stays whole unless it alone is wider than the box.
When a break would violate a rule, the last character of the line moves down with the next one
(推出); when that is impossible, the punctuation hangs just past the edge (悬挂).

Pillow never falls back to another font by itself, so this module does, one character at a
time: a character the layer's font lacks is measured, broken and drawn with the bundled emoji
font (曹静🎈 keeps its balloon); `font_runs` tells the renderer which font draws which part of a
line. Joiners, variation selectors and skin tones go with the character before them. Characters
in neither font (rare hanzi outside the bundled subset) are dropped rather than drawn as empty
boxes; `missing_glyphs` lets the designer warn about them. Text the layer's font covers alone
takes the same path as before, at the same speed.
Auto-shrink takes the largest size between the layer's size and its minimum at which the text
fits the box height; if it still does not fit at the minimum, the last line that fits ends in
an ellipsis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from PIL import ImageFont

from core.common.fonts import pil_emoji_font, pil_font
from core.posters.fonts import open_font

NO_LINE_START = frozenset(
    "，。！？、；：”’）》」』】〕〉｝〗〙〛…‥—～·・％‰°℃"
    ",.!?;:)]}%\u201d\u2019ー々〆ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
)
NO_LINE_END = frozenset("“‘（《「『【〔〈｛〖〘〚([{$¥￥#@")
# Characters that belong to the one before them (variation selectors, keycap, skin tones, tag
# characters, a zero-width joiner and what it joins): one font draws the whole sequence, and a
# line never breaks inside it.
_CLINGS = "\u200d\ufe00-\ufe0f\u20e3\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f"
_CLINGING = re.compile(f"[{_CLINGS}]")
# Glyph extent of one line of the bundled face relative to its size; lines are placed so the
# ideographic em box sits in the middle of that extent.
LINE_EXTENT = 1.2
BASELINE = 0.98  # baseline below the line top, as a multiple of the size
ELLIPSIS = "…"

_TOKEN = re.compile(
    r"(?P<newline>\r\n|\n|\r)"
    r"|(?P<space>[ \t\u3000]+)"
    r"|(?P<dots>…+|—+|‥+)"
    r"|(?P<word>[A-Za-z0-9\u00c0-\u024f_'’\-.,:;!?%&@#+=/\\*~^$|<>()\[\]{}\"]+)"
    rf"|(?P<char>.(?:\u200d.|[{_CLINGS}])*)",
    re.DOTALL,
)


@dataclass(frozen=True)
class TextStyle:
    font_size: int
    min_font_size: int
    bold: bool = False
    line_spacing: float = 1.3
    letter_spacing: float = 0
    font_key: str = ""


@dataclass(frozen=True)
class TextLayout:
    """Lines ready to draw: the chosen size, each line's text and width, the block height."""

    size: int
    lines: tuple[str, ...]
    widths: tuple[float, ...]
    advance: float  # from one line's top to the next one's
    height: float  # of the whole block
    shrunk: bool  # the size was reduced to fit
    truncated: bool  # text was cut (ends in …) because even the minimum size overflowed

    @property
    def baseline(self) -> float:
        return BASELINE * self.size


@lru_cache(maxsize=256)
def font_for(size: int, bold: bool = False, font_key: str = "") -> ImageFont.FreeTypeFont:
    """The bundled face, or the font behind a key of core.posters.fonts.font_key (a package's
    font file, or a font of this machine found by name; never a path from a template)."""
    if not font_key:
        return pil_font(size, bold)
    return open_font(font_key, size)


@lru_cache(maxsize=8)
def _notdef_mask(bold: bool, font_key: str) -> bytes:
    # A private-use code point: no font we ship or accept draws anything meaningful there.
    return bytes(font_for(32, bold, font_key).getmask("\ue000"))


@lru_cache(maxsize=65536)
def _has_glyph(char: str, bold: bool, font_key: str) -> bool:
    if char.isspace():
        return True
    return bytes(font_for(32, bold, font_key).getmask(char)) != _notdef_mask(bold, font_key)


@lru_cache(maxsize=1)
def _emoji_notdef_mask() -> bytes:
    return bytes(pil_emoji_font(32).getmask("\ue000"))


@lru_cache(maxsize=65536)
def _emoji_has_glyph(char: str) -> bool:
    return bytes(pil_emoji_font(32).getmask(char)) != _emoji_notdef_mask()


def _fonts_of(text: str, bold: bool, font_key: str) -> list[bool | None]:
    """For each character: False drawn by the layer's font, True by the emoji font, None by
    neither. A clinging character takes the font of the one before it."""
    found: list[bool | None] = []
    previous: bool | None = False
    joined = False  # the character before was a zero-width joiner
    for char in text:
        if found and (joined or _CLINGING.match(char)):
            which: bool | None = previous
        elif char in "\r\n" or _has_glyph(char, bold, font_key):
            which = False
        elif _emoji_has_glyph(char):
            which = True
        else:
            which = None
        found.append(which)
        previous, joined = which, char == "\u200d"
    return found


def missing_glyphs(text: str, bold: bool = False, font_key: str = "") -> list[str]:
    """Characters of `text` neither its font nor the emoji font can draw (they are left out of
    the poster)."""
    if text.isascii():
        return []
    seen: dict[str, None] = {}
    for char, which in zip(text, _fonts_of(text, bold, font_key), strict=True):
        if which is None:
            seen.setdefault(char, None)
    return list(seen)


def drawable(text: str, bold: bool = False, font_key: str = "", *, fallback: bool = True) -> str:
    """`text` without the characters no font can draw; with `fallback` false, also without those
    only the emoji font has (an avatar's initial is a letter)."""
    if text.isascii():
        return text
    return "".join(
        char
        for char, which in zip(text, _fonts_of(text, bold, font_key), strict=True)
        if which is False or (fallback and which)
    )


def needs_fallback(text: str, bold: bool = False, font_key: str = "") -> bool:
    """Whether any character of `text` is drawn by the emoji font."""
    return not text.isascii() and any(_fonts_of(text, bold, font_key))


def font_runs(
    text: str, size: int, bold: bool = False, font_key: str = ""
) -> list[tuple[ImageFont.FreeTypeFont, str]]:
    """`text` (already `drawable`) cut into runs that one font draws: (font, run), in order."""
    runs: list[tuple[ImageFont.FreeTypeFont, str]] = []
    start, current = 0, None
    for index, which in enumerate(_fonts_of(text, bold, font_key)):
        which = bool(which)
        if index and which != current:
            runs.append((_font_of(current, size, bold, font_key), text[start:index]))
            start = index
        current = which
    if text:
        runs.append((_font_of(bool(current), size, bold, font_key), text[start:]))
    return runs


def _font_of(emoji: bool, size: int, bold: bool, font_key: str) -> ImageFont.FreeTypeFont:
    return pil_emoji_font(size) if emoji else font_for(size, bold, font_key)


@dataclass
class _Token:
    text: str
    kind: str
    width: float


def _tokens(paragraph: str, measure) -> list[_Token]:
    return [
        _Token(m.group(0), m.lastgroup or "char", measure(m.group(0)))
        for m in _TOKEN.finditer(paragraph)
    ]


def _starts_ok(token: _Token) -> bool:
    return token.text[0] not in NO_LINE_START


def _ends_ok(token: _Token) -> bool:
    return token.text[-1] not in NO_LINE_END


def _split_word(token: _Token, room: float, max_width: float, measure) -> list[_Token]:
    """A word too wide for any line, cut into pieces: the first fills `room`."""
    pieces: list[_Token] = []
    current = ""
    limit = room
    for char in token.text:
        if current and measure(current + char) > limit:
            pieces.append(_Token(current, "word", measure(current)))
            current = ""
            limit = max_width
        current += char
    if current:
        pieces.append(_Token(current, "word", measure(current)))
    return pieces


def _wrap_paragraph(paragraph: str, max_width: float, measure) -> list[list[_Token]]:
    lines: list[list[_Token]] = []
    line: list[_Token] = []
    used = 0.0
    pending = _tokens(paragraph, measure)
    pending.reverse()
    while pending:
        token = pending.pop()
        if token.kind == "space" and not line:
            continue  # no leading spaces on a wrapped line
        if used + token.width <= max_width + 0.01:
            line.append(token)
            used += token.width
            continue
        if token.kind == "space":
            lines.append(line)
            line, used = [], 0.0
            continue
        if token.kind == "word" and token.width > max_width and len(token.text) > 1:
            # Too long for any line: cut it, the first piece filling what is left here.
            if line and max_width - used < max_width * 0.3:
                lines.append(_trim(line))
                line, used = [], 0.0
            pending.extend(reversed(_split_word(token, max_width - used, max_width, measure)))
            continue
        if not line:
            line, used = [token], token.width  # one character wider than the box: it goes alone
            continue
        # Break before `token`; honour 避头/避尾 by moving characters down (推出).
        carry: list[_Token] = []
        head = token
        while line and (not _starts_ok(head) or not _ends_ok(line[-1])) and len(carry) < 3:
            moved = line.pop()
            carry.insert(0, moved)
            head = moved
            if moved.kind == "space":
                break
        if not line or not _starts_ok(head) or not _ends_ok(line[-1]):
            # Nothing to move down: let the punctuation hang past the edge (悬挂).
            line.extend(carry)
            if not _starts_ok(token):
                line.append(token)
                lines.append(line)
                line, used = [], 0.0
                continue
            lines.append(_trim(line))
            line, used = [token], token.width
            continue
        lines.append(_trim(line))
        while carry and carry[0].kind == "space":
            carry.pop(0)
        line = [*carry, token]
        used = sum(t.width for t in line)
    lines.append(_trim(line))
    return lines


def _trim(line: list[_Token]) -> list[_Token]:
    while line and line[-1].kind == "space":
        line = line[:-1]
    return line


def _measurer(size: int, style: TextStyle, mixed: bool = False):
    """`mixed`: the text has characters the emoji font draws (measured run by run)."""
    font = font_for(size, style.bold, style.font_key)
    spacing = style.letter_spacing

    if mixed:

        @lru_cache(maxsize=4096)
        def measure(text: str) -> float:
            runs = font_runs(text, size, style.bold, style.font_key)
            return sum(f.getlength(run) for f, run in runs) + spacing * len(text)

        return measure

    @lru_cache(maxsize=4096)
    def measure(text: str) -> float:
        return font.getlength(text) + spacing * len(text)

    return measure


def measure_text(text: str, size: int, style: TextStyle) -> float:
    """The advance of `text` at `size`, letter spacing included after every character."""
    return _measurer(size, style, needs_fallback(text, style.bold, style.font_key))(text)


def wrap_lines(
    text: str, max_width: float, size: int, style: TextStyle, mixed: bool | None = None
) -> list[str]:
    """`text` broken into lines no wider than `max_width` at `size`; explicit newlines kept."""
    if mixed is None:
        mixed = needs_fallback(text, style.bold, style.font_key)
    measure = _measurer(size, style, mixed)
    result: list[str] = []
    for paragraph in re.split(r"\r\n|\n|\r", text):
        for tokens in _wrap_paragraph(paragraph, max_width, measure):
            result.append("".join(t.text for t in tokens))
    return result


def _block_height(lines: int, size: int, spacing: float) -> float:
    if lines == 0:
        return 0.0
    return (lines - 1) * size * spacing + size * LINE_EXTENT


def layout_text(text: str, box_width: float, box_height: float, style: TextStyle) -> TextLayout:
    """Lines for the box, at the largest size ≤ font_size that fits (not below the minimum)."""
    text = drawable(text, style.bold, style.font_key)
    mixed = needs_fallback(text, style.bold, style.font_key)
    top = max(1, int(style.font_size))
    bottom = max(1, min(top, int(style.min_font_size)))

    def attempt(size: int) -> list[str]:
        return wrap_lines(text, box_width, size, style, mixed)

    def fits(size: int, lines: list[str]) -> bool:
        return _block_height(len(lines), size, style.line_spacing) <= box_height + 0.5

    lines = attempt(top)
    size = top
    if not fits(top, lines) and top > bottom:
        # Binary search the largest fitting size in [bottom, top).
        low, high = bottom, top - 1
        best: tuple[int, list[str]] | None = None
        while low <= high:
            middle = (low + high) // 2
            candidate = attempt(middle)
            if fits(middle, candidate):
                best = (middle, candidate)
                low = middle + 1
            else:
                high = middle - 1
        size, lines = best if best else (bottom, attempt(bottom))
    truncated = False
    if not fits(size, lines):
        lines, truncated = _truncate(lines, size, box_width, box_height, style, mixed), True
    measure = _measurer(size, style, mixed)
    widths = tuple(measure(line) - (style.letter_spacing if line else 0) for line in lines)
    return TextLayout(
        size=size,
        lines=tuple(lines),
        widths=widths,
        advance=size * style.line_spacing,
        height=_block_height(len(lines), size, style.line_spacing),
        shrunk=size < top,
        truncated=truncated,
    )


def _truncate(
    lines: list[str],
    size: int,
    box_width: float,
    box_height: float,
    style: TextStyle,
    mixed: bool = False,
) -> list[str]:
    keep = 1
    while keep < len(lines) and _block_height(keep + 1, size, style.line_spacing) <= box_height:
        keep += 1
    kept = lines[:keep]
    measure = _measurer(size, style, mixed)
    last = kept[-1]
    while last and measure(last + ELLIPSIS) > box_width:
        last = last[:-1]
    kept[-1] = last.rstrip() + ELLIPSIS
    return kept
