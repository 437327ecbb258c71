"""Login, logout and sign-up pages (multi-user mode only; 404 for a single person)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..accounts import AccountError
from ..deps import CoreDep, CsrfProtected
from ..login import LoginFailed, change_password, end_session, log_in, sign_up
from ..problems import Problem
from ..templating import render

__all__ = ["router"]

router = APIRouter(dependencies=[CsrfProtected], include_in_schema=False)


def _multi_user_only(core: CoreDep) -> None:
    if not core.settings.multi_user:
        raise Problem(
            404, "Вход не нужен: SpasmNav работает для одного человека на этом компьютере."
        )


def _safe_next(target: str | None) -> str:
    # Only paths on this site: "//evil.example" or "https://…" would be an open redirect.
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/diary"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, core: CoreDep, next: str | None = None) -> HTMLResponse:
    _multi_user_only(core)
    return render(request, "login.html", {"next": _safe_next(next), "error": None, "username": ""})


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    core: CoreDep,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=500)] = "/diary",
) -> Response:
    _multi_user_only(core)
    try:
        account = log_in(core, request, username=username, password=password)
    except LoginFailed as exc:
        return render(
            request,
            "login.html",
            {"next": _safe_next(next), "error": exc.detail, "username": username},
            status_code=exc.status,
            headers=exc.headers,
        )
    target = _safe_next(next)
    if target == "/diary" and account.role != "patient":
        # Staff have no diary of their own: their home is the clinic's page.
        target = "/clinic" if account.role == "clinician" else "/admin"
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
def logout(request: Request, core: CoreDep) -> Response:
    _multi_user_only(core)
    end_session(core, request)
    return RedirectResponse("/", status_code=303)


@router.get("/account/password", response_class=HTMLResponse)
def password_form(request: Request, core: CoreDep, done: bool = False) -> Response:
    _multi_user_only(core)
    if core.current_user(request) is None:
        return RedirectResponse("/login?next=/account/password", status_code=303)
    return render(request, "password.html", {"error": None, "done": done})


@router.post("/account/password", response_class=HTMLResponse)
def password_change(
    request: Request,
    core: CoreDep,
    current: Annotated[str, Form(max_length=1000)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    password2: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    _multi_user_only(core)
    if core.current_user(request) is None:
        return RedirectResponse("/login?next=/account/password", status_code=303)
    try:
        if password != password2:
            raise AccountError("Новые пароли не совпадают.")
        change_password(core, request, current=current, new=password)
    except LoginFailed as exc:
        return render(
            request,
            "password.html",
            {"error": exc.detail, "done": False},
            status_code=exc.status,
            headers=exc.headers,
        )
    except AccountError as exc:
        return render(request, "password.html", {"error": str(exc), "done": False}, status_code=422)
    return RedirectResponse("/account/password?done=1", status_code=303)


@router.get("/register", response_class=HTMLResponse)
def register_form(request: Request, core: CoreDep) -> HTMLResponse:
    _multi_user_only(core)
    if not core.settings.allow_signup:
        raise Problem(403, "Учётные записи создаёт администратор клиники.")
    return render(request, "register.html", {"error": None, "username": ""})


@router.post("/register", response_class=HTMLResponse)
def register(
    request: Request,
    core: CoreDep,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    password2: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    _multi_user_only(core)
    if not core.settings.allow_signup:
        raise Problem(403, "Учётные записи создаёт администратор клиники.")
    try:
        if password != password2:
            raise AccountError("Пароли не совпадают.")
        sign_up(core, request, username=username, password=password)
    except LoginFailed as exc:
        return render(
            request,
            "register.html",
            {"error": exc.detail, "username": username},
            status_code=exc.status,
            headers=exc.headers,
        )
    except AccountError as exc:
        return render(
            request, "register.html", {"error": str(exc), "username": username}, status_code=422
        )
    return RedirectResponse("/diary", status_code=303)
