"""The fields an import can fill, the header names real exports use for them, and automatic
column mapping.

Header names come from real exports: WeCom 客户群/客户 lists, 有赞 customers, LinkWeChat
(EasyExcel), an open-source WeCom SCRM (EasyPOI), weflow and itchat-era group lists (see the
samples README).
"""

from __future__ import annotations

from collections import Counter

from core.common.errors import UserError
from core.common.joins import joined_list
from core.common.sheets.normalize import normalize_header
from core.common.text import msg
from core.members.importing.model import HeaderMapping

CUSTOM = "custom"
IGNORE = "ignore"

# Every mapping target, with the label the wizard shows in its drop-down.
FIELD_LABELS: dict[str, str] = {
    "nickname": msg("昵称"),
    "remark": msg("备注名"),
    "group_nickname": msg("群昵称"),
    "wechat_id": msg("微信号"),
    "wxid": "wxid",  # the same in every language
    "unionid": "unionid",
    "external_userid": msg("企业微信客户ID"),
    "staff_userid": msg("企业微信成员账号"),
    "phone": msg("手机号"),
    "gender": msg("性别"),
    "birthday": msg("生日"),
    "city": msg("城市/地区"),
    "source_channel": msg("来源渠道"),
    "notes": msg("备注说明"),
    "tags": msg("标签"),
    "member_type": msg("成员类型（员工/客户）"),
    "group_name": msg("所在群"),
    "joined_at": msg("入群时间"),
    "join_channel": msg("入群方式"),
    "added_at": msg("添加时间"),
    "opening_points": msg("期初积分"),
    CUSTOM: msg("保留为自定义字段"),
    IGNORE: msg("不导入"),
}

# Identifiers, strongest first: the same value means the same person.
IDENTITY_FIELDS = ("unionid", "wxid", "external_userid", "staff_userid", "wechat_id", "phone")
IDENTITY_LABELS = {name: FIELD_LABELS[name] for name in IDENTITY_FIELDS}

# Header names seen in real exports, best first for each field. A header listed under several
# fields is not allowed: each name maps to one field.
_ALIASES: dict[str, tuple[str, ...]] = {
    "nickname": (
        "微信昵称",
        "昵称",
        "微信名称",
        "群成员昵称",
        "客户昵称",
        "客户名称",
        "用户昵称",
        "会员昵称",
        "成员昵称",
        "好友昵称",
        "微信名",
        "nickname",
        "nick_name",
        "name",
        "名称",
        "成员名称",
        # Real names: the nickname when nothing better is there, else the remark (below).
        "客户姓名",
        "姓名",
        "真实姓名",
        "会员姓名",
    ),
    "remark": ("微信备注", "备注名", "备注", "客户备注", "好友备注", "备注名称", "remark"),
    "group_nickname": (
        "群昵称",
        "群备注",
        "群内昵称",
        "群名片",
        "本群昵称",
        "我在本群的昵称",
        "group_nickname",
        "displayname",
    ),
    "wechat_id": ("微信号", "微信账号", "微信号码", "wechat_id", "wechatid", "alias"),
    "wxid": ("wxid", "微信id", "原始微信id", "原始id", "wx_id"),
    "unionid": ("unionid", "union_id", "微信unionid"),
    "external_userid": (
        "external_userid",
        "externaluserid",
        "外部联系人id",
        "外部联系人userid",
        "客户id",
        "客户userid",
        "企业微信客户id",
        "企微客户id",
    ),
    "staff_userid": ("staff_userid", "企业微信成员账号", "成员账号"),
    "phone": (
        "手机号",
        "手机号码",
        "客户手机号",
        "会员手机号",
        "用户手机号",
        "手机",
        "电话",
        "联系电话",
        "电话号码",
        "客户电话",
        "联系方式",
        "mobile",
        "phone",
        "tel",
        "remark_mobiles",
    ),
    "gender": ("性别", "gender", "sex"),
    "birthday": ("生日", "出生日期", "出生年月", "客户生日", "birthday"),
    "city": (
        "城市",
        "所在城市",
        "所在省市县",
        "所在地区",
        "地区",
        "省市",
        "所在地",
        "区域",
        "city",
    ),
    "source_channel": (
        "来源渠道",
        "来源",
        "渠道",
        "客户来源",
        "获客渠道",
        "添加方式",
        "添加渠道",
        "add_way",
    ),
    "notes": ("备注说明", "描述", "说明", "客户描述", "description"),
    "tags": (
        "标签",
        "企业标签",
        "群标签",
        "客户标签",
        "个人标签",
        "标签名称",
        "tags",
        "tag",
        "tag_id",
    ),
    "member_type": ("类型", "成员类型", "成员身份", "身份", "member_type"),
    "group_name": (
        "群名称",
        "群名",
        "群聊名称",
        "所在群",
        "所属群",
        "所在群聊",
        "群聊",
        "社群",
        "社群名称",
        "客户群",
        "客户群名称",
    ),
    "joined_at": ("入群时间", "join_time", "加入时间", "进群时间", "入群日期", "加群时间"),
    "join_channel": ("入群方式", "join_scene", "进群方式", "入群渠道"),
    "added_at": ("添加时间", "createtime", "添加好友时间", "成为客户时间", "添加日期"),
    # A balance of points in the tool the list came from (not 累计积分, the total ever earned).
    "opening_points": (
        "客户积分",
        "积分",
        "会员积分",
        "当前积分",
        "可用积分",
        "积分余额",
        "剩余积分",
        "points",
    ),
}

# When the field a header would map to is taken by a better header, it goes here instead.
_FALLBACK = {"客户姓名": "remark", "姓名": "remark", "真实姓名": "remark", "会员姓名": "remark"}

# Headers known to belong to no member field: kept as custom fields (listed so they count towards
# recognising a header row).
_KNOWN_CUSTOM = (
    "客户类型",
    "userid",
    "所属企业",
    "所属职位",
    "跟进员工",
    "跟进人",
    "添加人",
    "商机阶段",
    "邮箱",
    "qq",
    "详细地址",
    "是否加入黑名单",
    "邀请员工",
    "邀请人",
    "免费等级",
    "付费等级",
    "会员等级",
    "累计积分",
    "客户储值余额",
    "储值余额",
    "消费金额",
    "累计消费",
)

ALIAS_TO_FIELD: dict[str, tuple[str, int]] = {}
for _field, _names in _ALIASES.items():
    for _rank, _name in enumerate(_names):
        _key = normalize_header(_name)
        assert _key not in ALIAS_TO_FIELD, _name
        ALIAS_TO_FIELD[_key] = (_field, _rank)
KNOWN_CUSTOM = frozenset(normalize_header(name) for name in _KNOWN_CUSTOM)

# Fields that hold one value per row (every field but custom/ignore).
SINGLE_FIELDS = frozenset(FIELD_LABELS) - {CUSTOM, IGNORE}
# A header row must name at least one of these to be taken for one.
_ANCHOR_FIELDS = frozenset(
    {"nickname", "phone", "wechat_id", "wxid", "unionid", "external_userid", "group_nickname"}
)


def field_of_header(header: str) -> str | None:
    """The field a header name maps to, trying it also without a bracketed hint: 手机号(必填)."""
    key = normalize_header(header)
    if key in ALIAS_TO_FIELD:
        return ALIAS_TO_FIELD[key][0]
    for bracket in ("(", "（"):
        if bracket in key:
            stripped = key.split(bracket, 1)[0]
            if stripped in ALIAS_TO_FIELD:
                return ALIAS_TO_FIELD[stripped][0]
    return None


def _rank_of_header(header: str) -> tuple[str, int] | None:
    key = normalize_header(header)
    for candidate in (key, key.split("(", 1)[0].split("（", 1)[0]):
        if candidate in ALIAS_TO_FIELD:
            return ALIAS_TO_FIELD[candidate]
    return None


def header_score(cells: list) -> int:
    """How much a row looks like a header row: distinct known header names in it (0 if none of
    them identifies a person)."""
    fields: set[str] = set()
    custom = 0
    for cell in cells:
        if not isinstance(cell, str) or not cell.strip() or len(cell) > 40:
            continue
        found = field_of_header(cell)
        if found:
            fields.add(found)
        elif normalize_header(cell) in KNOWN_CUSTOM:
            custom += 1
    if not fields & _ANCHOR_FIELDS:
        return 0
    return len(fields) + custom


def auto_mapping(headers: list[str]) -> tuple[HeaderMapping, list[str]]:
    """Map each column from its header; return the mapping and notes about duplicate headers."""
    fields = [IGNORE] * len(headers)
    notes: list[str] = []
    # Best-ranked header first for each field; the rest fall back or stay custom fields.
    candidates = []
    for index, header in enumerate(headers):
        if not str(header).strip():
            continue
        ranked = _rank_of_header(str(header))
        if ranked is None:
            fields[index] = CUSTOM
        else:
            candidates.append((ranked[1], index, ranked[0]))
    taken: set[str] = set()
    for _rank, index, name in sorted(candidates):
        if name not in taken:
            fields[index] = name
            taken.add(name)
    for _rank, index, _name in sorted(candidates):
        if fields[index] == IGNORE:
            fallback = _FALLBACK.get(normalize_header(headers[index]))
            if fallback and fallback not in taken:
                fields[index] = fallback
                taken.add(fallback)
            else:
                fields[index] = CUSTOM
    counts = Counter(normalize_header(h) for h in headers if str(h).strip())
    for name, count in counts.items():
        if count > 1:
            indexes = [i for i, h in enumerate(headers) if normalize_header(h) == name]
            notes.append(
                msg(
                    "表头「{header}」出现了 {count} 次（第 {columns} 列）："
                    "第 {first} 列按「{field}」导入，其余保留为自定义字段",
                    header=headers[indexes[0]],
                    count=count,
                    columns=joined_list([column_letter(i) for i in indexes]),
                    first=column_letter(indexes[0]),
                    field=FIELD_LABELS[fields[indexes[0]]],
                )
            )
    return HeaderMapping(headers=list(headers), fields=fields), notes


def validate_mapping(mapping: HeaderMapping) -> None:
    """Raise UserError if a mapping names an unknown field or gives one field two columns."""

    if len(mapping.fields) != len(mapping.headers):
        raise UserError(msg("列对应关系与表头的列数不一致，请重新选择"))
    seen: dict[str, int] = {}
    for index, name in enumerate(mapping.fields):
        if name not in FIELD_LABELS:
            raise UserError(
                msg(
                    "未知的字段「{field}」（第 {column} 列）",
                    field=name,
                    column=column_letter(index),
                )
            )
        if name in SINGLE_FIELDS:
            if name in seen:
                raise UserError(
                    msg(
                        "「{field}」同时对应了第 {first} 列和第 {second} 列，只能选一列",
                        field=FIELD_LABELS[name],
                        first=column_letter(seen[name]),
                        second=column_letter(index),
                    )
                )
            seen[name] = index


def custom_keys(mapping: HeaderMapping) -> dict[int, str]:
    """The custom-field name of each custom column: its header, made unique (昵称, 昵称_2)."""
    keys: dict[int, str] = {}
    used: Counter = Counter()
    for index, name in enumerate(mapping.fields):
        base = str(mapping.headers[index]).strip() or f"第{column_letter(index)}列"
        used[base] += 1
        if name == CUSTOM:
            keys[index] = base if used[base] == 1 else f"{base}_{used[base]}"
    return keys


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
