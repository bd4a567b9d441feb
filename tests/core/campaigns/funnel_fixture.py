"""A hand-computed campaign that pins every boundary of the funnel (issue 17's "retained
(active in week 4)", "revenue (recorded purchases)", DOMAIN's AARRR mapping).

The campaign runs T0 … END (14 days); the figures are read as of AS_OF (day 50). Members 1 and
2 are seeds (campaign codes); 3 holds a code too (an invitee given one); 8 is a team member
(given a code, invited, active, paying, inviting: counted nowhere, DOMAIN "team members are
excluded from statistics"; their invitee 15 counts like anyone's).

Week 4 is days 21–27 after joining, counted in elapsed time from the moment of joining
([joined + 21 d, joined + 28 d)), not by calendar date and not by calendar week; it can only be
counted once it has ended by AS_OF. Revenue is every recorded purchase from joining up to
AS_OF — after the campaign's end too (its newcomers are followed, as retention in week 4 is),
never one before joining or after AS_OF.

    3   by 1, T0+1d: check-in +1 h (activated); active +20d23:59:59 (day 20: not retained)
    4   by 1, T0+1d 12:00: check-in +73 h (not activated); active +21d exactly (retained)
    5   by 1, T0+2d: check-in +72 h exactly (activated); active +27d23:59 (retained);
        ¥50 at +30 d (paid: after week 4 and after END, before AS_OF)
    6   by 2, T0+2d: message +2 h (activated); active +28d exactly (not retained);
        ¥30 1 h before END (paid)
    7   by 2, T0+3d 23:30: active at 00:10 on the 21st calendar day after, elapsed 20d00:40
        (not retained: by calendar date it would be)
    8   TEAM, by 2, T0+3d: check-in, active in week 4, ¥500, invites 15: in no stage
    9   by 3, T0+4d: check-in +5 h (activated); left the group in week 3 (day 16), last
        active on day 15 (not retained)
    10  by 3, T0+40d: week 4 not over by AS_OF, active on its day 22 (after AS_OF): not
        measurable; ¥80 after AS_OF (not paid)
    11  by 4, T0+13d: check-in +10 h (activated); ¥99 1 h after END (paid)
    12  by 4 (pending), T0+5d: ¥100 1 h before joining (not paid)
    13  by 1 in group a at T0+6d (counted), by 2 in group b at T0+8d: check-in +1 h
        (activated); active at T0+35 = day 27 of the second joining, day 29 of the counted
        one (not retained)
    14  by 5 (pending), T0+7d: nothing (5's only invite is pending: referred undecided)
    15  by 8 (team), T0+9d: active +25 d (retained)
    16  by 1, AS_OF − 1 d: check-in at AS_OF + 1 h, within 72 h but after AS_OF (not
        activated); week 4 not over (not measurable)

Joined 13 (3–7, 9–16: 8 is team); activated 6 (3 5 6 9 11 13); retained 3 (4 5 15) of 11
measurable (all but 10 and 16); referred 2 (3: 9 and 10 verified; 4: 11 verified) of 12 (5's
only invite is pending: undecided); revenue 3 (5 6 11), ¥179; reached 3 (1 2 3: 8 is team).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from core.referrals.edges import live_key
from db.models import ActivityEvent, Community, Member, Membership
from db.referral_models import Campaign, InviteCode, ReferralEdge

T0 = datetime(2026, 3, 1, 9, 0)
END = T0 + timedelta(days=14)
AS_OF = T0 + timedelta(days=50)
TEAM = 8

# stage → (count, measurable); the revenue amount apart
EXPECTED = {
    "reached": (3, 3),
    "joined": (13, 13),
    "activated": (6, 13),
    "retained": (3, 11),
    "referred": (2, 12),
    "revenue": (3, 13),
}
REVENUE = Decimal(179)
MEMBERS = {
    "reached": [1, 2, 3],
    "joined": [3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16],
    "activated": [3, 5, 6, 9, 11, 13],
    "retained": [4, 5, 15],
    "referred": [3, 4],
    "revenue": [5, 6, 11],
}

D, H = timedelta(days=1), timedelta(hours=1)
# invitee → (inviter, joined, community "a"/"b", status)
EDGES = [
    (1, 3, T0 + 1 * D, "a", "verified"),
    (1, 4, T0 + 1 * D + 3 * H, "a", "verified"),
    (1, 5, T0 + 2 * D, "a", "verified"),
    (2, 6, T0 + 2 * D, "a", "verified"),
    (2, 7, T0 + 3 * D + timedelta(hours=14, minutes=30), "a", "verified"),  # 23:30
    (2, 8, T0 + 3 * D, "a", "verified"),
    (3, 9, T0 + 4 * D, "a", "verified"),
    (3, 10, T0 + 40 * D, "a", "verified"),
    (4, 11, T0 + 13 * D, "a", "verified"),
    (4, 12, T0 + 5 * D, "a", "pending"),
    (1, 13, T0 + 6 * D, "a", "verified"),
    (2, 13, T0 + 8 * D, "b", "verified"),  # the same invitee in a second community
    (5, 14, T0 + 7 * D, "a", "pending"),
    (8, 15, T0 + 9 * D, "a", "verified"),
    (1, 16, AS_OF - D, "a", "verified"),
]


def joined(member: int) -> datetime:
    return min(at for _, invitee, at, _, _ in EDGES if invitee == member)


def _events() -> list[tuple[int, str, datetime, int]]:
    j = joined
    return [
        (3, "checkin", j(3) + H, 0),
        (3, "message", j(3) + 21 * D - timedelta(seconds=1), 0),
        (4, "checkin", j(4) + 73 * H, 0),
        (4, "message", j(4) + 21 * D, 0),
        (5, "checkin", j(5) + 72 * H, 0),
        (5, "message", j(5) + 28 * D - timedelta(minutes=1), 0),
        (5, "purchase", j(5) + 30 * D, 5000),
        (6, "message", j(6) + 2 * H, 0),
        (6, "message", j(6) + 28 * D, 0),
        (6, "purchase", END - H, 3000),
        # 7 joined at 23:30: 00:10 on the 21st calendar day after is 20 days 40 minutes in
        (7, "message", j(7) + 20 * D + timedelta(minutes=40), 0),
        (8, "checkin", j(8) + H, 0),
        (8, "message", j(8) + 22 * D, 0),
        (8, "purchase", j(8) + 2 * D, 50000),
        (9, "checkin", j(9) + 5 * H, 0),
        (9, "message", j(9) + 15 * D, 0),
        (10, "message", j(10) + 22 * D, 0),  # after AS_OF
        (10, "purchase", AS_OF + H, 8000),  # after AS_OF
        (11, "checkin", j(11) + 10 * H, 0),
        (11, "purchase", END + H, 9900),
        (12, "purchase", j(12) - H, 10000),  # before joining
        (13, "checkin", j(13) + H, 0),
        (13, "message", T0 + 35 * D, 0),
        (15, "message", j(15) + 25 * D, 0),
        (16, "checkin", AS_OF + H, 0),  # after AS_OF
    ]


def load(session) -> int:
    """Write the campaign; its id."""
    session.add_all(
        Member(id=member, nickname=f"f{member}", is_team=member == TEAM) for member in range(1, 17)
    )
    a, b = Community(name="funnel-a"), Community(name="funnel-b")
    campaign = Campaign(name="funnel", starts_at=T0, ends_at=END, status="ended")
    session.add_all([a, b, campaign])
    session.flush()
    groups = {"a": a.id, "b": b.id}
    for member in (1, 2, 3, TEAM):
        session.add(InviteCode(value=f"F{member:04d}", member_id=member, campaign_id=campaign.id,
                               issued_at=T0, origin="campaign"))  # fmt: skip
    for inviter, invitee, at, group, status in EDGES:
        session.add(
            ReferralEdge(
                inviter_id=inviter, invitee_id=invitee, campaign_id=campaign.id,
                community_id=groups[group], occurred_at=at, how="code", sources=1,
                status=status, live_key=live_key(invitee, campaign.id, groups[group]),
            )
        )  # fmt: skip
    # 9 left in week 3
    session.add(Membership(member_id=9, community_id=a.id, joined_at=joined(9),
                           left_at=joined(9) + 16 * D))  # fmt: skip
    session.add_all(
        ActivityEvent(member_id=member, kind=kind, occurred_at=at, amount_cents=cents)
        for member, kind, at, cents in _events()
    )
    session.flush()
    return campaign.id
