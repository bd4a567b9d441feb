"""Roles the program suggests from behaviour, with the evidence — the owner decides.

From the seed (002): leaders share good content and answer questions; connectors bring
people in from outside; contributors give resources (shares, feedback); executors show up
and carry things out (events, check-ins). A suggestion is only made for someone who is a
follower now: the roles an owner gave by hand are theirs to change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.activity.kinds import KIND_LABELS
from core.common.joins import joined_list
from core.common.settings_store import get_setting
from core.common.text import msg
from core.communities.roles import change_roles
from core.members.statistics import stats_members_condition
from db.models import ActivityEvent, Member, Membership

RULES_KEY = "roles.suggest"
WINDOW_DAYS = 100
# role -> (kinds that count, minimum total), tried in this order.
DEFAULT_RULES: dict[str, tuple[tuple[str, ...], int]] = {
    "leader": (("good_post", "answer"), 5),
    "connector": (("invite",), 3),
    "contributor": (("share", "feedback"), 5),
    "executor": (("event",), 3),
}


@dataclass(frozen=True)
class RoleSuggestion:
    member_id: int
    name: str
    current: str
    suggested: str
    evidence: str  # "优质内容 3 次、回答问题 4 次（近 100 天）", a message


@dataclass(frozen=True)
class ExtraEvidence:
    """Counts another feature knows and activity does not (the chat's answer-givers), added
    to one role's total and named in the evidence: `label` is a msg() ("回答群友提问")."""

    role: str
    label: str
    counts: Mapping[int, int]  # member id → count (in the same window)


def suggestion_rules(session: Session) -> dict[str, tuple[tuple[str, ...], int]]:
    stored = get_setting(session, RULES_KEY) or {}
    rules = dict(DEFAULT_RULES)
    for role, minimum in stored.items():
        if role in rules and isinstance(minimum, int) and minimum > 0:
            rules[role] = (rules[role][0], minimum)
    return rules


def suggest_roles(
    session: Session,
    community_id: int,
    *,
    now: datetime | None = None,
    extra: Sequence[ExtraEvidence] = (),
) -> list[RoleSuggestion]:
    """Suggestions for the community's followers; `extra` adds what other features count
    (core/workflows/role_evidence.py brings the chat's answers to 贡献者)."""
    now = now or datetime.now()
    since = now - timedelta(days=WINDOW_DAYS)
    rules = suggestion_rules(session)
    kinds = sorted({kind for wanted, _ in rules.values() for kind in wanted})
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = session.execute(
        select(ActivityEvent.member_id, ActivityEvent.kind, func.count())
        .where(
            ActivityEvent.community_id == community_id,
            ActivityEvent.occurred_at >= since,
            ActivityEvent.kind.in_(kinds),
        )
        .group_by(ActivityEvent.member_id, ActivityEvent.kind)
    )
    for member_id, kind, count in rows:
        counts[member_id][kind] = count
    for number, evidence in enumerate(extra):
        for member_id, count in evidence.counts.items():
            if count:
                counts[member_id][f"extra:{number}"] = count
    if not counts:
        return []
    followers = session.execute(
        select(Member.id, Member.nickname, Member.remark)
        .join(Membership, Membership.member_id == Member.id)
        .where(
            Membership.community_id == community_id,
            Membership.left_at.is_(None),
            Membership.role == "follower",
            Membership.member_id.in_(list(counts)),
            stats_members_condition(),
        )
    )
    suggestions = []
    for member_id, nickname, remark in followers:
        figures = counts[member_id]
        for role, (kinds, minimum) in rules.items():
            wanted = (
                *kinds,
                *(f"extra:{n}" for n, evidence in enumerate(extra) if evidence.role == role),
            )
            total = sum(figures.get(kind, 0) for kind in wanted)
            if total >= minimum:
                labels = {**KIND_LABELS, **{f"extra:{n}": e.label for n, e in enumerate(extra)}}
                parts = [
                    msg("{kind} {count} 次", kind=labels[k], count=figures[k])
                    for k in wanted
                    if figures.get(k)
                ]
                evidence = msg(
                    "{figures}（近 {days} 天）", figures=joined_list(parts), days=WINDOW_DAYS
                )
                name = remark or nickname or msg("成员 #{id}", id=member_id)
                suggestions.append(RoleSuggestion(member_id, name, "follower", role, evidence))
                break
    return sorted(suggestions, key=lambda s: (list(rules).index(s.suggested), s.name))


def accept_suggestions(
    session: Session, community_id: int, suggestions: list[RoleSuggestion], operator: str = ""
) -> int:
    """Give the suggested roles; the evidence goes into the role history as the reason."""
    changed = 0
    for suggestion in suggestions:
        changed += change_roles(
            session,
            community_id,
            [suggestion.member_id],
            suggestion.suggested,
            reason="采纳建议：" + suggestion.evidence,
            operator=operator,
        )
    return changed
