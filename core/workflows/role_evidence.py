"""Role suggestions (分层 → 角色建议) with the chat's evidence: members whose quotes answered
someone's question count toward 贡献者, beside the shares and feedback activity records.

Tiers may not read the chat (it sits above them); this step brings the two together.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from core.chat.insights import answer_givers
from core.common.text import msg
from core.tiers.role_suggestions import (
    WINDOW_DAYS,
    ExtraEvidence,
    RoleSuggestion,
    suggest_roles,
)

ANSWERS_ROLE = "contributor"


def suggest_roles_with_chat(
    session: Session, community_id: int, *, now: datetime | None = None
) -> list[RoleSuggestion]:
    now = now or datetime.now()
    answers = answer_givers(session, community_id, since=now - timedelta(days=WINDOW_DAYS))
    evidence = ExtraEvidence(
        ANSWERS_ROLE,
        msg("群聊里回答提问"),
        {found.member_id: found.answers for found in answers},
    )
    return suggest_roles(session, community_id, now=now, extra=[evidence] if answers else [])
