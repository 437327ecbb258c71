"""Security: headers, hosts and origins, cookies, CSRF, login throttling, password storage,
and nothing personal in the logs."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from spasmnav.web import create_app

from .conftest import ClientFactory
from .support import PASSWORD, TestClient, csrf, make_settings, page_routes, register


@pytest.mark.parametrize("path", ["/", "/api/v1/health", "/no-such-page", "/static/style.css"])
def test_security_headers_on_every_response(client: TestClient, path: str) -> None:
    r = client.get(path)
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "same-origin"


def test_personal_pages_are_not_cached(client: TestClient) -> None:
    assert client.get("/diary").headers["cache-control"] == "no-store"
    assert client.get("/api/v1/diary/episodes").headers["cache-control"] == "no-store"


def test_single_user_mode_answers_only_to_loopback_hosts(client: TestClient) -> None:
    # A DNS-rebinding page would arrive with its own host name.
    r = client.get("/diary", headers={"host": "attacker.example"})
    assert r.status_code == 400
    assert client.get("/", headers={"host": "localhost:8000"}).status_code == 200
    assert client.get("/", headers={"host": "[::1]:8000"}).status_code == 200


def test_cross_site_requests_are_refused(client: TestClient) -> None:
    r = client.post(
        "/api/v1/diary/episodes",
        json={"kind": "cramp"},
        headers={"origin": "https://attacker.example"},
    )
    assert r.status_code == 403
    assert r.headers["content-type"] == "application/problem+json"
    same = client.post(
        "/api/v1/diary/episodes", json={"kind": "cramp"}, headers={"origin": "http://127.0.0.1"}
    )
    assert same.status_code == 201


def test_every_page_form_needs_the_csrf_token(client: TestClient) -> None:
    """Each unsafe page route refuses a form without the session's token."""
    client.get("/")
    checked = 0
    for method, path in page_routes():
        if method != "POST":
            continue
        url = path.replace("{episode_id}", "1")
        r = client.post(url, data={"text": "x", "kind": "cramp"})
        assert r.status_code in (403, 404), f"{path} accepted a form without a CSRF token"
        checked += 1
    assert checked >= 8


def test_session_cookie_flags_single_user(client: TestClient) -> None:
    r = client.get("/assess")
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http on 127.0.0.1


def test_session_cookie_is_secure_in_multi_user_mode(multi_client: ClientFactory) -> None:
    c = multi_client()
    cookie = c.get("/login").headers["set-cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "strict-transport-security" in c.get("/login").headers


def test_passwords_are_stored_as_argon2_hashes(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, multi_user=True)
    app = create_app(settings)
    with TestClient(app, base_url="https://clinic.example") as c:
        register(c, "nurse.anna")
    app.state.core.services.close()
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM users")).scalar_one()
    engine.dispose()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def _login(c: TestClient, username: str, password: str) -> int:
    token = csrf(c, "/login")
    r = c.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    return int(r.status_code)


def test_login_and_logout(multi_client: ClientFactory) -> None:
    c = multi_client()
    register(c, "ivan")
    assert c.get("/diary", follow_redirects=False).status_code == 200
    token = csrf(c, "/diary")
    c.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    r = c.get("/diary", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert _login(c, "ivan", PASSWORD) == 303
    assert c.get("/diary").status_code == 200


def test_logout_invalidates_the_old_cookie(multi_client: ClientFactory) -> None:
    c = multi_client()
    register(c, "olga")
    stolen = dict(c.cookies)
    c.post("/logout", data={"csrf_token": csrf(c, "/diary")}, follow_redirects=False)
    thief = multi_client()
    thief.cookies.update(stolen)
    assert thief.get("/api/v1/diary/episodes").status_code == 401


def test_wrong_password_then_throttled(multi_client: ClientFactory) -> None:
    c = multi_client()
    register(c, "petr")
    other = multi_client()
    for _ in range(5):
        assert _login(other, "petr", "wrong password!") == 401
    # Now even the right password waits: the counter is per name and per address.
    r_status = _login(other, "petr", PASSWORD)
    assert r_status == 429
    api = other.post("/api/v1/auth/login", json={"username": "petr", "password": PASSWORD})
    assert api.status_code == 429
    assert int(api.headers["retry-after"]) > 0
    assert "попыт" in api.json()["detail"]


def test_unknown_user_and_wrong_password_look_the_same(multi_client: ClientFactory) -> None:
    c = multi_client()
    register(c, "maria")
    a = multi_client().post("/api/v1/auth/login", json={"username": "maria", "password": "x"})
    b = multi_client().post("/api/v1/auth/login", json={"username": "nobody", "password": "x"})
    assert a.status_code == b.status_code == 401
    assert a.json()["detail"] == b.json()["detail"]


def test_api_login_session_and_me(multi_client: ClientFactory) -> None:
    c = multi_client()
    assert (
        c.post(
            "/api/v1/auth/register", json={"username": "clinic.user", "password": PASSWORD}
        ).status_code
        == 201
    )
    assert c.get("/api/v1/auth/me").json() == {"username": "clinic.user"}
    assert c.post("/api/v1/auth/logout").status_code == 204
    assert c.get("/api/v1/auth/me").status_code == 401
    fresh = multi_client()
    r = fresh.post("/api/v1/auth/login", json={"username": "clinic.user", "password": PASSWORD})
    assert r.status_code == 200
    assert fresh.get("/api/v1/diary/episodes").status_code == 200


def test_weak_password_and_taken_name(multi_client: ClientFactory) -> None:
    c = multi_client()
    r = c.post("/api/v1/auth/register", json={"username": "abc", "password": "short"})
    assert r.status_code == 422 and "Пароль" in r.json()["detail"]
    register(c, "taken")
    r = multi_client().post(
        "/api/v1/auth/register", json={"username": "TAKEN", "password": PASSWORD}
    )
    assert r.status_code == 422 and "занято" in r.json()["detail"]


def test_open_redirect_after_login_is_refused(multi_client: ClientFactory) -> None:
    c = multi_client()
    register(c, "redir")
    c.post("/logout", data={"csrf_token": csrf(c, "/diary")}, follow_redirects=False)
    token = csrf(c, "/login")
    r = c.post(
        "/login",
        data={
            "username": "redir",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert r.headers["location"] == "/diary"


def test_nothing_personal_in_the_logs(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    secret_words = "Мою соседку зовут Агриппина Пантелеевна"
    caplog.set_level(logging.DEBUG)
    token = csrf(client, "/diary")
    client.post("/assess", data={"text": secret_words, "csrf_token": token})
    client.post("/api/v1/assess", json={"text": secret_words})
    client.post(
        "/diary/episodes", data={"kind": "cramp", "note": secret_words, "csrf_token": token}
    )
    client.post("/api/v1/diary/episodes", json={"kind": "cramp", "note": secret_words})
    client.post("/api/v1/assess", json={"text": secret_words, "bad": 1})
    assert "Агриппина" not in caplog.text


def test_unexpected_errors_are_a_russian_500_without_details(
    app: Any, client: TestClient, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(text: str, checks: object = None) -> None:
        raise RuntimeError("secret: " + text)

    monkeypatch.setattr(app.state.core.navigator, "assess_text", boom)
    r = client.post("/api/v1/assess", json={"text": "Агриппина"})
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/problem+json"
    assert "Агриппина" not in r.text and "Traceback" not in r.text
    assert "Агриппина" not in caplog.text
    assert "RuntimeError" in caplog.text
