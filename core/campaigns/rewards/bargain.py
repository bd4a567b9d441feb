"""砍价: each helper cuts the price on a diminishing schedule, down to the floor price.

The schedule is a function of the settings alone, so every cut can be recomputed and checked:
with D = price − floor (fen), n = helpers to reach the floor and r = decay_percent / 100,
- every cut gets 1 fen (so each cut is at least 1 fen: the settings require D ≥ n);
- the rest, D − n, is shared in proportion to 1, r, r², …, r^(n−1), each share rounded down
  (exact fractions, no floating point);
- the fen the rounding left over go one each to the first cuts.
The cuts never grow from one helper to the next and add up to D exactly: the n-th helper brings
the price to the floor. The k-th counted helper of a member makes the k-th cut (helps are
counted as in 助力, once per helper and target, rewards/teams.help_states).

The member gets the item (the settings' prize, through the fulfilment queue) at the price
reached: when the floor is reached, or, with a time limit, when it runs out, or when the
campaign ends, whichever is first, provided at least one cut was made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from core.campaigns.decisions import Decision, reward_key
from core.campaigns.facts import Facts
from core.campaigns.rewards.common import Claim, finish, new_book
from core.campaigns.rewards.teams import HelpState, help_states
from core.campaigns.settings import BargainSettings, Gift


def schedule(settings: BargainSettings) -> list[int]:
    """The n cuts in fen, largest first, adding up to price − floor."""
    n = settings.helpers
    total = settings.price_cents - settings.floor_cents
    ratio = Fraction(settings.decay_percent, 100)
    weights = [ratio**i for i in range(n)]
    whole = sum(weights)
    rest = total - n
    cuts = [1 + int(rest * weight / whole) for weight in weights]
    for i in range(total - sum(cuts)):
        cuts[i] += 1
    return cuts


@dataclass(frozen=True)
class Cut:
    helper_id: int
    at: datetime
    cut_cents: int
    price_after: int


@dataclass(frozen=True)
class BargainState:
    target_id: int
    cuts: tuple[Cut, ...]
    price_cents: int  # reached so far
    final_at: datetime | None  # when the price became final (None: still open)
    helps: HelpState


def bargain_states(settings: BargainSettings, facts: Facts) -> list[BargainState]:
    steps = schedule(settings)
    states = []
    for helps in help_states(
        facts.helps,
        facts,
        settings.helpers,
        settings.hours,
        settings.screening.nickname_distance,
        once_per_campaign=False,
    ):
        price = settings.price_cents
        cuts = []
        for item, cut in zip(helps.helpers, steps, strict=False):
            price -= cut
            cuts.append(Cut(item.helper_id, item.at, cut, price))
        final_at = helps.done_at
        if final_at is None and cuts:
            ends = [at for at in (helps.deadline, facts.ends_at) if at is not None]
            if ends and facts.as_of > min(ends):
                final_at = min(ends)
        states.append(BargainState(helps.target_id, tuple(cuts), price, final_at, helps))
    return states


def bargain(settings: BargainSettings, facts: Facts) -> list[Decision]:
    claims = []
    for state in bargain_states(settings, facts):
        if state.final_at is None:
            continue
        key = reward_key(facts.campaign_id, "bargain", state.target_id)
        claims.append(
            Claim(
                key,
                state.target_id,
                Gift(prize=settings.prize),
                state.final_at,
                signals=list(state.helps.signals),
                price_cents=state.price_cents,
            )
        )
    return finish(claims, settings, facts, new_book(settings, facts))
