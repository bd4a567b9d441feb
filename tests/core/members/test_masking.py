"""Masking keeps enough to recognise a number, never enough to call it."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.members.masking import mask_phone, mask_wechat_id


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13800000016", "138****0016"),
        ("+85291234567", "********4567"),
        ("123", "***"),
        (None, None),
        ("", ""),
    ],
)
def test_phone(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("wechat_id", "masked"),
    [("wx_zhangfan", "wx*******an"), ("abcd", "a***"), ("ab", "a*"), (None, None)],
)
def test_wechat_id(wechat_id, masked):
    assert mask_wechat_id(wechat_id) == masked


@given(st.text(alphabet="0123456789", min_size=5, max_size=15))
def test_masked_phone_never_shows_the_middle(phone):
    masked = mask_phone(phone)
    assert len(masked) == len(phone)
    assert masked.endswith(phone[-4:])
    visible = sum(character != "*" for character in masked)
    assert visible <= (7 if len(phone) == 11 else 4)
