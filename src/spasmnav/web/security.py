"""Security of the web app: headers, sessions, CSRF, request limits, login throttling, passwords.

One pure ASGI middleware (:class:`WebGuard`) does the per-request work, so the cost per request
stays a few microseconds:

* refuses bodies over the limit (413) and, in single-user mode, Host headers that are not
  loopback (a DNS-rebinding page cannot reach the diary on 127.0.0.1);
* refuses unsafe requests whose ``Origin`` is another site (403);
* loads the signed session cookie lazily and writes it back only when it changed;
* adds the security headers (CSP without inline scripts or styles, frame-ancestors, nosniff);
* turns an unexpected exception into a Russian 500 page or problem, logging only its class.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from fastapi import HTTPException
from itsdangerous import BadSignature, URLSafeTimedSerializer

__all__ = [
    "CSP",
    "SESSION_COOKIE",
    "Passwords",
    "RateLimiter",
    "Session",
    "WebGuard",
    "csrf_token_for",
    "csrf_valid",
]

log = logging.getLogger("spasmnav.web")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SESSION_COOKIE = "spasmnav_session"
SESSION_SCOPE_KEY = "spasmnav.session"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

_BASE_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on the
    # app's own form posts, and the origin check below needs the real one.
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


# Sessions ------------------------------------------------------------------------------------


@dataclass(slots=True)
class Session:
    """What the signed cookie carries: a random id (for CSRF), the user and the user's epoch.

    The epoch is stored with the account and raised at logout, which invalidates every cookie
    issued before (a stateless cookie cannot otherwise be revoked).
    """

    sid: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    user_id: int | None = None
    epoch: int = 0
    changed: bool = False
    cleared: bool = False

    def login(self, user_id: int, epoch: int) -> None:
        # A fresh id at login: a session fixed by someone else before login is worthless after.
        self.sid = secrets.token_urlsafe(18)
        self.user_id = user_id
        self.epoch = epoch
        self.changed = True

    def logout(self) -> None:
        self.sid = secrets.token_urlsafe(18)
        self.user_id = None
        self.epoch = 0
        self.changed = True


class SessionCodec:
    def __init__(self, secret: bytes, max_age: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="spasmnav.session")
        self.max_age = max_age

    def dumps(self, session: Session) -> str:
        data = {"s": session.sid, "u": session.user_id, "e": session.epoch}
        return str(self._serializer.dumps(data))

    def loads(self, raw: str) -> Session | None:
        try:
            data = self._serializer.loads(raw, max_age=self.max_age)
        except (BadSignature, ValueError, TypeError):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("s"), str):
            return None
        uid, epoch = data.get("u"), data.get("e", 0)
        if uid is not None and not isinstance(uid, int):
            return None
        if not isinstance(epoch, int):
            return None
        return Session(sid=data["s"], user_id=uid, epoch=epoch)


class LazySession:
    """Parses the cookie on first use, creates a session only when a page needs one."""

    __slots__ = ("_codec", "_loaded", "_raw", "_session")

    def __init__(self, codec: SessionCodec, raw: str | None) -> None:
        self._codec = codec
        self._raw = raw
        self._loaded = False
        self._session: Session | None = None

    def peek(self) -> Session | None:
        """The session from the cookie, if any (never creates one)."""
        if not self._loaded:
            self._loaded = True
            self._session = self._codec.loads(self._raw) if self._raw else None
        return self._session

    def get(self) -> Session:
        """The session, created (and later sent as a cookie) if there was none."""
        s = self.peek()
        if s is None:
            s = self._session = Session(changed=True)
        return s


def csrf_token_for(secret: bytes, sid: str) -> str:
    return hmac.new(secret, b"csrf:" + sid.encode(), hashlib.sha256).hexdigest()


def csrf_valid(secret: bytes, session: Session | None, token: str | None) -> bool:
    if session is None or not token:
        return False
    return hmac.compare_digest(csrf_token_for(secret, session.sid), token)


# The middleware ------------------------------------------------------------------------------


def _header(scope: Scope, name: bytes) -> str | None:
    for k, v in scope.get("headers", ()):
        if k == name:
            return str(v.decode("latin-1"))
    return None


def _host_only(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class WebGuard:
    """The one per-request security layer (see the module docstring)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        codec: SessionCodec,
        max_body: int,
        loopback_only: bool,
        secure_cookies: bool,
        on_error: Callable[[Scope, Exception], Awaitable[Any]],
        on_refuse: Callable[[Scope, int, str, str], Awaitable[Any]],
    ) -> None:
        self.app = app
        self.codec = codec
        self.max_body = max_body
        self.loopback_only = loopback_only
        self.secure_cookies = secure_cookies
        self.on_error = on_error
        self.on_refuse = on_refuse
        attrs = "; Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if secure_cookies else "")
        self._cookie_attrs = attrs + f"; Max-Age={codec.max_age}"
        self._clear_attrs = attrs + "; Max-Age=0"
        self._headers = list(_BASE_HEADERS)
        if secure_cookies:
            self._headers.append((b"strict-transport-security", b"max-age=31536000"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal is not None:
            await self._respond(scope, receive, send, *refusal)
            return
        raw = None
        cookie_header = _header(scope, b"cookie")
        if cookie_header and SESSION_COOKIE in cookie_header:
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(cookie_header)
            except Exception:  # a malformed cookie header is the client's problem, not ours
                jar = SimpleCookie()
            morsel = jar.get(SESSION_COOKIE)
            raw = morsel.value if morsel is not None else None
        lazy = LazySession(self.codec, raw)
        scope[SESSION_SCOPE_KEY] = lazy
        static = scope["path"].startswith("/static/")
        started = False
        seen = 0

        async def guarded_receive() -> Message:
            # Bodies without Content-Length (chunked) are counted as they arrive.
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise HTTPException(413)
            return message

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                headers.extend(self._headers)
                if static:
                    headers.append((b"cache-control", b"public, max-age=3600"))
                elif not any(k == b"cache-control" for k, _ in headers):
                    # Pages and answers hold personal health data: never cache them.
                    headers.append((b"cache-control", b"no-store"))
                session = lazy._session
                if session is not None and session.changed:
                    value = self.codec.dumps(session)
                    headers.append(
                        (b"set-cookie", f"{SESSION_COOKIE}={value}{self._cookie_attrs}".encode())
                    )
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, guarded_receive, send_with_headers)
        except Exception as exc:
            if started:
                raise
            response = await self.on_error(scope, exc)
            await response(scope, receive, send_with_headers)

    def _refusal(self, scope: Scope) -> tuple[int, str, str] | None:
        if self.loopback_only:
            host = _header(scope, b"host")
            if host is not None and _host_only(host) not in _LOOPBACK_HOSTS:
                return (
                    400,
                    "bad-host",
                    "Без режима для клиники SpasmNav отвечает только по адресу 127.0.0.1.",
                )
        length = _header(scope, b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_body
            except ValueError:
                return 400, "bad-request", "Неверный заголовок Content-Length."
            if too_big:
                return (
                    413,
                    "too-large",
                    f"Запрос слишком большой: не больше {self.max_body // 1024} КБ.",
                )
        if scope["method"] in _UNSAFE:
            origin = _header(scope, b"origin")
            # "null" (sandboxed frames, some privacy settings) proves nothing either way; the
            # CSRF token and the JSON-only API still stand behind it.
            if origin is not None and origin != "null":
                host = _header(scope, b"host") or ""
                if urlsplit(origin).netloc.lower() != host.lower():
                    return (
                        403,
                        "cross-site",
                        "Запрос пришёл с чужого сайта и отклонён.",
                    )
        return None

    async def _respond(
        self, scope: Scope, receive: Receive, send: Send, status: int, code: str, detail: str
    ) -> None:
        response = await self.on_refuse(scope, status, code, detail)
        headers = self._headers

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *headers]
            await send(message)

        await response(scope, receive, send_with_headers)


# Login throttling ----------------------------------------------------------------------------


class RateLimiter:
    """Counts failures per key in a sliding window; in memory, per process."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _prune(self, key: str, now: float) -> deque[float]:
        q = self._hits.setdefault(key, deque())
        while q and q[0] <= now - self.window:
            q.popleft()
        return q

    def retry_after(self, *keys: str) -> int | None:
        """Seconds to wait if any key is over the limit, else None."""
        now = time.monotonic()
        worst: float | None = None
        with self._lock:
            for key in keys:
                q = self._prune(key, now)
                if len(q) >= self.limit:
                    wait = q[0] + self.window - now
                    worst = wait if worst is None else max(worst, wait)
        return None if worst is None else max(1, int(worst + 0.999))

    def fail(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._prune(key, now).append(now)
            if len(self._hits) > 100_000:  # bound memory under a flood of distinct keys
                self._hits = {k: q for k, q in self._hits.items() if q}

    def reset(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._hits.pop(key, None)


# Passwords -----------------------------------------------------------------------------------


class Passwords:
    """argon2id hashing; checking an unknown user costs the same as a known one."""

    def __init__(self) -> None:
        self._hasher = PasswordHasher()
        self._dummy = self._hasher.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        return str(self._hasher.hash(password))

    def verify(self, stored: str | None, password: str) -> bool:
        try:
            return bool(self._hasher.verify(stored or self._dummy, password)) and stored is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        return bool(self._hasher.check_needs_rehash(stored))


def dumps_json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
