"""{群二维码}: a community's group QR from the QR tracker, re-encoded crisp on each poster;
an expired or missing code stops the batch before anything is written."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import zxingcpp
from PIL import Image

from core.common.errors import UserError
from core.posters.bulk import load_recipients, render_recipients
from core.posters.members import poster_members
from db.models import Community
from tests.core.posters.poster_helpers import qr_layer, template
from tests.core.tiers.helpers import community, member

GROUP_LINK = "https://weixin.qq.com/g/AQYAAGroupOfMorningRun"


def attach_code(session, community_id: int, *, made_days_ago: int, platform: str = "wechat"):
    row = session.get(Community, community_id)
    row.platform = platform
    row.qr_content = GROUP_LINK
    row.qr_generated_on = date.today() - timedelta(days=made_days_ago)
    session.flush()


def group_poster():
    return template(qr_layer(content="{群二维码}"))


def test_a_fresh_code_is_each_members_group_qr_and_an_expired_one_is_not(database):
    with database.session() as session:
        fresh = community(session, "晨跑群")
        stale = community(session, "夜跑群")
        wecom = community(session, "企微客户群")
        attach_code(session, fresh, made_days_ago=6)
        attach_code(session, stale, made_days_ago=7)  # personal WeChat: 7 days
        attach_code(session, wecom, made_days_ago=400, platform="wecom")  # never expires
        ids = [member(session, cid, name) for cid, name in ((fresh, "阿强"), (stale, "小美"))]
        ids.append(member(session, wecom, "老王"))
        nobody = member(session, community(session, "没有码的群"), "阿花")
        fields = {m.member_id: m.fields for m in poster_members(session, [*ids, nobody])}
    assert fields[ids[0]]["群二维码"] == GROUP_LINK
    assert "群二维码" not in fields[ids[1]]
    assert fields[ids[2]]["群二维码"] == GROUP_LINK
    assert "群二维码" not in fields[nobody]


def test_posters_carry_the_group_code_crisp_and_scannable(database, tmp_path):
    with database.session() as session:
        cid = community(session, "晨跑群")
        attach_code(session, cid, made_days_ago=1)
        for name in ("阿强", "小美"):
            member(session, cid, name)
    with database.session() as session:
        recipients = load_recipients(session, community="晨跑群")
    result = render_recipients(group_poster(), recipients, tmp_path / "out", jobs=1)
    assert len(result.written) == 2 and not result.failed
    for poster in (tmp_path / "out").iterdir():
        decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(poster))]
        assert decoded == [GROUP_LINK]


def test_an_expired_group_code_stops_the_batch_and_names_the_group(database, tmp_path):
    with database.session() as session:
        cid = community(session, "夜跑群")
        attach_code(session, cid, made_days_ago=9)
        member(session, cid, "小美")
    with database.session() as session:
        recipients = load_recipients(session, community="夜跑群")
    with pytest.raises(UserError, match=r"夜跑群.*群二维码"):
        render_recipients(group_poster(), recipients, tmp_path / "new" / "out", jobs=1)
    assert not (tmp_path / "new").exists()
    # A poster without {群二维码} does not care.
    plain = template(qr_layer(content="{邀请链接}"))
    assert len(render_recipients(plain, recipients, tmp_path / "ok", jobs=1).written) == 1


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("https://example.com/join", "{邀请码}"),
        ("https://example.com/i/{邀请码} extra", "空格"),
        ("https://example.com/i/{邀请码}?x=" + "a" * 600, "太长"),
    ],
)
def test_a_link_format_that_cannot_work_is_refused(text, reason):
    from core.referrals.invite_codes import check_link_template

    with pytest.raises(UserError, match=re.escape(reason)):
        check_link_template(text)


def test_a_good_link_format_fills_each_members_code(database):
    from core.referrals.invite_codes import save_link_template

    with database.session() as session:
        assert save_link_template(session, "  https://example.com/i/{邀请码}  ").endswith("}")
        cid = community(session, "晨跑群")
        mid = member(session, cid, "阿强")
    with database.session() as session:
        (poster,) = poster_members(session, [mid])
    assert poster.fields["邀请链接"] == f"https://example.com/i/{poster.invite_code}"
