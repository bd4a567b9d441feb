"""The copy checker on realistic operator copy: risky conditions found, harmless copy left alone."""

from __future__ import annotations

import pytest

from core.posters.compliance import check_copy

RISKY = [
    ("转发到朋友圈才能领取", "share_for_reward"),
    ("本文转发到朋友圈，截图给客服即可领取小蛋糕一份", "share_for_reward"),
    ("分享到 2 个群即可获得优惠券", "share_for_reward"),
    ("集赞38个送蛋糕", "collect_likes"),
    ("朋友圈集满 二十 个赞，到店免费领取", "collect_likes"),
    ("点赞满50送奖品", "collect_likes"),
    ("分享后解锁全部课程", "share_to_unlock"),
    ("转发后才能查看全文", "share_to_unlock"),
    ("邀请3位好友才能领取", "invite_for_reward"),
    ("邀请 三 位好友即可获得月卡", "invite_for_reward"),
    ("拉5人进群就送面包券", "invite_for_reward"),
    ("邀请好友即可领取新人礼包", "invite_for_reward"),
    ("关注公众号后才能领取资料", "follow_for_reward"),
    ("关注后回复「福利」领取", "follow_for_reward"),
    ("好友助力满5人即可免费领", "help_for_reward"),
    ("不转不是中国人", "threat_or_blessing"),
    ("转发到3个群好运连连", "threat_or_blessing"),
    # The demo's own lottery: entry hangs on a repost to 朋友圈, proven by a screenshot.
    ("转发本条到朋友圈截图发群里，周五 21:00 开奖", "share_proof"),
    ("把海报分享至朋友圈并截屏发给群主", "share_proof"),
]

HARMLESS = [
    "邀请好友一起来",
    "欢迎分享给身边需要的朋友",
    "关注我们获取更多烘焙资讯",
    "每天打卡分享你的练习心得",
    "本周六下午两点线下见，名额 30 个",
    "邀请好友一起来拼团，3人成团立享7折",
    "新人进群可领取一份试吃装",
    "长按识别二维码，添加群助手",
    "点赞和评论都欢迎",
    "欢迎分享你的烘焙成品朋友圈截图",
]


@pytest.mark.parametrize(("text", "rule"), RISKY)
def test_risky_copy_is_found_with_its_reason(text, rule):
    found = check_copy(text)
    assert len(found) == 1, found
    phrase = found[0]
    assert phrase.rule == rule
    assert text[phrase.start : phrase.end] == phrase.text
    assert ("诱导" in phrase.reason and "建议" in phrase.reason) or "诱导" in phrase.reason


@pytest.mark.parametrize("text", HARMLESS)
def test_harmless_copy_passes(text):
    assert check_copy(text) == []


def test_offsets_point_into_a_longer_text():
    text = "【春日烘焙体验营】欢迎大家参加！活动规则：邀请3位好友才能领取试吃券。集赞也有礼哦。"
    found = check_copy(text)
    assert [p.rule for p in found] == ["invite_for_reward", "collect_likes"]
    assert text[found[0].start : found[0].end].startswith("邀请3位好友")
    assert found[0].start == text.index("邀请")
    assert found[1].text.startswith("集赞")


def test_every_reason_mentions_wechat_rules_in_chinese():
    from core.posters.compliance import PATTERNS

    for _rule, _pattern, reason in PATTERNS:
        assert reason.startswith("诱导") and len(reason) > 30
