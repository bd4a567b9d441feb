"""A chat import written, in the caller's one transaction: the communities it confirmed, the
new members, memberships (joins, removals), the group's name history, one activity record and
one chat message row per message, and the referral edges (source chat_history).

Messages come from what the preview read (its spool: the export is parsed once) and are
written in batches, so memory stays flat for any size. A batch's keys already in the database
(an earlier import of the same chat) are left out. What follows from the new activity in other
features — the earn rules, the levels — is core/workflows/chat_import.py's: this returns what
it recorded and whom it touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.activity.record import NewEvent, RecordResult, record_events
from core.chat.importing.kinds import ACTIVITY_KIND, EDGE_HOW, JOIN_CHANNEL
from core.chat.importing.people import members_by_wxid
from core.chat.importing.plan import STEPS, ChatImportPlan, ChatPlan
from core.chat.importing.refs import message_ref
from core.common.errors import UserError
from core.common.joins import joined_some
from core.common.progress import CancelCheck, Cancelled, Progress, never_cancelled, no_progress
from core.common.text import msg
from core.communities.registry import create_community, new_fields
from core.members.search_keys import member_search_keys
from core.referrals.edges import Claim, record_edges
from core.referrals.edges import RecordResult as EdgesResult
from db.bulk import insert_tuples
from db.chat_models import ChatMessage, CommunityChat, CommunityName
from db.models import Member, Membership, MembershipEvent

SOURCE = "chat"
_MESSAGE_COLUMNS = (
    "community_id",
    "member_id",
    "sent_at",
    "kind",
    "length",
    "quoted_member_id",
    "text",
    "time_known",
    "quotes_question",
    "source_ref",
)


@dataclass
class ChatImportResult:
    communities_created: list[str] = field(default_factory=list)
    members_created: int = 0
    memberships_added: int = 0
    joins_recorded: int = 0
    removals_recorded: int = 0
    names_recorded: int = 0
    messages_added: int = 0
    messages_already: int = 0  # imported before (same key)
    messages_unresolved: int = 0  # sender still a question
    recorded: RecordResult = field(default_factory=RecordResult)
    edges: EdgesResult = field(default_factory=EdgesResult)
    member_ids: set[int] = field(default_factory=set)  # whose memberships changed


@dataclass(frozen=True)
class _Target:
    """Where one chat is written: its community, its people (person key → member id), and the
    result that counts what was written."""

    session: Session
    chat: ChatPlan
    community_id: int
    members: dict[str, int]
    result: ChatImportResult


def apply_chat_import(
    session: Session,
    plan: ChatImportPlan,
    *,
    operator: str | None = None,
    now: datetime | None = None,
    progress: Progress = no_progress,
    cancelled: CancelCheck = never_cancelled,
) -> ChatImportResult:
    if plan.new_communities and not plan.create_communities:
        names = joined_some([chat.community_name for chat in plan.new_communities])
        raise UserError(
            msg(
                "没有对应的社群：{names}。请指定社群，或确认新建这些社群后再导入",
                names=names,
            )
        )
    now = now or datetime.now()
    result = ChatImportResult()
    total = STEPS * len(plan.chats)
    for index, chat in enumerate(plan.chats):
        community_id = _community(session, chat, result)
        members = _members(session, chat, community_id, result, now)
        to = _Target(session, chat, community_id, members, result)
        _memberships(to)
        _names(to)
        session.flush()

        def step(fraction: float, i=index):
            progress(i * STEPS + int(fraction * STEPS), total)

        _messages(to, step, cancelled)
        _edges(to, operator, now)
    progress(total, total)
    return result


def _community(session: Session, chat: ChatPlan, result: ChatImportResult) -> int:
    community_id = chat.community_id
    if community_id is None:
        fields = new_fields(session)
        fields.name = chat.community_name[:100]
        if chat.chat.format.startswith("wecom"):
            fields.platform = "wecom"
        community_id = create_community(session, fields)
        chat.community_id = community_id
        result.communities_created.append(fields.name)
    if chat.chat.id:
        linked = session.scalar(
            select(CommunityChat.community_id).where(CommunityChat.chat_id == chat.chat.id)
        )
        if linked is None:
            session.add(
                CommunityChat(
                    chat_id=chat.chat.id[:100], community_id=community_id, format=chat.chat.format
                )
            )
    return community_id


def _members(
    session: Session, chat: ChatPlan, community_id: int, result: ChatImportResult, now: datetime
) -> dict[str, int]:
    """Person key → member id, the new members created."""
    resolution = chat.resolution
    wecom = chat.chat.format.startswith("wecom")
    # Someone the preview found new may be a member by now: an earlier chat of this same
    # import (a folder of groups that share people) created them. Theirs, never a second.
    by_wxid = members_by_wxid(session, [new.wxid for new in resolution.new_members])
    ids: dict[int, int] = {}  # index in new_members → member id
    rows: list[tuple[int, Member]] = []
    for index, new in enumerate(resolution.new_members):
        found = by_wxid.get(new.wxid or "", set())
        if len(found) == 1:
            ids[index] = next(iter(found))
            continue
        wxid = (new.wxid or "")[:100] or None
        external = wxid if wecom and wxid and wxid.startswith(("wm", "wo")) else None
        keys = member_search_keys(
            new.nickname,
            new.remark,
            group_nicknames=[new.group_nickname] if new.group_nickname else [],
        )
        rows.append(
            (
                index,
                Member(
                    nickname=new.nickname[:200],
                    remark=new.remark[:200],
                    wxid=None if external else wxid,
                    external_userid=external,
                    source_channel="聊天记录",
                    search_pinyin=keys.pinyin,
                    search_initials=keys.initials,
                    phone_tail=keys.phone_tail,
                    search_text=keys.text,
                    created_at=now,
                    updated_at=now,
                ),
            )
        )
    session.add_all([member for _index, member in rows])
    session.flush()  # one flush for all: their ids
    ids.update((index, member.id) for index, member in rows)
    result.members_created += len(rows)
    for member_id, wxid in resolution.wxid_to_fill.items():
        member = session.get(Member, member_id)
        if member is not None and not member.wxid:
            member.wxid = wxid[:100]
    members: dict[str, int] = {}
    for key, target in resolution.targets.items():
        if target is None:
            continue
        members[key] = ids[-target - 1] if target < 0 else target
    return members


def _memberships(to: _Target) -> None:
    """Everyone the chat shows is in the group; a join sets when and how; a removal after
    the last join (with no message after it) ends the membership."""
    current = {
        row.member_id: row
        for row in to.session.scalars(
            select(Membership).where(
                Membership.community_id == to.community_id,
                Membership.member_id.in_(set(to.members.values())),
            )
        )
    }
    events = {
        (member_id, kind, at)
        for member_id, kind, at in to.session.execute(
            select(
                MembershipEvent.member_id, MembershipEvent.kind, MembershipEvent.occurred_at
            ).where(MembershipEvent.community_id == to.community_id)
        )
    }
    first_join: dict[int, tuple[datetime, str]] = {}
    story: dict[int, list[tuple[datetime, str]]] = {}
    for join in sorted(to.chat.joins, key=lambda j: j.at):
        member_id = to.members.get(join.invitee or "")
        if member_id is None:
            continue
        first_join.setdefault(member_id, (join.at, JOIN_CHANNEL[join.how]))
        story.setdefault(member_id, []).append((join.at, "join"))
    for removal in to.chat.removals:
        member_id = to.members.get(removal.removed or "")
        if member_id is not None:
            story.setdefault(member_id, []).append((removal.at, "leave"))
    last_message = {
        to.members[key]: seen.last_message_at
        for key, seen in to.chat.people.items()
        if key in to.members
    }
    for key, member_id in to.members.items():
        seen = to.chat.people.get(key)
        membership = current.get(member_id)
        joined = first_join.get(member_id)
        if membership is None:
            membership = Membership(
                member_id=member_id,
                community_id=to.community_id,
                group_nickname=(seen.group_nickname if seen else "") or "",
                joined_at=joined[0] if joined else None,
                join_channel=joined[1] if joined else "聊天记录",
            )
            to.session.add(membership)
            current[member_id] = membership
            to.result.memberships_added += 1
            to.result.member_ids.add(member_id)
        elif joined and (membership.joined_at is None or joined[0] < membership.joined_at):
            membership.joined_at = joined[0]
            membership.join_channel = joined[1]
            to.result.member_ids.add(member_id)
        if seen and seen.group_nickname and not membership.group_nickname:
            membership.group_nickname = seen.group_nickname[:200]
    for member_id, happened in story.items():
        for at, kind in sorted(happened):
            if (member_id, kind, at) in events:
                continue
            events.add((member_id, kind, at))
            to.session.add(
                MembershipEvent(
                    member_id=member_id,
                    community_id=to.community_id,
                    kind=kind,
                    occurred_at=at,
                    source=SOURCE,
                )
            )
            if kind == "join":
                to.result.joins_recorded += 1
            else:
                to.result.removals_recorded += 1
        at, kind = max(happened)
        membership = current[member_id]
        spoke_after = (last_message.get(member_id) or at) > at
        still_in = membership.left_at is None
        if kind == "leave" and not spoke_after and still_in and (membership.joined_at or at) <= at:
            membership.left_at = at
            to.result.member_ids.add(member_id)


def _names(to: _Target) -> None:
    known = {
        (name, at)
        for name, at in to.session.execute(
            select(CommunityName.name, CommunityName.changed_at).where(
                CommunityName.community_id == to.community_id
            )
        )
    }
    for rename in to.chat.renames:
        if (rename.name, rename.at) in known:
            continue
        known.add((rename.name, rename.at))
        to.session.add(
            CommunityName(
                community_id=to.community_id,
                name=rename.name[:200],
                changed_at=rename.at,
                by_member_id=to.members.get(rename.by or ""),
                source=SOURCE,
            )
        )
        to.result.names_recorded += 1


def _messages(to: _Target, step, cancelled: CancelCheck) -> None:
    """The messages the preview read (from its spool), written a chunk at a time."""
    done = 0
    for chunk in to.chat.spool.chunks():
        if cancelled():
            raise Cancelled
        batch: list[tuple] = []
        for key, kind, at, length, basis, text, quoted, time_known, question in chunk:
            member_id = to.members.get(key)
            if member_id is None:
                to.result.messages_unresolved += 1
                continue
            batch.append(
                (
                    to.community_id,
                    member_id,
                    at,
                    kind,
                    length,
                    to.members.get(quoted) if quoted else None,
                    text,
                    time_known,
                    question,
                    message_ref(to.community_id, basis),
                )
            )
        if batch:
            _write(to.session, batch, to.result)
        done += len(chunk)
        step(done / max(to.chat.spool.count, 1))


def _write(session: Session, batch: list[tuple], result: ChatImportResult) -> None:
    refs = [row[-1] for row in batch]
    done: set[str] = set()
    for start in range(0, len(refs), 5000):
        done.update(
            session.scalars(
                select(ChatMessage.source_ref).where(
                    ChatMessage.source_ref.in_(refs[start : start + 5000])
                )
            )
        )
    rows, seen = [], set()
    for row in batch:
        ref = row[-1]
        if ref in done or ref in seen:
            result.messages_already += 1
            continue
        seen.add(ref)
        rows.append(row)
    if not rows:
        return
    recorded = record_events(
        session,
        [
            NewEvent(
                member_id=row[1],
                kind=ACTIVITY_KIND[row[3]],
                occurred_at=row[2],
                community_id=row[0],
                source_ref=row[-1],
            )
            for row in rows
        ],
        source=SOURCE,
    )
    insert_tuples(session.connection(), ChatMessage.__table__, _MESSAGE_COLUMNS, rows)
    result.messages_added += len(rows)
    merged = result.recorded
    merged.added += recorded.added
    merged.skipped += recorded.skipped
    merged.event_ids.extend(recorded.event_ids)
    merged.member_ids = sorted(set(merged.member_ids) | set(recorded.member_ids))


def _edges(to: _Target, operator: str | None, now: datetime) -> None:
    claims = []
    for join in to.chat.edges():
        inviter = to.members.get(join.inviter or "")
        invitee = to.members.get(join.invitee or "")
        if inviter is None or invitee is None or inviter == invitee:
            continue
        claims.append(
            Claim(
                inviter_id=inviter,
                invitee_id=invitee,
                how=EDGE_HOW[join.how],
                source="chat_history",
                community_id=to.community_id,
                occurred_at=join.at,
            )
        )
    if claims:
        recorded = record_edges(to.session, claims, operator=operator, now=now)
        to.result.edges.results.extend(recorded.results)
