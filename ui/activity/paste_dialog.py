"""粘贴接龙: paste a WeChat 接龙, see who matched, resolve the rest, record the check-ins.

A name that fits several members equally well is a question: its row offers the candidates to
pick from and nothing is recorded for it until one is picked. A match that was found only after
letting brackets, emoji or the spelling go says so, for the operator to check."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QPlainTextEdit,
    QSplitter,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.activity.paste import PastePlan, plan_paste
from core.common.database import Database
from core.workflows.activity import record_paste
from ui.common.i18n import shown
from ui.common.screen_fit import fit_to_screen
from ui.common.tasks import TaskGroup
from ui.common.widgets import push_button, read_only_table, wrapping_label
from ui.members.community_choice import community_box

SKIP = -1


class PasteDialog(QDialog):
    """Two steps in one window: 识别名单 (match, nothing written), then 记录签到 (one commit)."""

    recorded = Signal(int)  # check-ins added

    def __init__(
        self, database: Database, community_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("pasteDialog")
        self.setWindowTitle(self.tr("粘贴接龙，记录签到"))
        self.database = database
        self.tasks = TaskGroup(self)
        self.plan: PastePlan | None = None

        self.community = community_box(database, "pasteCommunity", community_id)
        self.use_title_date = QCheckBox(self.tr("按接龙标题里的日期（没有时用右边的日期）"))
        self.use_title_date.setObjectName("pasteUseTitleDate")
        self.use_title_date.setChecked(True)
        self.day = QDateEdit(QDate.currentDate())
        self.day.setObjectName("pasteDate")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.day.setMaximumDate(QDate.currentDate())
        day_row = QHBoxLayout()
        day_row.addWidget(self.use_title_date)
        day_row.addWidget(self.day)
        day_row.addStretch(1)
        form = QFormLayout()
        form.addRow(self.tr("社群"), self.community)
        form.addRow(self.tr("打卡日期"), day_row)

        self.text = QPlainTextEdit()
        self.text.setObjectName("pasteText")
        self.text.setPlaceholderText(
            self.tr(
                "在微信里长按整条接龙消息 → 复制，粘贴到这里。\n例如：\n#接龙\n1. 张小凡 已打卡"
            )
        )
        self.text.textChanged.connect(self._invalidate)
        self.community.currentIndexChanged.connect(self._invalidate)
        self.use_title_date.toggled.connect(self._invalidate)
        self.day.dateChanged.connect(self._invalidate)

        self.results = read_only_table(
            "pasteResults",
            [self.tr("接龙里的名字"), self.tr("成员"), self.tr("匹配方式"), self.tr("状态")],
            stretch=1,
            alternating=False,
        )

        splitter = QSplitter()
        splitter.addWidget(self.text)
        splitter.addWidget(self.results)
        splitter.setSizes([360, 560])

        self.summary = wrapping_label(
            "pasteSummary", self.tr("粘贴后点「识别名单」：先看匹配结果，确认后才记录。")
        )
        self.parse_button = push_button("pasteParse", self.tr("识别名单"), lambda: self.match())
        self.record_button = push_button("pasteRecord", self.tr("记录签到"), self.record)
        self.record_button.setEnabled(False)
        self.record_button.setDefault(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.parse_button)
        bottom.addWidget(self.record_button)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        layout.setSpacing(12)
        layout.addLayout(form)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        fit_to_screen(self, 1000, 620)

    # ----- matching ---------------------------------------------------------------------

    def _invalidate(self) -> None:
        self.plan = None
        self.record_button.setEnabled(False)

    def _chosen_day(self) -> date | None:
        return None if self.use_title_date.isChecked() else self.day.date().toPython()

    def _chosen_members(self) -> dict[str, int]:
        chosen = {}
        for row in range(self.results.rowCount()):
            combo = self.results.cellWidget(row, 1)
            if isinstance(combo, QComboBox) and combo.currentData() not in (None, SKIP):
                chosen[self.results.item(row, 0).text()] = combo.currentData()
        return chosen

    def match(self, then=None) -> None:
        """Match the pasted names (nothing is written); `then(plan)` runs afterwards."""
        text = self.text.toPlainText()
        community_id = self.community.currentData()
        if community_id is None:
            self.summary.setText(self.tr("请先在社群页建立社群"))
            return
        day, chosen = self._chosen_day(), self._chosen_members()
        fallback_day = self.day.date().toPython()
        self.tasks.read(
            lambda session: plan_paste(
                session, text, community_id, day=day, chosen=chosen, default_day=fallback_day
            ),
            lambda plan: self._show(plan, then),
            label=self.tr("正在匹配名单…"),
        )

    def _show(self, plan: PastePlan, then=None) -> None:
        previous = self._chosen_members()
        self.plan = plan
        rows = [(m.name, m) for m in plan.matched] + [(u.name, u) for u in plan.unmatched]
        self.results.setRowCount(len(rows))
        how_names = {
            "group_nickname": self.tr("群昵称"),
            "nickname": self.tr("昵称"),
            "remark": self.tr("备注名"),
            "wechat_id": self.tr("微信号"),
            "pinyin": self.tr("拼音相同"),
            "chosen": self.tr("手动选择"),
        }
        for row, (name, item) in enumerate(rows):
            self.results.setItem(row, 0, QTableWidgetItem(name))
            self.results.removeCellWidget(row, 1)
            if hasattr(item, "member_id"):
                self.results.setItem(row, 1, QTableWidgetItem(shown(item.member_name)))
                how = how_names[item.matched_by]
                if not item.exact:
                    how = self.tr("{how}（近似，请核对）").format(how=how)
                self.results.setItem(row, 2, QTableWidgetItem(how))
                status = self.tr("当天已记录") if item.already_recorded else self.tr("将记录")
                self.results.setItem(row, 3, QTableWidgetItem(status))
            elif item.candidates:
                combo = QComboBox()
                combo.setObjectName(f"pasteChoice_{row}")
                combo.addItem(self.tr("跳过（不记录）"), SKIP)
                # Told apart by 群昵称, other groups and phone tail, not by an id.
                texts = [
                    shown(item.descriptions.get(member_id, member_name))
                    for member_id, member_name in item.candidates
                ]
                for (member_id, _name), text in zip(item.candidates, texts, strict=True):
                    same = texts.count(text) > 1  # nothing at all tells them apart
                    combo.addItem(f"{text} · #{member_id}" if same else text, member_id)
                if name in previous:
                    combo.setCurrentIndex(max(0, combo.findData(previous[name])))
                combo.currentIndexChanged.connect(self._invalidate_choice)
                self.results.setItem(row, 1, QTableWidgetItem(""))
                self.results.setCellWidget(row, 1, combo)
                same = self.tr("{n} 人都可能是").format(n=len(item.candidates))
                self.results.setItem(row, 2, QTableWidgetItem(same))
                self.results.setItem(row, 3, QTableWidgetItem(self.tr("请选择")))
            else:
                self.results.setItem(row, 1, QTableWidgetItem(""))
                self.results.setItem(row, 2, QTableWidgetItem(self.tr("没有找到")))
                self.results.setItem(row, 3, QTableWidgetItem(self.tr("不记录")))
        already = sum(m.already_recorded for m in plan.matched)
        parts = [
            self.tr(
                "{community} {day}：匹配 {matched} 人，将记录 %n 次签到", "", len(plan.to_add)
            ).format(community=plan.community, day=plan.day.isoformat(), matched=len(plan.matched))
        ]
        if already:
            parts.append(self.tr("{n} 人当天已记录，不会重复").format(n=already))
        questions = sum(u.ambiguous for u in plan.unmatched)
        if questions:
            parts.append(self.tr("待选择 {n} 人").format(n=questions))
        if len(plan.unmatched) > questions:
            parts.append(self.tr("没有找到 {n} 人").format(n=len(plan.unmatched) - questions))
        skipped = plan.duplicates + plan.same_member
        if skipped:
            parts.append(self.tr("重复只算一次：{names}").format(names="、".join(skipped)))
        self.summary.setText("；".join(parts))
        self.record_button.setEnabled(bool(plan.to_add))
        if then is not None:
            then(plan)

    def _invalidate_choice(self) -> None:
        """A resolved name needs matching again before recording (cheap, and it re-checks)."""
        self.record_button.setEnabled(True)
        self.plan = None

    # ----- recording --------------------------------------------------------------------

    def record(self) -> None:
        if self.plan is None:
            self.match(then=lambda _plan: self._record())
        else:
            self._record()

    def _record(self) -> None:
        plan = self.plan
        if plan is None or not plan.to_add:
            return

        def done(added: int) -> None:
            self.recorded.emit(added)  # the opener announces it
            self.summary.setText(self.tr("已记录 %n 次签到", "", added))
            self.record_button.setEnabled(False)
            self.plan = None

        self.tasks.write(
            lambda session: record_paste(session, plan).added,
            label=self.tr("正在记录签到…"),
            changes=frozenset(),
            then=done,
        )
