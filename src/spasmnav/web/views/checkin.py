"""The rest of the diary in the web, as the CLI stores it: the daily check-in (a day with or
without episodes), the profile, medicine intake and scale scores.

Every form works without JavaScript and is CSRF-protected like the other diary forms; bad input
is shown again with a Russian message and 422. The person is always the one of the session.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from ...diary.fields import bounds, info
from ...diary.models import (
    LEG_TITLES,
    LEGS,
    MEDICINE_NAME_LENGTH,
    MEDICINES_LISTED,
    SCALE_TITLES,
    SCALES,
    TRIGGER_TITLES,
    TRIGGERS,
    DayNote,
    InputError,
    MedicineIntake,
    Profile,
    ScaleScore,
    explain_validation,
)
from ..deps import CsrfProtected, PersonDep, StoreDep
from ..diarykit import plausible_date, plausible_time, saved_or_shown_again
from ..recordforms import from_form, re_shown
from ..templating import render

__all__ = ["ASHWORTH_TITLES", "PENN_TITLES", "PROFILE_FLAGS", "router"]

router = APIRouter(dependencies=[CsrfProtected], include_in_schema=False)

# The Penn Spasm Frequency Scale, as a person answers it about one day.
PENN_TITLES: dict[str, str] = {
    "0": "0 — спазмов не было",
    "1": "1 — лёгкие спазмы, только от прикосновения или движения",
    "2": "2 — редкие сильные спазмы, реже раза в час",
    "3": "3 — спазмы чаще раза в час",
    "4": "4 — спазмы чаще 10 раз в час",
}
ASHWORTH_TITLES: dict[str, str] = {
    "0": "0 — тонус не повышен",
    "1": "1 — лёгкое повышение в конце движения",
    "1+": "1+ — лёгкое повышение меньше чем на половине движения",
    "2": "2 — заметное повышение, но конечность легко двигать",
    "3": "3 — значительное повышение, движение затруднено",
    "4": "4 — конечность не сгибается и не разгибается",
}
# The profile's yes/no questions: field → how the page asks it (``Info.ask``).
PROFILE_FLAGS: tuple[tuple[str, str], ...] = tuple(
    (name, meta.ask) for name, field in Profile.model_fields.items() if (meta := info(field)).ask
)
# The earliest year the profile takes (the model's bound), also for the date of a stroke.
_FIRST_YEAR: int = bounds(Profile.model_fields["birth_year"])[0]
RECENT = 20


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _strings(form: FormData, name: str) -> list[str]:
    return [v for v in form.getlist(name) if isinstance(v, str)]


def _when(raw: str, *, default: dt.datetime) -> dt.datetime:
    """A datetime-local field; empty is ``default``. ValueError says what is wrong."""
    if not raw:
        return default
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"время «{raw}» не понять: выберите его в календаре") from None
    return plausible_time(value)


def _day(raw: str) -> dt.date:
    if not raw:
        return dt.date.today()
    try:
        value = dt.date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"день «{raw}» не понять: выберите его в календаре") from None
    if value > dt.date.today():
        raise ValueError("день ещё не наступил: отметьте сегодняшний или прошедший")
    return plausible_date(value)


def _now() -> dt.datetime:
    return dt.datetime.now().replace(second=0, microsecond=0)


# --- the daily check-in -----------------------------------------------------------------------


def _checkin_context(
    store: Any, person_id: int, day: dt.date, values: dict[str, Any] | None = None
) -> dict[str, Any]:
    episodes = store.list_episodes(person_id=person_id, since=day, until=day, newest_first=False)
    notes = store.list_records(DayNote, person_id=person_id, since=day, until=day)
    profile: Profile = store.get_profile(person_id=person_id)
    taken = {
        m.name
        for m in store.list_records(MedicineIntake, person_id=person_id, since=day, until=day)
    }
    note = notes[0] if notes else None
    return {
        "day": day,
        "today": dt.date.today(),
        "episodes_that_day": len(episodes),
        "note": note,
        "values": values
        or {
            "triggers": list(note.triggers) if note else [],
            "note": "",
            "medicines": sorted(taken),
        },
        "profile_medicines": profile.medicines,
        "taken": taken,
        "triggers": [(k, TRIGGER_TITLES[k]) for k in TRIGGERS],
        "penn": list(PENN_TITLES.items()),
    }


@router.get("/diary/day", response_class=HTMLResponse)
def checkin(request: Request, store: StoreDep, person_id: PersonDep, day: str = "") -> HTMLResponse:
    errors: list[str] = []
    try:
        chosen = _day(day.strip()[:20])
    except ValueError as exc:
        errors.append(str(exc))
        chosen = dt.date.today()
    ctx = _checkin_context(store, person_id, chosen)
    ctx["errors"] = errors
    ctx["saved"] = request.query_params.get("saved") == "1"
    return render(request, "checkin.html", ctx, status_code=422 if errors else 200)


@router.post("/diary/day", response_class=HTMLResponse)
async def save_checkin(request: Request, store: StoreDep, person_id: PersonDep) -> Response:
    """One screen for a day: what happened (triggers, in a calm day too), how it was in the
    person's words, the medicines taken, and the Penn self-score. Saving the same day again
    merges into it and does not count a medicine or a score twice."""
    form = await request.form()
    # The day note's own fields (triggers, note) as the record form reads them; the day is
    # checked here (not in the future), the medicines and the Penn score are other records.
    data = from_form(DayNote, form, now=dt.date.today, full=True)
    data.pop("day", None)
    medicines = [m.strip() for m in _strings(form, "medicines") if m.strip()]
    other = _text(form, "medicine_other")
    if other:
        medicines.extend(m.strip() for m in other.split(";") if m.strip())
    penn = _text(form, "penn")
    values = {
        "triggers": data.get("triggers", []),
        "note": data.get("note") or "",
        "medicines": medicines,
        "penn": penn,
    }
    errors: list[str] = []
    try:
        day = _day(_text(form, "day"))
    except ValueError as exc:
        errors.append(str(exc))
        day = dt.date.today()
    records: list[Any] = []
    if not errors:
        when = _now() if day == dt.date.today() else dt.datetime.combine(day, dt.time(12, 0))
        try:
            records.append(DayNote.model_validate({**data, "day": day}))
            records.extend(MedicineIntake(name=m, taken_at=when) for m in dict.fromkeys(medicines))
            if penn:
                records.append(
                    ScaleScore(scale="penn", score=penn, recorded_by="self", recorded_at=when)
                )
        except ValidationError as exc:
            errors.extend(explain_validation(exc))
        except InputError as exc:
            errors.extend(exc.problems)

    def show_again(problems: list[str], status_code: int) -> HTMLResponse:
        ctx = _checkin_context(store, person_id, day, values)
        ctx["errors"] = problems
        ctx["saved"] = False
        return render(request, "checkin.html", ctx, status_code=status_code)

    if errors:
        return show_again(errors, 422)
    taken = {
        m.name
        for m in store.list_records(MedicineIntake, person_id=person_id, since=day, until=day)
    }
    scored = {
        s.score
        for s in store.list_records(ScaleScore, person_id=person_id, since=day, until=day)
        if s.scale == "penn"
    }

    def write() -> None:
        for record in records:
            if isinstance(record, DayNote):
                store.add_day_note(person_id=person_id, note=record)
            elif isinstance(record, MedicineIntake) and record.name not in taken:
                store.add_medicine_intake(person_id=person_id, intake=record)
            elif isinstance(record, ScaleScore) and record.score not in scored:
                store.add_scale_score(person_id=person_id, score=record)

    # Saving the day again merges into what was saved: sending the form again is safe.
    return saved_or_shown_again(write, show_again, f"/diary/day?day={day.isoformat()}&saved=1")


# --- the profile ------------------------------------------------------------------------------


def _profile_values(p: Profile) -> dict[str, Any]:
    return {
        "birth_year": "" if p.birth_year is None else str(p.birth_year),
        "stroke_date": p.stroke_date.isoformat() if p.stroke_date else "",
        **{
            name: "" if getattr(p, name) is None else ("yes" if getattr(p, name) else "no")
            for name, _ in PROFILE_FLAGS
        },
        "medicines": "\n".join(p.medicines),
    }


def _profile_page(
    request: Request,
    values: dict[str, Any],
    errors: list[str],
    *,
    saved: bool = False,
    status_code: int | None = None,
) -> HTMLResponse:
    return render(
        request,
        "profile.html",
        {"values": values, "errors": errors, "flags": PROFILE_FLAGS, "saved": saved},
        status_code=status_code or (422 if errors else 200),
    )


@router.get("/diary/profile", response_class=HTMLResponse)
def profile(request: Request, store: StoreDep, person_id: PersonDep) -> HTMLResponse:
    p = store.get_profile(person_id=person_id)
    saved = request.query_params.get("saved") == "1"
    return _profile_page(request, _profile_values(p), [], saved=saved)


@router.post("/diary/profile", response_class=HTMLResponse)
async def save_profile(request: Request, store: StoreDep, person_id: PersonDep) -> Response:
    form = await request.form()
    values: dict[str, Any] = {
        "birth_year": _text(form, "birth_year"),
        "stroke_date": _text(form, "stroke_date"),
        **{name: _text(form, name) for name, _ in PROFILE_FLAGS},
        "medicines": _text(form, "medicines"),
    }
    errors: list[str] = []
    data: dict[str, Any] = {}
    year = values["birth_year"]
    if year:
        if year.isdigit() and _FIRST_YEAR <= int(year) <= dt.date.today().year:
            data["birth_year"] = int(year)
        else:
            errors.append(
                f"год рождения: нужен год от {_FIRST_YEAR} до {dt.date.today().year}, "
                f"например 1948, а указано «{year}»"
            )
    else:
        data["birth_year"] = None
    stroke = values["stroke_date"]
    data["stroke_date"] = None
    if stroke:
        try:
            stroke_day = dt.date.fromisoformat(stroke)
            if not dt.date(_FIRST_YEAR, 1, 1) <= stroke_day <= dt.date.today():
                raise ValueError
            data["stroke_date"] = stroke_day
        except ValueError:
            errors.append(
                "дата инсульта: выберите прошедшую дату в календаре (например, 2025-03-14)"
            )
    for name, _ in PROFILE_FLAGS:
        data[name] = {"yes": True, "no": False}.get(values[name])
    lines = values["medicines"].replace(";", "\n").splitlines()
    data["medicines"] = list(dict.fromkeys(m.strip() for m in lines if m.strip()))
    if any(len(m) > MEDICINE_NAME_LENGTH for m in data["medicines"]):
        errors.append(
            f"лекарства: название не длиннее {MEDICINE_NAME_LENGTH} знаков, по одному в строке"
        )
    if len(data["medicines"]) > MEDICINES_LISTED:
        errors.append(f"лекарства: не больше {MEDICINES_LISTED} названий")
    if errors:
        return _profile_page(request, values, errors)
    return saved_or_shown_again(
        lambda: store.update_profile(person_id=person_id, changes=data),
        lambda problems, status: _profile_page(request, values, problems, status_code=status),
        "/diary/profile?saved=1",
    )


# --- medicine intake --------------------------------------------------------------------------


def _medicines_page(
    request: Request,
    store: Any,
    person_id: int,
    *,
    values: dict[str, Any] | None = None,
    errors: list[str] | None = None,
    status_code: int | None = None,
) -> HTMLResponse:
    recent = store.list_records(
        MedicineIntake, person_id=person_id, limit=RECENT, newest_first=True
    )
    profile: Profile = store.get_profile(person_id=person_id)
    return render(
        request,
        "medicines.html",
        {
            "recent": recent,
            "profile_medicines": profile.medicines,
            "values": values or {"taken_at": _now().strftime("%Y-%m-%dT%H:%M")},
            "errors": errors or [],
            "saved": request.query_params.get("saved") == "1",
        },
        status_code=status_code or (422 if errors else 200),
    )


@router.get("/diary/medicines", response_class=HTMLResponse)
def medicines(request: Request, store: StoreDep, person_id: PersonDep) -> HTMLResponse:
    return _medicines_page(request, store, person_id)


def _timed(data: dict[str, Any], name: str) -> None:
    """The record's time as the form sent it: empty is now, a typed one must be plausible."""
    value = data.get(name)
    data[name] = _when(value, default=_now()) if isinstance(value, str) else value or _now()


@router.post("/diary/medicines", response_class=HTMLResponse)
async def add_medicine(request: Request, store: StoreDep, person_id: PersonDep) -> Response:
    form = await request.form()
    values = re_shown(MedicineIntake, form)
    data = from_form(MedicineIntake, form, now=_now)

    def show_again(problems: list[str], status_code: int = 422) -> HTMLResponse:
        return _medicines_page(
            request, store, person_id, values=values, errors=problems, status_code=status_code
        )

    if not data.get("name"):
        return show_again(["название: напишите, какое лекарство приняли (как на упаковке)"])
    try:
        _timed(data, "taken_at")
        intake = MedicineIntake.model_validate(data)
    except ValidationError as exc:
        return show_again(explain_validation(exc))
    except ValueError as exc:
        return show_again([str(exc)])
    return saved_or_shown_again(
        lambda: store.add_medicine_intake(person_id=person_id, intake=intake),
        show_again,
        "/diary/medicines?saved=1",
    )


# --- scale scores -----------------------------------------------------------------------------


def _scores_page(
    request: Request,
    store: Any,
    person_id: int,
    *,
    values: dict[str, Any] | None = None,
    errors: list[str] | None = None,
    status_code: int | None = None,
) -> HTMLResponse:
    recent = store.list_records(ScaleScore, person_id=person_id, limit=RECENT, newest_first=True)
    return render(
        request,
        "scores.html",
        {
            "recent": recent,
            "values": values or {"recorded_at": _now().strftime("%Y-%m-%dT%H:%M")},
            "errors": errors or [],
            "saved": request.query_params.get("saved") == "1",
            "penn": list(PENN_TITLES.items()),
            "ashworth": list(ASHWORTH_TITLES.items()),
            "legs": [(k, LEG_TITLES[k]) for k in LEGS],
            "scale_titles": SCALE_TITLES,
            "leg_titles": LEG_TITLES,
        },
        status_code=status_code or (422 if errors else 200),
    )


@router.get("/diary/scores", response_class=HTMLResponse)
def scores(request: Request, store: StoreDep, person_id: PersonDep) -> HTMLResponse:
    return _scores_page(request, store, person_id)


@router.post("/diary/scores", response_class=HTMLResponse)
async def add_score(request: Request, store: StoreDep, person_id: PersonDep) -> Response:
    """Penn (self-report) or modified Ashworth (as the clinician said it): the grade is the
    one chosen for that scale, so the two radio groups cannot be mixed up."""
    form = await request.form()
    values: dict[str, Any] = {**re_shown(ScaleScore, form), **{k: _text(form, k) for k in SCALES}}
    data = from_form(ScaleScore, form, now=_now)
    scale = data.get("scale") or ""
    errors: list[str] = []
    if scale not in SCALES:
        errors.append("шкала: выберите шкалу Пенна или Ашворта")
    grade = values.get(scale, "") if scale in SCALES else ""
    if scale in SCALES and not grade:
        errors.append(f"оценка: выберите оценку по шкале {SCALE_TITLES[scale].split()[-1]}")
    if not errors:
        data["score"] = grade
        data["recorded_by"] = "self" if scale == "penn" else "clinician"
        try:
            _timed(data, "recorded_at")
            record = ScaleScore.model_validate(data)
        except ValidationError as exc:
            errors.extend(explain_validation(exc))
        except InputError as exc:
            errors.extend(exc.problems)
        except ValueError as exc:
            errors.append(str(exc))

    def show_again(problems: list[str], status_code: int = 422) -> HTMLResponse:
        return _scores_page(
            request, store, person_id, values=values, errors=problems, status_code=status_code
        )

    if errors:
        return show_again(errors)
    return saved_or_shown_again(
        lambda: store.add_scale_score(person_id=person_id, score=record),
        show_again,
        "/diary/scores?saved=1",
    )
