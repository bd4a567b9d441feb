"""审核: a campaign's held rewards (风控审核队列), the reviewers' decisions and settling.

The queue lists each held reward with the member, the invitee it rests on, the points or
prize, when it was earned, the review deadline (overdue ones first, marked) and the reasons
(the fraud signals, in the interface's language). A reviewer approves, rejects (a reason is
required) or blacklists the member (a reason is required; the dialog says how many of their
rewards it voids). The moderation mode is the campaign settings' 风控 → 审核方式, saved through
core's settings validation. 结算奖励 first shows what settling would do (core's settle, rolled
back), then applies it. Every write announces CAMPAIGNS and POINTS.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ui.campaigns.page import CampaignPage
from ui.campaigns.reason_dialog import ReasonDialog
from ui.common.changes import Change, changes
from ui.common.empty_state import EmptyState, EmptySwitch
from ui.common.errors import show_error
from ui.common.i18n import shown
from ui.common.list_model import ListTableModel
from ui.common.tasks import while_alive
from ui.common.widgets import combo_fits, confirm, push_button, section_title
from ui.ledger.common import make_table, selected, time_text

if TYPE_CHECKING:
    from core.workflows.campaign_review_board import HeldReward, ReviewBoard
    from ui.common.tab import FeatureTab

WRITES = changes(Change.CAMPAIGNS, Change.POINTS)
ALL, FLAGGED, OVERDUE = "all", "flagged", "overdue"


class ReviewPage(CampaignPage):
    def __init__(self, tab: FeatureTab, parent: QWidget | None = None) -> None:
        super().__init__(tab, parent)
        self.setObjectName("campaign_review_page")
        self.board: ReviewBoard | None = None

        self.show_filter = QComboBox()
        self.show_filter.setObjectName("campaign_review_filter")
        self.show_filter.addItem(self.tr("全部待审核"), ALL)
        self.show_filter.addItem(self.tr("有风险信号的"), FLAGGED)
        self.show_filter.addItem(self.tr("已超期的"), OVERDUE)
        combo_fits(self.show_filter, [self.show_filter.itemText(i) for i in range(3)])
        self.show_filter.currentIndexChanged.connect(lambda _i: self._show_queue())
        self.approve_button = push_button("campaign_review_approve", self.tr("通过"), self.approve)
        self.approve_button.setProperty("primary", True)
        self.reject_button = push_button("campaign_review_reject", self.tr("驳回…"), self.reject)
        self.blacklist_button = push_button(
            "campaign_review_blacklist", self.tr("拉黑成员…"), self.blacklist
        )
        self.settle_button = push_button("campaign_settle", self.tr("结算奖励…"), self.settle)
        self.settle_button.setToolTip(
            self.tr("按当前数据重算奖励：积分记入账本（待生效、收回、冲正），奖品进发放队列")
        )
        actions = QHBoxLayout()
        actions.addWidget(self.show_filter)
        actions.addWidget(self.approve_button)
        actions.addWidget(self.reject_button)
        actions.addWidget(self.blacklist_button)
        actions.addStretch(1)
        actions.addWidget(self.settle_button)

        self.mode = QComboBox()
        self.mode.setObjectName("campaign_review_mode")
        for mode, text in self._mode_labels().items():
            self.mode.addItem(text, mode)
        combo_fits(self.mode, list(self._mode_labels().values()))
        self.mode.currentIndexChanged.connect(lambda _i: self._mode_edited())
        self.mode_save = push_button("campaign_review_mode_save", self.tr("保存"), self.save_mode)
        self.mode_save.setEnabled(False)
        self.summary = QLabel()
        self.summary.setObjectName("campaign_review_summary")
        self.summary.setProperty("muted", True)
        self.summary.setWordWrap(True)  # beside the mode it ran past a laptop window's edge
        mode_row = QHBoxLayout()
        mode_row.addWidget(QLabel(self.tr("审核方式")))
        mode_row.addWidget(self.mode)
        mode_row.addWidget(self.mode_save)
        mode_row.addSpacing(16)
        mode_row.addWidget(self.summary, 1)

        self.queue_model = ListTableModel(
            [
                (self.tr("成员"), lambda r: r.member),
                (self.tr("被邀请人"), lambda r: r.related),
                (self.tr("奖励"), self._reward_text),
                (self.tr("获得时间"), lambda r: time_text(r.earned_at)),
                (self.tr("审核截止"), lambda r: time_text(r.review_by)),
                (self.tr("超期"), lambda r: self.tr("已超期") if r.overdue else ""),
                (self.tr("原因"), self._reasons_text),
            ],
            parent=self,
        )
        self.queue_table = make_table(
            "campaign_review_queue", self.queue_model, (110, 110, 80, 130, 130, 60)
        )
        self.queue_table.selectionModel().selectionChanged.connect(lambda *_a: self._update())
        self.queue_empty = EmptyState(
            "campaign_review_empty",
            "inbox",
            self.tr("没有待审核的奖励"),
            self._empty_text(None, ALL),
        )
        self.queue_switch = EmptySwitch(self.queue_table, self.queue_empty)

        self.history_model = ListTableModel(
            [
                (self.tr("时间"), lambda r: time_text(r.record.at)),
                (self.tr("审核人"), lambda r: r.record.who),
                (self.tr("操作"), lambda r: self._action_labels().get(r.record.action, "")),
                (self.tr("成员"), lambda r: r.member),
                (self.tr("原因"), lambda r: r.record.why),
            ],
            parent=self,
        )
        self.history_table = make_table(
            "campaign_review_history", self.history_model, (130, 90, 60, 110)
        )
        history_title = section_title(self.tr("审核记录"))
        history = QWidget()
        history_layout = QVBoxLayout(history)
        history_layout.setContentsMargins(0, 6, 0, 0)
        history_layout.addWidget(history_title)
        history_layout.addWidget(self.history_table, 1)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("campaign_review_splitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.queue_switch)
        splitter.addWidget(history)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.setSpacing(10)
        layout.addLayout(actions)
        layout.addLayout(mode_row)
        layout.addWidget(splitter, 1)
        self._update()

    # ----------------------------------------------------------------------------- labels

    def title(self) -> str:
        return self.tr("审核")

    def _mode_labels(self) -> dict[str, str]:
        return {
            "hold_flagged": self.tr("只审核有风险信号的（其余自动通过）"),
            "hold_all": self.tr("全部人工审核"),
            "approve_clean": self.tr("不审核：无风险的通过，有风险的驳回"),
        }

    def _action_labels(self) -> dict[str, str]:
        return {
            "approve": self.tr("通过"),
            "reject": self.tr("驳回"),
            "blacklist": self.tr("拉黑"),
        }

    def _reasons_text(self, row: HeldReward) -> str:
        if not row.reasons:
            return self.tr("无风险信号")
        return self.tr("；").join(shown(text) for text in row.reasons)

    def _reward_text(self, row: HeldReward) -> str:
        parts = []
        if row.points:
            parts.append(self.tr("%n 分", "", row.points))
        if row.prize:
            parts.append(row.prize)
        return " + ".join(parts)

    # ------------------------------------------------------------------------------ reads

    def reload(self) -> None:
        campaign_id = self.campaign_id
        if campaign_id is None:
            self._show(None)
            return
        from core.workflows.campaign_review_board import review_board

        self.tab.tasks.read(lambda session: review_board(session, campaign_id), self._show)

    def _show(self, board: ReviewBoard | None) -> None:
        if board is not None and board.campaign_id != self.campaign_id:
            return  # another campaign was picked while this one loaded
        self.board = board
        self.history_model.set_items(board.history if board else [])
        index = self.mode.findData(board.mode if board else "hold_flagged")
        self.mode.blockSignals(True)
        self.mode.setCurrentIndex(max(index, 0))
        self.mode.blockSignals(False)
        self.mode_save.setEnabled(False)
        self._show_queue()

    def _show_queue(self) -> None:
        board = self.board
        rows = board.queue if board else []
        wanted = self.show_filter.currentData()
        if wanted == FLAGGED:
            rows = [row for row in rows if row.flagged]
        elif wanted == OVERDUE:
            rows = [row for row in rows if row.overdue]
        self.queue_model.set_items(rows)
        if rows:
            self.queue_table.selectRow(0)
        self.queue_switch.set_empty(not rows)
        self.queue_empty.set_text(self._empty_text(board, wanted))
        if board is None:
            self.summary.setText("")
        else:
            overdue = sum(1 for row in board.queue if row.overdue)
            flagged = sum(1 for row in board.queue if row.flagged)
            self.summary.setText(
                self.tr("待审核 {held} 条：有风险信号 {flagged}，已超期 {overdue}；审核期限 %n 天",
                        "", board.review_days).format(
                    held=len(board.queue), flagged=flagged, overdue=overdue
                )
            )  # fmt: skip
        self._update()

    def _empty_text(self, board: ReviewBoard | None, wanted: str) -> str:
        if board is None:
            return self.tr("在左侧选一个活动，这里列出它等待人工审核的奖励。")
        if board.queue and wanted != ALL:
            return self.tr("没有符合筛选条件的奖励。")
        if board.mode == "approve_clean":
            return self.tr("本活动不人工审核：有风险信号的奖励自动驳回，其余自动通过。")
        if board.mode == "hold_all":
            return self.tr("每条奖励都会先在这里等待人工审核。")
        return self.tr("有风险信号的奖励会在这里等待人工审核，其余自动通过。")

    def current(self) -> HeldReward | None:
        return selected(self.queue_table, self.queue_model)

    def _update(self) -> None:
        has_row = self.current() is not None and not self.queue_switch.is_empty()
        for button in (self.approve_button, self.reject_button, self.blacklist_button):
            button.setEnabled(has_row)
        self.settle_button.setEnabled(self.board is not None and self.board.status != "draft")
        self.mode.setEnabled(self.board is not None)

    def _mode_edited(self) -> None:
        self.mode_save.setEnabled(
            self.board is not None and self.mode.currentData() != self.board.mode
        )

    # ----------------------------------------------------------------------------- writes

    def _write(self, work, label: str, then=None) -> None:
        def done(result) -> None:
            self.reload()
            if then is not None:
                then(result)

        def failed(error: BaseException) -> None:
            show_error(self, error)
            self.reload()  # refused on a queue gone stale (another reviewer, the CLI): redraw

        self.tab.tasks.write(
            work, label=label, changes=WRITES, then=done, on_failure=while_alive(self, failed)
        )

    def _review(self, action: str, *, key=None, member_id=None, why: str = "") -> None:
        from core.workflows.campaign_rewards import review

        campaign = str(self.campaign_id)
        self._write(
            lambda session: review(
                session, campaign, action, key=key, member_id=member_id, why=why
            ),
            self.tr("正在记录审核…"),
        )

    def approve(self) -> None:
        row = self.current()
        if row is not None:
            self._review("approve", key=row.key)

    def reject(self) -> None:
        row = self.current()
        if row is None:
            return
        said = self.tr("驳回 {member} 的这条奖励（{reward}）：奖励作废，已记入账本的会收回。")
        dialog = ReasonDialog(
            "campaign_reject_dialog",
            self.tr("驳回奖励"),
            said.format(member=row.member, reward=self._reward_text(row)),
            self.tr("驳回"),
            self,
        )
        if dialog.exec() == ReasonDialog.DialogCode.Accepted:
            self._review("reject", key=row.key, why=dialog.why())

    def blacklist(self) -> None:
        row = self.current()
        if row is None:
            return
        from core.workflows.campaign_review_board import blacklist_voids

        campaign_id, member_id = self.campaign_id, row.member_id
        self.tab.tasks.read(
            lambda session: blacklist_voids(session, campaign_id, member_id),
            lambda count: self._ask_blacklist(row, count),
        )

    def _ask_blacklist(self, row: HeldReward, count: int) -> None:
        dialog = ReasonDialog(
            "campaign_blacklist_dialog",
            self.tr("拉黑成员"),
            self.tr(
                "拉黑 {member}：本活动中 %n 条尚未生效的奖励将作废，以后的活动也不再给他奖励。",
                "",
                count,
            ).format(member=row.member),
            self.tr("拉黑"),
            self,
        )
        if dialog.exec() == ReasonDialog.DialogCode.Accepted:
            self._review("blacklist", member_id=row.member_id, why=dialog.why())

    def save_mode(self) -> None:
        from core.campaigns.records import find_campaign
        from core.campaigns.reviewing import set_review_mode

        campaign, mode = str(self.campaign_id), self.mode.currentData()
        self._write(
            lambda session: set_review_mode(session, find_campaign(session, campaign), mode),
            self.tr("正在保存审核方式…"),
        )

    def settle(self) -> None:
        from core.workflows.campaign_review_board import preview_settle

        campaign_id = self.campaign_id
        # A write session that keeps nothing: settle runs and is rolled back (SQLite's
        # write lock taken up front, as settle itself will take it).
        self.tab.tasks.write(
            lambda session: preview_settle(session, campaign_id),
            label=self.tr("正在计算结算结果…"),
            changes=changes(),
            then=self._confirm_settle,
        )

    def _confirm_settle(self, preview) -> None:
        from core.workflows.campaign_rewards import settle

        text = self.settled_text(preview) + "\n\n" + self.tr("现在结算吗？")
        if not confirm(
            self,
            "campaign_settle_confirm",
            self.tr("结算奖励"),
            text,
            self.tr("结算"),
            QMessageBox.Icon.Question,
        ):
            return
        campaign = str(self.campaign_id)
        self._write(
            lambda session: settle(session, campaign),
            self.tr("正在结算…"),
            then=self._settled,
        )

    def _settled(self, result) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Information,
            self.tr("结算完成"),
            self.settled_text(result),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setObjectName("campaign_settled_box")
        box.open()

    def settled_text(self, result) -> str:
        """What a settle did (or, previewed, would do), in the interface's language."""
        counts = result.counts()
        lines = [
            self.tr(
                "奖励 %n 条：待生效 {pending}、已生效 {approved}、待审核 {held}、作废 {void}",
                "",
                sum(counts.values()),
            ).format(
                pending=counts.get("pending", 0),
                approved=counts.get("approved", 0),
                held=counts.get("held", 0),
                void=counts.get("void", 0),
            ),
            self.tr(
                "入账 {n} 笔共 {points} 分，收回 {back} 笔，冲正 {rev} 笔，暂缓 {wait} 条"
            ).format(
                n=result.awarded,
                points=result.awarded_points,
                back=result.clawed_back,
                rev=result.reversed,
                wait=result.waiting,
            ),
        ]
        if result.prizes:
            said = self.tr("奖品 {prizes} 条：新进发放 {issued}，推进 {moved}，取消 {cancelled}")
            lines.append(
                said.format(
                    prizes=result.prizes,
                    issued=result.issued,
                    moved=result.moved,
                    cancelled=result.cancelled,
                )
            )
        lines += [self.tr("未能收回：{why}").format(why=shown(line)) for line in result.stuck]
        return "\n".join(lines)
