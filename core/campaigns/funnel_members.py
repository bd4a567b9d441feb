"""A campaign's funnel read from the database on its own (without the report's other figures),
and the members behind one stage of it (a bar of the 概览 dashboard's funnel opens them): the
inputs read as the report reads them, but only the activity the funnel counts (activation and
week 4) and no tree beyond the edge each participant counts under; the stage's members picked
by the funnel's own rules (core/campaigns/funnel.stage_members), so their count is the stage's
figure."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from core.campaigns.funnel import STAGES, Stage, funnel, stage_members
from core.campaigns.inputs import MemberFacts
from core.campaigns.inputs_sql import read_inputs
from core.campaigns.retention import RETAINED_FROM_DAY
from core.campaigns.waves import Counted, counted_edges
from core.common.errors import UserError
from core.common.text import msg


def read_funnel(
    session: Session, campaign_id: int, as_of: datetime
) -> tuple[Counted, Mapping[int, MemberFacts]]:
    """What the funnel reads of the campaign as of `as_of`: the counted edges and the facts,
    whose activity is week 4's alone (the facts are for the funnel, not the other figures)."""
    inputs = read_inputs(session, campaign_id, as_of, weeks=(RETAINED_FROM_DAY,))
    return counted_edges(inputs.edges), inputs.facts


def campaign_funnel(
    session: Session, campaign_id: int, as_of: datetime | None = None
) -> list[Stage]:
    """The campaign's funnel as of `as_of` (default: now), the report's stages."""
    as_of = as_of or datetime.now()
    counted, facts = read_funnel(session, campaign_id, as_of)
    return funnel(counted, facts, as_of)


def funnel_members(
    session: Session, campaign_id: int, stage: str, as_of: datetime | None = None
) -> list[int]:
    """Member ids in funnel stage `stage` of the campaign as of `as_of` (default: now)."""
    if stage not in STAGES:
        raise UserError(msg("未知的漏斗阶段：{stage}", stage=stage))
    as_of = as_of or datetime.now()
    counted, facts = read_funnel(session, campaign_id, as_of)
    return stage_members(counted, facts, stage, as_of)
