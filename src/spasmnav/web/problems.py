"""Errors as RFC 9457 problem details (``application/problem+json``), in Russian.

API routes answer with a problem object; pages answer with a readable Russian error page. No
error ever shows a traceback, and nothing the person typed is written to the log.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse

from .templating import render

__all__ = [
    "PROBLEM_JSON",
    "STATUS_TITLES",
    "Problem",
    "install_problem_handlers",
    "problem_body",
    "render_error",
    "validation_messages",
    "wants_problem",
]

PROBLEM_JSON = "application/problem+json"

STATUS_TITLES: dict[int, str] = {
    400: "Неверный запрос",
    401: "Нужно войти",
    403: "Доступ запрещён",
    404: "Не найдено",
    405: "Метод не поддерживается",
    406: "Формат ответа не поддерживается",
    409: "Конфликт",
    413: "Слишком большой запрос",
    415: "Неподдерживаемый формат данных",
    422: "Данные не подходят",
    429: "Слишком много попыток",
    500: "Внутренняя ошибка",
    503: "Сервис недоступен",
}

_DEFAULT_DETAILS: dict[int, str] = {
    400: "Запрос составлен неверно.",
    401: "Чтобы продолжить, войдите в свою учётную запись.",
    403: "У вас нет доступа к этому.",
    404: "Такой страницы или записи нет.",
    405: "Этот адрес не поддерживает такой метод запроса.",
    406: "Сервер не может ответить в запрошенном формате.",
    413: "Запрос слишком большой.",
    415: "Отправьте данные в формате JSON (Content-Type: application/json).",
    422: "Данные не подходят.",
    429: "Слишком много попыток. Подождите немного и попробуйте снова.",
    500: "Что-то пошло не так на нашей стороне, и ничего не сохранено. Попробуйте ещё раз.",
    503: "Сервис временно недоступен.",
}


class Problem(Exception):
    """An error to show as it is: HTTP status, a short code and a Russian ``detail``."""

    def __init__(
        self,
        status: int,
        detail: str | None = None,
        *,
        code: str | None = None,
        errors: Iterable[str] = (),
        headers: Mapping[str, str] | None = None,
        saved: Mapping[str, str] | None = None,
    ) -> None:
        self.status = status
        self.detail = detail or _DEFAULT_DETAILS.get(status, STATUS_TITLES.get(status, "Ошибка."))
        self.code = code or _slug(status)
        self.errors = list(errors)
        self.headers = dict(headers or {})
        self.saved = dict(saved or {})
        super().__init__(self.detail)


def _slug(status: int) -> str:
    return {
        400: "bad-request",
        401: "unauthorized",
        403: "forbidden",
        404: "not-found",
        405: "method-not-allowed",
        406: "not-acceptable",
        409: "conflict",
        413: "too-large",
        415: "unsupported-media-type",
        422: "invalid",
        429: "too-many-requests",
        500: "internal",
    }.get(status, f"http-{status}")


def problem_body(
    status: int, detail: str, *, code: str, instance: str, errors: list[str] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"urn:spasmnav:problem:{code}",
        "title": STATUS_TITLES.get(status, "Ошибка"),
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    if errors:
        body["errors"] = errors
    return body


def wants_problem(request: Request) -> bool:
    """API routes and clients that asked for JSON get problem+json; browsers get a page."""
    if request.url.path.startswith("/api/"):
        return True
    accept = request.headers.get("accept", "")
    return "json" in accept and "text/html" not in accept


_FIELD_NAMES: dict[str, str] = {
    "text": "текст",
    "findings": "находки",
    "state": "состояние опроса",
    "link_id": "вопрос",
    "value": "ответ",
    "finding_id": "находка",
    "present": "есть или нет",
    "subject": "о ком",
    "username": "имя пользователя",
    "password": "пароль",
}


def _field(loc: Iterable[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie")]
    if not parts:
        return ""
    name = parts[0]
    return _FIELD_NAMES.get(name, name) + ("." + ".".join(parts[1:]) if len(parts) > 1 else "")


def validation_messages(errors: Iterable[Mapping[str, Any]]) -> list[str]:
    """Pydantic / FastAPI errors as short Russian lines naming the field."""
    out: list[str] = []
    for err in errors:
        kind = str(err.get("type", ""))
        ctx = err.get("ctx") or {}
        field = _field(err.get("loc", ()))
        if kind == "missing":
            msg = "не указано"
        elif kind == "json_invalid":
            msg = "тело запроса — не JSON"
        elif kind in ("string_type",):
            msg = "нужна строка"
        elif kind in ("string_too_long", "too_long"):
            msg = f"слишком длинно (не больше {ctx.get('max_length')})"
        elif kind in ("string_too_short", "too_short"):
            msg = "пусто"
        elif kind.startswith("int") or kind in ("int_parsing",):
            msg = "нужно целое число"
        elif kind.startswith("float"):
            msg = "нужно число"
        elif kind.startswith("bool"):
            msg = "нужно true или false"
        elif kind in ("greater_than_equal", "greater_than"):
            msg = f"должно быть не меньше {ctx.get('ge', ctx.get('gt'))}"
        elif kind in ("less_than_equal", "less_than"):
            msg = f"должно быть не больше {ctx.get('le', ctx.get('lt'))}"
        elif kind == "literal_error" or kind == "enum":
            msg = f"можно только: {ctx.get('expected', '')}"
        elif kind == "extra_forbidden":
            msg = "лишнее поле"
        elif kind in ("dict_type", "model_type", "model_attributes_type"):
            msg = "ожидается объект JSON"
        elif kind == "list_type":
            msg = "ожидается список"
        elif kind.startswith(("datetime", "date")):
            msg = "неверная дата или время (например, 2024-05-01T23:30)"
        elif kind == "value_error":
            msg = str(ctx.get("error", err.get("msg", "неверное значение")))
        elif kind == "string_pattern_mismatch":
            msg = "неверный формат"
        else:
            msg = "неверное значение"
        out.append(f"{field}: {msg}" if field else msg)
    return out


def _problem_response(request: Request, problem: Problem) -> Response:
    if wants_problem(request):
        return JSONResponse(
            problem_body(
                problem.status,
                problem.detail,
                code=problem.code,
                instance=request.url.path,
                errors=problem.errors,
            ),
            status_code=problem.status,
            media_type=PROBLEM_JSON,
            headers=problem.headers,
        )
    if problem.status == 401:
        # A page that needs a login sends the browser to the login form, then back.
        from fastapi.responses import RedirectResponse

        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    return render_error(request, problem)


def install_problem_handlers(app: FastAPI) -> None:
    async def on_problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Problem)
        return _problem_response(request, exc)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        detail = exc.detail if isinstance(exc.detail, str) and _is_russian(exc.detail) else None
        return _problem_response(
            request, Problem(exc.status_code, detail, headers=exc.headers or None)
        )

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors = list(exc.errors())
        if any(e.get("type") == "json_invalid" for e in errors):
            return _problem_response(
                request,
                Problem(400, "Тело запроса — не JSON или JSON с ошибкой.", code="bad-json"),
            )
        messages = validation_messages(errors)
        return _problem_response(
            request,
            Problem(
                422,
                "Данные не подходят: " + "; ".join(messages[:5]),
                code="invalid",
                errors=messages,
            ),
        )

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)


def _is_russian(text: str) -> bool:
    return any("а" <= ch.lower() <= "я" or ch in "ёЁ" for ch in text)


def render_error(request: Request, problem: Problem) -> HTMLResponse:
    """The error page (the person's typed text shown back, so nothing is lost)."""
    return render(
        request,
        "error.html",
        {
            "status": problem.status,
            "title": STATUS_TITLES.get(problem.status, "Ошибка"),
            "detail": problem.detail,
            "errors": problem.errors,
            # Never lose what the person typed: show it back so it can be sent again.
            "saved": problem.saved,
        },
        status_code=problem.status,
        headers=problem.headers,
    )
