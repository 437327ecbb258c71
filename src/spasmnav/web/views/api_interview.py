"""The interview as stateless steps: the client carries the state and sends it back each time.

Every call answers ``{"state": {...}, "step": {...}}``; ``step.kind`` is ``question``,
``emergency`` (stop: call 103/112), ``summary`` (confirm to get the result) or ``done`` (with
the assessment). The state is checked on every call; a damaged one is a 422 problem.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from ... import interview
from ..deps import CoreDep, JsonOnly
from ..problems import Problem
from .api import MAX_API_TEXT, PROBLEM_RESPONSES, _problem, json_response
from .schemas import AssessmentOut

__all__ = ["router"]

router = APIRouter(
    prefix="/interview",
    tags=["interview"],
    dependencies=[JsonOnly],
    responses={**PROBLEM_RESPONSES, 503: _problem("Опрос недоступен")},
)

AnswerValue = bool | float | str | list[str] | None


class StartIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(
        default=None, max_length=MAX_API_TEXT, description="Описание своими словами (можно без)."
    )
    subject: str | None = Field(
        default=None, pattern="^(self|other)$", description="О ком: self или other."
    )


class StateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: dict[str, Any] = Field(description="Состояние из предыдущего ответа, как есть.")


class AnswerIn(StateIn):
    link_id: str = Field(max_length=100, description="linkId вопроса из step.linkId.")
    value: AnswerValue = Field(
        default=None,
        description=(
            "true/false, код варианта, список кодов, число; null или «unknown» — «Не знаю»."
        ),
    )


class CorrectIn(StateIn):
    finding_id: str = Field(max_length=100)
    present: bool | None = None


class StepOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    state: dict[str, Any]
    step: dict[str, Any]


def _iv(core: CoreDep) -> Any:
    return interview


def _load(iv: Any, raw: dict[str, Any]) -> Any:
    try:
        return iv.InterviewState.from_json(raw)
    except iv.InterviewError as exc:
        raise Problem(422, str(exc), code="bad-interview-state") from None


def _reply(iv: Any, state: Any) -> Response:
    return json_response(
        {"state": json.loads(state.to_json()), "step": iv.next_step(state).to_dict()}
    )


def _run(iv: Any, call: Any) -> Any:
    try:
        return call()
    except iv.InterviewError as exc:
        raise Problem(422, str(exc), code="bad-answer") from None


@router.post("/start", response_model=StepOut, summary="Начать опрос")
def start(body: StartIn, core: CoreDep) -> Response:
    iv = _iv(core)
    return _reply(iv, _run(iv, lambda: iv.start(text=body.text, subject=body.subject)))


@router.post("/answer", response_model=StepOut, summary="Ответить на вопрос")
def answer(body: AnswerIn, core: CoreDep) -> Response:
    iv = _iv(core)
    state = _load(iv, body.state)
    return _reply(iv, _run(iv, lambda: iv.answer(state, body.link_id, body.value)))


@router.post("/back", response_model=StepOut, summary="Отменить последний ответ")
def back(body: StateIn, core: CoreDep) -> Response:
    iv = _iv(core)
    return _reply(iv, iv.back(_load(iv, body.state)))


@router.post("/correct", response_model=StepOut, summary="Исправить понятое из текста")
def correct(body: CorrectIn, core: CoreDep) -> Response:
    iv = _iv(core)
    state = _load(iv, body.state)
    return _reply(iv, _run(iv, lambda: iv.correct(state, body.finding_id, body.present)))


@router.post("/confirm", response_model=StepOut, summary="Подтвердить ответы и получить итог")
def confirm(body: StateIn, core: CoreDep) -> Response:
    iv = _iv(core)
    state = _load(iv, body.state)
    return _reply(iv, _run(iv, lambda: iv.confirm(state)))


@router.post("/result", response_model=AssessmentOut, summary="Оценка по ответам (контракт)")
def result(body: StateIn, core: CoreDep) -> Response:
    iv = _iv(core)
    state = _load(iv, body.state)
    return json_response(_run(iv, lambda: iv.result(state)).to_json())
