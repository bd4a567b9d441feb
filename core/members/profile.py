"""The columns that hold a member's own data: what an import writes and a merge fills in."""

from __future__ import annotations

PROFILE_FIELDS = (
    "nickname",
    "remark",
    "wechat_id",
    "wxid",
    "unionid",
    "external_userid",
    "phone",
    "gender",
    "birthday",
    "city",
    "source_channel",
    "inviter_id",
    "notes",
    "custom_fields",
)
