"""The preview of a chat import: for each chat in a file or folder, its community, its people
resolved to members (or asked about), counts by kind, joins, removals, renames, the edges they
make, and every line that could not be read. Reads the export once, streamed: what it keeps is
per person and per system event, never per message.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.chat import model as m
from core.chat.detect import LABELS, open_chats
from core.chat.export import ChatExport
from core.chat.importing.kinds import ACTIVITY_KIND, EDGE_HOW
from core.chat.importing.people import SELF, Resolution, Seen, key_of, resolve_people
from core.chat.importing.refs import MessageBases
from core.chat.importing.spool import Spool
from core.chat.questions import is_question
from core.chat.textfile import Limits
from core.common.errors import UserError
from core.common.progress import CancelCheck, Cancelled, Progress, never_cancelled, no_progress
from core.common.text import msg
from db.chat_models import CommunityChat, CommunityName
from db.models import Community

MAX_UNREADABLE = 10_000  # listed one by one; past this only counted
STEPS = 1000  # progress units per chat


def local_time(moment: datetime) -> datetime:
    """The database keeps naive local (China) times."""
    zone = moment.tzinfo
    if zone is None:
        return moment
    if zone is not m.SHANGHAI:
        moment = moment.astimezone(m.SHANGHAI)
    return moment.replace(tzinfo=None)


@dataclass(frozen=True)
class JoinSeen:
    at: datetime
    invitee: str | None  # person key
    inviter: str | None
    how: str
    line: int


@dataclass(frozen=True)
class RemovalSeen:
    at: datetime
    removed: str | None
    by: str | None
    line: int


@dataclass(frozen=True)
class RenameSeen:
    at: datetime
    name: str
    by: str | None


@dataclass
class ChatPlan:
    export: ChatExport
    community_id: int | None
    community_name: str
    matched_by: str  # chat_id / name / given / new
    people: dict[str, Seen] = field(default_factory=dict)
    resolution: Resolution = field(default_factory=Resolution)
    messages: int = 0
    by_kind: Counter = field(default_factory=Counter)  # chat kinds
    joins: list[JoinSeen] = field(default_factory=list)
    removals: list[RemovalSeen] = field(default_factory=list)
    renames: list[RenameSeen] = field(default_factory=list)
    recalls: int = 0
    pats: int = 0
    claims: int = 0
    notices: int = 0
    unreadable: list[m.Unreadable] = field(default_factory=list)
    unreadable_count: int = 0
    first_at: datetime | None = None
    last_at: datetime | None = None
    # Each message as the write needs it: (sender key, kind, local time, length, dedupe
    # basis, text when kept, quoted person's key, time of day known, quotes a question).
    spool: Spool = field(default_factory=Spool)

    @property
    def chat(self) -> m.Chat:
        return self.export.chat

    @property
    def format_label(self) -> str:
        return LABELS.get(self.chat.format, self.chat.format)

    @property
    def by_activity_kind(self) -> Counter:
        counts: Counter = Counter()
        for kind, count in self.by_kind.items():
            counts[ACTIVITY_KIND[kind]] += count
        return counts

    def edges(self) -> list[JoinSeen]:
        """Joins with an inviter (one per invitee, as the stream gives them)."""
        return [j for j in self.joins if j.inviter is not None and j.how in EDGE_HOW]

    def unresolved_messages(self) -> int:
        return sum(q.messages for q in self.resolution.questions)


@dataclass
class ChatImportPlan:
    path: Path
    chats: list[ChatPlan]
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    keep_text: bool = False
    create_communities: bool = False

    @property
    def new_communities(self) -> list[ChatPlan]:
        return [chat for chat in self.chats if chat.community_id is None]

    def close(self) -> None:
        """Let go of the messages the preview kept for the write (a temporary file)."""
        for chat in self.chats:
            chat.spool.close()


def plan_chat_import(
    session: Session,
    path: Path,
    *,
    community: str | None = None,
    chosen: dict[str, str] | None = None,
    day: date | None = None,
    answers: dict[str, str] | None = None,
    keep_text: bool = False,
    create_communities: bool = False,
    limits: Limits | None = None,
    progress: Progress = no_progress,
    cancelled: CancelCheck = never_cancelled,
) -> ChatImportPlan:
    """Read the export and plan its import (nothing is written). `community`: the one chat's
    community; `chosen`: a community for some chats of a folder, by `chat_key`."""
    found = open_chats(path, day=day, limits=limits)
    if community and len(found.chats) > 1:
        raise UserError(
            msg(
                "「{name}」里有 {count} 个聊天，指定社群只适用于单个聊天的文件；"
                "文件夹里的聊天按群 ID 和群名各自对应社群",
                name=path.name,
                count=len(found.chats),
            )
        )
    plan = ChatImportPlan(
        path, [], found.skipped, keep_text=keep_text, create_communities=create_communities
    )
    total = STEPS * len(found.chats)
    for index, export in enumerate(found.chats):
        chat = ChatPlan(export, None, "", "new")
        _read(
            chat,
            keep_text,
            lambda i=index, e=export: progress(i * STEPS + int(e.fraction() * STEPS), total),
            cancelled,
        )
        # A chat without its name in the export (PyWxDump) is known by its last rename.
        name = export.chat.name or (chat.renames[-1].name if chat.renames else None)
        chat.community_id, chat.community_name, chat.matched_by = _community_of(
            session,
            export.chat,
            name,
            community or (chosen or {}).get(chat_key(export)),
            path,
            create=create_communities,
        )
        chat.resolution = resolve_people(
            session,
            chat.community_id,
            chat.people,
            self_wxid=export.chat.self_wxid or _self_wxid(chat.people),
            answers=answers or {},
        )
        plan.chats.append(chat)
    progress(total, total)
    return plan


def chat_key(export: ChatExport) -> str:
    """A chat of a folder, as the caller names it to choose its community: its id, else its
    first file."""
    return export.chat.id or str(export.files[0])


def _self_wxid(people: dict[str, Seen]) -> str | None:
    own = people.get(SELF)
    return own.wxid if own else None


def _community_of(
    session: Session,
    chat: m.Chat,
    name: str | None,
    given: str | None,
    path: Path,
    create: bool = False,
) -> tuple[int | None, str, str]:
    """(community id or None for a new one, its name, how it was found). A given name that
    no community has yet becomes a new community when the caller allows creating one."""
    linked = None
    if chat.id:
        linked = session.execute(
            select(Community.id, Community.name)
            .join(CommunityChat, CommunityChat.community_id == Community.id)
            .where(CommunityChat.chat_id == chat.id, Community.deleted_at.is_(None))
        ).first()
    if given:
        from core.communities.registry import community_id_by_name

        if linked is None and not _community_named(session, given):
            if create:
                return None, given, "new"
            raise UserError(msg("没有名为「{name}」的社群；要新建它，加 --create", name=given))
        community_id = community_id_by_name(session, given)
        if linked is not None and linked.id != community_id:
            raise UserError(
                msg(
                    "这个群聊之前已导入到社群「{linked}」，不能再导入到「{given}」",
                    linked=linked.name,
                    given=given,
                )
            )
        return community_id, given, "given"
    if linked is not None:
        return linked.id, linked.name, "chat_id"
    if name:
        ids = set(
            session.scalars(
                select(Community.id).where(Community.name == name, Community.deleted_at.is_(None))
            )
        ) | set(
            session.scalars(
                select(CommunityName.community_id)
                .join(Community, Community.id == CommunityName.community_id)
                .where(CommunityName.name == name, Community.deleted_at.is_(None))
            )
        )
        if len(ids) > 1:
            raise UserError(
                msg(
                    "有 {count} 个社群都叫「{name}」，请用 --community 指定导入到哪个",
                    count=len(ids),
                    name=name,
                )
            )
        if ids:
            return ids.pop(), name, "name"
    return None, name or chat.id or path.stem, "new"


def _community_named(session: Session, name: str) -> bool:
    alive = select(Community.id).where(Community.name == name, Community.deleted_at.is_(None))
    return session.scalar(alive.limit(1)) is not None


def _note(chat: ChatPlan, person: m.Person | None, at: datetime | None = None) -> str | None:
    if person is None:
        return None
    key = key_of(person)
    if key is None:
        return None
    seen = chat.people.get(key)
    if seen is None:
        seen = chat.people[key] = Seen(key)
    seen.take(person)
    return key


def _read(chat: ChatPlan, keep_text: bool, progress, cancelled: CancelCheck) -> None:
    count = 0
    bases = MessageBases()
    spool = chat.spool
    for event in chat.export.events():
        count += 1
        if count % 4096 == 0:
            if cancelled():
                raise Cancelled
            progress()
        if isinstance(event, m.Unreadable):
            chat.unreadable_count += 1
            if len(chat.unreadable) < MAX_UNREADABLE:
                chat.unreadable.append(event)
            continue
        at = local_time(event.time)
        if isinstance(event, m.Message):
            key = _note(chat, event.sender)
            if key is None:
                continue
            seen = chat.people[key]
            seen.messages += 1
            if seen.first_message_at is None or at < seen.first_message_at:
                seen.first_message_at = at
            if seen.last_message_at is None or at > seen.last_message_at:
                seen.last_message_at = at
            quoted = _note(chat, event.quoted)
            spool.add(
                (
                    seen.key,
                    event.kind,
                    at,
                    event.length,
                    bases.of(event.source_id, seen.key, at, event.kind, event.length, event.text),
                    event.text if keep_text else None,
                    quoted,
                    event.precision != m.DAY,
                    is_question(event.quoted_text) if event.kind == m.QUOTE else None,
                )
            )
            chat.messages += 1
            chat.by_kind[event.kind] += 1
            chat.first_at = at if chat.first_at is None else min(chat.first_at, at)
            chat.last_at = at if chat.last_at is None else max(chat.last_at, at)
        elif isinstance(event, m.Join):
            chat.joins.append(
                JoinSeen(
                    at,
                    _note(chat, event.invitee),
                    _note(chat, event.inviter),
                    event.how,
                    event.line,
                )
            )
        elif isinstance(event, m.Removal):
            chat.removals.append(
                RemovalSeen(at, _note(chat, event.removed), _note(chat, event.by), event.line)
            )
        elif isinstance(event, m.Rename):
            chat.renames.append(RenameSeen(at, event.new_name, _note(chat, event.by)))
        elif isinstance(event, m.Recall):
            chat.recalls += 1
        elif isinstance(event, m.Pat):
            chat.pats += 1
        elif isinstance(event, m.RedPacketClaim):
            chat.claims += 1
        elif isinstance(event, m.Notice):
            chat.notices += 1
            if event.reason:
                chat.unreadable_count += 1
                if len(chat.unreadable) < MAX_UNREADABLE:
                    chat.unreadable.append(m.Unreadable(event.line, event.reason, event.text[:80]))
    spool.finish()
