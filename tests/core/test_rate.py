"""A count out of a total, and its share."""

from __future__ import annotations

import pytest

from core.common.rate import Rate


def test_the_share_is_the_count_over_the_total():
    assert Rate(6, 12).share == pytest.approx(0.5)
    assert Rate(0, 3).share == 0


def test_nothing_to_divide_by_is_no_share_not_zero():
    assert Rate(0, 0).share is None


def test_a_rate_keeps_both_numbers_and_compares_by_them():
    assert (Rate(4, 8).count, Rate(4, 8).of) == (4, 8)
    assert Rate(4, 8) == Rate(4, 8) != Rate(1, 2)
