"""The search box and filters above the members table; emits the MemberFilter they describe."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from core.members.query import FilterChoices, MemberFilter
from ui.common.flow_layout import flow_row
from ui.common.i18n import shown_name
from ui.common.labels import role_labels
from ui.common.sorting import sorted_by_name
from ui.common.widgets import push_button
from ui.members.scope import MemberScope

SEARCH_DELAY_MS = 150  # wait for a pause in typing before querying

# (label, active_within_days, inactive_for_days)
ACTIVITY_CHOICES = [
    (QT_TRANSLATE_NOOP("MemberFilterBar", "活跃：不限"), None, None),
    (QT_TRANSLATE_NOOP("MemberFilterBar", "近 7 天活跃"), 7, None),
    (QT_TRANSLATE_NOOP("MemberFilterBar", "近 30 天活跃"), 30, None),
    (QT_TRANSLATE_NOOP("MemberFilterBar", "14 天未活跃"), None, 14),
    (QT_TRANSLATE_NOOP("MemberFilterBar", "30 天未活跃"), None, 30),
    (QT_TRANSLATE_NOOP("MemberFilterBar", "90 天未活跃"), None, 90),
]


class MemberFilterBar(QWidget):
    filter_changed = Signal(object)  # MemberFilter
    unpinned = Signal()  # the pinned list (another tab's "these members") was cleared

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("members_filter_bar")
        self._sort = ("nickname", False)

        self.search = QLineEdit()
        self.search.setObjectName("members_search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(
            self.tr("搜索昵称、备注、群昵称、微信号、拼音或首字母（zxf）、手机尾号")
        )
        self.count_label = QLabel()
        self.count_label.setObjectName("members_count")
        self.count_label.setProperty("muted", True)

        self.community = self._combo("members_filter_community", self.tr("社群：全部"))
        self.tag = self._combo("members_filter_tag", self.tr("标签：全部"))
        self.role = self._combo("members_filter_role", self.tr("角色：全部"))
        for role, name in role_labels().items():
            self.role.addItem(name, role)
        self.level = self._combo("members_filter_level", self.tr("等级：全部"))
        self.activity = QComboBox()
        self.activity.setObjectName("members_filter_activity")
        for label, within, inactive in ACTIVITY_CHOICES:
            self.activity.addItem(
                QCoreApplication.translate("MemberFilterBar", label), (within, inactive)
            )
        self.phone = self._combo("members_filter_phone", self.tr("手机号：不限"))
        self.phone.addItem(self.tr("有手机号"), True)
        self.phone.addItem(self.tr("无手机号"), False)

        self.joined_enabled = QCheckBox(self.tr("入群日期"))
        self.joined_enabled.setObjectName("members_filter_joined_enabled")
        self.joined_from = self._date_edit("members_filter_joined_from", -90)
        self.joined_to = self._date_edit("members_filter_joined_to", 0)
        self.include_team = QCheckBox(self.tr("含团队成员"))
        self.include_team.setObjectName("members_filter_include_team")
        self.include_team.setChecked(True)
        self.clear_button = push_button("members_filter_clear", self.tr("清除筛选"), self.clear)

        # "These members", sent from another tab (a dashboard figure): its name, click to drop.
        self.pinned = push_button("members_filter_pinned", "", self.clear)
        self.pinned.setProperty("primary", True)
        self.pinned.setToolTip(self.tr("只显示这些成员；点一下显示全部"))
        self.pinned.hide()

        self.scope: MemberScope | None = None  # 分群, when the window plugs it in
        self._top = top = QHBoxLayout()
        top.addWidget(self.pinned)
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
        top.addWidget(self.clear_button)  # on the search's line: the filters fit on one more
        # The date range stays on one line when the filters wrap.
        joined = QWidget()
        joined_layout = QHBoxLayout(joined)
        joined_layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.joined_enabled, self.joined_from, QLabel("—"), self.joined_to):
            joined_layout.addWidget(widget)
        second = flow_row(*self._combos(), joined, self.include_team)
        second.setObjectName("members_filter_row")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(second)

        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(SEARCH_DELAY_MS)
        self._typing.timeout.connect(self._emit)
        self.search.textChanged.connect(self._typing.start)
        self.search.returnPressed.connect(self._emit)
        for combo in self._combos():
            combo.currentIndexChanged.connect(self._emit)
        for box in (self.joined_enabled, self.include_team):
            box.toggled.connect(self._emit)
        for edit in (self.joined_from, self.joined_to):
            edit.dateChanged.connect(
                lambda _date: self._emit() if self.joined_enabled.isChecked() else None
            )
        self.joined_enabled.toggled.connect(self.joined_from.setEnabled)
        self.joined_enabled.toggled.connect(self.joined_to.setEnabled)
        self.joined_from.setEnabled(False)
        self.joined_to.setEnabled(False)

    def _combos(self) -> tuple[QComboBox, ...]:
        return (
            self.community,
            self.tag,
            self.level,
            self.role,
            self.activity,
            self.phone,
        )

    def set_title(self, title: QWidget) -> None:
        """The page's title, at the start of the search's line (a line less above the table)."""
        self._top.insertWidget(0, title)
        self._top.insertSpacing(1, 8)

    def set_scope(self, scope: MemberScope) -> None:
        """Put a narrowing computed by another feature (分群) beside the search box."""
        self.scope = scope
        self._top.insertWidget(self._top.indexOf(self.search) + 1, scope.filter_widget())
        scope.changed.connect(self._emit)

    def _combo(self, name: str, everything: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.addItem(everything, None)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        return combo

    def _date_edit(self, name: str, days_from_today: int) -> QDateEdit:
        edit = QDateEdit(QDate.currentDate().addDays(days_from_today))
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    def set_choices(self, choices: FilterChoices) -> None:
        """Fill the community, tag and level boxes, keeping what was selected."""
        for combo, items in (
            (self.community, sorted_by_name(choices.communities, later=choices.is_archived)),
            (self.tag, sorted_by_name(choices.tags)),
            (self.level, [(key, shown_name(name)) for key, name in choices.levels]),  # ladder order
        ):
            selected = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for item_id, name in items:
                combo.addItem(name, item_id)
            index = combo.findData(selected)
            combo.setCurrentIndex(index if index >= 0 else 0)
            combo.blockSignals(False)

    def set_sort(self, key: str, descending: bool) -> None:
        self._sort = (key, descending)
        self._emit()

    def set_count(self, shown: int) -> None:
        self.count_label.setText(self.tr("%Ln 人", "", shown))

    def set_count_pending(self, at_least: int) -> None:
        self.count_label.setText(self.tr("{count}+ 人…").format(count=f"{at_least:,}"))

    def pin(self, label: str) -> None:
        """Show that the list is narrowed to members another tab sent, the other filters
        cleared (without querying: the tab queries once, with the members). A list pinned
        before is replaced, not cleared: no `unpinned`, which would drop the new one."""
        self._reset(unpin=False)
        self.pinned.setText(self.tr("{label} ✕").format(label=label))
        self.pinned.show()

    def clear(self) -> None:
        self._reset()
        self._emit()

    def _reset(self, *, unpin: bool = True) -> None:
        # isHidden, not isVisible: a pin is still there while the 成员 tab is not the current one.
        if not self.pinned.isHidden():
            self.pinned.hide()
            if unpin:
                self.unpinned.emit()
        widgets = (self.search, *self._combos(), self.joined_enabled, self.include_team)
        for widget in widgets:
            widget.blockSignals(True)
        self.search.clear()
        for combo in self._combos():
            combo.setCurrentIndex(0)
        self.joined_enabled.setChecked(False)
        self.joined_from.setEnabled(False)
        self.joined_to.setEnabled(False)
        self.include_team.setChecked(True)
        if self.scope is not None:
            self.scope.clear()
        for widget in widgets:
            widget.blockSignals(False)

    def current_filter(self) -> MemberFilter:
        within, inactive = self.activity.currentData()
        spec = MemberFilter(
            text=self.search.text(),
            community_id=self.community.currentData(),
            tag_id=self.tag.currentData(),
            role=self.role.currentData(),
            level=self.level.currentData(),
            active_within_days=within,
            inactive_for_days=inactive,
            has_phone=self.phone.currentData(),
            include_team=self.include_team.isChecked(),
            sort_key=self._sort[0],
            descending=self._sort[1],
        )
        if self.joined_enabled.isChecked():
            spec = replace(
                spec,
                joined_from=self.joined_from.date().toPython(),
                joined_to=self.joined_to.date().toPython(),
            )
        return spec

    def _emit(self) -> None:
        self._typing.stop()
        self.filter_changed.emit(self.current_filter())
