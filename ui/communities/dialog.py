"""新建/编辑社群: every field of the community record, the owner and admins chosen by typing a name.

Saving runs core's validation in the background; a refusal ("请填写社群名称") is shown and the
dialog stays open with what was typed.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QDate, QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCompleter,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.common.database import Database
from core.common.member_description import describe_members
from core.communities.limits import Limits
from core.communities.registry import (
    CommunityFields,
    MemberRef,
    create_community,
    find_members,
    owner_and_admins,
    set_admins,
    split_tags,
    update_community,
)
from ui.common.errors import show_error
from ui.common.i18n import shown
from ui.common.tasks import Task, run_task, show_error_on, while_alive
from ui.common.units import units
from ui.common.widgets import choice, counted_suffix, hint_label, ok_cancel_buttons, push_button
from ui.communities.labels import platform_labels

SEARCH_DELAY_MS = 250


class OwnerPicker(QLineEdit):
    """Type part of a name (or its pinyin initials); pick a member from the suggestions."""

    member_chosen = Signal(object)  # MemberRef

    def __init__(
        self,
        database: Database,
        community_id: int | None,
        parent=None,
        *,
        object_name: str = "community_owner",
    ) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.database = database
        self.community_id = community_id
        self.owner: MemberRef | None = None
        self._choices: dict[str, MemberRef] = {}
        self._generation = 0
        self.setPlaceholderText(self.tr("输入昵称、备注名或拼音首字母，从列表中选择"))
        self.setClearButtonEnabled(True)
        self.suggestions = QStringListModel(self)
        completer = QCompleter(self.suggestions, self)
        completer.setObjectName(f"{object_name}_completer")
        # Matches come from the database (pinyin included): show them as they are.
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.activated.connect(self._chosen)
        self.setCompleter(completer)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._search)
        self.textEdited.connect(self._edited)

    def set_owner(self, owner: MemberRef | None) -> None:
        self.owner = owner
        self.setText(owner.name if owner else "")

    def _edited(self, text: str) -> None:
        if self.owner is not None and text != self.owner.name:
            self.owner = None
        if text.strip():
            self._timer.start()

    def _search(self) -> None:
        self._generation += 1
        generation, text, community_id = self._generation, self.text(), self.community_id

        def load(_progress, _cancelled) -> list[tuple[MemberRef, str]]:
            with self.database.session() as session:
                found = find_members(session, text, community_id=community_id, limit=15)
                described = describe_members(session, [ref.id for ref in found])
            return [(ref, described.get(ref.id, ref.name)) for ref in found]

        task = Task(load)
        task.succeeded.connect(while_alive(self, lambda found: self._show(generation, found)))
        task.failed.connect(show_error_on(self))
        task.start()

    def _show(self, generation: int, found: list[tuple[MemberRef, str]]) -> None:
        if generation != self._generation or not self.isVisible():
            return  # a later keystroke has its own search under way
        # Each suggestion tells the member apart (group, remark, phone tail), not by an id.
        texts = [shown(description) for _ref, description in found]
        self._choices = {}
        for (ref, _description), text in zip(found, texts, strict=True):
            if texts.count(text) > 1:  # nothing at all tells them apart
                text = f"{text} · #{ref.id}"
            self._choices[text] = ref
        self.suggestions.setStringList(list(self._choices))
        if self._choices:
            self.completer().complete()

    def _chosen(self, text: str) -> None:
        ref = self._choices.get(text)
        if ref is not None:
            self.owner = ref
            self.setText(ref.name)
            self.member_chosen.emit(ref)

    @property
    def unresolved(self) -> bool:
        """Text typed but no member chosen from the suggestions."""
        return bool(self.text().strip()) and self.owner is None


class CommunityDialog(QDialog):
    """Create (community_id None) or edit a community."""

    def __init__(
        self,
        database: Database,
        fields: CommunityFields,
        *,
        community_id: int | None = None,
        owner: MemberRef | None = None,
        limits: Limits | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("community_dialog")
        self.database = database
        self.community_id = community_id
        self.saved_id: int | None = None
        self.setWindowTitle(self.tr("新建社群") if community_id is None else self.tr("编辑社群"))
        self.setMinimumWidth(600)

        self.name = self._line("community_name", fields.name, self.tr("例如：麦香烘焙福利1群"))
        self.platform = choice(
            "community_platform",
            [(label, code) for code, label in platform_labels().items()],
            fields.platform,
        )
        self.theme = self._line(
            "community_theme", fields.theme, self.tr("这个群为什么存在，例如：新品试吃与会员福利")
        )
        self.audience = self._line(
            "community_audience", fields.target_audience, self.tr("例如：附近 3 公里的宝妈")
        )
        self.rules = QPlainTextEdit(fields.rules_text)
        self.rules.setObjectName("community_rules")
        self.rules.setPlaceholderText(self.tr("群规，每条一行"))
        self.rules.setTabChangesFocus(True)
        self.rules.setFixedHeight(96)

        self.member_cap = self._spin("community_member_cap", fields.member_cap, 1, 100_000)
        self.scan_cap = self._spin("community_scan_cap", fields.scan_cap, 1, 100_000)
        self.qr_valid_days = self._spin(
            "community_qr_valid_days", fields.qr_valid_days or 0, 0, 3650
        )
        self.qr_valid_days.setSpecialValueText(self.tr("按平台默认"))
        counted_suffix(self.qr_valid_days, units.days)
        self.qr_valid_days.setMinimumWidth(130)
        caps = QHBoxLayout()
        caps.addWidget(self.member_cap)
        caps.addSpacing(16)
        caps.addWidget(QLabel(self.tr("扫码进群上限")))
        caps.addSpacing(6)
        caps.addWidget(self.scan_cap)
        caps.addStretch(1)
        validity = QHBoxLayout()
        validity.addWidget(self.qr_valid_days)
        validity.addSpacing(8)
        validity_hint = QLabel(_validity_hint(limits))
        validity_hint.setProperty("muted", True)
        validity.addWidget(validity_hint)
        validity.addStretch(1)

        self.tags = self._line(
            "community_tags", "，".join(fields.tags), self.tr("用逗号、顿号或空格分隔")
        )
        self.created_on = QDateEdit()
        self.created_on.setObjectName("community_created_on")
        self.created_on.setCalendarPopup(True)
        self.created_on.setDisplayFormat("yyyy-MM-dd")
        self.created_on.setMaximumDate(QDate.currentDate())
        day = fields.created_on
        self.created_on.setDate(QDate(day.year, day.month, day.day) if day else QDate.currentDate())
        self.owner = OwnerPicker(database, community_id)
        self.owner.set_owner(owner)
        owner_hint = hint_label(
            self.tr("在这个群的现有成员里查找（员工排在前面）")
            if community_id is not None
            else self.tr("可从所有成员里选择（员工排在前面）")
        )

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(10)
        form.addRow(self.tr("名称"), self.name)
        form.addRow(self.tr("平台"), self.platform)
        form.addRow(self.tr("定位/主题"), self.theme)
        form.addRow(self.tr("目标人群"), self.audience)
        form.addRow(self.tr("群规"), self.rules)
        form.addRow(self.tr("群人数上限"), caps)
        form.addRow(self.tr("二维码有效期"), validity)
        form.addRow(self.tr("标签"), self.tags)
        form.addRow(self.tr("建群日期"), self.created_on)
        form.addRow(self.tr("群主"), self.owner)
        form.addRow("", owner_hint)
        if community_id is not None:  # admins are current members: a new group has none yet
            form.addRow(self.tr("管理员"), self._admins_editor(database, community_id))

        self.buttons = ok_cancel_buttons(self, "community_dialog_buttons", self.save, save=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.name.setFocus()

    def _admins_editor(self, database: Database, community_id: int) -> QWidget:
        """The admin list: chips to remove, a picker over this group's members to add."""
        with database.session() as session:
            admins = owner_and_admins(session, community_id).admins
        self.admins = QListWidget()
        self.admins.setObjectName("community_admins")
        self.admins.setFlow(QListWidget.Flow.LeftToRight)
        self.admins.setWrapping(True)
        self.admins.setSpacing(4)
        self.admins.setFixedHeight(64)
        self.admins.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        for ref in admins:
            self._add_admin(ref)
        self.admin_picker = OwnerPicker(
            database, community_id, object_name="community_admin_picker"
        )
        self.admin_picker.setPlaceholderText(self.tr("输入名字添加管理员"))
        self.admin_picker.member_chosen.connect(self._add_admin)
        remove = push_button("community_admin_remove", self.tr("移除所选"), self._remove_admins)
        row = QHBoxLayout()
        row.addWidget(self.admin_picker, 1)
        row.addWidget(remove)
        editor = QWidget()
        column = QVBoxLayout(editor)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.admins)
        column.addLayout(row)
        return editor

    def _add_admin(self, ref: MemberRef) -> None:
        if ref.id in self.admin_ids():
            return
        item = QListWidgetItem(ref.name)
        item.setData(Qt.ItemDataRole.UserRole, ref.id)
        self.admins.addItem(item)
        if hasattr(self, "admin_picker"):
            QTimer.singleShot(0, self.admin_picker.clear)  # after the completer has written

    def _remove_admins(self) -> None:
        for item in self.admins.selectedItems():
            self.admins.takeItem(self.admins.row(item))

    def admin_ids(self) -> list[int] | None:
        """The admins shown, or None for a new community (which has no admin list)."""
        if not hasattr(self, "admins"):
            return None
        return [
            self.admins.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.admins.count())
        ]

    def _line(self, object_name: str, text: str, hint: str) -> QLineEdit:
        edit = QLineEdit(text)
        edit.setObjectName(object_name)
        edit.setPlaceholderText(hint)  # grey text shown while the box is empty
        return edit

    def _spin(self, object_name: str, value: int, low: int, high: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setObjectName(object_name)
        spin.setRange(low, high)
        spin.setValue(value)
        spin.setMinimumWidth(110)
        spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        return spin

    def fields(self) -> CommunityFields:
        return CommunityFields(
            name=self.name.text(),
            platform=self.platform.currentData(),
            theme=self.theme.text(),
            target_audience=self.audience.text(),
            rules_text=self.rules.toPlainText(),
            member_cap=self.member_cap.value(),
            scan_cap=self.scan_cap.value(),
            tags=split_tags(self.tags.text()),
            created_on=self.created_on.date().toPython(),
            owner_member_id=self.owner.owner.id if self.owner.owner else None,
            qr_valid_days=self.qr_valid_days.value() or None,
        )

    def save(self) -> None:
        if self.owner.unresolved:
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                self.tr("请选择群主"),
                self.tr("请从下拉列表中选择群主，或清空群主一栏。"),
                QMessageBox.StandardButton.Ok,
                self,
            )
            box.setObjectName("community_owner_unresolved")
            box.exec()
            return
        fields, community_id, admin_ids = self.fields(), self.community_id, self.admin_ids()

        def work(_progress, _cancelled) -> int:
            with self.database.session(write=True) as session:
                if community_id is None:
                    return create_community(session, fields)
                update_community(session, community_id, fields)
                if admin_ids is not None:
                    set_admins(session, community_id, admin_ids)
                return community_id

        self.buttons.setEnabled(False)

        def saved(new_id: int) -> None:
            self.saved_id = new_id
            self.accept()

        def refused(error: Exception) -> None:
            self.buttons.setEnabled(True)
            show_error(self, error)

        run_task(
            self,
            work,
            label=self.tr("正在保存…"),
            on_success=saved,
            on_failure=refused,
            cancellable=False,
        )


def _validity_hint(limits: Limits | None) -> str:
    """What 按平台默认 means with the settings in force."""

    def days(platform: str, default: int | None) -> str:
        value = limits.qr_valid_days.get(platform) if limits else default
        if value is None:
            return QCoreApplication.translate("CommunityDialog", "不过期")
        return units.days(value)

    return QCoreApplication.translate(
        "CommunityDialog", "平台默认：微信群 {wechat}，企业微信群 {wecom}"
    ).format(wechat=days("wechat", 7), wecom=days("wecom", None))
