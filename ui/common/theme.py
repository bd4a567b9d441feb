"""The program's colours in one place: a light theme with one accent, and a dark one.

`apply_theme(app, mode)` sets the Fusion style, a palette and the style sheet from
`ui/common/style.py`; mode is "light", "dark" or "system" (the operating system's choice,
followed while the program runs through `QStyleHints.colorSchemeChanged`). Widgets that
show icons get them recoloured for the new theme (`ui/common/icons.py`).

Fusion because it draws everything from the palette on every platform: the native Windows
and macOS styles ignore half of a palette, so a dark palette there gives dark text on a dark
button.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from core.common.config import THEMES as MODES


@dataclass(frozen=True)
class Theme:
    """Every colour the program uses, named by what it is for."""

    name: str
    window: str  # the page background
    base: str  # inputs, tables, cards
    alternate: str  # alternate table rows, hovered items
    text: str
    muted: str  # secondary text and icons
    border: str
    accent: str  # the one accent colour: primary buttons, selection, big figures
    accent_text: str  # text on the accent
    accent_soft: str  # selected sidebar item, gentle highlights
    accent_strong: str  # accent used as text on accent_soft or on the page
    sidebar: str
    warning: str
    danger: str
    icon: str  # icons on buttons and menus
    disabled: str  # icons (and tab names) of what is off: faint, yet 3:1 against its background


LIGHT = Theme(
    name="light",
    window="#f5f6f8",
    base="#ffffff",
    alternate="#f8fafc",
    text="#1f2937",
    muted="#6b7280",
    border="#e2e5ea",
    accent="#0f766e",
    accent_text="#ffffff",
    accent_soft="#d7f2ee",
    accent_strong="#0f766e",
    sidebar="#ebeef2",
    warning="#b45309",
    danger="#dc2626",
    icon="#4b5563",
    disabled="#8a919c",
)

DARK = Theme(
    name="dark",
    window="#1d2126",
    base="#252a30",
    alternate="#2b3138",
    text="#e6e8eb",
    muted="#9aa3ae",
    border="#3a4149",
    accent="#14b8a6",
    accent_text="#06201d",
    accent_soft="#17433f",
    accent_strong="#5eead4",
    sidebar="#171a1e",
    warning="#f59e0b",
    danger="#f87171",
    icon="#c3c9d1",
    disabled="#8b939e",
)


def theme_for(mode: str, system_scheme: Qt.ColorScheme | None = None) -> Theme:
    """The theme a mode stands for; "system" (or an unknown mode) follows the system's scheme."""
    if mode == "light":
        return LIGHT
    if mode == "dark":
        return DARK
    if system_scheme is None:
        system_scheme = QGuiApplication.styleHints().colorScheme()
    return DARK if system_scheme == Qt.ColorScheme.Dark else LIGHT


def palette_for(theme: Theme) -> QPalette:
    palette = QPalette()
    role = QPalette.ColorRole
    colors = {
        role.Window: theme.window,
        role.WindowText: theme.text,
        role.Base: theme.base,
        role.AlternateBase: theme.alternate,
        role.ToolTipBase: theme.base,
        role.ToolTipText: theme.text,
        role.PlaceholderText: theme.muted,
        role.Text: theme.text,
        role.Button: theme.base,
        role.ButtonText: theme.text,
        role.BrightText: theme.danger,
        role.Highlight: theme.accent,
        role.HighlightedText: theme.accent_text,
        role.Link: theme.accent_strong,
        role.LinkVisited: theme.accent_strong,
        role.Light: theme.base,
        role.Midlight: theme.alternate,
        role.Mid: theme.border,
        role.Dark: theme.border,
        role.Shadow: "#000000",
        role.Accent: theme.accent,
    }
    for which, color in colors.items():
        palette.setColor(which, QColor(color))
    disabled = QPalette.ColorGroup.Disabled
    for which in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(disabled, which, QColor(theme.muted))
    palette.setColor(disabled, role.Highlight, QColor(theme.border))
    return palette


class ThemeManager(QObject):
    """Holds the chosen mode, applies it, and follows the system while the mode is "system"."""

    theme_changed = Signal(object)  # Theme

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.setObjectName("theme_manager")
        self._app = app
        self.mode = "system"
        self.theme: Theme | None = None
        self.system_scheme = app.styleHints().colorScheme()
        app.styleHints().colorSchemeChanged.connect(self._on_system_scheme)

    def apply(self, mode: str) -> Theme:
        self.mode = mode if mode in MODES else "system"
        theme = theme_for(self.mode, self.system_scheme)
        if theme == self.theme:
            return theme
        # here: icons and the style sheet read the current theme from this module
        from ui.common import icons
        from ui.common.style import style_sheet

        # Once, and only where the platform's style is another (Linux's is Fusion already):
        # setting a style costs tens of milliseconds at start-up.
        if self.theme is None and self._app.style().name().lower() != "fusion":
            self._app.setStyle("Fusion")
        self.theme = theme  # first: widgets reacting to the palette ask for it
        self._app.setPalette(palette_for(theme))
        self._app.setStyleSheet(style_sheet(theme))
        icons.retint_all(theme)
        self.theme_changed.emit(theme)
        return theme

    def _on_system_scheme(self, scheme: Qt.ColorScheme) -> None:
        self.system_scheme = scheme
        if self.mode == "system":
            self.apply("system")


def theme_manager(app: QApplication | None = None) -> ThemeManager:
    """The application's one ThemeManager (made on first use)."""
    app = app or QApplication.instance()
    manager = app.findChild(ThemeManager, "theme_manager")
    return manager if manager is not None else ThemeManager(app)


def apply_theme(app: QApplication, mode: str) -> Theme:
    return theme_manager(app).apply(mode)


def current_theme() -> Theme:
    """The theme in force (light before any was applied: tests that build bare widgets)."""
    app = QApplication.instance()
    if app is None:
        return LIGHT
    manager = app.findChild(ThemeManager, "theme_manager")
    return manager.theme if manager is not None and manager.theme is not None else LIGHT
