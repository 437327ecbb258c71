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
import re
import secrets
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from fastapi import HTTPException
from itsdangerous import BadSignature, Signer

__all__ = [
    "CSP",
    "DEVICE_COOKIE",
    "HOST_SESSION_COOKIE",
    "SESSION_COOKIE",
    "Busy",
    "ExportSlots",
    "Passwords",
    "Session",
    "WebGuard",
    "address_tag",
    "csrf_token_for",
    "csrf_valid",
    "read_cookie",
    "security_event",
    "session_cookie_name",
]

log = logging.getLogger("spasmnav.web")
security_log = logging.getLogger("spasmnav.security")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SESSION_COOKIE = "spasmnav_session"
HOST_SESSION_COOKIE = "__Host-spasmnav_session"
DEVICE_COOKIE = "spasmnav_device"
HOST_DEVICE_COOKIE = "__Host-spasmnav_device"
DEVICE_MAX_AGE = 180 * 24 * 3600
# A route may set the device cookie (see login.py) by putting its value here.
DEVICE_SCOPE_KEY = "spasmnav.device"
SESSION_SCOPE_KEY = "spasmnav.session"
# The texts a form carried (set by the CSRF check), for error pages to show back.
SAVED_SCOPE_KEY = "spasmnav.saved"

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

_SID_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


def session_cookie_name(secure: bool) -> str:
    """``__Host-`` when the cookie is Secure (browsers then refuse it from a sub-domain or a
    plain-HTTP page); the plain name on http://127.0.0.1, where a prefixed cookie is refused."""
    return HOST_SESSION_COOKIE if secure else SESSION_COOKIE


@dataclass(slots=True)
class Session:
    """What the cookie carries: one random id, nothing else.

    The id keys the CSRF token; once logged in, it is also the login, looked up server-side
    (:class:`spasmnav.web.sessions.ServerSessions`): the cookie reveals neither the user nor any
    time, and a login ends when its row is deleted (logout, password change, timeouts).
    """

    sid: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    changed: bool = False

    def rotate(self) -> str:
        """A fresh id (at login and logout: an id fixed by someone else before is worthless)."""
        self.sid = secrets.token_urlsafe(32)
        self.changed = True
        return self.sid


class SessionCodec:
    """The cookie value: the random id, signed (junk is refused before any database look-up)."""

    def __init__(self, secret: bytes, max_age: int) -> None:
        self._signer = Signer(secret, salt="spasmnav.session.v2")
        self.max_age = max_age

    def dumps(self, session: Session) -> str:
        return str(self._signer.sign(session.sid).decode())

    def loads(self, raw: str) -> Session | None:
        try:
            sid = self._signer.unsign(raw).decode()
        except (BadSignature, ValueError, TypeError, UnicodeError):
            return None
        if not _SID_RE.match(sid):
            return None
        return Session(sid=sid)


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


def read_cookie(scope: Scope, name: str) -> str | None:
    """One cookie's value from the request (None when absent or the header is malformed)."""
    cookie_header = _header(scope, b"cookie")
    if not cookie_header or name not in cookie_header:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(cookie_header)
    except Exception:  # a malformed cookie header is the client's problem, not ours
        return None
    morsel = jar.get(name)
    return morsel.value if morsel is not None else None


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
        self.cookie_name = session_cookie_name(secure_cookies)
        self.device_cookie_name = HOST_DEVICE_COOKIE if secure_cookies else DEVICE_COOKIE
        self._cookie_attrs = attrs + f"; Max-Age={codec.max_age}"
        self._device_attrs = attrs + f"; Max-Age={DEVICE_MAX_AGE}"
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
        raw = read_cookie(scope, self.cookie_name)
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
                        (b"set-cookie", f"{self.cookie_name}={value}{self._cookie_attrs}".encode())
                    )
                device = scope.get(DEVICE_SCOPE_KEY)
                if isinstance(device, str):
                    cookie = f"{self.device_cookie_name}={device}{self._device_attrs}"
                    headers.append((b"set-cookie", cookie.encode()))
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


# Passwords -----------------------------------------------------------------------------------


class Busy(Exception):
    """Every password-hashing slot stayed taken: the server is overloaded (503)."""


class Passwords:
    """argon2id hashing; checking an unknown user costs the same as a known one.

    At most ``concurrency`` hashes run at once in a process (each takes 64 MiB), so a flood of
    logins queues instead of exhausting memory; a request that waits longer than ``wait``
    seconds gets :class:`Busy`.
    """

    def __init__(self, *, concurrency: int = 2, wait: float = 10.0) -> None:
        self._hasher = PasswordHasher()
        self._dummy = self._hasher.hash(secrets.token_urlsafe(16))
        self._slots = threading.BoundedSemaphore(concurrency)
        self._wait = wait

    def _slot(self) -> None:
        if not self._slots.acquire(timeout=self._wait):
            raise Busy

    def hash(self, password: str) -> str:
        self._slot()
        try:
            return str(self._hasher.hash(password))
        finally:
            self._slots.release()

    def verify(self, stored: str | None, password: str) -> bool:
        self._slot()
        try:
            return bool(self._hasher.verify(stored or self._dummy, password)) and stored is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
        finally:
            self._slots.release()

    def needs_rehash(self, stored: str) -> bool:
        return bool(self._hasher.check_needs_rehash(stored))


# Exports -------------------------------------------------------------------------------------


class ExportSlots:
    """How many exports each person has running in this process: a second big export of the
    same diary waits its turn (the caller answers 429) instead of doubling the work."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._running: dict[int, int] = {}
        self._lock = threading.Lock()

    def acquire(self, person_id: int) -> bool:
        with self._lock:
            if self._running.get(person_id, 0) >= self.limit:
                return False
            self._running[person_id] = self._running.get(person_id, 0) + 1
            return True

    def release(self, person_id: int) -> None:
        with self._lock:
            left = self._running.get(person_id, 1) - 1
            if left <= 0:
                self._running.pop(person_id, None)
            else:
                self._running[person_id] = left


# Security events -----------------------------------------------------------------------------

_EVENT_VALUE = re.compile(r"^[A-Za-z0-9_.:/{}-]{1,80}$")


def security_event(event: str, **fields: int | str | None) -> None:
    """One structured line (logfmt) per security decision: ``event=login_failed user=4 …``.

    Only ids, fixed words, route templates and keyed address tags go in (never a name, a
    password, an address or anything the person typed): a value that is not a plain token is
    written as ``?``.
    """
    parts = [f"event={event}"]
    for key, value in fields.items():
        if value is None:
            text = "-"
        elif isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, int):
            text = str(value)
        else:
            text = value if _EVENT_VALUE.match(value) else "?"
        parts.append(f"{key}={text}")
    security_log.info(" ".join(parts))


def address_tag(secret: bytes, address: str) -> str:
    """A keyed pseudonym of a client address: events from one address can be matched up, the
    address itself is not in the log."""
    return hmac.new(secret, b"addr:" + address.encode(), hashlib.sha256).hexdigest()[:12]


def dumps_json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
