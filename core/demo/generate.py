"""Fill an empty database with realistic zh_CN demo data: communities, members, a year of activity.

Used by `main.py demo --members N`, the first-start prompt in the window, and the benchmarks
(N = 100000 gives about 2.4 million activity events). Everything is written in one transaction:
a cancelled or failed run leaves the database as empty as it was.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from faker import Faker
from sqlalchemy import Connection, bindparam, func, insert, select, update

from core.common.errors import UserError
from core.common.progress import CancelCheck, Cancelled, Progress, never_cancelled, no_progress
from core.common.text import msg
from core.demo.calendar import write_demo_calendar
from core.demo.campaigns import newcomer_shares, newcomers_wanted, write_demo_campaigns
from core.members.search_keys import member_search_keys
from db.bulk import insert_tuples
from db.models import (
    ActivityEvent,
    Community,
    Member,
    Membership,
    MembershipEvent,
    MemberTag,
    Tag,
)
from db.referral_models import ReferralEdge

BATCH = 20_000

BUSINESSES = [
    ("麦香烘焙", "烘焙爱好者与老顾客", "新品试吃、会员福利、烘焙课程"),
    ("悦动健身", "附近上班族与健身新人", "打卡挑战、私教答疑、营养分享"),
    ("小橡树少儿英语", "3-12 岁孩子的家长", "学习打卡、公开课、家长交流"),
    ("花漾美妆", "25-40 岁女性顾客", "护肤知识、新品团购、会员专享价"),
    ("转角咖啡", "写字楼白领", "每日特价、咖啡知识、周末活动"),
]
CHANNELS = ["海报裂变", "老带新", "门店扫码", "公众号", "朋友圈", "视频号", "线下活动"]
NICK_WORDS = [
    "阳光",
    "快乐每一天",
    "静待花开",
    "追梦人",
    "小太阳",
    "向日葵",
    "岁月静好",
    "简单生活",
    "平安是福",
    "晴天",
    "梦想家",
    "知足常乐",
    "奶茶续命",
    "努力的胖子",
]
DEMO_TAGS = ["老客户", "VIP", "宝妈", "团购达人", "新客", "学生", "上班族", "爱分享"]
RULES_TEXT = "1. 禁止发广告和无关链接\n2. 友善交流，互相尊重\n3. 每日 21:00 后请勿刷屏"
WECHAT_ID_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"
EMOJI = ["🌸", "🌻", "😊", "🍀", "✨", "🎈", "🐱", "☀️", "🌈", "💪"]
ROLE_MIX = (
    ["follower"] * 90 + ["executor"] * 5 + ["leader"] * 3 + ["contributor"] * 1 + ["connector"]
)
# Event kinds with their share of all events; purchases carry an amount.
EVENT_MIX = [
    ("message", 50),
    ("checkin", 25),
    ("share", 7),
    ("good_post", 4),
    ("answer", 4),
    ("purchase", 4),
    ("event", 3),
    ("invite", 2),
    ("feedback", 1),
]
MEMBERSHIP_EVENT_COLUMNS = ("member_id", "community_id", "kind", "occurred_at", "source")
EVENT_COLUMNS = ("member_id", "community_id", "kind", "occurred_at", "amount_cents", "source")
# How often each kind of member does something in a year: most are quiet, a few carry the group.
ACTIVITY_TIERS = [(0.35, 0, 2), (0.45, 2, 14), (0.15, 14, 60), (0.05, 60, 200)]


@dataclass
class DemoSummary:
    communities: int
    members: int
    memberships: int
    events: int


def database_is_empty(connection: Connection) -> bool:
    return not connection.execute(select(func.count()).select_from(Member)).scalar_one()


# Recalculate levels at these points in the past, oldest first, ending today.
LEVEL_HISTORY_DAYS = (150, 120, 90, 60, 30, 0)


def generate_demo(
    connection: Connection,
    members: int,
    *,
    seed: int = 20261123,
    today: date | None = None,
    progress: Progress = no_progress,
    cancelled: CancelCheck = never_cancelled,
) -> DemoSummary:
    """Write demo data through `connection`, which the caller commits (one transaction)."""
    if members < 1 or members > 1_000_000:
        raise UserError(msg("演示成员数应在 1 到 1000000 之间"))
    if not database_is_empty(connection):
        raise UserError(msg("数据库里已有成员：演示数据只填入空数据库"))
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    # A fixed `today` gives repeatable data (tests); otherwise nothing lies in the future.
    now = (
        datetime.combine(today, datetime.min.time()) + timedelta(hours=20)
        if today
        else datetime.now().replace(microsecond=0)
    )
    writer = _Writer(connection, progress, cancelled, total=members * 26)

    # How many groups each member (after the five team members) is in, known before the groups
    # are made so that their seats add up to it.
    # The last few members are kept aside: they join the groups through the demo campaigns.
    regular = members - newcomers_wanted(members)
    groups_wanted = [rng.choices([1, 2, 3], [70, 22, 8])[0] for _ in range(regular - TEAM)]
    # Seats for everyone; the campaigns' newcomers take theirs in the largest groups.
    community_ids, group_sizes = _write_communities(
        writer, rng, sum(groups_wanted) + members - regular, now
    )
    shares = newcomer_shares(members - regular)
    largest = sorted(range(len(community_ids)), key=lambda i: (-group_sizes[i], i))
    # The largest groups but the very largest, which stays the group near the 500 cap.
    largest = largest[1:] if len(largest) > len(shares) else largest
    campaign_groups = [community_ids[i] for i in largest[: len(shares)]]
    # Newcomers nearly all stay: they take the seats of more regulars, who sometimes leave.
    kept_for = {g: round(n / STAYING) for g, n in zip(campaign_groups, shares, strict=False)}
    pools = _Pools(fake)
    member_rows = [_member_row(rng, pools, index, now) for index in range(members)]
    member_ids = writer.insert_returning_ids(Member, member_rows)
    newcomers = member_ids[regular:]
    member_ids, member_rows = member_ids[:regular], member_rows[:regular]
    _link_inviters(connection, rng, member_ids)
    memberships, spans = _membership_rows(
        rng, pools, member_ids, groups_wanted, community_ids, group_sizes, now, kept_for
    )
    writer.insert(Membership, memberships)
    writer.insert_tuples(MembershipEvent, MEMBERSHIP_EVENT_COLUMNS, _join_leave_rows(memberships))
    _add_group_nicknames_to_search(connection, member_rows, member_ids, memberships)
    events = writer.insert_tuples(ActivityEvent, EVENT_COLUMNS, _event_rows(rng, spans))
    campaigns = write_demo_campaigns(connection, rng, campaign_groups, newcomers, now)
    _set_last_active(connection)
    _write_tags(connection, rng, member_ids + newcomers)
    _level_history(connection, now)
    _name_kocs(connection, random.Random(rng.random()), now)
    # Last, from its own generator: the data before it stays as it was without the calendar.
    write_demo_calendar(connection, random.Random(rng.random()), community_ids, now)
    progress(writer.total, writer.total)
    return DemoSummary(
        len(community_ids),
        members,
        len(memberships) + campaigns.memberships,
        events + campaigns.events,
    )


def _level_history(connection: Connection, now: datetime) -> None:
    """Levels as the rules would have set them month by month, so the level flow and the
    role structure views have a past to show."""
    from sqlalchemy.orm import Session

    from core.tiers.recompute import recompute_levels

    with Session(bind=connection) as session:
        for days_ago in LEVEL_HISTORY_DAYS:
            recompute_levels(session, now=now - timedelta(days=days_ago), operator="演示数据")
        session.flush()


def _name_kocs(connection: Connection, rng: random.Random, now: datetime) -> None:
    """Each group's owner names its most active members KOC (core.demo.kocs)."""
    from sqlalchemy.orm import Session

    from core.demo.kocs import name_kocs

    with Session(bind=connection) as session:
        name_kocs(session, rng, now)
        session.flush()


class _Writer:
    """Batched inserts with progress and cancel; counts rows against an estimated total."""

    def __init__(
        self, connection: Connection, progress: Progress, cancelled: CancelCheck, total: int
    ) -> None:
        self.connection, self.progress, self.cancelled = connection, progress, cancelled
        self.done, self.total = 0, total

    def _advance(self, rows: int) -> None:
        if self.cancelled():
            raise Cancelled
        self.done = min(self.done + rows, self.total - 1)
        self.progress(self.done, self.total)

    def insert(self, model, rows: list[dict]) -> None:
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            self.connection.execute(insert(model), chunk)
            self._advance(len(chunk))

    def insert_returning_ids(self, model, rows: list[dict]) -> list[int]:
        # Ids are assigned in order, so the new rows hold the ids after the current maximum.
        before = self.connection.execute(select(func.coalesce(func.max(model.id), 0))).scalar_one()
        self.insert(model, rows)
        return list(range(before + 1, before + 1 + len(rows)))

    def insert_tuples(self, model, columns: tuple[str, ...], rows) -> int:
        """Stream tuples into the table in batches through the driver's executemany."""
        written, chunk = 0, []
        for row in rows:
            chunk.append(row)
            if len(chunk) == BATCH:
                written += insert_tuples(self.connection, model.__table__, columns, chunk)
                self._advance(len(chunk))
                chunk = []
        written += insert_tuples(self.connection, model.__table__, columns, chunk)
        self._advance(len(chunk))
        return written


# The trade's real mix of group sizes: (share of groups, smallest, largest target size). New
# groups filling up, groups nearing WeChat's 200 scan-in cap, groups past it (invite only) and
# groups close to the 500 limit, counted in members still in the group.
GROUP_SIZES = [(0.12, 40, 150), (0.18, 180, 199), (0.55, 200, 420), (0.15, 460, 495)]
STAYING = 0.9  # the share of members still in a group they joined
TEAM = 5  # the owner and four staff, in every group
MIN_GROUPS, MAX_GROUPS = 3, 500
GOLDEN_STEP = 0.6180339887
SILVER_STEP = 0.4142135624
# Group QR codes: (share of personal-WeChat groups, youngest, oldest age in days); None: no code
# attached yet. A personal-WeChat code lasts 7 days; WeCom groups get codes that never expire.
QR_AGES = [(0.45, 0, 4), (0.2, 5, 6), (0.2, 7, 30), (0.15, None, None)]


def _pick(roll: float, mix: list[tuple]) -> tuple:
    """The row of `mix` (share, ...) that a roll in [0, 1) falls in."""
    total = 0.0
    for row in mix:
        total += row[0]
        if roll < total:
            return row[1:]
    return mix[-1][1:]


def _demo_qr_png(content: str) -> bytes:
    """A group code as a screenshot would hold it. Version and mask are fixed: choosing the best
    mask is most of qrcode's time, and a few hundred groups would add seconds to the demo."""
    import io

    import qrcode
    from PIL import Image

    code = qrcode.QRCode(version=4, border=4, box_size=1, mask_pattern=0)
    code.add_data(content)
    code.make(fit=False)
    rows = code.get_matrix()
    side = len(rows)
    pixels = bytes(0 if dark else 255 for row in rows for dark in row)
    image = Image.frombytes("L", (side, side), pixels).resize(
        (side * 6, side * 6), Image.Resampling.NEAREST
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _group_qr(rng: random.Random, platform: str, index: int, now: datetime) -> dict:
    # Another irrational step: codes of every age even among a small demo's few groups.
    young, old = (0, 3) if platform == "wecom" else _pick((index * SILVER_STEP) % 1, QR_AGES)
    if young is None:
        return {"qr_image": None, "qr_content": None, "qr_generated_on": None}
    content = f"https://weixin.qq.com/g/DEMO{index:04d}{rng.randrange(16**8):08x}"
    return {
        "qr_image": _demo_qr_png(content),
        "qr_content": content,
        "qr_generated_on": (now - timedelta(days=rng.randint(young, old))).date(),
    }


def _write_communities(
    writer: _Writer, rng: random.Random, joins: int, now: datetime
) -> tuple[list[int], list[int]]:
    """The communities' ids and each one's target size: groups are added until their seats hold
    `joins` memberships."""
    rows, sizes = [], []
    seats = 0
    while len(rows) < MIN_GROUPS or (seats < joins and len(rows) < MAX_GROUPS):
        index = len(rows)
        shop, audience, theme = BUSINESSES[index % len(BUSINESSES)]
        number = index // len(BUSINESSES) + 1
        kind = rng.choice(["福利", "会员", "交流", "打卡"])
        platform = "wecom" if rng.random() < 0.35 else "wechat"
        # Golden-ratio steps spread the sizes evenly over the mix even in a demo of few groups.
        smallest, largest = _pick((index * GOLDEN_STEP) % 1, GROUP_SIZES)
        sizes.append(rng.randint(smallest, largest))
        seats += round(sizes[-1] / STAYING)
        rows.append(
            {
                **_group_qr(rng, platform, index, now),
                "name": f"{shop}{kind}{number}群",
                "platform": platform,
                "theme": theme,
                "target_audience": audience,
                "rules_text": RULES_TEXT,
                "member_cap": 500,
                "scan_cap": 200,
                "tags": [shop, kind],
                "created_on": (now - timedelta(days=rng.randint(200, 720))).date(),
                "archived": False,
            }
        )
    return writer.insert_returning_ids(Community, rows), sizes


class _Pools:
    """Names, cities and phone prefixes drawn from Faker once; rows pick from them quickly
    (calling Faker per row would make 100000 members take minutes)."""

    def __init__(self, fake: Faker) -> None:
        self.names = [fake.name() for _ in range(4000)]
        self.last_names = sorted({fake.last_name() for _ in range(600)})
        self.cities = sorted({fake.city_name() for _ in range(600)})
        self.phone_prefixes = sorted({fake.phone_number()[:3] for _ in range(400)})

    def name(self, rng: random.Random) -> str:
        return rng.choice(self.names)

    def phone(self, rng: random.Random) -> str:
        return rng.choice(self.phone_prefixes) + f"{rng.randrange(10**8):08d}"


def _nickname(rng: random.Random, pools: _Pools) -> str:
    roll = rng.random()
    if roll < 0.45:
        return pools.name(rng)
    if roll < 0.65:
        return pools.name(rng) + rng.choice(EMOJI)
    if roll < 0.80:
        return rng.choice(NICK_WORDS) + (rng.choice(EMOJI) if rng.random() < 0.5 else "")
    if roll < 0.90:
        return f"{rng.choice(pools.last_names)}{rng.choice(['姐', '哥', '老师', '妈妈', '总'])}"
    return f"A{rng.choice(['-', '_', ''])}{pools.name(rng)}"


def _member_row(rng: random.Random, pools: _Pools, index: int, now: datetime) -> dict:
    nickname = _nickname(rng, pools)
    remark = pools.name(rng) if rng.random() < 0.25 else ""
    phone = pools.phone(rng) if rng.random() < 0.6 else None
    is_team = index < TEAM  # the owner and four staff
    wechat_id = (
        "wx_" + "".join(rng.choices(WECHAT_ID_LETTERS, k=rng.randint(6, 10)))
        if rng.random() < 0.4
        else None
    )
    keys = member_search_keys(nickname, remark, wechat_id, phone)
    return {
        "nickname": nickname,
        "remark": remark,
        "wechat_id": wechat_id,
        "phone": phone,
        "gender": rng.choice(["m", "f", "f", ""]),
        "birthday": now.date() - timedelta(days=rng.randint(16 * 365, 70 * 365))
        if rng.random() < 0.3
        else None,
        "city": rng.choice(pools.cities),
        "source_channel": rng.choice(CHANNELS),
        "notes": "",
        "custom_fields": {},
        "is_team": is_team,
        "search_pinyin": keys.pinyin,
        "search_initials": keys.initials,
        "phone_tail": keys.phone_tail,
        "search_text": keys.text,
        "created_at": now,
        "updated_at": now,
    }


EDGE_COLUMNS = (
    "inviter_id",
    "invitee_id",
    "occurred_at",
    "how",
    "sources",  # 4: member_import
    "status",
    "status_reason",
    "status_changed_at",
    "status_changed_by",
    "recorded_at",
    "live_key",
)


def _link_inviters(connection: Connection, rng: random.Random, member_ids: list[int]) -> None:
    """About a third of members were brought in by an earlier member."""
    pairs = [
        {"member": mid, "inviter": rng.choice(member_ids[:position])}
        for position, mid in enumerate(member_ids)
        if position > 10 and rng.random() < 0.3
    ]
    if pairs:
        table = Member.__table__
        statement = (
            update(table)
            .where(table.c.id == bindparam("member"))
            .values(inviter_id=bindparam("inviter"))
        )
        for start in range(0, len(pairs), BATCH):
            connection.execute(statement, pairs[start : start + BATCH])
        # The inviter is derived from referral edges (core.referrals.edges): the demo's too.
        now = datetime.now()
        who = "演示数据"
        edges = [
            (p["inviter"], p["member"], now, "direct_invite", 4, "verified", "", now, who, now)
            for p in pairs
        ]
        edges = [(*edge, f"{edge[1]}::") for edge in edges]
        insert_tuples(connection, ReferralEdge.__table__, EDGE_COLUMNS, edges)


def _membership_rows(
    rng, pools, member_ids, groups_wanted, community_ids, group_sizes, now, kept_for
):
    """Memberships (1–3 groups each, groups filled to their target sizes less the seats
    `kept_for` the campaigns' newcomers) and, per membership, the span in which it was active."""
    rows, spans = [], []
    seats = _Seats(rng, community_ids, group_sizes, kept_for)
    for position, member_id in enumerate(member_ids):
        is_team = position < TEAM
        if is_team:
            groups = community_ids
        else:
            groups = seats.take(min(len(community_ids), groups_wanted[position - TEAM]))
        tier = _activity_tier(rng) if not is_team else (50, 120)
        for community_id in groups:
            joined = now - timedelta(days=rng.randint(1, 365), minutes=rng.randint(0, 1439))
            left = None
            if not is_team and rng.random() > STAYING:
                left = joined + timedelta(days=rng.randint(1, max(1, (now - joined).days)))
            rows.append(
                {
                    "member_id": member_id,
                    "community_id": community_id,
                    "group_nickname": pools.name(rng) if rng.random() < 0.3 else "",
                    "joined_at": joined,
                    "left_at": left,
                    "join_channel": rng.choice(CHANNELS),
                    "role": "manager" if is_team else rng.choice(ROLE_MIX),
                    "is_seed_user": rng.random() < 0.02,
                }
            )
            spans.append((member_id, community_id, joined, left or now, tier))
    return rows, spans


class _Seats:
    """Each group's seats, one per member it should get (its target size plus those who will
    leave), shuffled; members take the next free seats, so groups end near their target sizes.
    When the seats run out, a member joins the emptiest groups."""

    def __init__(
        self, rng: random.Random, community_ids: list[int], sizes: list[int], kept_for: dict
    ) -> None:
        self.seats = [
            group
            for group, size in zip(community_ids, sizes, strict=True)
            for _ in range(max(0, round(size / STAYING) - kept_for.get(group, 0)))
        ]
        rng.shuffle(self.seats)
        self.next = 0
        self.taken = dict.fromkeys(community_ids, 0)

    def take(self, wanted: int) -> list[int]:
        chosen: list[int] = []
        while len(chosen) < wanted and self.next < len(self.seats):
            group = self.seats[self.next]
            self.next += 1
            if group not in chosen:
                chosen.append(group)
        if len(chosen) < wanted:
            emptiest = sorted(self.taken, key=self.taken.__getitem__)
            chosen += [group for group in emptiest if group not in chosen][: wanted - len(chosen)]
        for group in chosen:
            self.taken[group] += 1
        return chosen


def _join_leave_rows(memberships: list[dict]):
    for row in memberships:
        yield (row["member_id"], row["community_id"], "join", row["joined_at"], "demo")
        if row["left_at"] is not None:
            yield (row["member_id"], row["community_id"], "leave", row["left_at"], "demo")


def _add_group_nicknames_to_search(connection, member_rows, member_ids, memberships) -> None:
    """Group nicknames are searchable too: redo the keys of members who have one."""
    by_member: dict[int, list[str]] = {}
    for row in memberships:
        if row["group_nickname"]:
            by_member.setdefault(row["member_id"], []).append(row["group_nickname"])
    row_of = dict(zip(member_ids, member_rows, strict=True))
    updates = []
    for member_id, nicknames in by_member.items():
        row = row_of[member_id]
        keys = member_search_keys(
            row["nickname"], row["remark"], row["wechat_id"], row["phone"], nicknames
        )
        updates.append({"member": member_id, "text": keys.text})
    table = Member.__table__
    statement = (
        update(table).where(table.c.id == bindparam("member")).values(search_text=bindparam("text"))
    )
    for start in range(0, len(updates), BATCH):
        connection.execute(statement, updates[start : start + BATCH])


def _write_tags(connection: Connection, rng: random.Random, member_ids: list[int]) -> None:
    """About a third of members carry one or two of the shop's tags."""
    tag_ids = [
        connection.execute(insert(Tag).values(name=name).returning(Tag.id)).scalar_one()
        for name in DEMO_TAGS
    ]
    pairs = {
        (member_id, tag_id)
        for member_id in member_ids
        if rng.random() < 0.35
        for tag_id in rng.sample(tag_ids, k=rng.choice([1, 1, 2]))
    }
    insert_tuples(connection, MemberTag.__table__, ("member_id", "tag_id"), sorted(pairs))


def _set_last_active(connection: Connection) -> None:
    latest = (
        select(func.max(ActivityEvent.occurred_at))
        .where(ActivityEvent.member_id == Member.id)
        .scalar_subquery()
    )
    connection.execute(update(Member).values(last_active_at=latest))


def _activity_tier(rng: random.Random) -> tuple[int, int]:
    roll, cumulative = rng.random(), 0.0
    for share, low, high in ACTIVITY_TIERS:
        cumulative += share
        if roll < cumulative:
            return low, high
    return ACTIVITY_TIERS[-1][1:]


def _event_rows(rng: random.Random, spans):
    kinds = [kind for kind, _ in EVENT_MIX]
    weights = [weight for _, weight in EVENT_MIX]
    for member_id, community_id, start, end, (low, high) in spans:
        seconds = max(1, int((end - start).total_seconds()))
        count = rng.randint(low, high)
        for kind in rng.choices(kinds, weights, k=count):
            yield (
                member_id,
                community_id,
                kind,
                start + timedelta(seconds=rng.randrange(seconds)),
                rng.randint(1500, 50000) if kind == "purchase" else 0,
                "demo",
            )
