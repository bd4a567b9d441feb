"""A small group for the tiers windows: 张小凡 and two members both named 阿杰 (an ambiguous
name for the paste and import dialogs)."""

from __future__ import annotations

import pytest

from core.members.editing import refresh_search_keys
from db.models import Member
from tests.core.tiers.helpers import community, member

GROUP_NAME = "晨跑群"


@pytest.fixture
def group(sqlite_database):
    with sqlite_database.session() as session:
        cid = community(session, GROUP_NAME)
        ids = {}
        for nickname in ("张小凡", "阿杰", "阿杰"):
            mid = member(session, cid, nickname)
            refresh_search_keys(session, session.get(Member, mid))
            ids.setdefault(nickname, []).append(mid)
        session.commit()
    return sqlite_database, cid, ids
