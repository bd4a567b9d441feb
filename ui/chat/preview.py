"""What a chat import would do, in tabs: new members (first: the owner checks them before
anything else), the questions to answer, the referral edges, the counts by kind, the chats
and their communities, and every line that could not be read, with its reason."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QTableView,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.activity.kinds import KIND_LABELS
from core.chat.importing.kinds import ACTIVITY_KIND
from core.chat.importing.people import NEW_MEMBER
from core.chat.importing.plan import ChatImportPlan, ChatPlan, chat_key
from core.members.query import MemberRow
from ui.chat.labels import found_by_label, how_label, kind_label
from ui.common.columns import fit_columns
from ui.common.i18n import shown
from ui.common.list_model import ListTableModel
from ui.common.widgets import choice, hint_label, read_only_table

CHOICE_COLUMN = 1  # the chats list's 导入到 column
WRAP_ROWS_MAX = 2000  # rows grown to their wrapped text; past that the tooltip shows it


def _minute(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


def distinct_new(plan: ChatImportPlan) -> int:
    """New members, a person in several chats of a folder counted once (one member is made)."""
    return len(
        {
            new.wxid or (index, new.key)
            for index, chat in enumerate(plan.chats)
            for new in chat.resolution.new_members
        }
    )


def candidate_members(plan: ChatImportPlan) -> list[int]:
    """The existing members the questions offer (their details tell same-named ones apart)."""
    return sorted(
        {
            int(answer)
            for chat in plan.chats
            for question in chat.resolution.questions
            for answer, _who in question.candidates
            if answer.isdigit()
        }
    )


@dataclass(frozen=True)
class Line:
    """One row of a preview list: the chat it belongs to and the thing itself."""

    chat: ChatPlan | None
    item: object


class ChatPreview(QTabWidget):
    """The preview's tabs; `choices_changed` when a question's answer or a chat's community
    is picked."""

    choices_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chat_import_details")
        self.answers: dict[str, str] = {}  # name → answer (member number, wxid or 新成员)
        self._candidates: dict[int, MemberRow] = {}
        self._views: dict[str, QTableView] = {}
        self.chosen: dict[str, str] = {}  # chat key → community name (a folder's chats)
        self.community_names: list[str] = []  # what a chat may be pointed at

        self.new_members = ListTableModel(
            [
                (self.tr("名字"), lambda line: line.item.nickname),
                (self.tr("备注"), lambda line: line.item.remark),
                (self.tr("wxid"), lambda line: line.item.wxid or ""),
                (self.tr("社群"), lambda line: line.chat.community_name),
            ],
            parent=self,
        )
        self.new_page = self._list_page(
            "chat_import_new_members",
            self.new_members,
            self.tr("聊天里出现、但还不是这个社群成员的人：导入时新建为成员，并加入社群。"),
        )
        self.addTab(self.new_page, self.tr("新成员"))

        self.questions_page = QWidget()
        self.questions = read_only_table(
            "chat_import_questions",
            [self.tr("社群"), self.tr("名字"), self.tr("消息"), self.tr("是谁")],
        )
        questions_layout = QVBoxLayout(self.questions_page)
        questions_layout.addWidget(
            hint_label(
                self.tr(
                    "这些名字可能是几位成员中的任何一位，程序不猜：请选出是谁，"
                    "或选「新成员」（另一个同名的人），再按「更新预览」。"
                    "没有回答的，这个名字的消息和入群记录不导入。"
                )
            )
        )
        questions_layout.addWidget(self.questions, 1)
        self.addTab(self.questions_page, self.tr("待确认"))

        self.edges = ListTableModel(
            [
                (self.tr("时间"), lambda line: _minute(line.item.at)),
                (self.tr("邀请人"), lambda line: self._person(line.chat, line.item.inviter)),
                (self.tr("被邀请人"), lambda line: self._person(line.chat, line.item.invitee)),
                (self.tr("方式"), lambda line: how_label(line.item.how)),
                (self.tr("社群"), lambda line: line.chat.community_name),
            ],
            parent=self,
        )
        self.addTab(
            self._list_page(
                "chat_import_edges",
                self.edges,
                self.tr(
                    "入群消息里谁邀请了谁：记入邀请关系（来源：聊天记录），裂变活动的邀请树会用到。"
                ),
            ),
            self.tr("邀请关系"),
        )

        self.kinds = ListTableModel(
            [
                (self.tr("类型"), lambda row: row[0]),
                (self.tr("条数"), lambda row: row[1]),
                (self.tr("记为行为"), lambda row: row[2]),
            ],
            parent=self,
        )
        self.addTab(self._list_page("chat_import_kinds", self.kinds), self.tr("按类型"))

        self.chats = ListTableModel(
            [
                (self.tr("社群"), lambda chat: chat.community_name),
                (self.tr("导入到"), lambda _chat: ""),  # a combo per chat of a folder
                (self.tr("对应方式"), lambda chat: found_by_label(chat.matched_by)),
                (self.tr("消息"), lambda chat: chat.messages),
                (self.tr("入群"), lambda chat: len(chat.joins)),
                (self.tr("移出"), lambda chat: len(chat.removals)),
                (
                    self.tr("时间"),
                    lambda chat: (
                        self.tr("{first} 至 {last}").format(
                            first=f"{chat.first_at:%Y-%m-%d}", last=f"{chat.last_at:%Y-%m-%d}"
                        )
                        if chat.first_at
                        else ""
                    ),
                ),
                (self.tr("格式"), lambda chat: shown(chat.format_label)),
            ],
            parent=self,
        )
        self.chats_page = self._list_page(
            "chat_import_chats",
            self.chats,
            self.tr(
                "每个聊天按群 ID、再按群名对应社群；没有对应的，可以在「导入到」里选一个已有社群。"
            ),
        )
        self._views["chat_import_chats"].setWordWrap(False)  # short cells; rows as tall as a combo
        self.addTab(self.chats_page, self.tr("聊天"))

        self.unreadable = ListTableModel(
            [
                (self.tr("文件或社群"), lambda line: line.item[0]),
                (self.tr("行"), lambda line: line.item[1] or ""),
                (self.tr("原因"), lambda line: shown(line.item[2])),
                (self.tr("内容"), lambda line: line.item[3]),
            ],
            parent=self,
        )
        self.unreadable_page = self._list_page(
            "chat_import_unreadable",
            self.unreadable,
            self.tr("这些行或文件没有读取，其余照常导入。"),
            text_column=2,
        )
        self.addTab(self.unreadable_page, self.tr("无法读取"))

    # ----- building ---------------------------------------------------------------------------

    def _list_page(
        self, name: str, model: ListTableModel, hint: str = "", text_column: int = -1
    ) -> QWidget:
        view = QTableView()
        view.setObjectName(name)
        self._views[name] = view
        view.setModel(model)
        view.verticalHeader().setVisible(False)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setWordWrap(True)
        view.setAlternatingRowColors(True)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(40)
        header.setDefaultSectionSize(60)  # fit_columns widens each to its content
        header.setStretchLastSection(text_column == -1)
        if text_column != -1:
            header.setSectionResizeMode(text_column, QHeaderView.ResizeMode.Stretch)
        model.modelReset.connect(lambda: self._fit(view))
        page = QWidget()
        layout = QVBoxLayout(page)
        if hint:
            layout.addWidget(hint_label(hint))
        layout.addWidget(view, 1)
        return page

    def _fit(self, view: QTableView) -> None:
        fit_columns(view, maximum=260)
        if view.model().rowCount() <= WRAP_ROWS_MAX:
            view.resizeRowsToContents()

    def _person(self, chat: ChatPlan, key: str | None) -> str:
        if key is None:
            return ""
        seen = chat.people.get(key)
        return shown(seen.label) if seen else key

    # ----- filling ----------------------------------------------------------------------------

    def show_plan(
        self,
        plan: ChatImportPlan,
        answers: dict[str, str],
        chosen: dict[str, str],
        candidates: dict[int, MemberRow],
    ) -> None:
        self.answers = dict(answers)
        self.chosen = dict(chosen)
        self._candidates = candidates
        self.new_members.set_items(
            [Line(chat, new) for chat in plan.chats for new in chat.resolution.new_members]
        )
        self.edges.set_items([Line(chat, join) for chat in plan.chats for join in chat.edges()])
        self.kinds.set_items(self._kind_rows(plan))
        self.chats.set_items(plan.chats)
        self.unreadable.set_items(self._unreadable_rows(plan))
        self._fill_questions(plan)
        # One chat: its community is the page's, not a column.
        single = len(plan.chats) == 1
        for name, column in (("chat_import_new_members", 3), ("chat_import_edges", 4)):
            self._views[name].setColumnHidden(column, single)
        self.questions.setColumnHidden(0, single)
        chats = self._views["chat_import_chats"]
        chats.setColumnHidden(CHOICE_COLUMN, single)  # one chat: the page's own combo
        if not single:
            widest = 0
            for row, chat in enumerate(plan.chats):
                combo = self._community_combo(row, chat)
                chats.setIndexWidget(self.chats.index(row, CHOICE_COLUMN), combo)
                widest = max(widest, combo.sizeHint().width())
            chats.horizontalHeader().resizeSection(CHOICE_COLUMN, min(widest, 260))
        for view in self._views.values():
            self._fit(view)  # again: with the columns this plan shows
        count = sum(chat.unreadable_count for chat in plan.chats) + len(plan.skipped)
        self.setTabText(
            self.indexOf(self.unreadable_page),
            self.tr("无法读取（{n}）").format(n=count) if count else self.tr("无法读取"),
        )
        self.setTabText(
            self.indexOf(self.new_page), self.tr("新成员（{n}）").format(n=distinct_new(plan))
        )
        if self.questions.rowCount():
            self.setCurrentWidget(self.questions_page)
        else:
            self.setCurrentWidget(self.new_page)

    def _community_combo(self, row: int, chat: ChatPlan) -> QComboBox:
        key = chat_key(chat.export)
        combo = choice(
            f"chat_import_chat_community_{row}",
            [(self.tr("按群 ID 和群名自动对应"), None)]
            + [(name, name) for name in self.community_names],
            self.chosen.get(key),
        )
        combo.currentIndexChanged.connect(lambda _i, c=combo, k=key: self._choose(k, c))
        return combo

    def _choose(self, key: str, combo: QComboBox) -> None:
        name = combo.currentData()
        if name is None:
            self.chosen.pop(key, None)
        else:
            self.chosen[key] = name
        self.choices_changed.emit()

    def _kind_rows(self, plan: ChatImportPlan) -> list[tuple[str, int, str]]:
        counts: dict[str, int] = {}
        for chat in plan.chats:
            for kind, count in chat.by_kind.items():
                counts[kind] = counts.get(kind, 0) + count
        rows = [
            (kind_label(kind), count, shown(KIND_LABELS[ACTIVITY_KIND[kind]]))
            for kind, count in sorted(counts.items(), key=lambda item: -item[1])
        ]
        not_activity = self.tr("不计为行为")
        for label, count in (
            (self.tr("撤回"), sum(chat.recalls for chat in plan.chats)),
            (self.tr("拍一拍"), sum(chat.pats for chat in plan.chats)),
            (self.tr("领红包"), sum(chat.claims for chat in plan.chats)),
            (self.tr("其他系统消息"), sum(chat.notices for chat in plan.chats)),
        ):
            if count:
                rows.append((label, count, not_activity))
        return rows

    def _unreadable_rows(self, plan: ChatImportPlan) -> list[Line]:
        rows = [
            Line(chat, (chat.community_name, u.line, u.reason, u.excerpt))
            for chat in plan.chats
            for u in chat.unreadable
        ]
        for chat in plan.chats:
            more = chat.unreadable_count - len(chat.unreadable)
            if more > 0:
                rows.append(
                    Line(
                        chat, (chat.community_name, None, self.tr("另有 {n} 行").format(n=more), "")
                    )
                )
        rows += [Line(None, (Path(path).name, None, why, "")) for path, why in plan.skipped]
        return rows

    def _fill_questions(self, plan: ChatImportPlan) -> None:
        asked = [(chat, q) for chat in plan.chats for q in chat.resolution.questions]
        table = self.questions
        table.setRowCount(len(asked))
        for row, (chat, question) in enumerate(asked):
            for column, text in enumerate(
                (chat.community_name, question.name, str(question.messages))
            ):
                table.setItem(row, column, QTableWidgetItem(text))
            table.setCellWidget(row, 3, self._answer_combo(row, question))
        table.resizeColumnsToContents()
        table.resizeRowsToContents()
        index = self.indexOf(self.questions_page)
        self.setTabVisible(index, bool(asked))
        self.setTabText(index, self.tr("待确认（{n}）").format(n=len(asked)))

    def _answer_combo(self, row: int, question) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(f"chat_import_answer_{row}")
        combo.addItem(self.tr("请选择（未回答：不导入）"), None)
        for answer, who in question.candidates:
            combo.addItem(self._candidate(answer, shown(who)), answer)
        if question.about_self:  # nobody to offer: the owner types who the account is
            combo.setEditable(True)
            combo.setItemText(0, "")
            combo.lineEdit().setPlaceholderText(self.tr("导出账号是哪位成员：成员编号或 wxid"))
        else:
            combo.addItem(self.tr("新成员（另一个同名的人）"), NEW_MEMBER)
        given = self.answers.get(question.name)
        if given is not None:
            found = combo.findData(given)
            if found >= 0:
                combo.setCurrentIndex(found)
            elif combo.isEditable():
                combo.setEditText(given)
        combo.currentIndexChanged.connect(lambda _i, c=combo, q=question: self._answer(q, c))
        if combo.isEditable():
            combo.lineEdit().editingFinished.connect(lambda c=combo, q=question: self._answer(q, c))
        return combo

    def _candidate(self, answer: str, who: str) -> str:
        """An existing member with what tells them apart from a namesake: number, remark,
        groups, last activity."""
        row = self._candidates.get(int(answer)) if answer.isdigit() else None
        if row is None:
            return who
        facts = [f"#{row.id}"]
        if row.remark:
            facts.append(row.remark)
        if row.communities:
            facts.append("、".join(row.communities[:2]))
        if row.last_active_at:
            facts.append(
                self.tr("最近活跃 {day}").format(day=row.last_active_at.strftime("%Y-%m-%d"))
            )
        return self.tr("{name}（{facts}）").format(
            name=row.nickname, facts=self.tr("，").join(facts)
        )

    def _answer(self, question, combo: QComboBox) -> None:
        answer = combo.currentData()
        if combo.isEditable() and combo.currentIndex() <= 0:
            answer = combo.currentText().strip() or None
        if answer is None:
            self.answers.pop(question.name, None)
        else:
            self.answers[question.name] = answer
        self.choices_changed.emit()
