"""概况: the picked campaign's status with the steps it may take next, its live counts
(core/campaigns/live.py, from the report's figures), the phase checklist, and the owner's
复盘 notes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ui.campaigns.page import CampaignPage
from ui.common.changes import Change, changes
from ui.common.flow_layout import FlowLayout
from ui.common.i18n import shown
from ui.common.icons import icon_pixmap
from ui.common.screen_fit import scrolling
from ui.common.theme import current_theme, theme_manager
from ui.common.widgets import confirm, push_button, section_title, warning_label
from ui.ledger.common import make_card

PART_WIDTH = 420  # px: a subtitle part wider than this is elided
STATE_ICONS = {"done": "circle-check", "missing": "circle-x", "warning": "triangle-alert"}


class OverviewPage(CampaignPage):
    def __init__(self, tab, parent: QWidget | None = None) -> None:
        super().__init__(tab, parent)
        self.setObjectName("campaign_overview")
        self.live = None
        self.fields: dict | None = None
        self.subtitle_texts: list[str] = []

        self.title_label = QLabel()
        self.title_label.setObjectName("campaign_title")
        self.title_label.setProperty("pageTitle", True)
        # type · status · goal · owner: a line breaks only between two parts, never inside
        # one (a goal or a name broken over two lines read as two things)
        self.subtitle = QWidget()
        self.subtitle.setObjectName("campaign_subtitle")
        self.subtitle_parts = FlowLayout(self.subtitle, spacing=6)
        self.subtitle_parts.setContentsMargins(0, 0, 0, 0)
        self.edit_button = push_button("campaign_edit", self.tr("编辑…"), self._edit)
        # 海报裂变 (and any campaign people take part in): the poster batch for its codes
        self.posters_button = push_button("campaign_posters", self.tr("生成海报…"), self._posters)
        self.posters_button.hide()
        self.status_buttons = QHBoxLayout()
        self.status_buttons.setSpacing(8)
        head = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.title_label)
        titles.addWidget(self.subtitle)
        head.addLayout(titles, 1)
        head.addLayout(self.status_buttons)
        head.addWidget(self.posters_button, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)

        self.values: dict[str, QLabel] = {}
        cards = QGridLayout()
        cards.setSpacing(10)
        for index, (key, caption) in enumerate(
            (
                ("participants", self.tr("参与者")),
                ("new_members", self.tr("新成员")),
                ("rewards", self.tr("奖励 已发/待生效/待审")),
                ("spent", self.tr("奖品成本 / 总预算")),
                ("points", self.tr("奖励积分")),
                ("days_left", self.tr("剩余天数")),
            )
        ):
            frame, value = make_card(f"campaign_stat_{key}", caption)
            self.values[key] = value
            cards.addWidget(frame, index // 3, index % 3)

        self.problems = warning_label("campaign_problems")
        self.problems.hide()

        checklist_title = section_title(self.tr("活动清单"))
        self.checklist = QGridLayout()
        self.checklist.setHorizontalSpacing(10)
        self.checklist.setVerticalSpacing(6)
        self.checklist.setColumnStretch(2, 1)
        checklist_box = QWidget()
        checklist_box.setObjectName("campaign_checklist")
        checklist_box.setLayout(self.checklist)

        self.notes_title = section_title(self.tr("复盘笔记"))
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("campaign_notes")
        self.notes.setPlaceholderText(self.tr("这次活动哪里做得好、哪里要改：下次活动的参考"))
        self.notes.setFixedHeight(90)
        self.notes_save = push_button("campaign_notes_save", self.tr("保存笔记"), self._save_notes)
        notes_row = QHBoxLayout()
        notes_row.addStretch(1)
        notes_row.addWidget(self.notes_save)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 12, 12, 12)
        layout.setSpacing(10)
        layout.addLayout(head)
        layout.addLayout(cards)
        layout.addWidget(self.problems)
        layout.addWidget(checklist_title)
        layout.addWidget(checklist_box)
        layout.addWidget(self.notes_title)
        layout.addWidget(self.notes)
        layout.addLayout(notes_row)
        layout.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scrolling(body, "campaign_overview_scroll"))
        theme_manager().theme_changed.connect(self._retint)

    def title(self) -> str:
        return self.tr("概况")

    def reload(self) -> None:
        if self.campaign_id is None:
            self._clear()
            return
        from core.campaigns.live import campaign_live
        from core.campaigns.records import campaign_fields
        from core.workflows.campaign_posters import poster_refusal

        campaign_id = self.campaign_id
        shared = getattr(self.tab, "shared_decisions", None)  # the 参与者 page's, if just made

        def read(session):
            return (
                campaign_fields(session, campaign_id),
                campaign_live(session, campaign_id, shared=shared),
                poster_refusal(session, campaign_id),
            )

        self.tab.tasks.read(read, self._show)

    # ----- showing --------------------------------------------------------------------------

    def _clear(self) -> None:
        self.fields = self.live = None
        self.posters_button.hide()
        self.title_label.setText("")
        self._set_subtitle([])
        self._fill_status_buttons(None)
        for value in self.values.values():
            value.setText("—")
        self._fill_checklist([])

    def _show(self, result) -> None:
        from core.campaigns.records import GOAL_LABELS, KIND_LABELS, STATUS_LABELS

        fields, live, poster_refusal = result
        if fields["id"] != self.campaign_id:
            return  # another campaign was picked meanwhile
        self._fill_posters_button(fields, live, poster_refusal)
        self.fields, self.live = fields, live
        self.title_label.setText(fields["name"])
        parts = [shown(KIND_LABELS[fields["kind"]]), shown(STATUS_LABELS[fields["status"]])]
        if fields["goal_target"]:
            target = fields["goal_target"]
            if fields["goal_kind"] == "sales":
                goal = self.tr("目标 ¥{amount:,}").format(amount=target // 100)
            else:
                goal = self.tr("目标 {count} {what}").format(
                    count=target, what=shown(GOAL_LABELS[fields["goal_kind"]])
                )
            parts.append(goal)
        if fields["owner"]:
            parts.append(self.tr("负责人 {name}").format(name=fields["owner"]))
        self._set_subtitle(parts)
        self._fill_status_buttons(fields["status"])
        self._fill_values(live)
        self.problems.setText("\n".join(shown(p) for p in live.problems))
        self.problems.setVisible(bool(live.problems))
        self._fill_checklist(live.items)
        if not self.notes.hasFocus():
            self.notes.setPlainText(live.notes)

    def _set_subtitle(self, parts: list[str]) -> None:
        """One unwrapped label per part, its separator kept at its end; a part longer than
        PART_WIDTH is elided, whole in its tooltip."""
        while self.subtitle_parts.count():
            widget = self.subtitle_parts.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.subtitle_texts = list(parts)
        for index, part in enumerate(parts):
            label = QLabel()
            label.setObjectName(f"campaign_subtitle_part_{index}")
            label.setProperty("muted", True)
            self.subtitle_parts.addWidget(label)  # parented first: the style's font applies
            label.ensurePolished()
            separator = " ·" if index < len(parts) - 1 else ""
            metrics = label.fontMetrics()
            whole = part + separator
            if metrics.horizontalAdvance(whole) > PART_WIDTH:
                shown_text = metrics.elidedText(
                    part, Qt.TextElideMode.ElideRight,
                    PART_WIDTH - metrics.horizontalAdvance(separator),
                ) + separator  # fmt: skip
                label.setToolTip(part)
            else:
                shown_text = whole
            label.setText(shown_text)
        self.subtitle.updateGeometry()

    def subtitle_text(self) -> str:
        """The subtitle as one line (for tests)."""
        return " · ".join(self.subtitle_texts)

    def _fill_values(self, live) -> None:
        r = live.rewards
        self.values["participants"].setText(f"{live.participants:,}")
        self.values["new_members"].setText(f"{live.new_members:,}")
        self.values["rewards"].setText(
            f"{r.get('approved', 0)} / {r.get('pending', 0)} / {r.get('held', 0)}"
        )
        budget = "—" if live.budget_total is None else f"¥{live.budget_total:,.0f}"
        self.values["spent"].setText(f"¥{live.cost:,.0f} / {budget}")
        self.values["points"].setText(f"{live.points:,}")
        if live.days_left is None:
            self.values["days_left"].setText(self.tr("未设结束"))
        else:
            self.values["days_left"].setText(str(live.days_left))

    def _fill_checklist(self, items) -> None:
        """One line per item in three aligned columns (mark, what, why), under its phase."""
        from core.campaigns.checklist import PHASE_LABELS

        while self.checklist.count():
            widget = self.checklist.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        phase, row = None, 0
        for item in items:
            if item.phase != phase:
                phase = item.phase
                caption = QLabel(shown(PHASE_LABELS[phase]))
                caption.setProperty("muted", True)
                self.checklist.addWidget(caption, row, 0, 1, 3)
                row += 1
            for column, widget in enumerate(_check_row(item)):
                self.checklist.addWidget(widget, row, column, Qt.AlignmentFlag.AlignTop)
            row += 1

    def _fill_posters_button(self, fields: dict, live, refusal: str | None) -> None:
        """Offered on a 海报裂变 and on any campaign with participants; when posters cannot be
        for it now (a type without codes, or ended), greyed with the reason."""
        self.posters_button.setVisible(fields["kind"] == "poster" or live.participants > 0)
        self.posters_button.setEnabled(refusal is None)
        self.posters_button.setToolTip(
            shown(refusal)
            if refusal is not None
            else self.tr("在「海报」页批量生成海报，每张带成员在本活动的邀请码")
        )

    def _retint(self, _theme=None) -> None:
        """The marks are drawn in the theme's colours: draw them again in the new ones."""
        if self.live is not None:
            self._fill_checklist(self.live.items)

    def _fill_status_buttons(self, status: str | None) -> None:
        from core.campaigns.records import TRANSITIONS

        while self.status_buttons.count():
            widget = self.status_buttons.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.edit_button.setEnabled(status is not None)
        if status is None:
            return
        for target in TRANSITIONS[status]:
            button = push_button(
                f"campaign_status_{target}",
                self._step_text(status, target),
                lambda _checked=False, t=target: self._step(t),
            )
            button.setProperty("primary", target in ("running", "reviewed"))
            self.status_buttons.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)

    def _step_text(self, status: str, target: str) -> str:
        if target == "running":
            return self.tr("继续活动") if status == "paused" else self.tr("开始活动")
        return {
            "paused": self.tr("暂停"),
            "ended": self.tr("结束活动"),
            "reviewed": self.tr("完成复盘"),
        }[target]

    def status_targets(self) -> list[str]:
        """The statuses the buttons offer now (for tests)."""
        names = []
        for index in range(self.status_buttons.count()):
            widget = self.status_buttons.itemAt(index).widget()
            if widget is not None:
                names.append(widget.objectName().removeprefix("campaign_status_"))
        return names

    # ----- actions --------------------------------------------------------------------------

    def _step(self, target: str) -> None:
        if self.campaign_id is None or self.fields is None:
            return
        if target == "ended" and not confirm(
            self,
            "campaign_end_confirm",
            self.tr("结束活动"),
            self.tr("结束后不能再重新开始，只能复盘。确定结束「{name}」？").format(
                name=self.fields["name"]
            ),
            self.tr("结束活动"),
        ):
            return
        self.tab.set_status(self.campaign_id, target)

    def _posters(self) -> None:
        if self.campaign_id is not None and self.fields is not None:
            self.tab.posters_for(self.campaign_id, self.fields["community_ids"])

    def _edit(self) -> None:
        if self.campaign_id is not None:
            self.tab.edit_campaign(self.campaign_id)

    def _save_notes(self) -> None:
        from core.campaigns.records import set_notes

        if self.campaign_id is None:
            return
        campaign_id, notes = self.campaign_id, self.notes.toPlainText()
        self.tab.tasks.write(
            lambda session: set_notes(session, campaign_id, notes),
            label=self.tr("正在保存笔记…"),
            changes=changes(Change.CAMPAIGNS),
        )


def _check_row(item) -> tuple[QLabel, QLabel, QLabel]:
    """The mark (done / not done / warning), what is checked, and the reason in one line."""
    theme = current_theme()
    color = {"done": theme.accent, "missing": theme.danger, "warning": theme.warning}[item.state]
    mark = QLabel()
    mark.setObjectName(f"campaign_check_{item.key}_mark")
    mark.setPixmap(icon_pixmap(STATE_ICONS[item.state], 16, color))
    mark.setFixedWidth(18)
    label = QLabel(shown(item.label))
    label.setObjectName(f"campaign_check_{item.key}")
    reason = QLabel(shown(item.reason))
    reason.setObjectName(f"campaign_check_{item.key}_reason")
    reason.setProperty("checkState", item.state)
    reason.setProperty("muted", item.state == "done")
    reason.setProperty("warning", item.state != "done")
    reason.setWordWrap(True)
    return mark, label, reason
