"""The 群二维码 panel: attach the group's QR code (file, clipboard or drop), see days left.

Reading the file, decoding and saving run in the background; a picture that is not a QR code
gets core's one-line reason in a message box and leaves the old code in place.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QDate,
    QEvent,
    QIODevice,
    Qt,
    Signal,
)
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QDateEdit,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from core.common.database import Database
from core.common.errors import UserError
from core.communities import qr
from core.communities.attention import Attention
from core.communities.qr import QrInfo
from ui.common.empty_state import EmptyState, EmptySwitch
from ui.common.file_drop import choose_picture
from ui.common.quiet import Quiet
from ui.common.tasks import TaskGroup
from ui.common.widgets import hint_label, push_button, section_title, wrapping_label
from ui.communities.labels import (
    OK_COLOR,
    QUIET_COLOR,
    URGENT_COLOR,
    WARNING_COLOR,
    attention_message,
    kind_color,
    long_date,
    qr_days_text,
    short_date,
)

THUMBNAIL = 152
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff"}


def read_image_file(path: str) -> bytes:
    """The file's bytes, refusing huge files before reading them (runs in the worker)."""
    file = Path(path)
    try:
        if file.stat().st_size > qr.MAX_FILE_BYTES:
            raise UserError(
                QCoreApplication.translate("QrPanel", "图片文件太大（超过 {size} MB）").format(
                    size=qr.MAX_FILE_BYTES // (1024 * 1024)
                )
            )
        return file.read_bytes()
    except OSError as error:
        raise UserError(
            QCoreApplication.translate("QrPanel", "无法读取文件 {file}：{error}").format(
                file=file.name, error=error.strerror or error
            )
        ) from error


def qimage_png(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


class QrPanel(QFrame):
    """Thumbnail, decoded text, generated date (editable), days left; attach/paste/remove."""

    changed = Signal()  # a code was attached, re-dated or removed

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("communities_qr_panel")
        self.setProperty("card", True)
        self.setAcceptDrops(True)
        self.database = database
        self.tasks = TaskGroup(self)
        self.community_id: int | None = None
        self.info: QrInfo | None = None
        self._loading = Quiet()

        title = section_title(self.tr("群二维码"))
        self.image_label = QLabel(self.tr("未添加\n\n可拖入图片"))
        self.image_label.setObjectName("communities_qr_image")
        self.image_label.setFixedSize(THUMBNAIL, THUMBNAIL)
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image_label.setProperty("qrEmpty", True)
        self.image_label.installEventFilter(self)

        self.days_label = QLabel()
        self.days_label.setObjectName("communities_qr_days")
        self.days_label.setProperty("qrDays", True)
        self.expires_label = hint_label(name="communities_qr_expires")
        self.date_edit = QDateEdit()
        self.date_edit.setObjectName("communities_qr_date")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setToolTip(self.tr("在微信里生成这张二维码的日期，有效期从这天算起"))
        self.date_edit.dateChanged.connect(self._date_edited)
        self.kind_label = wrapping_label("communities_qr_kind")
        self.warning_label = wrapping_label("communities_qr_warning")
        self.warning_label.hide()
        self.content_label = hint_label(name="communities_qr_content")
        self.content_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        facts = QGridLayout()
        facts.setHorizontalSpacing(10)
        facts.setVerticalSpacing(6)
        facts.addWidget(self.days_label, 0, 0, 1, 2)
        facts.addWidget(self.expires_label, 1, 0, 1, 2)
        self.date_caption = QLabel(self.tr("生成日期"))
        facts.addWidget(self.date_caption, 2, 0)
        facts.addWidget(self.date_edit, 2, 1)
        facts.addWidget(self.kind_label, 3, 0, 1, 2)
        facts.addWidget(self.content_label, 4, 0, 1, 2)
        facts.setRowStretch(5, 1)
        facts.setColumnStretch(1, 1)

        self.file_button = push_button(
            "communities_qr_from_file", self.tr("从文件添加…"), self.attach_from_file
        )
        self.paste_button = push_button("communities_qr_paste", self.tr("粘贴"), self.paste)
        self.paste_button.setToolTip(self.tr("粘贴剪贴板里的二维码截图"))
        self.remove_button = push_button("communities_qr_remove", self.tr("移除"), self.remove)
        buttons = QHBoxLayout()
        buttons.addWidget(self.file_button)
        buttons.addWidget(self.paste_button)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)

        body_widget = QWidget()
        body = QHBoxLayout(body_widget)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(16)
        body.addWidget(self.image_label, 0, Qt.AlignmentFlag.AlignTop)
        body.addLayout(facts, 1)
        empty = EmptyState(
            "communities_qr_empty",
            "qr-code",
            self.tr("这个群还没有二维码"),
            self.tr("添加后海报会自动用上它，过期前会提醒你换新。也可以把图片拖到这里。"),
        )
        empty.add_action("communities_qr_empty_add", self.tr("添加二维码…"), self.attach_from_file)
        empty.add_action(
            "communities_qr_empty_paste", self.tr("粘贴截图"), self.paste, primary=False
        )
        self.body = EmptySwitch(body_widget, empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(self.body)
        layout.addWidget(self.warning_label)
        layout.addLayout(buttons)
        self.show_info(None, None)

    # ----- showing ------------------------------------------------------------------------

    def show_info(self, community_id: int | None, info: QrInfo | None) -> None:
        self.community_id, self.info = community_id, info
        has_qr = info is not None and info.image is not None
        for button in (self.file_button, self.paste_button):
            button.setEnabled(community_id is not None)
        self.remove_button.setEnabled(has_qr)
        empty = community_id is not None and not has_qr
        self.body.set_empty(empty)
        for button in (self.file_button, self.paste_button, self.remove_button):
            button.setVisible(not empty)  # the empty state has its own, bigger buttons
        self.date_edit.setVisible(has_qr)
        self.date_caption.setVisible(has_qr)
        with self._loading:
            self.date_edit.setMaximumDate(QDate.currentDate())
            if has_qr and info.generated_on is not None:
                day = info.generated_on
                self.date_edit.setDate(QDate(day.year, day.month, day.day))
            else:
                self.date_edit.setDate(QDate.currentDate())
        if not has_qr:
            self.image_label.setToolTip("")
            self.image_label.setPixmap(QPixmap())
            self.image_label.setText(self.tr("未添加\n\n可拖入图片"))
            self.days_label.setText(self.tr("未添加群二维码") if community_id else "")
            self._color(self.days_label, None)
            self.expires_label.setText(
                self.tr("从文件添加、粘贴截图，或把图片拖到这里") if community_id else ""
            )
            self.kind_label.clear()
            self.content_label.clear()
            self.warning_label.hide()
            return
        pixmap = QPixmap()
        pixmap.loadFromData(info.image)
        self.image_label.setToolTip(self.tr("点击查看大图"))
        self.image_label.setText("")
        self.image_label.setPixmap(
            pixmap.scaled(
                THUMBNAIL - 8,
                THUMBNAIL - 8,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
        self.days_label.setText(qr_days_text(True, info.days_left))
        if info.days_left is None:
            self._color(self.days_label, OK_COLOR)
            self.expires_label.setText(self.tr("此平台的群二维码不会过期"))
        else:
            color = (
                URGENT_COLOR
                if info.days_left <= 0
                else WARNING_COLOR
                if info.days_left <= 1
                else OK_COLOR
            )
            self._color(self.days_label, color)
            # WeChat's own wording under the code: "7天内(11月30日前)有效".
            template = self.tr("{date}前有效（共 %n 天）", "", info.valid_days)
            self.expires_label.setText(template.format(date=short_date(info.expires_on)))
            self.expires_label.setToolTip(long_date(info.expires_on))
        self.kind_label.setText(_kind_text(info.content))
        # A personal 名片 or an official account attached by mistake: say so in amber.
        mistaken = qr.content_kind(info.content) == "wechat_personal"
        self._color(self.kind_label, WARNING_COLOR if mistaken else None)
        self.content_label.setText(info.content or "")
        self.content_label.setToolTip(info.content or "")

    def eventFilter(self, watched, event) -> bool:
        if (
            watched is self.image_label
            and event.type() == QEvent.Type.MouseButtonRelease
            and self.info is not None
            and self.info.image is not None
        ):
            self.show_large()
            return True
        return super().eventFilter(watched, event)

    def show_large(self) -> None:
        """The attached picture at a readable size (the thumbnail of a photo is tiny)."""
        pixmap = QPixmap()
        pixmap.loadFromData(self.info.image)
        screen = self.screen().availableGeometry()
        side = int(min(screen.width(), screen.height()) * 0.8)
        if pixmap.width() > side or pixmap.height() > side:
            pixmap = pixmap.scaled(
                side,
                side,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        dialog = QDialog(self)
        dialog.setObjectName("communities_qr_preview")
        dialog.setWindowTitle(self.tr("群二维码"))
        image = QLabel()
        image.setPixmap(pixmap)
        image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(dialog)
        layout.addWidget(image)
        dialog.exec()

    def show_warnings(self, warnings: list[Attention]) -> None:
        """What concerns the code: expiring/expired, or a group nobody can scan into any more."""
        shown = [
            w
            for w in warnings
            if w.kind in ("qr_expired", "qr_expiring") or (w.cap_reached and self._has_qr())
        ]
        self.warning_label.setText("\n".join(attention_message(w) for w in shown))
        if shown:
            first = shown[0]
            # 仅能邀请进群 is not on 需要处理: said, not flagged.
            color = kind_color(first.kind, first.cap_reached) if first.actionable else QUIET_COLOR
            self._color(self.warning_label, color)
        self.warning_label.setVisible(bool(shown))

    def _has_qr(self) -> bool:
        return self.info is not None and self.info.image is not None

    @staticmethod
    def _color(label: QLabel, color: str | None) -> None:
        # None: the theme's text colour (a fixed dark grey vanishes on the dark theme).
        label.setStyleSheet(f"color: {color};" if color else "")

    # ----- actions --------------------------------------------------------------------------

    def attach_from_file(self) -> None:
        if self.community_id is None:
            return
        path = choose_picture(self, self.tr("选择群二维码图片"))
        if path:
            self._attach(lambda: read_image_file(path))

    def paste(self) -> None:
        if self.community_id is None:
            return
        clipboard = QApplication.clipboard()
        image = clipboard.image()
        if not image.isNull():
            data = qimage_png(image)
            self._attach(lambda: data)
            return
        files = [
            url.toLocalFile()
            for url in clipboard.mimeData().urls()
            if url.isLocalFile() and Path(url.toLocalFile()).suffix.lower() in IMAGE_SUFFIXES
        ]
        if files:
            self._attach(lambda: read_image_file(files[0]))
            return
        box = QMessageBox(
            QMessageBox.Icon.Information,
            self.tr("剪贴板里没有图片"),
            self.tr("请先在微信里打开群二维码，截图或复制图片后再点「粘贴」。"),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setObjectName("communities_qr_no_image")
        box.exec()

    def _attach(self, read) -> None:
        community_id = self.community_id
        self._write(
            lambda session: qr.attach_qr(session, community_id, read(), date.today()),
            self.tr("正在识别二维码…"),
        )

    def _write(self, work, label: str) -> None:
        # The communities tab announces the change when it hears `changed`.
        self.tasks.write(
            work, label=label, changes=frozenset(), then=lambda _result: self.changed.emit()
        )

    def remove(self) -> None:
        if self.community_id is None or self.info is None or self.info.image is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("移除群二维码"),
            self.tr("移除这张群二维码？移除后不再提醒它的有效期。"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("communities_qr_remove_confirm")
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("移除"))
        if box.exec() != QMessageBox.StandardButton.Yes:
            return
        community_id = self.community_id
        self._write(lambda session: qr.remove_qr(session, community_id), self.tr("正在移除…"))

    def _date_edited(self, value: QDate) -> None:
        if self._loading or self.community_id is None:
            return
        community_id, day = self.community_id, value.toPython()
        self._write(
            lambda session: qr.set_qr_generated_on(session, community_id, day),
            self.tr("正在保存…"),
        )

    # ----- drag and drop ----------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if self.community_id is not None and (mime.hasImage() or mime.hasUrls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        mime = event.mimeData()
        if mime.hasImage():
            data = qimage_png(QImage(mime.imageData()))
            self._attach(lambda: data)
        else:
            local = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]
            if not local:
                return
            self._attach(lambda: read_image_file(local[0]))
        event.acceptProposedAction()


def _kind_text(content: str | None) -> str:
    return {
        "wechat_group": QCoreApplication.translate("communities", "微信群二维码"),
        "wecom": QCoreApplication.translate("communities", "企业微信二维码"),
        "wechat_personal": QCoreApplication.translate(
            "communities", "微信个人名片或公众号，不是群二维码"
        ),
        "qq_group": QCoreApplication.translate("communities", "QQ 群二维码"),
        "url": QCoreApplication.translate("communities", "网址"),
        "text": QCoreApplication.translate("communities", "文本"),
    }.get(qr.content_kind(content), "")
