"""The diary over the API: episodes CRUD, exercise sessions, saved assessments, profile,
trends, the doctor's report, the calendar plan and the exports.

The person is the session's (``PersonDep``): no route takes a person id from the client, and
another person's record id answers 404 exactly like a missing one.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from ...assessing import FindingsError
from ...diary.excel import EXCEL_CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE
from ...diary.fhir import bundle_for
from ...diary.fields import api_shapes, not_clearable, read_shape
from ...diary.models import Assessment as SavedAssessment
from ...diary.models import (
    Episode,
    ExerciseSession,
    Profile,
    explain_validation,
)
from ...language import TextError
from ..deps import CoreDep, JsonOnly, PersonDep, RecordId, StoreDep
from ..diarykit import (
    PlausibleDate,
    PlausibleTime,
    analysis_for,
    analysis_json,
    csv_download,
    diary_errors,
    export_excel,
    exporting,
    json_download,
    plan_ics,
    report_pdf,
    with_offset,
)
from ..problems import Problem
from .api import MAX_API_TEXT, PROBLEM_RESPONSES, FindingValue, _problem, json_response
from .api_fhir import FHIR_JSON

__all__ = ["router"]

router = APIRouter(
    prefix="/diary",
    tags=["diary"],
    responses={
        **PROBLEM_RESPONSES,
        401: _problem("Нужно войти (режим для клиники)"),
        404: _problem("Записи нет (или она чужая)"),
    },
)

MAX_LIMIT = 500


def _validate(model: type[Any], data: dict[str, Any]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = explain_validation(exc)
        raise Problem(
            422, "Данные не подходят: " + "; ".join(problems[:5]), errors=problems
        ) from None


# The API's shapes of a record, derived from its model (``spasmnav.diary.fields.api_shapes``):
# strict JSON types, the model's constraints, times checked as plausible.
EPISODE = api_shapes(Episode, name="Episode", time=PlausibleTime, date=PlausibleDate)
SESSION = api_shapes(ExerciseSession, name="Session", time=PlausibleTime, date=PlausibleDate)
if TYPE_CHECKING:  # the type checker sees models; FastAPI the derived shapes
    EpisodeIn = BaseModel
    EpisodePatch = BaseModel
    EpisodeOut = BaseModel
    SessionIn = BaseModel
    SessionOut = BaseModel
else:
    EpisodeIn, EpisodePatch, EpisodeOut = EPISODE
    SessionIn, _, SessionOut = SESSION
# Fields a PATCH may not clear (their type does not admit None).
NOT_CLEARABLE = not_clearable(Episode)


class EpisodeList(BaseModel):
    items: list[EpisodeOut]
    total: int


class SaveAssessmentIn(BaseModel):
    """What to assess and keep: the text or the findings (the result is computed here)."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(default=None, max_length=MAX_API_TEXT)
    findings: dict[str, FindingValue] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> SaveAssessmentIn:
        if (self.text is None) == (self.findings is None):
            raise ValueError("укажите ровно одно: text или findings")
        return self


# A saved assessment as the API gives it back: the fields a client reads (the uid, the note
# and the time of writing stay the diary's), derived from the model.
SAVED_ASSESSMENT_FIELDS = ("id", "assessed_at", "level", "text", "data")
if TYPE_CHECKING:
    SavedAssessmentOut = BaseModel
else:
    SavedAssessmentOut = read_shape(
        SavedAssessment, name="SavedAssessmentOut", only=SAVED_ASSESSMENT_FIELDS
    )


# One request carries at most 50 medicines of 200 characters each (the model has no bound).
PROFILE = api_shapes(
    Profile,
    name="Profile",
    time=PlausibleTime,
    date=PlausibleDate,
    limits={
        "medicines": (
            Annotated[list[Annotated[str, Field(max_length=200)]], Field(max_length=50)],
            Field(default_factory=list),
        )
    },
)
if TYPE_CHECKING:
    ProfileIn = BaseModel
else:
    ProfileIn = PROFILE.create


def _episode(e: Episode) -> dict[str, Any]:
    return dict(with_offset(e.model_dump()))


@router.get("/episodes", response_model=EpisodeList, summary="Эпизоды, новые сначала")
def list_episodes(
    store: StoreDep,
    person_id: PersonDep,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    since: PlausibleDate | None = None,
    until: PlausibleDate | None = None,
) -> Response:
    items = store.list_episodes(
        person_id=person_id, since=since, until=until, limit=limit, offset=offset
    )
    total = store.count_records(Episode, person_id=person_id)
    return json_response({"items": [_episode(e) for e in items], "total": total})


@router.post(
    "/episodes",
    status_code=201,
    response_model=EpisodeOut,
    dependencies=[JsonOnly],
    summary="Записать эпизод",
)
def add_episode(body: EpisodeIn, store: StoreDep, person_id: PersonDep) -> Response:
    data = body.model_dump(exclude_none=True)
    data.setdefault("started_at", dt.datetime.now().replace(microsecond=0))
    episode = _validate(Episode, data)
    with diary_errors():
        saved = store.add_episode(person_id=person_id, episode=episode)
    return json_response(_episode(saved), status_code=201)


@router.get("/episodes/{episode_id}", response_model=EpisodeOut, summary="Один эпизод")
def get_episode(episode_id: RecordId, store: StoreDep, person_id: PersonDep) -> Response:
    with diary_errors():
        return json_response(
            _episode(store.get_episode(person_id=person_id, episode_id=episode_id))
        )


@router.patch(
    "/episodes/{episode_id}",
    response_model=EpisodeOut,
    dependencies=[JsonOnly],
    summary="Изменить эпизод",
)
def patch_episode(
    episode_id: RecordId, body: EpisodePatch, store: StoreDep, person_id: PersonDep
) -> Response:
    changes = body.model_dump(exclude_unset=True)
    for required in NOT_CLEARABLE:
        if required in changes and changes[required] is None:
            raise Problem(422, f"Поле «{required}» нельзя очистить.")
    with diary_errors():
        updated = store.update_episode(person_id=person_id, episode_id=episode_id, changes=changes)
    return json_response(_episode(updated))


@router.delete("/episodes/{episode_id}", status_code=204, summary="Удалить эпизод")
def delete_episode(episode_id: RecordId, store: StoreDep, person_id: PersonDep) -> Response:
    with diary_errors():
        store.delete_episode(person_id=person_id, episode_id=episode_id)
    return Response(status_code=204)


@router.get("/sessions", response_model=list[SessionOut], summary="Занятия упражнениями")
def list_sessions(
    store: StoreDep,
    person_id: PersonDep,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
) -> Response:
    items = store.list_records(ExerciseSession, person_id=person_id, limit=limit, newest_first=True)
    return json_response([with_offset(s.model_dump()) for s in items])


@router.post(
    "/sessions",
    status_code=201,
    response_model=SessionOut,
    dependencies=[JsonOnly],
    summary="Записать занятие упражнением",
)
def add_session(body: SessionIn, store: StoreDep, person_id: PersonDep) -> Response:
    data = body.model_dump(exclude_none=True)
    data.setdefault("done_at", dt.datetime.now().replace(microsecond=0))
    session = _validate(ExerciseSession, data)
    with diary_errors():
        saved = store.add_exercise_session(person_id=person_id, session=session)
    return json_response(with_offset(saved.model_dump()), status_code=201)


@router.get("/assessments", response_model=list[SavedAssessmentOut], summary="Сохранённые оценки")
def list_assessments(
    store: StoreDep,
    person_id: PersonDep,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20,
) -> Response:
    items = store.list_records(SavedAssessment, person_id=person_id, limit=limit, newest_first=True)
    return json_response(
        [with_offset(a.model_dump(include=set(SAVED_ASSESSMENT_FIELDS))) for a in items]
    )


@router.post(
    "/assessments",
    status_code=201,
    response_model=SavedAssessmentOut,
    dependencies=[JsonOnly],
    summary="Оценить и сохранить в дневник",
)
def save_assessment(
    body: SaveAssessmentIn, core: CoreDep, store: StoreDep, person_id: PersonDep
) -> Response:
    try:
        nav = core.navigator
        if body.text is not None:
            result = nav.assess_text(body.text).to_json()
        else:
            result = nav.assess(nav.parse_findings({"findings": body.findings})).to_json()
    except (TextError, FindingsError) as exc:
        raise Problem(422, str(exc), code="bad-input") from None
    with diary_errors():
        saved = store.save_assessment(person_id=person_id, data=result, text=body.text)
    return json_response(
        with_offset(saved.model_dump(include=set(SAVED_ASSESSMENT_FIELDS))),
        status_code=201,
    )


@router.get("/profile", response_model=ProfileIn, summary="Профиль (всё необязательно)")
def get_profile(store: StoreDep, person_id: PersonDep) -> Response:
    return json_response(with_offset(store.get_profile(person_id=person_id).model_dump()))


@router.put(
    "/profile", response_model=ProfileIn, dependencies=[JsonOnly], summary="Заменить профиль"
)
def put_profile(body: ProfileIn, store: StoreDep, person_id: PersonDep) -> Response:
    profile = _validate(Profile, body.model_dump())
    with diary_errors():
        saved = store.set_profile(person_id=person_id, profile=profile)
    return json_response(with_offset(saved.model_dump()))


@router.get("/trends", summary="Тренды, провокаторы, до/после, оценка по дневнику")
def trends(
    store: StoreDep,
    person_id: PersonDep,
    change: PlausibleDate | None = None,
    label: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    a = analysis_for(store, person_id=person_id, change_date=change, label=label or "")
    return json_response(analysis_json(a))


def _file(body: bytes, media_type: str, filename: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


@router.get(
    "/report.pdf",
    summary="Отчёт для врача (PDF)",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def report(core: CoreDep, store: StoreDep, person_id: PersonDep) -> Response:
    body = report_pdf(store, person_id=person_id)
    return exporting(
        core.export_slots, person_id, "pdf", [body], "application/pdf", "spasmnav-report.pdf"
    )


@router.get(
    "/plan.ics",
    summary="План упражнений (iCalendar)",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
)
def plan(core: CoreDep, person_id: PersonDep) -> Response:
    return _file(plan_ics(core.pack), "text/calendar; charset=utf-8", "spasmnav-plan.ics")


@router.get("/export.json", summary="Весь дневник (JSON)")
def export_all(core: CoreDep, store: StoreDep, person_id: PersonDep) -> Response:
    return json_download(core.export_slots, store, person_id=person_id, filename="spasmnav.json")


@router.get(
    "/export.csv",
    summary="Одна таблица дневника (CSV)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def export_table(
    core: CoreDep,
    store: StoreDep,
    person_id: PersonDep,
    table: Annotated[str, Query(max_length=40)] = "episodes",
    excel: Annotated[
        bool, Query(description="Таблица для Excel: русские заголовки, «;», минуты.")
    ] = False,
) -> Response:
    if excel:
        name, body = export_excel(store, person_id=person_id, table=table, xlsx=False)
        return _file(body, EXCEL_CSV_MEDIA_TYPE, f"spasmnav-{name}-excel.csv")
    return csv_download(core.export_slots, store, person_id=person_id, table=table)


@router.get(
    "/fhir",
    summary="Весь дневник как FHIR R4 Bundle",
    response_class=Response,
    responses={200: {"content": {FHIR_JSON: {"schema": {"type": "object"}}}}},
)
def export_fhir(core: CoreDep, store: StoreDep, person_id: PersonDep) -> Response:
    with diary_errors():
        bundle = bundle_for(store, person_id, pack=core.pack)
    body = json.dumps(bundle, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(
        body,
        media_type=FHIR_JSON,
        headers={"content-disposition": 'attachment; filename="spasmnav-fhir.json"'},
    )


@router.get(
    "/export.xlsx",
    summary="Одна таблица дневника (Excel)",
    response_class=Response,
    responses={200: {"content": {XLSX_MEDIA_TYPE: {}}}},
)
def export_xlsx(
    store: StoreDep,
    person_id: PersonDep,
    table: Annotated[str, Query(max_length=40)] = "episodes",
) -> Response:
    name, body = export_excel(store, person_id=person_id, table=table, xlsx=True)
    return _file(body, XLSX_MEDIA_TYPE, f"spasmnav-{name}.xlsx")
