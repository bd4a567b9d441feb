"""Choosing the file an import reads, the same way in every import dialog: a drop area, file and
folder dialogs that open where the last import was (Qt's own dialog, the same on every system),
and a dialog that takes a file dropped anywhere on it. Also the filter of every picture chooser."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QStandardPaths, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from ui.common.window_settings import ui_settings

LAST_FOLDER_KEY = "import/last_folder"  # where the file dialog opens next time
# The pictures core opens (core.common.images.FORMATS: PNG, JPEG, GIF, BMP, WebP, TIFF).
IMAGE_PATTERNS = "*.png *.jpg *.jpeg *.gif *.bmp *.webp *.tif *.tiff"


def image_filter() -> str:
    """A file dialog's filter for choosing a picture (a QR code, a reward, a material…)."""
    return QCoreApplication.translate("file_drop", "图片 ({patterns});;所有文件 (*)").format(
        patterns=IMAGE_PATTERNS
    )


def choose_picture(parent: QWidget, title: str, folder: str = "") -> str | None:
    """The picture file the operator picks in the system's file dialog, or None."""
    path, _ = QFileDialog.getOpenFileName(parent, title, folder, image_filter())
    return path or None


def start_folder() -> Path:
    """Where the file dialog opens: the folder of the last import, else Documents, else home."""
    remembered = ui_settings().value(LAST_FOLDER_KEY, "", str)
    if remembered and Path(remembered).is_dir():
        return Path(remembered)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents and Path(documents).is_dir():
        return Path(documents)
    return Path.home()


def remember_folder(folder: Path) -> None:
    if folder.is_dir():
        ui_settings().setValue(LAST_FOLDER_KEY, str(folder.resolve()))


def drop_area(object_name: str, text: str, height: int) -> QLabel:
    """The framed box that invites a drop (the style sheet draws `dropArea`)."""
    label = QLabel(text)
    label.setObjectName(object_name)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setMinimumHeight(height)
    label.setProperty("dropArea", True)
    return label


def path_row(
    object_name: str, placeholder: str, browse: QPushButton
) -> tuple[QLineEdit, QHBoxLayout]:
    """The chosen file's path (shown, not typed) with the button that chooses it beside it."""
    path = QLineEdit()
    path.setObjectName(object_name)
    path.setReadOnly(True)
    path.setPlaceholderText(placeholder)
    row = QHBoxLayout()
    row.addWidget(path, 1)
    row.addWidget(browse)
    return path, row


def choose_file(parent: QWidget, object_name: str, title: str, filters: str) -> Path | None:
    dialog = QFileDialog(parent, title, str(start_folder()), filters)
    dialog.setObjectName(object_name)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    return _chosen(dialog)


def choose_folder(parent: QWidget, object_name: str, title: str) -> Path | None:
    dialog = QFileDialog(parent, title, str(start_folder()))
    dialog.setObjectName(object_name)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly)
    return _chosen(dialog)


def _chosen(dialog: QFileDialog) -> Path | None:
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)  # the same on every system
    if dialog.exec() and dialog.selectedFiles():
        return Path(dialog.selectedFiles()[0])
    return None


class FileDropDialog(QDialog):
    """A dialog that takes a local file or folder dropped on it: `take_dropped(path)` says
    whether it took it (an import wizard takes one only on its first page)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)

    def take_dropped(self, path: Path) -> bool:
        raise NotImplementedError

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = [url for url in event.mimeData().urls() if url.isLocalFile()]
        if urls and self.take_dropped(Path(urls[0].toLocalFile())):
            event.acceptProposedAction()
