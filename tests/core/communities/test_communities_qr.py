"""The QR tracker with real images: codes made with `qrcode`, decoded by zxing-cpp; bad files."""

from __future__ import annotations

from datetime import date

import pytest
from PIL import Image, ImageOps

from core.common.errors import UserError
from core.communities import qr
from core.communities.limits import days_left, expires_on
from core.communities.listing import list_communities
from core.communities.qr import (
    attach_qr,
    content_kind,
    decode_qr,
    prepare_qr_image,
    remove_qr,
    set_qr_generated_on,
)
from db.models import Community
from tests.core.communities import qr_images
from tests.core.communities.builders import add_community

TODAY = date(2026, 11, 25)


def test_a_clean_png_decodes():
    assert decode_qr(qr_images.qr_png("https://weixin.qq.com/g/abc")) == (
        "https://weixin.qq.com/g/abc"
    )


def test_a_photo_of_the_code_decodes():
    """Scaled, turned 7°, on a noisy background, blurred, saved as JPEG."""
    assert decode_qr(qr_images.photo_jpeg()) == qr_images.WECHAT_GROUP_URL


def test_chinese_text_in_a_code_decodes():
    assert decode_qr(qr_images.qr_png("欢迎加入麦香烘焙福利群")) == "欢迎加入麦香烘焙福利群"


def test_a_transparent_screenshot_is_laid_on_white():
    grey = qr_images.qr_image().convert("L")
    # Black modules on a fully transparent black background (what some apps copy).
    code = Image.new("RGBA", grey.size, (0, 0, 0, 0))
    code.putalpha(ImageOps.invert(grey))
    assert decode_qr(qr_images.encode(code)) == qr_images.WECHAT_GROUP_URL


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "空的"),
        (qr_images.text_as_png(), "不是图片"),
        (qr_images.no_qr_png(), "没有找到可识别的二维码"),
        (qr_images.corrupt_png(), "已损坏"),
        (qr_images.png_claiming(100_000, 100_000), "尺寸过大"),
        (qr_images.png_claiming(9_000, 9_000), "尺寸过大"),
    ],
    ids=["empty", "text-renamed-png", "no-qr", "truncated-png", "bomb-10g-pixels", "81m-pixels"],
)
def test_bad_files_get_a_clear_reason(data, message):
    with pytest.raises(UserError, match=message):
        decode_qr(data)


def test_pillow_global_limit_is_left_alone():
    before = Image.MAX_IMAGE_PIXELS
    with pytest.raises(UserError):
        decode_qr(qr_images.png_claiming(100_000, 100_000))
    assert before == Image.MAX_IMAGE_PIXELS


def test_huge_file_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr(qr, "MAX_FILE_BYTES", 1000)
    with pytest.raises(UserError, match="太大"):
        decode_qr(qr_images.photo_jpeg())


def test_small_images_are_kept_as_given_big_ones_scaled_down():
    small = qr_images.qr_png()
    assert prepare_qr_image(small).image == small
    big = qr_images.big_photo_png()
    assert len(big) > qr.STORE_AS_IS_BYTES
    prepared = prepare_qr_image(big)
    assert len(prepared.image) < len(big) / 3
    assert decode_qr(prepared.image) == prepared.content == qr_images.WECHAT_GROUP_URL


def test_attach_stores_image_content_and_date(database):
    png = qr_images.qr_png()
    with database.session() as session:
        community_id = add_community(session)
        content = attach_qr(session, community_id, png, date(2026, 11, 20), today=TODAY)
    assert content == qr_images.WECHAT_GROUP_URL
    with database.session() as session:
        community = session.get(Community, community_id)
        assert community.qr_image == png
        assert community.qr_content == qr_images.WECHAT_GROUP_URL
        assert community.qr_generated_on == date(2026, 11, 20)
        (row,) = list_communities(session, today=TODAY)
        assert (row.has_qr, row.qr_valid_days, row.qr_days_left) == (True, 7, 2)
        assert row.qr_expires_on == date(2026, 11, 27)


def test_a_rejected_image_leaves_the_old_code_in_place(database):
    with database.session() as session:
        community_id = add_community(session)
        attach_qr(session, community_id, qr_images.qr_png(), TODAY, today=TODAY)
    with database.session() as session, pytest.raises(UserError):
        attach_qr(session, community_id, qr_images.no_qr_png(), TODAY, today=TODAY)
    with database.session() as session:
        assert session.get(Community, community_id).qr_content == qr_images.WECHAT_GROUP_URL


def test_generated_date_can_be_corrected_but_not_in_the_future(database):
    with database.session() as session:
        community_id = add_community(session)
        with pytest.raises(UserError, match="还没有添加"):
            set_qr_generated_on(session, community_id, TODAY, today=TODAY)
        with pytest.raises(UserError, match="不能晚于今天"):
            attach_qr(session, community_id, qr_images.qr_png(), date(2026, 11, 26), today=TODAY)
        attach_qr(session, community_id, qr_images.qr_png(), TODAY, today=TODAY)
        set_qr_generated_on(session, community_id, date(2026, 11, 19), today=TODAY)
        with pytest.raises(UserError, match="不能晚于今天"):
            set_qr_generated_on(session, community_id, date(2026, 11, 26), today=TODAY)
    with database.session() as session:
        (row,) = list_communities(session, today=TODAY)
        assert row.qr_days_left == 1


def test_remove_qr(database):
    with database.session() as session:
        community_id = add_community(session)
        attach_qr(session, community_id, qr_images.qr_png(), TODAY, today=TODAY)
        remove_qr(session, community_id)
    with database.session() as session:
        (row,) = list_communities(session, today=TODAY)
        assert (row.has_qr, row.qr_days_left) == (False, None)


@pytest.mark.parametrize(
    ("generated", "expected"),
    [
        (date(2026, 11, 25), 7),  # made today: 7 days
        (date(2026, 11, 19), 1),  # the last day (WeChat's "day 6")
        (date(2026, 11, 18), 0),  # expired today
        (date(2026, 11, 1), -17),
    ],
)
def test_days_left_edges(generated, expected):
    assert days_left(generated, 7, TODAY) == expected


def test_no_expiry_and_no_code_give_no_days_left():
    assert days_left(date(2026, 1, 1), None, TODAY) is None
    assert days_left(None, 7, TODAY) is None
    assert expires_on(date(2026, 11, 23), 7) == date(2026, 11, 30)


@pytest.mark.parametrize(
    ("platform", "override", "expected"),
    [
        ("wechat", None, 3),
        ("wecom", None, None),
        ("qq", None, None),
        ("wecom", 14, 10),
        ("wechat", 3, -1),
    ],
)
def test_validity_comes_from_the_community_else_the_platform(
    database, platform, override, expected
):
    with database.session() as session:
        community_id = add_community(session, platform=platform, qr_valid_days=override)
        attach_qr(session, community_id, qr_images.qr_png(), date(2026, 11, 21), today=TODAY)
    with database.session() as session:
        (row,) = list_communities(session, today=TODAY)
        assert row.qr_days_left == expected


def test_validity_setting_is_used(database):
    from core.common.settings_store import set_setting

    with database.session() as session:
        set_setting(session, "wechat.qr_valid_days", 6)
        community_id = add_community(session)
        attach_qr(session, community_id, qr_images.qr_png(), date(2026, 11, 21), today=TODAY)
    with database.session() as session:
        (row,) = list_communities(session, today=TODAY)
        assert (row.qr_valid_days, row.qr_days_left) == (6, 2)


def test_content_kind():
    assert content_kind("https://weixin.qq.com/g/AbC") == "wechat_group"
    assert content_kind("https://work.weixin.qq.com/gm/xyz") == "wecom"
    assert content_kind("https://u.wechat.com/abc") == "wechat_personal"
    assert content_kind("https://qm.qq.com/q/abc") == "qq_group"
    assert content_kind("https://example.com") == "url"
    assert content_kind("hello") == "text"
    assert content_kind(None) == ""


def test_qr_info_for_the_panel(database):
    from core.communities.qr import qr_info

    png = qr_images.qr_png()
    with database.session() as session:
        community_id = add_community(session)
        assert qr_info(session, community_id, today=TODAY).image is None
        attach_qr(session, community_id, png, date(2026, 11, 23), today=TODAY)
        info = qr_info(session, community_id, today=TODAY)
    assert (info.image, info.content) == (png, qr_images.WECHAT_GROUP_URL)
    assert (info.generated_on, info.valid_days) == (date(2026, 11, 23), 7)
    assert (info.expires_on, info.days_left) == (date(2026, 11, 30), 5)


def test_a_missing_decoder_is_a_clear_message(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_zxing(name, *args, **kwargs):
        if name == "zxingcpp":
            raise ImportError("No module named 'zxingcpp'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_zxing)
    with pytest.raises(UserError, match="zxing-cpp"):
        decode_qr(qr_images.qr_png())
