"""GUI fixtures: the application set up as the program sets it up, and a main window."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QSettings, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from core.common import paths
from ui.app import create_application, ui_settings
from ui.common.i18n import install_translators
from ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def background_work_finishes():
    """Each test ends with no background task still running: a worker left behind would run
    into the next test's database, or into interpreter shutdown (a crash at exit)."""
    yield
    pool = QThreadPool.globalInstance()
    pool.clear()
    assert pool.waitForDone(30_000), "background work still running 30 s after the test"


@pytest.fixture
def app(qapp) -> QApplication:
    """pytest-qt's QApplication with our fonts, style and (Chinese) translators."""
    return create_application([])


@pytest.fixture
def settings() -> QSettings:
    paths.config_dir().mkdir(parents=True, exist_ok=True)
    return ui_settings()


@pytest.fixture
def make_window(app, qtbot, settings) -> Iterator[Callable[..., MainWindow]]:
    windows = []

    def make(database, **options) -> MainWindow:
        window = MainWindow(database, settings, offer_demo=options.pop("offer_demo", False))
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.overview_tab.stats is not None, timeout=60_000)
        windows.append(window)
        return window

    yield make


def when_shown(object_name: str, handle: Callable[[QWidget], None], timeout_ms: int = 60_000):
    """Call `handle(widget)` once a top-level widget with this objectName is visible.

    Modal dialogs block the test in exec(); this polls from the event loop they run.
    """
    state = {"waited": 0}

    def poll() -> None:
        for widget in QApplication.topLevelWidgets():
            if widget.objectName() == object_name and widget.isVisible():
                handle(widget)
                return
        state["waited"] += 50
        if state["waited"] < timeout_ms:
            QTimer.singleShot(50, poll)

    QTimer.singleShot(50, poll)


@pytest.fixture
def english(app):
    """The interface in English for one test (its own strings and core's messages)."""
    translators = install_translators(app, "en")
    yield
    for translator in translators:
        app.removeTranslator(translator)
