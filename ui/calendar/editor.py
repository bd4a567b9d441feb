"""The item editor: a new item, or one opened from a view (double-click) or the list.

Three pages: 内容 (title, type, planned time with the best send times under it, communities,
owner, campaign, promotional and 常青 flags, body, 附件), 状态与审核 (the status with the steps
allowed from it, approve / reject with a reason, the reviewer's notes — never part of what is
sent — the item's history, and 再次排期 for a sent 常青 item) and 结果与备注 (replies, joins,
sales once sent; notes). The dialog only collects: `submitted(values)` and
`status_requested(action, reason)` go to the tab, which writes and calls `done_ok` or `refused`;
`communities_changed(ids)` asks it for the best send times (`show_best_times`),
`materials_requested` for the 素材库 picker, `recycle_requested(days)` to plan a sent 常青 item
again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.calendar.evergreen import DEFAULT_AFTER_DAYS, MAX_AFTER_DAYS
from core.calendar.labels import KIND_LABELS, STATUS_LABELS, default_promotional
from ui.calendar.attachments import Attachment, AttachmentsField
from ui.calendar.best_times import BestTimesView
from ui.common.i18n import shown
from ui.common.screen_fit import fit_to_screen
from ui.common.widgets import (
    accept_cancel_buttons,
    hint_label,
    push_button,
    read_only_table,
    warning_label,
)

MAX_COUNT = 1_000_000
MAX_SALES_YUAN = 10_000_000


@dataclass
class EditorData:
    """What the editor needs, read in one go (ui/calendar/tab.py `editor_data`)."""

    communities: list[tuple[int, str]]
    campaigns: list[tuple[int, str]]
    approval: bool
    item: dict | None = None  # the stored item's fields; None for a new one
    community_ids: list[int] = field(default_factory=list)
    history: list[tuple] = field(default_factory=list)  # (at, who, action, from, to, reason)
    allowed: list[str] = field(default_factory=list)  # statuses the item may go to now
    attachments: list[Attachment] = field(default_factory=list)  # in order


class ItemEditor(QDialog):
    submitted = Signal(dict)
    status_requested = Signal(str, str)  # target status, reason
    delete_requested = Signal()
    communities_changed = Signal(list)  # the chosen community ids
    materials_requested = Signal()
    recycle_requested = Signal(int)  # days after it was sent

    def __init__(self, data: EditorData, planned_at: datetime, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("calendar_item_editor")
        self.data = data
        item = data.item
        self.item_id: int | None = item["id"] if item else None
        self.setWindowTitle(self.tr("编辑内容") if item else self.tr("新建内容"))
        self.busy = False
        self.picker: QDialog | None = None  # the 素材库 picker while open (the tab's)
        self._promo_touched = item is not None

        self.pages = QTabWidget()
        self.pages.setObjectName("item_pages")
        self.pages.setDocumentMode(True)
        self.pages.addTab(self._content_page(planned_at), self.tr("内容"))
        self.status_page = self._status_page()
        self.pages.addTab(self.status_page, self.tr("状态与审核"))
        self.pages.addTab(self._results_page(), self.tr("结果与备注"))

        self.error = warning_label("item_error")
        self.error.hide()
        self.buttons = accept_cancel_buttons(
            self, self._submit, ("item_save", self.tr("保存")), ("item_cancel", self.tr("取消"))
        )
        bottom = QHBoxLayout()
        if item is not None:
            delete = push_button("item_delete", self.tr("删除"), self.delete_requested)
            delete.setEnabled(item["status"] not in ("sent", "reviewed"))
            bottom.addWidget(delete)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.error)
        layout.addLayout(bottom)
        fit_to_screen(self, 660, 700)  # the content page grew: 附件, best times, 常青

    # ----- pages ------------------------------------------------------------------------

    def _content_page(self, planned_at: datetime) -> QWidget:
        item = self.data.item or {}
        sent = item.get("status") in ("sent", "reviewed")
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(4, 12, 4, 4)
        self.title_edit = QLineEdit(item.get("title", ""))
        self.title_edit.setObjectName("item_title")
        self.title_edit.setPlaceholderText(self.tr("例如：周三干货分享"))
        form.addRow(self.tr("标题"), self.title_edit)
        self.kind = QComboBox()
        self.kind.setObjectName("item_kind")
        for key, label in KIND_LABELS.items():
            self.kind.addItem(shown(label), key)
        self.kind.setCurrentIndex(max(0, self.kind.findData(item.get("kind", "text"))))
        self.kind.currentIndexChanged.connect(lambda _i: self._default_promotional())
        form.addRow(self.tr("类型"), self.kind)
        self.planned_at = QDateTimeEdit(QDateTime(item.get("planned_at", planned_at)))
        self.planned_at.setObjectName("item_planned_at")
        self.planned_at.setCalendarPopup(True)
        self.planned_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        form.addRow(self.tr("计划时间"), self.planned_at)
        # The best send times of the chosen communities (the tab reads them; ui/calendar/
        # best_times.py); a sent item's time no longer changes, so it has none.
        self.best_times_slot = QWidget()
        self.best_times_slot.setObjectName("item_best_times_slot")
        slot_layout = QVBoxLayout(self.best_times_slot)
        slot_layout.setContentsMargins(0, 0, 0, 0)
        self.best_times = BestTimesView()
        self.best_times.slot_chosen.connect(self._use_slot)
        slot_layout.addWidget(self.best_times)
        self.best_times_slot.setVisible(not sent)
        form.addRow("", self.best_times_slot)
        self.communities = QListWidget()
        self.communities.setObjectName("item_communities")
        chosen = set(self.data.community_ids)
        for community_id, name in self.data.communities:
            row = QListWidgetItem(name)
            row.setData(Qt.ItemDataRole.UserRole, community_id)
            row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = community_id in chosen
            row.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.communities.addItem(row)
        self.communities.setMaximumHeight(96)
        rows = [self.communities.item(i) for i in range(self.communities.count())]
        first = next((r for r in rows if r.checkState() == Qt.CheckState.Checked), None)
        if first is not None:  # the chosen ones in sight, not the top of a long list
            self.communities.scrollToItem(first, QListWidget.ScrollHint.PositionAtTop)
        self.communities.itemChanged.connect(
            lambda _row: self.communities_changed.emit(self.chosen_communities())
        )
        form.addRow(self.tr("发到社群"), self.communities)
        self.owner = QLineEdit(item.get("owner", ""))
        self.owner.setObjectName("item_owner")
        self.owner.setPlaceholderText(self.tr("默认是你"))
        form.addRow(self.tr("负责人"), self.owner)
        self.campaign = QComboBox()
        self.campaign.setObjectName("item_campaign")
        self.campaign.addItem(self.tr("（不属于活动）"), None)
        for campaign_id, name in self.data.campaigns:
            self.campaign.addItem(name, campaign_id)
        self.campaign.setCurrentIndex(max(0, self.campaign.findData(item.get("campaign_id"))))
        form.addRow(self.tr("所属活动"), self.campaign)
        self.promotional = QCheckBox(self.tr("推广内容（计入每群每天的推广上限）"))
        self.promotional.setObjectName("item_promotional")
        self.promotional.setChecked(item.get("promotional", default_promotional("text")))
        self.promotional.clicked.connect(lambda: setattr(self, "_promo_touched", True))
        self.evergreen = QCheckBox(self.tr("常青内容（发送后可以再次排期）"))
        self.evergreen.setObjectName("item_evergreen")
        self.evergreen.setChecked(bool(item.get("evergreen")))
        flags = QHBoxLayout()
        flags.setContentsMargins(0, 0, 0, 0)
        flags.addWidget(self.promotional)
        flags.addWidget(self.evergreen)
        flags.addStretch(1)
        form.addRow("", flags)
        self.body = QPlainTextEdit(item.get("body", ""))
        self.body.setObjectName("item_body")
        # a coupon or a sale in the words makes it promotional too, until the box is touched
        self.title_edit.textChanged.connect(lambda _t: self._default_promotional())
        self.body.textChanged.connect(self._default_promotional)
        self.body.setPlaceholderText(self.tr("要发到群里的文字"))
        form.addRow(self.tr("正文"), self.body)
        self.attachments = AttachmentsField(self.data.attachments)
        self.attachments.add_requested.connect(self.materials_requested)
        self.original_attachments = self.attachments.ids()
        form.addRow(self.tr("附件"), self.attachments)
        if sent:
            for widget in (
                self.title_edit,
                self.kind,
                self.planned_at,
                self.communities,
                self.body,
            ):
                widget.setEnabled(False)
            form.addRow(
                "", hint_label(self.tr("已发送的内容不能再改标题、类型、时间、社群和正文。"))
            )
        return page

    def _status_page(self) -> QWidget:
        item = self.data.item
        self.reason: QLineEdit | None = None
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(4, 12, 4, 4)
        if item is None:
            layout.addWidget(hint_label(self.tr("新内容先存为草稿；保存后可以排期或提交审核。")))
            layout.addStretch(1)
            return page
        status = QLabel(
            self.tr("当前状态：{status}").format(status=shown(STATUS_LABELS[item["status"]]))
        )
        status.setObjectName("item_status")
        layout.addWidget(status)
        reviewing = item["status"] == "pending_review"
        steps = QHBoxLayout()
        if reviewing:
            approve = push_button("item_approve", self.tr("通过"), lambda: self._step("scheduled"))
            reject = push_button("item_reject", self.tr("驳回"), lambda: self._step("draft"))
            steps.addWidget(approve)
            steps.addWidget(reject)
        else:
            for target in self.data.allowed:
                button = push_button(
                    f"item_step_{target}",
                    step_text(target),
                    lambda _c=False, t=target: self._step(t),
                )
                steps.addWidget(button)
        steps.addStretch(1)
        layout.addLayout(steps)
        if item["status"] in ("sent", "reviewed") and item.get("evergreen"):
            layout.addLayout(self._recycle_row())
        if reviewing:
            self.reason = QLineEdit()
            self.reason.setObjectName("item_review_reason")
            self.reason.setPlaceholderText(self.tr("审核意见（驳回时必填）"))
            layout.addWidget(self.reason)
        elif self.data.approval and item["status"] == "draft":
            layout.addWidget(hint_label(self.tr("已开启审核：排期前需要审核通过。")))
        layout.addWidget(QLabel(self.tr("审核备注（仅团队可见，不会随内容发出）")))
        notes = QPlainTextEdit(item.get("reviewer_notes", ""))
        notes.setObjectName("item_reviewer_notes")
        notes.setReadOnly(True)
        notes.setMaximumHeight(80)
        layout.addWidget(notes)
        layout.addWidget(QLabel(self.tr("历史")))
        history = read_only_table(
            "item_history",
            [self.tr("时间"), self.tr("操作人"), self.tr("操作"), self.tr("状态"), self.tr("说明")],
        )
        history.setRowCount(len(self.data.history))
        for row, (at, who, action, before, after, reason) in enumerate(self.data.history):
            change = (
                shown(STATUS_LABELS[after])
                if before in (None, after)
                else (f"{shown(STATUS_LABELS[before])} → {shown(STATUS_LABELS[after])}")
            )
            values = (f"{at:%Y-%m-%d %H:%M}", who, action_text(action), change, reason)
            for column, value in enumerate(values):
                history.setItem(row, column, QTableWidgetItem(value))
        layout.addWidget(history, 1)
        return page

    def _recycle_row(self) -> QHBoxLayout:
        """常青: plan the sent item again, as a new item some days after it was sent."""
        row = QHBoxLayout()
        self.recycle_days = QSpinBox()
        self.recycle_days.setObjectName("item_recycle_days")
        self.recycle_days.setRange(1, MAX_AFTER_DAYS)
        self.recycle_days.setValue(DEFAULT_AFTER_DAYS)
        self.recycle_days.setSuffix(self.tr(" 天后"))
        recycle = push_button("item_recycle", self.tr("再次排期"), self._recycle)
        recycle.setToolTip(self.tr("常青内容：按发送后的天数生成一条新的排期，原内容不变"))
        row.addWidget(QLabel(self.tr("常青内容：")))
        row.addWidget(self.recycle_days)
        row.addWidget(recycle)
        row.addStretch(1)
        return row

    def _recycle(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.recycle_requested.emit(self.recycle_days.value())

    def _results_page(self) -> QWidget:
        item = self.data.item or {}
        sent = item.get("status") in ("sent", "reviewed")
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(4, 12, 4, 4)
        self.replies = QSpinBox()
        self.replies.setObjectName("item_replies")
        self.joins = QSpinBox()
        self.joins.setObjectName("item_joins")
        for spin, key in ((self.replies, "replies"), (self.joins, "joins")):
            spin.setRange(0, MAX_COUNT)
            spin.setValue(item.get(key) or 0)
            spin.setEnabled(sent)
        self.sales = QDoubleSpinBox()
        self.sales.setObjectName("item_sales")
        self.sales.setRange(0, MAX_SALES_YUAN)
        self.sales.setDecimals(2)
        self.sales.setPrefix("¥ ")
        self.sales.setValue((item.get("sales_cents") or 0) / 100)
        self.sales.setEnabled(sent)
        for spin in (self.replies, self.joins, self.sales):
            spin.setMaximumWidth(220)
        form.addRow(self.tr("回复数"), self.replies)
        form.addRow(self.tr("进群人数"), self.joins)
        form.addRow(self.tr("销售额"), self.sales)
        if not sent:
            form.addRow("", hint_label(self.tr("发送之后再记录结果。")))
        self.notes = QPlainTextEdit(item.get("notes", ""))
        self.notes.setObjectName("item_notes")
        self.notes.setPlaceholderText(self.tr("复盘记录、注意事项……"))
        form.addRow(self.tr("备注"), self.notes)
        return page

    # ----- what it hands over -----------------------------------------------------------

    def _default_promotional(self) -> None:
        if not self._promo_touched:
            kind = self.kind.currentData()
            self.promotional.setChecked(
                default_promotional(kind, self.title_edit.text(), self.body.toPlainText())
            )

    def _use_slot(self, weekday: int, hour: int) -> None:
        from core.calendar.send_times import next_slot

        planned = self.planned_at.dateTime().toPython()
        when = next_slot(weekday, hour, planned=planned, now=datetime.now())
        self.planned_at.setDateTime(QDateTime(when))

    def show_best_times(self, community_ids: list[int], found) -> None:
        """The tab's read for `community_ids`; an answer the choice has moved past is dropped."""
        if community_ids == self.chosen_communities():
            self.best_times.show_times(found)

    def set_attachments(self, attachments: list[Attachment]) -> None:
        self.attachments.set_attachments(attachments)

    def chosen_communities(self) -> list[int]:
        return [
            self.communities.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.communities.count())
            if self.communities.item(i).checkState() == Qt.CheckState.Checked
        ]

    def values(self) -> dict:
        item = self.data.item or {}
        sent = item.get("status") in ("sent", "reviewed")
        values = {
            "owner": self.owner.text(),
            "promotional": self.promotional.isChecked(),
            "campaign_id": self.campaign.currentData(),
            "notes": self.notes.toPlainText(),
            "evergreen": self.evergreen.isChecked(),
        }
        attachments = self.attachments.ids()
        # A sent item's list goes to core only when it changed, so core's refusal is heard.
        if not sent or attachments != self.original_attachments:
            values["material_ids"] = attachments
        if not sent:
            values.update(
                title=self.title_edit.text(),
                kind=self.kind.currentData(),
                body=self.body.toPlainText(),
                community_ids=self.chosen_communities(),
                planned_at=self.planned_at.dateTime().toPython().replace(second=0),
            )
        else:
            values.update(
                replies=self.replies.value(),
                joins=self.joins.value(),
                sales_cents=round(self.sales.value() * 100),
            )
        return values

    def _submit(self) -> None:
        if self.busy:
            return
        if not self.title_edit.text().strip():
            self.show_error(self.tr("请写内容标题"))
            self.pages.setCurrentIndex(0)
            self.title_edit.setFocus()
            return
        self.busy = True
        self.buttons.setEnabled(False)
        self.submitted.emit(self.values())

    def _step(self, target: str) -> None:
        if self.busy:
            return
        reason = self.reason.text() if self.reason is not None else ""
        self.busy = True
        self.status_requested.emit(target, reason)

    def show_status(self, data: EditorData) -> None:
        """After a status step: the new status, its steps, notes and history."""
        self.data.item.update(
            status=data.item["status"], reviewer_notes=data.item["reviewer_notes"]
        )
        self.data.history, self.data.allowed = data.history, data.allowed
        old = self.status_page
        self.status_page = self._status_page()
        self.pages.removeTab(1)
        self.pages.insertTab(1, self.status_page, self.tr("状态与审核"))
        self.pages.setCurrentIndex(1)
        old.deleteLater()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def refused(self, text: str) -> None:
        self.busy = False
        self.buttons.setEnabled(True)
        self.show_error(text)

    def done_ok(self) -> None:
        self.busy = False
        self.accept()


def step_text(target: str) -> str:
    """The button that moves an item to `target` (marking sent is the today panel's)."""
    texts = {
        "pending_review": QCoreApplication.translate("ItemEditor", "提交审核"),
        "scheduled": QCoreApplication.translate("ItemEditor", "排期"),
        "draft": QCoreApplication.translate("ItemEditor", "取消排期"),
        "reviewed": QCoreApplication.translate("ItemEditor", "标记已复盘"),
    }
    return texts[target]


def action_text(action: str) -> str:
    texts = {
        "created": QCoreApplication.translate("ItemEditor", "创建"),
        "edited": QCoreApplication.translate("ItemEditor", "修改"),
        "moved": QCoreApplication.translate("ItemEditor", "改时间"),
        "submitted": QCoreApplication.translate("ItemEditor", "已提交审核"),
        "approved": QCoreApplication.translate("ItemEditor", "审核通过"),
        "rejected": QCoreApplication.translate("ItemEditor", "审核驳回"),
        "scheduled": QCoreApplication.translate("ItemEditor", "已排期"),
        "sent": QCoreApplication.translate("ItemEditor", "已发送"),
        "reviewed": QCoreApplication.translate("ItemEditor", "已复盘"),
        "returned": QCoreApplication.translate("ItemEditor", "未审核退回"),
        "unscheduled": QCoreApplication.translate("ItemEditor", "已取消排期"),
    }
    return texts.get(action, action)
