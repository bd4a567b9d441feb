"""成员对账单: find a member, their balance and statement (running balance), and what the
operator does for them: award, award by rule, deduct, redeem, 补签, reverse, export."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.common.operator import operator_name
from core.ledger.awards import award_rule, awardable, makeup_checkin
from core.ledger.balances import statement
from core.ledger.catalogue import redeem, redeem_choices
from core.ledger.entries import award, reverse, spend
from core.ledger.picker import choices_with_points
from core.ledger.reasons import reason_text
from ui.common.empty_state import EmptyState, EmptySwitch
from ui.common.i18n import shown, shown_name
from ui.common.list_model import ListTableModel
from ui.common.widgets import push_button, section_title
from ui.ledger.common import LedgerPage, last_day, make_card, make_table, selected, time_text
from ui.ledger.dialogs import MakeupDialog, PointsDialog, RedeemDialog, RuleAwardDialog

if TYPE_CHECKING:
    from ui.ledger.tab import LedgerTab


class StatementPage(LedgerPage):
    def __init__(self, tab: LedgerTab) -> None:
        super().__init__(tab)
        self.member_id: int | None = None
        self.member_name = ""
        self.available = 0

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(self.load_members)
        self.member_search = QLineEdit()
        self.member_search.setObjectName("ledger_member_search")
        self.member_search.setPlaceholderText(self.tr("搜索成员：昵称、拼音、手机尾号…"))
        self.member_search.setClearButtonEnabled(True)
        self.member_search.textChanged.connect(lambda _text: self._search_timer.start())
        self.member_list = QListWidget()
        self.member_list.setObjectName("ledger_member_list")
        # Ctrl/Shift-click picks several members for 按规则发放; the statement is the current one.
        self.member_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.member_list.currentItemChanged.connect(self._member_picked)
        # A long line (several groups, remark, phone) is shortened with "…" in the middle, the
        # whole in its tooltip, instead of a sideways scroll through a narrow list: the name and
        # the points at its ends stay in view (cut at the end, the points were lost).
        self.member_list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.member_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.member_search)
        left_layout.addWidget(self.member_list, 1)

        self.member_title = section_title(self.tr("请在左侧选择成员"), "ledger_member_title")
        self.member_title.setVisible(False)  # the empty state says it until a member is chosen
        cards = QHBoxLayout()
        self.balance_labels: dict[str, QLabel] = {}
        for key, caption in (
            ("available", self.tr("可用积分")),
            ("pending", self.tr("待生效")),
            ("qualifying", self.tr("计入等级")),
            ("lifetime_earned", self.tr("累计获得")),
            ("expiring_soon", self.tr("30 天内到期")),
        ):
            frame, label = make_card(f"ledger_balance_{key}", caption)
            self.balance_labels[key] = label
            cards.addWidget(frame)
        self.member_buttons = {
            "award": push_button("ledger_award", self.tr("发放积分"), self.award),
            "award_rule": push_button(
                "ledger_award_rule", self.tr("按规则发放…"), self.award_by_rule
            ),
            "deduct": push_button("ledger_deduct", self.tr("扣减积分"), self.deduct),
            "redeem": push_button("ledger_redeem", self.tr("兑换奖品"), self.redeem),
            "makeup": push_button("ledger_makeup", self.tr("补签"), self.makeup),
            "reverse": push_button("ledger_reverse", self.tr("冲正所选流水"), self.reverse),
            "export": push_button(
                "ledger_export_statement", self.tr("导出对账单…"), self.export_statement
            ),
        }
        actions = QHBoxLayout()
        for button in self.member_buttons.values():
            actions.addWidget(button)
        actions.addStretch(1)
        self.model = ListTableModel(
            [
                (self.tr("时间"), lambda line: time_text(line.occurred_at)),
                (self.tr("类型"), lambda line: shown(line.kind_name)),
                (self.tr("积分"), lambda line: f"{line.points:+d}"),
                (self.tr("余额"), lambda line: line.balance),
                (self.tr("状态"), lambda line: shown(line.status_name)),
                (self.tr("有效期至"), lambda line: last_day(line.expires_on)),
                (self.tr("原因"), lambda line: shown(reason_text(line.reason))),
                (self.tr("经办人"), lambda line: line.operator),
                (self.tr("流水号"), lambda line: line.id),
            ],
            parent=self,
        )
        self.table = make_table(
            "ledger_statement_table", self.model, (130, 60, 70, 70, 70, 90, 220, 80)
        )
        self.table.selectionModel().selectionChanged.connect(
            lambda *_: self._update_member_buttons()
        )
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.member_title)
        right_layout.addLayout(cards)
        right_layout.addLayout(actions)
        self.no_member = EmptyState(
            "ledger_statement_empty",
            "coins",
            self.tr("选择一位成员查看积分对账单"),
            self.tr(
                "在左边的名单里点一位成员，这里列出他的每一笔积分和余额，"
                "可以发放、扣减、兑换奖品或冲正。"
            ),
        )
        self.table_or_empty = EmptySwitch(self.table, self.no_member)
        self.table_or_empty.set_empty(True)
        right_layout.addWidget(self.table_or_empty, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("ledger_statement_splitter")
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([240, 900])
        self.lay_out(splitter)
        self._update_member_buttons()

    # ----- loading -------------------------------------------------------------------------

    def reload(self) -> None:
        self.load_members()
        self.load_statement()

    def load_members(self) -> None:
        search = self.member_search.text()
        self.tasks.read(lambda session: choices_with_points(session, search), self._show_members)

    def _show_members(self, choices) -> None:
        picked = {
            item.data(Qt.ItemDataRole.UserRole)[0] for item in self.member_list.selectedItems()
        }
        self.member_list.blockSignals(True)
        self.member_list.clear()
        for choice in choices:
            name = choice.nickname + (f"（{choice.remark}）" if choice.remark else "")
            item = QListWidgetItem(
                self.tr("{name}  · %n 分", "", choice.available).format(
                    name=shown(choice.description) or name
                )
            )
            item.setData(Qt.ItemDataRole.UserRole, (choice.id, name))
            item.setToolTip(item.text())
            self.member_list.addItem(item)
            if choice.id == self.member_id:
                self.member_list.setCurrentItem(item)
        for row in range(self.member_list.count()):  # a refresh keeps those picked for 按规则发放
            item = self.member_list.item(row)
            if item.data(Qt.ItemDataRole.UserRole)[0] in picked:
                item.setSelected(True)
        self.member_list.blockSignals(False)

    def _member_picked(self, item: QListWidgetItem | None, _previous=None) -> None:
        if item is None:
            return
        self.select_member(*item.data(Qt.ItemDataRole.UserRole))

    def select_member(self, member_id: int, name: str = "") -> None:
        self.member_id = member_id
        self.member_name = name or str(member_id)
        self.load_statement()
        self._update_member_buttons()

    def load_statement(self) -> None:
        if self.member_id is None:
            return

        member_id = self.member_id
        self.tasks.read(lambda session: statement(session, member_id), self._show_statement)

    def _show_statement(self, result) -> None:
        if result.member_id != self.member_id:
            return
        self.member_name = result.nickname or self.member_name
        self.member_title.setText(
            self.tr("{name}（成员 {id}）的积分对账单").format(
                name=self.member_name, id=result.member_id
            )
        )
        balance = result.balance
        self.available = balance.available
        for key, label in self.balance_labels.items():
            label.setText(str(getattr(balance, key)))
        self.model.set_items(list(reversed(result.lines)))  # newest on top
        self.table_or_empty.set_empty(False)
        self.member_title.setVisible(True)
        self._update_member_buttons()

    def _update_member_buttons(self) -> None:
        chosen = self.member_id is not None
        for button in self.member_buttons.values():
            button.setEnabled(chosen)
        line = selected(self.table, self.model)
        self.member_buttons["reverse"].setEnabled(
            line is not None and line.kind in ("earn", "adjust", "spend") and line.status != "void"
        )

    def selected_members(self) -> list[tuple[int, str]]:
        """(id, name) of the members picked in the list; the current one when none is."""
        chosen = [item.data(Qt.ItemDataRole.UserRole) for item in self.member_list.selectedItems()]
        if not chosen and self.member_id is not None:
            chosen = [(self.member_id, self.member_name)]
        return chosen

    # ----- writing -------------------------------------------------------------------------

    def award(self, *, deduct: bool = False) -> None:
        if self.member_id is None:
            return
        dialog = PointsDialog(self.member_name, deduct=deduct, parent=self)
        if dialog.exec() != PointsDialog.DialogCode.Accepted:
            return
        points, reason, qualifying, expiry = dialog.values()
        member_id, operator = self.member_id, operator_name()
        if deduct:
            self.write(
                lambda s: spend(
                    s, member_id, points, reason=reason, operator=operator, kind="adjust"
                ),
                self.tr("正在扣减积分…"),
            )
        else:
            self.write(
                lambda s: award(
                    s,
                    member_id,
                    points,
                    reason=reason,
                    operator=operator,
                    qualifying=qualifying,
                    expiry_days=expiry,
                ),
                self.tr("正在发放积分…"),
            )

    def deduct(self) -> None:
        self.award(deduct=True)

    def award_by_rule(self) -> None:
        members = self.selected_members()
        if not members:
            return
        # As last loaded: award_rule applies the current version.
        rules = awardable(self.tab.rules_page.rules)
        dialog = RuleAwardDialog([name for _, name in members], rules, parent=self)
        if dialog.exec() != RuleAwardDialog.DialogCode.Accepted or dialog.rule_code() is None:
            return
        ids, code, reason = [m for m, _ in members], dialog.rule_code(), dialog.reason.text()
        operator = operator_name()
        self.write(
            lambda s: self._rule_award_text(
                award_rule(s, ids, code, reason=reason, operator=operator)
            ),
            self.tr("正在按规则发放…"),
            "{result}",
        )

    def _rule_award_text(self, done) -> str:
        text = self.tr("已按「{rule}」给 %n 位成员发放共 {total} 积分", "", len(done.awarded))
        text = text.format(rule=shown_name(done.rule_name), total=done.total)
        if done.capped:
            text += self.tr(
                "；%n 位成员接近每日上限 {cap} 分，只发了剩余的积分", "", len(done.capped)
            ).format(cap=done.daily_cap)
        if done.skipped:
            text += self.tr(
                "；%n 位成员今天已达每日上限 {cap} 分，未发放", "", len(done.skipped)
            ).format(cap=done.daily_cap)
        return text

    def redeem(self) -> None:
        if self.member_id is None:
            return
        member_id, name = self.member_id, self.member_name
        # Fresh balance, stock and own redemptions: the form greys what would be refused.
        self.tasks.read(
            lambda session: redeem_choices(session, member_id),
            lambda choices: self._open_redeem(member_id, name, choices),
        )

    def _open_redeem(self, member_id: int, name: str, choices) -> None:
        if not choices.rewards:
            QMessageBox.information(
                self,
                self.tr("兑换奖品"),
                self.tr("积分商城还没有上架的奖品，请先在「积分商城」新增。"),
            )
            return
        dialog = RedeemDialog(name, choices, parent=self)
        operator = operator_name()

        def write(reward_id: int, note: str) -> None:
            self.write(
                lambda s: redeem(s, member_id, reward_id, operator=operator, note=note).code,
                self.tr("正在兑换…"),
                self.tr("兑换成功，兑换码：{result}"),
                form=dialog,
            )

        dialog.submitted.connect(write)
        dialog.exec()

    def makeup(self) -> None:
        if self.member_id is None:
            return
        cost = next((r.points for r in self.tab.rules_page.rules if r.code == "makeup_checkin"), 0)
        dialog = MakeupDialog(self.member_name, cost, parent=self)
        if dialog.exec() != MakeupDialog.DialogCode.Accepted:
            return
        member_id, day, operator = self.member_id, dialog.day_value(), operator_name()
        self.write(
            lambda s: makeup_checkin(s, member_id, day, operator=operator),
            self.tr("正在补签…"),
        )

    def reverse(self) -> None:
        line = selected(self.table, self.model)
        if line is None:
            return
        reason, ok = QInputDialog.getText(
            self,
            self.tr("冲正流水"),
            self.tr("冲正 {points:+d} 分「{reason}」的原因：").format(
                points=line.points, reason=shown(reason_text(line.reason))
            ),
        )
        if not ok:
            return
        entry_id, operator = line.id, operator_name()
        self.write(
            lambda s: reverse(s, entry_id, reason=reason, operator=operator),
            self.tr("正在冲正…"),
        )

    def export_statement(self) -> None:
        if self.member_id is not None:
            self.export([self.member_id], f"{self.member_name}-积分对账单.xlsx")
