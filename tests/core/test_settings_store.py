"""Data settings: defaults in code, stored values win, prefixes list a family of keys."""

from core.common.settings_store import get_setting, set_setting, settings_with_prefix


def test_defaults_then_stored_values(database):
    with database.session() as session:
        assert get_setting(session, "wechat.qr_valid_days") == 7
        assert get_setting(session, "no.such.key", "fallback") == "fallback"
        set_setting(session, "wechat.qr_valid_days", 6)
        set_setting(session, "import.mapping.abc", {"昵称": "nickname"})
    with database.session() as session:
        assert get_setting(session, "wechat.qr_valid_days") == 6
        set_setting(session, "wechat.qr_valid_days", 5)
    with database.session() as session:
        assert get_setting(session, "wechat.qr_valid_days") == 5
        assert settings_with_prefix(session, "import.mapping.") == {
            "import.mapping.abc": {"昵称": "nickname"}
        }
