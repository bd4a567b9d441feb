"""Register the bundled Chinese font with Qt, so the window never shows boxes for hanzi.

Windows and macOS always have a Chinese font, but a fresh Linux desktop, a CI runner or a
trimmed Windows image may not, and then every label shows tofu. The program ships a subset of
Noto Sans CJK SC (see core/common/fonts.py and resources/fonts/README.md); this module hands
it to Qt:

- the files are always registered, so `QFont(FONT_FAMILY)` works everywhere (the poster
  designer shows the same face Pillow renders with);
- with no Chinese font on the system, the bundled family becomes the application font;
- otherwise the system's font stays (it looks native), and the bundled family is added behind
  it as a fallback, so a character the system font lacks still comes from the bundled one.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QFontInfo, QGuiApplication

from core.common.fonts import EMOJI_FAMILY, FONT_FAMILY, bundled_font_path, emoji_font_path

_CHINESE = QFontDatabase.WritingSystem.SimplifiedChinese
# Colour emoji fonts that Windows, macOS and Linux desktops ship: with one of them Qt's own
# fallback draws emoji in colour, and the bundled monochrome face stays out of the way.
SYSTEM_EMOJI_FAMILIES = (
    "Segoe UI Emoji",
    "Apple Color Emoji",
    "Noto Color Emoji",
    "Twemoji",
    "Twitter Color Emoji",
    "JoyPixels",
    "EmojiOne Color",
)


class BundledFontError(RuntimeError):
    """The shipped font files are missing or Qt cannot read them: a broken install."""


def system_chinese_families() -> list[str]:
    """Families on this machine that Qt says can write Simplified Chinese, ours excluded."""
    return [
        family
        for family in QFontDatabase.families(_CHINESE)
        if family != FONT_FAMILY and not QFontDatabase.isPrivateFamily(family)
    ]


def system_has_emoji_font() -> bool:
    installed = set(QFontDatabase.families())
    return any(family in installed for family in SYSTEM_EMOJI_FAMILIES)


def _register_emoji_file() -> None:
    path = emoji_font_path()
    if QFontDatabase.addApplicationFont(str(path)) < 0:
        raise BundledFontError(f"Qt could not load the bundled emoji font {path}.")


def _register_bundled_files() -> None:
    for bold in (False, True):
        path = bundled_font_path(bold)
        if not path.is_file():
            raise BundledFontError(
                f"The bundled font file is missing: {path}. The installation is incomplete; "
                "reinstall the program (developers: see resources/fonts/README.md)."
            )
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            raise BundledFontError(f"Qt could not load the bundled font file {path}.")
        families = QFontDatabase.applicationFontFamilies(font_id)
        if FONT_FAMILY not in families:
            raise BundledFontError(
                f"The bundled font file {path} holds the families {families}, "
                f"not {FONT_FAMILY!r}: core.common.fonts.FONT_FAMILY and the file disagree."
            )


def install_bundled_fonts(app: QGuiApplication) -> str:
    """Register both bundled weights and make sure Chinese has a font; return the family used.

    Call once, after the QApplication exists and before windows are built (widgets take
    the application font when they are created). Returns the bundled family when it became
    the application font, otherwise the system font's family that was kept.
    """
    # Ask before registering: afterwards our own family would answer the question.
    system_has_chinese = bool(system_chinese_families())
    emoji = [] if system_has_emoji_font() else [EMOJI_FAMILY]  # last: only for emoji
    _register_bundled_files()
    _register_emoji_file()

    font = QFont(app.font())
    if not system_has_chinese:
        font.setFamilies([FONT_FAMILY, *emoji])
        app.setFont(font)
        return FONT_FAMILY

    # Keep the native look, with the bundled family behind the system's font: for each
    # character Qt tries the listed families in order before its platform fallbacks.
    # Name the family the system font actually resolved to, not the requested one: Qt's
    # default is often a generic alias ("Sans Serif"), and an alias followed by a real
    # family makes Qt skip the alias, so Latin text would switch to the bundled font too.
    system_family = QFontInfo(font).family() or font.family()
    font.setFamilies([system_family, FONT_FAMILY, *emoji])
    app.setFont(font)
    # Widgets that name the system family themselves (style sheets, designer forms) get
    # the same fallback through the substitution table.
    for fallback in (FONT_FAMILY, *emoji):
        if fallback not in QFont.substitutes(system_family):
            QFont.insertSubstitution(system_family, fallback)
    return system_family
