"""Campaign codes: the check symbol catches every single substitution and every swap of
neighbours (brute force over a sample), a million codes never collide, and typing is forgiving
about case, spaces and dashes but never guesses look-alikes."""

from __future__ import annotations

import random
import time

import pytest

from core.common.errors import UserError
from core.referrals.codes import (
    CODE_CHARACTERS,
    PAYLOAD,
    campaign_code,
    campaign_codes,
    check_symbol,
    is_campaign_shaped,
    normalise_code,
    one_away,
    passes_check,
)
from core.referrals.invite_codes import (
    ALPHABET,
    derive_invite_code,
    derived_member_id,
    invite_link,
    permute,
    unpermute,
)

KEY = bytes.fromhex("00112233445566778899aabbccddeeff")


def sample_codes(count: int = 300) -> list[str]:
    rng = random.Random(17)
    return [campaign_code(rng.randrange(10_000_000), KEY) for _ in range(count)] + [
        campaign_code(31**6 + 5, KEY)  # a long one (8 symbols)
    ]


def test_every_code_passes_its_own_check_and_uses_only_the_alphabet():
    for code in sample_codes():
        assert passes_check(code), code
        assert set(code) <= set(ALPHABET)
        assert is_campaign_shaped(code)
    assert len(campaign_code(0, KEY)) == PAYLOAD + 1
    assert len(campaign_code(31**6, KEY)) == PAYLOAD + 2
    assert not set("0O1IL") & set(ALPHABET)


def test_the_check_catches_every_single_substitution():
    caught = 0
    for code in sample_codes():
        for position in range(len(code)):
            for other in ALPHABET:
                if other == code[position]:
                    continue
                typo = code[:position] + other + code[position + 1 :]
                assert not passes_check(typo), (code, typo)
                caught += 1
    assert caught == sum(len(c) for c in sample_codes()) * 30


def test_the_check_catches_every_swap_of_neighbours():
    swaps = 0
    for code in sample_codes():
        for position in range(len(code) - 1):
            a, b = code[position], code[position + 1]
            if a == b:
                continue  # swapping equal symbols changes nothing
            typo = code[:position] + b + a + code[position + 2 :]
            assert not passes_check(typo), (code, typo)
            swaps += 1
    assert swaps > 1500


def test_the_check_symbol_solves_the_weighted_sum():
    payload = "ABCDEF"
    code = payload + check_symbol(payload)
    values = [ALPHABET.index(s) for s in code]
    assert sum(w * v for w, v in enumerate(values, start=1)) % 31 == 0


def test_a_million_campaign_codes_never_collide_and_are_quick():
    started = time.perf_counter()
    codes = campaign_codes(0, 1_000_000, KEY)
    seconds = time.perf_counter() - started
    assert len(codes) == 1_000_000
    assert len(set(codes)) == 1_000_000
    assert codes[:20] == [campaign_code(serial, KEY) for serial in range(20)]
    assert all(passes_check(code) for code in codes[::9973])
    print(f"1,000,000 campaign codes in {seconds:.2f} s")
    assert seconds < 120  # ~3 s on an idle core; the bound only catches a lost table


def test_the_batch_and_the_one_by_one_codes_agree_across_the_length_change():
    start = 31**6 - 3
    assert campaign_codes(start, 6, KEY) == [campaign_code(s, KEY) for s in range(start, start + 6)]
    assert campaign_codes(5, 0, KEY) == []


def test_another_key_gives_other_codes():
    assert campaign_codes(0, 50, KEY) != campaign_codes(0, 50, b"another key!!!!!")


def test_the_permutation_runs_backwards():
    rng = random.Random(3)
    for domain in (31**6, 31**7, 1000):
        for _ in range(200):
            value = rng.randrange(domain)
            assert unpermute(permute(value, domain, KEY), domain, KEY) == value


def test_a_derived_standing_code_leads_back_to_its_member():
    for member_id in (1, 2, 999, 123_456, 31**6 + 4):
        code = derive_invite_code(member_id, KEY)
        assert derived_member_id(code, KEY) == member_id
    assert derived_member_id("2345", KEY) is None  # too short to be one
    assert derived_member_id("ABC0EF", KEY) is None  # 0 is not in the alphabet


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("abc-def-g", "ABCDEFG"),
        (" ab cd\tef g ", "ABCDEFG"),
        ("ＡＢＣ－ＤＥＦＧ", "ABCDEFG"),  # full-width, from a Chinese input method
        ("abc_defg", "ABCDEFG"),
        ("l0o1i", "L0O1I"),  # look-alikes are kept, never guessed
    ],
)
def test_typing_is_normalised(typed, code):
    assert normalise_code(typed) == code


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "请输入邀请码"),
        ("  - -  ", "请输入邀请码"),
        ("A" * 33, "太长"),
        ("A" * 1_000_000, "太长"),
        ("😀", "字母和数字"),
        ("ABC'; DROP TABLE members;--", "字母和数字"),
        ("ABC%", "字母和数字"),
        ("邀请码", "字母和数字"),
        ("\x1b[2JABC", "字母和数字"),
    ],
)
def test_what_cannot_be_a_code_is_refused_with_a_reason(typed, says):
    with pytest.raises(UserError, match=says):
        normalise_code(typed)


def test_one_away_lists_substitutions_and_neighbour_swaps():
    near = one_away("ABC")
    assert "XBC" in near and "A0C" in near  # any letter or digit in any place
    assert "BAC" in near and "ACB" in near  # neighbours swapped
    assert "CBA" not in near and "ABC" not in near
    assert len(near) == 3 * (len(CODE_CHARACTERS) - 1) + 2


def test_invite_link_fills_only_the_code():
    assert invite_link("K7", "https://x.cn/i/{邀请码}?a={{b}}&c={其他}") == (
        "https://x.cn/i/K7?a={b}&c="
    )
    assert invite_link("K7", "") == "K7"
