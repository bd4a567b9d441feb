"""内容日历 tab: the pages in PAGES (月, 周, 列表, 今日待发, 素材库; one line each), the holiday
banner, and what the pages share: the day in view, the colour mode, the item editor and the writes
with their undo steps (Ctrl+Z or 撤销).

Every read and write goes through core.calendar off the GUI thread, through this tab's `tasks`;
a move or a change announces Change.CALENDAR. Each reload first sends items still 待审核 past
their time back to 草稿 (announced only when there were some, so the announcement's own reload
finds none and stops).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QVBoxLayout,
    QWidget,
)

from ui.calendar.colours import BY_COMMUNITY, BY_KIND
from ui.calendar.holiday_banner import HolidayBanner, NoticeDialog
from ui.calendar.list_page import ListPage
from ui.calendar.materials_page import MaterialsPage
from ui.calendar.month_page import MonthPage
from ui.calendar.today_page import TodayPage
from ui.calendar.week_page import WeekPage
from ui.common.changes import Change, Changes, changes
from ui.common.errors import as_user_error, refusal_line, show_error
from ui.common.i18n import shown
from ui.common.notice_bar import NoticeBar
from ui.common.page_tabs import PageTabs
from ui.common.tab import FeatureTab
from ui.common.widgets import page_title, push_button

if TYPE_CHECKING:
    from core.common.database import Database
    from ui.calendar.data import RangeData
    from ui.calendar.editor import ItemEditor

# The pages, in order: one line each to add another. A page needs `page(tab)`, `title()` and
# `reload()` (ui/calendar/page.py); `set_colour_mode` and `set_communities` when it has use.
PAGES = (MonthPage, WeekPage, ListPage, TodayPage, MaterialsPage)
CALENDAR = changes(Change.CALENDAR)
NEW_ITEM_HOUR = 9  # a new item on a day (not at a time) starts at 9:00


class CalendarTab(FeatureTab):
    SHOWS = frozenset({Change.CALENDAR, Change.COMMUNITIES, Change.CAMPAIGNS})

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(database, parent)
        self.setObjectName("calendar_tab")
        self.anchor = date.today()
        self.colour_mode = BY_KIND
        self.communities: list[tuple[int, str]] = []
        self.editor: ItemEditor | None = None
        self._closed_editor: ItemEditor | None = None
        self.notice_dialog: NoticeDialog | None = None
        self.undo_stack = QUndoStack(self)

        self.new_button = push_button(
            "calendar_new", self.tr("新建内容"), lambda: self.new_item(None)
        )
        self.new_button.setProperty("primary", True)
        self.undo_button = push_button("calendar_undo", self.tr("撤销"), self.undo_stack.undo)
        self.undo_button.setEnabled(False)
        self.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.undo_stack.undoTextChanged.connect(
            lambda text: self.undo_button.setToolTip(
                self.tr("撤销：{0}（Ctrl+Z）").format(text) if text else ""
            )
        )
        self.undo_action = QAction(self.tr("撤销"), self)
        self.undo_action.setObjectName("calendar_undo_action")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.undo_action.triggered.connect(self.undo_stack.undo)
        self.addAction(self.undo_action)
        self.colour = QComboBox()
        self.colour.setObjectName("calendar_colour_mode")
        self.colour.addItem(self.tr("按类型着色"), BY_KIND)
        self.colour.addItem(self.tr("按社群着色"), BY_COMMUNITY)
        self.colour.currentIndexChanged.connect(
            lambda _i: self.set_colour_mode(self.colour.currentData())
        )
        top = QHBoxLayout()
        top.addWidget(page_title("calendar_title", self.tr("内容日历")))
        top.addStretch(1)
        top.addWidget(self.colour)
        top.addWidget(self.undo_button)
        top.addWidget(self.new_button)

        self.notice = NoticeBar("calendar", self.tr("知道了"), card=True, wrap=True)
        self.banner = HolidayBanner()
        self.banner.paste_requested.connect(self.paste_notice)

        self.pages = PageTabs("calendar_pages", PAGES, self, lambda page: page.reload())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.notice)
        layout.addWidget(self.pages, 1)

    def page(self, object_name: str):
        return self.pages.page(object_name)

    def all_pages(self) -> list:
        return self.pages.all_pages()

    # ----- loading --------------------------------------------------------------------------

    def reload(self, changed: Changes | None) -> None:
        from core.communities.listing import list_communities

        self.pages.mark_stale()
        self.tasks.read(
            lambda session: [(row.id, row.name) for row in list_communities(session)],
            self._show_communities,
        )
        self.tasks.write(
            _return_unreviewed,
            label=self.tr("正在检查待审核内容…"),
            changes=changes(),  # announced below, only when something went back
            then=self._returned,
            on_failure=self._refused,
        )

    def _returned(self, titles: list[str]) -> None:
        """After the unreviewed items went back to 草稿: the pages read (again, if they
        already did, through the announcement)."""
        if not titles:
            self.pages.show_current()
            return
        self.show_notice(
            self.tr("{count} 条内容到计划时间仍未审核，已退回草稿：{titles}").format(
                count=len(titles), titles="、".join(titles[:5]) + ("…" if len(titles) > 5 else "")
            ),
            warning=True,
        )
        self.announce(CALENDAR)

    def _show_communities(self, communities: list[tuple[int, str]]) -> None:
        self.communities = communities
        for page in self.all_pages():
            if hasattr(page, "set_communities"):
                page.set_communities(communities)

    def set_anchor(self, day: date) -> None:
        self.anchor = day
        self.pages.mark_stale()
        self.pages.show_current()

    def set_colour_mode(self, mode: str) -> None:
        self.colour_mode = mode
        for page in self.all_pages():
            if hasattr(page, "set_colour_mode"):  # a page without tiles need not have it
                page.set_colour_mode(mode)

    def show_missing_years(self, data: RangeData) -> None:
        self.banner.show_messages(data.messages)

    def show_day_list(self, day: date) -> None:
        """The month's "+N 更多": that day in the list."""
        page = self.page("calendar_list_page")
        self.pages.setCurrentWidget(page)
        page.show_days(day, day)

    def show_notice(self, text: str, *, warning: bool = False) -> None:
        self.notice.say(text, warning=warning)

    def _refused(self, error: BaseException) -> None:
        line = refusal_line(self, error)
        if line is not None:
            self.show_notice(line, warning=True)

    # ----- moving (undoable) ----------------------------------------------------------------

    def move_item(self, item_id: int, when: datetime) -> None:
        """A drag's drop: move the item, then keep the step for undo."""
        from ui.calendar.undo import MoveItem

        def done(result) -> None:
            old, title, warnings = result
            text = self.tr("「{title}」改到 {when}").format(title=title, when=f"{when:%m-%d %H:%M}")
            self.undo_stack.push(MoveItem(self, item_id, old, when, text))
            self._after_move(text, warnings)

        self.tasks.write(
            lambda session: _move(session, item_id, when),
            label=self.tr("正在改时间…"),
            changes=CALENDAR,
            then=done,
            on_failure=self._refused,
        )

    def write_move(self, item_id: int, when: datetime) -> None:
        """Undo's and redo's move (no new undo step)."""
        self.tasks.write(
            lambda session: _move(session, item_id, when),
            label=self.tr("正在改时间…"),
            changes=CALENDAR,
            then=lambda result: self._after_move(
                self.tr("「{title}」改回 {when}").format(
                    title=result[1], when=f"{when:%m-%d %H:%M}"
                ),
                result[2],
            ),
            on_failure=self._refused,
        )

    def _after_move(self, text: str, warnings: list[str]) -> None:
        if warnings:
            self.show_notice("\n".join([text, *warnings]), warning=True)
        else:
            self.show_notice(text + self.tr("（Ctrl+Z 撤销）"))

    # ----- the editor -----------------------------------------------------------------------

    def new_item(self, when: date | datetime | None) -> None:
        if when is None:
            when = self.anchor if self.anchor >= date.today() else date.today()
        if not isinstance(when, datetime):
            when = datetime.combine(when, time(NEW_ITEM_HOUR))
        self.tasks.read(
            lambda session: editor_data(session, None),
            lambda data: self._open_editor(data, when),
        )

    def edit_item(self, item_id: int) -> None:
        self.tasks.read(
            lambda session: editor_data(session, item_id),
            lambda data: self._open_editor(data, data.item["planned_at"]),
            on_failure=self._refused,
        )

    def _open_editor(self, data, when: datetime) -> None:
        from ui.calendar.editor import ItemEditor

        if self._closed_editor is not None:
            self._closed_editor.deleteLater()  # now, not on closing (see the 活动 tab)
            self._closed_editor = None
        editor = ItemEditor(data, when, parent=self)
        editor.submitted.connect(lambda values: self._save(editor, values))
        editor.status_requested.connect(lambda target, reason: self._status(editor, target, reason))
        editor.delete_requested.connect(lambda: self._delete(editor))
        editor.communities_changed.connect(lambda ids: self._best_times(editor, ids))
        editor.materials_requested.connect(lambda: self._pick_materials(editor))
        editor.recycle_requested.connect(lambda days: self._recycle(editor, days))
        editor.finished.connect(lambda _result: self._editor_closed(editor))
        self.editor = editor
        editor.open()
        if editor.best_times_slot.isVisibleTo(editor):
            self._best_times(editor, editor.chosen_communities())

    def _best_times(self, editor: ItemEditor, community_ids: list[int]) -> None:
        from core.calendar.send_times import send_times
        from ui.common.tasks import while_alive

        self.tasks.read(
            lambda session: send_times(session, community_ids),
            while_alive(editor, lambda found: editor.show_best_times(community_ids, found)),
        )

    def _pick_materials(self, editor: ItemEditor) -> None:
        """The 素材库 picker over the editor; the choice keeps the item's order."""
        from ui.calendar.attachments import Attachment, merged
        from ui.calendar.materials_page import MaterialPicker

        current = editor.attachments.ids()
        picker = MaterialPicker(self, current, editor)
        editor.picker = picker

        def chosen(result: int) -> None:
            picker.deleteLater()
            editor.picker = None
            if result != MaterialPicker.DialogCode.Accepted:
                return
            known = dict(editor.attachments.known)
            listing = picker.page.listing
            for row in listing.materials if listing is not None else ():
                thumb = listing.thumbs.get(row.id)
                known[row.id] = Attachment(row.id, row.title, row.filename, thumb)
            ids = merged(current, picker.chosen)
            editor.set_attachments([known[m] for m in ids if m in known])

        picker.finished.connect(chosen)
        picker.open()

    def _recycle(self, editor: ItemEditor, days: int) -> None:
        from core.calendar.evergreen import recycle
        from ui.common.tasks import while_alive

        item_id = editor.item_id

        def done(made) -> None:
            editor.done_ok()
            self.show_notice(
                self.tr("已再次排期「{title}」：{when}（新内容 #{id}）").format(
                    title=made.title, when=f"{made.planned_at:%Y-%m-%d %H:%M}", id=made.item_id
                )
            )

        self.tasks.write(
            lambda session: recycle(session, item_id, after_days=days),
            label=self.tr("正在再次排期…"),
            changes=CALENDAR,
            then=while_alive(editor, done),
            on_failure=while_alive(editor, lambda error: self._editor_refused(editor, error)),
            parent=editor,
        )

    def _editor_closed(self, editor) -> None:
        self._closed_editor = editor
        if self.editor is editor:
            self.editor = None

    def _save(self, editor: ItemEditor, values: dict) -> None:
        from ui.common.tasks import while_alive

        item_id = editor.item_id

        def done(warnings: list[str]) -> None:
            editor.done_ok()
            if warnings:
                self.show_notice("\n".join(warnings), warning=True)

        self.tasks.write(
            lambda session: _save(session, item_id, values),
            label=self.tr("正在保存内容…"),
            changes=CALENDAR,
            then=done,
            on_failure=while_alive(editor, lambda error: self._editor_refused(editor, error)),
            parent=editor,
        )

    def _editor_refused(self, editor: ItemEditor, error: BaseException) -> None:
        refusal = as_user_error(error)
        if refusal is None:
            editor.refused("")
            show_error(editor, error)
            return
        editor.refused(shown(refusal.message))

    def _status(self, editor: ItemEditor, target: str, reason: str) -> None:
        from ui.common.tasks import while_alive

        item_id = editor.item_id

        def done(data) -> None:
            editor.busy = False
            editor.error.hide()
            editor.show_status(data)

        self.tasks.write(
            lambda session: _step(session, item_id, target, reason),
            label=self.tr("正在更改状态…"),
            changes=CALENDAR,
            then=while_alive(editor, done),
            on_failure=while_alive(editor, lambda error: self._editor_refused(editor, error)),
            parent=editor,
        )

    def _delete(self, editor: ItemEditor) -> None:
        from ui.common.tasks import while_alive

        item_id = editor.item_id
        title = editor.title_edit.text()
        self.write_delete(item_id, title=title, then=while_alive(editor, editor.done_ok))

    def write_delete(self, item_id: int, *, title: str = "", command=None, then=None) -> None:
        """Delete an item; a new deletion becomes an undo step, a redo updates its own."""
        from core.calendar.items import delete_item
        from ui.calendar.undo import DeleteItem

        def done(kept) -> None:
            if command is None:
                text = self.tr("删除「{title}」").format(title=kept.values["title"])
                self.undo_stack.push(DeleteItem(self, kept, text))
                self.show_notice(text + self.tr("（Ctrl+Z 撤销）"))
            else:
                command.kept = kept
            if then is not None:
                then()

        self.tasks.write(
            lambda session: delete_item(session, item_id),
            label=self.tr("正在删除…"),
            changes=CALENDAR,
            then=done,
            on_failure=self._refused,
        )

    def write_restore(self, command) -> None:
        from core.calendar.items import restore_item

        def done(item_id: int) -> None:
            command.item_id = item_id
            self.show_notice(
                self.tr("已恢复「{title}」").format(title=command.kept.values["title"])
            )

        self.tasks.write(
            lambda session: restore_item(session, command.kept).id,
            label=self.tr("正在恢复…"),
            changes=CALENDAR,
            then=done,
            on_failure=self._refused,
        )

    # ----- holidays -------------------------------------------------------------------------

    def paste_notice(self) -> None:
        dialog = NoticeDialog(self)
        dialog.submitted.connect(lambda text: self._import_notice(dialog, text))
        dialog.finished.connect(dialog.deleteLater)
        self.notice_dialog = dialog
        dialog.open()

    def _import_notice(self, dialog: NoticeDialog, text: str) -> None:
        from core.calendar.holidays import import_notice
        from core.calendar.notice import parse_notice
        from ui.common.tasks import while_alive

        def done(result) -> None:
            dialog.accept()
            self.show_notice(
                self.tr("已导入 {year} 年放假通知：放假 {days} 天，调休上班 {workdays} 天").format(
                    year=result.year, days=len(result.holidays), workdays=len(result.workdays)
                )
            )
            self.pages.mark_stale()
            self.pages.show_current()

        def failed(error: BaseException) -> None:
            refusal = as_user_error(error)
            if refusal is None:
                dialog.refused("")
                show_error(dialog, error)
            else:
                dialog.refused(shown(refusal.message))

        self.tasks.start(
            lambda: import_notice(parse_notice(text)),
            while_alive(dialog, done),
            on_failure=while_alive(dialog, failed),
        )


# ----- the work, run off the GUI thread -------------------------------------------------------


def _limit_warnings(session, item) -> list[str]:
    """The send-limit overruns this promotional item causes on its day."""
    from core.calendar.items import community_ids_of
    from core.calendar.limits import check_plan

    if not item.promotional:
        return []
    found = check_plan(
        session, item.planned_at, community_ids_of(session, item.id), item_id=item.id
    )
    return [shown(overrun.message) for overrun in found]


def _move(session, item_id: int, when: datetime):
    from core.calendar.items import find_item, move_item

    old = move_item(session, item_id, when)
    item = find_item(session, item_id)
    return old, item.title, _limit_warnings(session, item)


def _return_unreviewed(session) -> list[str]:
    """The titles of the items sent back to 草稿 (status.return_unreviewed)."""
    from core.calendar.items import find_item
    from core.calendar.status import return_unreviewed

    return [find_item(session, item_id).title for item_id in return_unreviewed(session)]


def _save(session, item_id: int | None, values: dict) -> list[str]:
    """The item and its attachments in one write: a refusal of either leaves both as they were."""
    from core.calendar.items import create_item, edit_item, find_item, set_results
    from core.calendar.materials import set_attachments

    values = dict(values)
    planned_at = values.pop("planned_at", None)
    material_ids = values.pop("material_ids", None)
    results = {k: values.pop(k) for k in ("replies", "joins", "sales_cents") if k in values}
    if item_id is None:
        item = create_item(session, values.pop("title"), planned_at=planned_at, **values)
        if material_ids:
            set_attachments(session, item.id, material_ids)
    else:
        item = edit_item(session, item_id, **values)
        if planned_at is not None and planned_at != item.planned_at:
            from core.calendar.items import move_item

            move_item(session, item_id, planned_at)
        if results:
            set_results(session, item_id, **results)
        if material_ids is not None:
            set_attachments(session, item_id, material_ids)
        item = find_item(session, item_id)
    return _limit_warnings(session, item)


def _step(session, item_id: int, target: str, reason: str):
    from core.calendar.items import find_item
    from core.calendar.status import approve, set_status

    item = find_item(session, item_id)
    if item.status == "pending_review" and target == "scheduled":
        approve(session, item_id, reason)
    else:
        set_status(session, item_id, target, reason=reason)
    session.flush()
    return editor_data(session, item_id)


def editor_data(session, item_id: int | None):
    """What the editor shows: communities, campaigns, the approval setting, and the item."""
    from core.calendar.history import history_of
    from core.calendar.items import community_ids_of, find_item
    from core.calendar.settings import approval_required
    from core.calendar.status import TRANSITIONS
    from core.campaigns.records import list_campaigns
    from core.communities.listing import list_communities
    from ui.calendar.attachments import attachment_rows
    from ui.calendar.editor import EditorData

    approval = approval_required(session)
    data = EditorData(
        communities=[],
        campaigns=[(row.id, row.name) for row in list_campaigns(session)],
        approval=approval,
    )
    mine: set[int] = set()
    if item_id is not None:
        item = find_item(session, item_id)
        data.item = {
            name: getattr(item, name)
            for name in (
                "id", "title", "kind", "body", "planned_at", "owner", "status", "promotional",
                "replies", "joins", "sales_cents", "notes", "reviewer_notes", "campaign_id",
                "evergreen",
            )
        }  # fmt: skip
        data.community_ids = community_ids_of(session, item_id)
        data.attachments = attachment_rows(session, item_id)
        mine = set(data.community_ids)
        data.history = [
            (h.at, h.who, h.action, h.from_status, h.to_status, h.reason)
            for h in history_of(session, item_id)
        ]
        allowed = [t for t in TRANSITIONS[item.status] if t != "sent"]
        if item.status == "draft":
            allowed = ["pending_review"] if approval else ["scheduled"]
        data.allowed = allowed
    data.communities = [
        (row.id, row.name)
        for row in list_communities(session, include_archived=True)
        if not row.archived or row.id in mine
    ]
    return data
