"""Campaign codes and what people type.

A campaign code is 6 symbols of the unambiguous alphabet (core.referrals.invite_codes: no
0/O, 1/I/L) and a check symbol: the symbols' values v₁…vₙ and the check c satisfy
1·v₁ + 2·v₂ + … + n·vₙ + (n+1)·c ≡ 0 (mod 31). 31 is prime and the weights 1…n+1 are
distinct and non-zero mod 31 (n + 1 ≤ 30), so:
- one symbol replaced by another changes the sum by i·(v′ − v) ≢ 0: always caught;
- two different neighbours swapped change it by i·b + (i+1)·a − i·a − (i+1)·b = a − b ≢ 0:
  always caught (tests/core/referrals check both by brute force).
The 6 symbols are a keyed permutation of a serial number (a Feistel network like the standing
codes', with its own key and tabulated rounds), so codes never repeat and can't be guessed
from each other.
Past 31⁶ (887 million) codes a seventh symbol is added.

What people type is normalised: full-width letters and digits become ASCII (NFKC), spaces,
dashes and underscores go, letters become upper case. Look-alikes are NOT mapped: 0/O/1/I/L
are not in the alphabet, and none has a single twin in it (0 could be meant as D, Q or
nothing; 1 as 7, J or T), so mapping would guess. Codes imported from other tools may hold
them and must match as stored. A typed 0/O/1/I/L in a code of ours is one wrong character,
and the "did you mean" search (core.referrals.resolving) tries every symbol in its place.
"""

from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
from functools import lru_cache

from core.common.errors import UserError
from core.common.text import msg
from core.referrals.invite_codes import ALPHABET, BASE, ROUNDS, VALUE, encode, feistel_bits
from db.referral_models import MAX_CODE_CHARS

PAYLOAD = 6  # symbols before the check symbol
CAMPAIGN_KEY_SUFFIX = b":campaign"
MAX_TYPED_CHARS = 200  # anything longer is refused before it is even normalised
_SEPARATORS = re.compile(r"[\s\-_]+")
_VALID = re.compile(r"[0-9A-Z]+")
# What a stored code may be made of (codes from other tools may use every letter and digit).
CODE_CHARACTERS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def normalise_code(typed: str) -> str:
    """The code as stored, or a UserError saying what is wrong with what was typed."""
    text = str(typed or "")
    if len(text) > MAX_TYPED_CHARS:
        raise UserError(msg("邀请码太长（最多 {limit} 个字符）", limit=MAX_CODE_CHARS))
    code = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()
    if not code:
        raise UserError(msg("请输入邀请码"))
    if len(code) > MAX_CODE_CHARS:
        raise UserError(msg("邀请码太长（最多 {limit} 个字符）", limit=MAX_CODE_CHARS))
    if not _VALID.fullmatch(code):
        raise UserError(msg("邀请码只能由字母和数字组成：{code}", code=_shown(text.strip())))
    return code


def _shown(text: str) -> str:
    """At most 40 characters of what was typed, for a message."""
    return text if len(text) <= 40 else text[:40] + "…"


def check_symbol(payload: str) -> str:
    """The symbol that makes the weighted sum of `payload` + it divisible by 31."""
    total = sum(weight * VALUE[symbol] for weight, symbol in enumerate(payload, start=1))
    weight = len(payload) + 1
    if weight >= BASE:
        raise ValueError("a code this long has no distinct weights left")
    return ALPHABET[(-total * pow(weight, -1, BASE)) % BASE]


def passes_check(code: str) -> bool:
    """True when every symbol is in the alphabet and the weighted sum is divisible by 31."""
    if not 2 <= len(code) < BASE or any(symbol not in VALUE for symbol in code):
        return False
    total = sum(weight * VALUE[symbol] for weight, symbol in enumerate(code, start=1))
    return total % BASE == 0


def is_campaign_shaped(code: str) -> bool:
    """As long as a campaign code and all of the alphabet: the check decides whether it is one."""
    return len(code) in (PAYLOAD + 1, PAYLOAD + 2) and all(symbol in VALUE for symbol in code)


@lru_cache(maxsize=8)
def _tables(key: bytes, half: int) -> tuple[tuple[int, ...], ...]:
    """The Feistel round functions of the campaign codes as tables: each round's is a stream
    of SHAKE-256 output under the key, 4 bytes per entry (a few milliseconds to make)."""
    size, mask = 1 << half, (1 << half) - 1
    tables = []
    for round_no in range(ROUNDS):
        stream = hashlib.shake_256(key + b":round:" + bytes([half, round_no])).digest(4 * size)
        words = struct.unpack(f"<{size}I", stream)
        tables.append(tuple(word & mask for word in words))
    return tuple(tables)


def _length_and_offset(serial: int) -> tuple[int, int]:
    length, offset = PAYLOAD, serial
    while offset >= BASE**length:
        offset -= BASE**length
        length += 1
    return length, offset


def _permute(value: int, domain: int, key: bytes) -> int:
    """A keyed bijection on [0, domain): Feistel over tables, cycle-walking."""
    half = feistel_bits(domain) // 2
    mask = (1 << half) - 1
    rounds = _tables(key, half)
    while True:
        left, right = value >> half, value & mask
        for table in rounds:
            left, right = right, left ^ table[right]
        value = (left << half) | right
        if value < domain:
            return value


def campaign_code(serial: int, key: bytes) -> str:
    """The campaign code number `serial` (0, 1, 2, …) of this database's key."""
    if serial < 0:
        raise ValueError("serials are not negative")
    length, offset = _length_and_offset(serial)
    payload = encode(_permute(offset, BASE**length, key + CAMPAIGN_KEY_SUFFIX), length)
    return payload + check_symbol(payload)


def campaign_codes(start: int, count: int, key: bytes) -> list[str]:
    """campaign_code(serial, key) for serial in [start, start + count): the same codes, made
    in one tight loop (a million in seconds)."""
    if start < 0 or count < 0:
        raise ValueError("serials are not negative")
    domain = BASE**PAYLOAD
    if start + count > domain:  # past the 6-symbol codes: rare enough to go one by one
        head = max(0, domain - start)
        return campaign_codes(start, head, key) + [
            campaign_code(serial, key) for serial in range(start + head, start + count)
        ]
    if count == 0:
        return []
    half = feistel_bits(domain) // 2
    mask = (1 << half) - 1
    t0, t1, t2, t3, t4, t5 = _tables(key + CAMPAIGN_KEY_SUFFIX, half)
    # A code is three pairs of symbols: each pair's text and its share of the weighted sum.
    square = BASE * BASE
    pairs = [ALPHABET[p // BASE] + ALPHABET[p % BASE] for p in range(square)]
    s12, s34, s56 = (
        [(w * (p // BASE) + (w + 1) * (p % BASE)) % BASE for p in range(square)] for w in (1, 3, 5)
    )
    inverse_weight = pow(PAYLOAD + 1, -1, BASE)
    checks = [ALPHABET[(-total * inverse_weight) % BASE] for total in range(3 * BASE)]
    codes = []
    append = codes.append
    for value in range(start, start + count):
        while True:
            left, right = value >> half, value & mask
            left, right = right, left ^ t0[right]
            left, right = right, left ^ t1[right]
            left, right = right, left ^ t2[right]
            left, right = right, left ^ t3[right]
            left, right = right, left ^ t4[right]
            left, right = right, left ^ t5[right]
            value = (left << half) | right
            if value < domain:
                break
        a, rest = divmod(value, square * square)
        b, c = divmod(rest, square)
        append(pairs[a] + pairs[b] + pairs[c] + checks[s12[a] + s34[b] + s56[c]])
    return codes


def one_away(code: str) -> set[str]:
    """Every code one substitution (by any letter or digit) or one neighbour swap away."""
    found = set()
    for position, symbol in enumerate(code):
        for other in CODE_CHARACTERS:
            if other != symbol:
                found.add(code[:position] + other + code[position + 1 :])
        if position + 1 < len(code) and code[position + 1] != symbol:
            found.add(code[:position] + code[position + 1] + symbol + code[position + 2 :])
    return found
