"""The copy checker: phrases WeChat treats as 诱导分享 / 诱导关注, found and explained.

WeChat's 外部链接内容管理规范 and 公众平台运营规范 forbid making a reward depend on sharing,
collecting likes, inviting a number of friends or following an account. The first offence
blocks the link for 30 days, so poster and campaign copy is checked before it goes out.

Only the *condition* is risky: "邀请好友一起来" or "欢迎转发给需要的朋友" is fine; "邀请3位好友
才能领取" or "转发到朋友圈即可领取" is not. The patterns tolerate what people actually type:
digits or Chinese numerals, spaces, full-width punctuation and a few words in between.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.common.text import msg

# How much text may stand between the parts of a phrase (without crossing a sentence end).
_GAP = r"[^。！？!?\n；;]{0,%d}?"
_NUM = r"(?:[0-9０-９]+|[一二两三四五六七八九十百千几数多]+|[NnXx])"
_SPACE = r"\s*"
_STRICT_CONDITION = r"(?:才能|才可以?|才会|即可|就能|就可以?|便可|方可)"
_CONDITION = (
    r"(?:才能|才可以?|才会|才|即可|就能|就可以?|便可|方可|可以|可|后|之后|以后|"
    r"才给|就送|就给|送|得|领)"
)
_REWARD = (
    r"(?:领取|领|获得|获取|得到|赢取|兑换|解锁|参与|抽奖|免费|返现|红包|奖品|礼品|礼包|优惠券?|"
    r"福利|资料|课程|名额|奖励|积分|会员|好礼|折扣|减免|券|礼)"
)
_SHARE = r"(?:转发|分享|转载|转给|发给|发到|发送到?|晒到|晒)"
_MOMENTS = r"(?:朋友圈|微信群|好友|群聊|群里|\d*个?群|空间|微博|身边的?朋友|朋友)"

PATTERNS: tuple[tuple[str, str, str], ...] = (
    (
        "share_for_reward",
        _SHARE + _GAP % 12 + _MOMENTS + _GAP % 14 + _CONDITION + _GAP % 6 + _REWARD,
        msg(
            "诱导分享：把「转发/分享到朋友圈或群」作为领取奖励的条件，违反微信《外部链接内容管理规范》，"
            "首次违规链接会被封禁 30 天。建议改为「欢迎分享给需要的朋友」，奖励不与分享挂钩。"
        ),
    ),
    (
        "share_to_unlock",
        _SHARE
        + r"(?:后|之后|以后)?"
        + _GAP % 6
        + r"(?:解锁|查看全文|阅读全文|继续阅读|才能看|才能查看|才可见|可见|下载)",
        msg(
            "诱导分享：「分享后解锁/查看」把内容的获取与分享挂钩，属于微信禁止的诱导分享。"
            "建议直接展示内容，分享由读者自愿。"
        ),
    ),
    (
        "share_then_reward",
        _SHARE + _GAP % 6 + r"(?:后|之后|以后|即可|就能|才能|并截图)" + _GAP % 8 + _REWARD,
        msg(
            "诱导分享：以奖励换取转发/分享，属于微信禁止的诱导分享行为。建议去掉分享条件，"
            "改为直接领取或按消费、签到等行为发放。"
        ),
    ),
    (
        "screenshot_proof",
        r"(?:截图|截屏)"
        + _GAP % 8
        + r"(?:给|发给|私信|找)"
        + _GAP % 6
        + r"(?:客服|小助手|群主|管理员|我|老师)"
        + _GAP % 8
        + _REWARD,
        msg(
            "诱导分享：要求转发后截图给客服领取奖励，是诱导分享的常见写法，容易被举报和判定违规。"
            "建议改为按真实邀请关系（邀请码）自动记录，不要求截图。"
        ),
    ),
    (
        "share_proof",
        r"(?:转发|分享|转载|发)(?:本条|此条|这条|本文|海报|图片|链接)?(?:到|至)"
        + _MOMENTS
        + _GAP % 4
        + r"(?:截图|截屏)",
        msg(
            "诱导分享：要求转发到朋友圈再截图为证，就是把奖励或参与资格与分享挂钩，属于微信禁止的"
            "诱导分享。建议不设分享条件，抽奖、福利按签到、消费或报名发放。"
        ),
    ),
    (
        "collect_likes",
        r"(?:集|攒|收集|凑)"
        + _SPACE
        + r"(?:满|够|齐)?"
        + _SPACE
        + _NUM
        + r"?"
        + _SPACE
        + r"(?:个|条)?"
        + _SPACE
        + r"(?:赞|点赞|👍)|点赞"
        + _SPACE
        + r"(?:满|达到|超过|够)"
        + _SPACE
        + _NUM,
        msg(
            "诱导分享：「集赞」是微信明令禁止的诱导行为（利用奖励诱导用户在朋友圈集赞），"
            "首次违规链接封禁 30 天。建议改为抽奖、签到或消费满额送。"
        ),
    ),
    (
        "invite_for_reward",
        r"(?:邀请|拉|邀|带)"
        + _SPACE
        + _NUM
        + _SPACE
        + r"(?:位|个|名|人)?"
        + _SPACE
        + r"(?:好友|朋友|新人|新用户|用户|人|群友|同事|家人)?"
        + _GAP % 10
        + _CONDITION
        + _GAP % 6
        + _REWARD,
        msg(
            "诱导分享：「邀请 N 位好友才能领取」把奖励与拉人数量挂钩，写在公众号文章或朋友圈里属于"
            "诱导分享。建议在群内一对一说明活动规则，对外文案只介绍活动本身。"
        ),
    ),
    (
        "invite_for_reward",
        r"(?:邀请|拉)"
        + _GAP % 4
        + r"(?:好友|朋友|新人|人)"
        + _GAP % 6
        + _STRICT_CONDITION
        + _GAP % 6
        + _REWARD,
        msg(
            "诱导分享：「邀请好友才能/即可领取」把奖励与拉人挂钩，写在公众号文章或朋友圈里属于"
            "诱导分享。建议在群内一对一说明活动规则，对外文案只介绍活动本身。"
        ),
    ),
    (
        "help_for_reward",
        r"(?:好友|朋友|"
        + _NUM
        + r"\s*(?:位|个|人))"
        + _SPACE
        + r"(?:助力|砍一刀|帮砍|帮忙砍)"
        + _GAP % 10
        + _CONDITION
        + _GAP % 6
        + _REWARD,
        msg(
            "诱导分享：要求好友助力/帮砍才能得到奖励，属于微信限制的诱导分享玩法，"
            "链接可能被限制传播。建议对外文案不写助力条件。"
        ),
    ),
    (
        "follow_for_reward",
        r"(?:关注|订阅|添加|加)"
        + _GAP % 4
        + r"(?:公众号|服务号|视频号|本号|我们|账号|小号)?"
        + _GAP % 10
        + r"(?:后|之后|以后)?"
        + r"(?:才能|才可以?|即可|就能|就可以?|方可|回复)"
        + _GAP % 8
        + _REWARD,
        msg(
            "诱导关注：以奖励或内容为条件要求关注公众号（如「关注后才能领取」），"
            "违反《微信公众平台运营规范》，可能被限制功能。建议奖励不以关注为前提。"
        ),
    ),
    (
        "threat_or_blessing",
        r"不转(?:发)?(?:不是|就|会|后悔)|转发(?:有福|好运|保平安|必发|转运)|转(?:发)?(?:给|到)?"
        + _GAP % 4
        + r"(?:\d+|[一二三四五六七八九十]+)个群",
        msg(
            "诱导分享：用祝福、恐吓或「转发到 N 个群」的方式要求转发，属于微信禁止的诱导分享内容。"
        ),
    ),
)
_COMPILED = tuple((rule, re.compile(pattern), reason) for rule, pattern, reason in PATTERNS)


@dataclass(frozen=True)
class RiskyPhrase:
    start: int  # offsets into the checked text, end exclusive
    end: int
    text: str
    rule: str
    reason: str


def check_copy(text: str) -> list[RiskyPhrase]:
    """Every risky phrase in `text`, in order; overlapping finds are merged into the first."""
    found: list[RiskyPhrase] = []
    for rule, pattern, reason in _COMPILED:
        for match in pattern.finditer(text):
            if match.end() > match.start():
                found.append(RiskyPhrase(match.start(), match.end(), match.group(0), rule, reason))
    found.sort(key=lambda p: (p.start, -(p.end - p.start)))
    merged: list[RiskyPhrase] = []
    for phrase in found:
        if merged and phrase.start < merged[-1].end:
            last = merged[-1]
            if phrase.end > last.end:
                merged[-1] = RiskyPhrase(
                    last.start, phrase.end, text[last.start : phrase.end], last.rule, last.reason
                )
            continue
        merged.append(phrase)
    return merged
