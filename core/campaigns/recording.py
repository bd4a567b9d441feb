"""`campaigns record`: a code typed or scanned for a campaign becomes a referral edge."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.campaigns.records import STATUS_LABELS, community_ids_of, find_campaign
from core.common.errors import UserError
from core.common.text import Message, msg
from core.referrals.edges import Claim, Recorded, record_edge
from core.referrals.invite_codes import saved_link_template
from core.referrals.issuing import store_standing_codes
from core.referrals.resolving import ResolvedCode, member_name, resolve_code
from db.models import Community, Member
from db.referral_models import Campaign, CampaignCommunity

RECORDING_STATUSES = ("running", "paused", "ended")  # late entries of a finished one too


@dataclass(frozen=True)
class CodeRecorded:
    campaign_id: int
    campaign_name: str
    code: str
    inviter_id: int
    inviter: str
    invitee_id: int
    community_id: int | None
    outcome: str  # added / merged / unchanged / conflict
    edge_id: int | None
    first_inviter_id: int | None = None


def record_code(
    session: Session,
    campaign_text: str,
    code: str,
    invitee_id: int,
    *,
    community_id: int | None = None,
    source: str = "typed",
    occurred_at: datetime | None = None,
    operator: str | None = None,
    now: datetime | None = None,
) -> CodeRecorded:
    """The member who owns `code` brought `invitee_id` in the campaign."""
    campaign = _recording(session, campaign_text)
    if source not in ("typed", "scanned"):
        raise UserError(msg("邀请码只能是输入（typed）或扫码（scanned）得到的"))
    resolved: ResolvedCode = resolve_code(session, code)
    if resolved.campaign_id is not None and resolved.campaign_id != campaign.id:
        raise UserError(
            msg(
                "邀请码 {code} 是活动「{other}」的，不是「{name}」的",
                code=resolved.code,
                other=resolved.campaign_name,
                name=campaign.name,
            )
        )
    community_id = _community(session, campaign, community_id)
    code_id = resolved.code_id
    if code_id is None:  # a derived standing code printed before codes were stored
        store_standing_codes(session, [resolved.issued_to or resolved.member_id], now=now)
        code_id = resolve_code(session, resolved.code).code_id
    claim = Claim(
        inviter_id=resolved.member_id,
        invitee_id=invitee_id,
        how="code",
        source=source,
        campaign_id=campaign.id,
        community_id=community_id,
        occurred_at=occurred_at,
        invite_code_id=code_id,
    )
    return _record(session, campaign, claim, resolved.code, resolved.nickname, operator, now)


def _record(
    session: Session,
    campaign: Campaign,
    claim: Claim,
    code: str,
    inviter: str | None,
    operator: str | None,
    now: datetime | None,
) -> CodeRecorded:
    """The claim written as a referral edge (the first referrer wins), told back. `inviter`: the
    inviter's name (None: read once the edge has checked that the inviter exists)."""
    recorded: Recorded = record_edge(session, claim, operator=operator, now=now)
    if inviter is None:
        inviter = member_name(session.get(Member, claim.inviter_id))
    return CodeRecorded(
        campaign_id=campaign.id,
        campaign_name=campaign.name,
        code=code,
        inviter_id=claim.inviter_id,
        inviter=inviter,
        invitee_id=claim.invitee_id,
        community_id=claim.community_id,
        outcome=recorded.outcome,
        edge_id=recorded.edge_id,
        first_inviter_id=recorded.first_inviter_id,
    )


def _recording(session: Session, campaign_text: str) -> Campaign:
    """The campaign, when invites can be recorded for it."""
    campaign = find_campaign(session, campaign_text)
    check_recording(campaign, msg("邀请"))
    return campaign


def check_recording(campaign: Campaign, what: Message) -> None:
    """Refused unless the campaign's status takes what members did (`what`: 邀请, 助力…) —
    the one rule for invites here and for the acting-together types (type_recording)."""
    if campaign.status not in RECORDING_STATUSES:
        raise UserError(
            msg(
                "活动「{name}」是{status}，不能记录{what}",
                name=campaign.name,
                status=STATUS_LABELS[campaign.status],
                what=what,
            )
        )


def _community(session: Session, campaign: Campaign, community_id: int | None) -> int | None:
    """The community the invitee joined: the one given (one of the campaign's targets), else
    the campaign's only target."""
    targets = community_ids_of(session, campaign.id)
    if community_id is None and len(targets) == 1:
        community_id = targets[0]
    elif community_id is not None and targets and community_id not in targets:
        community = session.get(Community, community_id)
        raise UserError(
            msg(
                "社群「{community}」不是活动「{name}」的目标社群",
                community=community.name if community else community_id,
                name=campaign.name,
            )
        )
    return community_id


def target_communities(session: Session, campaign_id: int) -> list[tuple[int, str]]:
    """The campaign's target communities (id, name), for choosing where the invitee joined."""
    return [
        (row.id, row.name)
        for row in session.execute(
            select(Community.id, Community.name)
            .join(CampaignCommunity, CampaignCommunity.community_id == Community.id)
            .where(CampaignCommunity.campaign_id == campaign_id)
            .order_by(Community.id)
        )
    ]


def record_manual(
    session: Session,
    campaign_text: str,
    inviter_id: int,
    invitee_id: int,
    *,
    community_id: int | None = None,
    occurred_at: datetime | None = None,
    operator: str | None = None,
    now: datetime | None = None,
) -> CodeRecorded:
    """The operator says `inviter_id` brought `invitee_id` in the campaign (no code: how =
    manual); the same rules as a code (first referrer wins, no self-invites)."""
    campaign = _recording(session, campaign_text)
    community_id = _community(session, campaign, community_id)
    claim = Claim(
        inviter_id=inviter_id,
        invitee_id=invitee_id,
        how="manual",
        source="typed",
        campaign_id=campaign.id,
        community_id=community_id,
        occurred_at=occurred_at,
    )
    return _record(session, campaign, claim, "", None, operator, now)


_CODE_FIELDS = ("邀请码", "invite_code")
_LINK_PARTS = re.compile(r"[/?#&=]+")


def code_in_text(text: str, link_template: str = "") -> str:
    """The invite code a scanned QR code holds: the code itself, or the link the posters put
    in it (the link format's {邀请码} part; another link: its last part). What is left is
    looked up as typed, so anything that is no code is refused there, in one line."""
    text = (text or "").strip()
    if link_template:
        pattern, fields = [], 0
        for part in re.split(r"(\{\{|\}\}|\{[^{}\n]{1,40}\})", link_template):
            if part in ("{{", "}}"):
                pattern.append(re.escape(part[0]))
            elif part.startswith("{") and part.endswith("}"):
                if part[1:-1].strip() in _CODE_FIELDS and not fields:
                    pattern.append(r"(?P<code>[^/?#&=\s]+)")
                    fields += 1
                else:
                    pattern.append(r"[^/?#&=\s]*")
            else:
                pattern.append(re.escape(part))
        found = re.fullmatch("".join(pattern), text)
        if found and fields:
            return found.group("code")
    if "://" in text:
        parts = [part for part in _LINK_PARTS.split(text.split("://", 1)[1]) if part]
        return parts[-1] if len(parts) > 1 else text
    return text


def code_from_scan(session: Session, image: Path) -> str:
    """The invite code in a picture of a poster's QR code (a UserError when none reads)."""
    from core.communities.qr import decode_qr  # Pillow and zxing: only when a picture comes

    image = Path(image)
    try:
        data = image.read_bytes()
    except OSError as error:
        why = error.strerror or str(error)
        raise UserError(msg("无法读取文件 {name}：{error}", name=image.name, error=why)) from error
    return code_in_text(decode_qr(data), saved_link_template(session))
