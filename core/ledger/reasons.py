"""The reasons the program writes on ledger entries, read back as messages for the window.

A reason is stored as plain Chinese text (the journal is append-only, and the CLI, exports and
searches read it as it is). The ones the program wrote itself — a built-in rule's name, 兑换「…」,
积分到期（…）… — are recognised here, so the window can show them in English; a reason the
operator typed is shown as typed. tests/core/ledger/test_reasons.py writes each kind through
the real functions, so a change of wording there fails the test until it is listed here.
"""

from __future__ import annotations

from core.common.builtin_names import builtin_name
from core.common.text import Message, msg, recognise

# Tried in this order; {rule} must be a built-in rule's name (else the text was typed).
WRITTEN = (
    msg("兑换「{reward}」"),  # catalogue.redeem
    msg("取消兑换 {code}：{note}"),  # catalogue.set_redemption_status, with the operator's note
    msg("取消兑换 {code}"),
    msg("补签 {day}"),  # awards.makeup_checkin
    msg("积分到期（有效期至 {day}）"),  # entries.expire_due
    msg("被邀请人在待生效期内退群，邀请奖励收回"),  # awards: the invitee left while pending
    msg("期初积分（导入「{file}」）"),  # workflows.opening_balance: 客户积分 of a member list
    msg("{rule}（{start} 至 {end}）"),  # awards: a check-in streak
    msg("{rule}：{note}"),  # awards.award_rule with the operator's note
)


def with_note(reason: str, note: str) -> str:
    """A reason the program writes, then what the operator typed to go with it (if anything):
    the "{…}：{note}" forms in WRITTEN."""
    note = note.strip()
    return f"{reason}：{note}" if note else reason


def reason_text(reason: str) -> str:
    """`reason` as a message when the program wrote it, else as it is."""
    named = builtin_name(reason)
    if isinstance(named, Message) or not reason:
        return named
    found = recognise(reason, WRITTEN)
    if found is None:
        return reason
    if "rule" in found.values:
        rule = builtin_name(found.values["rule"])
        if not isinstance(rule, Message):
            return reason  # "晒单：第一名" typed by hand, or a renamed rule: as it is
        found.values["rule"] = rule
    return found
