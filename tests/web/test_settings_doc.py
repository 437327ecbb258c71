"""Every setting has one home and a description (datasette's habit): SPASMNAV_<NAME>."""

from __future__ import annotations

from spasmnav.settings import Settings


def test_every_setting_is_documented() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description and len(field.description) > 10, f"{name} has no description"


def test_web_settings_have_safe_defaults() -> None:
    s = Settings.model_validate({"database_url": "sqlite://"})
    assert s.host == "127.0.0.1" and not s.multi_user
    assert s.max_body_bytes <= 1024 * 1024
    assert s.login_attempts <= 10
