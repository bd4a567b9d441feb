"""A member's standing invite code and the invite link a poster's QR code carries.

The standing code is what a poster made outside any campaign carries: the member's custom
field 邀请码 when there is one (a code imported from another tool), else derived from the
member id by a keyed permutation (a small Feistel network over [0, 31⁶)), so it is stable,
never the same for two members, and not guessable from the id without the database's key.
The permutation can be run backwards, so a derived code printed before codes were stored still
finds its member. Its alphabet leaves out 0/O, 1/I/L so it can be read out and typed.

The QR content of the built-in templates is {邀请链接}: the setting `posters.invite_link`
(e.g. "https://example.com/i/{邀请码}") filled with the code, or the bare code when unset. The
program never contacts the network: the link is only text in the code.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.settings_store import get_setting, set_setting
from core.common.text import msg

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # 31 symbols: no 0 O 1 I L
BASE = len(ALPHABET)
VALUE = {symbol: index for index, symbol in enumerate(ALPHABET)}
CODE_LENGTH = 6
CODE_FIELD = "邀请码"  # the custom field that overrides the derived code
LINK_FIELD = "邀请链接"
KEY_SETTING = "posters.invite_key"
LINK_SETTING = "posters.invite_link"
MAX_LINK_CHARS = 500
ROUNDS = 6


def _round(key: bytes, round_no: int, half: int, bits: int) -> int:
    digest = hmac.new(key, f"{round_no}:{half}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") & ((1 << bits) - 1)


def feistel_bits(domain: int) -> int:
    bits = max(2, (domain - 1).bit_length())
    return bits + bits % 2


def permute(value: int, domain: int, key: bytes) -> int:
    """A keyed bijection on [0, domain): Feistel on the next even bit width, cycle-walking."""
    return _cycle_walk(value, domain, key, inverse=False)


def unpermute(value: int, domain: int, key: bytes) -> int:
    """The inverse of `permute` (the rounds backwards; cycle-walking backwards too)."""
    return _cycle_walk(value, domain, key, inverse=True)


def _cycle_walk(value: int, domain: int, key: bytes, *, inverse: bool) -> int:
    """The Feistel rounds (backwards when `inverse`) again until the value falls in the domain:
    walking the cycle stays a bijection on [0, domain), and the inverse walks it back."""
    half = feistel_bits(domain) // 2
    mask = (1 << half) - 1
    while True:
        left, right = value >> half, value & mask
        if inverse:
            for round_no in reversed(range(ROUNDS)):
                left, right = right ^ _round(key, round_no, left, half), left
        else:
            for round_no in range(ROUNDS):
                left, right = right, left ^ _round(key, round_no, right, half)
        value = (left << half) | right
        if value < domain:
            return value


def encode(number: int, length: int) -> str:
    symbols = []
    for _ in range(length):
        number, digit = divmod(number, BASE)
        symbols.append(ALPHABET[digit])
    return "".join(reversed(symbols))


def decode(code: str) -> int | None:
    """The number a code of the alphabet spells, None when a character is not in it."""
    number = 0
    for symbol in code:
        digit = VALUE.get(symbol)
        if digit is None:
            return None
        number = number * BASE + digit
    return number


def _standing_length(member_id: int) -> int:
    length = CODE_LENGTH
    while BASE**length <= member_id:
        length += 1
    return length


def derive_invite_code(member_id: int, key: bytes) -> str:
    """The member's 6-character code (longer only past 887 million ids), same key → same code."""
    if member_id < 0:
        raise ValueError("member ids are not negative")
    length = _standing_length(member_id)
    return encode(permute(member_id, BASE**length, key + bytes([length])), length)


def derived_member_id(code: str, key: bytes) -> int | None:
    """The member id whose derived standing code `code` is, or None when it is none's."""
    if not CODE_LENGTH <= len(code) <= 12:
        return None
    number = decode(code)
    if number is None:
        return None
    length = len(code)
    member_id = unpermute(number, BASE**length, key + bytes([length]))
    return member_id if _standing_length(member_id) == length else None


def invite_key(session: Session) -> bytes:
    """This database's invite-code key, made on first use (the caller commits)."""
    value = get_setting(session, KEY_SETTING)
    if not isinstance(value, str) or len(value) < 16:
        value = secrets.token_hex(16)
        set_setting(session, KEY_SETTING, value)
        session.flush()
    return bytes.fromhex(value) if _is_hex(value) else value.encode()


def _is_hex(value: str) -> bool:
    try:
        bytes.fromhex(value)
    except ValueError:
        return False
    return True


def custom_code(custom_fields: Mapping[str, Any] | None) -> str:
    """The code a member's custom field 邀请码 holds ("" when none)."""
    return str((custom_fields or {}).get(CODE_FIELD) or "").strip()


def standing_code(member_id: int, custom_fields: Mapping[str, Any] | None, key: bytes) -> str:
    """What a poster made outside any campaign carries: the custom 邀请码, else the derived one."""
    return custom_code(custom_fields) or derive_invite_code(member_id, key)


# ---------------------------------------------------------------- the invite link


def check_link_template(text: str | None) -> str:
    """A link format for {邀请链接}, such as https://example.com/i/{邀请码}; empty: the bare code.

    Refused, with the reason, when it could not give every member their own working link.
    """
    text = (text or "").strip()
    if not text:
        return ""
    if len(text) > MAX_LINK_CHARS:
        raise UserError(msg("邀请链接格式太长（超过 {limit} 个字符）", limit=MAX_LINK_CHARS))
    if any(char.isspace() for char in text):
        raise UserError(msg("邀请链接格式里不能有空格或换行"))
    if "{邀请码}" not in text and "{invite_code}" not in text:
        raise UserError(
            msg(
                "邀请链接格式要包含 {邀请码}，例如 https://example.com/i/{邀请码}，否则人人同一个码"
            )
        )
    return text


def saved_link_template(session: Session) -> str:
    return get_setting(session, LINK_SETTING) or ""


def save_link_template(session: Session, text: str | None) -> str:
    """Check and remember the link format every later poster uses; returns what was saved."""
    text = check_link_template(text)
    set_setting(session, LINK_SETTING, text)
    return text


# The poster placeholders' syntax (core.posters.template): {{ and }} are literal braces, any
# other {field} in a link format is left empty.
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}\n]{1,40})\}")


def invite_link(code: str, link_template: str | None) -> str:
    """What the QR code holds: the link setting filled with the code, or the code itself."""
    if not link_template:
        return code

    def replace(match: re.Match) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        return code if match.group(1).strip() in (CODE_FIELD, "invite_code") else ""

    return _PLACEHOLDER.sub(replace, link_template)


def member_link(custom_fields: Mapping[str, Any] | None, code: str, link_template: str) -> str:
    """The member's own 邀请链接 custom field, else the link format filled with their code."""
    own = str((custom_fields or {}).get(LINK_FIELD) or "").strip()
    return own or invite_link(code, link_template)
