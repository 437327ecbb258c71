"""Dependencies as named ``Annotated`` types: the core, the diary store, the person, CSRF."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Path, Request

from ..diary.models import KEPT_TEXTS
from ..settings import Settings
from .problems import Problem
from .security import SAVED_SCOPE_KEY, csrf_valid, security_event
from .webcore import WebCore

if TYPE_CHECKING:
    from ..diary.store import Store

__all__ = [
    "AdminDep",
    "ClinicianDep",
    "CoreDep",
    "CsrfProtected",
    "JsonOnly",
    "PersonDep",
    "RecordId",
    "SettingsDep",
    "StoreDep",
    "UserDep",
    "check_csrf",
    "is_json_type",
    "require_json",
]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# A record id in a URL: the diary's ids are 32-bit integers (INTEGER on PostgreSQL), so
# anything larger is refused as invalid (422) rather than reaching the database.
RecordId = Annotated[int, Path(ge=1, le=2_147_483_647, description="Номер записи")]


# The trivial dependencies are coroutines: FastAPI runs a plain function in the thread pool,
# and a thread hop per dependency costs more than the dependency (and, under the GIL, slows the
# event loop's own work: bench/web.py).
async def get_core(request: Request) -> WebCore:
    core: WebCore = request.app.state.core
    return core


CoreDep = Annotated[WebCore, Depends(get_core)]


async def get_settings_dep(core: CoreDep) -> Settings:
    return core.settings


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def get_store(core: CoreDep) -> Store:
    return core.services.store()


StoreDep = Annotated["Store", Depends(get_store)]


def get_user(request: Request, core: CoreDep) -> Any:
    return core.current_user(request)


UserDep = Annotated[Any, Depends(get_user)]


def get_person_id(request: Request, core: CoreDep) -> int:
    """Whose diary this request may touch: always from the session, never from the client.

    Single-user mode: the one default person. Multi-user mode: the logged-in account's person,
    else 401 (pages redirect to the login form).
    """
    if not core.settings.multi_user:
        return core.services.store().default_person_id()
    user = core.current_user(request)
    if user is None:
        raise Problem(401, "Войдите, чтобы открыть свой дневник.", code="login-required")
    if getattr(user, "role", "patient") != "patient":
        raise Problem(
            403,
            "Это учётная запись сотрудника клиники: своего дневника у неё нет. "
            "Пациенты — на странице «Пациенты».",
            code="not-a-patient",
        )
    person_id: int = user.person_id
    return person_id


PersonDep = Annotated[int, Depends(get_person_id)]


def _staff(request: Request, core: WebCore, role: str) -> Any:
    if not core.settings.multi_user:
        raise Problem(404, "Страницы клиники есть только в режиме для клиники (--multi-user).")
    user = core.current_user(request)
    if user is None:
        raise Problem(401, "Войдите, чтобы открыть страницы клиники.", code="login-required")
    if user.role != role:
        title = "врачей" if role == "clinician" else "администраторов"
        raise Problem(403, f"Эта страница только для {title} клиники.", code="wrong-role")
    return user


def get_clinician(request: Request, core: CoreDep) -> Any:
    """The logged-in clinician (401 when logged out, 403 for any other role)."""
    return _staff(request, core, "clinician")


def get_admin(request: Request, core: CoreDep) -> Any:
    return _staff(request, core, "admin")


ClinicianDep = Annotated[Any, Depends(get_clinician)]
AdminDep = Annotated[Any, Depends(get_admin)]


async def check_csrf(request: Request, core: CoreDep) -> None:
    """Every form that changes something carries the session's CSRF token (or the
    ``X-CSRF-Token`` header, which htmx sends)."""
    if request.method in SAFE_METHODS:
        return
    token = request.headers.get("x-csrf-token")
    saved: dict[str, str] = {}
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get("csrf_token")
        if token is None and isinstance(value, str):
            token = value
        for key in KEPT_TEXTS:
            item = form.get(key)
            if isinstance(item, str) and item.strip():
                saved[key] = item
        request.scope[SAVED_SCOPE_KEY] = saved
    if not csrf_valid(core.secret, core.peek_session(request), token):
        security_event("csrf_refused")
        raise Problem(
            403,
            "Страница устарела или открыта с другого сайта, поэтому мы ничего не изменили. "
            "Вернитесь назад, обновите страницу и отправьте ещё раз.",
            code="csrf",
            saved=saved,
        )


CsrfProtected = Depends(check_csrf)


async def require_json(request: Request) -> None:
    """API requests with a body must say it is JSON: 415 otherwise.

    Besides clarity this closes a CSRF path: a foreign page can post a form or text/plain
    without asking, but not application/json.
    """
    if request.method in SAFE_METHODS or request.method == "DELETE":
        return
    if not is_json_type(request.headers.get("content-type", "")):
        raise Problem(415)


def is_json_type(content_type: str) -> bool:
    """``application/json`` or a ``+json`` type, parameters (``; charset=…``) aside."""
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


JsonOnly = Depends(require_json)
