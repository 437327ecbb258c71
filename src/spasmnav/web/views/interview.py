"""The interview pages: one question per screen, «зачем мы спрашиваем», back and «не знаю».

Stateless: the whole interview state travels in a hidden field and is checked by
``InterviewState.from_json`` on every step, so nothing is kept on the server and a restart or a
second tab loses nothing. Every answer is one tap where the question allows it (yes / no / a
single choice are buttons); lists and numbers have a «Дальше» button.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from ... import interview
from ...presenter import present
from ..deps import CoreDep, CsrfProtected
from ..problems import Problem
from ..templating import render

__all__ = ["router"]

router = APIRouter(dependencies=[CsrfProtected], include_in_schema=False)

MAX_STATE = 64_000


def _iv(core: CoreDep) -> Any:
    return interview


def _page(
    request: Request,
    iv: Any,
    state: Any,
    error: str | None = None,
    edit: str | None = None,
    posted: dict[str, list[str]] | None = None,
) -> HTMLResponse:
    pack = request.app.state.core.pack
    step = iv.question_step(state, edit) if edit else iv.next_step(state)
    ctx: dict[str, Any] = {
        "step": step,
        "state_json": state.to_json(),
        "error": error,
        "editing": bool(edit),
    }
    if isinstance(step, iv.QuestionStep):
        ctx["expected"] = len(state.history) if edit else iv.expected_length(state)
        suggested = step.suggested
        ctx["suggested"] = (
            suggested if isinstance(suggested, list) else [] if suggested is None else [suggested]
        )
        if error and posted and step.link_id in posted:
            ctx["suggested"] = posted[step.link_id]  # what the person ticked stays ticked
    elif isinstance(step, iv.EmergencyStep):
        ctx["a"] = present(iv.result(state), pack)
    elif isinstance(step, iv.DoneStep):
        ctx["a"] = present(step.assessment, pack)
        ctx["save"] = {"state": state.to_json()}
    return render(request, "interview.html", ctx, status_code=422 if error else 200)


def _state(iv: Any, raw: str) -> Any:
    try:
        return iv.InterviewState.from_json(raw)
    except iv.InterviewError as exc:
        raise Problem(
            400, f"{exc} Начните опрос заново: /interview.", code="bad-interview-state"
        ) from None


@router.get("/interview", response_class=HTMLResponse)
def interview_start(request: Request, core: CoreDep) -> HTMLResponse:
    iv = _iv(core)
    return _page(request, iv, iv.start())


@router.post("/interview/start", response_class=HTMLResponse)
def interview_with_text(
    request: Request,
    core: CoreDep,
    text: Annotated[str, Form(max_length=20_000)] = "",
) -> HTMLResponse:
    """Start from the person's own words: what the text says is already answered."""
    iv = _iv(core)
    try:
        state = iv.start(text=text or None)
    except iv.InterviewError as exc:
        return _page(request, iv, iv.start(), error=str(exc))
    return _page(request, iv, state)


@router.post("/interview", response_class=HTMLResponse)
async def interview_step(request: Request, core: CoreDep) -> HTMLResponse:
    iv = _iv(core)
    form = await request.form()
    raw = form.get("state")
    if not isinstance(raw, str) or len(raw) > MAX_STATE:
        raise Problem(400, "Нет состояния опроса. Начните заново: /interview.")
    state = _state(iv, raw)
    action = str(form.get("action") or "answer")
    edit: str | None = None
    posted: dict[str, list[str]] = {}
    try:
        if action == "show":  # the browser's Back and Forward: the page of a carried state
            pass
        elif action == "edit":  # «Изменить» on the summary: ask that question again
            link = str(form.get("link_id") or "")
            if link not in state.answers:
                raise iv.InterviewError("Такого ответа в опросе нет: выберите ответ из списка.")
            return _page(request, iv, state, edit=link)
        elif action == "back":
            state = iv.back(state)
        elif action == "confirm":
            state = iv.confirm(state)
        elif action == "correct":
            present_raw = str(form.get("present") or "")
            present = {"yes": True, "no": False}.get(present_raw)
            state = iv.correct(state, str(form.get("finding_id") or ""), present)
        elif action == "answer":
            link_id = str(form.get("link_id") or "")
            if form.get("editing") == "1":
                edit = link_id
            values = [v for v in form.getlist("value") if isinstance(v, str)]
            posted[link_id] = values
            value: Any
            if form.get("unknown") or values == ["unknown"]:
                value = None
            elif form.get("repeats") == "1":
                value = values
            else:
                value = values[0] if values else ""
            state = iv.answer(state, link_id, value)
        else:
            raise Problem(400, "Неизвестное действие.")
    except iv.InterviewError as exc:
        if edit is not None and edit not in iv.question_ids():
            edit = None  # a question that is not (or no longer) in the questionnaire
        return _page(request, iv, state, error=str(exc), edit=edit, posted=posted)
    return _page(request, iv, state)
