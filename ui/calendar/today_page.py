"""今日待发: what each community has due today (overdue first), to copy, send by hand in WeChat,
and mark sent; promotional items past a community's daily limit warn; relative SOPs show one
line per community and step that opens the members due.

A page of the 内容日历 tab, shaped like the 活动 tab's pages (ui/campaigns/page.py): it takes
the tab (its `tasks` and `database`), has `title()` and `reload()`, and reads and writes only
through `tab.tasks`, so the tab's busy() covers it and its writes are announced (CALENDAR).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QMimeData, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QImage
from PySide6.QtWidgets import (
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ui.calendar.members_due_dialog import MembersDueDialog
from ui.common.changes import Change, changes
from ui.common.empty_state import EmptyState, EmptySwitch
from ui.common.i18n import shown, shown_name
from ui.common.widgets import hint_label, push_button, section_title, warning_label

if TYPE_CHECKING:
    from core.calendar.materials import MaterialRow
    from core.calendar.today import CommunityDay, DueItem
    from ui.common.tab import FeatureTab

BODY_PREVIEW_CHARS = 120


@dataclass
class TodayData:
    day: date
    days: list[CommunityDay]
    attachments: dict[int, list[MaterialRow]] = field(default_factory=dict)
    overruns: dict[int, list[str]] = field(default_factory=dict)  # community → messages


def load_today(session, day: date | None, now: datetime | None = None) -> TodayData:
    """Everything the page shows, in one read."""
    from core.calendar.limits import overruns
    from core.calendar.materials import attachments_of
    from core.calendar.today import due_today

    now = now or datetime.now()
    day = day or now.date()
    days = due_today(session, day, now=now)
    ids = {item.id for entry in days for item in entry.items}
    found: dict[int, list[str]] = {}
    for overrun in overruns(session, day, day, [entry.community_id for entry in days]):
        found.setdefault(overrun.community_id, []).append(overrun.message)
    return TodayData(day, days, attachments_of(session, ids), found)


def open_folder(path: Path) -> None:
    """Show the folder that holds a material, to drag the file into WeChat from there."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))


class TodayPage(QWidget):
    def __init__(self, tab: FeatureTab, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendar_today_page")
        self.tab = tab
        self.data: TodayData | None = None

        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addStretch(1)  # the page's name is its tab's text in 内容日历
        head.addWidget(QLabel(self.tr("日期")))
        self.date_edit = QDateEdit(QDate.currentDate())
        self.date_edit.setObjectName("today_date")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.dateChanged.connect(lambda _d: self.reload())
        head.addWidget(self.date_edit)
        head.addWidget(push_button("today_refresh", self.tr("刷新"), self.reload))
        layout.addLayout(head)
        layout.addWidget(
            hint_label(
                self.tr("复制后到微信群里粘贴发送，发完点「标记已发送」。程序不会替你发消息。")
            )
        )
        self.status = QLabel("")
        self.status.setObjectName("today_status")
        self.status.setProperty("muted", True)
        layout.addWidget(self.status)

        self.cards = QWidget()
        self.cards_layout = QVBoxLayout(self.cards)
        self.cards_layout.setContentsMargins(0, 0, 8, 0)
        self.cards_layout.setSpacing(12)
        scroll = QScrollArea()
        scroll.setObjectName("today_scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.cards)
        empty = EmptyState(
            "today_empty",
            "circle-check",
            self.tr("今天没有要发的内容"),
            self.tr("在日历里排好内容或套用 SOP 模板，到了那天就会出现在这里。"),
        )
        self.switch = EmptySwitch(scroll, empty)
        layout.addWidget(self.switch, 1)

    def title(self) -> str:
        return self.tr("今日待发")

    def day(self) -> date:
        return self.date_edit.date().toPython()

    def reload(self) -> None:
        day = self.day()
        self.tab.tasks.read(lambda session: load_today(session, day), self._show)

    # -- showing ---------------------------------------------------------------------------

    def _show(self, data: TodayData) -> None:
        self.data = data
        while self.cards_layout.count():
            widget = self.cards_layout.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        for entry in data.days:
            self.cards_layout.addWidget(self._card(entry, data))
        self.cards_layout.addStretch(1)
        self.switch.set_empty(not data.days)

    def _card(self, entry: CommunityDay, data: TodayData) -> QFrame:
        card = QFrame()
        card.setObjectName(f"today_card_{entry.community_id}")
        card.setProperty("card", True)
        box = QVBoxLayout(card)
        box.setContentsMargins(14, 10, 14, 12)
        head = QHBoxLayout()
        name = section_title(entry.community)
        head.addWidget(name)
        if entry.items:  # a community with only SOP lines has no count to show
            waiting = QLabel(self.tr("{count} 条待发").format(count=len(entry.items)))
            waiting.setProperty("muted", True)
            head.addWidget(waiting, 0, Qt.AlignmentFlag.AlignBottom)
        head.addStretch(1)
        box.addLayout(head)
        for text in data.overruns.get(entry.community_id, []):
            warning = warning_label(f"today_limit_{entry.community_id}", "⚠ " + shown(text))
            box.addWidget(warning)
        for item in entry.items:
            box.addWidget(self._item_row(entry.community_id, item, data))
        for line in entry.lines:
            button = QPushButton(
                self.tr("{text} · {template} · {window} ›").format(
                    text=shown(line.text), template=shown_name(line.template), window=line.window
                )
            )
            button.setObjectName(f"today_sop_{entry.community_id}_{line.step_id}")
            button.setFlat(True)
            button.setStyleSheet("text-align: left; padding: 4px 0;")
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            if line.count is None:  # a group's own day: nobody to list
                button.setEnabled(False)
            button.clicked.connect(lambda _c=False, ln=line: self.open_members(ln))
            box.addWidget(button)
        return card

    def _item_row(self, community_id: int, item: DueItem, data: TodayData) -> QWidget:
        row = QWidget()
        row.setObjectName(f"today_item_{item.id}_{community_id}")
        layout = QVBoxLayout(row)
        layout.setContentsMargins(0, 6, 0, 6)
        top = QHBoxLayout()
        when = QLabel(self._when(item, data.day))
        when.setObjectName(f"today_when_{item.id}_{community_id}")
        if item.overdue:
            when.setProperty("warning", True)
        top.addWidget(when)
        marks = [item.kind_label]
        if item.promotional:
            marks.append(self.tr("推广"))
        if not item.can_send:
            marks.append(item.status_label)
        kind = QLabel(" · ".join(shown(m) for m in marks))
        kind.setProperty("muted", True)
        top.addWidget(kind)
        title = QLabel(item.title)
        title.setStyleSheet("font-weight: 600;")
        top.addWidget(title, 1)
        attachments = data.attachments.get(item.id, [])
        copy = push_button(
            f"today_copy_{item.id}_{community_id}",
            self.tr("复制"),
            lambda: self.copy_item(item, attachments),
        )
        copy.setToolTip(self.tr("正文（和第一张图片）放到剪贴板"))
        top.addWidget(copy)
        sent = push_button(
            f"today_sent_{item.id}_{community_id}",
            self.tr("标记已发送"),
            lambda: self.mark_sent(item, community_id),
        )
        sent.setEnabled(item.can_send)
        if not item.can_send:
            sent.setToolTip(self.tr("审核通过后才能发送"))
        top.addWidget(sent)
        layout.addLayout(top)
        if item.body:
            preview = item.body.replace("\n", " ")
            if len(preview) > BODY_PREVIEW_CHARS:
                preview = preview[:BODY_PREVIEW_CHARS] + "…"
            body = hint_label(preview)
            layout.addWidget(body)
        if attachments:
            layout.addLayout(self._attachment_row(item, attachments))
        return row

    def _attachment_row(self, item: DueItem, attachments: list[MaterialRow]) -> QHBoxLayout:
        line = QHBoxLayout()
        line.addWidget(QLabel(self.tr("附件")))
        for material in attachments:
            if material.is_image:
                button = push_button(
                    f"today_copy_image_{item.id}_{material.id}",
                    self.tr("复制图片「{title}」").format(title=material.title),
                    lambda _c=False, m=material: self.copy_image(m),
                )
            else:
                button = push_button(
                    f"today_open_folder_{item.id}_{material.id}",
                    self.tr("打开文件夹「{title}」").format(title=material.title),
                    lambda _c=False, m=material: open_folder(m.path),
                )
            line.addWidget(button)
        line.addStretch(1)
        return line

    def _when(self, item: DueItem, day: date) -> str:
        clock = f"{item.planned_at:%H:%M}"
        if item.planned_at.date() < day:
            return self.tr("逾期 · {when}").format(when=f"{item.planned_at:%m-%d %H:%M}")
        if item.overdue:
            return self.tr("{time} 已过").format(time=clock)
        return clock

    # -- actions ---------------------------------------------------------------------------

    def copy_item(self, item: DueItem, attachments: list[MaterialRow]) -> None:
        """The body on the clipboard (the title when there is no body), with the first picture
        as an image beside it: a paste takes whichever the chat box accepts."""
        mime = QMimeData()
        mime.setText(item.body or item.title)
        picture = next((m for m in attachments if m.is_image), None)
        image = QImage(str(picture.path)) if picture is not None else QImage()
        if not image.isNull():
            mime.setImageData(image)
            self.status.setText(self.tr("已复制「{title}」的正文和图片").format(title=item.title))
        else:
            self.status.setText(self.tr("已复制「{title}」的正文").format(title=item.title))
        QGuiApplication.clipboard().setMimeData(mime)

    def copy_image(self, material: MaterialRow) -> None:
        image = QImage(str(material.path))
        if image.isNull():
            self.status.setText(self.tr("图片「{title}」找不到了").format(title=material.title))
            return
        QGuiApplication.clipboard().setImage(image)
        self.status.setText(self.tr("已复制图片「{title}」").format(title=material.title))

    def mark_sent(self, item: DueItem, community_id: int) -> None:
        from core.calendar.today import mark_sent

        self.tab.tasks.write(
            lambda session: mark_sent(session, item.id, [community_id]),
            label=self.tr("正在标记已发送…"),
            changes=changes(Change.CALENDAR),
            then=self._sent,
        )

    def _sent(self, result) -> None:
        self.status.setText(
            self.tr("已标记发送：{title}（{time}）").format(
                title=result.title, time=f"{result.sent_at:%H:%M}"
            )
        )
        self.reload()

    def open_members(self, line) -> None:
        from core.calendar.relative import members_due

        day = self.data.day if self.data else self.day()

        def show(members: list) -> None:
            dialog = MembersDueDialog(shown(line.text), line.window, members, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()

        self.tab.tasks.read(
            lambda session: members_due(session, line.step_id, line.community_id, day), show
        )
