"""积分规则: the earn rules as they are now; editing one makes a new version."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLabel

from core.common.operator import operator_name
from core.ledger.rules import ACTION_NAMES, RuleSpec, current_rules, save_rule
from ui.common.i18n import shown, shown_name
from ui.common.list_model import ListTableModel
from ui.common.units import units
from ui.common.widgets import push_button
from ui.ledger.common import LedgerPage, make_table, selected
from ui.ledger.dialogs import RuleDialog

if TYPE_CHECKING:
    from ui.ledger.tab import LedgerTab


class RulesPage(LedgerPage):
    def __init__(self, tab: LedgerTab) -> None:
        super().__init__(tab)
        self.rules: list = []  # as last loaded; the statement page's rule awards offer them
        self.model = ListTableModel(
            [
                (self.tr("规则"), lambda r: shown_name(r.name)),
                (self.tr("类型"), lambda r: shown(ACTION_NAMES.get(r.action, r.action))),
                (self.tr("积分"), lambda r: r.points),
                (self.tr("每日上限"), lambda r: "" if r.daily_cap is None else r.daily_cap),
                (self.tr("计入等级"), lambda r: self.tr("是") if r.qualifying else ""),
                (
                    self.tr("待生效"),
                    lambda r: units.days(r.pending_days) if r.pending_days else "",
                ),
                (
                    self.tr("有效期"),
                    lambda r: (
                        self.tr("永久") if r.expiry_days is None else units.days(r.expiry_days)
                    ),
                ),
                (self.tr("状态"), lambda r: self.tr("启用") if r.enabled else self.tr("停用")),
                (self.tr("版本"), lambda r: f"v{r.version} · {r.created_at:%Y-%m-%d}"),
            ],
            parent=self,
        )
        self.table = make_table(
            "ledger_rules_table", self.model, (150, 110, 60, 80, 80, 80, 80, 60)
        )
        self.table.doubleClicked.connect(lambda _index: self.edit_rule())
        buttons = QHBoxLayout()
        buttons.addWidget(push_button("ledger_rule_edit", self.tr("修改规则…"), self.edit_rule))
        buttons.addWidget(push_button("ledger_rule_new", self.tr("新建自定义规则…"), self.new_rule))
        buttons.addStretch(1)
        hint = QLabel(
            self.tr(
                "修改规则会生成新版本，已发放的积分保持原样；补签扣除的积分在「补签」一行设置。"
            )
        )
        hint.setProperty("muted", True)
        buttons.addWidget(hint)
        self.lay_out(buttons, self.table)

    def reload(self) -> None:
        self.tasks.read(current_rules, self._show)

    def _show(self, rules) -> None:
        self.rules = rules
        self.model.set_items(rules)

    def edit_rule(self) -> None:
        rule = selected(self.table, self.model)
        if rule is not None:
            self._open_rule(rule, new=False)

    def new_rule(self) -> None:
        self._open_rule(RuleSpec("", "custom", "", 10, qualifying=False), new=True)

    def _open_rule(self, rule, *, new: bool) -> None:
        spec = (
            rule
            if isinstance(rule, RuleSpec)
            else RuleSpec(
                rule.code,
                rule.action,
                rule.name,
                rule.points,
                rule.daily_cap,
                rule.qualifying,
                rule.pending_days,
                rule.expiry_days,
                rule.enabled,
                dict(rule.params or {}),
            )
        )
        dialog = RuleDialog(spec, new=new, parent=self)
        if dialog.exec() != RuleDialog.DialogCode.Accepted:
            return
        result, operator = dialog.result_spec(), operator_name()
        self.write(lambda s: save_rule(s, result, operator=operator), self.tr("正在保存规则…"))
