"""Fraud signals (风控) on referral edges, each hit with a reason code and a severity.

DOMAIN's signals available offline, and what each does to the edge's reward:
- same phone, same 微信号 as the inviter → block (void, whatever the moderation mode);
- nickname within edit distance N (2) of the inviter's → flag;
- more than N invites by one inviter within an hour → flag (every edge of such an hour);
- the edge lies on a cycle of the referral graph (A brought B, B brought A) → flag;
- the inviter joined after the invitee → block (DOMAIN: reject);
- the invitee was already a member before this join → flag.
A flag goes to the moderation mode (core/campaigns/review.py); a block is void with its reason.
Phones and 微信号 compare as written apart from spaces, dashes and case; nicknames after trimming,
and two names count as alike only when fewer edits apart than the shorter one is long (张三 and
李四 are 2 edits apart but share nothing).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from rapidfuzz.distance import Levenshtein

from core.campaigns.eligibility import EdgeKey, edge_key
from core.campaigns.facts import Person
from core.campaigns.inputs import Edge
from core.campaigns.settings import Screening
from core.campaigns.waves import tree_cycles
from core.common.text import Message, msg

BLOCK = "block"
FLAG = "flag"

SAME_PHONE = "same_phone"
SAME_WECHAT = "same_wechat"
SIMILAR_NICKNAME = "similar_nickname"
BURST = "burst"
CYCLE = "cycle"
INVITER_LATER = "inviter_later"
ALREADY_MEMBER = "already_member"
SEVERITY = {
    SAME_PHONE: BLOCK,
    SAME_WECHAT: BLOCK,
    SIMILAR_NICKNAME: FLAG,
    BURST: FLAG,
    CYCLE: FLAG,
    INVITER_LATER: BLOCK,
    ALREADY_MEMBER: FLAG,
}
HOUR = timedelta(hours=1)


def signal_texts() -> dict[str, Message]:
    return {
        SAME_PHONE: msg("与邀请人手机号相同"),
        SAME_WECHAT: msg("与邀请人微信号相同"),
        SIMILAR_NICKNAME: msg("昵称与邀请人相近"),
        BURST: msg("邀请人一小时内邀请过多"),
        CYCLE: msg("邀请关系成环"),
        INVITER_LATER: msg("邀请人比被邀请人更晚入群"),
        ALREADY_MEMBER: msg("被邀请人此前已是成员"),
    }


@dataclass(frozen=True)
class Signal:
    code: str
    severity: str
    text: str


def _signal(code: str, detail: str = "") -> Signal:
    if not detail:
        return _plain_signal(code)
    return Signal(code, SEVERITY[code], msg("{signal}（{detail}）", signal=_texts()[code],
                                            detail=detail))  # fmt: skip


@cache
def _texts() -> dict[str, Message]:
    return signal_texts()


@cache
def _plain_signal(code: str) -> Signal:
    """One Signal per code without detail (they are frozen), shared by every edge it hits."""
    return Signal(code, SEVERITY[code], _texts()[code])


_UNTIDY = str.maketrans("", "", " -\t")


def _tidy(text: str) -> str:
    return text.translate(_UNTIDY).casefold()


def pair_signals(inviter: Person | None, invitee: Person | None, distance: int) -> list[Signal]:
    """What two people alone give away: the same phone or 微信号, near-equal nicknames."""
    if inviter is None or invitee is None:
        return []
    return _pair_signals(inviter, invitee, distance, _Tidied())


class _Tidied(dict):
    """Text → its tidied form, each text tidied once however many edges show it (a scan over
    200000 edges meets an inviter's phone once per invitee)."""

    def __missing__(self, text: str) -> str:
        self[text] = tidy = _tidy(text)
        return tidy


def _pair_signals(inviter: Person, invitee: Person, distance: int, tidied: _Tidied):
    hits = []
    if inviter.phone and tidied[inviter.phone] == tidied[invitee.phone]:
        hits.append(_signal(SAME_PHONE))
    if inviter.wechat_id and tidied[inviter.wechat_id] == tidied[invitee.wechat_id]:
        hits.append(_signal(SAME_WECHAT))
    one, two = inviter.nickname.strip(), invitee.nickname.strip()
    apart = Levenshtein.distance(one, two, score_cutoff=distance + 1)
    # Names that share nothing are not alike, however short (张三 / 李四 is 2 edits apart).
    if one and two and apart <= distance and apart < min(len(one), len(two)):
        hits.append(_signal(SIMILAR_NICKNAME, f"{one} / {two}"))
    return hits


def bursts(edges: Iterable[Edge], most: int) -> set[EdgeKey]:
    """Edges of an inviter who brought more than `most` people within one hour: every edge of
    each such hour (a sliding window over their joining times)."""
    by_inviter: dict[int, list[Edge]] = defaultdict(list)
    for edge in edges:
        if edge.inviter_id is not None and edge.joined_at is not None:
            by_inviter[edge.inviter_id].append(edge)
    hit: set[EdgeKey] = set()
    for mine in by_inviter.values():
        mine.sort(key=lambda e: e.joined_at)
        start = 0
        for end, edge in enumerate(mine):
            while edge.joined_at - mine[start].joined_at >= HOUR:
                start += 1
            if end - start + 1 > most:
                hit.update(edge_key(e) for e in mine[start : end + 1])
    return hit


def on_cycles(edges: Iterable[Edge]) -> set[EdgeKey]:
    """Edges whose inviter and invitee lie on one cycle of the referral graph (waves.py finds
    the cycles among the edges that count)."""
    hit = set()
    for cycle in tree_cycles(edges):
        for at, member in enumerate(cycle):
            hit.add((member, cycle[(at + 1) % len(cycle)]))
    return hit


def _joined(member: int, own: Mapping[int, datetime], people: Mapping[int, Person]):
    if member in own:
        return own[member]
    person = people.get(member)
    return person.member_since if person is not None else None


def scan(
    edges: Iterable[Edge], people: Mapping[int, Person], screening: Screening
) -> dict[EdgeKey, list[Signal]]:
    """Each edge with an inviter → its signals (an empty list: clean)."""
    edges = [edge for edge in edges if edge.inviter_id is not None]
    burst = bursts(edges, screening.invites_per_hour)
    cycle = on_cycles(edges)
    own: dict[int, datetime] = {}  # a participant's own joining (their earliest edge)
    for edge in edges:
        if edge.joined_at is not None and (
            edge.invitee_id not in own or edge.joined_at < own[edge.invitee_id]
        ):
            own[edge.invitee_id] = edge.joined_at
    found: dict[EdgeKey, list[Signal]] = {}
    tidied = _Tidied()
    distance = screening.nickname_distance
    for edge in edges:
        key = edge_key(edge)
        inviter, invitee = people.get(edge.inviter_id), people.get(edge.invitee_id)
        if inviter is None or invitee is None:
            hits = []
        else:
            hits = _pair_signals(inviter, invitee, distance, tidied)
        if key in burst:
            hits.append(_signal(BURST, str(screening.invites_per_hour)))
        if key in cycle:
            hits.append(_signal(CYCLE))
        inviter_joined = _joined(edge.inviter_id, own, people)
        joined = edge.joined_at
        if inviter_joined is not None and joined is not None and inviter_joined > joined:
            hits.append(_signal(INVITER_LATER))
        since = invitee.member_since if invitee is not None else None
        if since is not None and edge.joined_at is not None and since < edge.joined_at:
            hits.append(_signal(ALREADY_MEMBER))
        found[key] = hits
    return found
