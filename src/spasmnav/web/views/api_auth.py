"""Accounts over the API (multi-user mode): log in for a session cookie, log out, who am I."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from ..accounts import AccountError
from ..deps import CoreDep, JsonOnly
from ..login import LoginFailed, change_password, end_session, log_in, sign_up
from ..problems import Problem
from .api import PROBLEM_RESPONSES, _problem, json_response

__all__ = ["router"]

router = APIRouter(
    prefix="/auth",
    tags=["auth"],
    responses={
        **PROBLEM_RESPONSES,
        401: _problem("Неверное имя или пароль / нужно войти"),
        404: _problem("Режим для одного человека: входа нет"),
        429: _problem("Слишком много попыток входа"),
    },
)


class Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1000)


class Me(BaseModel):
    username: str


def _multi_user(core: CoreDep) -> None:
    if not core.settings.multi_user:
        raise Problem(404, "Вход не нужен: SpasmNav работает для одного человека.")


@router.post("/login", response_model=Me, dependencies=[JsonOnly], summary="Войти")
def login(body: Credentials, request: Request, core: CoreDep) -> Response:
    _multi_user(core)
    try:
        account = log_in(core, request, username=body.username, password=body.password)
    except LoginFailed as exc:
        raise Problem(exc.status, exc.detail, headers=exc.headers) from None
    return json_response({"username": account.username})


@router.post(
    "/register", response_model=Me, status_code=201, dependencies=[JsonOnly], summary="Создать"
)
def register(body: Credentials, request: Request, core: CoreDep) -> Response:
    _multi_user(core)
    if not core.settings.allow_signup:
        raise Problem(403, "Учётные записи создаёт администратор клиники.")
    try:
        account = sign_up(core, request, username=body.username, password=body.password)
    except LoginFailed as exc:
        raise Problem(exc.status, exc.detail, headers=exc.headers) from None
    except AccountError as exc:
        raise Problem(422, str(exc)) from None
    return json_response({"username": account.username}, status_code=201)


@router.post("/logout", status_code=204, summary="Выйти (на всех устройствах)")
def logout(request: Request, core: CoreDep) -> Response:
    _multi_user(core)
    end_session(core, request)
    return Response(status_code=204)


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=1000)
    new_password: str = Field(min_length=1, max_length=1000)


@router.post(
    "/password",
    status_code=204,
    dependencies=[JsonOnly],
    summary="Сменить пароль (вход на других устройствах закончится)",
    responses={403: _problem("Текущий пароль неверен")},
)
def password(body: PasswordChange, request: Request, core: CoreDep) -> Response:
    _multi_user(core)
    try:
        change_password(core, request, current=body.current_password, new=body.new_password)
    except LoginFailed as exc:
        raise Problem(exc.status, exc.detail, headers=exc.headers) from None
    except AccountError as exc:
        raise Problem(422, str(exc)) from None
    return Response(status_code=204)


@router.get("/me", response_model=Me, summary="Кто вошёл")
def me(request: Request, core: CoreDep) -> Response:
    _multi_user(core)
    user = core.current_user(request)
    if user is None:
        raise Problem(401, "Вы не вошли.")
    return json_response({"username": user.username})
