"""The campaign record: create, list, show, and move its status along
草稿 → 进行中 ⇄ 暂停 → 已结束 → 已复盘 (draft → running ⇄ paused → ended → reviewed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.campaigns.settings import dump, parse
from core.common.choices import labelled_choice
from core.common.errors import UserError
from core.common.ids import is_row_id
from core.common.joins import joined_list
from core.common.operator import operator_name
from core.common.text import msg
from db.bounds import MAX_MONEY_CENTS
from db.models import Community
from db.referral_models import (
    CAMPAIGN_KINDS,
    CAMPAIGN_STATUSES,
    GOAL_KINDS,
    Campaign,
    CampaignCommunity,
    InviteCode,
    ReferralEdge,
)

STATUS_LABELS = {
    "draft": msg("草稿"),
    "running": msg("进行中"),
    "paused": msg("暂停"),
    "ended": msg("已结束"),
    "reviewed": msg("已复盘"),
}
KIND_LABELS = {
    "invite_code": msg("邀请码裂变"),
    "task_ladder": msg("任务宝"),
    "poster": msg("海报裂变"),
    "group_buy": msg("拼团"),
    "help": msg("助力"),
    "gift": msg("送"),
    "bargain": msg("砍价"),
    "coupon": msg("优惠券"),
    "ranking": msg("排行榜"),
    "swap": msg("以物换物"),
    "lottery": msg("抽奖"),
}
GOAL_LABELS = {
    "new_members": msg("新成员"),
    "sales": msg("销售额"),
    "checkins": msg("签到"),
}
# Where each status may go next.
TRANSITIONS = {
    "draft": ("running",),
    "running": ("paused", "ended"),
    "paused": ("running", "ended"),
    "ended": ("reviewed",),
    "reviewed": (),
}
MAX_NAME = 100
assert set(STATUS_LABELS) == set(CAMPAIGN_STATUSES) == set(TRANSITIONS)
assert set(KIND_LABELS) == set(CAMPAIGN_KINDS) and set(GOAL_LABELS) == set(GOAL_KINDS)


def status_key(text: str) -> str:
    return labelled_choice(text, STATUS_LABELS, msg("活动状态"))


def _money(value: int | None, what: str) -> int | None:
    if value is None:
        return None
    if not 0 <= value <= MAX_MONEY_CENTS:
        raise UserError(msg("{what}应在 0 到 {limit} 之间", what=what, limit=MAX_MONEY_CENTS))
    return value


@dataclass
class CampaignRow:
    id: int
    name: str
    kind: str
    kind_label: str
    goal_kind: str
    goal_target: int | None
    status: str
    status_label: str
    starts_at: datetime | None
    ends_at: datetime | None
    owner: str
    communities: list[str] = field(default_factory=list)
    codes: int = 0
    edges: int = 0


# The copy a campaign carries (its `copy` JSON): poster text, rules text and the H5 landing
# page outlined in the three parts seed 003 describes (上段 hook, 中段 proof, 下段 action).
COPY_LABELS = {
    "poster": msg("海报文案"),
    "rules": msg("活动规则"),
    "h5_top": msg("H5 上段：主题与利益点"),
    "h5_middle": msg("H5 中段：信任证明"),
    "h5_bottom": msg("H5 下段：行动号召"),
}
MAX_COPY = 5000


def _checked_copy(copy: dict | None) -> dict:
    copy = dict(copy or {})
    for key, text in copy.items():
        if key in COPY_LABELS and len(str(text or "")) > MAX_COPY:
            raise UserError(
                msg("{what}太长（最多 {limit} 个字）", what=COPY_LABELS[key], limit=MAX_COPY)
            )
    return copy


def _checked_settings(kind: str, settings: dict | None) -> dict | None:
    """Settings given are checked by the type's own class and stored in full; None: none
    given (a draft made from the command line fills them in later)."""
    if settings is None:
        return None
    return dump(parse(kind, settings))


@dataclass(frozen=True)
class CampaignFields:
    """Everything that says what a campaign is: what the record editor, the command line and
    the demo set, for `create_campaign` and `update_campaign` alike (checked by
    `validate_fields`). Money is in fen; None: not set."""

    name: str
    kind: str = "invite_code"
    goal_kind: str = "new_members"
    goal_target: int | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    budget_total_cents: int | None = None
    budget_per_day_cents: int | None = None
    budget_per_member_cents: int | None = None
    community_ids: Sequence[int] = ()
    owner: str | None = None  # None: whoever is operating
    notes: str | None = None  # None: none on a new campaign, unchanged on an edit
    settings: dict | None = None  # None: none given (a draft fills them in later)
    copy: dict | None = None  # on an edit, the texts given replace those stored


# The amounts a campaign carries, with what a refusal calls them.
MONEY_FIELDS = {
    "goal_target": msg("目标"),
    "budget_total_cents": msg("总预算"),
    "budget_per_day_cents": msg("每日预算"),
    "budget_per_member_cents": msg("每人预算"),
}


def validate_fields(
    session: Session, fields: CampaignFields, *, campaign_id: int | None = None
) -> CampaignFields:
    """The fields cleaned up (type and goal as keys, settings stored in full), or a UserError
    naming the first thing that is wrong. `campaign_id`: the campaign being edited."""
    name = " ".join((fields.name or "").split())
    if not name:
        raise UserError(msg("请填写活动名称"))
    if len(name) > MAX_NAME:
        raise UserError(msg("活动名称太长（最多 {limit} 个字）", limit=MAX_NAME))
    same = session.scalar(select(Campaign.id).where(Campaign.name == name))
    if same is not None and same != campaign_id:
        raise UserError(msg("已有名为「{name}」的活动", name=name))
    kind = labelled_choice(fields.kind, KIND_LABELS, msg("活动类型"))
    goal_kind = labelled_choice(fields.goal_kind, GOAL_LABELS, msg("活动目标"))
    if fields.starts_at and fields.ends_at and fields.ends_at < fields.starts_at:
        raise UserError(msg("活动结束时间早于开始时间"))
    community_ids = tuple(dict.fromkeys(fields.community_ids))
    for community_id in community_ids:
        community = session.get(Community, community_id)
        if community is None or community.deleted_at is not None:
            raise UserError(msg("没有编号为 {id} 的社群", id=community_id))
    money = {key: _money(getattr(fields, key), what) for key, what in MONEY_FIELDS.items()}
    owner = fields.owner if fields.owner is not None else operator_name()
    return replace(
        fields,
        name=name,
        kind=kind,
        goal_kind=goal_kind,
        community_ids=community_ids,
        owner=(owner or "")[:100],
        settings=_checked_settings(kind, fields.settings),
        copy=_checked_copy(fields.copy),
        **money,
    )


def _record_columns(fields: CampaignFields | Campaign) -> dict:
    """The campaign's own columns (not its groups, settings, copy, notes) from checked fields,
    or from a stored campaign (the same names)."""
    return {
        "name": fields.name,
        "kind": fields.kind,
        "goal_kind": fields.goal_kind,
        "starts_at": fields.starts_at,
        "ends_at": fields.ends_at,
        "owner": fields.owner,
        **{key: getattr(fields, key) for key in MONEY_FIELDS},
    }


def _campaign(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise UserError(msg("没有编号或名称为「{text}」的活动", text=str(campaign_id)))
    return campaign


def create_campaign(
    session: Session, fields: CampaignFields, *, now: datetime | None = None
) -> Campaign:
    """A new campaign, as a draft."""
    fields = validate_fields(session, fields)
    now = now or datetime.now()
    campaign = Campaign(
        **_record_columns(fields),
        status="draft",
        settings=fields.settings or {},
        copy=fields.copy,
        notes=fields.notes or "",
        created_at=now,
        updated_at=now,
    )
    session.add(campaign)
    session.flush()
    _link_communities(session, campaign.id, fields.community_ids)
    return campaign


def update_campaign(
    session: Session, campaign_id: int, fields: CampaignFields, *, now: datetime | None = None
) -> Campaign:
    """Change a campaign's record (not its status: `set_status`), checked as `create_campaign`
    checks a new one; a bad value changes nothing."""
    campaign = _campaign(session, campaign_id)
    fields = validate_fields(session, fields, campaign_id=campaign.id)
    if fields.kind != campaign.kind and campaign.status != "draft":
        raise UserError(msg("活动已开始，不能再改活动类型"))
    values = _record_columns(fields)
    values["copy"] = {**(campaign.copy or {}), **fields.copy}
    if fields.settings is not None:
        values["settings"] = fields.settings
    if fields.notes is not None:
        values["notes"] = fields.notes
    for key, value in values.items():
        setattr(campaign, key, value)
    campaign.updated_at = now or datetime.now()
    _link_communities(session, campaign.id, fields.community_ids)
    return campaign


def _link_communities(session: Session, campaign_id: int, community_ids: Sequence[int]) -> None:
    """Make exactly these the campaign's groups (links kept where they stay)."""
    wanted = set(community_ids)
    for link in list(
        session.scalars(
            select(CampaignCommunity).where(CampaignCommunity.campaign_id == campaign_id)
        )
    ):
        if link.community_id not in wanted:
            session.delete(link)
        wanted.discard(link.community_id)
    session.add_all(CampaignCommunity(campaign_id=campaign_id, community_id=cid) for cid in wanted)
    session.flush()


def set_notes(session: Session, campaign_id: int, notes: str, now: datetime | None = None) -> None:
    """The owner's own notes (the 复盘's lessons), kept on the campaign."""
    campaign = _campaign(session, campaign_id)
    campaign.notes = notes or ""
    campaign.updated_at = now or datetime.now()
    session.flush()


def community_ids_of(session: Session, campaign_id: int) -> list[int]:
    return list(
        session.scalars(
            select(CampaignCommunity.community_id)
            .where(CampaignCommunity.campaign_id == campaign_id)
            .order_by(CampaignCommunity.community_id)
        )
    )


def find_campaign(session: Session, text: str) -> Campaign:
    """A campaign by number or exact name."""
    text = (text or "").strip().removeprefix("#")
    if not text:
        raise UserError(msg("请给出活动编号或名称"))
    campaign = None
    if is_row_id(text):
        campaign = session.get(Campaign, int(text))
    if campaign is None:
        campaign = session.scalar(select(Campaign).where(Campaign.name == text))
    if campaign is None:
        raise UserError(msg("没有编号或名称为「{text}」的活动", text=text[:40]))
    return campaign


def _row(session: Session, campaign: Campaign, names: list[str], codes: int, edges: int):
    return CampaignRow(
        id=campaign.id,
        name=campaign.name,
        kind=campaign.kind,
        kind_label=KIND_LABELS[campaign.kind],
        goal_kind=campaign.goal_kind,
        goal_target=campaign.goal_target,
        status=campaign.status,
        status_label=STATUS_LABELS[campaign.status],
        starts_at=campaign.starts_at,
        ends_at=campaign.ends_at,
        owner=campaign.owner,
        communities=names,
        codes=codes,
        edges=edges,
    )


def _count_by_campaign(session: Session, campaign_column) -> dict[int, int]:
    """Campaign id → how many rows of `campaign_column`'s table name it."""
    query = (
        select(campaign_column, func.count())
        .where(campaign_column.is_not(None))
        .group_by(campaign_column)
    )
    return dict(session.execute(query).all())


def list_campaigns(session: Session) -> list[CampaignRow]:
    """Every campaign, newest first, with its communities and how many codes and edges."""
    campaigns = list(session.scalars(select(Campaign).order_by(Campaign.id.desc())))
    names: dict[int, list[str]] = {}
    for campaign_id, name in session.execute(
        select(CampaignCommunity.campaign_id, Community.name)
        .join(Community, Community.id == CampaignCommunity.community_id)
        .order_by(Community.id)
    ):
        names.setdefault(campaign_id, []).append(name)
    codes = _count_by_campaign(session, InviteCode.campaign_id)
    edges = _count_by_campaign(session, ReferralEdge.campaign_id)
    return [
        _row(session, c, names.get(c.id, []), codes.get(c.id, 0), edges.get(c.id, 0))
        for c in campaigns
    ]


def show_campaign(session: Session, text: str) -> CampaignRow:
    campaign = find_campaign(session, text)
    return next(row for row in list_campaigns(session) if row.id == campaign.id)


def set_status(
    session: Session,
    text: str,
    status: str,
    *,
    now: datetime | None = None,
) -> Campaign:
    """Move the campaign along its allowed transitions; anything else is refused."""
    campaign = find_campaign(session, text)
    status = status_key(status)
    if status == campaign.status:
        return campaign
    if status not in TRANSITIONS[campaign.status]:
        allowed = TRANSITIONS[campaign.status]
        raise UserError(
            msg(
                "活动「{name}」是{current}，不能改为{wanted}（可改为：{allowed}）",
                name=campaign.name,
                current=STATUS_LABELS[campaign.status],
                wanted=STATUS_LABELS[status],
                allowed=joined_list([STATUS_LABELS[s] for s in allowed]) or msg("无"),
            )
        )
    campaign.status = status
    campaign.updated_at = now or datetime.now()
    session.flush()
    return campaign


def read_fields(session: Session, campaign_id: int) -> CampaignFields:
    """The record as the editor starts from it."""
    campaign = _campaign(session, campaign_id)
    return CampaignFields(
        **_record_columns(campaign),
        community_ids=tuple(community_ids_of(session, campaign.id)),
        notes=campaign.notes or "",
        settings=dict(campaign.settings or {}),
        copy=dict(campaign.copy or {}),
    )


def campaign_fields(session: Session, campaign_id: int) -> dict:
    """What the overview shows of a campaign: its fields, number and status."""
    fields = asdict(read_fields(session, campaign_id))
    return {"id": campaign_id, **fields, "status": _campaign(session, campaign_id).status}
