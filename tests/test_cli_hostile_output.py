"""Every subcommand of main.py, on data full of emoji and terminal escapes, on a GBK console.

Each command runs as a real process three ways at once: text under PYTHONIOENCODING=gbk (the
output of a Chinese Windows console redirected or piped), --json under gbk, and text under
UTF-8. None may crash; no control character from the data may reach the terminal as itself;
JSON must parse and give the stored text back exactly; a failure is one line on stderr.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select

from core.campaigns.records import CampaignFields, create_campaign, set_status
from core.common.backup import copy_sqlite
from core.common.database import open_database
from core.demo.generate import generate_demo
from core.ledger.catalogue import RewardSpec, save_reward
from core.ledger.entries import award
from core.members.editing import refresh_search_keys
from core.posters.store import export_template_file
from core.referrals.invite_codes import derive_invite_code, invite_key
from core.reports.presets import Preset, save_preset
from db.ledger_models import LedgerReward
from db.models import Community, Member, Membership
from tests.hostile_text import HOSTILE, unsafe_characters
from tests.main_process import ROOT

H = HOSTILE
COMMUNITY = f"花友群🌸{H['colour that never resets']}{H['right-to-left override']}"
NICKNAMES = {
    1: f"花花🌸{H['clear screen']}{H['OSC title ended by BEL']}",
    2: f"阿花{H['right-to-left override']}{H['zero-width space, non-joiner, BOM, word joiner']}",
    3: f"花{H['C1 CSI']}{H['C1 OSC ended by C1 ST']}{H['C1 NEL and DCS']}",
    4: f"花{H['backspaces and DEL']}{H['carriage return overwrite']}{H['bell and other C0']}",
    5: f"花{H['emoji family joined by ZWJ']}{H['line separator']}{H['stray zero-width joiner']}",
    6: f"花{H['soft hyphen and tag characters']}{H['bidi isolates']}{H['astral CJK']}",
}
REMARK = f"备注{H['OSC 8 hyperlink ended by ST']}{H['emoji outside GBK']}"
REWARD = f"帆布袋🎁{H['OSC title ended by BEL']}"
# The ledger is append-only, so its seeded text is one a spreadsheet can hold (no C0); the
# award command adds a reason with C0 controls.
REASON = f"活动奖励🎉{H['C1 CSI']}{H['right-to-left override']}"
AWARD_REASON = f"补发🎉{H['clear screen']}{H['OSC title ended by BEL']}"
CAMPAIGN = f"春季裂变🌸{H['clear screen']}{H['right-to-left override']}"
# The acting-together types: their prizes, items and categories are data too.
HELP_CAMPAIGN = f"助力{H['OSC title ended by BEL']}🌸"
LOTTERY_CAMPAIGN = f"抽奖{H['C1 CSI']}🎉"
PRIZE = f"红包🧧{H['clear screen']}{H['right-to-left override']}"
SWAP_CAMPAIGN = f"换物{H['colour that never resets']}"
SWAP_ITEM = f"三体{H['OSC 8 hyperlink ended by ST']}🌸"
COUPON_CAMPAIGN = f"领券{H['backspaces and DEL']}"
# The content calendar: an item's title and body, an SOP template's name.
CALENDAR_ITEM = f"早安🌞{H['clear screen']}{H['right-to-left override']}"
CALENDAR_BODY = f"今天也加油{H['OSC title ended by BEL']}{H['C1 CSI']}"
SOP_NAME = f"每日打卡{H['colour that never resets']}🌸"
# Report presets: their names are refused with controls in them, but not their communities.
PRESET = "老板周报🌸"
PRESET_ALL = "全部群📊"
# File names are data too: an export or import names its file in the summary.
FILE_TAG = f"{H['clear screen']}🌸"


@dataclass
class Seed:
    db: Path
    empty_db: Path
    printable_db: Path  # the same without C0 controls, which a spreadsheet cannot hold
    members_csv: Path
    jielong: Path
    activity_csv: Path
    template_zip: Path
    first: int  # the member called NICKNAMES[1]
    second: int  # the member called NICKNAMES[2]
    code: str  # the first member's invite code
    chat_csv: Path | None = None  # a chat export (WeChatMsg CSV) whose people are hostile
    calendar_item: int = 0  # a content item due today in COMMUNITY
    calendar_pending: int = 0  # one waiting for review (in 2099)
    calendar_sent: int = 0  # a sent evergreen one
    calendar_csv: Path | None = None  # a content plan to import


@pytest.fixture(scope="module")
def seed(tmp_path_factory) -> Seed:
    folder = tmp_path_factory.mktemp("hostile-seed")
    db_file = folder / "hostile.db"
    database = open_database(f"sqlite:///{db_file}", daily_backup=False)
    try:
        with database.engine.begin() as connection:
            generate_demo(connection, 40, seed=7)
        with database.session() as session:
            community = session.scalars(select(Community).order_by(Community.id)).first()
            community.name = COMMUNITY
            in_it = session.scalars(
                select(Membership.member_id)
                .where(Membership.community_id == community.id, Membership.left_at.is_(None))
                .order_by(Membership.member_id)
                .limit(len(NICKNAMES))
            ).all()
            for member_id, nickname in zip(in_it, NICKNAMES.values(), strict=False):
                member = session.get(Member, member_id)
                member.nickname, member.remark = nickname, REMARK
                refresh_search_keys(session, member)
            first = in_it[0]
            save_reward(session, RewardSpec(REWARD, 10))
            award(session, first, 500, reason=REASON, operator=f"小王{H['C1 CSI']}")
            export_template_file(session, "invite", folder / "template.zip")
            campaign = create_campaign(
                session, CampaignFields(CAMPAIGN, community_ids=[community.id])
            )
            set_status(session, str(campaign.id), "running")
            _seed_type_campaigns(session, community.id, in_it)
            code = derive_invite_code(first, invite_key(session))
            calendar_item, calendar_pending, calendar_sent = _seed_calendar(session, community.id)
            save_preset(session, Preset(PRESET, ("概览", "社群健康"), "days:30", COMMUNITY))
            save_preset(session, Preset(PRESET_ALL, ("概览", "留存"), "custom"))
        with database.session() as session:
            names = [m.nickname for m in session.scalars(select(Member).order_by(Member.id))]
    finally:
        database.close()
    empty = folder / "empty.db"
    open_database(f"sqlite:///{empty}", daily_backup=False).close()

    members_csv = folder / f"名单{FILE_TAG}.csv"
    with members_csv.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["昵称", "手机号", "备注"])
        # Enough ordinary rows that the reader takes the file as text, not binary garbage.
        writer.writerows([f"普通成员{i}", f"1390000{i:04d}", "正常"] for i in range(300))
        writer.writerows([nickname, f"1370000{i:04d}", REMARK] for i, nickname in NICKNAMES.items())
        writer.writerow([f"坏行{H['OSC title ended by BEL']}", "12", "手机号不对"])
    # The paste and table readers refuse text that is mostly control characters (binary
    # garbage): the hostile names travel among enough ordinary lines to be read.
    jielong = folder / f"接龙{FILE_TAG}.txt"
    jielong.write_text(
        "#接龙\n3月5日 早起打卡\n\n"
        + "".join(f"{i}. {name} 已打卡\n" for i, name in enumerate(names, 1))
        + "".join(f"{len(names) + i}. 路人{i} 已打卡\n" for i in range(1, 80))
        + f"{len(names) + 80}. 不认识的人{H['OSC title ended by BEL']}{H['right-to-left override']}"
        " 已打卡\n",
        encoding="utf-8",
    )
    activity_csv = folder / f"行为{FILE_TAG}.csv"
    with activity_csv.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["昵称", "行为", "日期", "次数", "说明"])  # the community: --community
        note = "这一行是普通的打卡记录，来自群里的每日接龙统计表，" * 3
        writer.writerows(
            [name, "打卡", f"2026-03-{day:02d}", 1, note]
            for name in reversed(names)  # the reader samples the head: ordinary names first
            for day in range(1, 4)
        )
        writer.writerow([f"陌生人{H['clear screen']}", "打卡", "2026-03-05", 1, note])
    chat_csv = folder / f"群聊{FILE_TAG}_utf8.csv"
    _write_chat_csv(chat_csv)
    calendar_csv = folder / f"内容计划{FILE_TAG}.csv"
    with calendar_csv.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["标题", "计划时间", "社群", "正文"])
        writer.writerow([CALENDAR_ITEM, "2099-02-01 08:00", COMMUNITY, CALENDAR_BODY])
        writer.writerow(["=cmd|' /c calc'!A1", "2099-02-02 08:00", COMMUNITY, "周二"])
    # Spreadsheets cannot hold C0 controls at all (openpyxl refuses them), so the export
    # commands run on a copy whose stored text keeps every other hostile character.
    printable = folder / "printable.db"
    copy_sqlite(db_file, printable)
    _strip_c0(printable)
    return Seed(
        db_file,
        empty,
        printable,
        members_csv,
        jielong,
        activity_csv,
        folder / "template.zip",
        first,
        in_it[1],
        code,
        chat_csv,
        calendar_item,
        calendar_pending,
        calendar_sent,
        calendar_csv,
    )


def _seed_calendar(session, community_id: int) -> tuple[int, int, int]:
    from datetime import datetime, timedelta

    from core.calendar.items import create_item
    from core.calendar.settings import APPROVAL_SETTING
    from core.calendar.sop import create_template
    from core.calendar.status import schedule
    from core.calendar.today import mark_sent
    from core.common.settings_store import set_setting

    # Due earlier today (or, just after midnight, overdue since yesterday): shown by `today`.
    item = create_item(
        session,
        CALENDAR_ITEM,
        planned_at=datetime.now() - timedelta(minutes=1),
        body=CALENDAR_BODY,
        community_ids=[community_id],
    )
    schedule(session, item.id)
    create_template(
        session,
        SOP_NAME,
        rule="FREQ=DAILY",
        starts_at=datetime(2026, 1, 1, 21),
        title=CALENDAR_ITEM,
        community_ids=[community_id],
    )
    pending = create_item(
        session, CALENDAR_ITEM, planned_at=datetime(2099, 1, 2, 9), body=CALENDAR_BODY,
        community_ids=[community_id],
    )  # fmt: skip
    set_setting(session, APPROVAL_SETTING, True)
    schedule(session, pending.id)
    set_setting(session, APPROVAL_SETTING, False)
    sent = create_item(
        session, CALENDAR_ITEM, planned_at=datetime(2026, 1, 5, 20), body=CALENDAR_BODY,
        community_ids=[community_id], evergreen=True,
    )  # fmt: skip
    schedule(session, sent.id)
    mark_sent(session, sent.id, now=datetime(2026, 1, 5, 20, 3))
    return item.id, pending.id, sent.id


def _seed_type_campaigns(session, community_id: int, members: list[int]) -> None:
    from core.campaigns.swap_recording import record_offer, record_want

    for name, kind, settings in (
        (HELP_CAMPAIGN, "help", {"gift": {"points": 5}}),
        (LOTTERY_CAMPAIGN, "lottery", {"entries": [{"name": PRIZE, "gift": {"points": 1}}]}),
        (SWAP_CAMPAIGN, "swap", {}),
        (COUPON_CAMPAIGN, "coupon", {}),
    ):
        campaign = create_campaign(
            session,
            CampaignFields(name, kind=kind, community_ids=[community_id], settings=settings),
        )
        set_status(session, str(campaign.id), "running")
    record_offer(session, SWAP_CAMPAIGN, members[0], f"书{H['C1 CSI']}", SWAP_ITEM)
    record_want(session, SWAP_CAMPAIGN, members[1], f"书{H['C1 CSI']}")


def _write_chat_csv(path: Path) -> None:
    """A WeChatMsg (留痕) CSV: ordinary messages, then the hostile names speaking and joining."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "localId",
                "TalkerId",
                "Type",
                "SubType",
                "IsSender",
                "CreateTime",
                "Status",
                "StrContent",
                "StrTime",
                "Remark",
                "NickName",
                "Sender",
            ]
        )
        start = 1_740_790_000
        rows = [
            (i, 3, 1, 0, 0, start + i * 60, 2, "今天的面包真好吃", "", f"群友{i % 30}",
             f"群友{i % 30}", f"wxid_plain{i % 30:04d}")
            for i in range(1, 300)
        ]  # fmt: skip
        for number, (key, nickname) in enumerate(NICKNAMES.items(), 300):
            rows.append(
                (number, 3, 1, 0, 0, start + number * 60, 2, f"你好{H['clear screen']}", "",
                 nickname, nickname, f"wxid_hostile{key}")
            )  # fmt: skip
        rows.append(
            (400, 3, 10000, 0, 0, start + 400 * 60, 2,
             f'"{NICKNAMES[1]}"邀请"{NICKNAMES[2]}、新人{H["OSC title ended by BEL"]}"加入了群聊',
             "", "", "", "")
        )  # fmt: skip
        writer.writerows(rows)


def _strip_c0(db_file: Path) -> None:
    c0 = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
    database = open_database(f"sqlite:///{db_file}", daily_backup=False)
    try:
        with database.session() as session:
            for model, columns in (
                (Member, ("nickname", "remark")),
                (Community, ("name",)),
                (LedgerReward, ("name",)),
            ):
                for row in session.scalars(select(model)):
                    for column in columns:
                        setattr(row, column, c0.sub("", getattr(row, column)))
    finally:
        database.close()


@dataclass
class Case:
    argv: list[str]
    code: int = 0
    empty: bool = False  # run on an empty database (demo refuses a filled one)
    spreadsheet: bool = False  # writes an .xlsx: run on the copy without C0 controls
    # Substrings a GBK console must still show (Chinese survives, emoji becomes "?").
    shows: list[str] = field(default_factory=list)
    # What --json must give back exactly: a function of the parsed object, and the value.
    check_json: object = None


def _nicknames(data) -> set[str]:
    return {m["nickname"] for m in data["members"]}


CASES = {
    "demo": Case(["demo", "--members", "15"], empty=True, shows=["已生成"]),
    "communities list": Case(
        ["communities", "list", "--archived"],
        shows=["花友群"],
        check_json=lambda d: COMMUNITY in [c["name"] for c in d["communities"]],
    ),
    "qr status": Case(["qr", "status"]),
    "import": Case(
        ["import", "{members_csv}", "--community", COMMUNITY],
        shows=["已导入", "名单"],
        check_json=lambda d: d["added"] >= 300 and d["rejected"] >= 1,
    ),
    "members search": Case(
        ["members", "search", "花"],
        shows=["花花", "备注"],
        check_json=lambda d: (
            set(NICKNAMES.values()) <= _nicknames(d)
            and REMARK in {m["remark"] for m in d["members"]}
        ),
    ),
    "export members": Case(
        ["export", "members", "--out", "{out}/成员{tag}.xlsx"], spreadsheet=True, shows=["已导出"]
    ),
    "ledger award": Case(
        ["ledger", "award", "--member", "{first}", "--points", "5", "--reason", AWARD_REASON],
        shows=["发放 5 积分"],
    ),
    "ledger redeem": Case(
        ["ledger", "redeem", "--member", "{first}", "--reward", REWARD],
        shows=["兑换成功"],
    ),
    "ledger statement": Case(
        ["ledger", "statement", "--member", "{first}"],
        shows=["花花", "活动奖励"],
        check_json=lambda d: (
            d["nickname"] == NICKNAMES[1] and REASON in [line["reason"] for line in d["lines"]]
        ),
    ),
    "ledger expire": Case(["ledger", "expire"], shows=["过期"]),
    "ledger verify": Case(["ledger", "verify"], shows=["无误"]),
    "ledger liability": Case(["ledger", "liability"], shows=["未使用积分"]),
    "ledger export": Case(
        ["ledger", "export", "--out", "{out}/积分{tag}.xlsx"], spreadsheet=True, shows=["已导出"]
    ),
    "activity paste": Case(
        ["activity", "paste", "{jielong}", "--community", COMMUNITY],
        shows=["群里没有找到", "不认识的人"],
        check_json=lambda d: any(u["name"].startswith("不认识的人") for u in d["unmatched"]),
    ),
    "activity import": Case(
        ["activity", "import", "{activity_csv}", "--community", COMMUNITY], shows=["已导入"]
    ),
    "tiers recompute": Case(["tiers", "recompute"], shows=["已计算"]),
    "tiers explain": Case(
        ["tiers", "explain", "{first}"],
        shows=["花友群"],
        check_json=lambda d: COMMUNITY in [c["community"] for c in d["communities"]],
    ),
    "segments list": Case(["segments", "list"], shows=["RFM"]),
    "segments export": Case(
        ["segments", "export", "新人活跃", "--out", "{out}/分群{tag}.xlsx"],
        spreadsheet=True,
        shows=["已导出"],
    ),
    "posters templates": Case(["posters", "templates"], shows=["邀请好友裂变"]),
    "posters render": Case(
        [
            "posters",
            "render",
            "--template",
            "welcome",
            "--community",
            COMMUNITY,
            "--out",
            "{out}/海报{tag}",
            "--jobs",
            "1",
            "--activity",
            REASON,
        ],
        shows=["张海报"],
        check_json=lambda d: set(NICKNAMES.values()) & {f["nickname"] for f in d["files"]},
    ),
    "posters check-copy": Case(
        ["posters", "check-copy", f"转发朋友圈{H['clear screen']}集赞{H['C1 CSI']}🌸"],
        shows=["风险用语"],
    ),
    "posters import": Case(
        ["posters", "import", "{template_zip}", "--name", f"模板{H['OSC title ended by BEL']}🌸"],
        shows=["已导入模板"],
        check_json=lambda d: d["name"] == f"模板{H['OSC title ended by BEL']}🌸",
    ),
    "posters export": Case(
        ["posters", "export", "invite", "--out", "{out}/模板{tag}.zip"], shows=["已导出模板"]
    ),
    "campaigns list": Case(
        ["campaigns", "list"],
        shows=["春季裂变", "进行中"],
        check_json=lambda d: CAMPAIGN in [c["name"] for c in d["campaigns"]],
    ),
    "campaigns show": Case(
        ["campaigns", "show", CAMPAIGN],
        shows=["春季裂变", "花友群"],
        check_json=lambda d: d["name"] == CAMPAIGN and d["communities"] == [COMMUNITY],
    ),
    "campaigns create": Case(
        ["campaigns", "create", f"秋季{H['OSC title ended by BEL']}🍂", "--community", COMMUNITY],
        shows=["已新建活动", "秋季"],
        check_json=lambda d: d["name"] == f"秋季{H['OSC title ended by BEL']}🍂",
    ),
    "campaigns set-status": Case(["campaigns", "set-status", CAMPAIGN, "暂停"], shows=["暂停"]),
    "campaigns record": Case(
        ["campaigns", "record", CAMPAIGN, "--code", "{code}", "--invitee", "{second}"],
        shows=["已记录", "花花"],
        check_json=lambda d: d["inviter"] == NICKNAMES[1] and d["campaign_name"] == CAMPAIGN,
    ),
    "campaigns report": Case(
        ["campaigns", "report", CAMPAIGN],
        shows=["春季裂变"],
        check_json=lambda d: d["name"] == CAMPAIGN,
    ),
    "campaigns forecast": Case(
        ["campaigns", "forecast", CAMPAIGN, "--days", "3", "--k", "0.5", "--cycle-hours", "24"],
        shows=["春季裂变", "预测"],
        check_json=lambda d: len(d["days"]) == 3,
    ),
    "campaigns codes": Case(
        ["campaigns", "codes", CAMPAIGN, "--out", "{out}/邀请码{tag}.xlsx"],
        spreadsheet=True,
        shows=["已导出", "邀请码"],
    ),
    # The seeded campaign has no reward set: settling and reviewing refuse in one line.
    "campaigns settle": Case(["campaigns", "settle", CAMPAIGN], code=1, shows=["错误："]),
    "campaigns review": Case(["campaigns", "review", CAMPAIGN], code=1, shows=["错误："]),
    "campaigns import": Case(
        ["campaigns", "import", CAMPAIGN, f"{{out}}/明细{FILE_TAG}.xlsx"],
        code=1,
        shows=["错误：", "明细"],
    ),
    "campaigns purchase": Case(
        ["campaigns", "purchase", CAMPAIGN, "--member", "{first}", "--amount", "12.50"],
        shows=["春季裂变", "消费 12.50 元"],
        check_json=lambda d: d["campaign"] == CAMPAIGN and d["amount_cents"] == 1250,
    ),
    "campaigns help": Case(
        ["campaigns", "help", HELP_CAMPAIGN, "--helper", "{second}", "--for", "{first}"],
        shows=["助力", "1/3 人"],
        check_json=lambda d: d["campaign_name"] == HELP_CAMPAIGN and d["counted"] == 1,
    ),
    # a campaign of another type refuses, naming it
    "campaigns team": Case(
        ["campaigns", "team", CAMPAIGN, "--member", "{first}"],
        code=1,
        shows=["错误：", "春季裂变", "拼团"],
    ),
    "campaigns draw": Case(
        ["campaigns", "draw", LOTTERY_CAMPAIGN, "--member", "{first}"],
        shows=["抽中", "红包"],
        check_json=lambda d: d["won"] == PRIZE,
    ),
    "campaigns coupons": Case(
        ["campaigns", "coupons", COUPON_CAMPAIGN, "--generate", "3"],
        shows=["领券", "券码池共 3 个"],
        check_json=lambda d: d["campaign_name"] == COUPON_CAMPAIGN and d["added"] == 3,
    ),
    "campaigns redeem": Case(
        ["campaigns", "redeem", COUPON_CAMPAIGN, f"券{H['clear screen']}"],
        code=1,
        shows=["错误：", "控制字符"],
    ),
    "campaigns swap": Case(
        ["campaigns", "swap", SWAP_CAMPAIGN],
        shows=["可配对 1 对", "三体"],
        check_json=lambda d: [m["item"] for m in d["matches"]] == [SWAP_ITEM],
    ),
    "chat import": Case(
        ["chat", "import", "{chat_csv}", "--community", COMMUNITY],
        shows=["已导入", "花友群", "邀请"],
        check_json=lambda d: (
            {"inviter": NICKNAMES[1], "invitee": NICKNAMES[2]}.items()
            <= d["chats"][0]["edges"][0].items()
            and f"新人{H['OSC title ended by BEL']}"
            in [n["name"] for n in d["chats"][0]["new_members"]]
        ),
    ),
    # 素材库: a title and tags typed by the operator are data too (a dry run writes no file).
    "calendar materials add": Case(
        [
            "calendar",
            "materials",
            "add",
            "README.md",
            "--title",
            f"活动规则{H['clear screen']}🌸",
            "--tag",
            f"规则{H['bell and other C0']}",
            "--dry-run",
        ],
        shows=["试运行", "已加入素材库", "活动规则"],
        check_json=lambda d: d["created"] and d["dry_run"] and d["kind"] == "file",
    ),
    "calendar materials list": Case(
        ["calendar", "materials", "list", "--search", f"规则{H['clear screen']}"],
        shows=["共 0 个素材"],
        check_json=lambda d: d["materials"] == [],
    ),
    "calendar materials delete": Case(
        ["calendar", "materials", "delete", "999999", "--dry-run"],
        code=1,
        shows=["错误："],
    ),
    "calendar holidays list": Case(
        ["calendar", "holidays", "list", "--year", "2026"],
        shows=["春节", "调休上班"],
        check_json=lambda d: d["status"] == "library" and len(d["workdays"]) == 6,
    ),
    "calendar holidays import-notice": Case(
        ["calendar", "holidays", "import-notice", "tests/core/calendar/notices/made-up-2027.txt"],
        shows=["已导入 2027 年"],
        check_json=lambda d: d["year"] == 2027 and d["saved"],
    ),
    # a notice file that is not there: the refusal names it, escapes and all
    "calendar notice missing": Case(
        ["calendar", "holidays", "import-notice", "{out}/通知{tag}.txt"],
        code=1,
        shows=["错误：", "通知"],
    ),
    "referrals resolve": Case(
        ["referrals", "resolve", "{code}"],
        shows=["花花"],
        check_json=lambda d: d["nickname"] == NICKNAMES[1],
    ),
    "unknown invite code": Case(
        ["referrals", "resolve", f"AB{H['clear screen']}🌸"], code=1, shows=["错误：", "字母和数字"]
    ),
    "calendar list": Case(
        ["calendar", "list", "--from", "2026-01-01", "--to", "2099-12-31"],
        shows=["早安", "花友群"],
        check_json=lambda d: CALENDAR_ITEM in [i["title"] for i in d["items"]],
    ),
    "calendar today": Case(
        ["calendar", "today", "--community", COMMUNITY],
        shows=["花友群", "早安"],
        # (the demo's own content may be due today too)
        check_json=lambda d: (
            [i["body"] for c in d["communities"] for i in c["items"] if i["title"] == CALENDAR_ITEM]
            == [CALENDAR_BODY]
        ),
    ),
    "calendar add": Case(
        [
            "calendar",
            "add",
            CALENDAR_ITEM,
            "--at",
            "2099-01-01 08:00",
            "--community",
            COMMUNITY,
            "--body",
            CALENDAR_BODY,
        ],
        shows=["已新建内容", "早安"],
        check_json=lambda d: d["title"] == CALENDAR_ITEM and d["communities"] == [COMMUNITY],
    ),
    "calendar sop list": Case(
        ["calendar", "sop", "list"],
        shows=["每日打卡", "新客欢迎"],
        check_json=lambda d: SOP_NAME in [t["name"] for t in d["templates"]],
    ),
    "calendar sop apply": Case(
        ["calendar", "sop", "apply", SOP_NAME, "--weeks", "1"],
        shows=["每日打卡", "新生成"],
        check_json=lambda d: d["template"] == SOP_NAME and d["added"] >= 7,
    ),
    "calendar mark-sent": Case(
        ["calendar", "mark-sent", "{item}"],
        shows=["已标记发送", "早安"],
        check_json=lambda d: d["title"] == CALENDAR_ITEM and d["status"] == "sent",
    ),
    "calendar export": Case(
        ["calendar", "export", "--ics", "{out}/日历{tag}.ics", "--community", COMMUNITY],
        shows=["已导出", "日历"],
        check_json=lambda d: d["format"] == "ics" and d["items"] >= 3,
    ),
    "calendar export csv": Case(
        ["calendar", "export", "--csv", "{out}/内容{tag}.csv", "--from", "2026-01-01"],
        shows=["已导出", "内容"],
        check_json=lambda d: d["format"] == "csv" and d["file"] == f"内容{FILE_TAG}.csv",
    ),
    "calendar import": Case(
        ["calendar", "import", "{calendar_csv}"],
        shows=["内容计划", "新增 2 条"],
        check_json=lambda d: d["added"] == 2 and d["file"] == f"内容计划{FILE_TAG}.csv",
    ),
    "calendar import missing": Case(
        ["calendar", "import", "{out}/计划{tag}.csv"], code=1, shows=["错误：", "计划"]
    ),
    "calendar approve": Case(
        ["calendar", "approve", "{pending}", "--note", f"可以{H['clear screen']}"],
        shows=["已审核通过", "早安"],
        check_json=lambda d: d["title"] == CALENDAR_ITEM and d["status"] == "scheduled",
    ),
    "calendar reject": Case(
        ["calendar", "reject", "{pending}", "--reason", f"图不清楚{H['OSC title ended by BEL']}"],
        shows=["已驳回", "早安"],
        check_json=lambda d: d["title"] == CALENDAR_ITEM and d["status"] == "draft",
    ),
    "calendar evergreen": Case(
        ["calendar", "evergreen", "{item}"],
        shows=["常青", "早安"],
        check_json=lambda d: d["title"] == CALENDAR_ITEM and d["evergreen"],
    ),
    "calendar recycle": Case(
        ["calendar", "recycle", "{sent}", "--after-days", "7"],
        shows=["再利用", "早安"],
        check_json=lambda d: d["title"] == CALENDAR_ITEM and d["from_id"] > 0,
    ),
    "calendar recycle into an SOP": Case(
        ["calendar", "recycle", "{sent}", "--sop", SOP_NAME],
        shows=["再利用", "每日打卡"],
        check_json=lambda d: d["sop"] == SOP_NAME,
    ),
    "unknown SOP template": Case(
        ["calendar", "sop", "apply", f"无此模板{H['clear screen']}\n🌸"],
        code=1,
        shows=["错误：", "无此模板"],
    ),
    # The boss workbook: community names in its findings and warnings are data too.
    "report": Case(
        ["report", "--from", "2026-01-01", "--to", "2028-12-31", "--out", "{out}/报表{tag}.xlsx"],
        spreadsheet=True,
        shows=["已生成报表", "净增"],
        check_json=lambda d: len(d["sheets"]) == 8 and d["kpis"]["members"]["value"] > 0,
    ),
    "report unknown community": Case(
        [
            "report",
            "--preset",
            "weekly",
            "--community",
            f"无此群{H['clear screen']}\n🌸",
            "--out",
            "{out}/报表{tag}.xlsx",
        ],
        code=1,
        shows=["错误：", "无此群"],
    ),
    "report with a saved preset": Case(
        [
            "report",
            "--preset",
            PRESET_ALL,
            "--from",
            "2026-01-01",
            "--to",
            "2028-12-31",
            "--out",
            "{out}/报表{tag}.xlsx",
        ],
        spreadsheet=True,
        shows=["已生成报表"],
        check_json=lambda d: d["sheets"] == ["概览", "留存"] and d["preset"] == PRESET_ALL,
    ),
    "report presets list": Case(
        ["report", "presets", "list"],
        shows=["周报（内置）", "老板周报", "全部群"],
        check_json=lambda d: [p["community"] for p in d["presets"]][2:] == [None, COMMUNITY],
    ),
    "report presets save": Case(
        [
            "report",
            "presets",
            "save",
            "新预设🌸",
            "--sheets",
            "概览,积分",
            "--community",
            COMMUNITY,
        ],
        shows=["已保存报表预设", "新预设", "花友群"],
        check_json=lambda d: d["community"] == COMMUNITY and d["sheets"] == ["概览", "积分"],
    ),
    "report presets delete": Case(
        ["report", "presets", "delete", PRESET],
        shows=["已删除报表预设", "老板周报"],
        check_json=lambda d: d["name"] == PRESET and d["community"] == COMMUNITY,
    ),
    "report presets hostile name": Case(
        ["report", "presets", "save", f"坏{H['clear screen']}\n🌸", "--sheets", "概览"],
        code=1,
        shows=["错误：", "不能含控制字符"],
    ),
    "unknown report preset": Case(
        ["report", "presets", "delete", f"无此预设{H['OSC title ended by BEL']}🌸"],
        code=1,
        shows=["错误：", "无此预设", "全部群"],
    ),
    # Refusals name the hostile input in their one line.
    "unknown member": Case(
        [
            "ledger",
            "award",
            "--member",
            f"无名{H['clear screen']}\n第二行🌸",
            "--points",
            "5",
            "--reason",
            "x",
        ],
        code=1,
        shows=["错误：", "无名"],
    ),
    "unknown community": Case(
        ["members", "search", "花", "--community", f"无此群{H['OSC title ended by BEL']}\n🌸"],
        code=1,
        shows=["错误：", "无此群"],
    ),
}

VARIANTS = {"gbk text": ("gbk", False), "gbk json": ("gbk", True), "utf-8 text": ("utf-8", False)}


def _parsers(parser: argparse.ArgumentParser, name: str = "main.py"):
    """Every (sub)command parser of main.py, by its command line."""
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child, sub in action.choices.items():
                yield from _parsers(sub, f"{name} {child}")


def test_every_subcommand_has_a_case():
    from main import build_parser

    leaves = {
        name.removeprefix("main.py ")
        for name, parser in _parsers(build_parser())
        if not any(isinstance(a, argparse._SubParsersAction) for a in parser._actions)
    }
    assert leaves <= set(CASES)


def test_every_help_text_shows_whole_on_a_gbk_console():
    """--help prints through the same streams: no crash whatever it holds, and today every
    help text is in GBK, so a Chinese console shows it without a single "?"."""
    from main import build_parser

    for _name, parser in _parsers(build_parser()):
        parser.format_help().encode("gbk")  # raises on a character a GBK console lacks
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "ledger", "--help"],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "gbk"},
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0 and "给成员发放积分" in result.stdout.decode("gbk")


@pytest.mark.parametrize("name", CASES)
def test_every_command_on_hostile_data_and_a_gbk_console(name, seed, tmp_path):
    case = CASES[name]
    running = {}
    for variant, (encoding, as_json) in VARIANTS.items():
        folder = tmp_path / variant.replace(" ", "-")
        (folder / "out").mkdir(parents=True)
        db = folder / "shequn.db"
        source = seed.empty_db if case.empty else seed.db
        copy_sqlite(seed.printable_db if case.spreadsheet else source, db)
        values = {
            "out": str(folder / "out"),
            "tag": FILE_TAG,
            "first": str(seed.first),
            "members_csv": str(seed.members_csv),
            "jielong": str(seed.jielong),
            "activity_csv": str(seed.activity_csv),
            "template_zip": str(seed.template_zip),
            "second": str(seed.second),
            "code": seed.code,
            "chat_csv": str(seed.chat_csv),
            "item": str(seed.calendar_item),
            "pending": str(seed.calendar_pending),
            "sent": str(seed.calendar_sent),
            "calendar_csv": str(seed.calendar_csv),
        }
        argv = [_fill(arg, values) for arg in case.argv]
        argv += ["--db", f"sqlite:///{db}"] + (["--json"] if as_json else [])
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "SHEQUN_DATA_DIR": str(folder / "data"),
            "PYTHONIOENCODING": encoding,
        }
        env.pop("SHEQUN_DB_URL", None)
        running[variant] = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), *argv],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=ROOT,
        )
    for variant, process in running.items():
        encoding, as_json = VARIANTS[variant]
        raw_out, raw_err = process.communicate(timeout=300)
        out, err = raw_out.decode(encoding), raw_err.decode(encoding)  # strict: no mojibake
        where = f"{name}, {variant}: stdout={out!r} stderr={err!r}"
        assert "Traceback" not in err, where
        assert process.returncode == case.code, where
        assert unsafe_characters(out) == [], where
        assert unsafe_characters(err, allow_cr=True) == [], where  # \r: the progress line
        if case.code:
            assert out == "", where
            failures = [line for line in err.splitlines() if line.startswith("错误：")]
            assert len(failures) == 1 and err.rstrip("\n").endswith(failures[0]), where
            for text in case.shows:
                assert text in failures[0], where
        elif as_json:
            data = json.loads(out)
            if case.check_json is not None:
                assert case.check_json(data), where
        else:
            for text in case.shows:
                assert text in out, where


def _fill(arg: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        arg = arg.replace("{" + key + "}", value)
    return arg
