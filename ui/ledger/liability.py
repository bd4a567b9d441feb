"""负债与到期: the boss figures (points outstanding and their value, redemptions and cost per
month) and the members whose points expire soon, with a reminder to copy into WeChat."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.ledger.liability import expiring_members, fen_text, liability, set_yuan_per_point
from ui.common.list_model import ListTableModel
from ui.common.units import units
from ui.common.widgets import counted_suffix, push_button, section_title
from ui.ledger.common import LedgerPage, make_card, make_table, selected

if TYPE_CHECKING:
    from ui.ledger.tab import LedgerTab


class LiabilityPage(LedgerPage):
    def __init__(self, tab: LedgerTab) -> None:
        super().__init__(tab)
        grid = QGridLayout()
        grid.setSpacing(12)
        self.labels: dict[str, QLabel] = {}
        for index, (key, caption) in enumerate(
            (
                ("outstanding", self.tr("未使用积分（负债）")),
                ("value", self.tr("折合金额")),
                ("pending", self.tr("待生效积分")),
                ("holders", self.tr("持有积分的成员")),
                ("expiring_30", self.tr("30 天内到期")),
                ("expiring_90", self.tr("90 天内到期")),
            )
        ):
            frame, label = make_card(f"ledger_liability_{key}", caption)
            self.labels[key] = label
            grid.addWidget(frame, index // 3, index % 3)
        self.yuan_per_point = QLineEdit()
        self.yuan_per_point.setObjectName("ledger_yuan_per_point")
        self.yuan_per_point.setMaximumWidth(100)
        value_row = QHBoxLayout()
        value_row.addWidget(QLabel(self.tr("每积分价值（元）")))
        value_row.addWidget(self.yuan_per_point)
        value_row.addWidget(push_button("ledger_yuan_save", self.tr("保存"), self.save_value))
        value_row.addStretch(1)
        value_row.addWidget(
            push_button("ledger_export", self.tr("导出 Excel…"), lambda: self.export_all())
        )

        self.months_model = ListTableModel(
            [
                (self.tr("月份"), lambda m: m.month),
                (self.tr("兑换次数"), lambda m: m.count),
                (self.tr("兑换积分"), lambda m: m.points),
                (self.tr("兑换成本"), lambda m: fen_text(m.cost_cents)),
            ],
            parent=self,
        )
        self.months_table = make_table("ledger_months_table", self.months_model, (80, 70, 80))
        self.expiring_days = QSpinBox()
        self.expiring_days.setObjectName("ledger_expiring_days")
        self.expiring_days.setRange(1, 365)
        self.expiring_days.setValue(30)
        self.expiring_days.setPrefix(self.tr("到期前 "))
        counted_suffix(self.expiring_days, units.days)
        self.expiring_days.valueChanged.connect(lambda _v: self.load_expiring())
        self.expiring_model = ListTableModel(
            [
                (self.tr("成员"), lambda e: e.remark or e.nickname),
                (self.tr("到期积分"), lambda e: e.points),
                (self.tr("最早到期"), lambda e: f"{e.first_date - timedelta(days=1):%Y-%m-%d}"),
                (self.tr("提醒消息"), lambda e: e.message),
            ],
            parent=self,
        )
        self.expiring_table = make_table(
            "ledger_expiring_table", self.expiring_model, (120, 70, 90)
        )
        self.expiring_table.doubleClicked.connect(lambda _index: self.copy_reminder())
        expiring_top = QHBoxLayout()
        title = section_title(self.tr("积分即将到期的成员"))
        expiring_top.addWidget(title)
        expiring_top.addWidget(self.expiring_days)
        expiring_top.addStretch(1)
        self.copied_label = QLabel()
        self.copied_label.setObjectName("ledger_copied")
        self.copied_label.setProperty("muted", True)
        expiring_top.addWidget(self.copied_label)
        expiring_top.addWidget(
            push_button("ledger_copy_reminder", self.tr("复制提醒消息"), self.copy_reminder)
        )
        months_box = QWidget()
        months_layout = QVBoxLayout(months_box)
        months_layout.setContentsMargins(0, 0, 0, 0)
        months_title = section_title(self.tr("每月兑换与成本"))
        months_layout.addWidget(months_title)
        months_layout.addWidget(self.months_table)
        expiring_box = QWidget()
        expiring_layout = QVBoxLayout(expiring_box)
        expiring_layout.setContentsMargins(0, 0, 0, 0)
        expiring_layout.addLayout(expiring_top)
        expiring_layout.addWidget(self.expiring_table)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(months_box)
        lower.addWidget(expiring_box)
        lower.setStretchFactor(1, 1)
        lower.setSizes([340, 800])
        self.lay_out(grid, value_row, lower)

    def reload(self) -> None:
        self.tasks.read(liability, self._show)
        self.load_expiring()

    def _show(self, summary) -> None:
        labels = self.labels
        labels["outstanding"].setText(f"{summary.outstanding:,}")
        labels["value"].setText(fen_text(summary.outstanding_value_fen))
        labels["pending"].setText(f"{summary.pending:,}")
        labels["holders"].setText(f"{summary.members_with_points:,}")
        labels["expiring_30"].setText(f"{summary.expiring_30:,}")
        labels["expiring_90"].setText(f"{summary.expiring_90:,}")
        if not self.yuan_per_point.hasFocus():
            self.yuan_per_point.setText(summary.yuan_per_point)
        self.months_model.set_items(list(reversed(summary.months)))

    def load_expiring(self) -> None:
        days = self.expiring_days.value()
        self.tasks.read(
            lambda session: expiring_members(session, within_days=days),
            self.expiring_model.set_items,
        )

    def save_value(self) -> None:
        text = self.yuan_per_point.text()
        self.yuan_per_point.clearFocus()
        self.write(lambda s: set_yuan_per_point(s, text), self.tr("正在保存…"))

    def copy_reminder(self) -> None:
        row = selected(self.expiring_table, self.expiring_model)
        if row is None and self.expiring_model.rowCount():
            row = self.expiring_model.item(0)
        if row is None:
            return
        QGuiApplication.clipboard().setText(row.message)
        self.copied_label.setText(
            self.tr("已复制给 {name} 的提醒，可粘贴到微信发送").format(
                name=row.remark or row.nickname
            )
        )

    def export_all(self) -> None:
        self.export(None, "积分台账.xlsx")
