"""Normalisers: phones, dates, gender, tags, placeholders — examples from real exports, and
hypothesis properties for the phone and date rules."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.common.sheets.normalize import (
    CHINA_TZ,
    EXCEL_EPOCH,
    lossy_equal,
    normalize_date,
    normalize_datetime,
    normalize_gender,
    normalize_phone,
    normalize_team,
    split_tags,
    to_text,
)

# ------------------------------------------------------------------------------------ phones


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13800000016", "13800000016"),
        (13800000016, "13800000016"),
        (13800000016.0, "13800000016"),  # a number cell
        ("13800000016.0", "13800000016"),  # a number cell that went through text
        (8613800000016, "13800000016"),  # shown as 8.6E+12 in Excel, exact in the file
        (8613800000016.0, "13800000016"),
        ("+86 138-0000-0017", "13800000017"),
        ("+8613800000017", "13800000017"),
        ("0086 138 0000 0017", "13800000017"),
        ("(+86)13800000017", "13800000017"),
        ("138 0000 0017", "13800000017"),
        ("138-0000-0017", "13800000017"),
        ("１３８００００００１７", "13800000017"),  # full-width digits
        ("1.3800000016E+10", "13800000016"),  # scientific, but every digit is there
        ("13800000001/13900000002", "13800000001"),  # several: the first good one
        ("无效号码, 13900000002", "13900000002"),
        ("+852 9123 4567", "+85291234567"),  # another country, written with its code
        ("", None),
        ("  ", None),
        ("-", None),
        ("—", None),
        ("/", None),
        ("无", None),
        (None, None),
    ],
)
def test_phone_examples(value, expected):
    assert normalize_phone(value) == (expected, None)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("8.6138E+12", "科学计数法"),  # Excel lost the last digits: never guessed
        ("1.38E+10", "科学计数法"),
        ("1380000010", "11 位，这里是 10 位"),
        ("138000000100", "这里是 12 位"),
        ("12345678901", "应以 13–19 开头"),
        ("0571-88888888", "这里是 12 位"),
        ("138-0000-001a", "不是数字"),
        (13800000015.5, "小数"),
        ("+86 10 1234 5678", "这里是 10 位"),
        (True, "不是手机号"),
    ],
)
def test_phone_errors(value, reason):
    phone, error = normalize_phone(value)
    assert phone is None
    assert reason in error


mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)


@given(
    mobile=mobiles,
    prefix=st.sampled_from(["", "+86", "+86 ", "86", "0086", "0086 ", "+86-", "(+86)"]),
    cuts=st.lists(st.integers(1, 10), max_size=3, unique=True),
    separator=st.sampled_from([" ", "-", "  ", "－"]),
)
def test_phone_decorations_never_change_the_number(mobile, prefix, cuts, separator):
    decorated = mobile
    for cut in sorted(cuts, reverse=True):
        decorated = decorated[:cut] + separator + decorated[cut:]
    assert normalize_phone(prefix + decorated) == (mobile, None)
    assert normalize_phone(int(mobile)) == (mobile, None)
    assert normalize_phone(float(mobile)) == (mobile, None)
    assert normalize_phone(int("86" + mobile)) == (mobile, None)


@given(mobile=mobiles, digits=st.integers(1, 9))
def test_scientific_notation_with_lost_digits_is_an_error(mobile, digits):
    lossy = f"{int(mobile):.{digits}E}"  # what Excel shows for a number too wide for the column
    phone, error = normalize_phone(lossy)
    assert phone is None and "科学计数法" in error
    assert normalize_phone(f"{int(mobile):.10E}") == (mobile, None)  # all 11 digits shown


@given(st.one_of(st.text(max_size=30), st.integers(), st.floats(allow_nan=True)))
@settings(max_examples=300)
def test_phone_never_raises_and_is_a_mobile_or_a_reason(value):
    phone, error = normalize_phone(value)
    if phone is None:
        assert error is None or error.strip()
    else:
        assert error is None
        assert (len(phone) == 11 and phone.isdigit() and phone[0] == "1") or (
            phone.startswith("+") and phone[1:].isdigit()
        )
        assert normalize_phone(phone) == (phone, None)  # idempotent


@given(st.integers(0, 10**15).filter(lambda n: len(str(n)) not in (11, 13)))
def test_numbers_of_other_lengths_are_not_phones(number):
    phone, error = normalize_phone(number)
    assert phone is None and error


# ------------------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (45356, datetime(2024, 3, 5)),  # an Excel serial date
        (45356.0, datetime(2024, 3, 5)),
        (45356.5, datetime(2024, 3, 5, 12, 0)),
        ("45356", datetime(2024, 3, 5)),
        ("2024.3.5", datetime(2024, 3, 5)),
        ("2024-03-05", datetime(2024, 3, 5)),
        ("2024/3/5", datetime(2024, 3, 5)),
        ("2026年3月5日", datetime(2026, 3, 5)),
        ("2026年3月5日 9:37", datetime(2026, 3, 5, 9, 37)),
        ("2026年3月5日9时37分", datetime(2026, 3, 5, 9, 37)),
        ("2024-05-30 15:00:00", datetime(2024, 5, 30, 15, 0)),
        ("2024/3/5 9:37", datetime(2024, 3, 5, 9, 37)),
        ("2024-03-05T09:37:00", datetime(2024, 3, 5, 9, 37)),
        ("2024-03-05T09:37:00+08:00", datetime(2024, 3, 5, 9, 37)),
        ("2024-03-05T01:37:00Z", datetime(2024, 3, 5, 9, 37)),  # in China time
        ("20240305", datetime(2024, 3, 5)),
        ("1717052400", datetime(2024, 5, 30, 15, 0)),  # Unix seconds, recognised by size
        (1717052400000, datetime(2024, 5, 30, 15, 0)),  # milliseconds
        (date(2024, 3, 5), datetime(2024, 3, 5)),
        (datetime(2024, 3, 5, 9, 37), datetime(2024, 3, 5, 9, 37)),
        ("", None),
        ("-", None),
        ("—", None),
        (None, None),
    ],
)
def test_date_examples(value, expected):
    assert normalize_datetime(value) == (expected, None)


def test_unix_seconds_from_the_api():
    assert normalize_datetime(1717052400, unix=True) == (datetime(2024, 5, 30, 15, 0), None)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2024-02-30", "不存在的日期"),
        ("昨天", "看不懂的日期"),
        ("3/5/2024", "看不懂的日期"),  # month/day order is a guess: not made
        ("1800-01-01", "超出范围"),
        (-5, "不是日期"),
        (True, "不是日期"),
    ],
)
def test_date_errors(value, reason):
    moment, error = normalize_datetime(value)
    assert moment is None and reason in error


def test_birthday_is_a_date():
    assert normalize_date("1990年1月2日") == (date(1990, 1, 2), None)


moments = st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2099, 12, 31)).map(
    lambda moment: moment.replace(microsecond=0)
)


@given(moments)
def test_excel_serials_round_trip(moment):
    serial = (moment - EXCEL_EPOCH) / timedelta(days=1)
    assert normalize_datetime(serial) == (moment, None)


@given(moments)
def test_text_dates_round_trip(moment):
    y, m, d, hh, mm, ss = (
        moment.year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second,
    )
    day = moment.replace(hour=0, minute=0, second=0)
    assert normalize_datetime(f"{y}年{m}月{d}日") == (day, None)
    assert normalize_datetime(f"{y}.{m}.{d}") == (day, None)
    assert normalize_datetime(f"{y}/{m}/{d} {hh}:{mm:02d}") == (moment.replace(second=0), None)
    assert normalize_datetime(f"{y}-{m:02d}-{d:02d} {hh:02d}:{mm:02d}:{ss:02d}") == (moment, None)


@given(st.datetimes(min_value=datetime(2002, 1, 1), max_value=datetime(2099, 12, 31)))
def test_unix_seconds_round_trip_in_china_time(moment):
    moment = moment.replace(microsecond=0)
    seconds = int(moment.replace(tzinfo=CHINA_TZ).timestamp())
    assert normalize_datetime(seconds, unix=True) == (moment, None)
    assert normalize_datetime(str(seconds)) == (moment, None)


@given(st.one_of(st.text(max_size=30), st.integers(), st.floats()))
@settings(max_examples=300)
def test_dates_never_raise(value):
    moment, error = normalize_datetime(value)
    assert (moment is None) or (error is None and 1900 <= moment.year <= 2100)


# ---------------------------------------------------------------------- words, tags, text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("男", "m"),
        ("女", "f"),
        ("male", "m"),
        ("Female", "f"),
        (1, "m"),
        (2, "f"),
        ("1", "m"),
        (0, ""),
        ("未知", ""),
        ("保密", ""),
        ("", None),
        ("-", None),
    ],
)
def test_gender_words(value, expected):
    assert normalize_gender(value) == (expected, None)


def test_unknown_gender_is_reported():
    assert normalize_gender("猫")[1] == "看不懂的性别：猫"


def test_team_words():
    assert normalize_team("企业成员") == (True, None)
    assert normalize_team("外部联系人") == (False, None)
    assert normalize_team("企业用户") == (False, None)  # a customer on WeCom, not our staff
    assert normalize_team("")[0] is None


def test_tags_split_on_every_separator():
    assert split_tags("意向客户,已购，宝妈;高频复购；团购团长、新客 老客  VIP") == [
        "意向客户",
        "已购",
        "宝妈",
        "高频复购",
        "团购团长",
        "新客",
        "老客",
        "VIP",
    ]
    assert split_tags("a,a,-") == ["a"]
    assert split_tags(["et1", "et2", "et1"]) == ["et1", "et2"]  # WeCom tag_id lists
    assert split_tags([{"tag_name": "宝妈"}, {"tag_name": "已购"}]) == ["宝妈", "已购"]
    assert split_tags(None) == split_tags("") == split_tags("—") == []


def test_text_values():
    assert to_text(137.0) == "137"
    assert to_text(12.5) == "12.5"
    assert to_text(" 海风 ") == "海风"
    assert to_text("=1+1") == "=1+1"  # a formula as text stays text
    assert to_text("?花花") == "?花花"  # Excel's ? for an emoji stays
    assert to_text("--") is None and to_text("/") is None and to_text("无") is None
    assert to_text("a\x00b") == "ab"
    assert to_text(datetime(2024, 3, 5, 9, 37)) == "2024-03-05 09:37"


def test_question_marks_from_a_gbk_save_equal_the_emoji():
    assert lossy_equal("?花花", "🌸花花")
    assert lossy_equal("??甜品", "☀️甜品")  # two code points, two question marks
    assert not lossy_equal("?花花", "小花花")  # a GBK character would have survived
    assert not lossy_equal("花花", "🌸花花")
