"""The baseline for start-up: a bare QApplication with an empty QMainWindow, shown, then quit.

Prints "start-up N ms" measured the way `main.py --smoke` measures itself: from the first line
of the script, before importing Qt, to the window shown.
"""

import time

STARTED = time.perf_counter()

import sys  # noqa: E402

from PySide6.QtWidgets import QApplication, QMainWindow  # noqa: E402

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.show()
app.processEvents()
print(f"start-up {(time.perf_counter() - STARTED) * 1000:.0f} ms")
window.close()
