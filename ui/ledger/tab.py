"""积分 tab: a member's statement (running balance) with award / deduct / redeem / 补签 /
reverse, the whole journal with filters, the earn rules, the catalogue, the fulfilment queue,
and the boss figures with the expiring-soon reminders.

Every read and write goes through core.ledger off the GUI thread; the first refresh also runs
the daily work (clawbacks, expiry, birthday gifts), which is idempotent.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.ledger.reasons import reason_text
from ui.common.columns import keep_columns_fitted
from ui.common.i18n import shown, shown_name
from ui.common.list_model import ListTableModel
from ui.common.tasks import TaskGroup, run_task, while_alive
from ui.common.units import units
from ui.common.widgets import counted_suffix, push_button

if TYPE_CHECKING:
    from core.common.database import Database

CHANGES_SHOWN = {"points", "members", "activity"}
JOURNAL_LIMIT = 2000


def _time(value: datetime | None) -> str:
    return "" if value is None else f"{value:%Y-%m-%d %H:%M}"


def _last_day(expires_on) -> str:
    return "" if expires_on is None else f"{expires_on - timedelta(days=1):%Y-%m-%d}"


def _table(object_name: str, model: ListTableModel, widths: tuple[int, ...]) -> QTableView:
    table = QTableView()
    table.setObjectName(object_name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(28)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    for column, width in enumerate(widths):
        header.resizeSection(column, width)
    header.setStretchLastSection(True)
    keep_columns_fitted(table)  # the widths above fit the Chinese; English may need more
    return table


def _card(object_name: str, caption: str) -> tuple[QFrame, QLabel]:
    frame = QFrame()
    frame.setProperty("card", True)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(14, 10, 14, 10)
    value = QLabel("—")
    value.setObjectName(object_name)
    value.setProperty("statValue", True)
    label = QLabel(caption)
    label.setProperty("statCaption", True)
    layout.addWidget(value)
    layout.addWidget(label)
    return frame, value


THUMB = 40  # px, a reward's picture in the catalogue list


class _RewardsModel(ListTableModel):
    """The catalogue list, with each reward's picture as a thumbnail before its name."""

    def __init__(self, columns, parent=None) -> None:
        super().__init__(columns, parent=parent)
        self.thumbnails: dict[int, QImage] = {}

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DecorationRole:
            if index.isValid() and index.column() == 0:
                return self.thumbnails.get(self.item(index.row()).id)
            return None
        return super().data(index, role)


def _thumbnails(pictures: dict[int, bytes]) -> dict[int, QImage]:
    """Scaled pictures, made in the worker (QImage, unlike QPixmap, may be)."""
    result = {}
    for reward_id, data in pictures.items():
        image = QImage.fromData(data)
        if not image.isNull():
            result[reward_id] = image.scaled(
                THUMB,
                THUMB,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
    return result


def _selected(table: QTableView, model: ListTableModel) -> Any | None:
    rows = table.selectionModel().selectedRows()
    return model.item(rows[0].row()) if rows else None


class LedgerTab(QWidget):
    """积分台账 for the operator and the boss; `data_changed` tells the window what changed."""

    data_changed = Signal(set)

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ledger_tab")
        self.database = database
        self._reads = TaskGroup(self)
        self._daily_done = False
        self.member_id: int | None = None
        self.member_name = ""
        self.available = 0
        self.rewards: list = []
        self.reward_pictures: dict[int, bytes] = {}
        self.rules: list = []

        self.sections = QTabWidget()
        self.sections.setObjectName("ledger_sections")
        self.sections.setDocumentMode(True)
        self.sections.addTab(self._statement_page(), self.tr("成员对账单"))
        self.sections.addTab(self._journal_page(), self.tr("积分流水"))
        self.sections.addTab(self._rules_page(), self.tr("积分规则"))
        self.sections.addTab(self._catalogue_page(), self.tr("积分商城"))
        self.sections.addTab(self._fulfilment_page(), self.tr("兑换发放"))
        self.sections.addTab(self._liability_page(), self.tr("负债与到期"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.sections)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(self.load_members)
        self._update_member_buttons()

    # ----- pages ---------------------------------------------------------------------------

    def _statement_page(self) -> QWidget:
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
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.member_search)
        left_layout.addWidget(self.member_list, 1)

        self.member_title = QLabel(self.tr("请在左侧选择成员"))
        self.member_title.setObjectName("ledger_member_title")
        self.member_title.setProperty("sectionTitle", True)
        cards = QHBoxLayout()
        self.balance_labels: dict[str, QLabel] = {}
        for key, caption in (
            ("available", self.tr("可用积分")),
            ("pending", self.tr("待生效")),
            ("qualifying", self.tr("计入等级")),
            ("lifetime_earned", self.tr("累计获得")),
            ("expiring_soon", self.tr("30 天内到期")),
        ):
            frame, label = _card(f"ledger_balance_{key}", caption)
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
        self.statement_model = ListTableModel(
            [
                (self.tr("时间"), lambda line: _time(line.occurred_at)),
                (self.tr("类型"), lambda line: shown(line.kind_name)),
                (self.tr("积分"), lambda line: f"{line.points:+d}"),
                (self.tr("余额"), lambda line: line.balance),
                (self.tr("状态"), lambda line: shown(line.status_name)),
                (self.tr("有效期至"), lambda line: _last_day(line.expires_on)),
                (self.tr("原因"), lambda line: shown(reason_text(line.reason))),
                (self.tr("经办人"), lambda line: line.operator),
                (self.tr("流水号"), lambda line: line.id),
            ],
            parent=self,
        )
        self.statement_table = _table(
            "ledger_statement_table", self.statement_model, (130, 60, 70, 70, 70, 90, 220, 80)
        )
        self.statement_table.selectionModel().selectionChanged.connect(
            lambda *_: self._update_member_buttons()
        )
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.member_title)
        right_layout.addLayout(cards)
        right_layout.addLayout(actions)
        right_layout.addWidget(self.statement_table, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("ledger_statement_splitter")
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([240, 900])
        return self._page(splitter)

    def _journal_page(self) -> QWidget:
        from core.ledger.entries import KIND_NAMES

        self.journal_kind = QComboBox()
        self.journal_kind.setObjectName("ledger_journal_kind")
        self.journal_kind.addItem(self.tr("全部类型"), "")
        for kind, name in KIND_NAMES.items():
            self.journal_kind.addItem(shown(name), kind)
        self.journal_period = QComboBox()
        self.journal_period.setObjectName("ledger_journal_period")
        for text, days in (
            (self.tr("全部时间"), 0),
            (self.tr("今天"), 1),
            (self.tr("近 7 天"), 7),
            (self.tr("近 30 天"), 30),
            (self.tr("近 90 天"), 90),
        ):
            self.journal_period.addItem(text, days)
        self.journal_text = QLineEdit()
        self.journal_text.setObjectName("ledger_journal_text")
        self.journal_text.setPlaceholderText(self.tr("原因、关联或成员"))
        self.journal_text.setClearButtonEnabled(True)
        self.journal_count = QLabel()
        self.journal_count.setObjectName("ledger_journal_count")
        self.journal_count.setProperty("muted", True)
        for combo in (self.journal_kind, self.journal_period):
            combo.currentIndexChanged.connect(lambda _i: self.load_journal())
        self.journal_text.returnPressed.connect(self.load_journal)
        filters = QHBoxLayout()
        filters.addWidget(self.journal_kind)
        filters.addWidget(self.journal_period)
        filters.addWidget(self.journal_text, 1)
        filters.addWidget(push_button("ledger_journal_apply", self.tr("筛选"), self.load_journal))
        filters.addWidget(self.journal_count)
        self.journal_model = ListTableModel(
            [
                (self.tr("时间"), lambda r: _time(r.occurred_at)),
                (self.tr("成员"), lambda r: r.nickname),
                (self.tr("类型"), lambda r: shown(r.kind_name)),
                (self.tr("积分"), lambda r: f"{r.points:+d}"),
                (self.tr("计入等级"), lambda r: self.tr("是") if r.qualifying else ""),
                (self.tr("有效期至"), lambda r: _last_day(r.expires_on)),
                (self.tr("原因"), lambda r: shown(reason_text(r.reason))),
                (self.tr("关联"), lambda r: shown(r.reference_text)),
                (self.tr("经办人"), lambda r: r.operator),
                (self.tr("流水号"), lambda r: r.id),
            ],
            parent=self,
        )
        self.journal_table = _table(
            "ledger_journal_table", self.journal_model, (130, 120, 60, 70, 70, 90, 220, 140, 80)
        )
        return self._page(filters, self.journal_table)

    def _rules_page(self) -> QWidget:
        from core.ledger.rules import ACTION_NAMES

        self.rules_model = ListTableModel(
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
        self.rules_table = _table(
            "ledger_rules_table", self.rules_model, (150, 110, 60, 80, 80, 80, 80, 60)
        )
        self.rules_table.doubleClicked.connect(lambda _index: self.edit_rule())
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
        return self._page(buttons, self.rules_table)

    def _rule_expiry(self, rule) -> str:
        if rule.action == "makeup_checkin":
            return ""  # 补签 costs points; it awards none that could expire
        if rule.expiry_days is None:
            return self.tr("永久")
        return units.days(rule.expiry_days)

    def _catalogue_page(self) -> QWidget:
        from core.ledger.catalogue import KIND_NAMES
        from core.ledger.liability import fen_text

        def dates(r) -> str:
            if not (r.valid_from or r.valid_until):
                return ""
            start = f"{r.valid_from:%Y-%m-%d}" if r.valid_from else ""
            end = f"{r.valid_until:%Y-%m-%d}" if r.valid_until else ""
            return f"{start} ~ {end}"

        self.rewards_model = _RewardsModel(
            [
                (self.tr("奖品"), lambda r: r.name),
                (self.tr("类型"), lambda r: shown(KIND_NAMES.get(r.kind, r.kind))),
                (self.tr("所需积分"), lambda r: r.points_cost),
                (
                    self.tr("剩余/总库存"),
                    lambda r: self.tr("不限") if r.stock is None else f"{r.left}/{r.stock}",
                ),
                (self.tr("已兑换"), lambda r: r.redeemed),
                (self.tr("成本"), lambda r: fen_text(r.cost_cents)),
                (
                    self.tr("每人限兑"),
                    lambda r: "" if r.per_member_limit is None else r.per_member_limit,
                ),
                (self.tr("兑换日期"), dates),
                (self.tr("状态"), lambda r: self.tr("上架") if r.active else self.tr("下架")),
            ],
            parent=self,
        )
        self.rewards_table = _table(
            "ledger_rewards_table", self.rewards_model, (200, 70, 80, 90, 70, 80, 80, 180)
        )
        self.rewards_table.setIconSize(QSize(THUMB, THUMB))
        self.rewards_table.verticalHeader().setDefaultSectionSize(THUMB + 8)
        self.rewards_table.doubleClicked.connect(lambda _index: self.edit_reward())
        buttons = QHBoxLayout()
        buttons.addWidget(push_button("ledger_reward_new", self.tr("新增奖品…"), self.new_reward))
        buttons.addWidget(push_button("ledger_reward_edit", self.tr("编辑…"), self.edit_reward))
        buttons.addStretch(1)
        return self._page(buttons, self.rewards_table)

    def _fulfilment_page(self) -> QWidget:
        from core.ledger.catalogue import STATUS_NAMES

        self.redemption_status = QComboBox()
        self.redemption_status.setObjectName("ledger_redemption_status")
        self.redemption_status.addItem(self.tr("待处理"), ("to_deliver", "delivered"))
        for status, name in STATUS_NAMES.items():
            self.redemption_status.addItem(shown(name), (status,))
        self.redemption_status.addItem(self.tr("全部"), ())
        self.redemption_status.currentIndexChanged.connect(lambda _i: self.load_redemptions())
        self.redemption_code = QLineEdit()
        self.redemption_code.setObjectName("ledger_redemption_code")
        self.redemption_code.setPlaceholderText(self.tr("输入兑换码核销"))
        self.redemption_code.returnPressed.connect(self.use_by_code)
        top = QHBoxLayout()
        top.addWidget(self.redemption_status)
        top.addWidget(push_button("ledger_redemption_deliver", self.tr("标记已发放"), self.deliver))
        top.addWidget(
            push_button(
                "ledger_redemption_cancel", self.tr("取消并退还积分…"), self.cancel_redemption
            )
        )
        top.addStretch(1)
        top.addWidget(self.redemption_code)
        top.addWidget(push_button("ledger_redemption_use", self.tr("核销"), self.use_by_code))
        self.redemptions_model = ListTableModel(
            [
                (self.tr("兑换时间"), lambda r: _time(r.created_at)),
                (self.tr("兑换码"), lambda r: r.code),
                (self.tr("成员"), lambda r: r.nickname),
                (self.tr("奖品"), lambda r: r.reward_name),
                (self.tr("积分"), lambda r: r.points),
                (self.tr("状态"), lambda r: shown(r.status_name)),
                (self.tr("发放时间"), lambda r: _time(r.delivered_at)),
                (self.tr("核销/取消时间"), lambda r: _time(r.used_at or r.cancelled_at)),
                (self.tr("备注"), lambda r: r.note),
            ],
            parent=self,
        )
        self.redemptions_table = _table(
            "ledger_redemptions_table",
            self.redemptions_model,
            (130, 90, 120, 140, 60, 70, 130, 130),
        )
        return self._page(top, self.redemptions_table)

    def _liability_page(self) -> QWidget:
        grid = QGridLayout()
        grid.setSpacing(12)
        self.liability_labels: dict[str, QLabel] = {}
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
            frame, label = _card(f"ledger_liability_{key}", caption)
            self.liability_labels[key] = label
            grid.addWidget(frame, index // 3, index % 3)
        self.yuan_per_point = QLineEdit()
        self.yuan_per_point.setObjectName("ledger_yuan_per_point")
        self.yuan_per_point.setMaximumWidth(100)
        value_row = QHBoxLayout()
        value_row.addWidget(QLabel(self.tr("每积分价值（元）")))
        value_row.addWidget(self.yuan_per_point)
        value_row.addWidget(push_button("ledger_yuan_save", self.tr("保存"), self.save_value))
        value_row.addStretch(1)
        value_row.addWidget(push_button("ledger_export", self.tr("导出 Excel…"), self.export_all))

        from core.ledger.liability import fen_text

        self.months_model = ListTableModel(
            [
                (self.tr("月份"), lambda m: m.month),
                (self.tr("兑换次数"), lambda m: m.count),
                (self.tr("兑换积分"), lambda m: m.points),
                (self.tr("兑换成本"), lambda m: fen_text(m.cost_cents)),
            ],
            parent=self,
        )
        self.months_table = _table("ledger_months_table", self.months_model, (80, 70, 80))
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
        self.expiring_table = _table("ledger_expiring_table", self.expiring_model, (120, 70, 90))
        self.expiring_table.doubleClicked.connect(lambda _index: self.copy_reminder())
        expiring_top = QHBoxLayout()
        title = QLabel(self.tr("积分即将到期的成员"))
        title.setProperty("sectionTitle", True)
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
        months_title = QLabel(self.tr("每月兑换与成本"))
        months_title.setProperty("sectionTitle", True)
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
        return self._page(grid, value_row, lower)

    def _page(self, *parts) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.setSpacing(10)
        for part in parts:
            if isinstance(part, QWidget):
                layout.addWidget(part, 1 if isinstance(part, (QTableView, QSplitter)) else 0)
            else:
                layout.addLayout(part)
        return page

    # ----- loading -------------------------------------------------------------------------

    def refresh(self, changed: set[str] | None = None) -> None:
        if changed is not None and not changed & CHANGES_SHOWN:
            return
        if not self._daily_done:
            self._daily_done = True
            self._start(self._run_daily, self._daily_finished)
            return
        self.load_members()
        self.load_statement()
        self.load_journal()
        self.load_rules()
        self.load_rewards()
        self.load_redemptions()
        self.load_liability()
        self.load_expiring()

    def busy(self) -> bool:
        return self._reads.busy()

    def _start(self, work, on_success) -> None:
        self._reads.start(work, on_success)

    def _run_daily(self):
        from core.ledger.awards import run_daily

        with self.database.session() as session:
            return run_daily(session)

    def _daily_finished(self, result) -> None:
        changed = result.expired_entries or result.birthdays or result.clawbacks
        self.refresh()
        if changed:
            self.data_changed.emit({"points"})

    def _read(self, function, *args, **kwargs):
        database = self.database

        def work():
            with database.session() as session:
                return function(session, *args, **kwargs)

        return work

    def load_members(self) -> None:
        from core.ledger.picker import choices_with_points

        self._start(self._read(choices_with_points, self.member_search.text()), self._show_members)

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
        from core.ledger.balances import statement

        self._start(self._read(statement, self.member_id), self._show_statement)

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
        self.statement_model.set_items(list(reversed(result.lines)))  # newest on top
        self._update_member_buttons()

    def load_journal(self) -> None:
        from core.ledger.balances import JournalFilter, journal

        days = self.journal_period.currentData()
        kind = self.journal_kind.currentData()
        since = None
        if days:
            since = datetime.combine(
                datetime.now().date() - timedelta(days=days - 1), datetime.min.time()
            )
        spec = JournalFilter(
            kinds=(kind,) if kind else (), since=since, text=self.journal_text.text()
        )
        self._start(self._read(journal, spec, limit=JOURNAL_LIMIT), self._show_journal)

    def _show_journal(self, rows) -> None:
        self.journal_model.set_items(rows)
        if len(rows) >= JOURNAL_LIMIT:
            text = self.tr("显示最新 {n} 条；缩小筛选范围或导出 Excel 查看全部").format(n=len(rows))
        else:
            text = self.tr("共 %n 条", "", len(rows))
        self.journal_count.setText(text)

    def load_rules(self) -> None:
        from core.ledger.rules import current_rules

        self._start(self._read(current_rules), self._show_rules)

    def _show_rules(self, rules) -> None:
        self.rules = rules
        self.rules_model.set_items(rules)

    def load_rewards(self) -> None:
        from core.ledger.catalogue import list_rewards, reward_images

        def read(session):
            rows = list_rewards(session)
            pictures = reward_images(session, [r.id for r in rows if r.has_image])
            return rows, pictures, _thumbnails(pictures)

        self._start(self._read(read), self._show_rewards)

    def _show_rewards(self, result) -> None:
        rewards, self.reward_pictures, self.rewards_model.thumbnails = result
        self.rewards = rewards
        self.rewards_model.set_items(rewards)

    def load_redemptions(self) -> None:
        from core.ledger.catalogue import list_redemptions

        statuses = self.redemption_status.currentData()
        self._start(
            self._read(list_redemptions, statuses=statuses), self.redemptions_model.set_items
        )

    def load_liability(self) -> None:
        from core.ledger.liability import liability

        self._start(self._read(liability), self._show_liability)

    def _show_liability(self, summary) -> None:
        from core.ledger.liability import fen_text

        labels = self.liability_labels
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
        from core.ledger.liability import expiring_members

        days = self.expiring_days.value()
        self._start(self._read(expiring_members, within_days=days), self.expiring_model.set_items)

    # ----- writing -------------------------------------------------------------------------

    def _write(self, work, label: str, message: str | None = None, *, form=None) -> None:
        """Run a change in one transaction off the GUI thread, then reload what it touched.

        With `form` (a dialog left open while its write runs): success closes it with
        `done_ok()`, a failure goes to its `refused(error)` and it stays open.
        """
        database = self.database

        def run(_progress, _cancelled):
            with database.session(write=True) as session:
                return work(session)

        def done(_result) -> None:
            if form is not None and shiboken6.isValid(form):
                form.done_ok()
            self.data_changed.emit({"points"})
            self.refresh({"points"})
            if message:
                QMessageBox.information(self, self.tr("完成"), message.format(result=_result))

        run_task(
            self if form is None else form,
            run,
            label=label,
            on_success=while_alive(self, done),
            on_failure=None if form is None else while_alive(form, form.refused),
            cancellable=False,
        )

    def _update_member_buttons(self) -> None:
        chosen = self.member_id is not None
        for button in self.member_buttons.values():
            button.setEnabled(chosen)
        line = _selected(self.statement_table, self.statement_model)
        self.member_buttons["reverse"].setEnabled(
            line is not None and line.kind in ("earn", "adjust", "spend") and line.status != "void"
        )

    def award(self, *, deduct: bool = False) -> None:
        from core.common.operator import operator_name
        from core.ledger.entries import award, spend
        from ui.ledger.dialogs import PointsDialog

        if self.member_id is None:
            return
        dialog = PointsDialog(self.member_name, deduct=deduct, parent=self)
        if dialog.exec() != PointsDialog.DialogCode.Accepted:
            return
        points, reason, qualifying, expiry = dialog.values()
        member_id, operator = self.member_id, operator_name()
        if deduct:
            self._write(
                lambda s: spend(
                    s, member_id, points, reason=reason, operator=operator, kind="adjust"
                ),
                self.tr("正在扣减积分…"),
            )
        else:
            self._write(
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

    def selected_members(self) -> list[tuple[int, str]]:
        """(id, name) of the members picked in the list; the current one when none is."""
        chosen = [item.data(Qt.ItemDataRole.UserRole) for item in self.member_list.selectedItems()]
        if not chosen and self.member_id is not None:
            chosen = [(self.member_id, self.member_name)]
        return chosen

    def award_by_rule(self) -> None:
        from core.common.operator import operator_name
        from core.ledger.awards import award_rule, awardable
        from ui.ledger.dialogs import RuleAwardDialog

        members = self.selected_members()
        if not members:
            return
        rules = awardable(self.rules)  # as last loaded: award_rule applies the current version
        dialog = RuleAwardDialog([name for _, name in members], rules, parent=self)
        if dialog.exec() != RuleAwardDialog.DialogCode.Accepted or dialog.rule_code() is None:
            return
        ids, code, reason = [m for m, _ in members], dialog.rule_code(), dialog.reason.text()
        operator = operator_name()
        self._write(
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
        from core.ledger.catalogue import redeem_choices

        if self.member_id is None:
            return
        member_id, name = self.member_id, self.member_name
        # Fresh balance, stock and own redemptions: the form greys what would be refused.
        self._start(
            self._read(redeem_choices, member_id),
            lambda choices: self._open_redeem(member_id, name, choices),
        )

    def _open_redeem(self, member_id: int, name: str, choices) -> None:
        from core.common.operator import operator_name
        from core.ledger.catalogue import redeem
        from ui.ledger.dialogs import RedeemDialog

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
            self._write(
                lambda s: redeem(s, member_id, reward_id, operator=operator, note=note).code,
                self.tr("正在兑换…"),
                self.tr("兑换成功，兑换码：{result}"),
                form=dialog,
            )

        dialog.submitted.connect(write)
        dialog.exec()

    def makeup(self) -> None:
        from core.common.operator import operator_name
        from core.ledger.awards import makeup_checkin
        from ui.ledger.dialogs import MakeupDialog

        if self.member_id is None:
            return
        cost = next((r.points for r in self.rules if r.code == "makeup_checkin"), 0)
        dialog = MakeupDialog(self.member_name, cost, parent=self)
        if dialog.exec() != MakeupDialog.DialogCode.Accepted:
            return
        member_id, day, operator = self.member_id, dialog.day_value(), operator_name()
        self._write(
            lambda s: makeup_checkin(s, member_id, day, operator=operator),
            self.tr("正在补签…"),
        )

    def reverse(self) -> None:
        from core.common.operator import operator_name
        from core.ledger.entries import reverse

        line = _selected(self.statement_table, self.statement_model)
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
        self._write(
            lambda s: reverse(s, entry_id, reason=reason, operator=operator),
            self.tr("正在冲正…"),
        )

    def edit_rule(self) -> None:
        rule = _selected(self.rules_table, self.rules_model)
        if rule is not None:
            self._open_rule(rule, new=False)

    def new_rule(self) -> None:
        from core.ledger.rules import RuleSpec

        self._open_rule(RuleSpec("", "custom", "", 10, qualifying=False), new=True)

    def _open_rule(self, rule, *, new: bool) -> None:
        from core.common.operator import operator_name
        from core.ledger.rules import RuleSpec, save_rule
        from ui.ledger.dialogs import RuleDialog

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
        self._write(lambda s: save_rule(s, result, operator=operator), self.tr("正在保存规则…"))

    def new_reward(self) -> None:
        self._open_reward(None)

    def edit_reward(self) -> None:
        row = _selected(self.rewards_table, self.rewards_model)
        if row is not None:
            self._open_reward(row)

    def _open_reward(self, row) -> None:
        from core.ledger.catalogue import save_reward
        from ui.ledger.dialogs import RewardDialog

        picture = self.reward_pictures.get(row.id) if row is not None else None
        dialog = RewardDialog(row, picture, parent=self)
        if dialog.exec() != RewardDialog.DialogCode.Accepted:
            return
        spec, reward_id = dialog.result_spec(), row.id if row else None
        self._write(lambda s: save_reward(s, spec, reward_id), self.tr("正在保存奖品…"))

    def _redemption_move(self, status: str, reason: str = "") -> None:
        from core.common.operator import operator_name
        from core.ledger.catalogue import set_redemption_status

        row = _selected(self.redemptions_table, self.redemptions_model)
        if row is None:
            QMessageBox.information(self, self.tr("兑换发放"), self.tr("请先选择一条兑换记录"))
            return
        record_id, operator = row.id, operator_name()
        self._write(
            lambda s: set_redemption_status(s, record_id, status, operator=operator, reason=reason),
            self.tr("正在更新兑换状态…"),
        )

    def deliver(self) -> None:
        self._redemption_move("delivered")

    def cancel_redemption(self) -> None:
        row = _selected(self.redemptions_table, self.redemptions_model)
        if row is None:
            self._redemption_move("cancelled")
            return
        reason, ok = QInputDialog.getText(
            self,
            self.tr("取消兑换"),
            self.tr(
                "取消兑换 {code}（{reward}），%n 积分将退还给成员。原因：", "", row.points
            ).format(code=row.code, reward=row.reward_name),
        )
        if ok:
            self._redemption_move("cancelled", reason)

    def use_by_code(self) -> None:
        from core.common.operator import operator_name
        from core.ledger.catalogue import find_redemption, set_redemption_status

        code = self.redemption_code.text().strip()
        if not code:
            return
        operator = operator_name()

        def work(session):
            record_id = find_redemption(session, code)
            set_redemption_status(session, record_id, "used", operator=operator)
            return code.upper()

        self.redemption_code.clear()
        self._write(work, self.tr("正在核销…"), self.tr("兑换码 {result} 已核销"))

    def save_value(self) -> None:
        from core.ledger.liability import set_yuan_per_point

        text = self.yuan_per_point.text()
        self.yuan_per_point.clearFocus()
        self._write(lambda s: set_yuan_per_point(s, text), self.tr("正在保存…"))

    def copy_reminder(self) -> None:
        row = _selected(self.expiring_table, self.expiring_model)
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

    # ----- export --------------------------------------------------------------------------

    def export_statement(self) -> None:
        if self.member_id is not None:
            self._export([self.member_id], f"{self.member_name}-积分对账单.xlsx")

    def export_all(self) -> None:
        self._export(None, "积分台账.xlsx")

    def _export(self, member_ids: list[int] | None, suggested: str) -> None:
        from pathlib import Path

        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("导出 Excel"), suggested, self.tr("Excel 文件 (*.xlsx)")
        )
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        database = self.database

        def work(progress, cancelled):
            from core.ledger.export import export_ledger

            with database.session() as session:
                return export_ledger(
                    session,
                    Path(path),
                    member_ids=member_ids,
                    progress=progress,
                    cancelled=cancelled,
                )

        def done(result) -> None:
            QMessageBox.information(
                self,
                self.tr("导出完成"),
                self.tr(
                    "已导出 {members} 位成员、{entries} 笔流水到\n{path}\n手机号和微信号已打码。"
                ).format(members=result.members, entries=result.entries, path=result.path),
            )

        run_task(self, work, label=self.tr("正在导出…"), on_success=done)
