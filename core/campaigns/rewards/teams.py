"""Rewards of people acting together: 拼团 (a team of N within T hours) and 助力 (N helpers
unlock the reward). The helps are counted here for 砍价 too (rewards/bargain.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.campaigns.decisions import (
    ALREADY_DONE,
    BARRED,
    HELPED_BEFORE,
    IN_ANOTHER_TEAM,
    SELF_HELP,
    TEAM_EXPIRED,
    TEAM_FULL,
    TOO_LATE,
    Decision,
    Reason,
    reason,
    reward_key,
)
from core.campaigns.facts import Facts, Help
from core.campaigns.rewards.common import Claim, finish, new_book
from core.campaigns.settings import GroupBuySettings, HelpSettings
from core.campaigns.signals import BLOCK, Signal, pair_signals

OPEN = "open"
COMPLETE = "complete"
EXPIRED = "expired"


def _barred(facts: Facts, member: int) -> bool:
    person = facts.people.get(member)
    return person is not None and person.barred


# ------------------------------------------------------------------------------ 拼团


@dataclass(frozen=True)
class TeamState:
    team_id: int
    leader_id: int
    members: tuple[int, ...]  # counted, the leader first
    deadline: datetime  # opened + T hours: a join at the deadline still counts
    state: str  # open / complete / expired
    completed_at: datetime | None
    refused: tuple[tuple[int, Reason], ...] = ()  # joiners not counted, and why
    reasons: tuple[Reason, ...] = ()


def team_states(settings: GroupBuySettings, facts: Facts) -> list[TeamState]:
    """Teams in the order they opened; a member counts in one team of the campaign (the
    earliest they joined or led)."""
    placed: set[int] = set()
    states = []
    for team in sorted(facts.teams, key=lambda t: (t.opened_at, t.team_id)):
        deadline = team.opened_at + timedelta(hours=settings.hours)
        refused: list[tuple[int, Reason]] = []
        members = []
        completed_at = None
        for member, at in [(team.leader_id, team.opened_at), *sorted(team.joins, key=_by_time)]:
            if member in placed:
                refused.append((member, reason(IN_ANOTHER_TEAM)))
            elif _barred(facts, member):
                refused.append((member, reason(BARRED)))
            elif at > deadline:
                refused.append((member, reason(TOO_LATE)))
            elif completed_at is not None:
                refused.append((member, reason(TEAM_FULL)))
            else:
                members.append(member)
                placed.add(member)
                if len(members) == settings.team_size:
                    completed_at = at
        if completed_at is not None:
            state, why = COMPLETE, ()
        elif facts.as_of > deadline:
            state, why = EXPIRED, (reason(TEAM_EXPIRED),)
        else:
            state, why = OPEN, ()
        states.append(
            TeamState(
                team.team_id,
                team.leader_id,
                tuple(members),
                deadline,
                state,
                completed_at,
                tuple(refused),
                why,
            )
        )
    return states


def _by_time(join: tuple[int, datetime]) -> tuple[datetime, int]:
    return (join[1], join[0])


def group_buy(settings: GroupBuySettings, facts: Facts) -> list[Decision]:
    """Every member of a completed team gets the member gift, its leader the leader gift too;
    an expired team gives nothing (its state says why). The pair signals between the leader
    and each member go to moderation."""
    claims = []
    for team in team_states(settings, facts):
        if team.state != COMPLETE:
            continue
        leader = facts.people.get(team.leader_id)
        distance = settings.screening.nickname_distance
        for member in team.members:
            hits = []
            if member != team.leader_id:
                hits = pair_signals(leader, facts.people.get(member), distance)
            if not settings.member_gift.empty:
                key = reward_key(facts.campaign_id, "team", team.team_id, member)
                claims.append(
                    Claim(key, member, settings.member_gift, team.completed_at, signals=hits)
                )
        if not settings.leader_gift.empty:
            key = reward_key(facts.campaign_id, "leader", team.team_id)
            claims.append(Claim(key, team.leader_id, settings.leader_gift, team.completed_at))
    return finish(claims, settings, facts, new_book(settings, facts))


# ------------------------------------------------------------------------------ helps


@dataclass(frozen=True)
class HelpState:
    """One target of 助力 or 砍价: who helped (counted, in order) and who was refused."""

    target_id: int
    helpers: tuple[Help, ...]
    needed: int
    deadline: datetime | None
    done_at: datetime | None  # when the last needed help came
    refused: tuple[tuple[Help, Reason], ...] = ()
    signals: tuple[Signal, ...] = ()  # flags of the counted helps

    @property
    def missing(self) -> int:
        return max(0, self.needed - len(self.helpers))


def help_states(
    helps: tuple[Help, ...],
    facts: Facts,
    needed: int,
    hours: int | None,
    distance: int,
    once_per_campaign: bool,
) -> list[HelpState]:
    """Count helps in time order. A helper helps once per campaign (助力) or once per target
    (砍价); no one helps themselves; a barred helper, a help after the target's time limit
    (from `facts.begun`, else their first help) or after they were done is refused, and a
    blocking pair signal (same phone or 微信号) refuses the help with that signal."""
    ordered = sorted(helps, key=lambda h: (h.at, h.helper_id, h.target_id))
    first_at: dict[int, datetime] = {}
    for item in ordered:
        first_at.setdefault(item.target_id, item.at)
    counted: dict[int, list[Help]] = {}
    refused: dict[int, list[tuple[Help, Reason]]] = {}
    flags: dict[int, list[Signal]] = {}
    done: dict[int, datetime] = {}
    used: set = set()
    for item in ordered:
        target, helper = item.target_id, item.helper_id
        counted.setdefault(target, [])
        slot = helper if once_per_campaign else (helper, target)
        start = facts.begun.get(target, first_at[target])
        hits = pair_signals(facts.people.get(target), facts.people.get(helper), distance)
        blocks = [hit for hit in hits if hit.severity == BLOCK]
        why = None
        if helper == target:
            why = reason(SELF_HELP)
        elif slot in used:
            why = reason(HELPED_BEFORE)
        elif _barred(facts, helper):
            why = reason(BARRED)
        elif hours is not None and item.at > start + timedelta(hours=hours):
            why = reason(TOO_LATE)
        elif target in done:
            why = reason(ALREADY_DONE)
        elif blocks:
            why = Reason(blocks[0].code, blocks[0].text)
        if why is not None:
            refused.setdefault(target, []).append((item, why))
            continue
        used.add(slot)
        counted[target].append(item)
        flags.setdefault(target, []).extend(hits)
        if len(counted[target]) == needed:
            done[target] = item.at
    states = []
    for target in sorted(counted):
        start = facts.begun.get(target, first_at[target])
        states.append(
            HelpState(
                target,
                tuple(counted[target]),
                needed,
                None if hours is None else start + timedelta(hours=hours),
                done.get(target),
                tuple(refused.get(target, ())),
                tuple(flags.get(target, ())),
            )
        )
    return states


def helping(settings: HelpSettings, facts: Facts) -> list[Decision]:
    """助力: the target's gift once `helpers_needed` helps are counted; each counted helper's
    gift (if any) for their help."""
    states = help_states(
        facts.helps,
        facts,
        settings.helpers_needed,
        settings.hours,
        settings.screening.nickname_distance,
        once_per_campaign=True,
    )
    claims = []
    for state in states:
        if state.done_at is not None:
            key = reward_key(facts.campaign_id, "help", state.target_id)
            claims.append(
                Claim(
                    key, state.target_id, settings.gift, state.done_at, signals=list(state.signals)
                )
            )
        if settings.helper_gift.empty:
            continue
        for item in state.helpers:
            key = reward_key(facts.campaign_id, "helper", item.helper_id)
            claims.append(Claim(key, item.helper_id, settings.helper_gift, item.at))
    return finish(claims, settings, facts, new_book(settings, facts))
