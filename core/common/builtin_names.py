"""Names the program ships as data, which the owner may rename: the levels of the default
ladder, the built-in earn rules, the layers of the built-in poster templates.

They are stored as written (Chinese), like any name the owner types, so the CLI, exports and
comparisons see one text. `builtin_name(stored)` gives back the msg() of a name that is still
the shipped one, which the window shows in its language (`ui.common.i18n.shown`); a name the
owner typed, or renamed, comes back unchanged. Keep this list in step with the defaults
(tests/core/test_builtin_names.py checks that each shipped name is here).
"""

from __future__ import annotations

from core.common.text import Message, msg, recognise

# core/tiers/ladder.py DEFAULT_LADDER (KOC/KOL reads the same in English).
LEVEL_NAMES = (msg("新人"), msg("参与者"), msg("活跃成员"), msg("核心成员"))

# core/ledger/rules.py DEFAULT_RULES, and who wrote their first version.
RULE_NAMES = (
    msg("每日签到"),
    msg("连续签到 7 天"),
    msg("补签一次"),
    msg("群内发言"),
    msg("优质内容"),
    msg("回答问题"),
    msg("参加活动"),
    msg("消费每 1 元"),
    msg("邀请好友入群"),
    msg("分享"),
    msg("反馈建议"),
    msg("生日礼"),
    msg("系统默认"),
)

# resources/templates/*/template.json: the layers' names.
POSTER_LAYER_NAMES = (
    msg("背景"),
    msg("边框"),
    msg("内边框"),
    msg("金线"),
    msg("彩带"),
    msg("分隔线"),
    msg("标题"),
    msg("小标题"),
    msg("标签"),
    msg("标签底"),
    msg("英文标签"),
    msg("角标"),
    msg("角标底"),
    msg("活动名"),
    msg("天数"),
    msg("卡片"),
    msg("卡片标题"),
    msg("卡片副标题"),
    msg("信息卡片"),
    msg("福利卡片"),
    msg("福利标题"),
    msg("价格卡片"),
    msg("头像"),
    msg("昵称"),
    msg("社群名"),
    msg("问候"),
    msg("加入语"),
    msg("邀请语"),
    msg("说明"),
    msg("提示"),
    msg("步骤"),
    msg("主办"),
    msg("时间"),
    msg("时间标签"),
    msg("地点"),
    msg("地点标签"),
    msg("截止"),
    msg("截止底"),
    msg("截止标签"),
    msg("拼团价"),
    msg("拼团价标签"),
    msg("原价"),
    msg("成团标签"),
    msg("成团标签底"),
    msg("邀请码"),
    msg("邀请码底"),
    msg("邀请二维码"),
    msg("二维码底"),
    msg("二维码卡片"),
    msg("扫码提示"),
    msg("扫码说明"),
    msg("编号"),
    msg("编号底"),
    msg("页脚"),
)
# Numbered layers ({n} is digits): 第1天, 福利2, 勾3底…
NUMBERED_LAYER_NAMES = (
    msg("第{n}天"),
    msg("第{n}天数字"),
    msg("福利{n}"),
    msg("勾{n}"),
    msg("勾{n}底"),
    msg("装饰圆{n}"),
)

_BY_TEXT: dict[str, Message] = {
    str(name): name for names in (LEVEL_NAMES, RULE_NAMES, POSTER_LAYER_NAMES) for name in names
}


def builtin_name(name: str) -> str:
    """The msg() of `name` when it is one the program ships, else `name` as it is."""
    if isinstance(name, Message) or not isinstance(name, str):
        return name
    return _BY_TEXT.get(name) or recognise(name, NUMBERED_LAYER_NAMES) or name
