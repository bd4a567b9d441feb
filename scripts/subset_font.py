"""Cut the bundled Chinese font out of Noto Sans CJK, reproducibly.

The program must show Chinese on a machine that has no Chinese font (a fresh Linux box,
a CI runner, a stripped-down Windows image), in the Qt window and in the Pillow-rendered
posters alike. So it ships its own font: the Simplified Chinese face of Noto Sans CJK
(SIL OFL 1.1), cut down to the characters an operator actually types, so the two weights
stay a few megabytes each instead of ~20 MB.

Input: the two .ttc collections from Debian's `fonts-noto-cjk` package (the same files as
upstream https://github.com/googlefonts/noto-cjk `Sans/OTC`), and the Unihan database for the
list of the 通用规范汉字表 (Debian's `unicode-data`, or Unihan.zip from unicode.org). Get them
without installing anything system-wide:

    apt-get download fonts-noto-cjk unicode-data
    dpkg-deb -x fonts-noto-cjk_*.deb /tmp/noto
    dpkg-deb -x unicode-data_*.deb /tmp/unicode
    python scripts/subset_font.py /tmp/noto/usr/share/fonts/opentype/noto \
        --unihan /tmp/unicode/usr/share/unicode/Unihan_OtherMappings.txt.bz2

What is kept (see `wanted_codepoints`):
- ASCII, Latin-1 Supplement, General Punctuation, CJK Symbols and Punctuation,
  Halfwidth and Fullwidth Forms, and a few symbol blocks operators type (€, arrows, ①②,
  ℃, ■□▲●, ✓);
- every character of GB2312 (the 6763 hanzi plus its symbol rows: pinyin letters,
  Greek, Cyrillic, kana, box drawing);
- the 8105 hanzi of the 通用规范汉字表 (Table of General Standard Chinese Characters, 2013),
  read from Unihan's kTGH field: it adds the characters people use in given names that
  GB2312 lacks (喆, 堃, 珺, 祎, 赟, ...);
- the 5401 "常用字" of Big5 (bytes A440..C67E), so traditional-script nicknames and
  Hong Kong/Taiwan members' names render too.
`--all-unified` also keeps the whole basic CJK Unified Ideographs block (every hanzi GBK
can encode), at about twice the size.
No emoji: the Miscellaneous Symbols and Dingbats blocks are left out (they hold characters
that display as emoji by default); Qt and the OS take emoji from the system's colour emoji
font. ★ and ☆ still come in through GB2312.

Only the stdlib and fontTools are used, so this runs in the dev venv as is.
"""

from __future__ import annotations

import argparse
import bz2
import io
import sys
import zipfile
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

REPO = Path(__file__).resolve().parents[1]
OUT_DIR = REPO / "resources" / "fonts"

# (collection file, weight name in the name table, output file)
WEIGHTS = [
    ("NotoSansCJK-Regular.ttc", "Regular", "NotoSansSC-Regular.otf"),
    ("NotoSansCJK-Bold.ttc", "Bold", "NotoSansSC-Bold.otf"),
]
# The face we want inside the collection, by its name table (nameID 1), not by index:
# the order of faces in the .ttc is not a promise.
SC_FAMILY = "Noto Sans CJK SC"

# Unicode blocks kept whole (first, last), both inclusive.
BLOCKS = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 Supplement
    (0x2000, 0x206F),  # General Punctuation: — … ‘’ “” ‰ ※
    (0x20A0, 0x20CF),  # Currency Symbols: € (¥ is Latin-1, ￥ full-width)
    (0x2100, 0x214F),  # Letterlike Symbols: ℃ № ™
    (0x2150, 0x218F),  # Number Forms: Ⅰ Ⅱ Ⅲ
    (0x2190, 0x21FF),  # Arrows
    (0x2460, 0x24FF),  # Enclosed Alphanumerics: ① ② ③, used for numbered steps
    (0x25A0, 0x25FF),  # Geometric Shapes: ■ □ ▲ ● ◆
    (0x2713, 0x2713),  # ✓ (text only; ✔ U+2714 is an emoji candidate)
    (0x3000, 0x303F),  # CJK Symbols and Punctuation: 、。《》「」【】〔〕
    (0x3200, 0x32FF),  # Enclosed CJK Letters and Months: ㈠ ㊀
    (0xFE30, 0xFE4F),  # CJK Compatibility Forms
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms: ，：；！？（）
]

# Layout features kept: kerning and mark positioning, and the basic substitutions. Not
# kept: `locl` (it would pull in the Japanese, Korean and Traditional glyph variants of
# every kept hanzi), the vertical-writing features (the program only lays out
# horizontally), `palt`/`halt` (proportional CJK punctuation, which Qt and Pillow do not
# turn on by default) and `aalt` (alternate-glyph pickers).
LAYOUT_FEATURES = ["kern", "mark", "mkmk", "ccmp", "liga", "calt", "rlig", "rvrn"]


def _gb2312_rows(first_row: int, last_row: int) -> list[str]:
    """The characters of GB2312 rows `first_row`..`last_row` (cells A1..FE), in code order."""
    chars = []
    for row in range(first_row, last_row + 1):
        for cell in range(0xA1, 0xFF):
            try:
                chars.append(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                continue  # unassigned cells
    return chars


def gb2312_codepoints() -> set[int]:
    """Every character GB2312 encodes: the symbol rows A1..A9 and the hanzi rows B0..F7."""
    return {ord(ch) for ch in _gb2312_rows(0xA1, 0xF7)}


def gb2312_hanzi() -> list[str]:
    """The 6763 hanzi of GB2312: level 1 (B0A1..D7F9) and level 2 (D8A1..F7FE)."""
    return _gb2312_rows(0xB0, 0xF7)


def big5_common_codepoints() -> set[int]:
    """Big5's 常用字 (frequently used characters): bytes A440..C67E."""
    chars: set[int] = set()
    for hi in range(0xA4, 0xC7):
        for lo in [*range(0x40, 0x7F), *range(0xA1, 0xFF)]:
            if (hi, lo) > (0xC6, 0x7E):
                break
            try:
                text = bytes([hi, lo]).decode("big5")
            except UnicodeDecodeError:
                continue
            chars.update(ord(ch) for ch in text)
    return chars


def general_standard_codepoints(unihan: Path) -> set[int]:
    """The 8105 characters of the 通用规范汉字表: the code points Unihan gives a kTGH index.

    `unihan` is Unihan_OtherMappings.txt, the same compressed with bzip2 (Debian's
    unicode-data), or the whole Unihan.zip from unicode.org.
    """
    if unihan.suffix == ".zip":
        with zipfile.ZipFile(unihan) as archive:
            text = archive.read("Unihan_OtherMappings.txt").decode("utf-8")
    elif unihan.suffix == ".bz2":
        text = bz2.decompress(unihan.read_bytes()).decode("utf-8")
    else:
        text = unihan.read_text(encoding="utf-8")
    chars: set[int] = set()
    for line in io.StringIO(text):
        fields = line.rstrip("\n").split("\t")
        if len(fields) == 3 and fields[1] == "kTGH":
            chars.add(int(fields[0].removeprefix("U+"), 16))
    if len(chars) != 8105:
        raise SystemExit(f"{unihan}: expected 8105 kTGH entries, found {len(chars)}")
    return chars


def wanted_codepoints(general_standard: set[int], all_unified: bool = False) -> set[int]:
    wanted: set[int] = set(range(0x4E00, 0xA000)) if all_unified else set()
    wanted |= general_standard
    for first, last in BLOCKS:
        wanted.update(range(first, last + 1))
    wanted |= gb2312_codepoints()
    wanted |= big5_common_codepoints()
    return wanted


def sc_face_index(path: Path) -> int:
    """Index of the 'Noto Sans CJK SC' face in the collection, found by its family name."""
    collection = TTCollection(str(path), lazy=True)
    try:
        for index, face in enumerate(collection.fonts):
            if face["name"].getDebugName(1) == SC_FAMILY:
                return index
    finally:
        collection.close()
    raise SystemExit(f"{path}: no face named {SC_FAMILY!r} in this collection")


def subset_options() -> subset.Options:
    options = subset.Options()
    options.layout_features = LAYOUT_FEATURES
    # Keep the whole name table (copyright, licence, designer, localized names): the OFL
    # wants the copyright notice and licence to travel with the font.
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    # A real .notdef box, so a missing character shows as tofu rather than as nothing.
    options.notdef_glyph = True
    options.notdef_outline = True
    # Keep CFF hints: they make small UI sizes legible on Windows.
    options.hinting = True
    options.desubroutinize = False
    options.recalc_bounds = True
    # Do not stamp the time of the run into `head` (see also recalcTimestamp below).
    options.recalc_timestamp = False
    return options


def subset_face(source: Path, weight: str, target: Path, codepoints: set[int]) -> TTFont:
    index = sc_face_index(source)
    # recalcTimestamp=False keeps the source's `head.modified`, so reruns are byte-identical.
    font = TTFont(str(source), fontNumber=index, lazy=False, recalcTimestamp=False)
    subfamily = font["name"].getDebugName(2)
    if subfamily != weight:
        raise SystemExit(f"{source} face {index}: expected {weight!r}, found {subfamily!r}")
    available = set(font.getBestCmap())
    subsetter = subset.Subsetter(subset_options())
    subsetter.populate(unicodes=sorted(codepoints & available))
    subsetter.subset(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(target))
    return font


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "source_dir",
        type=Path,
        help="folder with NotoSansCJK-Regular.ttc and NotoSansCJK-Bold.ttc",
    )
    parser.add_argument(
        "--unihan",
        type=Path,
        required=True,
        help="Unihan_OtherMappings.txt(.bz2) or Unihan.zip, for the 通用规范汉字表 list",
    )
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder")
    parser.add_argument(
        "--all-unified",
        action="store_true",
        help="also keep every CJK Unified Ideograph U+4E00..U+9FFF (about 6.2 MB per "
        "weight instead of 3.1 MB); not what is shipped",
    )
    args = parser.parse_args(argv)

    general_standard = general_standard_codepoints(args.unihan)
    codepoints = wanted_codepoints(general_standard, args.all_unified)
    required = set(gb2312_hanzi()) | {chr(cp) for cp in general_standard}
    for ttc, weight, out_name in WEIGHTS:
        source = args.source_dir / ttc
        target = args.out / out_name
        font = subset_face(source, weight, target, codepoints)
        cmap = font.getBestCmap()
        missing = sorted(ch for ch in required if ord(ch) not in cmap)
        if missing:
            raise SystemExit(f"{target.name}: required hanzi missing: {''.join(missing[:20])}")
        print(
            f"{target.name}: {target.stat().st_size / 1e6:.2f} MB, "
            f"{font['maxp'].numGlyphs} glyphs, {len(cmap)} characters"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
