"""Accounts and sessions (review F4, F8, F10, F11, F17): NIST passwords, look-alike names,
server-side sessions with idle and absolute timeouts, password change, the lockout policy and
the security event log."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from spasmnav.web import create_app
from spasmnav.web import sessions as sessions_module
from spasmnav.web.accounts import AccountError, check_new_password, username_skeleton
from spasmnav.web.security import Busy, Passwords
from spasmnav.web.sessions import Throttle, token_digest

from .support import PASSWORD, TestClient, make_settings

NEW_PASSWORD = "lilac teapot on the moon"


@pytest.fixture
def clinic(tmp_path: Path) -> Iterator[tuple[Any, Any]]:
    settings = make_settings(tmp_path, multi_user=True)
    app = create_app(settings)
    yield app, settings
    app.state.core.services.close()


def _client(app: Any, address: str = "10.0.0.1") -> TestClient:
    return TestClient(app, base_url="https://clinic.example", client=(address, 40000))


def _api_register(c: TestClient, name: str, password: str = PASSWORD) -> int:
    r = c.post("/api/v1/auth/register", json={"username": name, "password": password})
    return int(r.status_code)


def _api_login(c: TestClient, name: str, password: str) -> int:
    r = c.post("/api/v1/auth/login", json={"username": name, "password": password})
    return int(r.status_code)


@pytest.mark.parametrize(
    "weak",
    [
        "1234567890",
        "password12",
        "qwertyuiop",
        " " * 10,
        "\x00" * 10,
        "\u200b" * 10,
        "\u200bab\u200bcd\u200bef\u200b",  # 6 visible characters
        "ａｂｃｄｅｆｇｈｉｊ",  # full-width: NFKC makes it "abcdefghij"
        "aaaaaaaaaaaa",
        "iloveyou2000",
    ],
)
def test_weak_passwords_are_refused(weak: str) -> None:
    with pytest.raises(AccountError) as err:
        check_new_password(weak, username="anna")
    assert "Пароль" in str(err.value) or "пароль" in str(err.value)


@pytest.mark.parametrize("good", [PASSWORD, NEW_PASSWORD, "Зелёный чайник 1987", "k3#Vz!p9Qw"])
def test_strong_passwords_pass_without_composition_rules(good: str) -> None:
    check_new_password(good, username="anna")


def test_weak_password_over_the_api_is_a_russian_422(clinic: tuple[Any, Any]) -> None:
    app, _ = clinic
    with _client(app) as c:
        r = c.post("/api/v1/auth/register", json={"username": "weak1", "password": "1234567890"})
        assert r.status_code == 422 and "частых" in r.json()["detail"]
        r = c.post("/api/v1/auth/register", json={"username": "weak2", "password": " " * 10})
        assert r.status_code == 422


def test_look_alike_names_cannot_both_exist(clinic: tuple[Any, Any]) -> None:
    app, _ = clinic
    assert username_skeleton("аdmin") == username_skeleton("admin")  # Cyrillic а
    assert username_skeleton("реtr") == username_skeleton("petr")
    with (
        _client(app, "10.0.0.1") as a,
        _client(app, "10.0.0.2") as b,
        _client(app, "10.0.0.3") as d,
    ):
        assert _api_register(a, "admin.clinic") == 201
        r = b.post("/api/v1/auth/register", json={"username": "аdmin.clinic", "password": PASSWORD})
        assert r.status_code == 422 and "занято" in r.json()["detail"]
        assert _api_register(d, "...") == 422
        # The look-alike typed at login reaches the one account that exists.
        with _client(app, "10.0.0.4") as e:
            assert _api_login(e, "аdmin.clinic", PASSWORD) == 200


def test_the_cookie_is_a_random_id_looked_up_server_side(clinic: tuple[Any, Any]) -> None:
    app, settings = clinic
    with _client(app) as c:
        assert _api_register(c, "cookie.check") == 201
        cookie = c.cookies.get("__Host-spasmnav_session")
        assert cookie is not None
        sid = cookie.rsplit(".", 1)[0]
        assert len(sid) >= 32 and "cookie" not in cookie and '"u"' not in cookie
        engine = create_engine(settings.database_url)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, user_id FROM web_sessions")).all()
        engine.dispose()
        assert [r[0] for r in rows] == [token_digest(sid)]  # only the digest is stored
        set_cookie = c.get("/login").headers.get("set-cookie", "")
        assert "spasmnav_session=" not in set_cookie or "__Host-" in set_cookie


def test_host_prefix_only_with_secure_cookies(clinic: tuple[Any, Any], tmp_path: Path) -> None:
    app, _ = clinic
    with _client(app) as c:
        cookie = c.get("/login").headers["set-cookie"]
        assert cookie.startswith("__Host-spasmnav_session=")
        assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie
    single = create_app(make_settings(tmp_path / "one"))
    with TestClient(single, base_url="http://127.0.0.1") as c:
        assert c.get("/assess").headers["set-cookie"].startswith("spasmnav_session=")
    single.state.core.services.close()


def test_password_change_ends_every_other_session(clinic: tuple[Any, Any]) -> None:
    app, _ = clinic
    with _client(app, "10.0.0.1") as phone, _client(app, "10.0.0.2") as laptop:
        assert _api_register(phone, "changer") == 201
        assert _api_login(laptop, "changer", PASSWORD) == 200
        assert laptop.get("/api/v1/auth/me").status_code == 200
        old_cookie = phone.cookies.get("__Host-spasmnav_session")
        bad = phone.post(
            "/api/v1/auth/password",
            json={"current_password": "not my password", "new_password": NEW_PASSWORD},
        )
        assert bad.status_code == 403
        weak = phone.post(
            "/api/v1/auth/password",
            json={"current_password": PASSWORD, "new_password": "password12"},
        )
        assert weak.status_code == 422
        ok = phone.post(
            "/api/v1/auth/password",
            json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        )
        assert ok.status_code == 204
        assert phone.get("/api/v1/auth/me").status_code == 200  # this device stays in
        assert phone.cookies.get("__Host-spasmnav_session") != old_cookie  # with a new id
        assert laptop.get("/api/v1/auth/me").status_code == 401  # the other one is out
    with _client(app, "10.0.0.3") as fresh:
        assert _api_login(fresh, "changer", PASSWORD) == 401
        assert _api_login(fresh, "changer", NEW_PASSWORD) == 200


def test_password_change_page(clinic: tuple[Any, Any]) -> None:
    from .support import csrf

    app, _ = clinic
    with _client(app) as c:
        assert _api_register(c, "page.changer") == 201
        token = csrf(c, "/account/password")
        r = c.post(
            "/account/password",
            data={
                "current": PASSWORD,
                "password": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
                "csrf_token": token,
            },
            follow_redirects=False,
        )
        assert r.status_code == 303
        assert "Пароль изменён" in c.get(r.headers["location"]).text


def test_idle_and_absolute_timeouts(
    clinic: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, settings = clinic
    real = time.time
    with _client(app) as c:
        assert _api_register(c, "sleepy") == 201
        # Active within the idle limit again and again: still in, until the absolute limit.
        step = settings.session_idle_seconds - 60
        offset = 0.0
        while offset + step < settings.session_max_age_seconds:
            offset += step
            monkeypatch.setattr(sessions_module, "clock", lambda o=offset: real() + o)
            assert c.get("/api/v1/auth/me").status_code == 200, offset
        monkeypatch.setattr(
            sessions_module, "clock", lambda: real() + settings.session_max_age_seconds + 1
        )
        assert c.get("/api/v1/auth/me").status_code == 401
        monkeypatch.setattr(sessions_module, "clock", real)
        assert _api_login(c, "sleepy", PASSWORD) == 200
        monkeypatch.setattr(
            sessions_module, "clock", lambda: real() + settings.session_idle_seconds + 5
        )
        assert c.get("/api/v1/auth/me").status_code == 401


def test_strangers_cannot_lock_the_owner_out_of_a_known_device(clinic: tuple[Any, Any]) -> None:
    app, settings = clinic
    with _client(app, "10.0.0.1") as owner:
        assert _api_register(owner, "owner") == 201
        owner.post("/api/v1/auth/logout")
        # Strangers from many addresses use up the account's attempts.
        for i in range(settings.login_attempts):
            with _client(app, f"10.1.0.{i + 1}") as stranger:
                assert _api_login(stranger, "owner", "a wrong guess") == 401
        with _client(app, "10.2.0.1") as new_device:
            assert _api_login(new_device, "owner", PASSWORD) == 429
        # The owner's device that logged in before has its own budget.
        assert _api_login(owner, "owner", PASSWORD) == 200
    # …and that success cleared the account's count: a new device may log in again.
    with _client(app, "10.2.0.2") as other:
        assert _api_login(other, "owner", PASSWORD) == 200


def test_an_address_that_keeps_guessing_waits_longer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spasmnav.diary.store import Store

    store = Store(f"sqlite:///{tmp_path}/t.db")
    throttle = Throttle(store)
    now = time.time()
    monkeypatch.setattr(sessions_module, "clock", lambda: now)
    try:
        assert all(throttle.take("ip:x", limit=2, window=10, grow=True) is None for _ in range(2))
        first = throttle.take("ip:x", limit=2, window=10, grow=True)
        assert first is not None and first <= 10
        now += 11  # the next window: the limit was reached, so it is twice as long
        assert throttle.take("ip:x", limit=2, window=10, grow=True) is None
        assert throttle.take("ip:x", limit=2, window=10, grow=True) is None
        second = throttle.take("ip:x", limit=2, window=10, grow=True)
        assert second is not None and 10 < second <= 20
        now += 100  # a quiet spell: back to the normal window
        for _ in range(2):
            throttle.take("ip:x", limit=2, window=10, grow=True)
        now += 200
        assert throttle.take("ip:x", limit=2, window=10, grow=True) is None
    finally:
        store.close()


def test_password_hashing_is_bounded() -> None:
    passwords = Passwords(concurrency=1, wait=0.2)
    stored = passwords.hash(PASSWORD)
    passwords._slots.acquire()  # another request holds the only slot
    try:
        with pytest.raises(Busy):
            passwords.verify(stored, PASSWORD)
    finally:
        passwords._slots.release()
    passwords._wait = 60.0  # three at once now queue for the one slot and all finish
    results: list[bool] = []
    threads = [
        threading.Thread(target=lambda: results.append(passwords.verify(stored, PASSWORD)))
        for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [True, True, True]


def test_security_events_are_logged_without_personal_text(
    clinic: tuple[Any, Any], caplog: pytest.LogCaptureFixture
) -> None:
    app, _ = clinic
    caplog.set_level(logging.INFO, logger="spasmnav.security")
    with _client(app, "10.0.0.1") as c:
        assert _api_register(c, "agrippina.p") == 201
        c.post("/api/v1/auth/logout")
        assert _api_login(c, "agrippina.p", "Пантелеевна секрет") == 401
        assert _api_login(c, "nobody.here", "Пантелеевна секрет") == 401
        assert _api_login(c, "agrippina.p", PASSWORD) == 200
        assert c.get("/api/v1/diary/episodes/999").status_code == 404
        assert c.get("/api/v1/diary/export.csv").status_code == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "spasmnav.security"]
    events = [line.split()[0] for line in lines]
    assert "event=signup" in events and "event=logout" in events and "event=login_ok" in events
    assert events.count("event=login_failed") == 2
    assert "event=record_not_found" in events
    assert "event=export" in events
    text_all = "\n".join(lines)
    for secret in ("agrippina", "Пантелеевна", "nobody", "10.0.0.1", PASSWORD):
        assert secret not in text_all


def test_web_tables_match_their_migration(tmp_path: Path) -> None:
    """The ORM models of accounts, sessions and the throttle agree with revision 0004."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from spasmnav.diary.orm import Base
    from spasmnav.diary.store import make_engine, upgrade

    engine = make_engine(f"sqlite:///{tmp_path}/m.db")
    try:
        upgrade(engine)
        with engine.connect() as c:
            diff = compare_metadata(MigrationContext.configure(c), Base.metadata)
        assert {"users", "web_sessions", "login_throttle"} <= set(Base.metadata.tables)
        assert diff == [], diff
    finally:
        engine.dispose()


def test_migration_gives_existing_names_their_skeleton(tmp_path: Path) -> None:
    from spasmnav.diary.store import make_engine, upgrade

    engine = make_engine(f"sqlite:///{tmp_path}/old.db")
    try:
        upgrade(engine, "0003")
        with engine.begin() as c:
            for i, name in enumerate(["admin", "аdmin"], start=1):  # the second is Cyrillic
                c.execute(
                    text("INSERT INTO people (id, key, created_at) VALUES (:i, :k, '2024-01-01')"),
                    {"i": i, "k": f"user:{i}"},
                )
                c.execute(
                    text(
                        "INSERT INTO users (username, password_hash, person_id, session_epoch,"
                        " created_at) VALUES (:n, 'x', :i, 0, '2024-01-01')"
                    ),
                    {"n": name, "i": i},
                )
        upgrade(engine)
        with engine.connect() as c:
            rows = c.execute(text("SELECT username, username_skeleton FROM users ORDER BY id"))
            assert list(rows) == [("admin", "admin"), ("аdmin", None)]
    finally:
        engine.dispose()


def test_sign_up_cannot_be_used_to_list_names(clinic: tuple[Any, Any]) -> None:
    """Review F18: sign-up must say a name is taken (there is no e-mail to confirm by), so the
    probing it allows is bounded: every sign-up from an address counts, and past the limit the
    answer is a 429 that no longer says whether a name exists."""
    app, settings = clinic
    limit = settings.login_attempts
    with _client(app, "10.0.0.1") as owner:
        assert _api_register(owner, "anna.petrova") == 201
    with _client(app, "10.0.0.9") as prober:
        body = {"username": "anna.petrova", "password": PASSWORD}
        taken = [prober.post("/api/v1/auth/register", json=body) for _ in range(limit)]
        assert [r.status_code for r in taken] == [422] * limit
        assert all("занято" in r.json()["detail"] for r in taken)
        for name in ("anna.petrova", "nobody.here"):
            r = prober.post("/api/v1/auth/register", json={"username": name, "password": PASSWORD})
            assert r.status_code == 429
            assert "занято" not in r.text and r.headers["Retry-After"]
    # Another address is not affected.
    with _client(app, "10.0.0.10") as other:
        assert _api_register(other, "boris.ivanov") == 201
