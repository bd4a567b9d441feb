"""导入群聊记录: choose an export file or a tool's whole export folder (or drop it), give the
day of text copied on Windows, see what the import would do (the same preview as `main.py chat
import --dry-run`), confirm the communities, answer the names that fit several members, then
import in one transaction with progress and cancel (cancel changes nothing).

The shape of the member import (ui/members/import_dialog.py): answers and choices take effect
through a new preview, so what is imported is always what the preview showed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from core.chat.detect import needs_day
from core.chat.importing.plan import ChatImportPlan, plan_chat_import
from core.common.database import Database
from core.common.errors import UserError
from core.members.query import MemberRow, load_rows
from core.workflows.chat_import import ChatsImported, import_chats
from ui.chat.preview import ChatPreview, candidate_members, distinct_new
from ui.common.changes import Change, changes
from ui.common.errors import show_error
from ui.common.file_drop import choose_file, choose_folder, drop_area, remember_folder
from ui.common.i18n import shown
from ui.common.import_wizard import (
    PAGE_CHOOSE,
    PAGE_DONE,
    PAGE_PREVIEW,
    ImportWizard,
    done_label,
    done_layout,
)
from ui.common.session_work import in_session
from ui.common.tasks import Task, run_task
from ui.common.widgets import (
    hint_label,
    page_title,
    push_button,
    section_title,
    warning_label,
    wrapping_label,
)
from ui.members.community_choice import offered_communities

NO_DAY = QDate(2000, 1, 1)  # the date box's "not chosen yet" (its special value text)
# Every tab that shows members, communities, activity, points or referral edges reloads.
CHANGED = (Change.MEMBERS, Change.COMMUNITIES, Change.ACTIVITY, Change.POINTS, Change.CAMPAIGNS)


class ChatImportDialog(ImportWizard):
    """The chat import; `data_changed` after a completed import."""

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(database, parent, "chat_import_dialog", self.tr("导入群聊记录"))
        self.plan: ChatImportPlan | None = None
        self.result: ChatsImported | None = None
        self.import_task: Task | None = None
        self._planned: tuple | None = None  # the choices the shown preview was made with
        self._stale = False  # a cancelled import: the preview must be made again
        self._needs_day = False  # text copied on Windows: the day is asked
        self._path_error = False  # the chosen file was refused
        self.build_pages()

    # ----- page 1: the export ---------------------------------------------------------------

    def _choose_page(self) -> QWidget:
        page = QWidget()
        title = page_title("chat_import_title", self.tr("选择聊天记录导出"))
        hint = hint_label(
            self.tr(
                "支持留痕（WeChatMsg）、PyWxDump、chatlog、WeFlow 导出的文件，企业微信会话存档，"
                "以及从电脑版微信复制的文字。可以选一个文件，也可以选导出工具的整个文件夹"
                "（里面的每个群各自对应社群）。\n"
                "先预览：导入前会列出新成员、邀请关系、需要确认的名字和无法读取的每一行；"
                "同一份记录再导入不会重复，导入要么全部完成，要么什么都不改。"
            )
        )
        self.drop_label = drop_area(
            "chat_import_drop_area", self.tr("把文件或文件夹拖到这里，或者"), 110
        )
        choose = QHBoxLayout()
        choose.addStretch(1)
        choose.addWidget(push_button("chat_import_browse_file", self.tr("选择文件…"), self.browse))
        choose.addWidget(
            push_button("chat_import_browse_folder", self.tr("选择文件夹…"), self.browse_folder)
        )
        choose.addStretch(1)
        self.path_label = wrapping_label("chat_import_path")

        self.day = QDateEdit()
        self.day.setObjectName("chat_import_day")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.day.setMinimumDate(NO_DAY)
        self.day.setSpecialValueText(self.tr("请选择日期"))
        self.day.setDate(NO_DAY)
        self.day.dateChanged.connect(self._update_preview_button)
        self.day_row = QWidget()
        day_layout = QHBoxLayout(self.day_row)
        day_layout.setContentsMargins(0, 0, 0, 0)
        day_layout.addWidget(QLabel(self.tr("这些消息是哪一天的：")))
        day_layout.addWidget(self.day)
        day_layout.addWidget(
            hint_label(self.tr("从电脑版微信（Windows）复制的文字里没有日期，请选择它们的日期。")),
            1,
        )
        self.day_row.setVisible(False)

        self.choose_error = self._error_label("chat_import_error")
        self.preview_button = push_button(
            "chat_import_preview", self.tr("预览导入结果"), self.preview
        )
        self.preview_button.setDefault(True)
        self.preview_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(push_button("chat_import_cancel", self.tr("取消"), self.reject))
        buttons.addWidget(self.preview_button)
        layout = QVBoxLayout(page)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.drop_label)
        layout.addLayout(choose)
        layout.addWidget(self.path_label)
        layout.addWidget(self.day_row)
        layout.addWidget(self.choose_error)
        layout.addStretch(1)
        layout.addLayout(buttons)
        return page

    def _error_label(self, name: str) -> QLabel:
        label = warning_label(name)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setVisible(False)
        return label

    def _load_communities(self) -> list[tuple[int, str]]:
        return offered_communities(self.database)

    def _set_communities(self, communities: list[tuple[int, str]]) -> None:
        for _community_id, name in communities:
            self.community.addItem(name, name)
        self.details.community_names = [name for _community_id, name in communities]

    def browse(self) -> None:
        path = choose_file(
            self,
            "chat_import_file_dialog",
            self.tr("选择聊天记录文件"),
            self.tr("聊天记录 (*.csv *.json *.jsonl *.txt);;所有文件 (*)"),
        )
        if path is not None:
            self.set_path(path)

    def browse_folder(self) -> None:
        path = choose_folder(self, "chat_import_folder_dialog", self.tr("选择导出工具的文件夹"))
        if path is not None:
            self.set_path(path)

    def set_path(self, path: Path) -> None:
        """A file or folder chosen: find out (in the background) whether it needs a day."""
        self.path = path
        remember_folder(path if path.is_dir() else path.parent)
        self._close_plan()
        self.community.setCurrentIndex(0)
        self.details.answers, self.details.chosen = {}, {}  # they were about another export
        self.path_label.setText(
            (self.tr("文件夹：{name}") if path.is_dir() else self.tr("文件：{name}")).format(
                name=str(path)
            )
        )
        self._show_error(None)
        self._path_error = False
        self._needs_day = False
        self.day_row.setVisible(False)
        self.preview_button.setEnabled(False)
        self._reads.start(
            lambda: needs_day(path),
            lambda needed, p=path: self._path_checked(p, needed),
            on_failure=lambda error, p=path: self._path_failed(p, error),
        )

    def _path_checked(self, path: Path, needed: bool) -> None:
        if path != self.path:
            return  # another file was chosen meanwhile
        self._needs_day = needed
        self.day_row.setVisible(needed)
        self._update_preview_button()

    def _path_failed(self, path: Path, error: Exception) -> None:
        if path == self.path:
            self._show_error(error)
            self._path_error = isinstance(error, UserError)
            self._update_preview_button()

    def _update_preview_button(self) -> None:
        self.preview_button.setEnabled(
            self.path is not None
            and not self._path_error
            and (not self._needs_day or self.chosen_day() is not None)
        )

    def chosen_day(self) -> date | None:
        if not self._needs_day or self.day.date() == NO_DAY:
            return None
        return self.day.date().toPython()

    # ----- page 2: the preview --------------------------------------------------------------

    def _choices(self) -> tuple:
        return (
            self.community.currentData(),
            self.keep_text.isChecked(),
            tuple(sorted(self.details.answers.items())),
            self.chosen_day(),
            tuple(sorted(self.details.chosen.items())),
        )

    def preview(self) -> None:
        if self.path is None:
            return
        choices = self._choices()
        community, keep_text, answers, day, chosen = choices
        path, database = self.path, self.database

        def work(progress, cancelled) -> tuple[ChatImportPlan, dict[int, MemberRow]]:
            with database.session() as session:
                plan = plan_chat_import(
                    session,
                    path,
                    community=community,
                    chosen=dict(chosen),
                    day=day,
                    answers=dict(answers),
                    keep_text=keep_text,
                    progress=progress,
                    cancelled=cancelled,
                )
                return plan, load_rows(session, candidate_members(plan))

        run_task(
            self,
            work,
            label=self.tr("正在读取聊天记录…"),
            on_success=lambda found: self._show_plan(*found, choices),
            on_failure=self._show_error,
        )

    def _preview_page(self) -> QWidget:
        page = QWidget()
        self.preview_title = page_title("chat_import_preview_title", "")
        self.summary = section_title(name="chat_import_summary")
        self.summary.setWordWrap(True)

        self.community = QComboBox()
        self.community.setObjectName("chat_import_community")
        self.community.addItem(self.tr("按群 ID 和群名自动对应"), None)
        self.community.setToolTip(
            self.tr("只有一个聊天时，可以导入到任何一个社群；文件夹里的聊天各自按群 ID 和群名对应")
        )
        self.community.currentIndexChanged.connect(self._update_buttons)
        self.community_row = QWidget()
        community_layout = QHBoxLayout(self.community_row)
        community_layout.setContentsMargins(0, 0, 0, 0)
        community_layout.addWidget(QLabel(self.tr("导入到社群：")))
        community_layout.addWidget(self.community, 1)
        self.create = QCheckBox()
        self.create.setObjectName("chat_import_create")
        self.create.toggled.connect(self._update_buttons)

        self.notes = hint_label(name="chat_import_notes")
        self.keep_text = QCheckBox(self.tr("保留消息原文"))
        self.keep_text.setObjectName("chat_import_keep_text")
        self.keep_text.setToolTip(
            self.tr("默认只记发送人、时间、类型和字数；勾选后同时保存消息文字")
        )
        self.keep_text.toggled.connect(self._update_buttons)

        self.details = ChatPreview()
        self.details.choices_changed.connect(self._update_buttons)
        self.preview_error = self._error_label("chat_import_preview_error")

        self.apply_button = push_button("chat_import_apply", self.tr("导入"), self.apply)
        self.apply_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addWidget(push_button("chat_import_back", self.tr("返回"), self.back_to_choose))
        buttons.addStretch(1)
        buttons.addWidget(push_button("chat_import_cancel_preview", self.tr("取消"), self.reject))
        buttons.addWidget(self.apply_button)
        options = QHBoxLayout()
        options.addWidget(self.community_row, 1)
        options.addWidget(self.keep_text)
        layout = QVBoxLayout(page)
        layout.addWidget(self.preview_title)
        layout.addWidget(self.summary)
        layout.addLayout(options)
        layout.addWidget(self.create)
        layout.addWidget(self.notes)
        layout.addWidget(self.details, 1)
        layout.addWidget(self.preview_error)
        layout.addLayout(buttons)
        return page

    def _show_plan(
        self, plan: ChatImportPlan, candidates: dict[int, MemberRow], choices: tuple
    ) -> None:
        self._close_plan()
        self.plan, self._planned, self._stale = plan, choices, False
        self._show_error(None)
        chats = plan.chats
        questions = sum(len(chat.resolution.questions) for chat in chats)
        unread = sum(chat.unreadable_count for chat in chats) + len(plan.skipped)
        summary = self.tr(
            "{chats} 个聊天 · 消息 {messages} 条 · 新成员 {new} · 入群 {joins} · 邀请关系 {edges}"
        ).format(
            chats=len(chats),
            messages=sum(chat.messages for chat in chats),
            new=distinct_new(plan),
            joins=sum(len(chat.joins) for chat in chats),
            edges=sum(len(chat.edges()) for chat in chats),
        )
        if questions:
            summary += self.tr(" · 待确认 {n}").format(n=questions)
        if unread:
            summary += self.tr(" · 无法读取 {n}").format(n=unread)
        self.summary.setText(summary)
        self.preview_title.setText(self.tr("预览：{name}").format(name=plan.path.name))
        self.community_row.setVisible(len(chats) == 1)
        new = [chat.community_name for chat in plan.new_communities]
        self.create.setVisible(bool(new))
        self.create.setChecked(False)
        self.create.setText(
            self.tr("新建社群：{names}（没有对应的社群；也可以在上面选一个已有社群）").format(
                names="、".join(new)
            )
            if len(chats) == 1
            else self.tr("新建 {n} 个社群：{names}").format(n=len(new), names="、".join(new))
        )
        self.notes.setText(
            "\n".join(
                [
                    self.tr("已勾选保留消息原文：消息文字会保存在数据库里。")
                    if plan.keep_text
                    else self.tr(
                        "不保存消息文字：只记发送人、时间、类型和字数（要保存请勾选「保留消息原文」）。"
                    ),
                    self.tr(
                        "主动退群不会出现在聊天记录里（微信不提示）：要知道谁退了群，请导入成员名单。"
                    ),
                ]
            )
        )
        self.details.show_plan(plan, dict(choices[2]), dict(choices[4]), candidates)
        self._update_buttons()
        self.pages.setCurrentIndex(PAGE_PREVIEW)

    def pending(self) -> bool:
        """Choices made since the preview (answers, community, keep text): they need a new
        preview before importing."""
        return self.plan is not None and (self._stale or self._choices() != self._planned)

    def _update_buttons(self) -> None:
        plan = self.plan
        if plan is None:
            return
        pending = self.pending()
        if pending:
            self.apply_button.setEnabled(True)
            self.apply_button.setText(self.tr("更新预览"))
            return
        needs_consent = bool(plan.new_communities) and not self.create.isChecked()
        has_work = any(chat.messages or chat.joins or chat.removals for chat in plan.chats)
        self.apply_button.setEnabled(has_work and not needs_consent)
        if not has_work:
            self.apply_button.setText(self.tr("没有可导入的内容"))
        elif needs_consent:
            self.apply_button.setText(self.tr("请先确认新建社群"))
        else:
            self.apply_button.setText(self.tr("导入"))

    def _show_error(self, error: Exception | None) -> None:
        """A bad file or choice: one line in the dialog (a bug: the error dialog)."""
        if error is not None and not isinstance(error, UserError):
            show_error(self, error)
            return
        on_choose = self.pages.currentIndex() == PAGE_CHOOSE
        for label in (self.choose_error, self.preview_error):
            label.setVisible(False)
        if error is not None:
            label = self.choose_error if on_choose else self.preview_error
            label.setText(shown(error.message))
            label.setVisible(True)
        self._update_preview_button()

    # ----- page 3: the import ---------------------------------------------------------------

    def replan(self) -> None:
        self.preview()

    def start_import(self, plan: ChatImportPlan) -> None:
        plan.create_communities = self.create.isChecked()
        self.import_task = run_task(
            self,
            in_session(self.database, import_chats, plan, write=True),
            label=self.tr("正在导入群聊记录…（取消则什么都不改）"),
            on_success=self._done,
            on_failure=self._show_error,
            on_cancelled=self._cancelled,
        )

    def _cancelled(self) -> None:
        # The import may have given the plan ids of communities it then rolled back.
        self._stale = True
        self.preview_error.setText(self.tr("已取消导入，数据没有改动。"))
        self.preview_error.setVisible(True)
        self._update_buttons()

    def _done_page(self) -> QWidget:
        page = QWidget()
        self.done_label = done_label("chat_import_done")
        self.done_details = wrapping_label("chat_import_done_details")
        close = push_button("chat_import_close", self.tr("完成"), self.accept)
        done_layout(page, [self.done_label, self.done_details], close)
        return page

    def _done(self, result: ChatsImported) -> None:
        self.result = result
        done = result.imported
        edges = done.edges
        self.done_label.setText(
            self.tr(
                "导入完成：消息 {messages} 条，新成员 {members} 人，邀请关系 {edges} 条。"
            ).format(
                messages=done.messages_added,
                members=done.members_created,
                edges=edges.count("added") + edges.count("merged"),
            )
        )
        lines = [
            self.tr(
                "入群记录 {joins}，移出 {removals}，加入社群 {memberships} 人次，群名记录 {names}。"
            ).format(
                joins=done.joins_recorded,
                removals=done.removals_recorded,
                memberships=done.memberships_added,
                names=done.names_recorded,
            ),
            self.tr("积分记录 {points} 条，等级变化 {levels} 人。").format(
                points=result.points_entries, levels=result.levels.changed
            ),
        ]
        if done.messages_already:
            lines.append(
                self.tr("{n} 条消息以前已经导入过，没有重复记录。").format(n=done.messages_already)
            )
        if done.messages_unresolved:
            lines.append(
                self.tr("{n} 条消息的发送人待确认，没有导入。").format(n=done.messages_unresolved)
            )
        if edges.count("conflict"):
            lines.append(
                self.tr("{n} 条邀请关系与已有记录冲突，没有改动，请在活动里核对。").format(
                    n=edges.count("conflict")
                )
            )
        if done.communities_created:
            lines.append(
                self.tr("新建社群：{names}").format(names="、".join(done.communities_created))
            )
        self.done_details.setText("\n".join(lines))
        self.pages.setCurrentIndex(PAGE_DONE)
        self._close_plan()
        self.data_changed.emit(changes(*CHANGED))

    # ----- closing --------------------------------------------------------------------------

    def _close_plan(self) -> None:
        if self.plan is not None:
            self.plan.close()  # its temporary file of messages
            self.plan = None

    def done(self, result: int) -> None:
        self._close_plan()
        super().done(result)
