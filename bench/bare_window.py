"""The baseline for start-up: a bare QApplication with an empty QMainWindow, shown, then quit."""

import sys

from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.show()
app.processEvents()
window.close()
