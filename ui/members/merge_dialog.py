"""合并重复成员: suggested pairs side by side, merge / not the same person / skip, and undo.

Suggestions load in the background (a few seconds at 100000 members); writes run through
`run_task`. Phones and 微信号 are masked unless the user asks to see them in full.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.common.database import Database
from core.members.masking import mask_phone, mask_wechat_id
from core.members.merging.history import MergeRecord
from core.members.merging.sides import MergeSide, default_kept, merge_sides
from core.members.merging.suggestions import (
    MergeSuggestion,
    mark_not_same_person,
    merge_suggestions,
)
from core.workflows.merging import merge_history, merge_members, undo_merge
from ui.common.changes import Change, changes
from ui.common.errors import show_error
from ui.common.i18n import shown
from ui.common.screen_fit import fit_to_screen
from ui.common.tasks import TaskGroup
from ui.common.widgets import (
    hint_label,
    page_title,
    push_button,
    restyle,
    text_label,
    wrapping_label,
)

HISTORY_SHOWN = 20
MEMBERS = changes(Change.MEMBERS)


def _day(value) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


class MergeSideCard(QFrame):
    """One member of the pair: names, ids (masked), groups with join dates, activity."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"merge_side_{key}")
        self.setProperty("card", True)
        self.keep = QRadioButton(self.tr("保留这位"))
        self.keep.setObjectName(f"merge_keep_{key}")
        self.suggested = QLabel()
        self.suggested.setProperty("muted", True)
        self.name = text_label(f"merge_{key}_nickname")
        self.name.setProperty("mergeName", True)
        self.values: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(8)
        for field, label in (
            ("remark", self.tr("备注名")),
            ("wechat_id", self.tr("微信号")),
            ("phone", self.tr("手机号")),
            ("communities", self.tr("所在社群")),
            ("activity", self.tr("行为记录")),
            ("tags", self.tr("标签")),
            ("created", self.tr("建档")),
        ):
            value = text_label(f"merge_{key}_{field}")
            caption = QLabel(label)
            caption.setProperty("muted", True)
            form.addRow(caption, value)
            self.values[field] = value
        top = QHBoxLayout()
        top.addWidget(self.keep)
        top.addStretch(1)
        top.addWidget(self.suggested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 16)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.name)
        layout.addLayout(form)
        layout.addStretch(1)

    def show_side(self, side: MergeSide, *, full: bool, suggested: bool) -> None:
        none = self.tr("（无）")
        self.name.setText(side.nickname or none)
        wechat = side.wechat_id if full else mask_wechat_id(side.wechat_id)
        phone = side.phone if full else mask_phone(side.phone)
        groups = []
        for name, joined, left in side.communities:
            when = self.tr("{date} 入群").format(date=_day(joined)) if joined else ""
            gone = self.tr("，{date} 退群").format(date=_day(left)) if left else ""
            groups.append(f"{name}  <span style='color:#6b7280'>{when}{gone}</span>")
        activity = self.tr("{count} 条").format(count=f"{side.activity_count:,}")
        if side.last_active_at:
            activity += self.tr("，最近 {date}").format(date=_day(side.last_active_at))
        values = {
            "remark": side.remark or none,
            "wechat_id": wechat or none,
            "phone": phone or none,
            "communities": "<br>".join(groups) or self.tr("不在任何社群"),
            "activity": activity,
            "tags": "、".join(side.tags) or none,
            "created": _day(side.created_at),
        }
        for field, text in values.items():
            label = self.values[field]
            label.setTextFormat(
                Qt.TextFormat.RichText if field == "communities" else Qt.TextFormat.PlainText
            )
            label.setText(text)
        if side.is_team:
            self.name.setText(self.tr("{name}（团队成员）").format(name=self.name.text()))
        self.suggested.setText(self.tr("建议保留") if suggested else "")

    def set_kept(self, kept: bool) -> None:
        restyle(self, mergeKept=kept)


class MergeDialog(QDialog):
    """Suggested duplicate pairs, one at a time, and the recent merges with undo.

    `data_changed(Change.MEMBERS)` after every merge and undo, for the window to refresh."""

    data_changed = Signal(object)  # Changes

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("merge_dialog")
        self.setWindowTitle(self.tr("合并重复成员"))
        self.setMinimumSize(900, 600)
        fit_to_screen(self, 1100, 720)
        self.database = database
        self.suggestions: list[MergeSuggestion] = []
        self.sides: dict[int, MergeSide] = {}
        self.history: list[MergeRecord] = []
        self._loading = 0  # generation of the newest suggestions load
        self._shown_pair: tuple[int, int] | None = None
        self.tasks = TaskGroup(self, announce=self.data_changed.emit)

        title = page_title("merge_title", self.tr("合并重复成员"))
        intro = hint_label(
            self.tr(
                "同一个人在不同的群里、不同的表格里常常成了几条记录。下面是按昵称、读音和共同社群"
                "找出的可能重复的成员；手机号、微信号不同的不会列出。合并后入群记录、标签和行为记录"
                "都归到保留的成员，随时可以在「合并记录」里撤销。"
            )
        )
        self.reload_button = push_button("merge_reload", self.tr("重新查找"), self.reload)
        self.show_full = QCheckBox(self.tr("显示完整手机号和微信号"))
        self.show_full.setObjectName("merge_show_full")
        self.show_full.toggled.connect(self._show_current)
        header = QHBoxLayout()
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(self.show_full)
        header.addWidget(self.reload_button)

        self.notice_text = wrapping_label("merge_notice")
        self.notice_undo = push_button("merge_notice_undo", self.tr("撤销"), self.undo_last)
        self.notice = QFrame()
        self.notice.setProperty("mergeNotice", True)
        notice_layout = QHBoxLayout(self.notice)
        notice_layout.setContentsMargins(12, 6, 8, 6)
        notice_layout.addWidget(self.notice_text, 1)
        notice_layout.addWidget(self.notice_undo)
        self.notice.hide()
        self._last_merge: tuple[int, str] | None = None  # (merge id, merged name) for 撤销

        self.pair_list = QListWidget()
        self.pair_list.setObjectName("merge_suggestions")
        self.pair_list.setMinimumWidth(260)
        self.pair_list.setSpacing(2)
        self.pair_list.currentRowChanged.connect(self._show_current)
        self.count_label = QLabel()
        self.count_label.setObjectName("merge_count")
        self.count_label.setProperty("muted", True)
        list_side = QWidget()
        list_layout = QVBoxLayout(list_side)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addWidget(self.count_label)
        list_layout.addWidget(self.pair_list, 1)

        self.stack = QStackedWidget()
        self.message = QLabel()
        self.message.setObjectName("merge_message")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setProperty("muted", True)
        self.message.setWordWrap(True)
        self.stack.addWidget(self.message)
        self.stack.addWidget(self._comparison())
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("merge_splitter")
        splitter.addWidget(list_side)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([290, 830])
        splitter.setChildrenCollapsible(False)

        self.history_table = QTableWidget(0, 5)
        self.history_table.setObjectName("merge_history")
        self.history_table.setHorizontalHeaderLabels(
            [
                self.tr("时间"),
                self.tr("保留的成员"),
                self.tr("合并进来的成员"),
                self.tr("移过来的记录"),
                self.tr("状态"),
            ]
        )
        self.history_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.history_table.verticalHeader().hide()
        self.history_table.setWordWrap(False)
        columns = self.history_table.horizontalHeader()
        for column in (0, 1, 2, 4):
            columns.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        columns.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.history_table.itemSelectionChanged.connect(self._update_undo)
        self.undo_button = push_button("merge_undo", self.tr("撤销所选合并"), self.undo_selected)
        history_hint = hint_label(
            self.tr("撤销会让被合并的成员连同他的所有记录回到合并之前的样子。")
        )
        history_buttons = QHBoxLayout()
        history_buttons.addWidget(history_hint, 1)
        history_buttons.addWidget(self.undo_button)
        history_page = QWidget()
        history_layout = QVBoxLayout(history_page)
        history_layout.setContentsMargins(0, 8, 0, 0)
        history_layout.addWidget(self.history_table, 1)
        history_layout.addLayout(history_buttons)

        suggestions_page = QWidget()
        suggestions_layout = QVBoxLayout(suggestions_page)
        suggestions_layout.setContentsMargins(0, 8, 0, 0)
        suggestions_layout.addWidget(splitter)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("merge_tabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(suggestions_page, self.tr("可能重复"))
        self.tabs.addTab(history_page, self.tr("合并记录"))

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.setObjectName("merge_close")
        close.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addLayout(header)
        layout.addWidget(intro)
        layout.addWidget(self.notice)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(close)
        self._update_undo()
        self.reload()

    def _comparison(self) -> QWidget:
        self.evidence = QLabel()
        self.evidence.setObjectName("merge_evidence")
        self.evidence.setProperty("mergeEvidence", True)
        self.evidence.setWordWrap(True)
        self.certain_label = QLabel(self.tr("手机号或微信号等相同，几乎可以确定是同一个人。"))
        self.certain_label.setObjectName("merge_certain")
        self.certain_label.setProperty("mergeCertain", True)
        self.cards = {"a": MergeSideCard("a"), "b": MergeSideCard("b")}
        self.keep_group = QButtonGroup(self)
        cards = QHBoxLayout()
        cards.setSpacing(14)
        for card in self.cards.values():
            self.keep_group.addButton(card.keep)
            card.keep.toggled.connect(self._kept_changed)
            cards.addWidget(card, 1)
        hint = hint_label(
            self.tr(
                "合并后，另一位的入群记录、标签、行为记录和邀请关系都归到保留的成员；"
                "保留成员空着的资料由另一位补上，已有的不会被覆盖。"
            )
        )
        self.merge_button = push_button("merge_do", self.tr("合并"), self.merge_current)
        self.merge_button.setDefault(True)
        self.not_same_button = push_button(
            "merge_not_same", self.tr("不是同一人"), self.not_same_current
        )
        self.skip_button = push_button("merge_skip", self.tr("跳过"), self.skip_current)
        buttons = QHBoxLayout()
        buttons.addWidget(self.merge_button)
        buttons.addWidget(self.not_same_button)
        buttons.addWidget(self.skip_button)
        buttons.addStretch(1)
        cards_widget = QWidget()
        cards_widget.setLayout(cards)
        cards.setContentsMargins(0, 0, 0, 0)
        # Long group lists make a card tall: scroll rather than squeeze the text.
        scroll = QScrollArea()
        scroll.setObjectName("merge_cards")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(cards_widget)
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(self.evidence)
        layout.addWidget(self.certain_label)
        layout.addWidget(scroll, 1)
        layout.addWidget(hint)
        layout.addLayout(buttons)
        return panel

    # ----- loading -------------------------------------------------------------------------

    def _load_failed(self, error: Exception) -> None:
        self.reload_button.setEnabled(True)
        self._set_message(self.tr("没能找完可能重复的成员。"))
        show_error(self, error)

    def busy(self) -> bool:
        """Reading or writing in the background (until its answer has been shown)."""
        return self.tasks.busy()

    def reload(self) -> None:
        """Find the suggestions (and the history) again, in the background."""
        self._loading += 1
        generation = self._loading
        self.reload_button.setEnabled(False)
        self._set_message(self.tr("正在查找可能重复的成员…"))
        self.suggestions = []
        self.pair_list.clear()
        self.count_label.setText("")

        def find(session):
            suggestions = merge_suggestions(session)
            ids = {s.a_id for s in suggestions} | {s.b_id for s in suggestions}
            return generation, suggestions, merge_sides(session, ids)

        self.tasks.read(find, self._loaded, on_failure=self._load_failed)
        self._load_history()

    def _load_history(self) -> None:
        self.tasks.read(
            lambda session: merge_history(session, HISTORY_SHOWN),
            self._show_history,
            on_failure=self._load_failed,
        )

    def _loaded(self, result: tuple[int, list[MergeSuggestion], dict[int, MergeSide]]) -> None:
        generation, suggestions, sides = result
        if generation != self._loading:
            return
        self.reload_button.setEnabled(True)
        self.suggestions = suggestions
        self.sides = sides
        self._fill_list()

    def _fill_list(self, row: int = 0) -> None:
        self.pair_list.blockSignals(True)
        self.pair_list.clear()
        for suggestion in self.suggestions:
            a, b = self.sides[suggestion.a_id], self.sides[suggestion.b_id]
            strongest = suggestion.reasons[0] if suggestion.reasons else suggestion.evidence
            how = (
                self.tr("确定：{evidence}").format(evidence=shown(strongest))
                if suggestion.certain
                else self.tr("相似度 {score}%").format(score=suggestion.score)
            )
            # Each side told apart by group, remark or phone tail: the names are often the same.
            item = QListWidgetItem(f"{shown(a.description)}  ⇄  {shown(b.description)}\n{how}")
            item.setToolTip(shown(suggestion.evidence))
            self.pair_list.addItem(item)
        self.pair_list.blockSignals(False)
        count = len(self.suggestions)
        self.count_label.setText(self.tr("{count} 对可能重复").format(count=count) if count else "")
        self.tabs.setTabText(0, self.tr("可能重复（{count}）").format(count=count))
        if count:
            self.pair_list.setCurrentRow(min(row, count - 1))
            self._show_current()
        else:
            self._set_message(self.tr("没有发现可能重复的成员。"))

    def _set_message(self, text: str) -> None:
        self.message.setText(text)
        self.stack.setCurrentIndex(0)

    def current(self) -> MergeSuggestion | None:
        row = self.pair_list.currentRow()
        return self.suggestions[row] if 0 <= row < len(self.suggestions) else None

    def _show_current(self) -> None:
        suggestion = self.current()
        if suggestion is None:
            return
        a, b = self.sides[suggestion.a_id], self.sides[suggestion.b_id]
        self.evidence.setText(shown(suggestion.evidence))
        self.certain_label.setVisible(suggestion.certain)
        suggested = default_kept(a, b)
        full = self.show_full.isChecked()
        for key, side in (("a", a), ("b", b)):
            self.cards[key].show_side(side, full=full, suggested=side.id == suggested)
        if self._shown_pair != (a.id, b.id):  # a new pair: start from the suggested choice
            self.cards["a" if suggested == a.id else "b"].keep.setChecked(True)
            self._shown_pair = (a.id, b.id)
        self._kept_changed()
        self.stack.setCurrentIndex(1)

    def _kept_changed(self) -> None:
        for card in self.cards.values():
            card.set_kept(card.keep.isChecked())

    def kept_and_merged(self) -> tuple[int, int] | None:
        suggestion = self.current()
        if suggestion is None:
            return None
        if self.cards["a"].keep.isChecked():
            return suggestion.a_id, suggestion.b_id
        return suggestion.b_id, suggestion.a_id

    def _drop(self, suggestion: MergeSuggestion, *, gone: int | None = None) -> None:
        """Take a pair off the list (and every pair of a member merged away); show the next."""
        row = self.suggestions.index(suggestion)
        self.suggestions = [
            s
            for s in self.suggestions
            if s is not suggestion and (gone is None or gone not in (s.a_id, s.b_id))
        ]
        self._fill_list(row)

    def _tell(self, text: str, *, undo: tuple[int, str] | None = None) -> None:
        """Say what was just done, with 撤销 right there after a merge."""
        self._last_merge = undo
        self.notice_text.setText(text)
        self.notice_undo.setVisible(undo is not None)
        self.notice.show()

    # ----- actions -------------------------------------------------------------------------

    def merge_current(self) -> None:
        suggestion, chosen = self.current(), self.kept_and_merged()
        if suggestion is None or chosen is None:
            return
        kept, merged = chosen

        def work(session):
            merge_id = merge_members(session, kept, merged)
            side = merge_sides(session, [kept])[kept]
            return merge_id, side, merge_history(session, HISTORY_SHOWN)

        def done(result) -> None:
            merge_id, kept_side, history = result
            names = (self.sides[merged].nickname, self.sides[kept].nickname)
            self.sides[kept] = kept_side
            self._drop(suggestion, gone=merged)
            self._show_history(history)
            self._tell(
                self.tr("已把「{merged}」合并到「{kept}」。").format(
                    merged=names[0], kept=names[1]
                ),
                undo=(merge_id, names[0]),
            )

        self.tasks.write(work, label=self.tr("正在合并…"), changes=MEMBERS, then=done)

    def not_same_current(self) -> None:
        suggestion = self.current()
        if suggestion is None:
            return

        def done(_result) -> None:
            a, b = self.sides[suggestion.a_id], self.sides[suggestion.b_id]
            self._drop(suggestion)
            self._tell(
                self.tr("已记下「{a}」和「{b}」不是同一个人，以后不再提示。").format(
                    a=a.nickname, b=b.nickname
                )
            )

        self.tasks.write(
            lambda session: mark_not_same_person(session, suggestion.a_id, suggestion.b_id),
            label=self.tr("正在保存…"),
            changes=frozenset(),  # a note for the suggestions: nothing another tab shows
            then=done,
        )

    def skip_current(self) -> None:
        """Leave this pair for later: off the list until the suggestions are found again."""
        suggestion = self.current()
        if suggestion is not None:
            self._drop(suggestion)

    # ----- history -------------------------------------------------------------------------

    def _show_history(self, history: list[MergeRecord]) -> None:
        self.history = history
        undoable = sum(record.can_undo for record in history)
        self.tabs.setTabText(
            1,
            self.tr("合并记录（{count} 次可撤销）").format(count=undoable)
            if undoable
            else self.tr("合并记录"),
        )
        self.history_table.setRowCount(len(history))
        for row, record in enumerate(history):
            if record.undone_at is not None:
                state = self.tr("已撤销")
            elif record.can_undo:
                state = self.tr("可撤销")
            else:
                state = self.tr("请先撤销之后涉及同一成员的合并")
            cells = [
                record.merged_at.strftime("%Y-%m-%d %H:%M"),
                record.kept_name,
                record.merged_name,
                shown(record.summary),
                state,
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if record.undone_at is not None:
                    item.setForeground(Qt.GlobalColor.gray)
                self.history_table.setItem(row, column, item)
        self._update_undo()

    def selected_record(self) -> MergeRecord | None:
        rows = self.history_table.selectionModel().selectedRows()
        return self.history[rows[0].row()] if rows else None

    def _update_undo(self) -> None:
        record = self.selected_record()
        self.undo_button.setEnabled(record is not None and record.can_undo)

    def undo_selected(self) -> None:
        record = self.selected_record()
        if record is not None and record.can_undo:
            self._undo(record.id, record.merged_name)

    def undo_last(self) -> None:
        """The 撤销 beside the notice: the merge just made."""
        if self._last_merge is not None:
            self._undo(*self._last_merge)

    def _undo(self, merge_id: int, merged_name: str) -> None:
        def done(_result) -> None:
            self._tell(
                self.tr("已撤销合并：「{merged}」又是单独的成员了。").format(merged=merged_name)
            )
            self.reload()

        self.tasks.write(
            lambda session: undo_merge(session, merge_id),
            label=self.tr("正在撤销…"),
            changes=MEMBERS,
            then=done,
        )
