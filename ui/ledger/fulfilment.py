"""兑换发放: the redemptions to hand over; deliver, cancel with a refund, or use by code."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QInputDialog, QLineEdit, QMessageBox

from core.common.operator import operator_name
from core.ledger.catalogue import (
    STATUS_NAMES,
    find_redemption,
    list_redemptions,
    set_redemption_status,
)
from ui.common.empty_state import EmptyState, EmptySwitch
from ui.common.i18n import shown
from ui.common.list_model import ListTableModel
from ui.common.widgets import hint_fits, push_button
from ui.ledger.common import LedgerPage, make_table, selected, time_text

if TYPE_CHECKING:
    from ui.ledger.tab import LedgerTab


class FulfilmentPage(LedgerPage):
    def __init__(self, tab: LedgerTab) -> None:
        super().__init__(tab)
        self.status = QComboBox()
        self.status.setObjectName("ledger_redemption_status")
        self.status.addItem(self.tr("待处理"), ("to_deliver", "delivered"))
        for status, name in STATUS_NAMES.items():
            self.status.addItem(shown(name), (status,))
        self.status.addItem(self.tr("全部"), ())
        self.status.currentIndexChanged.connect(lambda _i: self.reload())
        self.code = QLineEdit()
        self.code.setObjectName("ledger_redemption_code")
        self.code.setPlaceholderText(self.tr("输入兑换码核销"))
        hint_fits(self.code)  # its default width cut the English hint to "Enter a redemp…"
        self.code.returnPressed.connect(self.use_by_code)
        top = QHBoxLayout()
        top.addWidget(self.status)
        top.addWidget(push_button("ledger_redemption_deliver", self.tr("标记已发放"), self.deliver))
        top.addWidget(
            push_button(
                "ledger_redemption_cancel", self.tr("取消并退还积分…"), self.cancel_redemption
            )
        )
        top.addStretch(1)
        top.addWidget(self.code)
        top.addWidget(push_button("ledger_redemption_use", self.tr("核销"), self.use_by_code))
        self.model = ListTableModel(
            [
                (self.tr("兑换时间"), lambda r: time_text(r.created_at)),
                (self.tr("兑换码"), lambda r: r.code),
                (self.tr("成员"), lambda r: r.nickname),
                (self.tr("奖品"), lambda r: r.reward_name),
                (self.tr("积分"), lambda r: r.points),
                (self.tr("状态"), lambda r: shown(r.status_name)),
                (self.tr("发放时间"), lambda r: time_text(r.delivered_at)),
                (self.tr("核销/取消时间"), lambda r: time_text(r.used_at or r.cancelled_at)),
                (self.tr("备注"), lambda r: r.note),
            ],
            parent=self,
        )
        self.table = make_table(
            "ledger_redemptions_table", self.model, (130, 90, 120, 140, 60, 70, 130, 130)
        )
        self.empty = EmptyState(
            "ledger_redemptions_empty",
            "gift",
            self.tr("这个状态下没有兑换记录"),
            self.tr(
                "成员在「成员对账单」里用积分兑换奖品后，兑换记录出现在这里，"
                "发放、核销或取消都在这里办。"
            ),
        )
        self.table_or_empty = EmptySwitch(self.table, self.empty)
        self.lay_out(top, self.table_or_empty)

    def reload(self) -> None:
        statuses = self.status.currentData()
        self.tasks.read(lambda session: list_redemptions(session, statuses=statuses), self._show)

    def _show(self, redemptions) -> None:
        self.model.set_items(redemptions)
        self.table_or_empty.set_empty(not redemptions)

    def _move(self, status: str, reason: str = "") -> None:
        row = selected(self.table, self.model)
        if row is None:
            QMessageBox.information(self, self.tr("兑换发放"), self.tr("请先选择一条兑换记录"))
            return
        record_id, operator = row.id, operator_name()
        self.write(
            lambda s: set_redemption_status(s, record_id, status, operator=operator, reason=reason),
            self.tr("正在更新兑换状态…"),
        )

    def deliver(self) -> None:
        self._move("delivered")

    def cancel_redemption(self) -> None:
        row = selected(self.table, self.model)
        if row is None:
            self._move("cancelled")
            return
        reason, ok = QInputDialog.getText(
            self,
            self.tr("取消兑换"),
            self.tr(
                "取消兑换 {code}（{reward}），%n 积分将退还给成员。原因：", "", row.points
            ).format(code=row.code, reward=row.reward_name),
        )
        if ok:
            self._move("cancelled", reason)

    def use_by_code(self) -> None:
        code = self.code.text().strip()
        if not code:
            return
        operator = operator_name()

        def work(session):
            record_id = find_redemption(session, code)
            set_redemption_status(session, record_id, "used", operator=operator)
            return code.upper()

        self.code.clear()
        self.write(work, self.tr("正在核销…"), self.tr("兑换码 {result} 已核销"))
