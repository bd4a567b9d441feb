"""抽奖: weighted prizes with stock, caps per member, and a recorded seed, so anyone can replay
a draw from the settings and the list of draws and get the same winners.

The algorithm, exactly (the replay is this function; change it only with a new version):
1. `rng = random.Random(seed)` (CPython's Mersenne Twister; an int seed gives the same
   sequence on every platform and Python 3 version).
2. Draws are taken in the order of their recorded `number` (1, 2, …), never by time.
3. A draw by a member who has already drawn `draws_per_member` times is refused (draws_used)
   and uses no random number. Every other draw uses exactly one: u = rng.random().
4. The prizes open to this draw are the settings' entries, in their order, that have stock
   left (their own `stock`, and their prize's stock in the campaign's prizes, after
   `facts.stock_used`) — none when the member has already won `wins_per_member` times.
5. total = Σ weights of the open prizes + `miss_weight`; x = u × total; walking the open prizes
   in order with a running sum of weights, the first whose running sum exceeds x is won; if
   none (x falls in the miss weight, or nothing is open), the draw misses.
6. A win takes one from the entry's stock (and its prize's).
The review (moderation, blacklist, budget) then decides on each win like any other reward; a
win voided there does not give its stock back to later draws (the replay stays exact).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from core.campaigns.decisions import DRAWS_USED, Decision, Reason, reason, reward_key
from core.campaigns.facts import Draw, Facts
from core.campaigns.rewards.common import Claim, finish, new_book
from core.campaigns.settings import LotterySettings

ALGORITHM = "mt19937-v1"


@dataclass(frozen=True)
class Outcome:
    draw: Draw
    won: str | None  # the entry's name; None: a miss or refused
    u: float | None  # the random number used (None: refused, none used)
    refused: Reason | None = None


def replay(settings: LotterySettings, facts: Facts) -> list[Outcome]:
    rng = random.Random(settings.seed)
    prizes = settings.prize_by_key()
    entry_used: Counter = Counter()
    prize_used: Counter = Counter(facts.stock_used)
    draws: Counter = Counter()
    wins: Counter = Counter()
    out = []
    for draw in sorted(facts.draws, key=lambda d: d.number):
        member = draw.member_id
        if draws[member] >= settings.draws_per_member:
            out.append(Outcome(draw, None, None, reason(DRAWS_USED)))
            continue
        draws[member] += 1
        u = rng.random()
        open_entries = []
        if wins[member] < settings.wins_per_member:
            for entry in settings.entries:
                if entry.stock is not None and entry_used[entry.name] >= entry.stock:
                    continue
                key = entry.gift.prize
                stock = prizes[key].stock if key is not None else None
                if stock is not None and prize_used[key] >= stock:
                    continue
                open_entries.append(entry)
        total = sum(entry.weight for entry in open_entries) + settings.miss_weight
        x = u * total
        running = 0
        won = None
        for entry in open_entries:
            running += entry.weight
            if x < running:
                won = entry
                break
        if won is not None:
            wins[member] += 1
            entry_used[won.name] += 1
            if won.gift.prize is not None:
                prize_used[won.gift.prize] += 1
        out.append(Outcome(draw, won.name if won else None, u))
    return out


def lottery(settings: LotterySettings, facts: Facts) -> list[Decision]:
    gifts = {entry.name: entry.gift for entry in settings.entries}
    claims = []
    book = new_book(settings, facts)
    for entry in settings.entries:
        book.limit(f"lottery:{entry.name}", entry.stock)
    for outcome in replay(settings, facts):
        if outcome.won is None:
            continue
        draw = outcome.draw
        claims.append(
            Claim(
                reward_key(facts.campaign_id, "draw", draw.number),
                draw.member_id,
                gifts[outcome.won],
                draw.at,
                stocks=(f"lottery:{outcome.won}",),
            )
        )
    return finish(claims, settings, facts, book)
