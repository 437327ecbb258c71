"""The web app: one core object (:class:`WebCore`) and the FastAPI app built around it.

``create_app(settings)`` is all a caller needs (the CLI, the tests, an ASGI server via
``spasmnav.web.app:app_from_env``). The core holds what lives as long as the process: settings,
the content pack, templates, the signing secret, the diary store, accounts and the login throttle.
Route handlers stay thin: they read input, call the core or the library, and render.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from .. import __version__
from ..content import Pack, load_pack
from ..settings import Settings, default_data_dir, get_settings
from .problems import PROBLEM_JSON, Problem, install_problem_handlers, problem_body, wants_problem
from .security import (
    SESSION_SCOPE_KEY,
    LazySession,
    Passwords,
    RateLimiter,
    Session,
    SessionCodec,
    WebGuard,
    csrf_token_for,
)
from .templating import TEMPLATES_DIR, make_templates, render_error

__all__ = ["WebCore", "app_from_env", "create_app", "is_loopback"]

log = logging.getLogger("spasmnav.web")

STATIC_DIR = TEMPLATES_DIR.parent / "static"
API_PREFIX = "/api/v1"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def is_loopback(host: str) -> bool:
    return host in LOOPBACK or host.startswith("127.")


def _load_secret(settings: Settings) -> bytes:
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

    def __init__(self, settings: Settings, *, pack: Pack | None = None) -> None:
        self.settings = settings
        self.pack = pack or load_pack()
        self.templates = make_templates()
        self.secret = _load_secret(settings)
        secure = (
            settings.secure_cookies if settings.secure_cookies is not None else settings.multi_user
        )
        self.secure_cookies = secure
        self.codec = SessionCodec(self.secret, settings.session_max_age_seconds)
        self.passwords = Passwords() if settings.multi_user else None
        self.login_limiter = RateLimiter(settings.login_attempts, settings.login_window_seconds)
        self.signup_limiter = RateLimiter(settings.login_attempts, settings.login_window_seconds)
        from .services import Services

        self.services = Services(self)

    # What is available -------------------------------------------------------------------

    @property
    def diary_ready(self) -> bool:
        return self.services.diary_ready

    @property
    def interview_ready(self) -> bool:
        return self.services.interview_ready

    # Sessions ----------------------------------------------------------------------------

    @staticmethod
    def session(request: Request) -> Session:
        lazy: LazySession = request.scope[SESSION_SCOPE_KEY]
        return lazy.get()

    @staticmethod
    def peek_session(request: Request) -> Session | None:
        lazy: LazySession | None = request.scope.get(SESSION_SCOPE_KEY)
        return lazy.peek() if lazy is not None else None

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
        if session is not None and session.user_id is not None:
            user = self.services.accounts().get(session.user_id)
            if user is not None and user.epoch != session.epoch:
                user = None
        request.scope["spasmnav.user"] = user
        return user


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the web app for these settings (from the environment when not given)."""
    settings = settings or get_settings()
    core = WebCore(settings)
    app = FastAPI(
        title="SpasmNav API",
        version=__version__,
        description=(
            "Оценка подёргиваний, спазмов и судорог в ногах: насколько это опасно и что делать. "
            "Справочный помощник, не диагноз. Ошибки — RFC 9457 (application/problem+json) "
            "с `detail` по-русски."
        ),
        openapi_url=f"{API_PREFIX}/openapi.json",
        # Swagger UI and ReDoc load scripts from a CDN; the pages make no external requests.
        docs_url=None,
        redoc_url=None,
    )
    app.state.core = core
    install_problem_handlers(app)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")

    from .views import account, api, api_auth, interview, pages

    app.include_router(api.router, prefix=API_PREFIX)
    app.include_router(api_auth.router, prefix=API_PREFIX)
    app.include_router(pages.router)
    app.include_router(account.router)
    app.include_router(interview.router)
    if core.interview_ready:
        from .views import api_interview

        app.include_router(api_interview.router, prefix=API_PREFIX)
    if core.diary_ready:
        from .views import api_diary, diary

        app.include_router(api_diary.router, prefix=API_PREFIX)
        app.include_router(diary.router)

    async def on_error(scope: Any, exc: Exception) -> Response:
        ref = secrets.token_hex(4)
        route = scope.get("route")
        log.error(
            "unexpected %s at %s %s [ref %s]",
            type(exc).__name__,
            scope.get("method"),
            getattr(route, "path", "?"),
            ref,
        )
        request = Request(scope)
        problem = Problem(
            500,
            "Что-то пошло не так на нашей стороне. Ваши данные не потеряны; попробуйте ещё раз. "
            f"Код ошибки: {ref}.",
            code="internal",
        )
        return _respond(request, problem)

    async def on_refuse(scope: Any, status: int, code: str, detail: str) -> Response:
        return _respond(Request(scope), Problem(status, detail, code=code))

    def _respond(request: Request, problem: Problem) -> Response:
        request.scope.setdefault("app", app)
        if wants_problem(request) or SESSION_SCOPE_KEY not in request.scope:
            return JSONResponse(
                problem_body(
                    problem.status, problem.detail, code=problem.code, instance=request.url.path
                ),
                status_code=problem.status,
                media_type=PROBLEM_JSON,
            )
        try:
            return render_error(request, problem)
        except Exception:  # the error page itself failed: fall back to plain problem+json
            return JSONResponse(
                problem_body(
                    problem.status, problem.detail, code=problem.code, instance=request.url.path
                ),
                status_code=problem.status,
                media_type=PROBLEM_JSON,
            )

    app.add_middleware(
        WebGuard,
        codec=core.codec,
        max_body=settings.max_body_bytes,
        loopback_only=not settings.multi_user,
        secure_cookies=core.secure_cookies,
        on_error=on_error,
        on_refuse=on_refuse,
    )
    return app


def app_from_env() -> FastAPI:
    """ASGI factory for servers: ``uvicorn --factory spasmnav.web.app:app_from_env``."""
    return create_app(get_settings())
