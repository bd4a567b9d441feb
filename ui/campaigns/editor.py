"""The campaign record editor: what the campaign is (name, type, goal, groups, dates, owner,
budget), its type's own settings (a form generated from core/campaigns/settings.py) and its
copy (poster text, rules, the H5 page in seed 003's three parts).

The settings are checked by their own class before anything is sent (the error is shown here,
inline); the write itself goes through core (create_campaign / update_campaign), whose refusal
is shown here too, and the dialog stays open with what was typed.
"""

from __future__ import annotations

from datetime import datetime, time

from PySide6.QtCore import QCoreApplication, QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.campaigns.records import GOAL_LABELS, KIND_LABELS, CampaignFields
from ui.campaigns.settings_form import SettingsForm
from ui.common.errors import refusal_line
from ui.common.i18n import shown
from ui.common.screen_fit import fit_to_screen, scrolling
from ui.common.widgets import choice, hint_label, ok_cancel_buttons, warning_label

# What a new campaign of each type starts with, so that OK works at once and the owner
# changes figures rather than building lists.
STARTERS: dict[str, dict] = {
    "invite_code": {"inviter": {"points": 50}, "invitee": {"points": 20}},
    "poster": {"inviter": {"points": 50}, "invitee": {"points": 20}},
    "gift": {"inviter": {"points": 20}, "invitee": {"points": 20}},
    "task_ladder": {
        "stages": [
            {"invites": 3, "gift": {"points": 30}},
            {"invites": 6, "gift": {"points": 80}},
            {"invites": 10, "gift": {"points": 150}},
        ]
    },
    "group_buy": {"member_gift": {"points": 20}, "leader_gift": {"points": 50}},
    "help": {"gift": {"points": 100}},
    "bargain": {
        "prizes": [{"key": "item", "name": "砍价商品", "kind": "physical", "cost_cents": 3000}],
        "prize": "item",
    },
    "coupon": {},
    "ranking": {"prizes_by_rank": [{"points": 500}, {"points": 300}, {"points": 100}]},
    "swap": {},
    "lottery": {
        "entries": [
            {"name": "一等奖", "gift": {"points": 500}, "weight": 1, "stock": 5},
            {"name": "二等奖", "gift": {"points": 100}, "weight": 10, "stock": 50},
        ],
        "miss_weight": 50,
    },
}
MONEY_MAX = 1_000_000_000  # yuan; db.bounds caps the fen


class CampaignEditor(QDialog):
    """New (`fields` None) or edit (`fields` from core.campaigns.records.read_fields; `running`:
    the campaign has started, so its type stays)."""

    submitted = Signal(object)  # the CampaignFields for create_campaign / update_campaign

    def __init__(
        self,
        communities: list[tuple[int, str]],
        fields: CampaignFields | None = None,
        *,
        running: bool = False,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("campaign_editor")
        self.setWindowTitle(self.tr("新建活动") if fields is None else self.tr("编辑活动"))
        self.fields = fields or CampaignFields(name="")
        self.busy = False
        self.forms: dict[str, SettingsForm] = {}

        self.sections = QTabWidget()
        self.sections.setObjectName("campaign_editor_sections")
        self.sections.setDocumentMode(True)
        self.sections.addTab(self._record_page(communities, running), self.tr("活动信息"))
        self.settings_stack = QStackedWidget()
        self.settings_stack.setObjectName("campaign_settings_stack")
        self.sections.addTab(
            scrolling(self.settings_stack, "campaign_settings_scroll"), self.tr("奖励与规则")
        )
        self.sections.addTab(self._copy_page(), self.tr("文案"))

        self.error = warning_label("campaign_editor_error")
        self.error.hide()
        self.buttons = ok_cancel_buttons(self, "campaign_editor_buttons")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName("campaign_editor_ok")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(self.sections, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self._kind_changed()
        fit_to_screen(self, 860, 720)

    # ----- pages ---------------------------------------------------------------------------

    def _record_page(self, communities: list[tuple[int, str]], running: bool) -> QWidget:
        f = self.fields
        page, form = _form_page()
        form.setVerticalSpacing(10)
        self.name = QLineEdit(f.name)
        self.name.setObjectName("campaign_name")
        self.name.setMaxLength(100)
        self.name.setPlaceholderText(self.tr("例如：五月读书会任务宝"))
        form.addRow(self.tr("活动名称"), self.name)

        self.kind = choice(
            "campaign_kind",
            [(shown(label), key) for key, label in KIND_LABELS.items()],
            f.kind,
        )
        self.kind.setEnabled(not running)  # a running campaign keeps its type
        self.kind_hint = hint_label(name="campaign_kind_hint")
        kind_box = QVBoxLayout()
        kind_box.setSpacing(4)
        kind_box.addWidget(self.kind)
        kind_box.addWidget(self.kind_hint)
        form.addRow(self.tr("活动类型"), kind_box)

        self.goal_kind = QComboBox()
        self.goal_kind.setObjectName("campaign_goal_kind")
        for key, label in GOAL_LABELS.items():
            self.goal_kind.addItem(shown(label), key)
        self.goal_kind.setCurrentIndex(max(0, self.goal_kind.findData(f.goal_kind)))
        self.goal_target = QSpinBox()
        self.goal_target.setObjectName("campaign_goal_target")
        self.goal_target.setRange(0, MONEY_MAX)
        self.goal_target.setSpecialValueText(self.tr("未设定"))
        target = f.goal_target or 0
        if f.goal_kind == "sales":
            target //= 100
        self.goal_target.setValue(target)
        self.goal_kind.currentIndexChanged.connect(lambda _i: self._goal_unit())
        self._goal_unit()
        goal = QHBoxLayout()
        goal.addWidget(self.goal_kind)
        goal.addWidget(self.goal_target)
        goal.addStretch(1)
        form.addRow(self.tr("目标"), goal)

        self.communities = QListWidget()
        self.communities.setObjectName("campaign_communities")
        self.communities.setMaximumHeight(110)
        chosen = set(f.community_ids)
        for community_id, name in communities:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, community_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if community_id in chosen else Qt.CheckState.Unchecked
            )
            self.communities.addItem(item)
        form.addRow(self.tr("目标社群"), self.communities)

        self.has_dates = QCheckBox(self.tr("设定起止日期"))
        self.has_dates.setObjectName("campaign_has_dates")
        today = QDate.currentDate()
        self.starts = self._date("campaign_starts", f.starts_at, today)
        self.ends = self._date("campaign_ends", f.ends_at, today.addDays(14))
        self.has_dates.setChecked(bool(f.starts_at or f.ends_at))
        self.has_dates.toggled.connect(self._dates_toggled)
        self._dates_toggled(self.has_dates.isChecked())
        dates = QHBoxLayout()
        dates.addWidget(self.has_dates)
        dates.addWidget(self.starts)
        dates.addWidget(QLabel("—"))
        dates.addWidget(self.ends)
        dates.addStretch(1)
        form.addRow(self.tr("起止"), dates)

        self.budgets = {}
        budget = QHBoxLayout()
        for key, caption in (
            ("budget_total_cents", self.tr("总预算")),
            ("budget_per_day_cents", self.tr("每日")),
            ("budget_per_member_cents", self.tr("每人")),
        ):
            spin = QDoubleSpinBox()
            spin.setObjectName(f"campaign_{key}")
            spin.setDecimals(2)
            spin.setRange(-1, MONEY_MAX)
            spin.setPrefix("¥ ")
            spin.setSpecialValueText(self.tr("不设"))
            cents = getattr(f, key)
            spin.setValue(-1 if cents is None else cents / 100)
            self.budgets[key] = spin
            label = QLabel(caption)
            label.setProperty("muted", True)
            budget.addSpacing(8 if budget.count() else 0)
            budget.addWidget(label)
            budget.addWidget(spin)
        budget.addStretch(1)
        form.addRow(self.tr("预算"), budget)

        self.owner = QLineEdit(f.owner or "")
        self.owner.setObjectName("campaign_owner")
        self.owner.setMaxLength(100)
        self.owner.setPlaceholderText(self.tr("负责人"))
        form.addRow(self.tr("负责人"), self.owner)
        return page

    def _copy_page(self) -> QWidget:
        copy = self.fields.copy or {}
        page, form = _form_page()
        self.copy: dict[str, QPlainTextEdit] = {}
        hints = {
            "poster": self.tr("海报上的文字：主题、利益点、怎么参加"),
            "rules": self.tr("活动规则：时间、奖励、名额、违规处理"),
            "h5_top": self.tr("首屏：活动主题和利益点，尽早引导用户行动"),
            "h5_middle": self.tr("打消顾虑：权威认证、资质、专家说明、用户评价"),
            "h5_bottom": self.tr("行动号召：怎么参加、截止时间，再给一次入口"),
        }
        captions = {
            "poster": self.tr("海报文案"),
            "rules": self.tr("活动规则"),
            "h5_top": self.tr("H5 上段"),
            "h5_middle": self.tr("H5 中段"),
            "h5_bottom": self.tr("H5 下段"),
        }
        for key, caption in captions.items():
            edit = QPlainTextEdit(str(copy.get(key) or ""))
            edit.setObjectName(f"campaign_copy_{key}")
            edit.setPlaceholderText(hints[key])
            edit.setFixedHeight(72)
            self.copy[key] = edit
            form.addRow(caption, edit)
        note = QLabel(
            self.tr("文案会经过合规检查：「集赞」「转发才能领取」等诱导分享会在概况的清单里标出。")
        )
        note.setProperty("muted", True)
        note.setWordWrap(True)
        form.addRow("", note)
        return page

    def _date(self, name: str, value: datetime | None, fallback: QDate) -> QDateEdit:
        edit = QDateEdit(QDate(value.date()) if value else fallback)
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    # ----- behaviour ------------------------------------------------------------------------

    def kind_key(self) -> str:
        return self.kind.currentData()

    def _kind_changed(self) -> None:
        key = self.kind_key()
        self.kind_hint.setText(kind_hint(key))
        form = self.forms.get(key)
        if form is None:
            form = SettingsForm(key)
            if key == self.fields.kind and self.fields.settings:
                form.set_values(self.fields.settings)
            else:
                form.set_values(STARTERS.get(key, {}))
            self.forms[key] = form
            self.settings_stack.addWidget(form)
        self.settings_stack.setCurrentWidget(form)

    def settings_form(self) -> SettingsForm:
        return self.forms[self.kind_key()]

    def _goal_unit(self) -> None:
        units = {"new_members": self.tr(" 人"), "sales": self.tr(" 元"), "checkins": self.tr(" 次")}
        self.goal_target.setSuffix(units.get(self.goal_kind.currentData(), ""))

    def _dates_toggled(self, on: bool) -> None:
        self.starts.setEnabled(on)
        self.ends.setEnabled(on)

    def values(self) -> CampaignFields:
        target = self.goal_target.value() or None
        if target is not None and self.goal_kind.currentData() == "sales":
            target *= 100
        starts = ends = None
        if self.has_dates.isChecked():
            starts = datetime.combine(self.starts.date().toPython(), time(0, 0))
            ends = datetime.combine(self.ends.date().toPython(), time(23, 59, 59))
        budgets = {
            key: None if spin.value() < 0 else round(spin.value() * 100)
            for key, spin in self.budgets.items()
        }
        communities = [
            self.communities.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.communities.count())
            if self.communities.item(row).checkState() == Qt.CheckState.Checked
        ]
        return CampaignFields(
            name=self.name.text(),
            kind=self.kind_key(),
            goal_kind=self.goal_kind.currentData(),
            goal_target=target,
            starts_at=starts,
            ends_at=ends,
            **budgets,
            community_ids=tuple(communities),
            owner=self.owner.text().strip(),
            settings=self.settings_form().values(),
            copy={key: edit.toPlainText().strip() for key, edit in self.copy.items()},
        )

    def settings_problem(self, values: CampaignFields) -> str | None:
        """What the type's settings class refuses in what was typed (None: nothing)."""
        from core.campaigns.settings import parse
        from core.common.errors import UserError

        try:
            parse(values.kind, values.settings)
        except UserError as error:
            return shown(error.message)
        return None

    def accept(self) -> None:
        if self.busy:
            return
        values = self.values()
        if not " ".join(values.name.split()):
            self.sections.setCurrentIndex(0)
            self.show_error(self.tr("请填写活动名称"))
            self.name.setFocus()
            return
        problem = self.settings_problem(values)
        if problem is not None:
            self.sections.setCurrentIndex(1)  # where the setting is
            self.show_error(problem)
            return
        self.error.hide()
        self.busy = True
        self.buttons.setEnabled(False)
        self.submitted.emit(values)

    def reject(self) -> None:
        if not self.busy:
            super().reject()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def done_ok(self) -> None:
        self.busy = False
        super().accept()

    def refused(self, error: BaseException) -> None:
        self.busy = False
        self.buttons.setEnabled(True)
        line = refusal_line(self, error)
        if line is not None:
            self.show_error(line)


def _form_page() -> tuple[QWidget, QFormLayout]:
    """A page holding a form at its top (a wrapped hint must not spread the rows apart)."""
    page = QWidget()
    outer = QVBoxLayout(page)
    outer.setContentsMargins(4, 12, 4, 4)
    form = QFormLayout()
    form.setVerticalSpacing(10)
    outer.addLayout(form)
    outer.addStretch(1)
    return page, form


def kind_hint(kind: str) -> str:
    """One line on what a campaign of this type is."""
    hints = {
        "invite_code": QCoreApplication.translate(
            "CampaignEditor", "每邀请一位新成员，邀请人和被邀请人各得奖励（双向奖励）。"
        ),
        "task_ladder": QCoreApplication.translate(
            "CampaignEditor", "邀请满 3 / 6 / 10 人等阶梯各领一次奖，每位参与者看到「还差 N 人」。"
        ),
        "poster": QCoreApplication.translate(
            "CampaignEditor", "每位参与者拿到带自己邀请码和二维码的个人海报，按邀请成功发奖。"
        ),
        "group_buy": QCoreApplication.translate(
            "CampaignEditor", "拼：团长开团，N 人在规定时间内成团，全团得奖，超时作废。"
        ),
        "help": QCoreApplication.translate(
            "CampaignEditor", "帮：N 位好友助力即可解锁奖励，每人在本活动只能助力一次。"
        ),
        "gift": QCoreApplication.translate(
            "CampaignEditor", "送：邀请好友入群（或购买），双方都得礼品或优惠券。"
        ),
        "bargain": QCoreApplication.translate(
            "CampaignEditor", "砍：每位好友砍一刀，价格逐刀递减，直到底价。"
        ),
        "coupon": QCoreApplication.translate(
            "CampaignEditor", "券：从券码池给参与者和被邀请人发券，并记录核销。"
        ),
        "ranking": QCoreApplication.translate(
            "CampaignEditor", "比：按邀请成功人数排名，同数先到者在前，前 N 名得奖。"
        ),
        "swap": QCoreApplication.translate(
            "CampaignEditor", "换：成员发布闲置和需求，同类自动配对，换成后双方可得奖励。"
        ),
        "lottery": QCoreApplication.translate(
            "CampaignEditor", "按权重抽奖，奖品有库存、每人有上限，随机种子留档可复核。"
        ),
    }
    return hints.get(kind, "")
