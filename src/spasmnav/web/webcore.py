"""The web app's one core object, :class:`WebCore`: what lives as long as the process.

It holds the settings, the :class:`spasmnav.core.Navigator` (pack, engine, reader), the
templates, the signing secret and the lazily opened services (diary store, accounts), and is
usable in-process without HTTP (tests, embedding). Route modules reach it through
``deps.CoreDep``; nothing here imports the app or the views, so the web package has no cycle.
"""

from __future__ import annotations

import gc
import ipaddress
import os
import secrets
from pathlib import Path
from typing import Any

from fastapi import Request

from ..content import Pack
from ..core import Navigator, default_navigator
from ..settings import Settings, default_data_dir
from .security import (
    SESSION_SCOPE_KEY,
    ExportSlots,
    LazySession,
    Passwords,
    Session,
    SessionCodec,
    address_tag,
    csrf_token_for,
)
from .services import Services
from .templating import make_templates

__all__ = ["LOOPBACK", "WebCore", "is_loopback", "load_secret"]

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def is_loopback(host: str) -> bool:
    """A loopback address or ``localhost``; a name such as ``127.attacker.example`` is not."""
    if host in LOOPBACK:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def load_secret(settings: Settings) -> bytes:
    """The configured key, else one created once and kept (0600) in the data directory, so
    forms and logins survive a restart."""
    if settings.secret_key:
        return settings.secret_key.encode()
    path = default_data_dir() / "secret_key"
    try:
        return path.read_bytes().strip() or _write_secret(path)
    except FileNotFoundError:
        return _write_secret(path)


def _write_secret(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    return key


class WebCore:
    """Everything the routes share; usable in-process without HTTP (tests, embedding)."""

    def __init__(
        self,
        settings: Settings,
        *,
        pack: Pack | None = None,
        navigator: Navigator | None = None,
    ) -> None:
        """``navigator`` (or a ``pack`` to build one from) defaults to the process-wide one."""
        self.settings = settings
        if navigator is None:
            navigator = Navigator(pack) if pack is not None else default_navigator()
        self.navigator = navigator
        self.pack = navigator.pack
        self.templates = make_templates(self.pack)
        self.secret = load_secret(settings)
        secure = (
            settings.secure_cookies if settings.secure_cookies is not None else settings.multi_user
        )
        self.secure_cookies = secure
        self.codec = SessionCodec(self.secret, settings.session_max_age_seconds)
        self.passwords = (
            Passwords(concurrency=settings.password_hash_concurrency)
            if settings.multi_user
            else None
        )
        self.services = Services(settings)
        self.export_slots = ExportSlots(settings.export_concurrency)
        # Set by the server's app factory (app_from_env): freeze the heap once warm.
        self.freeze_pending = False

    def settle_heap(self) -> None:
        """Once the reader is built (after the first text assessed) in a server process:
        what is loaded by then (the pack, the engine, pymorphy3's dictionaries, the reader:
        some 150,000 objects) lives as long as the process, so ``gc.freeze()`` takes it out of
        the cyclic collector's sight. A full collection then walks only what came later
        instead of stopping every request for 100-300 ms (the p99 of ``bench/web.py``).
        Frozen objects are still freed when nothing refers to them; only cyclic garbage of that
        moment would stay, and there is almost none (``gc.collect()`` finds about ten objects).
        Not done in tests and embedding, where apps come and go in one process.

        No ``malloc_trim``: glibc's ``malloc_trim(0)`` after every 1,000 of 40,000 new texts
        gave back under 1 MiB of 166 (0.1 ms a call). What the server's memory keeps after its
        caches are full is Python's own small-object arenas, partly used, which only Python
        frees (a whole arena at a time); ``MALLOC_ARENA_MAX`` does not apply either (one
        thread, the event loop's, runs the assessments). Bounding the caches is what holds it
        (``engine._MEMO_LIMIT``)."""
        if self.freeze_pending:
            self.freeze_pending = False
            gc.freeze()

    # Sessions ----------------------------------------------------------------------------

    @staticmethod
    def session(request: Request) -> Session:
        lazy: LazySession = request.scope[SESSION_SCOPE_KEY]
        return lazy.get()

    @staticmethod
    def peek_session(request: Request) -> Session | None:
        lazy: LazySession | None = request.scope.get(SESSION_SCOPE_KEY)
        return lazy.peek() if lazy is not None else None

    def address_tag(self, address: str) -> str:
        return address_tag(self.secret, address)

    def csrf_token(self, request: Request) -> str:
        return csrf_token_for(self.secret, self.session(request).sid)

    def current_user(self, request: Request) -> Any:
        """The logged-in account in multi-user mode (``None`` otherwise or when logged out)."""
        if not self.settings.multi_user:
            return None
        cached = request.scope.get("spasmnav.user", False)
        if cached is not False:
            return cached
        session = self.peek_session(request)
        user = None
        if session is not None:
            user_id = self.services.sessions().resolve(session.sid)
            if user_id is not None:
                user = self.services.accounts().get(user_id)
        request.scope["spasmnav.user"] = user
        return user
