"""以物换物: offers, wants, matches, done.

An offer beyond a member's `max_offers_per_member` (in posting order) is refused. A want
matches every open offer of the same category (compared after trimming, case-insensitive) by
someone else; an offer or a want is open until a swap that uses it is marked done. A done swap
gives both sides the settings' gift, if any, once per swap.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.campaigns.decisions import OFFERS_CAP, Decision, Reason, reason, reward_key
from core.campaigns.facts import Facts, Offer, Want
from core.campaigns.rewards.common import Claim, finish, new_book
from core.campaigns.settings import SwapSettings


@dataclass(frozen=True)
class Match:
    want: Want
    offer: Offer


def _category(text: str) -> str:
    return text.strip().casefold()


def accepted_offers(
    settings: SwapSettings, facts: Facts
) -> tuple[list[Offer], list[tuple[Offer, Reason]]]:
    counted: dict[int, int] = {}
    kept, refused = [], []
    for offer in sorted(facts.offers, key=lambda o: (o.at, o.offer_id)):
        mine = counted.get(offer.member_id, 0)
        if mine >= settings.max_offers_per_member:
            refused.append((offer, reason(OFFERS_CAP)))
            continue
        counted[offer.member_id] = mine + 1
        kept.append(offer)
    return kept, refused


def matches(settings: SwapSettings, facts: Facts) -> list[Match]:
    """Open wants × open offers of the same category by someone else, oldest first."""
    offers, _ = accepted_offers(settings, facts)
    used_offers = {swap.offer_id for swap in facts.swaps}
    used_wants = {swap.want_id for swap in facts.swaps}
    out = []
    for want in sorted(facts.wants, key=lambda w: (w.at, w.want_id)):
        if want.want_id in used_wants:
            continue
        for offer in offers:
            if (
                offer.offer_id not in used_offers
                and offer.member_id != want.member_id
                and _category(offer.category) == _category(want.category)
            ):
                out.append(Match(want, offer))
    return out


def swaps(settings: SwapSettings, facts: Facts) -> list[Decision]:
    if settings.gift.empty:
        return finish([], settings, facts, new_book(settings, facts))
    offers = {offer.offer_id: offer for offer in accepted_offers(settings, facts)[0]}
    wants = {want.want_id: want for want in facts.wants}
    claims = []
    for swap in sorted(facts.swaps, key=lambda s: (s.at, s.offer_id, s.want_id)):
        offer, want = offers.get(swap.offer_id), wants.get(swap.want_id)
        if offer is None or want is None or offer.member_id == want.member_id:
            continue  # an offer refused at posting, or a swap with oneself, earns nothing
        for member in (offer.member_id, want.member_id):
            key = reward_key(facts.campaign_id, "swap", swap.offer_id, swap.want_id, member)
            claims.append(Claim(key, member, settings.gift, swap.at))
    return finish(claims, settings, facts, new_book(settings, facts))
