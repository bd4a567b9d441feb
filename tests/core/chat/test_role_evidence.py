"""The chat's answer-givers as evidence for 贡献者 in the role suggestions, on SQLite and
PostgreSQL: answers count with shares and feedback toward the contributor minimum (5), are
named in the evidence, and only within the suggestions' 100 days."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.tiers.role_suggestions import suggest_roles
from core.workflows.role_evidence import suggest_roles_with_chat
from tests.core.chat.test_insights import say
from tests.core.communities.builders import act, add_community, add_member, join

NOW = datetime(2026, 12, 1, 12, 0)


def test_answers_in_the_chat_make_a_contributor(database):
    with database.session(write=True) as session:
        community = add_community(session, "A 群")
        asker, helper, sharer, old = (add_member(session, n) for n in ("问", "答", "分享", "旧"))
        for member in (asker, helper, sharer, old):
            join(session, member, community, datetime(2026, 1, 1))
        at = NOW - timedelta(days=3)
        for _ in range(4):
            say(session, helper, community, at, kind="quote", quoted=asker, question=True)
        act(session, helper, community, at, kind="share")
        for _ in range(3):
            act(session, sharer, community, at, kind="share")
        say(session, sharer, community, at, kind="quote", quoted=asker, question=True)
        long_ago = NOW - timedelta(days=101)
        for _ in range(5):
            say(session, old, community, long_ago, kind="quote", quoted=asker, question=True)
        session.commit()
    with database.session() as session:
        plain = suggest_roles(session, community, now=NOW)
        found = suggest_roles_with_chat(session, community, now=NOW)
    assert plain == []
    assert [(s.name, s.suggested) for s in found] == [("答", "contributor")]
    assert "群聊里回答提问 4 次" in found[0].evidence and "分享" in found[0].evidence
