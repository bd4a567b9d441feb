"""The 15-person campaign of tree15.py written into a database, as the app records it:
members 1–20 by their own ids, seeds as campaign-code holders (issued at their joining),
edges in referral_edges (the duplicate 6 → 9 in a second community, where it is live too),
activation as a check-in, other activity as good posts, purchases and the reported share as
activity events. Posters made are not recorded per member, so `facts_without_posters` is
what the database can give."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from core.campaigns.inputs import REJECTED
from core.referrals.edges import live_key
from db.models import ActivityEvent, Community, Member
from db.referral_models import Campaign, InviteCode, ReferralEdge
from tests.core.campaigns import tree15
from tests.core.campaigns.tree15 import T0, at


def facts_without_posters():
    """tree15's facts as the database holds them: no posters, so member 20 is not there."""
    return {
        member: replace(fact, poster_made=False)
        for member, fact in tree15.facts().items()
        if member in tree15.JOINED
    }


def load(session, name: str = "tree15") -> int:
    """Write the campaign; its id."""
    session.add_all(Member(id=member, nickname=f"m{member}") for member in range(1, 21))
    main, other = Community(name=f"{name}-a"), Community(name=f"{name}-b")
    campaign = Campaign(name=name, starts_at=T0, status="running")
    session.add_all([main, other, campaign])
    session.flush()
    for member in sorted(tree15.CODES):
        joined = at(tree15.JOINED[member])
        session.add(InviteCode(value=f"C{member:04d}", member_id=member, campaign_id=campaign.id,
                               issued_at=joined, origin="campaign"))  # fmt: skip
    for edge in tree15.edges():
        if edge.inviter_id is None:
            continue
        community = other.id if (edge.inviter_id, edge.invitee_id) == (6, 9) else main.id
        live = edge.status != REJECTED
        session.add(
            ReferralEdge(
                inviter_id=edge.inviter_id, invitee_id=edge.invitee_id,
                campaign_id=campaign.id, community_id=community, occurred_at=edge.joined_at,
                how="code", sources=1, status=edge.status,
                live_key=live_key(edge.invitee_id, campaign.id, community) if live else None,
            )
        )  # fmt: skip
        if edge.activated_at is not None:
            session.add(_event(edge.invitee_id, "checkin", edge.activated_at))
    for member, days in tree15.ACTIVE_DAYS.items():
        joined = at(tree15.JOINED[member])
        session.add_all(_event(member, "good_post", joined + timedelta(days=d)) for d in days)
    for member, (revenue, count) in tree15.REVENUE.items():
        joined = at(tree15.JOINED[member])
        cents = int(revenue * 100)
        for n in range(count):  # the amount split over the purchases, the rest on the first
            share = cents // count + (cents % count if n == 0 else 0)
            session.add(_event(member, "purchase", joined + timedelta(hours=1 + n), share))
    session.add(_event(13, "share", at(tree15.JOINED[13])))
    # Activity before joining, a violation in week 4 and a purchase before joining: none count.
    session.add(_event(4, "message", at(tree15.JOINED[4]) - timedelta(hours=1)))
    session.add(_event(5, "violation", at(tree15.JOINED[5]) + timedelta(days=22)))
    session.add(_event(9, "purchase", at(tree15.JOINED[9]) - timedelta(hours=1), 10_000))
    session.flush()
    return campaign.id


def _event(member: int, kind: str, when, cents: int = 0) -> ActivityEvent:
    return ActivityEvent(member_id=member, kind=kind, occurred_at=when, amount_cents=cents)
