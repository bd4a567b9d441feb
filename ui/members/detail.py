"""The member detail panel: every field editable in place, memberships with their join/leave
history, tags, recent activity, and undo of the last edit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.common.database import Database
from core.members.editing import MemberDetail, member_detail, set_member_tags, update_member
from ui.common.empty_state import EmptyState
from ui.common.flow_layout import flow_row
from ui.common.labels import role_name
from ui.common.tasks import TaskGroup
from ui.common.wheel import scroll_safe
from ui.common.widgets import hint_label, page_title, push_button, section_title, select_data
from ui.members.section import MemberSection

NO_BIRTHDAY = QDate(1900, 1, 1)
# The member fields edited in a one-line box, in the form's order.
LINE_FIELDS = (
    "nickname",
    "remark",
    "wechat_id",
    "phone",
    "external_userid",
    "city",
    "source_channel",
)


def _date_text(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def _tags_from_text(text: str) -> list[str]:
    for separator in "，,;；、":
        text = text.replace(separator, " ")
    return text.split()


EMPTY_TEXT_WIDTH = 260  # the panel is a third of a laptop screen


class MemberDetailPanel(QWidget):
    """Shows one member; `member_changed(id)` after a saved edit or an undo.

    Other features add sections about the member (`add_section`: the levels of tiers); the
    window composes them, so members need not know those features.
    """

    member_changed = Signal(int)

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("member_detail")
        self._database = database
        # A 行为 kind's name: ui/activity names them, which members may not import; the tab
        # hands the window's choice in (MembersTabExtras).
        self.activity_name: Callable[[str], str] = str
        self.sections: list[MemberSection] = []
        self.member_id: int | None = None
        self.detail: MemberDetail | None = None
        self._undo: tuple[int, dict[str, Any], list[str] | None] | None = None
        self.tasks = TaskGroup(self)

        self.title = page_title("member_detail_title", "")
        self.title.setWordWrap(True)
        # Shown instead of everything else while nobody is selected: what to do to see one.
        self.empty = EmptyState(
            "member_detail_empty",
            "mouse-pointer-click",
            self.tr("选择一位成员查看详情"),
            self.tr(
                "在左边的名单里点一位成员，这里就显示他的资料、所在社群和最近行为，可以直接修改。"
                "按住 Ctrl 或 Shift 多选，可以一起加标签、加入社群或生成海报。"
            ),
            text_width=EMPTY_TEXT_WIDTH,
        )
        self.subtitle = hint_label()

        self.inputs: dict[str, QWidget] = {name: QLineEdit() for name in LINE_FIELDS}
        gender = QComboBox()
        for code, name in (("", self.tr("未知")), ("m", self.tr("男")), ("f", self.tr("女"))):
            gender.addItem(name, code)
        birthday = QDateEdit()
        birthday.setCalendarPopup(True)
        birthday.setDisplayFormat("yyyy-MM-dd")
        birthday.setMinimumDate(NO_BIRTHDAY)
        birthday.setSpecialValueText(self.tr("未填写"))
        notes = QPlainTextEdit()
        notes.setFixedHeight(64)
        self.inputs.update(
            {
                "gender": gender,
                "birthday": birthday,
                "notes": notes,
                "is_team": QCheckBox(self.tr("团队成员")),
            }
        )
        # A short label: the panel is narrow; what it means is in the tooltip.
        self.inputs["is_team"].setToolTip(self.tr("店主、员工等团队成员不计入成员统计和分层"))
        self.tags_input = QLineEdit()
        self.tags_input.setPlaceholderText(self.tr("用逗号或空格分隔"))
        self.custom_input = QPlainTextEdit()
        self.custom_input.setFixedHeight(52)
        self.custom_input.setPlaceholderText(self.tr("每行一个，例如：会员卡号: 1024"))
        for name, widget in {
            **self.inputs,
            "tags": self.tags_input,
            "custom_fields": self.custom_input,
        }.items():
            widget.setObjectName(f"member_field_{name}")

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        labels = {
            "nickname": self.tr("昵称"),
            "remark": self.tr("备注名"),
            "wechat_id": self.tr("微信号"),
            "phone": self.tr("手机号"),
            "external_userid": self.tr("企业微信 ID"),
            "gender": self.tr("性别"),
            "birthday": self.tr("生日"),
            "city": self.tr("城市"),
            "source_channel": self.tr("来源渠道"),
            "notes": self.tr("备注"),
            "is_team": "",
        }
        for name, label in labels.items():
            form.addRow(label, self.inputs[name])
        form.addRow(self.tr("标签"), self.tags_input)
        form.addRow(self.tr("自定义字段"), self.custom_input)

        self.save_button = push_button("member_save", self.tr("保存修改"), self.save)
        self.undo_button = push_button("member_undo", self.tr("撤销上次修改"), self.undo)
        self.undo_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)

        self.memberships = self._table(
            "member_memberships",
            [
                self.tr("社群"),
                self.tr("群昵称"),
                self.tr("角色"),
                self.tr("入群"),
                self.tr("退群"),
                self.tr("入退群记录"),
            ],
        )
        self.activity = self._table(
            "member_activity", [self.tr("时间"), self.tr("行为"), self.tr("社群"), self.tr("金额")]
        )

        # Shown instead of the editor while several members are selected: what they can do
        # together (the tab hands over its bulk-action buttons, `set_bulk_actions`).
        self.selection = QWidget()
        self.selection.setObjectName("member_selection")
        self.selection_hint = hint_label(self.tr("对所选成员可以："), "member_selection_hint")
        self.selection_layout = QVBoxLayout(self.selection)
        self.selection_layout.setContentsMargins(0, 0, 0, 0)
        self.selection_layout.addWidget(self.selection_hint)
        self.selection.setVisible(False)

        # Everything below the title, hidden while no single member is selected.
        self.editor = QWidget()
        self.editor.setObjectName("member_detail_editor")
        editor_layout = QVBoxLayout(self.editor)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addLayout(form)
        editor_layout.addLayout(buttons)
        editor_layout.addWidget(section_title(self.tr("所在社群")))
        editor_layout.addWidget(self.memberships)
        self._sections_layout = QVBoxLayout()
        self._sections_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addLayout(self._sections_layout)
        editor_layout.addWidget(section_title(self.tr("最近行为")))
        editor_layout.addWidget(self.activity)
        content = QWidget()
        body = QVBoxLayout(content)
        body.addWidget(self.title)
        body.addWidget(self.subtitle)
        body.addWidget(self.selection)
        body.addWidget(self.editor)
        body.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(content)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll_safe(content)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.empty)
        self.pages.addWidget(self.scroll)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        self._set_enabled(False)

    @property
    def database(self) -> Database:
        return self._database

    @database.setter
    def database(self, database: Database) -> None:
        self._database = database
        for section in self.sections:
            section.database = database

    def add_section(self, section: MemberSection) -> None:
        """Show `section` (with its `section_title`) after the memberships."""
        self.sections.append(section)
        self._sections_layout.addWidget(section_title(section.section_title))
        self._sections_layout.addWidget(section)
        section.changed.connect(lambda: self.member_changed.emit(self.member_id))
        if self.member_id is not None:
            section.show_member(self.member_id)

    def _table(self, name: str, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setObjectName(name)
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        table.setMinimumHeight(140)
        return table

    def _set_title(self, text: str) -> None:
        self.title.setText(text)
        self.pages.setCurrentWidget(self.scroll)

    def _show_empty(self) -> None:
        self.title.clear()
        self.subtitle.clear()
        self.pages.setCurrentWidget(self.empty)

    def _set_enabled(self, enabled: bool) -> None:
        self.editor.setVisible(enabled)

    def set_bulk_actions(self, buttons: list[QPushButton]) -> None:
        """The buttons shown while several members are selected (they act on the selection)."""
        self.selection_layout.addWidget(flow_row(*buttons))

    def show_selection(self, count: int) -> None:
        """Several members are selected: their number and what can be done with all of them."""
        self.member_id = None
        self.detail = None
        self._set_title(self.tr("已选择 {n} 人").format(n=f"{count:,}"))
        self.subtitle.setText(self.tr("按住 Ctrl 点击可增减，Shift 点击可选一段"))
        self._set_enabled(False)
        self.selection.setVisible(True)

    # ----- loading -------------------------------------------------------------------------

    def show_member(self, member_id: int | None) -> None:
        self.member_id = member_id
        self.selection.setVisible(False)
        if member_id is None:
            self.detail = None
            self._show_empty()
            self._set_enabled(False)
            return
        for section in self.sections:
            section.show_member(member_id)
        self.tasks.read(lambda session: member_detail(session, member_id), self._show)

    def _show(self, detail: MemberDetail) -> None:
        if detail.id != self.member_id:
            return  # the user has moved on to another member
        self.detail = detail
        fields = detail.fields
        self._set_title(fields["nickname"])
        since = detail.created_at.strftime("%Y-%m-%d")
        parts = [self.tr("建档于 {date}").format(date=since)]
        if detail.inviter:
            parts.append(self.tr("邀请人：{name}").format(name=detail.inviter))
        parts.append(
            self.tr("最近活跃：{date}").format(
                date=_date_text(detail.last_active_at) or self.tr("从未")
            )
        )
        self.subtitle.setText(" · ".join(parts))
        for name in LINE_FIELDS:
            self.inputs[name].setText(fields[name] or "")
        gender = self.inputs["gender"]
        select_data(gender, fields["gender"])
        birthday = fields["birthday"]
        self.inputs["birthday"].setDate(QDate(birthday) if birthday else NO_BIRTHDAY)
        self.inputs["notes"].setPlainText(fields["notes"])
        self.inputs["is_team"].setChecked(fields["is_team"])
        self.tags_input.setText("，".join(detail.tags))
        self.custom_input.setPlainText(
            "\n".join(f"{key}: {value}" for key, value in (fields["custom_fields"] or {}).items())
        )
        self._fill_memberships(detail)
        self._fill_activity(detail)
        self._set_enabled(True)

    def _fill_memberships(self, detail: MemberDetail) -> None:
        self.memberships.setRowCount(len(detail.memberships))
        for row, membership in enumerate(detail.memberships):
            history = "；".join(
                f"{self.tr('入群') if kind == 'join' else self.tr('退群')} {_date_text(when)}"
                for kind, when in membership.events
            )
            values = [
                membership.community_name,
                membership.group_nickname,
                role_name(membership.role),
                _date_text(membership.joined_at),
                _date_text(membership.left_at),
                history,
            ]
            for column, value in enumerate(values):
                self.memberships.setItem(row, column, QTableWidgetItem(value))

    def _fill_activity(self, detail: MemberDetail) -> None:
        self.activity.setRowCount(len(detail.recent_activity))
        for row, (when, kind, community, amount) in enumerate(detail.recent_activity):
            name = self.activity_name(kind)
            values = [_date_text(when), name, community, f"¥{amount / 100:.2f}" if amount else ""]
            for column, value in enumerate(values):
                self.activity.setItem(row, column, QTableWidgetItem(value))

    # ----- editing -------------------------------------------------------------------------

    def edited_fields(self) -> dict[str, Any]:
        values: dict[str, Any] = {name: self.inputs[name].text() for name in LINE_FIELDS}
        values["gender"] = self.inputs["gender"].currentData()
        birthday = self.inputs["birthday"].date()
        values["birthday"] = None if birthday == NO_BIRTHDAY else birthday.toPython()
        values["notes"] = self.inputs["notes"].toPlainText()
        values["is_team"] = self.inputs["is_team"].isChecked()
        custom = {}
        for line in self.custom_input.toPlainText().splitlines():
            key, _, value = line.replace("：", ":").partition(":")
            if key.strip():
                custom[key.strip()] = value.strip()
        values["custom_fields"] = custom
        return values

    def save(self) -> None:
        if self.detail is None:
            return
        member_id, changes = self.detail.id, self.edited_fields()
        tags = _tags_from_text(self.tags_input.text())
        tags_changed = sorted(set(tags)) != sorted(self.detail.tags)

        def work(session):
            previous = update_member(session, member_id, changes)
            previous_tags = set_member_tags(session, member_id, tags) if tags_changed else None
            return previous, previous_tags

        # The tab announces the change when it hears `member_changed`.
        self.tasks.write(
            work,
            label=self.tr("正在保存…"),
            changes=frozenset(),
            then=lambda result: self._saved(member_id, *result),
        )

    def _saved(self, member_id: int, previous: dict[str, Any], previous_tags) -> None:
        if previous or previous_tags is not None:
            self._undo = (member_id, previous, previous_tags)
            self.undo_button.setEnabled(True)
        self.member_changed.emit(member_id)
        self.show_member(member_id)

    def undo(self) -> None:
        if self._undo is None:
            return
        member_id, previous, previous_tags = self._undo

        def work(session) -> None:
            update_member(session, member_id, previous)
            if previous_tags is not None:
                set_member_tags(session, member_id, previous_tags)

        def done(_result) -> None:
            self._undo = None
            self.undo_button.setEnabled(False)
            self.member_changed.emit(member_id)
            if self.member_id == member_id:
                self.show_member(member_id)

        self.tasks.write(work, label=self.tr("正在撤销…"), changes=frozenset(), then=done)
