"""The members behind one stage of a campaign's funnel (a bar of the 概览 dashboard's funnel
opens them): the campaign's inputs read as the funnel reads them (one read_inputs), the stage's
members picked by the funnel's own rules (core/campaigns/funnel.stage_members), so their count
is the stage's figure."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from core.campaigns.funnel import STAGES, stage_members
from core.campaigns.inputs_sql import read_inputs
from core.campaigns.waves import build_tree
from core.common.errors import UserError
from core.common.text import msg


def funnel_members(
    session: Session, campaign_id: int, stage: str, as_of: datetime | None = None
) -> list[int]:
    """Member ids in funnel stage `stage` of the campaign as of `as_of` (default: now)."""
    if stage not in STAGES:
        raise UserError(msg("未知的漏斗阶段：{stage}", stage=stage))
    as_of = as_of or datetime.now()
    inputs = read_inputs(session, campaign_id, as_of)
    return stage_members(build_tree(inputs.edges), inputs.facts, stage, as_of)
