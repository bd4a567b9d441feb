"""Start-up order (issue 20): the window shows before the database, the dashboard's figures
and QtCharts are imported; the charts' module loads only to draw a chart."""

from __future__ import annotations

import json

from tests.main_process import run_main

PROBE = """
import json, sys
import ui.main_window as window_module

seen = {}
show = window_module.MainWindow.show

def shown(self):
    seen["at_show"] = sorted(sys.modules)
    show(self)

window_module.MainWindow.show = shown
import main
code = main.main(["--smoke"])
seen["at_exit"] = sorted(sys.modules)
print(json.dumps(seen))
sys.exit(code)
"""


def test_the_window_shows_before_the_database_and_the_dashboard_load(isolated_data_dir):
    assert run_main("demo", "--members", "60").returncode == 0
    result = run_main("-c", PROBE, script=False)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.splitlines()[-1])
    early = [
        name
        for name in seen["at_show"]
        if name.startswith(("sqlalchemy", "core.reports", "ui.overview", "PySide6.QtCharts"))
    ]
    assert early == []
    # The tabs are built by the end, the dashboard's read asked for (and dropped at quit).
    assert "ui.overview.tab" in seen["at_exit"]
