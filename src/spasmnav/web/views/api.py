"""The REST API under ``/api/v1``: assessment, pack metadata; interview and diary routers join it.

Answers are JSON; errors are problem+json with a Russian ``detail``. The assessment returns the
contract of DESIGN.md as the engine produced it (serialised once, not re-validated: it is the
hot path).
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Coroutine
from typing import Any, Literal

import orjson
from fastapi import APIRouter, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    ValidationError,
    model_validator,
)
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Receive, Scope, Send

from ... import __version__
from ...assessing import FindingsError, check_facts
from ...content import LEVELS
from ...language import MAX_TEXT_CHARS, TextError
from ...result import json_bytes
from ..deps import CoreDep, JsonOnly, is_json_type
from ..problems import PROBLEM_JSON, Problem, problem_body
from ..webcore import WebCore
from .schemas import AssessmentOut, PackInfo

__all__ = ["PROBLEM_RESPONSES", "AssessShortcut", "FindingValue", "json_response", "router"]

MAX_API_TEXT = 4 * MAX_TEXT_CHARS
# Strict: "yes" is not true here; a finding is true, false, null (unknown) or a number.
FindingValue = StrictBool | StrictInt | StrictFloat | None

_PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "string"}},
    },
}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": _PROBLEM_SCHEMA}}}


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _problem("Неверный запрос (например, тело — не JSON)"),
    413: _problem("Слишком большой запрос"),
    415: _problem("Тело не в формате JSON"),
    422: _problem("Данные не подходят; в detail — что именно"),
}

router = APIRouter(responses=PROBLEM_RESPONSES)


def dumps(obj: Any) -> bytes:
    """Compact UTF-8 JSON by orjson, the standard library for what orjson refuses
    (:func:`spasmnav.result.json_bytes`)."""
    return json_bytes(obj)


def json_response(obj: Any, status_code: int = 200) -> Response:
    return Response(dumps(obj), status_code=status_code, media_type="application/json")


class AssessRequest(BaseModel):
    """Either the person's own words (``text``) or structured ``findings``."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"text": "После инсульта по вечерам дёргается правая нога"},
                {"findings": {"cramp": True, "at_night": True}},
            ]
        },
    )

    text: str | None = Field(
        default=None,
        max_length=MAX_API_TEXT,
        description=f"Описание своими словами (разбираются первые {MAX_TEXT_CHARS} знаков).",
    )
    findings: dict[str, FindingValue] | None = Field(
        default=None,
        description="Находки по id из пакета: true/false/null или число (для числовых).",
    )
    checks: dict[str, Literal["yes", "no", "unknown"]] | None = Field(
        default=None,
        description=(
            "Ответы на проверки опасных признаков из red_flags_unchecked: id проверки → "
            "yes / no / unknown («не знаю» оставляет проверку открытой). Только вместе с text."
        ),
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> AssessRequest:
        if (self.text is None) == (self.findings is None):
            raise ValueError("укажите ровно одно: text или findings")
        return self


class Health(BaseModel):
    status: str = "ok"
    version: str


@router.get("/health", response_model=Health, summary="Проверка, что сервис работает")
async def health() -> Response:
    return Response(_HEALTH, media_type="application/json")


_HEALTH = json.dumps({"status": "ok", "version": __version__}).encode()


async def assess_endpoint(body: AssessRequest, core: CoreDep) -> Response:
    return Response(_assess(body, core), media_type="application/json")


def _assess(body: AssessRequest, core: WebCore) -> bytes:
    """The assessment's JSON (DESIGN.md), written once: the items shared between results go in
    as the bytes written the first time (``Assessment.to_json_bytes``)."""
    # Pure CPU for about a millisecond and no I/O: run it on the event loop. A thread pool
    # would add a hand-off per request and, under the GIL, no parallelism (bench/web.py:
    # about 1.4x the throughput this way).
    try:
        nav = core.navigator
        if body.text is not None:
            result = nav.assess_text(body.text, body.checks)
        else:
            facts = nav.parse_findings({"findings": body.findings})
            if body.checks:
                facts = {**facts, **check_facts(nav.engine, body.checks)}
            result = nav.assess(facts)
    except (TextError, FindingsError) as exc:
        raise Problem(422, str(exc), code="bad-input") from None
    return result.to_json_bytes()


def _loads(raw: bytes) -> Any:
    """``json.loads(raw)``, by orjson when orjson reads it. What orjson refuses (besides broken
    JSON: NaN, integers over 64 bits, UTF-16, a byte-order mark, lone surrogates) the standard
    library reads, or refuses with its own error (position and message), as before."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return json.loads(raw)


async def _read_body(receive: Receive) -> bytes:
    """The request body, as ``Request.body()`` reads it (a client gone: ``ClientDisconnect``)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.request":
            chunk = message.get("body", b"")
            if chunk:
                chunks.append(chunk)
            if not message.get("more_body", False):
                break
        elif message["type"] == "http.disconnect":
            raise ClientDisconnect()
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _content_type(scope: Scope) -> str:
    """The first Content-Type header, as ``request.headers.get("content-type", "")``."""
    for name, value in scope["headers"]:
        if name == b"content-type":
            return str(value.decode("latin-1"))
    return ""


async def _assess_scope(scope: Scope, receive: Receive) -> bytes:
    """``POST /assess`` as FastAPI would run it, without its per-request machinery: the JSON
    answer's bytes.

    The same steps in the same order, with the same errors: the body must say it is JSON
    (415), be JSON (400, ``json_invalid``) and fit :class:`AssessRequest` (422, ``loc``
    under ``body``). Resolving the dependency graph, parsing the content type with
    ``email.message`` and the operation's bookkeeping cost more than the validation itself
    on the API's busiest route.
    """
    if not is_json_type(_content_type(scope)):
        raise Problem(415)
    try:
        raw = await _read_body(receive)
        data: Any = _loads(raw) if raw else None
    except json.JSONDecodeError as exc:
        error = {
            "type": "json_invalid",
            "loc": ("body", exc.pos),
            "msg": "JSON decode error",
            "input": {},
            "ctx": {"error": exc.msg},
        }
        raise RequestValidationError([error], body=exc.doc) from None
    except HTTPException:
        raise
    except Exception:  # undecodable bytes, a client gone mid-body: as FastAPI answers them
        raise HTTPException(400, "There was an error parsing the body") from None
    if not raw:
        missing = {"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}
        raise RequestValidationError([missing], body=None)
    try:
        body = AssessRequest.model_validate(data)
    except ValidationError as exc:
        errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        raise RequestValidationError(errors, body=data) from None
    core: WebCore = scope["app"].state.core
    answer = _assess(body, core)
    if core.freeze_pending and body.text is not None:
        core.settle_heap()
    return answer


async def _assess_request(request: Request) -> Response:
    """:func:`_assess_scope` as the route's handler."""
    answer = await _assess_scope(request.scope, request.receive)
    return Response(answer, media_type="application/json")


class _AssessRoute(APIRoute):
    """The route of :func:`assess_endpoint`: FastAPI documents it from the signature (the
    OpenAPI document is what it was), :func:`_assess_request` runs it."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        return _assess_request


router.add_api_route(
    "/assess",
    assess_endpoint,
    methods=["POST"],
    dependencies=[JsonOnly],
    summary="Оценить ситуацию по тексту или по находкам",
    response_model=AssessmentOut,
    responses={200: {"description": "Оценка: контракт DESIGN.md (schema_version 1)"}},
    route_class_override=_AssessRoute,
)
_ASSESS_ROUTE = router.routes[-1]


def _route_path(scope: Scope) -> str:
    """The path the router matches (``scope["path"]`` without the ``root_path``), as Starlette's
    ``get_route_path`` has it."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if not root or not path.startswith(root):
        return path
    if path == root:
        return ""
    return path[len(root) :] if path[len(root)] == "/" else path


class AssessShortcut:
    """ASGI middleware just inside :class:`~spasmnav.web.security.WebGuard`: ``POST <path>``
    (the API's assessment) goes straight to :func:`_assess_request`, every other request on
    to the app.

    The router's matching over every route of the app, the exception middleware and the
    per-request wrappers of a FastAPI route cost about 30 µs of CPU a request, 5 % of an
    assessment over HTTP (``bench/web.py``), on the API's busiest route. What they do for
    this route is done here the same way: the route is put in the scope as the router puts it
    (the error log names it), and an exception goes to the app's own exception handlers
    (problem+json in Russian), looked up by status and then by class as Starlette's exception
    middleware does; any other exception goes on to WebGuard's 500, as before. Everything
    WebGuard checks (host, origin, body size, headers) is unchanged: it runs first. The app
    sets no FastAPI body limit (WebGuard's is the limit), and FastAPI's OpenTelemetry hooks,
    unconfigured here, would not see this route's template. ``tests/web/test_assess_route.py``
    compares the answers with FastAPI's own route, status, headers and body.
    """

    def __init__(self, app: ASGIApp, *, path: str) -> None:
        self.app = app
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or _route_path(scope) != self.path:
            await self.app(scope, receive, send)
            return
        scope["route"] = _ASSESS_ROUTE
        scope["endpoint"] = assess_endpoint
        scope["path_params"] = {}
        try:
            answer = await _assess_scope(scope, receive)
        except Exception as exc:
            request = Request(scope, receive, send)
            handler = _exception_handler(request, exc)
            if handler is None:
                raise
            if inspect.iscoroutinefunction(handler):
                response = await handler(request, exc)
            else:
                response = await run_in_threadpool(handler, request, exc)
            exc.__traceback__ = None  # as Starlette: a kept exception does not keep its frames
            await response(scope, receive, send)
            return
        # What ``Response(answer, media_type="application/json")`` sends, without building it.
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-length", str(len(answer)).encode()),
                    (b"content-type", b"application/json"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": answer})


def _exception_handler(request: Request, exc: Exception) -> Any:
    """The app's handler of ``exc``: by status code for an HTTP exception, then by class
    (the nearest in the MRO), as Starlette's exception middleware chooses."""
    handlers: dict[Any, Any] = request.app.exception_handlers
    if isinstance(exc, StarletteHTTPException) and exc.status_code in handlers:
        return handlers[exc.status_code]
    for cls in type(exc).__mro__:
        if cls in handlers:
            return handlers[cls]
    return None


@router.get("/pack", response_model=PackInfo, summary="Метаданные клинического пакета")
def pack_info(core: CoreDep) -> dict[str, Any]:
    pack = core.pack
    return {
        "version": pack.version,
        "levels": [
            {"id": lv.id, "title": lv.title, "action": lv.action}
            for lv in sorted(pack.levels, key=lambda lv: LEVELS.index(lv.id))
        ],
        "specialists": [{"id": s.id, "title": s.title} for s in pack.specialists],
        "sources": [
            {"id": s.id, "kind": s.kind, "title": s.title, "short": s.short} for s in pack.sources
        ],
        "findings": [
            {"id": f.id, "label": f.label, "kind": f.kind, "numeric": f.numeric, "unit": f.unit}
            for f in pack.findings
        ],
        "conditions": [{"id": c.id, "title": c.title} for c in pack.conditions],
        "exercises": [x.card(pack).to_json() for x in pack.exercises],
        "emergency_line": pack.texts.emergency_line,
        "disclaimer": pack.texts.disclaimer,
    }


def problem_json(status: int, detail: str, *, code: str, instance: str) -> JSONResponse:
    return JSONResponse(
        problem_body(status, detail, code=code, instance=instance),
        status_code=status,
        media_type=PROBLEM_JSON,
    )
