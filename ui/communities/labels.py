"""Words the communities screens show for codes from core: platforms, roles, warnings.

Functions rather than module constants: the translator is installed after import, and each
call asks it again (the interface language can change in the settings).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, QDate, QLocale

from core.communities.attention import Attention, Verdict
from ui.common.i18n import shown
from ui.common.units import units


def platform_labels() -> dict[str, str]:
    return {
        "wechat": QCoreApplication.translate("communities", "微信群"),
        "wecom": QCoreApplication.translate("communities", "企业微信客户群"),
        "qq": QCoreApplication.translate("communities", "QQ群"),
        "other": QCoreApplication.translate("communities", "其他"),
    }


def kind_labels() -> dict[str, str]:
    return {
        "qr_expired": QCoreApplication.translate("communities", "二维码已过期"),
        "qr_expiring": QCoreApplication.translate("communities", "二维码即将过期"),
        "member_cap": QCoreApplication.translate("communities", "群人数上限"),
        "scan_cap": QCoreApplication.translate("communities", "扫码进群上限"),
        "qr_missing": QCoreApplication.translate("communities", "未添加群二维码"),
    }


def status_label(item: Attention) -> str:
    """A few words for the list's 状态 column and the 需要处理 list's first column."""
    if item.kind == "member_cap":
        return (
            QCoreApplication.translate("communities", "群已满")
            if item.cap_reached
            else QCoreApplication.translate("communities", "接近人数上限")
        )
    if item.kind == "scan_cap":
        return (
            QCoreApplication.translate("communities", "仅能邀请进群")
            if item.cap_reached
            else QCoreApplication.translate("communities", "接近扫码上限")
        )
    return kind_labels().get(item.kind, item.kind)


def short_date(day: date | None) -> str:
    if day is None:
        return ""
    return QLocale().toString(
        QDate(day.year, day.month, day.day), QCoreApplication.translate("communities", "M月d日")
    )


def long_date(day: date | None) -> str:
    if day is None:
        return ""
    return QLocale().toString(
        QDate(day.year, day.month, day.day),
        QCoreApplication.translate("communities", "yyyy年M月d日"),
    )


def attention_message(item: Attention) -> str:
    """The warning in the interface language, from the figures it carries."""
    n, cap = item.members, item.cap or 0
    if item.kind == "qr_expired":
        return QCoreApplication.translate(
            "communities", "群二维码已于 {date} 过期，请在微信里重新生成并添加"
        ).format(date=short_date(item.expires_on))
    if item.kind == "qr_expiring":
        return QCoreApplication.translate(
            "communities", "群二维码还剩 {days} 天（{date} 过期），请提前准备新二维码"
        ).format(days=item.days_left, date=short_date(item.expires_on))
    if item.kind == "member_cap":
        if item.cap_reached:
            return QCoreApplication.translate(
                "communities", "群已满（{members}/{cap} 人），请开新群"
            ).format(members=n, cap=cap)
        return QCoreApplication.translate(
            "communities", "已有 {members} 人，距 {cap} 人上限只剩 {left} 个名额，准备开新群"
        ).format(members=n, cap=cap, left=cap - n)
    if item.kind == "scan_cap":
        if item.cap_reached:
            return QCoreApplication.translate(
                "communities", "已有 {members} 人，超过 {cap} 人扫码进群上限：只能邀请进群"
            ).format(members=n, cap=cap)
        return QCoreApplication.translate(
            "communities", "已有 {members} 人，距 {cap} 人扫码进群上限只剩 {left} 人，准备开新群"
        ).format(members=n, cap=cap, left=cap - n)
    if item.kind == "qr_missing":
        return QCoreApplication.translate("communities", "还没有添加群二维码，无法跟踪有效期")
    return item.message


def qr_days_text(has_qr: bool, days_left: int | None, needed: bool = True) -> str:
    """The QR column and the QR panel's headline: 剩 3 天 / 今天到期 / 已过期 / 长期有效;
    不需要 for a group without a code that nobody can scan into any more."""
    if not has_qr:
        if not needed:
            return QCoreApplication.translate("communities", "不需要")
        return QCoreApplication.translate("communities", "未添加")
    if days_left is None:
        return QCoreApplication.translate("communities", "长期有效")
    if days_left <= 0:
        return QCoreApplication.translate("communities", "已过期")
    return units.days_left(days_left)


# Colours from the style sheet's palette: red for what is broken, amber for what is coming.
URGENT_KINDS = {"qr_expired"}
URGENT_COLOR = "#b91c1c"
WARNING_COLOR = "#b45309"
OK_COLOR = "#0f766e"
QUIET_COLOR = "#6b7280"  # what is said but asks for nothing (not on 需要处理)


def kind_color(kind: str, cap_reached: bool = False) -> str:
    return (
        URGENT_COLOR
        if kind in URGENT_KINDS or (kind == "member_cap" and cap_reached)
        else (WARNING_COLOR)
    )


def verdict_text(verdict: Verdict) -> str:
    """Why a group is on 需要处理 (its items) or why it is not, a line each."""
    if verdict.listed:
        return "\n".join(attention_message(item) for item in verdict.items)
    return shown(verdict.why_not) if verdict.why_not else ""
