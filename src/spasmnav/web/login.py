"""Logging in and signing up, shared by the pages and the API, with throttling.

Failed logins are counted per client address and per account name; after
``settings.login_attempts`` failures within ``login_window_seconds`` both are refused with 429
until the window passes. A successful login clears the name's counter.
"""

from __future__ import annotations

from fastapi import Request

from .accounts import Account, AccountError, check_new_credentials, normalize_username
from .webcore import WebCore

__all__ = ["LoginFailed", "log_in", "sign_up"]


class LoginFailed(Exception):
    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.detail = detail
        self.headers = headers or {}
        super().__init__(detail)


def _keys(request: Request, username: str) -> tuple[str, str]:
    client = request.client.host if request.client else "?"
    return f"ip:{client}", f"user:{normalize_username(username)[:64]}"


def _throttle(core: WebCore, *keys: str) -> None:
    wait = core.login_limiter.retry_after(*keys)
    if wait is not None:
        minutes = max(1, round(wait / 60))
        raise LoginFailed(
            429,
            f"Слишком много неудачных попыток входа. Подождите {minutes} мин. и попробуйте снова.",
            {"Retry-After": str(wait)},
        )


def log_in(core: WebCore, request: Request, *, username: str, password: str) -> Account:
    ip_key, user_key = _keys(request, username)
    _throttle(core, ip_key, user_key)
    assert core.passwords is not None
    accounts = core.services.accounts()
    account = accounts.by_username(username) if username.strip() else None
    # The hash is checked even for an unknown name, so timing does not reveal which names exist.
    ok = core.passwords.verify(account.password_hash if account else None, password)
    if account is None or not ok:
        core.login_limiter.fail(ip_key, user_key)
        raise LoginFailed(401, "Неверное имя пользователя или пароль.")
    core.login_limiter.reset(user_key)
    if core.passwords.needs_rehash(account.password_hash):
        accounts.set_password_hash(user_id=account.id, password_hash=core.passwords.hash(password))
    core.session(request).login(account.id, account.epoch)
    request.scope["spasmnav.user"] = account
    return account


def sign_up(core: WebCore, request: Request, *, username: str, password: str) -> Account:
    ip_key, _ = _keys(request, username)
    wait = core.signup_limiter.retry_after(ip_key)
    if wait is not None:
        raise LoginFailed(
            429,
            "Слишком много новых учётных записей с этого адреса. Попробуйте позже.",
            {"Retry-After": str(wait)},
        )
    name = check_new_credentials(username, password)
    assert core.passwords is not None
    try:
        account = core.services.accounts().create(
            username=name, password_hash=core.passwords.hash(password)
        )
    except AccountError:
        core.signup_limiter.fail(ip_key)
        raise
    core.signup_limiter.fail(ip_key)  # every sign-up counts: accounts are not free to make
    core.session(request).login(account.id, account.epoch)
    request.scope["spasmnav.user"] = account
    return account
