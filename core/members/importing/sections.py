"""From tables and JSON responses to sections: rows of `field → raw value`, with the group they
belong to and whether they are a complete member list of that group.

A sheet's header row is found among its first rows (never assumed to be row 1); the rows above it
are read for metadata: a group name (`昵称 | 样例烘焙福利1群` in weflow, a title like
`…客户群详情(导出时间: …)` in EasyPOI exports) and the export time.

Which sources are complete member lists of a group (members absent from them have left):
- WeCom API 客户群详情 (`groupchat/get`): each response lists every member of its group;
- sheets of group members: a group name from the sheet's metadata rows or from the sheet name
  (one sheet per group), or columns only group-member exports have (群昵称, 入群时间, 入群方式,
  成员类型 企业成员/外部联系人) — SCRM 客户群详情, weflow, itchat-era lists;
Customer lists are not (LinkWeChat 客户信息表, 有赞 客户导出, WeCom 客户 `batch/get_by_user`, any
sheet without group columns): they say nothing about who is in a group, so nobody leaves.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.common.errors import UserError
from core.common.joins import joined_list
from core.common.sheets.limits import ImportLimits
from core.common.sheets.normalize import (
    clean_json_text,
    normalize_datetime,
    normalize_header,
    to_text,
)
from core.common.sheets.readers import BrokenRow, Table
from core.common.text import msg
from core.members.importing.fields import (
    CUSTOM,
    IGNORE,
    custom_keys,
    header_score,
)
from core.members.importing.model import HeaderMapping

GROUP_MEMBERS = "group_members"
CUSTOMERS = "customers"

# Columns only exports of a group's members have.
_GROUP_LIST_FIELDS = frozenset({"group_nickname", "joined_at", "join_channel", "member_type"})
_WECOM_FIELDS = frozenset({"member_type", "external_userid", "unionid", "staff_userid"})

# Keys of `key | value` metadata cells above a header row.
_GROUP_KEYS = frozenset({"昵称", "群名称", "群名", "群聊名称", "群聊", "社群", "社群名称", "群"})
_EXPORT_TIME_KEYS = frozenset({"导出时间", "导出日期"})
_PLATFORM_KEYS = frozenset({"平台"})
_TITLE = re.compile(
    r"^(?P<name>.+?)\s*(?:客户群详情|群成员详情|群成员列表|群成员名单|群成员信息|群成员)"
)
_TITLE_TIME = re.compile(r"导出时间\s*[:：]\s*([0-9][0-9\-/.年月日 :：]*[0-9])")
_GENERIC_SHEET = re.compile(
    r"^(sheet\d*|工作表\d*|表\d*|data|数据|导出.*|export.*|结果|明细|列表|群成员列表|群成员"
    r"|成员列表|客户列表|客户信息.*|会员列表)$",
    re.IGNORECASE,
)

# WeCom join_scene and add_way codes, in the words WeCom's own exports use.
JOIN_SCENES = {1: "由群成员邀请入群", 2: "通过邀请链接入群", 3: "通过扫描群二维码入群"}
ADD_WAYS = {
    0: "未知来源",
    1: "扫描二维码",
    2: "搜索手机号",
    3: "名片分享",
    4: "群聊",
    5: "手机通讯录",
    6: "微信联系人",
    8: "安装第三方应用时自动添加的客服人员",
    9: "搜索邮箱",
    10: "视频号添加",
    11: "通过日程参与人添加",
    12: "通过会议参与人添加",
    13: "添加微信好友对应的企业微信",
    14: "通过智能硬件专属客服添加",
    15: "通过上门服务客服添加",
    16: "通过获客链接添加",
    17: "通过定制开发添加",
    18: "通过需求回复添加",
    201: "内部成员共享",
    202: "管理员/负责人分配",
}


@dataclass(frozen=True)
class RowProblem:
    """Why a whole row is refused before any of its values is read."""

    field: str  # a key of FIELD_LABELS, or a header as in the file
    value: str  # what the row held there, shortened for the preview
    reason: str


# (row number, field → raw value, custom field → raw value, mapped cells with a value,
#  the problem that rejects the whole row or None)
Record = tuple[int, dict[str, Any], dict[str, Any], int, RowProblem | None]


@dataclass
class Section:
    sheet: str
    kind: str
    header_row: int | None
    mapping: HeaderMapping | None
    group: str | None
    platform: str
    complete: bool
    export_time: datetime | None
    unix_times: bool  # numbers in time fields are Unix seconds (API data)
    records: Iterator[Record]
    fraction: Callable[[], float]
    mapped_columns: int = 0  # columns that go somewhere (for the "nearly empty row" check)
    chat_id: str | None = None
    owner_staff: str | None = None
    notes: list[str] = field(default_factory=list)


def _is_blank_row(cells: list) -> bool:
    for cell in cells:
        if cell is None or cell == "":
            continue
        if isinstance(cell, str) and not cell.strip():
            continue
        return False
    return True


def section_from_table(
    table: Table,
    limits: ImportLimits,
    mapping_for: Callable[[list[str]], HeaderMapping],
) -> Section | None:
    """The table's header row, metadata and records; None when no header row is found."""
    buffer: list[tuple[int, list]] = []
    for number, cells in table.rows:
        buffer.append((number, cells))
        if len(buffer) >= limits.header_scan_rows:
            break
    best, best_score = None, 0
    for position, (_number, cells) in enumerate(buffer):
        score = header_score(cells)
        if score > best_score:
            best, best_score = position, score
    broken = next((cells for _, cells in buffer if isinstance(cells, BrokenRow)), None)
    if broken is not None and (best is None or isinstance(buffer[best][1], BrokenRow)):
        # The header row itself is lost in a quote: nothing below it can be read rightly.
        raise UserError(msg("表格「{sheet}」{problem}", sheet=table.sheet, problem=broken.problem))
    if best is None:
        _drain(table.rows)
        return None
    header_number, header_cells = buffer[best]
    headers = [str(to_text(cell) or "") for cell in header_cells]
    while headers and not headers[-1]:
        headers.pop()
    group, export_time, platform, chat_id = _metadata([cells for _, cells in buffer[:best]])
    mapping = mapping_for(headers)
    section = _section_for_mapping(table.sheet, mapping, header_number)
    if group is None and _sheet_names_group(table, mapping):
        group = table.sheet.strip()
    if group:
        section.group = group
        section.kind = GROUP_MEMBERS
        section.complete = True
    section.export_time = export_time
    if platform:
        section.platform = platform
    section.chat_id = chat_id
    section.records = _table_records(
        table.rows, buffer[best + 1 :], mapping, headers, section.notes
    )
    section.fraction = table.fraction
    return section


def shown_value(value: Any, limit: int = 80) -> str:
    """A value as one short line for the preview and the problem list."""
    text = str(value) if not isinstance(value, dict | list) else _json_text(value)
    text = " ⏎ ".join(part for part in text.splitlines() if part.strip()) or text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _drain(rows: Iterator) -> None:
    for _ in rows:
        pass


def _section_for_mapping(sheet: str, mapping: HeaderMapping, header_row: int) -> Section:
    used = set(mapping.fields)
    kind = GROUP_MEMBERS if used & _GROUP_LIST_FIELDS else CUSTOMERS
    platform = "wecom" if used & _WECOM_FIELDS else "wechat"
    return Section(
        sheet=sheet,
        kind=kind,
        header_row=header_row,
        mapping=mapping,
        group=None,
        platform=platform,
        complete=kind == GROUP_MEMBERS,
        export_time=None,
        unix_times=False,
        records=iter(()),
        fraction=lambda: 1.0,
        mapped_columns=sum(1 for f in mapping.fields if f != IGNORE),
    )


def _sheet_names_group(table: Table, mapping: HeaderMapping) -> bool:
    """A workbook with one sheet per group names the group in the sheet name (itchat-era lists):
    a sheet name that reads like a group (烘焙1群), or any non-generic name when the workbook has
    several sheets of group members."""
    if "group_name" in mapping.fields or not table.named_by_user:
        return False
    name = table.sheet.strip()
    if not name or name.isdigit() or _GENERIC_SHEET.match(name):
        return False
    if "群" in name:
        return True
    return table.sheet_count > 1 and bool(set(mapping.fields) & _GROUP_LIST_FIELDS)


def _metadata(rows: list[list]) -> tuple[str | None, datetime | None, str | None, str | None]:
    group = export_time = platform = chat_id = None
    for cells in rows:
        texts = [t for t in (to_text(cell) for cell in cells) if t]
        for position, text in enumerate(texts):
            key = normalize_header(text).rstrip(":：")
            value = texts[position + 1] if position + 1 < len(texts) else None
            if ":" in text or "：" in text:
                key, _, inline = normalize_header(text).replace("：", ":").partition(":")
                value = inline or value
            if not value:
                continue
            if key in _GROUP_KEYS and group is None:
                group = value.strip()
            elif key in _EXPORT_TIME_KEYS and export_time is None:
                export_time = normalize_datetime(value)[0]
            elif key in _PLATFORM_KEYS:
                lowered = value.lower()
                platform = "wecom" if "wecom" in lowered or "企业微信" in value else platform
                platform = "wechat" if lowered == "wechat" or value == "微信" else platform
            if value.endswith("@chatroom"):
                chat_id = value
        if len(texts) == 1:
            title = texts[0]
            match = _TITLE.match(title)
            if match and group is None:
                group = match.group("name").strip(" -_:：") or None
            match = _TITLE_TIME.search(title)
            if match and export_time is None:
                export_time = normalize_datetime(match.group(1))[0]
    return group, export_time, platform, chat_id


def _table_records(
    rows: Iterator[tuple[int, list]],
    buffered: list[tuple[int, list]],
    mapping: HeaderMapping,
    headers: list[str],
    notes: list[str],
) -> Iterator[Record]:
    named = [(i, f) for i, f in enumerate(mapping.fields) if f not in (CUSTOM, IGNORE)]
    customs = list(custom_keys(mapping).items())
    header_key = [normalize_header(h) for h in headers]
    first_header = headers[0].strip() if headers else None
    repeated: list[int] = []

    def records(source) -> Iterator[Record]:
        for number, cells in source:
            if isinstance(cells, BrokenRow):
                column = cells.column
                header = headers[column] if column < len(headers) else ""
                value = cells[column] if column < len(cells) else ""
                yield number, {}, {}, 0, RowProblem(header, shown_value(value), cells.problem)
                continue
            if _is_blank_row(cells):
                continue
            width = len(cells)
            first = cells[0]
            if (
                isinstance(first, str)
                and first.strip() == first_header
                and width >= len(header_key)
                and [normalize_header(c) for c in cells[: len(header_key)]] == header_key
            ):
                repeated.append(number)
                continue
            values: dict[str, Any] = {}
            custom: dict[str, Any] = {}
            filled = _take(cells, width, named, values) + _take(cells, width, customs, custom)
            yield number, values, custom, filled, None

    yield from records(buffered)
    yield from records(rows)
    if repeated:
        shown = joined_list([str(n) for n in repeated[:10]])
        if len(repeated) > 10:
            notes.append(msg("第 {rows}… 行是重复的表头，已跳过", rows=shown))
        else:
            notes.append(msg("第 {rows} 行是重复的表头，已跳过", rows=shown))


# ------------------------------------------------------------------------------- WeCom JSON


def sections_from_json(data: object, file_name: str) -> list[Section]:
    """Sections of WeCom API responses: 客户群详情 (groupchat/get), 客户 (batch/get_by_user,
    externalcontact/get), one response or an array of them."""
    responses = data if isinstance(data, list) else [data]
    if not responses:
        raise UserError(msg("JSON 文件「{name}」里没有数据", name=file_name))
    sections: list[Section] = []
    errors: list[str] = []
    customers: list[tuple[Any, Any, str]] = []
    for response in responses:
        if not isinstance(response, dict):
            raise _not_wecom(file_name)
        errcode = response.get("errcode", 0)
        if errcode not in (0, "0", None):
            errors.append(f"errcode {errcode}：{response.get('errmsg', '')}")
            continue
        if isinstance(response.get("group_chat"), dict):
            sections.append(_groupchat_section(response["group_chat"], len(sections)))
        elif isinstance(response.get("chat_id"), str) and "member_list" in response:
            sections.append(_groupchat_section(response, len(sections)))
        elif isinstance(response.get("external_contact_list"), list):
            for item in response["external_contact_list"]:
                if not isinstance(item, dict):
                    item = {"external_contact": item}
                customers.append((item.get("external_contact"), item.get("follow_info"), ""))
        elif isinstance(response.get("external_contact"), dict):
            follows = response.get("follow_user")
            customers.append((response["external_contact"], follows, "follow_user"))
        else:
            raise _not_wecom(file_name)
    if customers:
        sections.append(_customers_section(customers))
    if not sections:
        if errors:
            raise UserError(
                msg("企业微信接口返回了错误（{error}），文件里没有成员数据", error=errors[0])
            )
        raise UserError(msg("JSON 文件「{name}」里没有成员数据", name=file_name))
    if errors:
        sections[0].notes.append(
            msg(
                "有 {count} 个接口返回是错误（{error}），已跳过", count=len(errors), error=errors[0]
            )
        )
    names = [s.sheet for s in sections]
    for section in sections:
        if names.count(section.sheet) > 1 and section.chat_id:
            section.notes.append(
                msg(
                    "文件里有 {count} 个群都叫「{name}」，它们会导入同一个社群",
                    count=names.count(section.sheet),
                    name=section.sheet,
                )
            )
    return sections


def _not_wecom(file_name: str) -> UserError:
    return UserError(
        msg(
            "JSON 文件「{name}」不是企业微信接口的返回结果"
            "（应为客户群详情 group_chat 或客户列表 external_contact_list）",
            name=file_name,
        )
    )


class _Fields:
    """Values of one JSON object, each of the type the WeCom API gives it. A value of another
    type (a name that is an object, a group name that is a number) is never turned into text:
    the first one becomes the problem that rejects the row."""

    def __init__(self, where: str) -> None:
        self.where = where  # where the object sits in the response, for messages
        self.problem: RowProblem | None = None

    def object(self, value: Any, path: str, field: str) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self._wrong(path, field, value, msg("对象"))
            return {}
        return value

    def objects(self, value: Any, path: str, field: str) -> list[dict]:
        """A list of objects (absent: none)."""
        if value is None:
            return []
        if not isinstance(value, list):
            self._wrong(path, field, value, msg("列表"))
            return []
        if not all(isinstance(item, dict) for item in value):
            bad = next(item for item in value if not isinstance(item, dict))
            self._wrong(f"{path}[]", field, bad, msg("对象"))
            return []
        return value

    # `path` names the value under `where` (invitor.userid); its last part is the key.
    def text(self, data: dict, path: str, field: str) -> str | None:
        key = path.rpartition(".")[2]
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self._wrong(path, field, value, msg("文字"))
            return None
        return clean_json_text(value) or None

    def number(self, data: dict, path: str, field: str) -> int | float | str | None:
        """A time or a code: a number, or a number written as text."""
        value = data.get(path.rpartition(".")[2])
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self._wrong(path, field, value, msg("数字"))
            return None
        return value

    def texts(self, data: dict, path: str, field: str) -> list[str]:
        """A list of texts (numbers allowed: phone numbers, tag ids)."""
        value = data.get(path.rpartition(".")[2])
        if value is None:
            return []
        if not isinstance(value, list) or any(
            isinstance(v, bool) or not isinstance(v, str | int) for v in value
        ):
            self._wrong(path, field, value, msg("文字列表"))
            return []
        return [clean_json_text(str(v)) for v in value if v != ""]

    def _wrong(self, path: str, field: str, value: Any, expected: str) -> None:
        if self.problem is None:
            self.problem = RowProblem(
                field,
                shown_value(value, 40),
                msg(
                    "「{key}」应为{expected}，这里是{kind}：整行未导入",
                    key=".".join(part for part in (self.where, path) if part),
                    expected=expected,
                    kind=_kind(value),
                ),
            )


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return msg("真假值")
    if isinstance(value, int | float):
        return msg("数字")
    if isinstance(value, str):
        return msg("文字")
    if isinstance(value, list):
        return msg("列表")
    if isinstance(value, dict):
        return msg("对象")
    return msg("空值")


def _groupchat_section(chat: dict, index: int) -> Section:
    chat_fields = _Fields("group_chat")
    name = chat_fields.text(chat, "name", "group_name")
    chat_id = chat_fields.text(chat, "chat_id", "group_name")
    owner = chat_fields.text(chat, "owner", "inviter_staff")
    members = chat.get("member_list") or []
    if not isinstance(members, list):
        raise UserError(msg("客户群详情里的 member_list 不是列表"))
    group = None if chat_fields.problem else name or "未命名群聊"

    def records() -> Iterator[Record]:
        for number, member in enumerate(members, start=1):
            fields = _Fields("member_list[]")
            fields.problem = chat_fields.problem  # a group that cannot be named takes no one
            member = fields.object(member, "", "nickname")
            staff = fields.number(member, "type", "member_type") in (1, "1")
            values: dict[str, Any] = {}
            userid = fields.text(member, "userid", "external_userid")
            if staff:
                values["staff_userid"] = userid
            else:
                values["external_userid"] = userid
                values["unionid"] = fields.text(member, "unionid", "unionid")
            values["member_type"] = staff
            values["nickname"] = fields.text(member, "name", "nickname")
            values["group_nickname"] = fields.text(member, "group_nickname", "group_nickname")
            values["joined_at"] = fields.number(member, "join_time", "joined_at")
            scene = fields.number(member, "join_scene", "join_channel")
            values["join_channel"] = JOIN_SCENES.get(_code(scene))
            invitor = fields.object(member.get("invitor"), "invitor", "inviter_staff")
            values["inviter_staff"] = fields.text(invitor, "invitor.userid", "inviter_staff")
            values = {k: v for k, v in values.items() if v is not None and v != ""}
            if fields.problem:
                yield number, {}, {}, 0, fields.problem
            else:
                yield number, values, {}, len(values), None

    return Section(
        sheet=group or chat_id or "未命名群聊",
        kind=GROUP_MEMBERS,
        header_row=None,
        mapping=None,
        group=group,
        platform="wecom",
        complete=group is not None,
        export_time=None,
        unix_times=True,
        records=records(),
        fraction=lambda: 1.0,
        mapped_columns=len(members),
        chat_id=chat_id,
        owner_staff=owner,
    )


def _code(value: int | float | str | None) -> int | None:
    """A WeCom code (join_scene, add_way, gender…), given as a number or as digits."""
    if isinstance(value, str):
        return int(value) if value.isdigit() and len(value) < 10 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    return value


def _customers_section(customers: list[tuple[Any, Any, str]]) -> Section:
    """One row per customer: (external_contact, its follow-up, how the response gives the
    follow-up: "" for batch/get_by_user's follow_info object, "follow_user" for
    externalcontact/get's list of them, each with its tags)."""

    def records() -> Iterator[Record]:
        for number, (raw_contact, raw_follow, shape) in enumerate(customers, start=1):
            fields = _Fields("")
            contact = fields.object(raw_contact, "external_contact", "nickname")
            if shape:
                follows = fields.objects(raw_follow, shape, "remark")
                follow, label = (follows[0] if follows else {}), f"{shape}[]"
            else:
                follow, label = fields.object(raw_follow, "follow_info", "remark"), "follow_info"
                follows = [follow]
            values: dict[str, Any] = {
                "external_userid": fields.text(
                    contact, "external_contact.external_userid", "external_userid"
                ),
                "unionid": fields.text(contact, "external_contact.unionid", "unionid"),
                "nickname": fields.text(contact, "external_contact.name", "nickname"),
                "gender": _code(fields.number(contact, "external_contact.gender", "gender")),
                "remark": fields.text(follow, f"{label}.remark", "remark"),
                "notes": fields.text(follow, f"{label}.description", "notes"),
                "added_at": fields.number(follow, f"{label}.createtime", "added_at"),
                "source_channel": ADD_WAYS.get(
                    _code(fields.number(follow, f"{label}.add_way", "source_channel"))
                ),
            }
            mobiles = fields.texts(follow, f"{label}.remark_mobiles", "phone")
            if mobiles:
                values["phone"] = ",".join(mobiles)
            tag_names = []
            for item in follows:
                for tag in fields.objects(item.get("tags"), f"{label}.tags", "tags"):
                    name = fields.text(tag, f"{label}.tags[].tag_name", "tags")
                    if name:
                        tag_names.append(name)
            values["tags"] = tag_names or fields.texts(follow, f"{label}.tag_id", "tags") or None
            kind = _code(fields.number(contact, "external_contact.type", "member_type"))
            custom = {
                "客户类型": {1: "微信用户", 2: "企业微信用户"}.get(kind),
                "企业名称": fields.text(contact, "external_contact.corp_full_name", "notes")
                or fields.text(contact, "external_contact.corp_name", "notes"),
                "职位": fields.text(contact, "external_contact.position", "notes"),
                "跟进员工账号": fields.text(follow, f"{label}.userid", "inviter_staff"),
                "备注企业名称": fields.text(follow, f"{label}.remark_corp_name", "notes"),
            }
            if fields.problem:
                yield number, {}, {}, 0, fields.problem
                continue
            values = {k: v for k, v in values.items() if v is not None and v != ""}
            custom = {k: v for k, v in custom.items() if v}
            yield number, values, custom, len(values) + len(custom), None

    return Section(
        sheet=msg("客户列表"),  # not a worksheet: named for the preview
        kind=CUSTOMERS,
        header_row=None,
        mapping=None,
        group=None,
        platform="wecom",
        complete=False,
        export_time=None,
        unix_times=True,
        records=records(),
        fraction=lambda: 1.0,
        mapped_columns=0,
    )


def _take(cells, width: int, columns, into: dict) -> int:
    """The filled cells of `columns` ((index, key) pairs) into `into`; how many there were."""
    taken = 0
    for index, key in columns:
        if index < width:
            cell = cells[index]
            if cell != "" and cell is not None:
                into[key] = cell
                taken += 1
    return taken
