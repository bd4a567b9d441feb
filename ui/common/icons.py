"""The bundled Lucide icons (resources/icons, ISC licence), drawn in the theme's colours.

The SVGs draw with `stroke="currentColor"`; Qt's SVG renderer has no current colour, so the
colour is written into the SVG text before rendering. `set_icon(widget_or_action, name)`
remembers the name on the object, so a theme change (`retint_all`) redraws every icon that
is on screen; objects named in BUTTON_ICONS get their icon by objectName (`decorate`), so
tabs need no icon code of their own.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QObject, QRectF, QSize, Qt
from PySide6.QtGui import QAction, QGuiApplication, QIcon, QIconEngine, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from core.common import paths

ICON_PROPERTY = "iconName"

# Buttons inside the tabs, by objectName → icon. One table, so the tabs carry no icon code.
BUTTON_ICONS = {
    # empty states
    "overview_demo_button": "sparkles",
    "overview_import_button": "file-up",
    "overview_new_community_button": "circle-plus",
    "communities_empty_new": "circle-plus",
    "communities_qr_empty_add": "qr-code",
    "communities_qr_empty_paste": "clipboard-paste",
    "members_empty_import": "file-up",
    "members_empty_new": "user-plus",
    "ledger_rewards_empty_new": "gift",
    # the main buttons of each page
    "communities_attention_button": "bell",
    "communities_trash": "trash-2",
    "communities_new": "plus",
    "communities_edit": "pencil",
    "communities_qr_from_file": "upload",
    "communities_qr_paste": "clipboard-paste",
    "members_import": "file-up",
    "members_new": "user-plus",
    "members_merge": "merge",
    "members_bulk_posters": "image",
    "members_export": "download",
    "tiersPaste": "clipboard-paste",
    "tiersImport": "file-up",
    "tiersRecompute": "refresh-cw",
    "ledger_award": "plus",
    "ledger_redeem": "gift",
    "ledger_export": "file-spreadsheet",
    "ledger_export_statement": "download",
    "ledger_reward_new": "plus",
    "posterNew": "plus",
    "posterSave": "save",
    "posterBulk": "image",
}


@cache
def _svg_source(name: str) -> str:
    path = paths.resource_path("icons", f"{name}.svg")
    return path.read_text(encoding="utf-8")


@cache
def _renderer(name: str, color: str) -> QSvgRenderer:
    svg = _svg_source(name).replace("currentColor", color)
    return QSvgRenderer(QByteArray(svg.encode("utf-8")))


def _render(name: str, color: str, width: int, height: int, ratio: float) -> QPixmap:
    pixmap = QPixmap(round(width * ratio), round(height * ratio))
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    _renderer(name, color).render(painter, QRectF(0, 0, pixmap.width(), pixmap.height()))
    painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def icon_pixmap(name: str, size: int, color: str) -> QPixmap:
    """One icon drawn at `size` logical pixels in `color`, sharp on this screen."""
    return _render(name, color, size, size, _device_ratio())


def _device_ratio() -> float:
    screen = QGuiApplication.primaryScreen()
    return screen.devicePixelRatio() if screen is not None else 1.0


class _SvgIconEngine(QIconEngine):
    """Draws the icon only when Qt asks, at the size and in the mode asked: start-up renders
    nothing for menus that are not open yet."""

    def __init__(self, name: str, colors: dict) -> None:
        super().__init__()
        self._name = name
        self._colors = colors  # QIcon.Mode → colour
        self._pixmaps: dict[tuple, QPixmap] = {}

    def _color(self, mode) -> str:
        return self._colors.get(mode) or self._colors[QIcon.Mode.Normal]

    def scaledPixmap(self, size: QSize, mode, state, scale: float) -> QPixmap:
        key = (size.width(), size.height(), mode, scale)
        if key not in self._pixmaps:
            self._pixmaps[key] = _render(
                self._name, self._color(mode), size.width(), size.height(), scale
            )
        return self._pixmaps[key]

    def pixmap(self, size: QSize, mode, state) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def paint(self, painter: QPainter, rect, mode, state) -> None:
        _renderer(self._name, self._color(mode)).render(painter, QRectF(rect))

    def actualSize(self, size: QSize, mode, state) -> QSize:
        return size

    def isNull(self) -> bool:
        return False

    def key(self) -> str:
        return "shequn-svg"

    def clone(self) -> QIconEngine:
        copy = _SvgIconEngine(self._name, self._colors)
        _CLONES.append(copy)  # Qt owns the copy; keep its Python side alive with it
        return copy


_CLONES: list[_SvgIconEngine] = []


@cache
def _themed_icon(name: str, normal: str, selected: str, disabled: str) -> QIcon:
    engine = _SvgIconEngine(
        name,
        {
            QIcon.Mode.Normal: normal,
            QIcon.Mode.Active: normal,
            QIcon.Mode.Selected: selected,
            QIcon.Mode.Disabled: disabled,
        },
    )
    _ENGINES.append(engine)
    return QIcon(engine)


_ENGINES: list[_SvgIconEngine] = []


def icon(name: str, theme=None, *, on_accent: bool = False) -> QIcon:
    """The icon in the current theme's colours (accent when selected, faint when disabled);
    `on_accent`: for a primary button, drawn in the colour of the text on the accent."""
    from ui.common.theme import current_theme

    theme = theme or current_theme()
    if on_accent:
        return _themed_icon(name, theme.accent_text, theme.accent_text, theme.muted)
    return _themed_icon(name, theme.icon, theme.accent_strong, theme.disabled)


def set_icon(target: QObject, name: str) -> None:
    """Give a button or action its icon, and keep it in the theme's colours from now on."""
    target.setProperty(ICON_PROPERTY, name)
    target.setIcon(icon(name, on_accent=bool(target.property("primary"))))


def decorate(root: QWidget) -> None:
    """Icons for the buttons under `root` that BUTTON_ICONS names."""
    for button in root.findChildren(QAbstractButton):
        name = BUTTON_ICONS.get(button.objectName())
        if name is not None and button.property(ICON_PROPERTY) is None:
            set_icon(button, name)
            button.setIconSize(QSize(16, 16))


def retint_all(theme) -> None:
    """Redraw every remembered icon in `theme`'s colours."""
    app = QApplication.instance()
    if app is None:
        return
    targets: list[QObject] = []
    for top in app.topLevelWidgets():
        targets.append(top)
        targets.extend(top.findChildren(QWidget))
        targets.extend(top.findChildren(QAction))
    for target in targets:
        name = target.property(ICON_PROPERTY)
        if name:
            target.setIcon(icon(name, theme, on_accent=bool(target.property("primary"))))
