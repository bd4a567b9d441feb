"""The segments an owner can pick: key, Chinese name, what it means and what to do about it.

Kept apart from the SQL so the members tab can list them without computing anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.common.errors import UserError
from core.common.joins import joined_list
from core.common.text import msg


@dataclass(frozen=True)
class Segment:
    key: str
    name: str
    description: str
    action: str  # 建议动作: what the operator does for each member of it
    kind: str  # "rfm" or "behaviour"
    # RFM only: whether R, F and M must be high (score ≥ 3) for a member to be in it.
    rfm: tuple[bool, bool, bool] | None = None


def _rfm(key: str, name: str, high: tuple[bool, bool, bool], description: str, action: str):
    return Segment(key, name, description, action, "rfm", high)


# Classic RFM: 重要 = high M; 价值/保持/发展/挽留 from R and F (high: quintile score ≥ 3).
RFM_SEGMENTS = (
    _rfm(
        "important_value",
        msg("重要价值"),
        (True, True, True),
        msg("最近来过、常来、贡献高：最有价值的成员"),
        msg("重点维护：邀请加入核心群或 KOC 计划，提供专属福利"),
    ),
    _rfm(
        "important_keep",
        msg("重要保持"),
        (False, True, True),
        msg("常来、贡献高，但最近没有出现"),
        msg("私聊关怀，告知新品或近期活动，保持联系"),
    ),
    _rfm(
        "important_develop",
        msg("重要发展"),
        (True, False, True),
        msg("最近来过、贡献高，但来得不多"),
        msg("提高频次：邀请签到打卡、参加社群活动"),
    ),
    _rfm(
        "important_retain",
        msg("重要挽留"),
        (False, False, True),
        msg("贡献高，但很久没来、来得也少：有流失风险"),
        msg("发专属优惠券唤回"),
    ),
    _rfm(
        "general_value",
        msg("一般价值"),
        (True, True, False),
        msg("最近来过、常来，但贡献不高"),
        msg("推荐入门商品或拼团优惠，促成首单或复购"),
    ),
    _rfm(
        "general_keep",
        msg("一般保持"),
        (False, True, False),
        msg("以前常来、贡献不高，最近没有出现"),
        msg("发起话题或打卡挑战，重新带动参与"),
    ),
    _rfm(
        "general_develop",
        msg("一般发展"),
        (True, False, False),
        msg("最近来过，但来得少、贡献不高"),
        msg("新人引导：发群规和新人福利，邀请首次签到"),
    ),
    _rfm(
        "general_retain",
        msg("一般挽留"),
        (False, False, False),
        msg("很久没来、来得少、贡献不高"),
        msg("低成本触达：群公告或节日问候即可"),
    ),
)

BEHAVIOUR_SEGMENTS = (
    Segment(
        "slipping_away",
        msg("流失预警"),
        msg("活跃成员及以上等级（或手动指定的等级），已 14 天以上没有任何行为"),
        msg("私聊问候，邀请参加本周活动"),
        "behaviour",
    ),
    Segment(
        "new_active",
        msg("新人活跃"),
        msg("30 天内首次入群，入群后已有 3 天以上活跃"),
        msg("欢迎并邀请加入核心群，鼓励分享、邀请好友"),
        "behaviour",
    ),
    Segment(
        "engaged_week",
        msg("本周最投入"),
        msg("近 7 天加权活跃分最高的 50 人（每天最多计 20 分：持续参与胜过一时刷屏）"),
        msg("群内公开致谢，发放积分或小礼物，邀请成为 KOC"),
        "behaviour",
    ),
)

SEGMENTS = BEHAVIOUR_SEGMENTS + RFM_SEGMENTS
_BY_KEY = {segment.key: segment for segment in SEGMENTS}


def get_segment(key_or_name: str) -> Segment:
    """A segment by key (`slipping_away`) or Chinese name (流失预警); UserError if none."""
    wanted = (key_or_name or "").strip()
    for segment in SEGMENTS:
        if wanted in (segment.key, segment.name):
            return segment
    names = joined_list([segment.name for segment in SEGMENTS])
    raise UserError(msg("没有叫「{wanted}」的分群，可选：{names}", wanted=wanted, names=names))


def segment_of_key(key: str) -> Segment:
    return _BY_KEY[key]
