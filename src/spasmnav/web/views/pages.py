"""Pages: home, free-text assessment, exercises. Thin: read the form, call the core, render."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from ...assessing import FindingsError
from ...language import MAX_TEXT_CHARS, TextError
from ...presenter import exercise_view, present
from ..deps import CoreDep, CsrfProtected
from ..problems import Problem
from ..templating import render

__all__ = ["router"]

router = APIRouter(dependencies=[CsrfProtected], include_in_schema=False)

MAX_FORM_TEXT = 4 * MAX_TEXT_CHARS

EXAMPLES = (
    "Ночью резко свело икру, потянула носок на себя — прошло.",
    "После инсульта полгода назад правая нога дёргается по вечерам, мышцы как каменные.",
    "У мамы внезапно перекосило лицо и нога не слушается.",
)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    return render(request, "home.html", {"examples": EXAMPLES})


@router.get("/assess", response_class=HTMLResponse)
def assess_form(request: Request) -> HTMLResponse:
    return render(request, "assess.html", {"text": "", "error": None, "examples": EXAMPLES})


@router.post("/assess", response_class=HTMLResponse)
async def assess_page(
    request: Request, core: CoreDep, text: Annotated[str, Form(max_length=MAX_FORM_TEXT)] = ""
) -> HTMLResponse:
    # Answers to the red-flag checks come as ``check_<id>`` fields (one form, no script):
    # answering re-assesses the same text.
    form = await request.form()
    checks = {
        str(k)[len("check_") :]: str(v)
        for k, v in form.multi_items()
        if str(k).startswith("check_") and isinstance(v, str)
    }
    try:
        result = core.navigator.assess_text(text, checks or None)
    except (TextError, FindingsError) as exc:
        return render(
            request,
            "assess.html",
            {"text": text, "error": str(exc), "examples": EXAMPLES},
            status_code=422,
        )
    core.settle_heap()
    return render(
        request,
        "result.html",
        {"a": present(result, core.pack), "save": {"text": text}, "checks": checks},
    )


@router.get("/exercises", response_class=HTMLResponse)
def exercises(request: Request, core: CoreDep) -> HTMLResponse:
    items = [exercise_view(x.card(core.pack)) for x in core.pack.exercises]
    return render(request, "exercises.html", {"exercises": items})


@router.get("/exercises/{exercise_id}", response_class=HTMLResponse)
def exercise_player(request: Request, exercise_id: str, core: CoreDep) -> HTMLResponse:
    if not core.pack.has("exercises", exercise_id):
        raise Problem(404, "Такого упражнения нет.")
    x = exercise_view(core.pack.exercise(exercise_id).card(core.pack))
    return render(request, "exercise.html", {"x": x, "saved": request.query_params.get("saved")})


@router.get("/about", response_class=HTMLResponse)
def about(request: Request, core: CoreDep) -> HTMLResponse:
    return render(request, "about.html", {"pack": core.pack})
