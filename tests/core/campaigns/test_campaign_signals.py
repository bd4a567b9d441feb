"""Each fraud signal with a case that trips it and one that doesn't."""

from __future__ import annotations

from datetime import timedelta

from core.campaigns.facts import Person
from core.campaigns.inputs import Edge
from core.campaigns.settings import Screening
from core.campaigns.signals import (
    ALREADY_MEMBER,
    BLOCK,
    BURST,
    CYCLE,
    FLAG,
    INVITER_LATER,
    SAME_PHONE,
    SAME_WECHAT,
    SIMILAR_NICKNAME,
    pair_signals,
    scan,
)
from tests.core.campaigns.rules_helpers import at, newcomers

DEFAULT = Screening()


def found(edges, people=None, screening=DEFAULT):
    people = newcomers(*edges) if people is None else people
    return {key: [s.code for s in hits] for key, hits in scan(edges, people, screening).items()}


def pair(one: Person, two: Person) -> list[str]:
    return [signal.code for signal in pair_signals(one, two, 2)]


def test_same_phone_blocks():
    inviter = Person(1, phone="138 0000 1111")
    assert pair(inviter, Person(2, phone="13800001111")) == [SAME_PHONE]
    assert pair(inviter, Person(2, phone="13800001112")) == []
    assert pair(Person(1), Person(2)) == []  # no phone on either side: nothing to compare
    (signal,) = pair_signals(inviter, Person(2, phone="13800001111"), 2)
    assert signal.severity == BLOCK


def test_same_wechat_id_blocks():
    assert pair(Person(1, wechat_id="Xiao-Ming"), Person(2, wechat_id="xiaoming")) == [SAME_WECHAT]
    assert pair(Person(1, wechat_id="xiaoming"), Person(2, wechat_id="xiaohong")) == []


def test_nickname_within_edit_distance_two_flags():
    assert pair(Person(1, nickname="阳光小美"), Person(2, nickname="阳光小美2")) == [
        SIMILAR_NICKNAME
    ]
    assert pair(Person(1, nickname="Sunny"), Person(2, nickname="Sunny88")) == [SIMILAR_NICKNAME]
    assert pair(Person(1, nickname="Sunny"), Person(2, nickname="Sunny888")) == []  # 3 edits
    assert pair(Person(1, nickname="张三"), Person(2, nickname="李四")) == []  # share nothing
    assert pair(Person(1, nickname="阳光小美"), Person(2, nickname="")) == []


def test_more_than_n_invites_in_an_hour_flags_that_hour():
    screening = Screening(invites_per_hour=3)
    burst = [Edge(1, 10 + i, at(0) + timedelta(minutes=15 * i)) for i in range(4)]  # 45 min
    calm = [Edge(2, 20 + i, at(0) + timedelta(minutes=20 * i)) for i in range(4)]  # 60 min
    hits = found(burst + calm, screening=screening)
    assert all(hits[(1, 10 + i)] == [BURST] for i in range(4))
    assert all(hits[(2, 20 + i)] == [] for i in range(4))


def test_cycles_in_the_referral_graph_flag():
    edges = [Edge(None, 1, at(0)), Edge(1, 2, at(1)), Edge(3, 4, at(2)), Edge(4, 3, at(3))]
    people = {m: Person(m, at(0)) for m in (1, 2, 3, 4)}
    hits = found(edges, people)
    assert CYCLE in hits[(3, 4)] and CYCLE in hits[(4, 3)]
    assert CYCLE not in hits[(1, 2)]


def test_inviter_joined_after_the_invitee_blocks():
    edges = [Edge(None, 1, at(5)), Edge(1, 2, at(3))]
    hits = found(edges, {1: Person(1, at(5)), 2: Person(2, at(3))})
    assert hits[(1, 2)] == [INVITER_LATER]
    edges = [Edge(None, 1, at(1)), Edge(1, 2, at(3))]
    assert found(edges, {1: Person(1, at(1)), 2: Person(2, at(3))})[(1, 2)] == []
    # an inviter with no edge of their own: their membership tells when they joined
    assert found([Edge(1, 2, at(3))], {1: Person(1, at(4)), 2: Person(2, at(3))})[(1, 2)] == [
        INVITER_LATER
    ]


def test_invitee_already_a_member_flags():
    edge = Edge(1, 2, at(10))
    people = {1: Person(1, at(days=-5)), 2: Person(2, at(2))}
    assert found([edge], people)[(1, 2)] == [ALREADY_MEMBER]
    people[2] = Person(2, at(10))
    assert found([edge], people)[(1, 2)] == []


def test_severities():
    from core.campaigns.signals import SEVERITY

    assert SEVERITY[SIMILAR_NICKNAME] == SEVERITY[BURST] == SEVERITY[CYCLE] == FLAG
    assert SEVERITY[SAME_PHONE] == SEVERITY[SAME_WECHAT] == SEVERITY[INVITER_LATER] == BLOCK
