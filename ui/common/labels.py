"""Words the screens show for codes shared by several features: member roles in a community.
(Activity kinds are named by ui/activity/labels.py.)

Functions rather than constants: the translator is installed after import, and each call asks
it again.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def role_labels() -> dict[str, str]:
    """DOMAIN.md's role structure: 管理者/领导者/执行者/追随者 + 连接者/贡献者, in that order."""
    return {
        "manager": QCoreApplication.translate("roles", "管理者"),
        "leader": QCoreApplication.translate("roles", "领导者"),
        "executor": QCoreApplication.translate("roles", "执行者"),
        "follower": QCoreApplication.translate("roles", "追随者"),
        "connector": QCoreApplication.translate("roles", "连接者"),
        "contributor": QCoreApplication.translate("roles", "贡献者"),
    }


def role_name(role: str) -> str:
    return role_labels().get(role, role)
