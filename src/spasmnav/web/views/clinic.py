"""The clinic's pages: the clinician's list and patient page, the administrator's page, and the
patient's own page of shares and of who looked at the diary.

A clinician reaches a patient only through :meth:`Clinic.patient_for` (an active share of this
clinician); anything else is a 404 that looks exactly like a missing patient. Every view of a
patient's data is written to the patient's access log before the page is rendered.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from ...diary.feedback import assess_diary
from ...diary.fields import text_length
from ...diary.models import (
    ASHWORTH_GRADES,
    LEG_TITLES,
    LEGS,
    PENN_GRADES,
    SCALE_TITLES,
    Assessment,
    ScaleScore,
    explain_validation,
)
from ...presenter import level_words, present
from ...result import LEVELS, AssessmentDigest
from ..accounts import AccountError, check_new_credentials
from ..clinic import ACCESS_TITLES, ALERTS, ClinicError, PatientSummary
from ..deps import AdminDep, ClinicianDep, CoreDep, CsrfProtected, PersonDep, StoreDep
from ..diarykit import CHARTS, analysis_for, chart_data_uri, diary_errors, episode_view, report_pdf
from ..problems import Problem
from ..templating import render

__all__ = ["router"]

router = APIRouter(dependencies=[CsrfProtected], include_in_schema=False)

PatientId = Annotated[int, Path(ge=1, le=2_147_483_647, description="Номер пациента")]
# The longest score, leg and muscle a form may send: what the scale score stores.
_SCORE_LENGTH = text_length(ScaleScore, "score")
_LEG_LENGTH = text_length(ScaleScore, "leg")
_MUSCLE_LENGTH = text_length(ScaleScore, "muscle")
# The filter's levels, most urgent first.
FILTER_LEVELS = tuple(reversed(LEVELS))
FILTERS = {
    "": "все",
    "alerts": "есть сигналы",
    **{key: kind.title.lower() for key, kind in ALERTS.items()},
}


def _multi_user_only(core: Any) -> None:
    if not core.settings.multi_user:
        raise Problem(404, "Страницы клиники есть только в режиме для клиники (--multi-user).")


# The patient's side --------------------------------------------------------------------------


def _sharing_page(
    request: Request,
    core: Any,
    store: Any,
    person_id: int,
    *,
    new_code: Any = None,
    message: str | None = None,
    errors: list[str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    clinic = core.services.clinic()
    scores = store.list_records(ScaleScore, person_id=person_id, newest_first=True, limit=20)
    return render(
        request,
        "sharing.html",
        {
            "shares": clinic.shares_of(person_id=person_id),
            "log": clinic.access_log(person_id=person_id),
            "access_titles": ACCESS_TITLES,
            "new_code": new_code,
            "message": message,
            "errors": errors or [],
            "scores": scores,
            "scale_titles": SCALE_TITLES,
            "penn_grades": PENN_GRADES,
        },
        status_code=status_code,
    )


@router.get("/diary/sharing", response_class=HTMLResponse)
def sharing(request: Request, core: CoreDep, store: StoreDep, person_id: PersonDep) -> Response:
    _multi_user_only(core)
    message = {"revoked": "Доступ закрыт.", "penn": "Оценка по шкале Пенна записана."}.get(
        request.query_params.get("done", "")
    )
    return _sharing_page(request, core, store, person_id, message=message)


@router.post("/diary/sharing/codes", response_class=HTMLResponse)
def make_code(
    request: Request,
    core: CoreDep,
    store: StoreDep,
    person_id: PersonDep,
    label: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    _multi_user_only(core)
    code = core.services.clinic().make_code(person_id=person_id, label=label)
    return _sharing_page(request, core, store, person_id, new_code=code)


@router.post("/diary/sharing/{share_id}/revoke")
def revoke_share(
    share_id: Annotated[int, Path(ge=1, le=2_147_483_647)],
    core: CoreDep,
    person_id: PersonDep,
) -> Response:
    _multi_user_only(core)
    if not core.services.clinic().revoke(person_id=person_id, share_id=share_id):
        raise Problem(404, "Такого доступа нет или он уже закрыт.")
    return RedirectResponse("/diary/sharing?done=revoked", status_code=303)


@router.post("/diary/scales", response_class=HTMLResponse)
def add_penn(
    request: Request,
    core: CoreDep,
    store: StoreDep,
    person_id: PersonDep,
    score: Annotated[str, Form(max_length=_SCORE_LENGTH)] = "",
) -> Response:
    """The Penn Spasm Frequency Scale is self-report: the patient records it."""
    try:
        record = ScaleScore.model_validate(
            {
                "recorded_at": dt.datetime.now().replace(microsecond=0),
                "scale": "penn",
                "score": score,
                "recorded_by": "self",
            }
        )
    except ValidationError as exc:
        if not core.settings.multi_user:
            raise Problem(422, "; ".join(explain_validation(exc))) from None
        return _sharing_page(
            request, core, store, person_id, errors=explain_validation(exc), status_code=422
        )
    with diary_errors():
        store.add_scale_score(person_id=person_id, score=record)
    target = "/diary/sharing?done=penn" if core.settings.multi_user else "/diary?updated=penn"
    return RedirectResponse(target, status_code=303)


# The clinician's side ------------------------------------------------------------------------


def _row_view(p: PatientSummary, now: dt.datetime) -> dict[str, Any]:
    r = p.rollup
    level = p.level
    words = level_words(level) if level else None
    last = r.last_entry_at if r is not None else None
    return {
        "p": p,
        "level": level,
        "words": words,
        "last": last,
        "days_since": (now.date() - last.date()).days if last else None,
        "adherence": r.adherence_pct if r is not None else None,
        "recent": r.recent_episodes if r is not None else 0,
        "trend": r.trend if r is not None else "not_enough_data",
    }


def _matches(p: PatientSummary, flt: str, level: str, q: str) -> bool:
    if flt == "alerts" and not p.alerts:
        return False
    if flt in ALERTS and not any(a.key == flt for a in p.alerts):
        return False
    if level and p.level != level:
        return False
    return not (q and q.casefold() not in p.label.casefold())


@router.get("/clinic", response_class=HTMLResponse)
def patients(
    request: Request,
    core: CoreDep,
    clinician: ClinicianDep,
    filter: str = "",
    level: str = "",
    q: str = "",
) -> Response:
    clinic = core.services.clinic()
    now = dt.datetime.now()
    everyone = clinic.patients(clinician=clinician, now=now)
    flt = filter if filter in FILTERS else ""
    level = level if level in FILTER_LEVELS else ""
    q = q.strip()[:100]
    shown = [p for p in everyone if _matches(p, flt, level, q)]
    clinic.log(clinician=clinician, person_ids=[p.person_id for p in shown], what="list")
    return render(
        request,
        "clinic.html",
        {
            "rows": [_row_view(p, now) for p in shown],
            "total": len(everyone),
            "with_alerts": sum(1 for p in everyone if p.alerts),
            "filters": FILTERS,
            "filter": flt,
            "level": level,
            "levels": [(k, level_words(k).badge) for k in FILTER_LEVELS],
            "q": q,
            "message": {"linked": "Пациент добавлен в ваш список."}.get(
                request.query_params.get("done", "")
            ),
            "error": None,
        },
    )


@router.post("/clinic/link", response_class=HTMLResponse)
def link(
    request: Request,
    core: CoreDep,
    clinician: ClinicianDep,
    code: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    # Every attempt is counted before the code is tried, in the database (shared by workers);
    # a code that links is given back.
    key = f"code:{clinician.id}"
    settings = core.settings
    throttle = core.services.throttle()
    wait = throttle.take(key, limit=settings.login_attempts, window=settings.login_window_seconds)
    if wait is not None:
        raise Problem(
            429,
            "Слишком много неверных кодов. Подождите несколько минут.",
            headers={"Retry-After": str(wait)},
        )
    try:
        person_id = core.services.clinic().redeem(clinician=clinician, code=code)
    except ClinicError as exc:
        raise Problem(422, str(exc)) from None
    throttle.refund(key)
    return RedirectResponse(f"/clinic/patients/{person_id}?done=linked", status_code=303)


def _linked(core: Any, clinician: Any, patient_id: int) -> PatientSummary:
    summary: PatientSummary | None = core.services.clinic().summary(
        clinician=clinician, person_id=patient_id
    )
    if summary is None:
        raise Problem(404, "Такого пациента в вашем списке нет.")
    return summary


# The name of the FHIR export the patient page links to. The ``fhir`` branch builds
# ``spasmnav.diary.fhir.bundle_for(store, person_id)``; until it lands this route answers 501.
@router.get("/clinic/patients/{patient_id}", response_class=HTMLResponse)
def patient_page(
    request: Request,
    patient_id: PatientId,
    core: CoreDep,
    store: StoreDep,
    clinician: ClinicianDep,
) -> Response:
    summary = _linked(core, clinician, patient_id)
    core.services.clinic().log(clinician=clinician, person_ids=[patient_id], what="patient_page")
    a = analysis_for(store, person_id=patient_id)
    view = assess_diary(a.findings, core.navigator)
    charts = {kind: chart_data_uri(kind, a) for kind in CHARTS} if a.total_episodes else {}
    assessments = [
        {"a": x, "digest": AssessmentDigest.from_json(x.data), "words": _words(x.level)}
        for x in store.list_records(Assessment, person_id=patient_id, newest_first=True, limit=10)
    ]
    return render(
        request,
        "clinic_patient.html",
        {
            "s": summary,
            "row": _row_view(summary, dt.datetime.now()),
            "a": a,
            "charts": charts,
            "diary_view": present(view, core.pack) if view and a.total_episodes else None,
            "episodes": [
                episode_view(e) for e in store.list_episodes(person_id=patient_id, limit=30)
            ],
            "assessments": assessments,
            "scores": store.list_records(
                ScaleScore, person_id=patient_id, newest_first=True, limit=30
            ),
            "scale_titles": SCALE_TITLES,
            "ashworth_grades": ASHWORTH_GRADES,
            "legs": [(k, LEG_TITLES[k]) for k in LEGS],
            "acks": core.services.clinic().acks_of(person_id=patient_id),
            "alert_titles": {k: v.title for k, v in ALERTS.items()},
            "fhir_ready": _fhir_available(),
            "message": {
                "linked": "Пациент добавлен в ваш список.",
                "ack": "Сигнал отмечен как просмотренный.",
                "ashworth": "Оценка по шкале Ашворта записана.",
            }.get(request.query_params.get("done", "")),
        },
    )


def _words(level: str) -> Any:
    try:
        return level_words(level)
    except KeyError:
        return None


def _fhir_available() -> bool:
    try:
        from ...diary import fhir  # type: ignore[attr-defined, unused-ignore]  # noqa: F401
    except ImportError:
        return False
    return True


@router.get("/clinic/patients/{patient_id}/report.pdf")
def patient_report(
    patient_id: PatientId, core: CoreDep, store: StoreDep, clinician: ClinicianDep
) -> Response:
    _linked(core, clinician, patient_id)
    core.services.clinic().log(clinician=clinician, person_ids=[patient_id], what="report_pdf")
    stamp = dt.date.today().isoformat()
    return Response(
        report_pdf(store, person_id=patient_id),
        media_type="application/pdf",
        headers={
            "content-disposition": f'attachment; filename="spasmnav-{patient_id}-{stamp}.pdf"'
        },
    )


@router.get("/clinic/patients/{patient_id}/fhir.json")
def patient_fhir(
    patient_id: PatientId, core: CoreDep, store: StoreDep, clinician: ClinicianDep
) -> Response:
    _linked(core, clinician, patient_id)
    from ...diary import fhir

    bundle = fhir.bundle_for(store, patient_id, pack=core.pack)
    core.services.clinic().log(clinician=clinician, person_ids=[patient_id], what="fhir")
    import json

    return Response(
        json.dumps(bundle, ensure_ascii=False).encode(),
        media_type="application/fhir+json",
        headers={"content-disposition": f'attachment; filename="spasmnav-{patient_id}.fhir.json"'},
    )


@router.post("/clinic/patients/{patient_id}/ashworth")
def add_ashworth(
    patient_id: PatientId,
    core: CoreDep,
    store: StoreDep,
    clinician: ClinicianDep,
    score: Annotated[str, Form(max_length=_SCORE_LENGTH)] = "",
    leg: Annotated[str, Form(max_length=_LEG_LENGTH)] = "",
    muscle: Annotated[str, Form(max_length=_MUSCLE_LENGTH)] = "",
) -> Response:
    """Modified Ashworth is the clinician's examination: entered here, never by the patient."""
    _linked(core, clinician, patient_id)
    try:
        record = ScaleScore.model_validate(
            {
                "recorded_at": dt.datetime.now().replace(microsecond=0),
                "scale": "ashworth",
                "score": score,
                "recorded_by": "clinician",
                "leg": leg or None,
                "muscle": muscle.strip() or None,
                "note": f"врач: {clinician.shown_name}",
            }
        )
    except ValidationError as exc:
        errors = explain_validation(exc)
        raise Problem(422, "Оценка не записана: " + "; ".join(errors), errors=errors) from None
    with diary_errors():
        store.add_scale_score(person_id=patient_id, score=record)
    core.services.clinic().log(clinician=clinician, person_ids=[patient_id], what="ashworth")
    return RedirectResponse(f"/clinic/patients/{patient_id}?done=ashworth", status_code=303)


@router.post("/clinic/patients/{patient_id}/alerts/{alert}/ack")
def acknowledge(
    patient_id: PatientId,
    alert: str,
    core: CoreDep,
    clinician: ClinicianDep,
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    _linked(core, clinician, patient_id)
    try:
        core.services.clinic().acknowledge(
            clinician=clinician, person_id=patient_id, alert=alert, note=note
        )
    except ClinicError as exc:
        raise Problem(404, str(exc)) from None
    core.services.clinic().log(clinician=clinician, person_ids=[patient_id], what="ack")
    return RedirectResponse(f"/clinic/patients/{patient_id}?done=ack", status_code=303)


# The administrator's side --------------------------------------------------------------------


def _admin_page(
    request: Request,
    core: Any,
    *,
    error: str | None = None,
    message: str | None = None,
    status_code: int = 200,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    return render(
        request,
        "admin.html",
        {
            "clinicians": core.services.accounts().list_by_role("clinician"),
            "error": error,
            "message": message,
            "values": values or {},
        },
        status_code=status_code,
    )


@router.get("/admin", response_class=HTMLResponse)
def admin(request: Request, core: CoreDep, admin: AdminDep) -> Response:
    message = "Учётная запись врача создана." if request.query_params.get("done") else None
    return _admin_page(request, core, message=message)


@router.post("/admin/clinicians", response_class=HTMLResponse)
def add_clinician(
    request: Request,
    core: CoreDep,
    admin: AdminDep,
    username: Annotated[str, Form(max_length=200)] = "",
    display_name: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    try:
        name = check_new_credentials(username, password)
        assert core.passwords is not None
        core.services.accounts().create(
            username=name,
            password_hash=core.passwords.hash(password),
            role="clinician",
            display_name=display_name,
        )
    except AccountError as exc:
        return _admin_page(
            request,
            core,
            error=str(exc),
            status_code=422,
            values={"username": username, "display_name": display_name},
        )
    return RedirectResponse("/admin?done=1", status_code=303)
