"""Logging in, signing up, changing the password and logging out, shared by pages and the API.

The throttle (:class:`spasmnav.web.sessions.Throttle`, in the database, shared by every worker)
counts each attempt *before* the password is checked, so parallel guesses cannot pass more than
``settings.login_attempts`` checks per ``login_window_seconds``:

* per client address, with a growing wait: an address that used up its attempts in one window
  gets a window twice as long next time (up to 64 windows);
* per account, with a fixed window, so a stranger cannot lock the owner out for long; and the
  owner's *known device* (a signed cookie set at each successful login) is counted on its own
  budget instead of the account's, so guesses from elsewhere never lock the owner out on the
  device they used before. A successful login clears the account's count.

The client address is the peer's, or the one a proxy listed in ``settings.trusted_proxies``
forwarded (uvicorn resolves it; nothing else believes X-Forwarded-For).

Helpers other parts build on: :func:`start_session` (a new server-side login for an account on
this request), :func:`end_session`, :func:`client_address`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request

from .accounts import (
    Account,
    AccountError,
    check_new_credentials,
    check_new_password,
    normalize_password,
    username_skeleton,
)
from .security import (
    DEVICE_COOKIE,
    DEVICE_SCOPE_KEY,
    HOST_DEVICE_COOKIE,
    Busy,
    read_cookie,
    security_event,
)
from .webcore import WebCore

__all__ = [
    "LoginFailed",
    "change_password",
    "client_address",
    "end_session",
    "log_in",
    "sign_up",
    "start_session",
]


class LoginFailed(Exception):
    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.detail = detail
        self.headers = headers or {}
        super().__init__(detail)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "?"


def _too_many(wait: int) -> LoginFailed:
    minutes = max(1, round(wait / 60))
    return LoginFailed(
        429,
        f"Слишком много попыток входа. Подождите {minutes} мин. и попробуйте снова.",
        {"Retry-After": str(wait)},
    )


def _busy() -> LoginFailed:
    return LoginFailed(
        503,
        "Сервер сейчас занят проверкой других входов. Попробуйте ещё раз через минуту.",
        {"Retry-After": "30"},
    )


# Known devices -------------------------------------------------------------------------------


def _device_mac(core: WebCore, token: str, skeleton: str) -> str:
    msg = f"device:{token}:{skeleton}".encode()
    return hmac.new(core.secret, msg, hashlib.sha256).hexdigest()[:32]


def _known_device(core: WebCore, request: Request, skeleton: str) -> str | None:
    """The id of this browser if it logged in to this account before (its signed cookie)."""
    name = HOST_DEVICE_COOKIE if core.secure_cookies else DEVICE_COOKIE
    raw = read_cookie(request.scope, name)
    if not raw or raw.count(".") != 1:
        return None
    token, mac = raw.split(".")
    if len(token) > 64 or not hmac.compare_digest(mac, _device_mac(core, token, skeleton)):
        return None
    return token


def _remember_device(core: WebCore, request: Request, skeleton: str) -> None:
    token = secrets.token_urlsafe(16)
    request.scope[DEVICE_SCOPE_KEY] = f"{token}.{_device_mac(core, token, skeleton)}"


# Sessions ------------------------------------------------------------------------------------


def start_session(core: WebCore, request: Request, account: Account) -> None:
    """Log ``account`` in on this request: a fresh session id, stored server-side."""
    session = core.session(request)
    old = core.peek_session(request)
    if old is not None:
        core.services.sessions().end(old.sid)
    sid = session.rotate()
    core.services.sessions().create(sid, account.id)
    request.scope["spasmnav.user"] = account


def end_session(core: WebCore, request: Request, *, everywhere: bool = True) -> None:
    """Log out: this session (and, by default, every other session of the user) ends."""
    user = core.current_user(request)
    session = core.peek_session(request)
    if session is not None:
        core.services.sessions().end(session.sid)
    if user is not None:
        if everywhere:
            core.services.sessions().end_all(user.id)
        security_event("logout", user=user.id)
    core.session(request).rotate()
    request.scope["spasmnav.user"] = None


# Logging in ----------------------------------------------------------------------------------


def log_in(core: WebCore, request: Request, *, username: str, password: str) -> Account:
    settings = core.settings
    throttle = core.services.throttle()
    address = client_address(request)
    tag = core.address_tag(address)
    limit, window = settings.login_attempts, settings.login_window_seconds
    wait = throttle.take(f"ip:{address}", limit=limit, window=window, grow=True)
    if wait is not None:
        security_event("login_refused", reason="address_limit", addr=tag)
        raise _too_many(wait)
    skeleton = username_skeleton(username.strip())[:64]
    device = _known_device(core, request, skeleton)
    account_key = f"dev:{device}" if device else f"user:{skeleton}"
    wait = throttle.take(account_key, limit=limit, window=window)
    if wait is not None:
        security_event(
            "login_refused", reason="device_limit" if device else "account_limit", addr=tag
        )
        raise _too_many(wait)
    assert core.passwords is not None
    accounts = core.services.accounts()
    account = accounts.by_username(username) if username.strip() else None
    normalized = normalize_password(password)
    try:
        # The hash is checked even for an unknown name, so timing does not reveal which exist.
        ok = core.passwords.verify(account.password_hash if account else None, normalized)
        if not ok and account is not None and normalized != password:
            ok = core.passwords.verify(account.password_hash, password)  # hashed before NFKC
    except Busy:
        throttle.refund(account_key)
        security_event("login_refused", reason="busy", addr=tag)
        raise _busy() from None
    if account is None or not ok:
        security_event(
            "login_failed",
            reason="unknown_user" if account is None else "bad_password",
            user=account.id if account else None,
            addr=tag,
        )
        raise LoginFailed(401, "Неверное имя пользователя или пароль.")
    # Success: the account's count starts again, and this attempt does not count at the address.
    throttle.clear(f"user:{skeleton}")
    if device:
        throttle.clear(account_key)
    throttle.refund(f"ip:{address}")
    try:
        if core.passwords.needs_rehash(account.password_hash) or normalized != password:
            accounts.set_password_hash(
                user_id=account.id, password_hash=core.passwords.hash(normalized)
            )
    except Busy:
        pass  # the rehash can wait for the next login
    start_session(core, request, account)
    _remember_device(core, request, skeleton)
    security_event("login_ok", user=account.id, addr=tag, device="known" if device else "new")
    return account


def sign_up(core: WebCore, request: Request, *, username: str, password: str) -> Account:
    settings = core.settings
    address = client_address(request)
    tag = core.address_tag(address)
    # Every sign-up counts, good or bad: accounts are not free to make.
    wait = core.services.throttle().take(
        f"signup:{address}", limit=settings.login_attempts, window=settings.login_window_seconds
    )
    if wait is not None:
        security_event("signup_refused", reason="address_limit", addr=tag)
        raise LoginFailed(
            429,
            "Слишком много новых учётных записей с этого адреса. Попробуйте позже.",
            {"Retry-After": str(wait)},
        )
    try:
        name = check_new_credentials(username, password)
    except AccountError:
        security_event("signup_refused", reason="weak_or_bad_name", addr=tag)
        raise
    assert core.passwords is not None
    try:
        password_hash = core.passwords.hash(normalize_password(password))
    except Busy:
        raise _busy() from None
    try:
        account = core.services.accounts().create(username=name, password_hash=password_hash)
    except AccountError:
        security_event("signup_refused", reason="name_taken", addr=tag)
        raise
    start_session(core, request, account)
    _remember_device(core, request, username_skeleton(name))
    security_event("signup", user=account.id, addr=tag)
    return account


def change_password(core: WebCore, request: Request, *, current: str, new: str) -> Account:
    """Change the logged-in user's password (the current one is checked, with the throttle);
    every other session of the user ends, this one gets a new id."""
    user: Account | None = core.current_user(request)
    if user is None:
        raise LoginFailed(401, "Войдите, чтобы сменить пароль.")
    settings = core.settings
    throttle = core.services.throttle()
    key = f"pwchange:{user.id}"
    wait = throttle.take(key, limit=settings.login_attempts, window=settings.login_window_seconds)
    if wait is not None:
        security_event("password_change_refused", reason="limit", user=user.id)
        raise _too_many(wait)
    assert core.passwords is not None
    try:
        ok = core.passwords.verify(user.password_hash, normalize_password(current))
        if not ok and normalize_password(current) != current:
            ok = core.passwords.verify(user.password_hash, current)
    except Busy:
        throttle.refund(key)
        raise _busy() from None
    if not ok:
        security_event("password_change_refused", reason="bad_password", user=user.id)
        raise LoginFailed(403, "Текущий пароль введён неверно. Пароль не изменён.")
    check_new_password(new, username=user.username)
    if normalize_password(new) == normalize_password(current):
        raise AccountError("Новый пароль совпадает с текущим. Выберите другой.")
    try:
        password_hash = core.passwords.hash(normalize_password(new))
    except Busy:
        raise _busy() from None
    core.services.accounts().set_password_hash(user_id=user.id, password_hash=password_hash)
    throttle.clear(key)
    ended = core.services.sessions().end_all(user.id)
    start_session(core, request, user)
    security_event("password_changed", user=user.id, ended_sessions=ended)
    return user
