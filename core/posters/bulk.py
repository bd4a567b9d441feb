"""批量生成海报 as one request: who gets a poster, the batch's shared fields, where it goes.

What the command line (`posters render`) and the GUI's bulk dialog share, so both refuse the
same things with the same words and render the same posters:

    out = check_output(path, as_zip)                  # refused before anything is made
    with database.session() as session:
        recipients = load_recipients(session, community_id=3)
    result = render_recipients(template, recipients, out, assets=assets,
                               activity="春日跑", deadline=date(2026, 4, 30), …)
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.joins import joined_list
from core.common.progress import CancelCheck, Progress, never_cancelled, no_progress
from core.common.text import msg
from core.posters.batch import BatchResult, render_batch
from core.posters.members import (
    PosterMember,
    format_deadline,
    group_qr_gaps,
    poster_members,
    select_member_ids,
    with_codes,
)
from core.posters.render import Assets
from core.posters.template import Template, template_fields
from core.referrals.invite_codes import saved_link_template
from core.referrals.issuing import campaign_codes_for, store_standing_codes


@dataclass(frozen=True)
class Recipients:
    """The members a batch is for, with their poster fields, and how to name the choice."""

    members: list[PosterMember]
    description: str  # 社群「晨跑群」, 分群「新人活跃」, 选中的 12 位成员
    campaign_id: int | None = None  # whose codes the posters carry; None: standing codes


def parse_deadline(text: str | None) -> date | None:
    """YYYY-MM-DD (or nothing) as a date; a clear refusal otherwise."""
    if not text or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as error:
        raise UserError(
            msg("截止日期「{text}」应写成 YYYY-MM-DD，例如 2026-04-30", text=text)
        ) from error


def shared_fields(activity: str = "", deadline: date | str | None = None) -> dict[str, str]:
    """The fields every poster of the batch shares: {活动名} and {截止日期} (as 4月30日)."""
    return {"活动名": (activity or "").strip(), "截止日期": format_deadline(deadline)}


def check_output(out: Path | str, as_zip: bool) -> Path:
    """Where the batch will write, refused now (before anything is made) if it cannot be."""
    if not str(out).strip():
        raise UserError(msg("请选择保存海报的位置"))
    out = Path(out).expanduser()
    if as_zip and out.suffix.lower() != ".zip":
        out = out.with_name(out.name + ".zip")
    if as_zip and out.is_dir():
        raise UserError(msg("{path} 是一个文件夹，打包输出需要另一个 .zip 文件名", path=str(out)))
    if not as_zip and out.exists() and not out.is_dir():
        raise UserError(msg("{path} 已存在且不是文件夹", path=str(out)))
    if not as_zip and out.is_dir():
        existing = out
    else:
        existing = out.parent
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        if not existing.is_dir():
            raise UserError(
                msg(
                    "无法在 {path} 写入：{existing} 不是文件夹",
                    path=str(out),
                    existing=str(existing),
                )
            )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UserError(msg("没有权限写入 {path}", path=str(existing)))
    return out


def load_recipients(
    session: Session,
    *,
    community: str | None = None,
    segment: str | None = None,
    community_id: int | None = None,
    member_ids: Iterable[int] | None = None,
    link_template: str | None = None,
    campaign_id: int | None = None,
) -> Recipients:
    """The poster fields of everyone chosen (exactly one way), their codes stored; refused
    when nobody is left. Writes: call it in a session(write=True).

    `link_template` None: the saved invite-link format. `campaign_id`: each poster carries
    the member's code in that campaign (issued on the first batch, the same one on the next)
    and its link; None: their standing code. Which campaigns may have posters is the caller's
    to check (core.workflows.campaign_posters)."""
    if link_template is None:
        link_template = saved_link_template(session)
    ids, chosen_community, what = select_member_ids(
        session,
        community=community,
        segment=segment,
        community_id=community_id,
        member_ids=member_ids,
    )
    members = poster_members(
        session, ids, community_id=chosen_community, link_template=link_template
    )
    if not members:
        raise UserError(msg("{what}里没有可生成海报的成员，未写入任何文件", what=what))
    if campaign_id is not None:
        ids = [member.member_id for member in members]
        codes = campaign_codes_for(session, campaign_id, ids)  # issued and stored
        return Recipients(with_codes(members, codes, link_template), what, campaign_id)
    # The codes the posters will carry are stored, so each keeps finding its member.
    codes = {member.member_id: member.invite_code for member in members}
    store_standing_codes(session, list(codes), derived=codes)
    return Recipients(members, what)


def check_group_qr(template: Template, recipients: Recipients) -> None:
    """Refuse a batch whose posters show {群二维码} when some group has no working code."""
    gaps = group_qr_gaps(template_fields(template), recipients.members)
    if gaps:
        names = joined_list([msg("「{name}」", name=name) for name in gaps[:5]])
        if len(gaps) > 5:
            names = msg("{names}等", names=names)
        raise UserError(
            msg(
                "这张海报要放群二维码，但{names}没有有效的群二维码（已过期或还没上传）："
                "请先在「社群」页更新群二维码。未写入任何文件",
                names=names,
            )
        )


def render_recipients(
    template: Template,
    recipients: Recipients,
    out: Path | str,
    *,
    assets: Assets | None = None,
    activity: str = "",
    deadline: date | str | None = None,
    fmt: str = "png",
    as_zip: bool = False,
    jobs: int | None = None,
    progress: Progress = no_progress,
    cancelled: CancelCheck = never_cancelled,
) -> BatchResult:
    """One verified poster per recipient into the folder (or zip) `out`; see `render_batch`.
    `jobs` None: every core.

    Also takes away the folders the batch created for `out` when it is cancelled or fails, so
    nothing at all is left behind, not even an empty folder.
    """
    out = check_output(out, as_zip)
    check_group_qr(template, recipients)
    folder = out.parent if as_zip else out
    created = _missing_ancestors(folder)
    try:
        return render_batch(
            template,
            [member.fields for member in recipients.members],
            out,
            assets=assets,
            shared=shared_fields(activity, deadline),
            fmt=fmt,
            as_zip=as_zip,
            jobs=jobs,
            progress=progress,
            cancelled=cancelled,
        )
    except BaseException:
        for path in created:  # deepest first; rmdir refuses one that is not empty
            try:
                path.rmdir()
            except OSError:
                break
        raise


def _missing_ancestors(folder: Path) -> list[Path]:
    """`folder` and its parents that do not exist yet, deepest first."""
    missing = []
    path = folder.absolute()
    while not path.exists() and path != path.parent:
        missing.append(path)
        path = path.parent
    return missing
