"""The chat fixtures, truth.json, and the formats the samples folder has no file for, rendered
here from the same event streams as each tool writes them (README in samples/): chatlog JSON and
CSV of group 1 from the WeChatMsg CSV, PyWxDump JSON and WeFlow JSON of group 2 from the PyWxDump
CSV, the Mac copy from the Windows copy."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from core.chat import model as m

SAMPLES = Path(__file__).resolve().parent / "samples"
WECHATMSG = SAMPLES / "wechatmsg_v2.0.5/data/聊天记录/样例烘焙福利1群/样例烘焙福利1群_utf8.csv"
PYWXDUMP_DIR = SAMPLES / "pywxdump_v3.1.45/export/wxid_sample0000/csv/45890067890@chatroom"
PYWXDUMP = PYWXDUMP_DIR / "45890067890@chatroom_0_141.csv"
COPY_WINDOWS = SAMPLES / "wechat_copy_windows.txt"
WECOM = SAMPLES / "wecom_msgaudit/chatdata.jsonl"
ME = "wxid_sample0000"
GROUP1 = "45890012345@chatroom"
GROUP2 = "45890067890@chatroom"


def truth() -> dict:
    return json.loads((SAMPLES / "truth.json").read_text(encoding="utf-8"))


def events(found) -> list:
    return [event for export in found.chats for event in export.events()]


def messages(stream) -> list[m.Message]:
    return [event for event in stream if isinstance(event, m.Message)]


def per_sender(stream) -> dict[str, int]:
    return dict(Counter(message.sender.wxid for message in messages(stream)))


def by_kind(stream) -> dict[str, int]:
    return dict(Counter(message.kind for message in messages(stream)))


def moment(event) -> str:
    return event.time.strftime("%Y-%m-%d %H:%M:%S")


def name_of(person: m.Person | None, people: dict) -> str | None:
    """The nickname truth.json gives this person (by wxid when the export has it)."""
    if person is None:
        return None
    if person.wxid in people:
        return people[person.wxid]["nickname"]
    if person.is_self:
        return people[ME]["nickname"]
    return person.nickname


# ------------------------------------------------------------------------------ chatlog


def _people() -> dict:
    return truth()["people"]


def _g1_name(person: dict) -> str:
    return person["group_nicknames"].get("g1") or person["remark"] or person["nickname"]


def _with_ids(text: str, by_nickname: dict[str, str]) -> str:
    def one(name: str) -> str:
        name = name.strip()
        return f"{name}({by_nickname[name]})" if name in by_nickname else name

    return re.sub(
        r'"([^"]+)"', lambda found: '"' + "、".join(map(one, found[1].split("、"))) + '"', text
    )


def chatlog_items() -> list[dict]:
    """Group 1 as chatlog v0.0.28 renders it (message.go, mediamessage.go)."""
    people = _people()
    by_nickname = {p["nickname"]: wxid for wxid, p in people.items() if wxid < "wxid_sample0200"}
    items, seen = [], Counter()
    with WECHATMSG.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            created = int(row["CreateTime"])
            seen[created] += 1
            type_, sub = int(row["Type"]), int(row["SubType"])
            mine = row["IsSender"] == "1"
            item = {
                "seq": created * 1000 + seen[created],
                "time": datetime.fromtimestamp(created, m.SHANGHAI).isoformat(),
                "talker": GROUP1,
                "talkerName": "样例烘焙福利1群",
                "isChatRoom": True,
                "sender": row["Sender"],
                "senderName": ""
                if mine
                else _g1_name(people[row["Sender"]])
                if row["Sender"]
                else "",
                "isSelf": mine,
                "type": type_,
                "subType": sub,
                "content": row["StrContent"] if type_ == 1 else "",
            }
            if type_ == 10000:
                text = row["StrContent"]
                item.update(sender="系统消息", senderName="", isSelf=False, subType=0)
                if sub == 4:  # 拍一拍 is an appmsg 62 in 4.x, sent by the patter
                    patter, target = re.match(r'"(.+?)" 拍了拍 ?(?:"(.+?)"|我)', text).groups()
                    target_id = by_nickname[target] if target else ME
                    item.update(
                        type=49,
                        subType=62,
                        sender=by_nickname[patter],
                        content=f'"${{{by_nickname[patter]}}}" 拍了拍 "${{{target_id}}}"',
                    )
                elif "revokemsg" in text:
                    item["content"] = (
                        "你撤回了一条消息" if mine else re.sub(r"</?revokemsg>", "", text)
                    )
                elif "HongbaoIcon" in text:
                    item["content"] = ""  # chatlog reads the <img/> as the XML root: ""
                else:
                    content = _with_ids(text, by_nickname)
                    item["content"] = (
                        content + "  撤销" if content.startswith("你邀请") else content
                    )
            elif type_ == 49 and sub == 5:
                item["contents"] = {
                    "title": "链接",
                    "desc": "",
                    "url": "https://mp.weixin.qq.com/s/x",
                }
            items.append(item)
    return items


def write_chatlog_json(path: Path) -> Path:
    text = json.dumps(chatlog_items(), ensure_ascii=False, separators=(",", ":"))
    # Go's encoding/json escapes these three
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    path.write_text(text + "\n", encoding="utf-8")
    return path


def write_chatlog_csv(path: Path) -> Path:
    rendering = {
        3: "![图片](http://127.0.0.1:5030/image/abc)",
        34: "[语音](http://127.0.0.1:5030/voice/123)",
        43: "![视频](http://127.0.0.1:5030/video/abc)",
        47: "![动画表情](http://wxapp.tc.qq.com/262/20304/stodownload?m=abc)",
    }
    app = {5: "[链接|标题](https://mp.weixin.qq.com/s/x)", 6: "[文件|菜单.pdf](http://h/file/x)",
           53: "[分享]", 57: "> [引用]\n好的", 2001: "[红包]"}  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Time", "SenderName", "Sender", "TalkerName", "Talker", "Content"])
        for item in chatlog_items():
            time = datetime.fromisoformat(item["time"]).strftime("%Y-%m-%d %H:%M:%S")
            type_, sub = item["type"], item["subType"]
            if type_ == 49:
                content = item["content"] if sub == 62 else app[sub]
            else:
                content = rendering.get(type_, item["content"])
            writer.writerow(
                [time, item["senderName"], item["sender"], item["talkerName"], GROUP1, content]
            )
    return path


# ------------------------------------------------------------------------------ PyWxDump, WeFlow


def pywxdump_rows() -> list[dict]:
    with PYWXDUMP.open(encoding="utf-8", newline="") as handle:
        return [dict(row, extra=None) for row in csv.DictReader(handle)]


def write_pywxdump_json(folder: Path) -> Path:
    """export/<me>/json/<chat id>/<chat id>_0_141.json with its users.json."""
    target = folder / "export" / ME / "json" / GROUP2
    target.mkdir(parents=True)
    rows = pywxdump_rows()
    for row in rows:
        row["id"] = int(row["id"])
        row["is_sender"] = int(row["is_sender"])
    path = target / PYWXDUMP.with_suffix(".json").name
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=4), encoding="utf-8")
    (target / "users.json").write_bytes((PYWXDUMP_DIR / "users.json").read_bytes())
    return path


_WEFLOW_TYPES = {
    "文本": (1, "文本消息"),
    "图片": (3, "图片消息"),
    "语音": (34, "语音消息"),
    "动画表情": (47, "动画表情"),
    "(分享)卡片式链接": (49, "链接消息"),
    "接龙": (49, "其他消息"),
    "引用回复": (244813135921, "引用消息"),
    "未知": (8594229559345, "其他消息"),  # the red packet PyWxDump cannot name
    "拍一拍": (266287972401, "系统消息"),
}


def write_weflow_json(path: Path) -> Path:
    """Group 2 as WeFlow's JsonFormatter writes it; the joins as WeFlow leaves 4.x templates
    it cannot fill (`"$username$"邀请"$names$"加入了群聊`) for one of them."""
    users = json.loads((PYWXDUMP_DIR / "users.json").read_text(encoding="utf-8"))
    messages = []
    for index, row in enumerate(pywxdump_rows(), start=1):
        created = datetime.strptime(row["CreateTime"], "%Y-%m-%d %H:%M:%S")
        created = int(created.replace(tzinfo=m.SHANGHAI).timestamp())
        local_type, type_name = _WEFLOW_TYPES.get(row["type_name"], (10000, "系统消息"))
        content = row["msg"]
        if row["type_name"] == "接龙":
            content = "[接龙] #接龙 周六团购"
        elif row["type_name"] == "未知":
            content = "恭喜发财，大吉大利"
        elif row["type_name"] == "引用回复":
            content = content.split("\n\n[引用]")[0]
        elif local_type == 10000:
            content = re.sub(
                r"</?revokemsg>|<img[^>]*>|</?_wc_custom_link_[^>]*>", "", content
            ).strip()
        user = users.get(row["talker"], {})
        message = {
            "localId": index,
            "createTime": created,
            "formattedTime": row["CreateTime"],
            "type": type_name,
            "localType": local_type,
            "content": content,
            "isSend": int(row["is_sender"]),
            "senderUsername": row["talker"] if row["talker"] != "系统" else "",
            "senderDisplayName": user.get("remark") or user.get("nickname") or row["talker"],
            "source": "",
            "senderAvatarKey": row["talker"],
        }
        if row["type_name"] == "引用回复":
            message["quotedSender"] = re.search(r"\[引用\]\([^)]*\)([^:]*):", row["msg"])[1]
        messages.append(message)
    export = {
        "weflow": {"version": "1.0.3", "exportedAt": 1743350400, "generator": "WeFlow"},
        "session": {
            "wxid": GROUP2,
            "nickname": "样例烘焙福利2群",
            "remark": "",
            "displayName": "样例烘焙福利2群",
            "type": "群聊",
            "lastTimestamp": messages[-1]["createTime"],
            "messageCount": len(messages),
        },
        "messages": messages,
    }
    path.write_text(json.dumps(export, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def write_copy_mac(path: Path) -> Path:
    """The Windows copy's messages with Mac's `name 2025/3/20 07:16` lines (LF line ends)."""
    blocks = COPY_WINDOWS.read_text(encoding="utf-8").replace("\r\n", "\n").strip().split("\n\n")
    start = datetime(2025, 3, 20, 7, 16)
    out = []
    for index, block in enumerate(blocks):
        name, _, body = block.partition(":\n")
        when = start + timedelta(hours=3 * index)
        out.append(f"{name} {when.year}/{when.month}/{when.day} {when:%H:%M}\n{body}\n")
    path.write_text("\n".join(out), encoding="utf-8")
    return path
