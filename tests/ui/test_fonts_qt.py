"""Qt shows real Chinese glyphs from the bundled font on a machine with no fonts at all.

Each test starts a child Python whose fontconfig sees only a folder the test controls, so
the result does not depend on what fonts the machine running the tests has installed. The
child renders text with QPainter and a QLabel and prints JSON; the checks run here.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from fontTools.ttLib import TTFont

from core.common.fonts import EMOJI_FAMILY, FONT_FAMILY, bundled_font_path

REPO = Path(__file__).resolve().parents[2]
SAMPLE = "社群运营"
TOFU = "\ue000"  # private use: no font maps it, so Qt draws .notdef (or nothing)

CHILD = textwrap.dedent(
    r"""
    import hashlib, json, sys
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QFont, QFontInfo, QImage, QPainter, QTextLayout
    from PySide6.QtWidgets import QApplication, QLabel

    mode, sample, tofu = sys.argv[1], sys.argv[2], sys.argv[3]
    app = QApplication([])
    result = {}
    if mode == "broken":
        import core.common.fonts
        from ui.common.fonts import BundledFontError, install_bundled_fonts
        core.common.fonts._FILES[True] = "NoSuchFont-Bold.otf"
        try:
            install_bundled_fonts(app)
        except BundledFontError as error:
            print(json.dumps({"error": str(error)}))
            sys.exit(0)
        sys.exit("install_bundled_fonts did not fail")
    if mode == "install":
        from ui.common.fonts import install_bundled_fonts, system_chinese_families
        result["system_chinese"] = system_chinese_families()
        result["installed"] = install_bundled_fonts(app)

    def digest(image):
        return hashlib.sha256(bytes(image.constBits())).hexdigest()

    def ink(image):
        # pixels that are not the white background
        gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
        data = bytes(gray.constBits())
        return sum(1 for value in data if value < 128)

    def paint(text, font):
        image = QImage(96, 96, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setPen(QColor("black"))
        painter.setFont(font)
        painter.drawText(image.rect(), Qt.AlignmentFlag.AlignCenter, text)
        painter.end()
        return image

    def label_image(text):
        label = QLabel(text)
        label.setFont(big)
        label.resize(400, 96)
        return label.grab().toImage()

    def runs(text):
        layout = QTextLayout(text, app.font())
        layout.beginLayout()
        layout.createLine()
        layout.endLayout()
        return [[run.rawFont().familyName(), len(run.glyphIndexes())]
                for run in layout.glyphRuns()]

    big = QFont(app.font())
    big.setPixelSize(64)
    result["app_families"] = app.font().families()
    result["label_family"] = QFontInfo(QLabel(sample).font()).family()
    bold = QFont(big)
    bold.setBold(True)
    result["bold_style"] = QFontInfo(bold).styleName()
    result["bold_differs"] = digest(paint(sample[0], bold)) != digest(paint(sample[0], big))
    result["glyphs"] = {}
    for char in sample + tofu:
        image = paint(char, big)
        result["glyphs"][char] = {"digest": digest(image), "ink": ink(image)}
    text_label, tofu_label = label_image(sample), label_image(tofu * len(sample))
    result["label_ink"] = ink(text_label)
    result["label_same_as_tofu"] = digest(text_label) == digest(tofu_label)
    result["runs"] = runs(sys.argv[4] if len(sys.argv) > 4 else sample)
    print(json.dumps(result))
    """
)


def fontless_env(tmp_path: Path, font_dir: Path | None = None) -> dict[str, str]:
    """An environment where fontconfig knows only `font_dir` (default: an empty folder)."""
    font_dir = font_dir or tmp_path / "no-fonts"
    font_dir.mkdir(exist_ok=True)
    cache = tmp_path / "fontconfig-cache"
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><dir>{font_dir}</dir><cachedir>{cache}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FONTCONFIG_", "QT_"))
    }
    env.update(
        FONTCONFIG_FILE=str(conf),
        QT_QPA_PLATFORM="offscreen",
        QT_QPA_FONTDIR=str(font_dir),
        XDG_CONFIG_HOME=str(tmp_path / "xdg-config"),
        XDG_DATA_HOME=str(tmp_path / "xdg-data"),
        XDG_CACHE_HOME=str(tmp_path / "xdg-cache"),
        XDG_RUNTIME_DIR=str(tmp_path / "xdg-runtime"),
    )
    runtime = Path(env["XDG_RUNTIME_DIR"])
    runtime.mkdir(mode=0o700, exist_ok=True)
    return env


def run_child(env: dict[str, str], mode: str, text: str | None = None) -> tuple[dict, str]:
    script = Path(env["XDG_CACHE_HOME"]).parent / "render_child.py"
    script.write_text(CHILD, encoding="utf-8")
    args = [sys.executable, str(script), mode, SAMPLE, TOFU, *([text] if text else [])]
    done = subprocess.run(
        args, env=env, cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


def test_bundled_font_draws_chinese_with_no_system_fonts(tmp_path):
    result, stderr = run_child(fontless_env(tmp_path), "install")

    assert result["system_chinese"] == []
    assert result["installed"] == FONT_FAMILY
    assert result["app_families"] == [FONT_FAMILY, EMOJI_FAMILY]
    assert result["label_family"] == FONT_FAMILY
    assert result["runs"] == [[FONT_FAMILY, len(SAMPLE)]]
    assert result["bold_style"] == "Bold"
    assert result["bold_differs"]

    glyphs = result["glyphs"]
    tofu = glyphs.pop(TOFU)
    assert tofu["ink"] > 0, "the .notdef box should be drawn"
    digests = [glyph["digest"] for glyph in glyphs.values()]
    assert all(glyph["ink"] > 0 for glyph in glyphs.values()), glyphs
    assert tofu["digest"] not in digests, "a hanzi was drawn as the .notdef box"
    assert len(set(digests)) == len(SAMPLE), "two hanzi were drawn identically"
    assert result["label_ink"] > 0
    assert not result["label_same_as_tofu"]
    assert "qt.qpa.fonts" not in stderr and "QFont" not in stderr, stderr


def test_an_emoji_in_a_nickname_comes_from_the_bundled_emoji_font(tmp_path):
    """A machine with no emoji font showed 张秀云▯: the emoji now has a real glyph."""
    result, _ = run_child(fontless_env(tmp_path), "install", "张秀云🍀")
    # (Qt lists glyph runs grouped by font, not in text order.)
    assert sorted(result["runs"]) == sorted([[FONT_FAMILY, 3], [EMOJI_FAMILY, 1]])


def test_without_the_bundled_font_chinese_is_not_drawn(tmp_path):
    """Control: a machine with only a Latin font and no install_bundled_fonts shows no
    Chinese, so the test above does detect a missing font. (With no font at all Qt 6.11
    crashes while drawing, which no real machine makes it do.)"""
    latin_dir = tmp_path / "latin-fonts"
    hanzi_and_more = "".join(
        chr(code) for code in TTFont(bundled_font_path()).getBestCmap() if code >= 0x80
    )
    fake_system_font(latin_dir, without=hanzi_and_more)
    result, _ = run_child(fontless_env(tmp_path, latin_dir), "none")

    assert result["label_family"] != FONT_FAMILY
    tofu = result["glyphs"].pop(TOFU)
    for char, glyph in result["glyphs"].items():
        assert glyph["ink"] == 0 or glyph["digest"] == tofu["digest"], f"{char} was drawn"
    assert result["label_ink"] == 0 or result["label_same_as_tofu"]


def fake_system_font(folder: Path, without: str) -> str:
    """A 'system' Chinese font: the bundled Regular renamed, minus the characters `without`.

    Only `cmap` and `name` are rewritten (the outlines are copied as raw bytes), which keeps
    this fast; fontconfig still rates it as a zh-cn font since GB2312 stays covered.
    """
    family = "Shequn Test System Sans"
    font = TTFont(bundled_font_path(), lazy=True)
    for table in font["cmap"].tables:
        for char in without:
            table.cmap.pop(ord(char), None)
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = family
        elif record.nameID in (3, 6):
            record.string = "ShequnTestSystemSans-Regular"
    for tag in list(font.tables):
        if tag not in ("cmap", "name"):
            font.tables.pop(tag)  # not changed: saved from the source bytes, not recompiled
    folder.mkdir(parents=True, exist_ok=True)
    font.save(folder / "system-sans.otf")
    return family


def test_system_chinese_font_is_kept_and_bundled_font_fills_gaps(tmp_path):
    # 們 and 開 are in the bundled subset (Big5 common characters) but not in GB2312, so
    # the fake system font can lose them and still count as a Simplified Chinese font.
    system_dir = tmp_path / "system-fonts"
    family = fake_system_font(system_dir, without="們開")
    result, stderr = run_child(fontless_env(tmp_path, system_dir), "install", "Hi 社群們開")

    assert result["system_chinese"] == [family]
    assert result["installed"] == family
    assert result["app_families"] == [family, FONT_FAMILY, EMOJI_FAMILY]  # no system emoji
    assert result["label_family"] == family
    # Latin and the hanzi the system font has: system font; the rest: bundled font.
    # (Qt lists glyph runs grouped by font, not in text order.)
    assert sorted(result["runs"]) == sorted([[family, len("Hi 社群")], [FONT_FAMILY, 2]])
    assert "QFont" not in stderr, stderr


def test_a_missing_font_file_fails_loudly(tmp_path):
    result, _ = run_child(fontless_env(tmp_path), "broken")
    assert "NoSuchFont-Bold.otf" in result["error"]
    assert "missing" in result["error"]
