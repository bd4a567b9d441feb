"""Each campaign type's settings: parsed from the stored JSON, dumped back unchanged, and a bad
setting refused in one line that names it."""

from __future__ import annotations

import json

import pytest

from core.campaigns.settings import (
    KINDS,
    BargainSettings,
    Prize,
    dump,
    kind_of,
    parse,
)
from core.common.errors import UserError

PRIZES = [{"key": "cup", "name": "定制杯", "kind": "physical", "cost_cents": 1500, "stock": 10}]
GOOD = {
    "invite_code": {"inviter": {"points": 10}, "invitee": {"points": 5}},
    "task_ladder": {
        "prizes": PRIZES,
        "stages": [
            {"invites": 3, "gift": {"points": 30}},
            {"invites": 6, "gift": {"prize": "cup"}, "stock": 5},
            {"invites": 10, "gift": {"points": 100, "prize": "cup"}},
        ],
    },
    "poster": {"template": "海报A", "inviter": {"points": 10}},
    "group_buy": {"team_size": 3, "hours": 24, "member_gift": {"points": 20}},
    "help": {"helpers_needed": 5, "gift": {"prize": "cup"}, "prizes": PRIZES},
    "gift": {"trigger": "purchase", "inviter": {"prize": "cup"}, "invitee": {"prize": "cup"},
             "prizes": PRIZES},
    "bargain": {"prize": "cup", "price_cents": 9900, "floor_cents": 990, "helpers": 6,
                "decay_percent": 60, "prizes": PRIZES},
    "coupon": {"value_cents": 500, "per_participant": 1, "per_invitee": 1,
               "pool": ["Q1", "Q2", "Q3"]},
    "ranking": {"prizes_by_rank": [{"points": 300}, {"points": 200}, {"points": 100}]},
    "swap": {"max_offers_per_member": 3, "gift": {"points": 5}},
    "lottery": {"entries": [{"name": "一等奖", "gift": {"prize": "cup"}, "weight": 1, "stock": 1},
                            {"name": "谢谢参与积分", "gift": {"points": 1}, "weight": 20}],
                "miss_weight": 10, "seed": 20260501, "prizes": PRIZES},
}  # fmt: skip


def test_every_type_has_settings():
    assert set(GOOD) == set(KINDS)


@pytest.mark.parametrize("kind", sorted(GOOD))
def test_parse_dump_parse_is_the_same(kind):
    settings = parse(kind, GOOD[kind])
    assert kind_of(settings) == kind
    stored = json.loads(json.dumps(dump(settings)))  # through JSON, as the table keeps it
    assert parse(kind, stored) == settings
    assert dump(parse(kind, stored)) == stored


def test_missing_keys_take_the_defaults():
    settings = parse("invite_code", {"inviter": {"points": 1}})
    assert settings.rules.new_members_only and settings.rules.revoke_within_days == 7
    assert settings.screening.mode == "hold_flagged" and settings.invitee.empty


BAD = [
    ("unknown kind", "raffle", {}, "未知的活动类型"),
    ("not a dict", "invite_code", [], "应为一组设置"),
    ("unknown key", "invite_code", {"inviter": {"points": 1}, "colour": 1}, "未知的项 colour"),
    ("no reward", "invite_code", {}, "至少要有一项奖励"),
    ("negative points", "invite_code", {"inviter": {"points": -1}}, "积分"),
    ("points as text", "invite_code", {"inviter": {"points": "10"}}, "应为整数"),
    ("bool as int", "invite_code", {"inviter": {"points": True}}, "应为整数"),
    ("unknown prize", "invite_code", {"inviter": {"prize": "car"}}, "未定义的奖品代号 car"),
    ("stages unsorted", "task_ladder", {"stages": [{"invites": 6, "gift": {"points": 1}},
                                                   {"invites": 3, "gift": {"points": 1}}]},
     "从小到大"),
    ("no stages", "task_ladder", {"stages": []}, "阶梯"),
    ("team of one", "group_buy", {"team_size": 1, "member_gift": {"points": 1}}, "成团人数"),
    ("delay too long", "invite_code", {"inviter": {"points": 1}, "rules": {"delay_days": 91}},
     "延迟发放天数"),
    ("unknown mode", "invite_code", {"inviter": {"points": 1}, "screening": {"mode": "x"}},
     "审核方式"),
    ("floor above price", "bargain", {**GOOD["bargain"], "floor_cents": 9900}, "应低于原价"),
    ("cuts under a fen", "bargain", {**GOOD["bargain"], "price_cents": 995}, "每刀至少一分钱"),
    ("duplicate coupons", "coupon", {"pool": ["A", "A"]}, "券码不能为空或重复"),
    ("duplicate prize keys", "invite_code", {"inviter": {"points": 1},
                                             "prizes": PRIZES + PRIZES}, "奖品代号重复"),
    ("lottery without entries", "lottery", {"entries": []}, "奖项"),
    ("unknown trigger", "gift", {"inviter": {"points": 1}, "trigger": "scan"}, "触发条件"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "data", "words"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_a_bad_setting_is_refused_in_one_line(kind, data, words):
    with pytest.raises(UserError) as caught:
        parse(kind, data)
    assert words in caught.value.message and "\n" not in caught.value.message


def test_settings_built_in_code_are_checked_too():
    with pytest.raises(UserError, match="奖品类型"):
        Prize(key="a", name="A", kind="car")
    with pytest.raises(UserError, match="应低于原价"):
        BargainSettings(
            prizes=(Prize(key="a", name="A"),), prize="a", price_cents=100, floor_cents=100
        )
