"""The 概览 dashboard on the 100000-member demo: its first paint, and its figures on screen, vs
`build_report` alone (the same figures, no window) in the same run.

    .venv/bin/python bench/dashboard_paint.py [--db URL] [--runs 3]

First paint: from the tab's creation (the window asking for it) to its first paint event; the
figures are read off the GUI thread, so this must not wait for them (goal < 1 s). Figures on
screen: from the creation to the paint after the cards and charts were filled; the ratio to
`build_report` alone (the dashboard's sheets, this week so far, as the tab opens) is the
dashboard's own cost (its two charts' reads, QtCharts' import, drawing). Median and spread
of the runs.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from statistics import median

from common import demo_database

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SHEQUN_DATA_DIR", tempfile.mkdtemp(prefix="shequn-bench-"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="default: the 100000-member demo")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    url = args.db or demo_database()

    from PySide6.QtCore import QEvent, QObject, QThreadPool

    from core.common.database import open_database
    from core.reports.build import build_report
    from core.reports.dashboard import DASHBOARD_SHEETS
    from core.reports.period import Period
    from ui.app import create_application
    from ui.overview.tab import OverviewTab

    app = create_application(sys.argv[:1])
    database = open_database(url, daily_backup=False)
    today = date.today()
    period = Period(today - timedelta(days=today.weekday()), today)  # 本周, the tab's default

    class Paints(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.times: list[float] = []

        def eventFilter(self, watched, event) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.times.append(time.perf_counter())
            return False

    firsts, shown, alone, shown_cpu, alone_cpu = [], [], [], [], []
    for _ in range(args.runs):  # interleaved: machine noise hits both alike
        started, cpu = time.perf_counter(), time.process_time()
        with database.session() as session:
            build_report(session, period, sheets=DASHBOARD_SHEETS)
        alone.append(time.perf_counter() - started)
        alone_cpu.append(time.process_time() - cpu)

        paints = Paints()
        started, cpu = time.perf_counter(), time.process_time()
        tab = OverviewTab(database)
        tab.resize(1366 - 200, 768 - 60)
        page = tab.findChild(QObject, "overview_page")
        page.installEventFilter(paints)
        loaded = []
        tab.dashboard_loaded.connect(lambda _board, found=loaded: found.append(time.perf_counter()))
        tab.show()
        tab.reload(None)
        while not loaded:
            app.processEvents()
            time.sleep(0.005)
        while not paints.times or paints.times[-1] < loaded[0]:
            app.processEvents()
        firsts.append(paints.times[0] - started)
        shown.append(paints.times[-1] - started)
        shown_cpu.append(time.process_time() - cpu)  # every thread of the process
        QThreadPool.globalInstance().waitForDone()
        tab.close()
        tab.deleteLater()
        app.processEvents()
    database.close()
    ratios = [on_screen / bare for on_screen, bare in zip(shown, alone, strict=True)]
    cpu_ratios = [on_screen / bare for on_screen, bare in zip(shown_cpu, alone_cpu, strict=True)]

    def spread(values: list[float], scale: float = 1000, digits: int = 0) -> str:
        low, mid, high = (
            f"{v * scale:.{digits}f}" for v in (min(values), median(values), max(values))
        )
        return f"{mid} ({low}–{high})"

    print(f"runs: {args.runs}, period {period.start} – {period.end}, median (min–max)")
    print(f"first paint (figures loading):    {spread(firsts)} ms   goal < 1000 ms")
    print(f"figures on screen:                {spread(shown)} ms")
    print(f"build_report alone (same sheets): {spread(alone)} ms")
    print(f"ratio figures on screen / build_report just before: {spread(ratios, 1, 2)}x")
    # CPU time: what the dashboard adds (its counts, two charts' reads, QtCharts, drawing)
    # when a loaded machine makes the wall clock of a two-thread read meaningless.
    print(
        f"CPU: on screen {spread(shown_cpu)} ms, build_report {spread(alone_cpu)} ms, "
        f"ratio {spread(cpu_ratios, 1, 2)}x"
    )
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
