"""The look: light and dark themes in one place, icons drawn in the theme's colours, the
settings dialog switching at once, and the system's light/dark followed in "system" mode."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QComboBox, QDialogButtonBox, QListWidget

from core.common.config import AppConfig, load_config, save_config
from tests.ui.conftest import when_shown
from ui.common.icons import icon
from ui.common.theme import DARK, LIGHT, apply_theme, current_theme, theme_manager


@pytest.fixture
def light_again(app):
    yield
    QApplication.styleHints().colorSchemeChanged.emit(QApplication.styleHints().colorScheme())
    apply_theme(app, "light")


def drawn_color(qicon: QIcon, mode=QIcon.Mode.Normal) -> str:
    """The colour of the most opaque pixel of the icon at 24 px."""
    return pixmap_color(qicon.pixmap(QSize(24, 24), mode))


def pixmap_color(pixmap) -> str:
    image = pixmap.toImage()
    best = max(
        (image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())),
        key=lambda color: color.alpha(),
    )
    assert best.alpha() > 200, "the icon drew nothing"
    return best.name()


def test_light_and_dark_set_palette_style_sheet_and_icon_colours(app, light_again):
    apply_theme(app, "light")
    assert app.palette().color(QPalette.ColorRole.Window) == QColor(LIGHT.window)
    assert app.palette().color(QPalette.ColorRole.Highlight) == QColor(LIGHT.accent)
    assert drawn_color(icon("coins")) == LIGHT.icon
    assert drawn_color(icon("coins"), QIcon.Mode.Selected) == LIGHT.accent_strong

    apply_theme(app, "dark")
    assert current_theme() is DARK
    assert app.palette().color(QPalette.ColorRole.Window) == QColor(DARK.window)
    assert app.palette().color(QPalette.ColorRole.Text) == QColor(DARK.text)
    assert DARK.sidebar in app.styleSheet() and LIGHT.sidebar not in app.styleSheet()
    assert drawn_color(icon("coins")) == DARK.icon


def test_a_theme_change_recolours_icons_already_on_screen(
    make_window, sqlite_database, light_again
):
    window = make_window(sqlite_database)
    apply_theme(QApplication.instance(), "light")
    backup = window.findChild(QAction, "action_backup")
    nav = window.findChild(QListWidget, "main_nav")
    demo = window.findChild(type(window.overview_tab.demo_button), "overview_demo_button")
    assert drawn_color(backup.icon()) == LIGHT.icon
    assert drawn_color(nav.item(2).icon()) == LIGHT.icon
    assert drawn_color(demo.icon()) == LIGHT.accent_text  # on the accent-coloured button
    empty_icon = window.overview_tab.empty_state.icon_label
    assert empty_icon.isVisible() and pixmap_color(empty_icon.pixmap()) == LIGHT.muted

    apply_theme(QApplication.instance(), "dark")
    assert drawn_color(backup.icon()) == DARK.icon
    assert drawn_color(nav.item(2).icon()) == DARK.icon
    assert drawn_color(nav.item(2).icon(), QIcon.Mode.Selected) == DARK.accent_strong
    assert drawn_color(demo.icon()) == DARK.accent_text
    assert pixmap_color(empty_icon.pixmap()) == DARK.muted


def test_system_mode_follows_the_operating_system(app, light_again):
    changed = QApplication.styleHints().colorSchemeChanged
    apply_theme(app, "system")
    changed.emit(Qt.ColorScheme.Light)
    assert current_theme() is LIGHT
    with_changes = []
    theme_manager(app).theme_changed.connect(with_changes.append)
    changed.emit(Qt.ColorScheme.Dark)  # what Qt says when the user switches the OS to dark
    assert with_changes == [DARK]
    assert app.palette().color(QPalette.ColorRole.Window) == QColor(DARK.window)
    # A forced mode stays put whatever the system says.
    apply_theme(app, "light")
    changed.emit(Qt.ColorScheme.Light)
    changed.emit(Qt.ColorScheme.Dark)
    assert current_theme() is LIGHT
    # Back to "system": the scheme the system last announced.
    apply_theme(app, "system")
    assert current_theme() is DARK
    changed.emit(Qt.ColorScheme.Light)
    theme_manager(app).theme_changed.disconnect(with_changes.append)


def test_settings_dialog_switches_the_theme_at_once_and_remembers_it(
    make_window, sqlite_database, light_again
):
    save_config(AppConfig(theme="light"))
    window = make_window(sqlite_database)
    apply_theme(QApplication.instance(), "light")

    def choose_dark(dialog) -> None:
        combo = dialog.findChild(QComboBox, "settings_theme")
        combo.setCurrentIndex(combo.findData("dark"))
        dialog.findChild(QDialogButtonBox, "settings_buttons").button(
            QDialogButtonBox.StandardButton.Save
        ).click()

    when_shown("settings_dialog", choose_dark)
    window.findChild(QAction, "action_settings").trigger()
    assert load_config().theme == "dark"
    assert current_theme() is DARK
    assert window.palette().color(QPalette.ColorRole.Window) == QColor(DARK.window)


def test_an_unknown_theme_in_the_config_file_means_system(tmp_path):
    save_config(AppConfig(theme="light"))
    text = load_config()
    assert text.theme == "light"
    from core.common.config import config_file

    config_file().write_text('{"theme": "purple"}', encoding="utf-8")
    assert load_config().theme == "system"


def contrast(one: QColor, other: QColor) -> float:
    """WCAG contrast ratio of two colours."""

    def luminance(color: QColor) -> float:
        def linear(c: float) -> float:
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * linear(color.redF())
            + 0.7152 * linear(color.greenF())
            + 0.0722 * linear(color.blueF())
        )

    a, b = sorted((luminance(one), luminance(other)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def background(widget) -> QColor:
    """The colour most of the widget is painted in, as it is drawn."""
    image = widget.grab().toImage()
    counts: dict[int, int] = {}
    for x in range(image.width()):
        for y in range(image.height()):
            rgb = image.pixel(x, y)
            counts[rgb] = counts.get(rgb, 0) + 1
    return QColor.fromRgb(max(counts, key=counts.get))


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("primary", [False, True])
def test_a_disabled_buttons_icon_stays_readable(app, qtbot, light_again, mode, primary):
    from PySide6.QtWidgets import QPushButton

    from ui.common.icons import set_icon

    apply_theme(app, mode)
    button = QPushButton("导入…")
    button.setObjectName("disabled_probe")
    button.setProperty("primary", primary)
    qtbot.addWidget(button)
    set_icon(button, "file-up")
    button.setEnabled(False)
    button.resize(160, 36)
    button.show()
    qtbot.waitExposed(button)
    drawn = QColor(drawn_color(button.icon(), QIcon.Mode.Disabled))
    # Faint, but WCAG's 3:1 for graphics against the button it sits on.
    assert contrast(drawn, background(button)) >= 3.0, (drawn.name(), background(button).name())
    assert drawn != QColor(drawn_color(button.icon()))  # and still visibly off
