"""The ledger tab's small forms: award / deduct, redeem, 补签, an earn rule, a reward.

Each dialog only collects values; the tab writes them through core.ledger, so a refusal
(overdraft, bad numbers) comes back as a UserError shown over the dialog's parent. The redeem
form stays open while its write runs and shows a refusal itself, so the note typed is kept.
Number boxes stop at the bounds the database enforces (core.ledger.limits), so a typed
10000000 can't get further.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QGuiApplication, QPixmap
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
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.common.errors import UserError
from core.ledger.catalogue import RedeemChoices, RewardRow, RewardSpec, read_reward_image_file
from core.ledger.limits import (
    MAX_BALANCE_POINTS,
    MAX_ENTRY_POINTS,
    MAX_EXPIRY_DAYS,
    MAX_MONEY_CENTS,
    MAX_PENDING_DAYS,
    MAX_PER_MEMBER_LIMIT,
    MAX_STOCK,
    MAX_STREAK_DAYS,
)
from core.ledger.rules import ACTION_NAMES, RuleSpec
from ui.common.errors import refusal_line, show_error
from ui.common.file_drop import choose_picture
from ui.common.i18n import shown, shown_name, typed_name
from ui.common.units import units
from ui.common.widgets import (
    counted_suffix,
    hint_label,
    ok_cancel_buttons,
    push_button,
    warning_label,
    wrapping_label,
)


class _Form(QDialog):
    """A titled form with OK/Cancel; subclasses add rows to `self.form`."""

    def __init__(self, object_name: str, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.form = QFormLayout()
        self.form.setHorizontalSpacing(16)
        self.form.setVerticalSpacing(10)
        self.buttons = ok_cancel_buttons(self, f"{object_name}_buttons")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)


def _spin(
    object_name: str, low: int, high: int, value: int, unit: Callable[[int], str] | None = None
) -> QSpinBox:
    """`unit(n)` is a tr("%n 天", "", n): the unit after the number, "1 day" / "2 days"."""
    spin = QSpinBox()
    spin.setObjectName(object_name)
    spin.setRange(low, high)
    spin.setValue(value)
    if unit is not None:
        counted_suffix(spin, unit)
    return spin


class PointsDialog(_Form):
    """发放积分 or 扣减积分 for one member."""

    def __init__(self, member_name: str, *, deduct: bool, parent: QWidget | None = None) -> None:
        title = self.tr("扣减积分") if deduct else self.tr("发放积分")
        super().__init__("ledger_points_dialog", title, parent)
        self.deduct = deduct
        self.form.addRow(self.tr("成员"), QLabel(member_name))
        self.points = _spin("ledger_points_value", 1, MAX_ENTRY_POINTS, 10, units.points)
        self.form.addRow(self.tr("积分"), self.points)
        self.reason = QLineEdit()
        self.reason.setObjectName("ledger_points_reason")
        self.reason.setPlaceholderText(
            self.tr("例如：违规扣分、补偿") if deduct else self.tr("例如：活动奖励、晒单有礼")
        )
        self.form.addRow(self.tr("原因"), self.reason)
        self.qualifying = QCheckBox(self.tr("计入等级积分"))
        self.qualifying.setObjectName("ledger_points_qualifying")
        self.expiry = _spin("ledger_points_expiry", 0, MAX_EXPIRY_DAYS, 365, units.days)
        self.expiry.setSpecialValueText(self.tr("永不过期"))
        if not deduct:
            self.form.addRow("", self.qualifying)
            self.form.addRow(self.tr("有效期"), self.expiry)

    def values(self) -> tuple[int, str, bool, int | None]:
        expiry = self.expiry.value() or None
        return self.points.value(), self.reason.text(), self.qualifying.isChecked(), expiry


class RedeemDialog(_Form):
    """兑换: every active reward is listed with its price; those the member can't have now
    (short of points, sold out, out of its dates, limit reached) are greyed with the reason.

    OK does not close the form: it emits `submitted(reward_id, note)` and the tab writes.
    The tab then calls `accept()` on success or `refused(error)`, which keeps the form open
    with the reason shown above the buttons and the note as typed.
    """

    submitted = Signal(int, str)

    def __init__(self, member_name: str, choices: RedeemChoices, parent=None) -> None:
        super().__init__("ledger_redeem_dialog", self.tr("兑换奖品"), parent)
        self.form.addRow(self.tr("成员"), QLabel(member_name))
        self.form.addRow(self.tr("可用积分"), QLabel(str(choices.available)))
        self.reward = QComboBox()
        self.reward.setObjectName("ledger_redeem_reward")
        model = self.reward.model()
        first_open = None
        for row, why_not in choices.rewards:
            left = self.tr("不限") if row.left is None else str(row.left)
            text = self.tr("{name}（%n 分，剩 {left}）", "", row.points_cost).format(
                name=row.name, left=left
            )
            if why_not:
                text = self.tr("{reward} — {why}").format(reward=text, why=shown(why_not))
            self.reward.addItem(text, row.id)
            if why_not:
                model.item(self.reward.count() - 1).setEnabled(False)
            elif first_open is None:
                first_open = self.reward.count() - 1
        self.reward.setCurrentIndex(-1 if first_open is None else first_open)
        self.reward.currentIndexChanged.connect(lambda _i: self._update_ok())
        self.form.addRow(self.tr("奖品"), self.reward)
        self.note = QLineEdit()
        self.note.setObjectName("ledger_redeem_note")
        self.note.setPlaceholderText(self.tr("收货地址、尺码等（可不填）"))
        self.form.addRow(self.tr("备注"), self.note)
        self.message = warning_label("ledger_redeem_message")
        self.message.setVisible(first_open is None)
        if first_open is None:
            self.message.setText(self.tr("该成员现在没有可兑换的奖品"))
        self.form.addRow("", self.message)
        self.busy = False
        self._update_ok()

    def reward_id(self) -> int | None:
        return self.reward.currentData()

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not self.busy and self.reward_id() is not None)
        # Closing mid-write would hide its outcome: the code, or why it was refused.
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(not self.busy)

    def accept(self) -> None:
        if self.busy or self.reward_id() is None:
            return
        self.busy = True
        self._update_ok()
        self.message.hide()
        self.submitted.emit(self.reward_id(), self.note.text())

    def reject(self) -> None:
        if not self.busy:  # Esc too
            super().reject()

    def done_ok(self) -> None:
        """The write went through: close as accepted."""
        self.busy = False
        super().accept()

    def refused(self, error: BaseException) -> None:
        """The write failed: a refusal is shown here and the form stays as it was; a bug
        gets the error dialog over the form."""
        self.busy = False
        self._update_ok()
        line = refusal_line(self, error)
        if line is not None:
            self.message.setText(line)
            self.message.show()


class MakeupDialog(_Form):
    """补签: the missed day (before today)."""

    def __init__(self, member_name: str, cost: int, parent=None) -> None:
        super().__init__("ledger_makeup_dialog", self.tr("补签"), parent)
        self.form.addRow(self.tr("成员"), QLabel(member_name))
        self.form.addRow(self.tr("花费"), QLabel(self.tr("%n 积分", "", cost)))
        self.day = QDateEdit(QDate.currentDate().addDays(-1))
        self.day.setObjectName("ledger_makeup_day")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.day.setMaximumDate(QDate.currentDate().addDays(-1))
        self.form.addRow(self.tr("补签日期"), self.day)

    def day_value(self) -> date:
        return self.day.date().toPython()


class RuleAwardDialog(_Form):
    """按规则发放: pick an enabled rule; its points, cap, pending days, expiry and qualifying
    flag are the rule's own (shown, not editable), an optional note goes after its name."""

    def __init__(self, member_names: list[str], rules: list, parent=None) -> None:
        super().__init__("ledger_rule_award_dialog", self.tr("按规则发放"), parent)
        names = "、".join(member_names[:5])
        if len(member_names) > 5:
            names += self.tr(" 等 {n} 人").format(n=len(member_names))
        members = wrapping_label("ledger_rule_award_members", names)
        self.form.addRow(self.tr("成员"), members)
        self.rules = rules
        self.rule = QComboBox()
        self.rule.setObjectName("ledger_rule_award_rule")
        for rule in rules:
            kind = shown(ACTION_NAMES.get(rule.action, rule.action))
            self.rule.addItem(
                self.tr("{name}（{kind}，%n 分）", "", rule.points).format(
                    name=shown_name(rule.name), kind=kind
                ),
                rule.code,
            )
        self.rule.currentIndexChanged.connect(self._show_details)
        self.form.addRow(self.tr("规则"), self.rule)
        self.details = hint_label(name="ledger_rule_award_details")
        self.form.addRow("", self.details)
        self.reason = QLineEdit()
        self.reason.setObjectName("ledger_rule_award_reason")
        self.reason.setPlaceholderText(self.tr("补充说明（可不填），写在规则名称后面"))
        self.form.addRow(self.tr("说明"), self.reason)
        self._show_details()

    def _show_details(self) -> None:
        index = self.rule.currentIndex()
        if index < 0:
            self.details.setText(self.tr("没有可发放的规则：请先在「积分规则」新建或启用。"))
            return
        rule = self.rules[index]
        parts = [self.tr("每人 %n 分", "", rule.points)]
        parts.append(
            self.tr("每日上限 %n 分（已达上限的成员不再发放）", "", rule.daily_cap)
            if rule.daily_cap is not None
            else self.tr("每日不限")
        )
        if rule.pending_days:
            parts.append(self.tr("%n 天后生效", "", rule.pending_days))
        parts.append(
            self.tr("永不过期")
            if rule.expiry_days is None
            else self.tr("有效期 %n 天", "", rule.expiry_days)
        )
        parts.append(self.tr("计入等级积分") if rule.qualifying else self.tr("不计入等级积分"))
        self.details.setText(self.tr("按规则 v{v}：").format(v=rule.version) + "，".join(parts))

    def rule_code(self) -> str | None:
        return self.rule.currentData()


class RuleDialog(_Form):
    """One earn rule: saving writes a new version (past entries keep the old one)."""

    def __init__(self, spec: RuleSpec, *, new: bool, parent=None) -> None:
        title = self.tr("新建自定义规则") if new else self.tr("修改积分规则")
        super().__init__("ledger_rule_dialog", title, parent)
        self.spec = spec
        self.form.addRow(self.tr("类型"), QLabel(shown(ACTION_NAMES.get(spec.action, spec.action))))
        self.code = QLineEdit(spec.code.removeprefix("custom:"))
        self.code.setObjectName("ledger_rule_code")
        if new:
            self.code.setPlaceholderText(self.tr("简短代码，例如 晒单"))
            self.form.addRow(self.tr("代码"), self.code)
        self.name = QLineEdit(shown_name(spec.name))
        self.name.setObjectName("ledger_rule_name")
        self.form.addRow(self.tr("名称"), self.name)
        unit = units.points_per_yuan if spec.action == "purchase" else units.points
        self.points = _spin("ledger_rule_points", 0, MAX_ENTRY_POINTS, spec.points, unit)
        self.form.addRow(
            self.tr("每次花费") if spec.action == "makeup_checkin" else self.tr("积分"),
            self.points,
        )
        self.cap = _spin(
            "ledger_rule_cap", 0, MAX_BALANCE_POINTS, spec.daily_cap or 0, units.points
        )
        self.cap.setSpecialValueText(self.tr("不限"))
        self.qualifying = QCheckBox(self.tr("计入等级积分"))
        self.qualifying.setObjectName("ledger_rule_qualifying")
        self.qualifying.setChecked(spec.qualifying)
        self.pending = _spin(
            "ledger_rule_pending", 0, MAX_PENDING_DAYS, spec.pending_days, units.days
        )
        self.pending.setSpecialValueText(self.tr("立即生效"))
        self.expiry = _spin(
            "ledger_rule_expiry", 0, MAX_EXPIRY_DAYS, spec.expiry_days or 0, units.days
        )
        self.expiry.setSpecialValueText(self.tr("永不过期"))
        self.streak = _spin(
            "ledger_rule_streak",
            2,
            MAX_STREAK_DAYS,
            int((spec.params or {}).get("days", 7)),
            units.days,
        )
        if spec.action != "makeup_checkin":
            self.form.addRow(self.tr("每日上限"), self.cap)
            self.form.addRow("", self.qualifying)
            self.form.addRow(self.tr("待生效期"), self.pending)
            self.form.addRow(self.tr("有效期"), self.expiry)
        if spec.action == "checkin_streak":
            self.form.addRow(self.tr("连续天数"), self.streak)
        self.enabled = QCheckBox(self.tr("启用"))
        self.enabled.setObjectName("ledger_rule_enabled")
        self.enabled.setChecked(spec.enabled)
        self.form.addRow("", self.enabled)
        hint = hint_label(self.tr("保存后生成新版本：已发放的积分不受影响。"))
        self.form.addRow(hint)

    def result_spec(self) -> RuleSpec:
        code = self.spec.code
        if self.spec.action == "custom" and not code.startswith("custom:"):
            code = f"custom:{self.code.text().strip()}"
        params = dict(self.spec.params or {})
        if self.spec.action == "checkin_streak":
            params["days"] = self.streak.value()
        return RuleSpec(
            code=code,
            action=self.spec.action,
            name=typed_name(self.name.text(), self.spec.name),
            points=self.points.value(),
            daily_cap=self.cap.value() or None,
            qualifying=self.qualifying.isChecked(),
            pending_days=self.pending.value(),
            expiry_days=self.expiry.value() or None,
            enabled=self.enabled.isChecked(),
            params=params,
        )


IMAGE_PREVIEW = 160  # px


def picture(data: bytes | None, size: int) -> QPixmap | None:
    """A stored reward picture scaled to fit `size` (None: none, or not decodable)."""
    if not data:
        return None
    pixmap = QPixmap()
    if not pixmap.loadFromData(data):
        return None
    return pixmap.scaled(
        size,
        size,
        Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )


class RewardDialog(_Form):
    """A reward of the catalogue: price, stock, cost, limits, dates, kind, picture."""

    def __init__(self, row: RewardRow | None, image: bytes | None = None, parent=None) -> None:
        super().__init__(
            "ledger_reward_dialog",
            self.tr("新增奖品") if row is None else self.tr("编辑奖品"),
            parent,
        )
        self.name = QLineEdit(row.name if row else "")
        self.name.setObjectName("ledger_reward_name")
        self.form.addRow(self.tr("名称"), self.name)
        self.kind = QComboBox()
        self.kind.setObjectName("ledger_reward_kind")
        self.kind.addItem(self.tr("实物"), "physical")
        self.kind.addItem(self.tr("虚拟/券"), "virtual")
        if row is not None:
            self.kind.setCurrentIndex(self.kind.findData(row.kind))
        self.form.addRow(self.tr("类型"), self.kind)
        self.points = _spin(
            "ledger_reward_points",
            1,
            MAX_ENTRY_POINTS,
            row.points_cost if row else 100,
            units.points,
        )
        self.form.addRow(self.tr("所需积分"), self.points)
        self.stock = _spin("ledger_reward_stock", -1, MAX_STOCK, -1)
        self.stock.setSpecialValueText(self.tr("不限"))
        if row is not None and row.stock is not None:
            self.stock.setValue(row.stock)
        self.form.addRow(self.tr("总库存"), self.stock)
        self.cost = QDoubleSpinBox()
        self.cost.setObjectName("ledger_reward_cost")
        self.cost.setRange(0, MAX_MONEY_CENTS // 100)
        self.cost.setDecimals(2)
        self.cost.setPrefix("¥ ")
        self.cost.setValue((row.cost_cents if row else 0) / 100)
        self.form.addRow(self.tr("成本（元）"), self.cost)
        self.limit = _spin(
            "ledger_reward_limit",
            0,
            MAX_PER_MEMBER_LIMIT,
            (row.per_member_limit or 0) if row else 0,
        )
        self.limit.setSpecialValueText(self.tr("不限"))
        self.form.addRow(self.tr("每人限兑"), self.limit)
        self.has_dates = QCheckBox(self.tr("限定兑换日期"))
        self.has_dates.setObjectName("ledger_reward_has_dates")
        self.start = QDateEdit(QDate.currentDate())
        self.end = QDateEdit(QDate.currentDate().addMonths(1))
        for edit, name in ((self.start, "ledger_reward_from"), (self.end, "ledger_reward_until")):
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        if row is not None and (row.valid_from or row.valid_until):
            self.has_dates.setChecked(True)
            if row.valid_from:
                self.start.setDate(QDate(row.valid_from))
            if row.valid_until:
                self.end.setDate(QDate(row.valid_until))
        self.has_dates.toggled.connect(self._dates_toggled)
        self._dates_toggled(self.has_dates.isChecked())
        self.form.addRow("", self.has_dates)
        self.form.addRow(self.tr("开始"), self.start)
        self.form.addRow(self.tr("截止"), self.end)
        self.active = QCheckBox(self.tr("上架"))
        self.active.setObjectName("ledger_reward_active")
        self.active.setChecked(row.active if row else True)
        self.form.addRow("", self.active)
        self.description = QPlainTextEdit(row.description if row else "")
        self.description.setObjectName("ledger_reward_description")
        self.description.setFixedHeight(64)
        self.form.addRow(self.tr("说明"), self.description)

        self.new_image: bytes | None = None  # picked in this dialog, already made safe
        self.cleared = False
        self.image = QLabel()
        self.image.setObjectName("ledger_reward_image")
        self.image.setFixedSize(IMAGE_PREVIEW, IMAGE_PREVIEW)
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setProperty("card", True)
        self.pick = push_button("ledger_reward_image_pick", self.tr("选择图片…"), self.pick_image)
        self.clear = push_button("ledger_reward_image_clear", self.tr("清除图片"), self.clear_image)
        self.image_hint = hint_label(self.tr("PNG 或 JPG，会缩小到 800 像素以内保存"))
        side = QVBoxLayout()
        side.addWidget(self.pick)
        side.addWidget(self.clear)
        side.addWidget(self.image_hint)
        side.addStretch(1)
        picture_row = QHBoxLayout()
        picture_row.addWidget(self.image)
        picture_row.addLayout(side, 1)
        self.form.addRow(self.tr("图片"), picture_row)
        self._show_image(image)

    def _show_image(self, data: bytes | None) -> None:
        pixmap = picture(data, IMAGE_PREVIEW)
        if pixmap is None:
            self.image.clear()
            self.image.setText(self.tr("无图片"))
        else:
            self.image.setPixmap(pixmap)
        self.clear.setEnabled(pixmap is not None)

    def pick_image(self) -> None:
        path = choose_picture(self, self.tr("选择奖品图片"))
        if not path:
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            data = read_reward_image_file(path)
        except UserError as error:
            QGuiApplication.restoreOverrideCursor()
            show_error(self, error)
            return
        QGuiApplication.restoreOverrideCursor()
        self.new_image, self.cleared = data, False
        self._show_image(data)

    def clear_image(self) -> None:
        self.new_image, self.cleared = None, True
        self._show_image(None)

    def _dates_toggled(self, on: bool) -> None:
        self.start.setEnabled(on)
        self.end.setEnabled(on)

    def result_spec(self) -> RewardSpec:
        dated = self.has_dates.isChecked()
        return RewardSpec(
            name=self.name.text(),
            points_cost=self.points.value(),
            stock=None if self.stock.value() < 0 else self.stock.value(),
            cost_cents=round(self.cost.value() * 100),
            per_member_limit=self.limit.value() or None,
            valid_from=self.start.date().toPython() if dated else None,
            valid_until=self.end.date().toPython() if dated else None,
            kind=self.kind.currentData(),
            description=self.description.toPlainText(),
            active=self.active.isChecked(),
            image=self.new_image,
            clear_image=self.cleared and self.new_image is None,
        )
