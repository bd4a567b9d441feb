"""积分流水: the whole journal, newest first, filtered by kind, period and text."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit

from core.ledger.balances import JournalFilter, journal
from core.ledger.entries import KIND_NAMES
from core.ledger.reasons import reason_text
from ui.common.i18n import shown
from ui.common.list_model import ListTableModel
from ui.common.widgets import push_button
from ui.ledger.common import LedgerPage, last_day, make_table, time_text

if TYPE_CHECKING:
    from ui.ledger.tab import LedgerTab

JOURNAL_LIMIT = 2000


class JournalPage(LedgerPage):
    def __init__(self, tab: LedgerTab) -> None:
        super().__init__(tab)
        self.kind = QComboBox()
        self.kind.setObjectName("ledger_journal_kind")
        self.kind.addItem(self.tr("全部类型"), "")
        for kind, name in KIND_NAMES.items():
            self.kind.addItem(shown(name), kind)
        self.period = QComboBox()
        self.period.setObjectName("ledger_journal_period")
        for text, days in (
            (self.tr("全部时间"), 0),
            (self.tr("今天"), 1),
            (self.tr("近 7 天"), 7),
            (self.tr("近 30 天"), 30),
            (self.tr("近 90 天"), 90),
        ):
            self.period.addItem(text, days)
        self.text = QLineEdit()
        self.text.setObjectName("ledger_journal_text")
        self.text.setPlaceholderText(self.tr("原因、关联或成员"))
        self.text.setClearButtonEnabled(True)
        self.count = QLabel()
        self.count.setObjectName("ledger_journal_count")
        self.count.setProperty("muted", True)
        for combo in (self.kind, self.period):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.text.returnPressed.connect(self.reload)
        filters = QHBoxLayout()
        filters.addWidget(self.kind)
        filters.addWidget(self.period)
        filters.addWidget(self.text, 1)
        filters.addWidget(push_button("ledger_journal_apply", self.tr("筛选"), self.reload))
        filters.addWidget(self.count)
        self.model = ListTableModel(
            [
                (self.tr("时间"), lambda r: time_text(r.occurred_at)),
                (self.tr("成员"), lambda r: r.nickname),
                (self.tr("类型"), lambda r: shown(r.kind_name)),
                (self.tr("积分"), lambda r: f"{r.points:+d}"),
                (self.tr("计入等级"), lambda r: self.tr("是") if r.qualifying else ""),
                (self.tr("有效期至"), lambda r: last_day(r.expires_on)),
                (self.tr("原因"), lambda r: shown(reason_text(r.reason))),
                (self.tr("关联"), lambda r: shown(r.reference_text)),
                (self.tr("经办人"), lambda r: r.operator),
                (self.tr("流水号"), lambda r: r.id),
            ],
            parent=self,
        )
        self.table = make_table(
            "ledger_journal_table", self.model, (130, 120, 60, 70, 70, 90, 220, 140, 80)
        )
        self.lay_out(filters, self.table)

    def reload(self) -> None:
        days = self.period.currentData()
        kind = self.kind.currentData()
        since = None
        if days:
            since = datetime.combine(
                datetime.now().date() - timedelta(days=days - 1), datetime.min.time()
            )
        spec = JournalFilter(kinds=(kind,) if kind else (), since=since, text=self.text.text())
        self.tasks.read(lambda session: journal(session, spec, limit=JOURNAL_LIMIT), self._show)

    def _show(self, rows) -> None:
        self.model.set_items(rows)
        if len(rows) >= JOURNAL_LIMIT:
            text = self.tr("显示最新 {n} 条；缩小筛选范围或导出 Excel 查看全部").format(n=len(rows))
        else:
            text = self.tr("共 %n 条", "", len(rows))
        self.count.setText(text)
