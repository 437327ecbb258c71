"""The diary as a FHIR R4 Bundle, and such a Bundle read back into a diary.

``bundle_for`` gives one JSON-ready ``Bundle`` (type ``collection``) of everything recorded for a
person: a pseudonymous ``Patient`` (named only when the person gave a name), an ``Observation``
per episode, day note, exercise session, scale score and profile answer, a
``MedicationStatement`` per medicine of the profile and per recorded intake, a
``RiskAssessment`` per saved assessment (the level, its reasons with their sources, the likely
conditions) with a ``QuestionnaireResponse`` for one made by the interview, the ``CarePlan`` of
the exercises, and SpasmNav's own ``CodeSystem`` and interview ``Questionnaire``, so the file
explains itself. The resources validate against the R4B models of ``fhir.resources``.

``import_bundle`` reads such a Bundle back: every record with its ``uid`` and the time it was
written down, so export → import → export gives the same diary. The whole Bundle is checked
first; a Russian message names each entry it cannot read, and only a Bundle without errors is
written, in one transaction (all or nothing).

Codes: standard codes only from the pack's ``codes.yaml``, where each one cites its source;
everything else is coded in SpasmNav's own CodeSystem (``CODE_SYSTEM_URL``). Times are the
person's wall-clock times: written with the exporting machine's UTC offset (FHIR requires one)
and read back as the wall-clock time written, so a cramp at 02:00 stays at 02:00 in a clinic in
another time zone. FHIR has no empty strings, so an empty text is not kept (it reads as none).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, get_origin

from pydantic import ValidationError
from sqlalchemy import select

from ..content import Pack
from ..result import AssessmentDigest, SavedCondition, SavedReason
from .fields import info, plain_type
from .ics import (
    BREATHING_EXERCISE,
    DEFAULT_BREATHING_TIMES,
    DEFAULT_SESSION_TIMES,
    SESSION_EXERCISES,
)
from .models import (
    ASHWORTH_GRADES,
    KIND_TITLES,
    KINDS,
    LEG_TITLES,
    LEGS,
    PENN_GRADES,
    RECORD_MODELS,
    SCALE_TITLES,
    TRIGGER_TITLES,
    TRIGGERS,
    Assessment,
    DayNote,
    Episode,
    ExerciseSession,
    InputError,
    MedicineIntake,
    Profile,
    Record,
    ScaleScore,
    explain_validation,
)
from .orm import PersonRow
from .store import RECORD_TYPES, ImportResult, Store

__all__ = [
    "BASE_URL",
    "CODE_SYSTEM_URL",
    "QUESTIONNAIRE_URL",
    "bundle_for",
    "cds_cards",
    "cds_services",
    "code_system",
    "import_bundle",
    "patient_id",
    "questionnaire",
    "read_bundle",
    "validate_resource",
]

# SpasmNav's canonical URLs: stable identifiers, whether or not anything is served there.
BASE_URL = "https://spasmnav.org/fhir"
CODE_SYSTEM_URL = f"{BASE_URL}/CodeSystem/spasmnav"
QUESTIONNAIRE_URL = f"{BASE_URL}/Questionnaire/interview"
UID_SYSTEM = f"{BASE_URL}/NamingSystem/record-uid"
EXT_RECORDED = f"{BASE_URL}/StructureDefinition/recorded-at"
EXT_ASSESSMENT = f"{BASE_URL}/StructureDefinition/assessment-json"
EXT_SOURCE_TEXT = f"{BASE_URL}/StructureDefinition/source-text"
EXT_TEXT_OTHER = f"{BASE_URL}/StructureDefinition/text-other"
EXT_RED_FLAG = f"{BASE_URL}/StructureDefinition/red-flag-question"
SDC_QUESTIONNAIRE = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"

UNKNOWN_CODE = "unknown"  # the interview's «Не знаю» (``interview.UNKNOWN``)
UNKNOWN_DISPLAY = "Не знаю"
MAX_PROBLEMS = 20
_NS = uuid.UUID("6f1c3f0e-5b7a-4d0c-9a61-2f3b7c9d8e41")  # for SpasmNav's urn:uuid fullUrls

# The profile's yes/no answers, each an Observation of its own (the model's bool fields).
_PROFILE_FLAGS = tuple(
    n for n, f in Profile.model_fields.items() if plain_type(f.annotation) is bool
)
# The profile's fields in FHIR (``Info.fhir``): field → (code, display); the medicines are
# MedicationStatements of their category, the other fields an Observation each.
_PROFILE_CODES: dict[str, tuple[str, str]] = {
    name: meta.fhir
    for name, field in Profile.model_fields.items()
    if (meta := info(field)).fhir is not None
}
_PROFILE_MEDICINE, _PROFILE_MEDICINE_DISPLAY = _PROFILE_CODES.pop("medicines")
_PROFILE_FIELDS = {code: name for name, (code, _) in _PROFILE_CODES.items()}
_RECORD_CODES = {
    "episode": "Эпизод непроизвольного движения ноги",
    "day-triggers": "Провокаторы дня",
    "exercise-session": "Занятие упражнением",
    "scale-ashworth": SCALE_TITLES["ashworth"],
    "scale-penn": SCALE_TITLES["penn"],
    "triage": "Оценка срочности SpasmNav",
    _PROFILE_MEDICINE: _PROFILE_MEDICINE_DISPLAY,
    "medicine-intake": "Приём лекарства, записанный человеком",
    "exercise-plan": "План упражнений",
    **dict(_PROFILE_CODES.values()),
}


def _components(model: type[Record]) -> dict[str, tuple[str, str]]:
    """The model's fields carried as Observation components: field → (code, display)."""
    return {
        name: meta.fhir
        for name, field in model.model_fields.items()
        if (meta := info(field)).fhir is not None
    }


# The components' codes and displays, from the models' ``Info.fhir``.
_PART_CODES = {
    code: display for model in RECORD_MODELS for code, display in _components(model).values()
}
_CLINICIAN = {"type": "Practitioner", "display": "врач (клиницист)"}


# --- codes -------------------------------------------------------------------------------------


def _level_titles(pack: Pack) -> dict[str, str]:
    return {lv.id: lv.title for lv in pack.levels}


def _concepts(pack: Pack) -> list[dict[str, Any]]:
    """SpasmNav's concepts, grouped under a parent concept per kind."""

    def group(code: str, display: str, children: Mapping[str, str]) -> dict[str, Any]:
        return {
            "code": code,
            "display": display,
            "concept": [{"code": c, "display": d} for c, d in children.items()],
        }

    return [
        group("records", "Записи дневника и оценки", _RECORD_CODES),
        group("parts", "Части записи", _PART_CODES),
        group("kinds", "Вид эпизода", {f"kind-{k}": KIND_TITLES[k] for k in KINDS}),
        group("legs", "Нога", {f"leg-{leg}": f"{LEG_TITLES[leg]} нога" for leg in LEGS}),
        group("triggers", "Провокаторы", {f"trigger-{t}": TRIGGER_TITLES[t] for t in TRIGGERS}),
        group(
            "ashworth-grades",
            "Степени шкалы Ашворта",
            {f"ashworth-{g}": g for g in ASHWORTH_GRADES},
        ),
        group("penn-grades", "Степени шкалы Пенна", {f"penn-{g}": g for g in PENN_GRADES}),
        group(
            "levels", "Уровни срочности", {f"level-{k}": v for k, v in _level_titles(pack).items()}
        ),
        group(
            "conditions",
            "Вероятные причины (механизмы)",
            {f"condition-{c.id}": c.title for c in pack.conditions},
        ),
        group("exercises", "Упражнения", {f"exercise-{x.id}": x.title for x in pack.exercises}),
    ]


def code_system(pack: Pack | None = None) -> dict[str, Any]:
    """SpasmNav's own CodeSystem: every code the export uses that is not a standard one."""
    pack = pack or _pack()
    concepts = _concepts(pack)
    count = sum(1 + len(c["concept"]) for c in concepts)
    return {
        "resourceType": "CodeSystem",
        "url": CODE_SYSTEM_URL,
        "version": pack.version,
        "name": "SpasmNav",
        "title": "Коды SpasmNav: дневник симптомов ног и оценка срочности",
        "status": "active",
        "experimental": False,
        "publisher": "SpasmNav",
        "description": (
            "Коды записей дневника SpasmNav (эпизоды, провокаторы, упражнения, шкалы), уровней "
            "срочности и вероятных причин. Стандартные коды (UCUM, категории наблюдений HL7) "
            "используются там, где они точно известны и их источник указан в пакете."
        ),
        "caseSensitive": True,
        "hierarchyMeaning": "grouped-by",
        "content": "complete",
        "count": count,
        "concept": concepts,
    }


class _Codes:
    """Codings for one export: SpasmNav's, and the pack's standard codes by id."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self.displays = {c["code"]: c["display"] for g in _concepts(pack) for c in g["concept"]}

    def cc(self, code: str, text: str | None = None) -> dict[str, Any]:
        display = self.displays.get(code, text or code)
        return {
            "coding": [{"system": CODE_SYSTEM_URL, "code": code, "display": display}],
            "text": text or display,
        }

    def standard(self, code_id: str) -> dict[str, Any]:
        c = self.pack.code(code_id)
        return {"system": c.system, "code": c.code, "display": c.display}


def _code_of(concept: Any) -> str | None:
    """SpasmNav's code in a CodeableConcept, or None."""
    if not isinstance(concept, Mapping):
        return None
    for coding in concept.get("coding") or ():
        if isinstance(coding, Mapping) and coding.get("system") == CODE_SYSTEM_URL:
            code = coding.get("code")
            return code if isinstance(code, str) else None
    return None


# --- times and small helpers ------------------------------------------------------------------


def _when(value: dt.datetime) -> str:
    """A wall-clock time with this machine's UTC offset for it (whole minutes, as FHIR wants)."""
    try:
        offset = value.astimezone().utcoffset()
    except (OverflowError, ValueError, OSError):
        offset = None
    minutes = round(offset.total_seconds() / 60) if offset is not None else 0
    return value.replace(tzinfo=dt.timezone(dt.timedelta(minutes=minutes))).isoformat()


def _now() -> str:
    return dt.datetime.now().astimezone().replace(microsecond=0).isoformat()


def _urn(*parts: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NS, '|'.join(parts))}"


def _ref(url: str) -> dict[str, str]:
    return {"reference": url}


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value is not None and value != [] and value != "":
        target[key] = value


# --- export ------------------------------------------------------------------------------------


def _pack() -> Pack:
    from ..content import load_pack

    return load_pack()


def _person(store: Store, person_id: int) -> tuple[str, str | None]:
    """(pseudonym seed, display name) of a person."""
    with store.reading() as s:
        row = s.scalar(select(PersonRow).where(PersonRow.id == person_id))
        if row is None:
            return (f"person-{person_id}", None)
        return (f"{row.key}|{row.created_at.isoformat()}", row.display_name)


class _Exporter:
    def __init__(self, pack: Pack, patient_url: str, plan_url: str) -> None:
        self.pack = pack
        self.codes = _Codes(pack)
        self.patient = patient_url
        self.plan = plan_url

    def base(self, rec: Record, resource_type: str) -> dict[str, Any]:
        out: dict[str, Any] = {"resourceType": resource_type}
        if rec.created_at is not None:
            out["extension"] = [{"url": EXT_RECORDED, "valueDateTime": _when(rec.created_at)}]
        out["identifier"] = [{"system": UID_SYSTEM, "value": rec.uid}]
        return out

    def note(self, res: dict[str, Any], rec: Record) -> None:
        if rec.note:
            res["note"] = [{"text": rec.note}]

    def part(self, code: str, **value: Any) -> dict[str, Any]:
        return {"code": self.codes.cc(code), **value}

    def components(self, rec: Record) -> list[dict[str, Any]]:
        """The record's fields that are components (``Info.fhir``), in the model's order: a
        yes/no always, a set of codes one each, a value when there is one."""
        model = type(rec)
        parts: list[dict[str, Any]] = []
        for name, (code, _) in _components(model).items():
            field = model.model_fields[name]
            t = plain_type(field.annotation)
            value = getattr(rec, name)
            if get_origin(t) is tuple:
                parts += [
                    self.part(code, valueCodeableConcept=self.codes.cc(f"{code}-{v}"))
                    for v in value
                ]
            elif t is bool:
                parts.append(self.part(code, valueBoolean=value))
            elif value is None or value == "":
                continue
            elif info(field).minutes:
                unit = self.codes.standard("unit_second")
                quantity = {"value": value, "unit": "с", **unit}
                quantity.pop("display")
                parts.append(self.part(code, valueQuantity=quantity))
            elif t is int:
                parts.append(self.part(code, valueInteger=value))
            else:
                parts.append(self.part(code, valueString=value))
        return parts

    # One resource per record (two for an interview's assessment).
    def entries(self, rec: Record) -> list[tuple[str, dict[str, Any]]]:
        url = _urn(rec.table, rec.uid)
        if isinstance(rec, Episode):
            return [(url, self.episode(rec))]
        if isinstance(rec, DayNote):
            return [(url, self.day_note(rec))]
        if isinstance(rec, ExerciseSession):
            return [(url, self.session(rec))]
        if isinstance(rec, MedicineIntake):
            return [(url, self.intake(rec))]
        if isinstance(rec, ScaleScore):
            return [(url, self.scale(rec))]
        if isinstance(rec, Assessment):
            return self.assessment(url, rec)
        raise TypeError(type(rec).__name__)  # pragma: no cover - RECORD_TYPES is closed

    def observation(self, rec: Record, code: str) -> dict[str, Any]:
        res = self.base(rec, "Observation")
        res["status"] = "final"
        res["code"] = self.codes.cc(code)
        res["subject"] = _ref(self.patient)
        return res

    def episode(self, e: Episode) -> dict[str, Any]:
        res = self.observation(e, "episode")
        res["effectiveDateTime"] = _when(e.started_at)
        if e.created_at is not None:
            res["issued"] = _when(e.created_at)
        res["valueCodeableConcept"] = self.codes.cc(f"kind-{e.kind}")
        if e.leg:
            res["bodySite"] = self.codes.cc(f"leg-{e.leg}")
        res["component"] = self.components(e)
        self.note(res, e)
        return res

    def day_note(self, n: DayNote) -> dict[str, Any]:
        res = self.observation(n, "day-triggers")
        res["effectiveDateTime"] = n.day.isoformat()
        _put(res, "component", self.components(n))
        self.note(res, n)
        return res

    def session(self, x: ExerciseSession) -> dict[str, Any]:
        res = self.observation(x, "exercise-session")
        res["category"] = [{"coding": [self.codes.standard("category_activity")]}]
        res["basedOn"] = [_ref(self.plan)]
        res["effectiveDateTime"] = _when(x.done_at)
        res["valueCodeableConcept"] = self.codes.cc(f"exercise-{x.exercise_id}", x.exercise_id)
        _put(res, "component", self.components(x))
        self.note(res, x)
        return res

    def scale(self, s: ScaleScore) -> dict[str, Any]:
        res = self.observation(s, f"scale-{s.scale}")
        category = "category_exam" if s.recorded_by == "clinician" else "category_survey"
        res["category"] = [{"coding": [self.codes.standard(category)]}]
        res["effectiveDateTime"] = _when(s.recorded_at)
        res["performer"] = [_CLINICIAN if s.recorded_by == "clinician" else _ref(self.patient)]
        res["valueCodeableConcept"] = self.codes.cc(f"{s.scale}-{s.score}", s.score)
        if s.leg:
            res["bodySite"] = self.codes.cc(f"leg-{s.leg}")
        _put(res, "component", self.components(s))
        self.note(res, s)
        return res

    def intake(self, m: MedicineIntake) -> dict[str, Any]:
        res = self.base(m, "MedicationStatement")
        res["status"] = "completed"
        res["category"] = self.codes.cc("medicine-intake")
        res["medicationCodeableConcept"] = {"text": m.name}
        res["subject"] = _ref(self.patient)
        res["effectiveDateTime"] = _when(m.taken_at)
        if m.created_at is not None:
            res["dateAsserted"] = _when(m.created_at)
        res["informationSource"] = _ref(self.patient)
        if m.amount:
            # As the person wrote it; SpasmNav never suggests a medicine or a dose.
            res["dosage"] = [{"text": m.amount}]
        self.note(res, m)
        return res

    def assessment(self, url: str, a: Assessment) -> list[tuple[str, dict[str, Any]]]:
        data = a.data
        res = self.base(a, "RiskAssessment")
        blob = json.dumps(data, ensure_ascii=False, sort_keys=True).encode()
        res.setdefault("extension", []).append(
            {
                "url": EXT_ASSESSMENT,
                "valueAttachment": {
                    "contentType": "application/json",
                    "data": base64.b64encode(blob).decode("ascii"),
                    "title": "Оценка SpasmNav (JSON)",
                },
            }
        )
        if a.text:
            res["extension"].append({"url": EXT_SOURCE_TEXT, "valueString": a.text})
        res["status"] = "final"
        res["code"] = self.codes.cc("triage")
        res["subject"] = _ref(self.patient)
        res["occurrenceDateTime"] = _when(a.assessed_at)
        out: list[tuple[str, dict[str, Any]]] = []
        saved = AssessmentDigest.from_json(data)
        if saved.asked is not None:
            qr_url = _urn("questionnaire-response", a.uid)
            out.append((qr_url, self.response(a, saved)))
            res["basis"] = [_ref(qr_url)]
        level = {"outcome": {"text": saved.title or a.level}}
        level["qualitativeRisk"] = self.codes.cc(f"level-{a.level}")
        _put(level, "rationale", _reasons(saved.reason_items))
        predictions = [level]
        for c in saved.condition_items:
            p: dict[str, Any] = {
                # A condition of an older pack that this one no longer has: words only.
                "outcome": self.codes.cc(f"condition-{c.id}", c.title)
                if self.pack.has("conditions", c.id)
                else {"text": c.title}
            }
            _put(p, "rationale", self.evidence(c))
            predictions.append(p)
        res["prediction"] = predictions
        _put(res, "note", [{"text": t} for t in (a.note, saved.disclaimer) if t])
        return [(url, res), *out]

    def evidence(self, c: SavedCondition) -> str | None:
        words = [
            self.pack.finding(fid).label if self.pack.has("findings", fid) else fid
            for fid in c.findings
        ]
        score = c.score
        head = f"Относительная оценка {score} (не вероятность)" if score is not None else ""
        body = f"признаки: {', '.join(words)}" if words else ""
        return "; ".join(p for p in (head, body) if p) or None

    def response(self, a: Assessment, saved: AssessmentDigest) -> dict[str, Any]:
        version = saved.pack_version
        canonical = QUESTIONNAIRE_URL + (f"|{version}" if version is not None else "")
        items = []
        for q in saved.asked or ():
            item: dict[str, Any] = {"linkId": q.link_id}
            _put(item, "text", q.question)
            _put(item, "answer", self.answers(q.link_id, q.value, q.words))
            items.append(item)
        res: dict[str, Any] = {
            "resourceType": "QuestionnaireResponse",
            "identifier": {"system": UID_SYSTEM, "value": f"{a.uid}/interview"},
            "questionnaire": canonical,
            "status": "completed",
            "subject": _ref(self.patient),
            "authored": _when(a.assessed_at),
            "author": _ref(self.patient),
        }
        _put(res, "item", items)
        return res

    def answers(self, link_id: str, value: Any, words: Any) -> list[dict[str, Any]]:
        question = self.pack.question(link_id) if self.pack.has("questions", link_id) else None
        displays = {o.code: o.display for o in question.answerOption} if question else {}
        if value is None:
            if question is not None and question.type in ("choice", "open-choice"):
                return [{"valueCoding": {"code": UNKNOWN_CODE, "display": UNKNOWN_DISPLAY}}]
            return []
        if isinstance(value, bool):
            return [{"valueBoolean": value}]
        if isinstance(value, int | float):
            if question is not None and question.type == "integer" and value == int(value):
                return [{"valueInteger": int(value)}]
            return [{"valueDecimal": value}]
        if isinstance(value, str) and question is not None and question.type == "string":
            return [{"valueString": value}]
        if isinstance(value, str):
            display = displays.get(value) or (words if isinstance(words, str) else value)
            return [{"valueCoding": {"code": value, "display": display}}]
        if isinstance(value, list):
            return [
                {"valueCoding": {"code": c, "display": displays.get(c, c)}}
                for c in value
                if isinstance(c, str) and c
            ]
        return []

    def profile(self, profile: Profile) -> list[tuple[str, dict[str, Any]]]:
        out: list[tuple[str, dict[str, Any]]] = []
        for name, (code, _) in _PROFILE_CODES.items():
            value = getattr(profile, name)
            if value is None:
                continue
            res: dict[str, Any] = {
                "resourceType": "Observation",
                "status": "final",
                "code": self.codes.cc(code),
                "subject": _ref(self.patient),
            }
            if isinstance(value, dt.date):
                res["valueDateTime"] = value.isoformat()
            else:
                res["valueBoolean"] = bool(value)
            out.append((_urn(self.patient, "profile", name), res))
        for i, name in enumerate(profile.medicines):
            res = {
                "resourceType": "MedicationStatement",
                "status": "active",
                "category": self.codes.cc(_PROFILE_MEDICINE),
                "medicationCodeableConcept": {"text": name},
                "subject": _ref(self.patient),
                "informationSource": _ref(self.patient),
            }
            out.append((_urn(self.patient, "medicine", str(i), name), res))
        return out

    def care_plan(self) -> dict[str, Any]:
        activities = []
        for ex_id in (*SESSION_EXERCISES, BREATHING_EXERCISE):
            if not self.pack.has("exercises", ex_id):
                continue
            x = self.pack.exercise(ex_id)
            per_day = (
                len(DEFAULT_BREATHING_TIMES)
                if ex_id == BREATHING_EXERCISE
                else len(DEFAULT_SESSION_TIMES)
            )
            params = [
                p for p in (x.repetitions, x.hold_seconds, x.sets_per_day, x.duration_minutes) if p
            ]
            sources = "; ".join(c.render(self.pack) for c in x.cite)
            description = x.instructions.strip()
            if params:
                description += " Параметры: " + "; ".join(params) + "."
            if x.caution:
                description += f" Осторожно: {x.caution.strip()}"
            description += f" Источник: {sources}."
            activities.append(
                {
                    "detail": {
                        "code": self.codes.cc(f"exercise-{x.id}"),
                        "status": "not-started",
                        "scheduledTiming": {
                            "repeat": {"frequency": per_day, "period": 1, "periodUnit": "d"}
                        },
                        "description": description,
                    }
                }
            )
        res: dict[str, Any] = {
            "resourceType": "CarePlan",
            "status": "active",
            "intent": "plan",
            "category": [self.codes.cc("exercise-plan")],
            "title": "Упражнения для ног и дыхание 4-4-6",
            "description": (
                "Делайте медленно, без боли. Если нога внезапно отекла, покраснела, стала "
                "холодной или появилась слабость, перекос лица, нарушение речи — не делайте "
                "упражнения, звоните 103 или 112."
            ),
            "subject": _ref(self.patient),
        }
        _put(res, "activity", activities)
        return res


def _reasons(reasons: Sequence[SavedReason]) -> str | None:
    lines = [
        r.text + (f" (источники: {'; '.join(r.sources)})" if r.sources else "") for r in reasons
    ]
    return "\n".join(lines) or None


def patient_id(store: Store, person_id: int) -> str:
    """The person's pseudonym: the uuid of the Patient in their Bundle (CDS Hooks' patientId)."""
    seed, _ = _person(store, person_id)
    return _urn("patient", seed).removeprefix("urn:uuid:")


# CDS Hooks indicator of each level (info | warning | critical).
INDICATORS = {
    "self_care": "info",
    "doctor": "warning",
    "urgent": "warning",
    "emergency": "critical",
}
CDS_SERVICE_ID = "spasmnav-latest-assessment"


def cds_services() -> dict[str, Any]:
    """The CDS Hooks discovery document."""
    return {
        "services": [
            {
                "hook": "patient-view",
                "id": CDS_SERVICE_ID,
                "title": "SpasmNav: последняя оценка срочности",
                "description": (
                    "Последняя сохранённая оценка SpasmNav пациента (подёргивания, судороги и "
                    "спазмы в ногах): уровень срочности, причины с источниками и признаки "
                    "опасности, которые ещё не проверены."
                ),
                "prefetch": {},
            }
        ]
    }


def _clip(text: str, limit: int = 140) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def cds_cards(store: Store, person_id: int, *, pack: Pack | None = None) -> list[dict[str, Any]]:
    """The latest saved assessment as CDS Hooks cards (summary, indicator, source): one for the
    level with its reasons, one per red flag that was neither confirmed nor excluded."""
    pack = pack or _pack()
    latest = store.latest_assessment(person_id=person_id)
    if latest is None:
        return []
    saved = AssessmentDigest.from_json(latest.data)
    title = saved.title or _level_titles(pack).get(latest.level, latest.level)
    source = {
        "label": f"SpasmNav, пакет {saved.pack_version or pack.version}",
        "topic": {
            "system": CODE_SYSTEM_URL,
            "code": f"level-{latest.level}",
            "display": _level_titles(pack).get(latest.level, latest.level),
        },
    }
    when = latest.assessed_at.strftime("%d.%m.%Y %H:%M")
    lines = [f"Оценка от {when}."]
    for r in saved.reason_items:
        sources = "; ".join(r.sources)
        lines.append(f"- {r.text}" + (f" *(источники: {sources})*" if sources else ""))
    if saved.disclaimer is not None:
        lines.append("")
        lines.append(saved.disclaimer)
    cards = [
        {
            "uuid": str(uuid.uuid5(_NS, f"cds|{latest.uid}")),
            "summary": _clip(f"SpasmNav: {title}"),
            "indicator": INDICATORS.get(latest.level, "info"),
            "detail": "\n".join(lines),
            "source": source,
        }
    ]
    for flag in saved.unchecked:
        cards.append(
            {
                "uuid": str(uuid.uuid5(_NS, f"cds|{latest.uid}|{flag.id}")),
                "summary": _clip(f"Не проверено: {flag.title}"),
                "indicator": "warning",
                "detail": flag.question or "Этот признак опасности не подтверждён и не исключён.",
                "source": source,
            }
        )
    return cards


def bundle_for(store: Store, person_id: int, *, pack: Pack | None = None) -> dict[str, Any]:
    """Everything recorded for one person as a JSON-ready FHIR R4 ``Bundle`` (collection)."""
    pack = pack or _pack()
    seed, name = _person(store, person_id)
    patient_url = _urn("patient", seed)
    plan_url = _urn(patient_url, "care-plan")
    ex = _Exporter(pack, patient_url, plan_url)
    patient: dict[str, Any] = {"resourceType": "Patient"}
    profile = store.get_profile(person_id=person_id)
    if name:
        patient["name"] = [{"text": name}]
    if profile.birth_year is not None:
        patient["birthDate"] = f"{profile.birth_year:04d}"
    entries: list[tuple[str, dict[str, Any]]] = [
        (CODE_SYSTEM_URL, code_system(pack)),
        (QUESTIONNAIRE_URL, questionnaire(pack)),
        (patient_url, patient),
        *ex.profile(profile),
        (plan_url, ex.care_plan()),
    ]
    for model in RECORD_TYPES.values():
        for rec in store.list_records(model, person_id=person_id):
            entries.extend(ex.entries(rec))
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": _now(),
        "entry": [{"fullUrl": url, "resource": res} for url, res in entries],
    }


# --- the Questionnaire -------------------------------------------------------------------------


def _enable_when(pack: Pack, question: str, operator: str, answer: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"question": question, "operator": operator}
    target = pack.question(question).type if pack.has("questions", question) else "choice"
    if operator == "exists" or target == "boolean":
        out["answerBoolean"] = bool(answer)
    elif target == "integer" and isinstance(answer, int | float) and answer == int(answer):
        out["answerInteger"] = int(answer)
    elif target in ("integer", "decimal") and isinstance(answer, int | float):
        out["answerDecimal"] = answer
    elif target == "string":
        out["answerString"] = str(answer)
    else:
        out["answerCoding"] = {"code": str(answer)}
    return out


def questionnaire(pack: Pack | None = None) -> dict[str, Any]:
    """The interview's questions as an SDC Questionnaire (``QUESTIONNAIRE_URL|version``)."""
    pack = pack or _pack()
    items = []
    for q in pack.questions:
        item: dict[str, Any] = {"linkId": q.linkId, "text": q.text, "type": q.type}
        extensions: list[dict[str, Any]] = []
        if q.text_other:
            extensions.append({"url": EXT_TEXT_OTHER, "valueString": q.text_other})
        if q.red_flag:
            extensions.append({"url": EXT_RED_FLAG, "valueBoolean": True})
        _put(item, "extension", extensions)
        if q.repeats:
            item["repeats"] = True
        if q.enableWhen:
            item["enableWhen"] = [
                _enable_when(pack, w.question, w.operator, w.answer) for w in q.enableWhen
            ]
            if len(q.enableWhen) > 1:
                item["enableBehavior"] = q.enableBehavior
        if q.type in ("choice", "open-choice"):
            item["answerOption"] = [
                {"valueCoding": {"code": o.code, "display": o.display}} for o in q.answerOption
            ] + [{"valueCoding": {"code": UNKNOWN_CODE, "display": UNKNOWN_DISPLAY}}]
        why = q.why.strip()
        if q.cite:
            why += " Источники: " + "; ".join(c.render(pack) for c in q.cite) + "."
        item["item"] = [
            {
                "linkId": f"{q.linkId}.why",
                "type": "display",
                "text": why,
                "extension": [
                    {
                        "url": ITEM_CONTROL,
                        "valueCodeableConcept": {
                            "coding": [{"system": ITEM_CONTROL_SYSTEM, "code": "help"}],
                            "text": "Зачем мы спрашиваем",
                        },
                    }
                ],
            }
        ]
        items.append(item)
    return {
        "resourceType": "Questionnaire",
        "meta": {"profile": [SDC_QUESTIONNAIRE]},
        "url": QUESTIONNAIRE_URL,
        "version": pack.version,
        "name": "SpasmNavInterview",
        "title": "Опрос SpasmNav: подёргивания, судороги и спазмы в ногах",
        "status": "active",
        "experimental": False,
        "subjectType": ["Patient"],
        "publisher": "SpasmNav",
        "description": (
            "Вопросы пошагового опроса SpasmNav. Сначала — признаки, при которых нужна скорая "
            "помощь или врач сегодня. На каждый вопрос можно ответить «Не знаю». Это помощь в "
            "оценке срочности, а не диагноз."
        ),
        "item": items,
    }


def validate_resource(resource: Mapping[str, Any]) -> Any:
    """Parse one resource with the ``fhir.resources`` R4B model of its type (ValidationError or
    ValueError when it is not valid FHIR)."""
    from fhir.resources.R4B import get_fhir_model_class

    rtype = resource.get("resourceType")
    if not isinstance(rtype, str):
        raise ValueError("нет resourceType")
    try:
        model = get_fhir_model_class(rtype)
    except (ValueError, KeyError, AttributeError):
        raise ValueError(f"неизвестный тип ресурса «{rtype}»") from None
    return model.model_validate(_for_validation(dict(resource)))


# FHIR's string pattern ``[ \r\n\t\S]+`` is XML Schema's, where only those four characters are
# white space; the models check it with Unicode's ``\s``, which would reject a thin or a
# no-break space a person typed. The copy that is validated has them as a plain letter.
_UNICODE_SPACES = {
    c: "_" for c in range(0x3000 + 1) if chr(c).isspace() and chr(c) not in " \r\n\t"
}


def _for_validation(node: Any) -> Any:
    if isinstance(node, str):
        return node.translate(_UNICODE_SPACES)
    if isinstance(node, Mapping):
        return {k: _for_validation(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_for_validation(v) for v in node]
    return node


# --- import ------------------------------------------------------------------------------------


class _Bad(ValueError):
    """One thing an entry says that SpasmNav cannot read (the message is Russian)."""


def _parse_time(value: Any, what: str) -> dt.datetime:
    if not isinstance(value, str):
        raise _Bad(f"нет времени ({what})")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise _Bad(f"неверное время «{value}» ({what})") from None
    return parsed.replace(tzinfo=None)


def _parse_date(value: Any, what: str) -> dt.date:
    if not isinstance(value, str):
        raise _Bad(f"нет даты ({what})")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _Bad(f"неверная дата «{value}» ({what})") from None


def _ext(res: Mapping[str, Any], url: str) -> Mapping[str, Any] | None:
    for e in res.get("extension") or ():
        if isinstance(e, Mapping) and e.get("url") == url:
            return e
    return None


def _common(res: Mapping[str, Any]) -> dict[str, Any]:
    uid = None
    for ident in res.get("identifier") or ():
        if isinstance(ident, Mapping) and ident.get("system") == UID_SYSTEM:
            uid = ident.get("value")
    if not isinstance(uid, str):
        raise _Bad(f"нет идентификатора записи SpasmNav ({UID_SYSTEM})")
    out: dict[str, Any] = {"uid": uid}
    recorded = _ext(res, EXT_RECORDED)
    if recorded is not None:
        out["created_at"] = _parse_time(recorded.get("valueDateTime"), "время записи")
    notes = [n.get("text") for n in res.get("note") or () if isinstance(n, Mapping)]
    out["note"] = notes[0] if notes else None
    return out


def _prefixed(code: str | None, prefix: str, what: str) -> str:
    if code is None or not code.startswith(prefix):
        raise _Bad(f"нет кода SpasmNav для поля «{what}»")
    return code[len(prefix) :]


def _parts(
    res: Mapping[str, Any], known: Mapping[str, str] = _PART_CODES
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for c in res.get("component") or ():
        if not isinstance(c, Mapping):
            continue
        code = _code_of(c.get("code"))
        if code is None:
            raise _Bad("часть записи без кода SpasmNav")
        if code not in known:
            raise _Bad(f"неизвестная часть записи «{code}»")
        yield code, c


class _Reader:
    """Turns a Bundle's entries into diary records, a profile and a name."""

    def __init__(self) -> None:
        self.records: list[Record] = []
        self.profile: dict[str, Any] = {}
        self.medicines: list[str] = []
        self.name: str | None = None

    def read(self, res: Mapping[str, Any]) -> None:
        rtype = res.get("resourceType")
        if rtype in ("CodeSystem", "Questionnaire", "QuestionnaireResponse", "CarePlan"):
            return  # derived from the pack or from the assessments: nothing of its own
        if rtype == "Patient":
            self.patient(res)
        elif rtype == "Observation":
            self.observation(res)
        elif rtype == "MedicationStatement":
            self.medication(res)
        elif rtype == "RiskAssessment":
            self.assessment(res)
        else:
            raise _Bad(f"ресурс {rtype} SpasmNav не читает")

    def patient(self, res: Mapping[str, Any]) -> None:
        for n in res.get("name") or ():
            if isinstance(n, Mapping) and n.get("text"):
                self.name = str(n["text"])
                break
        birth = res.get("birthDate")
        if isinstance(birth, str):
            try:
                self.profile["birth_year"] = int(birth[:4])
            except ValueError:
                raise _Bad(f"неверная дата рождения «{birth}»") from None

    def observation(self, res: Mapping[str, Any]) -> None:
        code = _code_of(res.get("code"))
        if code is None:
            raise _Bad("наблюдение без кода SpasmNav: не знаю, что это")
        if code == "episode":
            self.records.append(Episode.model_validate(self.episode(res)))
        elif code == "day-triggers":
            values = _common(res)
            values["day"] = _parse_date(res.get("effectiveDateTime"), "день")
            values.update(self.components(res, DayNote))
            self.records.append(DayNote.model_validate(values))
        elif code == "exercise-session":
            self.records.append(ExerciseSession.model_validate(self.session(res)))
        elif code in ("scale-ashworth", "scale-penn"):
            self.records.append(ScaleScore.model_validate(self.scale(res, code[6:])))
        elif code.startswith("profile-") and code != _PROFILE_MEDICINE:
            name = _PROFILE_FIELDS.get(code, "")
            if name == "stroke_date":
                self.profile[name] = _parse_date(res.get("valueDateTime"), "дата инсульта")
            elif name in _PROFILE_FLAGS and isinstance(res.get("valueBoolean"), bool):
                self.profile[name] = res["valueBoolean"]
            else:
                raise _Bad(f"неизвестный ответ профиля «{code}»")
        else:
            raise _Bad(f"наблюдение с кодом «{code}» SpasmNav не читает")

    def components(self, res: Mapping[str, Any], model: type[Record]) -> dict[str, Any]:
        """The model's component fields (``Info.fhir``) back from the Observation; a set of
        codes is empty when none is given, components of other records are not its own."""
        own = _components(model)
        fields = {code: name for name, (code, _) in own.items()}
        known = {**_PART_CODES, **dict(own.values())}
        values: dict[str, Any] = {}
        for fname in fields.values():
            if get_origin(plain_type(model.model_fields[fname].annotation)) is tuple:
                values[fname] = []
        for code, c in _parts(res, known):
            if code not in fields:
                continue
            name = fields[code]
            field = model.model_fields[name]
            t = plain_type(field.annotation)
            if get_origin(t) is tuple:
                what = known[code].lower()
                values[name].append(
                    _prefixed(_code_of(c.get("valueCodeableConcept")), f"{code}-", what)
                )
            elif t is bool:
                values[name] = c.get("valueBoolean")
            elif info(field).minutes:
                quantity = c.get("valueQuantity") or {}
                if quantity.get("code") != "s" or quantity.get("system") != _UCUM:
                    raise _Bad(f"{info(field).title} не в секундах (UCUM «s»)")
                values[name] = quantity.get("value")
            elif t is int:
                values[name] = c.get("valueInteger")
            else:
                values[name] = c.get("valueString")
        return values

    def episode(self, res: Mapping[str, Any]) -> dict[str, Any]:
        values = _common(res)
        values["started_at"] = _parse_time(res.get("effectiveDateTime"), "начало эпизода")
        values["kind"] = _prefixed(_code_of(res.get("valueCodeableConcept")), "kind-", "вид")
        if res.get("bodySite") is not None:
            values["leg"] = _prefixed(_code_of(res.get("bodySite")), "leg-", "нога")
        values.update(self.components(res, Episode))
        return values

    def session(self, res: Mapping[str, Any]) -> dict[str, Any]:
        values = _common(res)
        values["done_at"] = _parse_time(res.get("effectiveDateTime"), "время занятия")
        values["exercise_id"] = _prefixed(
            _code_of(res.get("valueCodeableConcept")), "exercise-", "упражнение"
        )
        values.update(self.components(res, ExerciseSession))
        return values

    def scale(self, res: Mapping[str, Any], scale: str) -> dict[str, Any]:
        values = _common(res)
        values["scale"] = scale
        values["recorded_at"] = _parse_time(res.get("effectiveDateTime"), "время оценки")
        values["score"] = _prefixed(
            _code_of(res.get("valueCodeableConcept")), f"{scale}-", "оценка"
        )
        performer = (res.get("performer") or [{}])[0]
        values["recorded_by"] = (
            "clinician"
            if isinstance(performer, Mapping) and "reference" not in performer
            else "self"
        )
        if res.get("bodySite") is not None:
            values["leg"] = _prefixed(_code_of(res.get("bodySite")), "leg-", "нога")
        values.update(self.components(res, ScaleScore))
        return values

    def medication(self, res: Mapping[str, Any]) -> None:
        category = _code_of(res.get("category"))
        name = (res.get("medicationCodeableConcept") or {}).get("text")
        if not isinstance(name, str):
            raise _Bad("нет названия лекарства (medicationCodeableConcept.text)")
        if category == _PROFILE_MEDICINE:
            self.medicines.append(name)
            return
        if category != "medicine-intake":
            raise _Bad("лекарство без категории SpasmNav (профиль или приём)")
        values = _common(res)
        values["taken_at"] = _parse_time(res.get("effectiveDateTime"), "время приёма")
        values["name"] = name
        dosage = [d.get("text") for d in res.get("dosage") or () if isinstance(d, Mapping)]
        values["amount"] = dosage[0] if dosage else None
        self.records.append(MedicineIntake.model_validate(values))

    def assessment(self, res: Mapping[str, Any]) -> None:
        values = _common(res)
        values["assessed_at"] = _parse_time(res.get("occurrenceDateTime"), "время оценки")
        level = None
        for p in res.get("prediction") or ():
            code = _code_of(p.get("qualitativeRisk")) if isinstance(p, Mapping) else None
            if code is not None and code.startswith("level-"):
                level = code[len("level-") :]
                break
        if level is None:
            raise _Bad("нет уровня срочности (prediction.qualitativeRisk)")
        values["level"] = level
        blob = _ext(res, EXT_ASSESSMENT)
        attachment = blob.get("valueAttachment") if blob is not None else None
        if not isinstance(attachment, Mapping) or not isinstance(attachment.get("data"), str):
            raise _Bad("нет данных оценки SpasmNav (расширение assessment-json)")
        try:
            data = json.loads(base64.b64decode(attachment["data"], validate=True))
        except (binascii.Error, ValueError):
            raise _Bad("данные оценки повреждены (не JSON в base64)") from None
        if not isinstance(data, dict):
            raise _Bad("данные оценки должны быть объектом JSON")
        values["data"] = data
        source = _ext(res, EXT_SOURCE_TEXT)
        values["text"] = source.get("valueString") if source is not None else None
        # The record's own note comes first, then the disclaimer of the assessment.
        notes = [n.get("text") for n in res.get("note") or () if isinstance(n, Mapping)]
        if len(notes) == 1 and notes[0] == AssessmentDigest.from_json(data).disclaimer:
            notes = []
        values["note"] = notes[0] if notes else None
        self.records.append(Assessment.model_validate(values))


_UCUM = "http://unitsofmeasure.org"


def _entry_name(i: int, entry: Any) -> str:
    res = entry.get("resource") if isinstance(entry, Mapping) else None
    rtype = res.get("resourceType") if isinstance(res, Mapping) else None
    url = entry.get("fullUrl") if isinstance(entry, Mapping) else None
    parts = [p for p in (rtype, url) if isinstance(p, str)]
    return f"запись {i}" + (f" ({', '.join(parts)})" if parts else "")


def _fhir_problems(exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()))
        msg = str(err.get("msg", "")).removeprefix("Value error, ")
        out.append(f"{where}: {msg}" if where else msg)
    return out


def read_bundle(data: Any) -> tuple[Profile | None, list[Record], str | None]:
    """Check a whole Bundle and turn it into (profile, records, name); InputError lists every
    entry it cannot read, by number and fullUrl."""
    if not isinstance(data, Mapping) or data.get("resourceType") != "Bundle":
        kind = data.get("resourceType") if isinstance(data, Mapping) else type(data).__name__
        raise InputError([f"FHIR: ожидался ресурс Bundle, а в файле {kind!r}"])
    entries = data.get("entry") or []
    if not isinstance(entries, list):
        raise InputError(["FHIR: Bundle.entry должен быть списком"])
    problems: list[str] = []
    reader = _Reader()
    for i, entry in enumerate(entries, start=1):
        name = _entry_name(i, entry)
        res = entry.get("resource") if isinstance(entry, Mapping) else None
        if not isinstance(res, Mapping):
            problems.append(f"{name}: нет ресурса (resource)")
            continue
        try:
            validate_resource(res)
        except ValidationError as exc:
            problems.extend(f"{name}: не соответствует FHIR R4: {p}" for p in _fhir_problems(exc))
            continue
        except ValueError as exc:
            problems.append(f"{name}: {exc}")
            continue
        try:
            reader.read(res)
        except ValidationError as exc:
            problems.extend(f"{name}: {p}" for p in explain_validation(exc))
        except (_Bad, TypeError, AttributeError, KeyError, IndexError) as exc:
            msg = str(exc) if isinstance(exc, _Bad) else "неожиданная форма данных"
            problems.append(f"{name}: {msg}")
        if len(problems) >= MAX_PROBLEMS:
            problems.append("… дальше не проверялось")
            break
    profile: Profile | None = None
    if not problems and (reader.profile or reader.medicines):
        try:
            profile = Profile.model_validate({**reader.profile, "medicines": reader.medicines})
        except ValidationError as exc:
            problems.extend(f"профиль (Patient): {p}" for p in explain_validation(exc))
    if problems:
        raise InputError(problems)
    return profile, reader.records, reader.name


def import_bundle(store: Store, person_id: int, data: Any) -> ImportResult:
    """Read a whole Bundle, then write it in one transaction (all or nothing)."""
    profile, records, name = read_bundle(data)
    return store.import_records(records, person_id=person_id, profile=profile, display_name=name)
