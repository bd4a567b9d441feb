"""On a laptop screen (1366 × 768, 1280 × 720) the main window with each tab, and every dialog,
fit the screen with room for a title bar: nothing opens with its buttons below the edge.

The screen size is fixed when Qt starts, so each size runs tests/ui/screen_probe.py in a
process of its own on an offscreen screen of that size.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.main_process import ROOT
from ui.common.screen_fit import FRAME_ALLOWANCE

SCREENS = [((1366, 768), "zh_CN"), ((1280, 720), "zh_CN"), ((1280, 720), "en")]


def probe(tmp_path, width: int, height: int, language: str) -> dict:
    screen = {
        "windowFrameMargins": True,
        "screens": [
            {"name": "laptop", "x": 0, "y": 0, "width": width, "height": height}
            | {"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
        ],
    }
    config = tmp_path / "screen.json"
    config.write_text(json.dumps(screen))
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
        "SHEQUN_DATA_DIR": str(tmp_path / "data"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.screen_probe", language],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.mark.parametrize(("size", "language"), SCREENS, ids=lambda value: str(value))
def test_every_window_and_dialog_fits_a_laptop_screen(tmp_path, size, language):
    width, height = size
    found = probe(tmp_path, width, height, language)
    assert found["screen"] == [width, height]
    room = (width - FRAME_ALLOWANCE[0], height - FRAME_ALLOWANCE[1])
    misfits = []
    for name, seen in found["windows"].items():
        x, y, w, h = seen["frame"]
        min_w, min_h = seen["minimum"]
        on_screen = x >= 0 and y >= 0 and x + w <= width and y + h <= height
        title_bar_room = w <= room[0] + 4 and h <= room[1] + 4  # + the offscreen frame
        can_shrink = min_w <= room[0] and min_h <= room[1]
        if not (on_screen and title_bar_room and can_shrink):
            misfits.append(f"{name}: {seen}")
    assert len(found["windows"]) >= 25  # the tabs and every dialog were opened
    assert misfits == []


def test_a_window_saved_on_a_bigger_monitor_comes_back_on_this_screen(qtbot):
    from PySide6.QtWidgets import QWidget

    from ui.common.screen_fit import available_area, keep_on_screen

    window = QWidget()
    qtbot.addWidget(window)
    window.resize(2600, 1500)
    window.move(3000, 2000)
    keep_on_screen(window)
    area = available_area(window)
    assert window.width() <= area.width() and window.height() <= area.height()
    assert area.contains(window.frameGeometry().topLeft())
