"""The web app: one core object (:class:`WebCore`) and the FastAPI app built around it.

``create_app(settings)`` is all a caller needs (the CLI, the tests, an ASGI server via
``spasmnav.web.app:app_from_env``). The core holds what lives as long as the process: settings,
the content pack, templates, the signing secret, the diary store, accounts and the login throttle.
Route handlers stay thin: they read input, call the core or the library, and render.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from .. import __version__
from ..settings import Settings, get_settings
from .problems import (
    PROBLEM_JSON,
    Problem,
    install_problem_handlers,
    problem_body,
    render_error,
    wants_problem,
)
from .security import SAVED_SCOPE_KEY, SESSION_SCOPE_KEY, WebGuard
from .templating import TEMPLATES_DIR
from .views import (
    account,
    api,
    api_auth,
    api_diary,
    api_fhir,
    api_interview,
    cds,
    checkin,
    clinic,
    diary,
    interview,
    pages,
)
from .webcore import WebCore, is_loopback

__all__ = ["WebCore", "app_from_env", "create_app", "is_loopback"]

log = logging.getLogger("spasmnav.web")

STATIC_DIR = TEMPLATES_DIR.parent / "static"
API_PREFIX = "/api/v1"


def create_app(settings: Settings | None = None, *, core: WebCore | None = None) -> FastAPI:
    """Build the web app for these settings (from the environment when not given), around
    ``core`` when given (for a navigator of its own)."""
    settings = settings or (core.settings if core is not None else get_settings())
    core = core or WebCore(settings)
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

    app.include_router(api.router, prefix=API_PREFIX)
    app.include_router(api_auth.router, prefix=API_PREFIX)
    app.include_router(pages.router)
    app.include_router(account.router)
    app.include_router(interview.router)
    app.include_router(api_interview.router, prefix=API_PREFIX)
    app.include_router(api_diary.router, prefix=API_PREFIX)
    app.include_router(api_fhir.router, prefix=API_PREFIX)
    app.include_router(cds.router, prefix=API_PREFIX)
    app.include_router(diary.router)
    app.include_router(clinic.router)
    app.include_router(checkin.router)

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
        # What the person typed (kept by the CSRF check): shown back, never lost.
        saved = scope.get(SAVED_SCOPE_KEY) or {}
        again = "То, что вы ввели, показано ниже: отправьте его ещё раз. " if saved else ""
        problem = Problem(
            500,
            "Что-то пошло не так на нашей стороне, и ничего не сохранено. "
            f"{again}Попробуйте ещё раз. Код ошибки: {ref}.",
            code="internal",
            saved=saved,
        )
        cause = _storage_cause(exc)
        if cause is not None:
            problem = Problem(
                503,
                f"{cause}попробуйте ещё раз. {again}Код ошибки: {ref}.",
                code="storage",
                saved=saved,
                headers={"Retry-After": "30"},
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

    # Inside WebGuard (added first, so nearer the routes): the assessment past the router.
    app.add_middleware(api.AssessShortcut, path=f"{API_PREFIX}/assess")
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


def _storage_cause(exc: BaseException) -> str | None:
    """The Russian cause of a database failure (disk full, read-only, busy), if it is one."""
    module = type(exc).__module__
    if module.startswith("spasmnav.diary"):
        from ..diary.models import DiaryError

        if isinstance(exc, DiaryError):
            return f"{str(exc).rstrip('.')}. Ничего не сохранено; исправьте это и "
    if not module.startswith(("sqlalchemy", "sqlite3", "psycopg")):
        return None
    from ..diary.store import storage_problem

    return storage_problem(exc)


def app_from_env() -> FastAPI:
    """ASGI factory for servers: ``uvicorn --factory spasmnav.web.app:app_from_env``."""
    _log_security_events()
    app = create_app(get_settings())
    app.state.core.freeze_pending = True  # a server process: see WebCore.settle_heap
    return app


def _log_security_events() -> None:
    """Security events (logins, refusals, denied look-ups, exports) as one line each on stderr,
    ``<time> spasmnav.security event=… user=…``, whatever uvicorn's log level."""
    events = logging.getLogger("spasmnav.security")
    if events.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
    events.addHandler(handler)
    events.setLevel(logging.INFO)
    events.propagate = False
