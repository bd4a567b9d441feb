"""Search keys: pinyin by whole runs of hanzi (polyphones read in context), cached per run."""

from __future__ import annotations

import pytest

from core.members.search_keys import member_search_keys, phone_tail


def test_names_give_pinyin_initials_and_one_lower_case_text():
    keys = member_search_keys("张小凡Amy🌸", "凡哥", "WX_Fan", "13800000016", ["群里的小凡"])
    assert keys.pinyin == "zhangxiaofanamy"
    assert keys.initials == "zxfamy"
    assert keys.phone_tail == "0016"
    assert keys.text == (
        "张小凡amy🌸 凡哥 群里的小凡 wx_fan zhangxiaofanamy fange qunlidexiaofan zxfamy fg qldxf"
    )


def test_a_polyphone_is_read_in_its_word_whatever_was_converted_before():
    # 重 alone and 行 alone are cached first; the runs 重庆 and 银行 are converted as runs.
    assert member_search_keys("重").pinyin == "zhong"
    assert member_search_keys("行").pinyin == "xing"
    assert member_search_keys("重庆小妹").pinyin == "chongqingxiaomei"
    assert member_search_keys("🌸重庆小妹2").initials == "cqxm2"
    assert member_search_keys("银行").pinyin == "yinhang"


def test_no_names_no_keys():
    keys = member_search_keys("", "", None, None)
    assert (keys.pinyin, keys.initials, keys.phone_tail, keys.text) == ("", "", "", "")
    assert member_search_keys("🌸--").text == "🌸--"


@pytest.mark.parametrize(
    "phone, tail",
    [
        ("13800000016", "0016"),
        ("+8613800000016", "0016"),
        ("138-0000-0016", "0016"),
        ("+1 (415) 555-0123", "0123"),
        ("123", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_phone_tail_is_the_last_four_digits(phone, tail):
    assert phone_tail(phone) == tail
