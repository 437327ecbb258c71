"""Diary pages: quick add, list, edit, delete with confirmation, trends with charts, downloads.

The person is always the one of the session (``PersonDep``); record ids in URLs are checked
against it by the store, and someone else's record looks exactly like a missing one (404).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from ...diary.analytics import fmt_number
from ...diary.excel import EXCEL_CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE
from ...diary.feedback import assess_diary
from ...diary.fields import max_length
from ...diary.models import (
    KIND_TITLES,
    KINDS,
    LEG_TITLES,
    LEGS,
    TRIGGER_TITLES,
    TRIGGERS,
    DiaryError,
    Episode,
    ExerciseSession,
    InputError,
    NotFoundError,
    explain_validation,
)
from ...language import TextError
from ...presenter import exercise_view, present
from ..deps import CoreDep, CsrfProtected, PersonDep, RecordId, StoreDep
from ..diarykit import (
    BUSY_TEXT,
    CHARTS,
    StoreBusy,
    analysis_for,
    chart_data_uri,
    chart_png,
    csv_download,
    diary_errors,
    episode_view,
    export_excel,
    exporting,
    json_download,
    plan_ics,
    plausible_date,
    plausible_time,
    report_pdf,
    saved_or_shown_again,
    saving,
)
from ..problems import Problem
from ..recordforms import from_form, re_shown, values_of
from ..templating import render

__all__ = ["router"]

router = APIRouter(dependencies=[CsrfProtected], include_in_schema=False)

PAGE_SIZE = 20
# One tap, counted once: the same quick entry again within this time is the same tap (a double
# tap, a tremor, a re-sent form). Undo is offered for UNDO seconds after a quick entry; the
# server accepts it a little longer, for the round trip.
SAME_TAP = dt.timedelta(seconds=5)
UNDO_SECONDS = 10
UNDO_GRACE = dt.timedelta(seconds=UNDO_SECONDS + 5)


def _now_local() -> dt.datetime:
    return dt.datetime.now().replace(second=0, microsecond=0)


def _choices() -> dict[str, Any]:
    return {
        "kinds": [(k, KIND_TITLES[k]) for k in KINDS],
        "legs": [(k, LEG_TITLES[k]) for k in LEGS],
        "triggers": [(k, TRIGGER_TITLES[k]) for k in TRIGGERS],
        # The longest text each free-text field takes: the model's own bound.
        "limits": {
            name: limit
            for name, field in Episode.model_fields.items()
            if (limit := max_length(field)) is not None
        },
    }


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _diary_context(store: Any, person_id: int, page: int) -> dict[str, Any]:
    episodes = store.list_episodes(
        person_id=person_id, limit=PAGE_SIZE + 1, offset=page * PAGE_SIZE
    )
    total = store.count_records(Episode, person_id=person_id)
    return {
        "episodes": [episode_view(e) for e in episodes[:PAGE_SIZE]],
        "more": len(episodes) > PAGE_SIZE,
        "page": page,
        "total": total,
        "chart_version": f"{total}-{episodes[0].id if episodes else 0}",
        **_choices(),
    }


def _undo_offer(store: Any, person_id: int, episode_id: int) -> dict[str, Any] | None:
    """The undo button for a quick entry just made, while its ten seconds last."""
    try:
        e = store.get_episode(person_id=person_id, episode_id=episode_id)
    except DiaryError:
        return None
    if e.created_at is None:
        return None
    left = UNDO_SECONDS - (dt.datetime.now() - e.created_at).total_seconds()
    if left <= 0:
        return None
    return {"id": e.id, "seconds": max(1, round(left)), "summary": episode_view(e).summary}


@router.get("/diary", response_class=HTMLResponse)
def diary(request: Request, store: StoreDep, person_id: PersonDep, page: int = 0) -> HTMLResponse:
    page = max(0, min(page, 100_000))
    ctx = _diary_context(store, person_id, page)
    ctx["message"] = _message(request)
    added = request.query_params.get("added", "")
    if added.isdigit() and len(added) < 19:
        ctx["undo"] = _undo_offer(store, person_id, int(added))
        if request.query_params.get("again") == "1":
            ctx["message"] = SAME_TAP_TEXT
    return render(request, "diary.html", ctx)


SAME_TAP_TEXT = "Эта запись уже есть: повторное нажатие за несколько секунд не считается."


def _message(request: Request) -> str | None:
    q = request.query_params
    if "undone" in q:
        return "Запись отменена."
    if "added" in q:
        return "Записано. Спасибо!"
    if "updated" in q:
        return "Изменения сохранены."
    if "deleted" in q:
        return "Запись удалена."
    if q.get("saved") == "assessment":
        return "Оценка сохранена в дневнике. Её увидит врач в отчёте."
    return None


def _episode_from_form(form: FormData, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """Form fields to Episode data; empty fields are left out (or cleared when editing)."""
    return from_form(Episode, form, now=_now_local, base=base)


def _errors(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return explain_validation(exc)
    return [f"время: {exc}"]


def _form_values(form: FormData) -> dict[str, Any]:
    return re_shown(Episode, form)


def _values_of(e: Episode) -> dict[str, Any]:
    return values_of(e)


def _form_page(
    request: Request,
    *,
    values: dict[str, Any],
    episode_id: int | None,
    errors: list[str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "episode_form.html",
        {"values": values, "episode_id": episode_id, "errors": errors or [], **_choices()},
        status_code=status_code,
    )


@router.post("/diary/episodes", response_class=HTMLResponse)
async def add_episode(request: Request, store: StoreDep, person_id: PersonDep) -> Response:
    form = await request.form()
    data = _episode_from_form(form)
    data.setdefault("started_at", _now_local())
    try:
        episode = Episode.model_validate(data)
        plausible_time(episode.started_at)
    except (ValidationError, ValueError) as exc:
        values = _form_values(form)
        values.setdefault("started_at", _now_local().strftime("%Y-%m-%dT%H:%M"))
        return _form_page(
            request,
            values=values,
            episode_id=None,
            errors=_errors(exc),
            status_code=422,
        )
    quick = "full" not in form
    new = True
    try:
        with saving():
            if quick:
                saved, new = store.add_quick_episode(
                    person_id=person_id, episode=episode, within=SAME_TAP
                )
            else:
                saved = store.add_episode(person_id=person_id, episode=episode)
    except StoreBusy:
        if quick and _is_htmx(request):
            # htmx swaps only 2xx answers; the fragment carries the alert itself.
            ctx = _diary_context(store, person_id, 0)
            ctx["message"] = None
            ctx["error"] = BUSY_TEXT.replace("осталось в форме", "не пропало")
            return render(request, "_diary_live.html", ctx)
        values = _form_values(form)
        values.setdefault("started_at", episode.started_at.strftime("%Y-%m-%dT%H:%M"))
        return _form_page(
            request, values=values, episode_id=None, errors=[BUSY_TEXT], status_code=503
        )
    assert saved.id is not None
    if _is_htmx(request):
        ctx = _diary_context(store, person_id, 0)
        ctx["message"] = "Записано. Спасибо!" if new else SAME_TAP_TEXT
        if quick:
            ctx["undo"] = _undo_offer(store, person_id, saved.id)
        return render(request, "_diary_live.html", ctx)
    again = "" if new else "&again=1"
    return RedirectResponse(f"/diary?added={saved.id}{again}", status_code=303)


@router.post("/diary/episodes/{episode_id}/undo", response_class=HTMLResponse)
def undo_episode(
    request: Request, episode_id: RecordId, store: StoreDep, person_id: PersonDep
) -> Response:
    """Undo a quick entry within its ten seconds; later, the record stays (409) and the
    page says how to delete it."""
    try:
        store.undo_episode(person_id=person_id, episode_id=episode_id, within=UNDO_GRACE)
    except NotFoundError:
        raise Problem(404, "Такой записи нет.") from None
    except InputError:
        ctx = _diary_context(store, person_id, 0)
        ctx["message"] = None
        ctx["error"] = (
            f"Не отменено: отменить можно только в первые {UNDO_SECONDS} секунд. Запись "
            "осталась в списке — если она лишняя, нажмите у неё «Удалить»."
        )
        if _is_htmx(request):
            # htmx swaps only 2xx answers; the fragment carries the alert itself.
            return render(request, "_diary_live.html", ctx)
        return render(request, "diary.html", ctx, status_code=409)
    if _is_htmx(request):
        ctx = _diary_context(store, person_id, 0)
        ctx["message"] = "Запись отменена."
        return render(request, "_diary_live.html", ctx)
    return RedirectResponse("/diary?undone=1", status_code=303)


@router.get("/diary/episodes/new", response_class=HTMLResponse)
def new_episode(request: Request, person_id: PersonDep, kind: str | None = None) -> HTMLResponse:
    values = {
        "kind": kind if kind in KINDS else "",
        "started_at": _now_local().strftime("%Y-%m-%dT%H:%M"),
        "triggers": [],
    }
    return _form_page(request, values=values, episode_id=None)


@router.get("/diary/episodes/{episode_id}", response_class=HTMLResponse)
def edit_episode(
    request: Request, episode_id: RecordId, store: StoreDep, person_id: PersonDep
) -> HTMLResponse:
    with diary_errors():
        e = store.get_episode(person_id=person_id, episode_id=episode_id)
    return _form_page(request, values=_values_of(e), episode_id=episode_id)


@router.post("/diary/episodes/{episode_id}", response_class=HTMLResponse)
async def update_episode(
    request: Request, episode_id: RecordId, store: StoreDep, person_id: PersonDep
) -> Response:
    form = await request.form()
    with diary_errors():
        store.get_episode(person_id=person_id, episode_id=episode_id)
    changes = _episode_from_form(form)
    try:
        if isinstance(changes.get("started_at"), str):
            try:
                plausible_time(dt.datetime.fromisoformat(changes["started_at"]))
            except ValueError as exc:
                raise Problem(422, str(exc), errors=[f"время: {exc}"]) from None
        with saving():
            store.update_episode(person_id=person_id, episode_id=episode_id, changes=changes)
    except StoreBusy:
        return _form_page(
            request,
            values=_form_values(form),
            episode_id=episode_id,
            errors=[BUSY_TEXT],
            status_code=503,
        )
    except Problem as problem:
        if problem.status != 422:
            raise
        return _form_page(
            request,
            values=_form_values(form),
            episode_id=episode_id,
            errors=problem.errors,
            status_code=422,
        )
    return RedirectResponse(f"/diary?updated={episode_id}", status_code=303)


@router.get("/diary/episodes/{episode_id}/delete", response_class=HTMLResponse)
def confirm_delete(
    request: Request, episode_id: RecordId, store: StoreDep, person_id: PersonDep
) -> HTMLResponse:
    with diary_errors():
        e = store.get_episode(person_id=person_id, episode_id=episode_id)
    return render(request, "episode_delete.html", {"ev": episode_view(e)})


@router.post("/diary/episodes/{episode_id}/delete")
def delete_episode(episode_id: RecordId, store: StoreDep, person_id: PersonDep) -> Response:
    with diary_errors():
        store.delete_episode(person_id=person_id, episode_id=episode_id)
    return RedirectResponse("/diary?deleted=1", status_code=303)


@router.get("/diary/trends", response_class=HTMLResponse)
def trends(
    request: Request,
    core: CoreDep,
    store: StoreDep,
    person_id: PersonDep,
    change: str | None = None,
    label: str | None = None,
) -> HTMLResponse:
    change_date = None
    error = None
    if change:
        try:
            change_date = plausible_date(dt.date.fromisoformat(change))
        except ValueError:
            error = "Дату изменения не понять: выберите её в календаре (например, 2024-05-01)."
    label = (label or "").strip()[:100]
    # One analysis for the page and its charts: the charts are drawn from it and inlined.
    a = analysis_for(store, person_id=person_id, change_date=change_date, label=label)
    view = assess_diary(a.findings, core.navigator)
    charts = {kind: chart_data_uri(kind, a) for kind in CHARTS} if a.total_episodes else {}
    return render(
        request,
        "trends.html",
        {
            "a": a,
            "charts": charts,
            "kinds_titles": KIND_TITLES,
            "diary_view": present(view, core.pack) if view and a.total_episodes else None,
            "change": change or "",
            "label": label,
            "error": error,
            "fmt": lambda x: fmt_number(x, 1),
        },
    )


@router.get("/diary/charts/{kind}.png")
def chart(kind: str, store: StoreDep, person_id: PersonDep) -> Response:
    if kind not in CHARTS:
        raise Problem(404, "Такого графика нет.")
    a = analysis_for(store, person_id=person_id)
    return Response(chart_png(kind, a), media_type="image/png")


@router.post("/diary/assessments")
def save_assessment(
    request: Request,
    core: CoreDep,
    store: StoreDep,
    person_id: PersonDep,
    text: Annotated[str | None, Form(max_length=20_000)] = None,
    state: Annotated[str | None, Form(max_length=64_000)] = None,
) -> Response:
    """Save an assessment: recomputed here from the text or the interview, never taken on
    trust from the browser."""
    save = {"text": text} if text else {"state": state}
    try:
        if text:
            outcome = core.navigator.assess_text(text)
        elif state:
            from ... import interview as iv

            interview_state = iv.InterviewState.from_json(state)
            outcome = iv.result(interview_state)
            text = interview_state.text
        else:
            raise Problem(422, "Нечего сохранять: нет ни текста, ни ответов.")
    except (TextError, ValueError) as exc:
        raise Problem(422, f"Не удалось сохранить оценку: {exc}") from None

    def show_again(problems: list[str], status_code: int) -> Response:
        # The result again, with its «Сохранить» button: nothing to answer a second time.
        return render(
            request,
            "result.html",
            {"a": present(outcome, core.pack), "save": save, "save_error": problems[0]},
            status_code=status_code,
        )

    return saved_or_shown_again(
        lambda: store.save_assessment(
            person_id=person_id, data=outcome.to_json(), text=text or None
        ),
        show_again,
        "/diary?saved=assessment",
    )


@router.post("/diary/sessions")
def save_session(
    request: Request,
    core: CoreDep,
    store: StoreDep,
    person_id: PersonDep,
    exercise_id: Annotated[str, Form(max_length=64)],
    repetitions: Annotated[str, Form(max_length=10)] = "",
    sets: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    try:
        session = ExerciseSession.model_validate(
            {
                "done_at": dt.datetime.now().replace(microsecond=0),
                "exercise_id": exercise_id,
                "repetitions": repetitions.strip() or None,
                "sets": sets.strip() or None,
            }
        )
    except ValidationError as exc:
        errors = explain_validation(exc)
        raise Problem(422, "Занятие не записано: " + "; ".join(errors), errors=errors) from None

    def show_again(problems: list[str], status_code: int) -> Response:
        x = exercise_view(core.pack.exercise(session.exercise_id).card(core.pack))
        values = {"repetitions": repetitions, "sets": sets}
        return render(
            request,
            "exercise.html",
            {"x": x, "values": values, "errors": problems},
            status_code=status_code,
        )

    return saved_or_shown_again(
        lambda: store.add_exercise_session(person_id=person_id, session=session),
        show_again,
        f"/exercises/{session.exercise_id}?saved=1",
    )


# Downloads -----------------------------------------------------------------------------------


@router.get("/downloads", response_class=HTMLResponse)
def downloads(request: Request, person_id: PersonDep) -> HTMLResponse:
    return render(request, "downloads.html", {})


def _attachment(body: bytes, media_type: str, filename: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/downloads/report.pdf")
def download_report(core: CoreDep, store: StoreDep, person_id: PersonDep) -> Response:
    stamp = dt.date.today().isoformat()
    body = report_pdf(store, person_id=person_id)
    return exporting(
        core.export_slots,
        person_id,
        "pdf",
        [body],
        "application/pdf",
        f"spasmnav-report-{stamp}.pdf",
    )


@router.get("/downloads/plan.ics")
def download_plan(core: CoreDep, person_id: PersonDep) -> Response:
    return _attachment(plan_ics(core.pack), "text/calendar; charset=utf-8", "spasmnav-plan.ics")


@router.get("/downloads/diary.json")
def download_json(core: CoreDep, store: StoreDep, person_id: PersonDep) -> Response:
    stamp = dt.date.today().isoformat()
    filename = f"spasmnav-diary-{stamp}.json"
    return json_download(core.export_slots, store, person_id=person_id, filename=filename)


@router.get("/downloads/excel/{table}.csv")
def download_excel_csv(table: str, store: StoreDep, person_id: PersonDep) -> Response:
    name, body = export_excel(store, person_id=person_id, table=table, xlsx=False)
    return _attachment(body, EXCEL_CSV_MEDIA_TYPE, f"spasmnav-{name}-excel.csv")


@router.get("/downloads/excel/{table}.xlsx")
def download_xlsx(table: str, store: StoreDep, person_id: PersonDep) -> Response:
    name, body = export_excel(store, person_id=person_id, table=table, xlsx=True)
    return _attachment(body, XLSX_MEDIA_TYPE, f"spasmnav-{name}.xlsx")


@router.get("/downloads/{table}.csv")
def download_csv(table: str, core: CoreDep, store: StoreDep, person_id: PersonDep) -> Response:
    return csv_download(core.export_slots, store, person_id=person_id, table=table)
