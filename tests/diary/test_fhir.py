"""The FHIR R4 exchange: every exported resource is valid R4B (``fhir.resources``), the export
reads back into an empty diary unchanged, and a Bundle SpasmNav cannot read imports nothing and
says which entry is wrong. On SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete
from typer.testing import CliRunner

from spasmnav import interview as iv
from spasmnav.content import LEVELS, SHIPPED_PACK_DIR, PackError, load_pack, load_pack_from
from spasmnav.core import default_navigator
from spasmnav.diary import fhir, io
from spasmnav.diary.cli import register
from spasmnav.diary.models import (
    ASHWORTH_GRADES,
    KINDS,
    LEGS,
    PENN_GRADES,
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
)
from spasmnav.diary.orm import PersonRow
from spasmnav.diary.store import Store

# --- a diary with one of everything -----------------------------------------------------------


def _fill(store: Store, person: int) -> None:
    store.update_profile(
        person_id=person,
        changes={
            "birth_year": 1948,
            "stroke_date": "2023-03-14",
            "diabetes": True,
            "diuretics": False,
            "medicines": ["баклофен", "фуросемид"],
        },
    )
    store.add_episode(
        person_id=person,
        episode=Episode(
            started_at=dt.datetime(2024, 5, 1, 2, 0, 30, 123456),
            kind="cramp",
            leg="left",
            place="икра",
            duration_seconds=90,
            intensity=7,
            helped="растяжка стопы на себя",
            triggers=["caffeine", "cold"],
            disturbs_sleep=True,
            note="разбудила ночью",
        ),
    )
    store.add_episode(
        person_id=person,
        episode=Episode(started_at=dt.datetime(2024, 5, 2, 18, 5), kind="twitch"),
    )
    store.add_day_note(
        person_id=person, note=DayNote(day=dt.date(2024, 5, 3), triggers=["stress"], note="ссора")
    )
    store.add_day_note(person_id=person, note=DayNote(day=dt.date(2024, 5, 4)))
    store.add_exercise_session(
        person_id=person,
        session=ExerciseSession(
            done_at=dt.datetime(2024, 5, 3, 9), exercise_id="knee_flex_extend", repetitions=10
        ),
    )
    store.add_medicine_intake(
        person_id=person,
        intake=MedicineIntake(taken_at=dt.datetime(2024, 5, 3, 8), name="магний", amount="1 табл."),
    )
    store.add_scale_score(
        person_id=person,
        score=ScaleScore(
            recorded_at=dt.datetime(2024, 5, 5, 11),
            scale="ashworth",
            score="1+",
            recorded_by="clinician",
            leg="right",
            muscle="икроножная",
        ),
    )
    store.add_scale_score(
        person_id=person,
        score=ScaleScore(
            recorded_at=dt.datetime(2024, 5, 6, 20), scale="penn", score="2", recorded_by="self"
        ),
    )
    text = "после инсульта дёргается левая нога по ночам"
    store.save_assessment(
        person_id=person,
        data=default_navigator().assess_text(text).to_json(),
        text=text,
        assessed_at=dt.datetime(2024, 5, 7, 10),
    )
    answers = {"subject": "self", "rf_stroke": ["none"], "rf_seizure": ["none"]}
    run = iv.drive(iv.start("сводит икру ночью"), lambda step: answers.get(step.link_id))
    state = iv.confirm(run.state)
    store.save_assessment(
        person_id=person,
        data=iv.result(state).to_json(),
        text=state.text,
        assessed_at=dt.datetime(2024, 5, 8, 10),
    )


def _resources(bundle: dict[str, Any], rtype: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == rtype]


def _snapshot(store: Store, person: int) -> dict[str, Any]:
    data = io.dump_json(store, person_id=person)
    data.pop("exported_at")
    return data


def _drop_person(store: Store, person: int) -> None:
    """Remove a person with everything recorded (the records' uids are free again)."""
    with store.writing() as s:
        s.execute(delete(PersonRow).where(PersonRow.id == person))


def _canonical(bundle: dict[str, Any]) -> str:
    """The Bundle without what differs between two diaries of the same data: the export time
    and the addresses made from the person's pseudonym (the Patient, the profile's answers and
    the care plan: every entry that is not a record with its own uid)."""
    text = json.dumps({k: v for k, v in bundle.items() if k != "timestamp"}, sort_keys=True)
    for i, entry in enumerate(bundle["entry"]):
        resource = entry["resource"]
        if resource["resourceType"] in ("Patient", "CarePlan") or (
            resource["resourceType"] in ("Observation", "MedicationStatement")
            and "identifier" not in resource
        ):
            text = text.replace(entry["fullUrl"], f"ENTRY-{i}")
    return text


@pytest.fixture
def filled(store: Store) -> Iterator[tuple[Store, int]]:
    person = store.ensure_person(key="anna")
    _fill(store, person)
    yield store, person


# --- validity --------------------------------------------------------------------------------


def test_every_exported_resource_validates_with_the_r4b_models(filled: tuple[Store, int]) -> None:
    from fhir.resources.R4B.bundle import Bundle

    store, person = filled
    bundle = fhir.bundle_for(store, person)
    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "collection" and len(parsed.entry or []) == len(bundle["entry"])
    for entry in bundle["entry"]:
        model = fhir.validate_resource(entry["resource"])
        assert model.get_resource_type() == entry["resource"]["resourceType"]
        assert entry["fullUrl"].startswith(("urn:uuid:", fhir.BASE_URL))
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    # 2 episodes + 2 day notes + 1 session + 2 scale scores + 3 profile answers.
    assert kinds.count("Observation") == 10
    assert kinds.count("MedicationStatement") == 3  # two in the profile, one intake
    assert kinds.count("RiskAssessment") == 2
    assert kinds.count("QuestionnaireResponse") == 1  # only the interview has answers
    assert {"Patient", "CarePlan", "CodeSystem", "Questionnaire"} <= set(kinds)
    assert len({e["fullUrl"] for e in bundle["entry"]}) == len(bundle["entry"])


def test_references_point_at_entries_of_the_bundle(filled: tuple[Store, int]) -> None:
    store, person = filled
    bundle = fhir.bundle_for(store, person)
    urls = {e["fullUrl"] for e in bundle["entry"]}
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("reference"), str):
                found.append(node["reference"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(bundle)
    assert found and set(found) <= urls


def test_the_patient_is_pseudonymous_unless_named(store: Store) -> None:
    anonymous = store.ensure_person(key="secret-key-41")
    store.add_episode(
        person_id=anonymous, episode=Episode(started_at=dt.datetime(2024, 1, 1), kind="spasm")
    )
    bundle = fhir.bundle_for(store, anonymous)
    (patient,) = _resources(bundle, "Patient")
    assert "name" not in patient and "identifier" not in patient
    assert "secret-key-41" not in json.dumps(bundle)
    named = store.ensure_person(key="k2", display_name="Анна Петрова")
    (patient,) = _resources(fhir.bundle_for(store, named), "Patient")
    assert patient["name"] == [{"text": "Анна Петрова"}]
    # Two people never share a pseudonym, and one person keeps hers between exports.
    assert _patient_url(store, anonymous) != _patient_url(store, named)
    assert _patient_url(store, anonymous) == _patient_url(store, anonymous)


def _patient_url(store: Store, person: int) -> str:
    bundle = fhir.bundle_for(store, person)
    return str(
        next(e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    )


def test_an_episode_is_one_observation_with_its_details(filled: tuple[Store, int]) -> None:
    store, person = filled
    bundle = fhir.bundle_for(store, person)
    episode = next(
        o for o in _resources(bundle, "Observation") if fhir._code_of(o["code"]) == "episode"
    )
    assert episode["effectiveDateTime"].startswith("2024-05-01T02:00:30.123456")
    assert fhir._code_of(episode["valueCodeableConcept"]) == "kind-cramp"
    assert episode["valueCodeableConcept"]["text"] == "судорога (крампи)"
    assert fhir._code_of(episode["bodySite"]) == "leg-left"
    parts = {fhir._code_of(c["code"]): c for c in episode["component"]}
    assert parts["intensity"]["valueInteger"] == 7
    assert parts["duration"]["valueQuantity"] == {
        "value": 90,
        "unit": "с",
        "system": "http://unitsofmeasure.org",
        "code": "s",
    }
    assert parts["disturbs-sleep"]["valueBoolean"] is True
    assert episode["note"] == [{"text": "разбудила ночью"}]


def test_an_assessment_carries_its_level_and_reasons_with_sources(
    filled: tuple[Store, int],
) -> None:
    store, person = filled
    saved = store.list_records(Assessment, person_id=person)
    bundle = fhir.bundle_for(store, person)
    risks = _resources(bundle, "RiskAssessment")
    for risk, a in zip(risks, saved, strict=True):
        level = risk["prediction"][0]
        assert fhir._code_of(level["qualitativeRisk"]) == f"level-{a.level}"
        assert level["outcome"]["text"] == a.data["triage"]["title"]
        for reason in a.data["triage"]["reasons"]:
            assert reason["text"] in level["rationale"]
            for source in reason["sources"]:
                assert source in level["rationale"]
        conditions = [fhir._code_of(p["outcome"]) for p in risk["prediction"][1:]]
        assert conditions == [f"condition-{c['id']}" for c in a.data["conditions"]]
    assert "basis" not in risks[0] and risks[1]["basis"][0]["reference"].startswith("urn:uuid:")


def test_codes_are_spasmnavs_own_or_cited_in_the_pack(filled: tuple[Store, int]) -> None:
    """A coding of another terminology appears only when codes.yaml lists it with a source;
    every SpasmNav code is defined in the exported CodeSystem."""
    store, person = filled
    pack = load_pack()
    bundle = fhir.bundle_for(store, person)
    cited = {(c.system, c.code) for c in pack.codes}
    defined: set[str] = set()
    for group in fhir.code_system(pack)["concept"]:
        defined.add(group["code"])
        defined |= {c["code"] for c in group["concept"]}
    used: list[tuple[str, str]] = []

    def walk(node: Any, key: str = "") -> None:
        if isinstance(node, dict):
            if isinstance(node.get("system"), str) and isinstance(node.get("code"), str):
                used.append((node["system"], node["code"]))
            for k, value in node.items():
                walk(value, k)
        elif isinstance(node, list):
            for value in node:
                walk(value, key)

    for entry in bundle["entry"]:
        if entry["resource"]["resourceType"] != "CodeSystem":
            walk(entry["resource"])
    assert used
    for system, code in used:
        if system == fhir.CODE_SYSTEM_URL:
            assert code in defined, code
        elif system == fhir.ITEM_CONTROL_SYSTEM:
            assert code == "help"  # SDC's rendering hint, not a clinical code
        elif system == fhir.UID_SYSTEM:
            continue
        else:
            assert (system, code) in cited, (system, code)
    for c in pack.codes:
        assert c.cite and all(pack.has("sources", x.source) for x in c.cite)


def test_the_code_system_validates_and_has_unique_codes() -> None:
    cs = fhir.code_system()
    fhir.validate_resource(cs)
    codes = [g["code"] for g in cs["concept"]] + [
        c["code"] for g in cs["concept"] for c in g["concept"]
    ]
    assert len(codes) == len(set(codes)) == cs["count"]
    assert cs["url"] == fhir.CODE_SYSTEM_URL and cs["version"] == load_pack().version
    assert {f"level-{lv}" for lv in LEVELS} <= set(codes)
    assert {f"kind-{k}" for k in KINDS} <= set(codes)


# --- the Questionnaire -----------------------------------------------------------------------


def test_the_questionnaire_validates_and_mirrors_the_pack() -> None:
    pack = load_pack()
    q = fhir.questionnaire(pack)
    fhir.validate_resource(q)
    assert q["url"] == fhir.QUESTIONNAIRE_URL and q["version"] == pack.version
    assert fhir.SDC_QUESTIONNAIRE in q["meta"]["profile"]
    assert [i["linkId"] for i in q["item"]] == [x.linkId for x in pack.questions]
    links = {i["linkId"] for i in q["item"]}
    for item, question in zip(q["item"], pack.questions, strict=True):
        assert item["type"] == question.type
        for when in item.get("enableWhen", ()):
            assert when["question"] in links
        if question.type == "choice":
            codes = [o["valueCoding"]["code"] for o in item["answerOption"]]
            assert codes == [o.code for o in question.answerOption] + [fhir.UNKNOWN_CODE]
        (why,) = item["item"]
        assert why["type"] == "display" and question.why.strip() in why["text"]
    assert fhir.UNKNOWN_CODE == iv.UNKNOWN


def test_every_questionnaire_response_item_links_to_a_question(
    filled: tuple[Store, int],
) -> None:
    store, person = filled
    bundle = fhir.bundle_for(store, person)
    (q,) = _resources(bundle, "Questionnaire")
    items = {i["linkId"]: i for i in q["item"]}
    (response,) = _resources(bundle, "QuestionnaireResponse")
    assert response["questionnaire"] == f"{q['url']}|{q['version']}"
    assert response["item"]
    for item in response["item"]:
        question = items[item["linkId"]]
        for answer in item.get("answer", ()):
            if "valueCoding" in answer:
                options = [o["valueCoding"]["code"] for o in question["answerOption"]]
                assert answer["valueCoding"]["code"] in options
            if "valueBoolean" in answer:
                assert question["type"] == "boolean"
        if len(item.get("answer", ())) > 1:
            assert question.get("repeats") is True
    (saved,) = [
        a for a in store.list_records(Assessment, person_id=person) if "interview" in a.data
    ]
    assert [i["linkId"] for i in response["item"]] == [
        x["linkId"] for x in saved.data["interview"]["asked"]
    ]


# --- round trip ------------------------------------------------------------------------------


def test_round_trip_into_an_empty_diary_is_lossless(filled: tuple[Store, int]) -> None:
    store, person = filled
    before = _snapshot(store, person)
    bundle = json.loads(json.dumps(fhir.bundle_for(store, person)))
    _drop_person(store, person)
    target = store.ensure_person(key="clinic-copy")
    result = fhir.import_bundle(store, target, bundle)
    assert result.added == sum(len(before[t]) for t in io.TABLE_TITLES) and not result.skipped
    assert _snapshot(store, target) == before
    assert _canonical(fhir.bundle_for(store, target)) == _canonical(bundle)
    # Importing the same file again adds nothing.
    again = fhir.import_bundle(store, target, bundle)
    assert again.added == 0 and again.skipped == result.added
    assert _snapshot(store, target) == before


def test_the_name_comes_back_with_the_bundle(store: Store) -> None:
    person = store.ensure_person(key="named", display_name="Иван Иванов")
    bundle = fhir.bundle_for(store, person)
    target = store.ensure_person(key="empty")
    fhir.import_bundle(store, target, bundle)
    assert store.display_name(person_id=target) == "Иван Иванов"


def test_times_are_read_as_the_wall_clock_time_written(store: Store) -> None:
    """A cramp at 02:00 stays at 02:00 in a clinic in another time zone."""
    person = store.ensure_person(key="tz")
    store.add_episode(
        person_id=person, episode=Episode(started_at=dt.datetime(2024, 5, 1, 2, 0), kind="cramp")
    )
    bundle = fhir.bundle_for(store, person)
    (obs,) = _resources(bundle, "Observation")
    obs["effectiveDateTime"] = "2024-05-01T02:00:00+07:00"
    _drop_person(store, person)
    target = store.ensure_person(key="tz2")
    fhir.import_bundle(store, target, bundle)
    (episode,) = store.list_episodes(person_id=target)
    assert episode.started_at == dt.datetime(2024, 5, 1, 2, 0)


# --- malformed bundles -----------------------------------------------------------------------


def _first(bundle: dict[str, Any], rtype: str, code: str | None = None) -> dict[str, Any]:
    for e in bundle["entry"]:
        r = e["resource"]
        if r["resourceType"] == rtype and (code is None or fhir._code_of(r.get("code")) == code):
            return r  # type: ignore[no-any-return]
    raise AssertionError(rtype)


def _set(path: str, value: Any, rtype: str, code: str | None = None) -> Callable[[Any], Any]:
    def change(b: dict[str, Any]) -> dict[str, Any]:
        _first(b, rtype, code)[path] = value
        return b

    return change


def _del(path: str, rtype: str, code: str | None = None) -> Callable[[Any], Any]:
    def change(b: dict[str, Any]) -> dict[str, Any]:
        del _first(b, rtype, code)[path]
        return b

    return change


def _broken_attachment(b: dict[str, Any]) -> dict[str, Any]:
    risk = _first(b, "RiskAssessment")
    for ext in risk["extension"]:
        if ext["url"] == fhir.EXT_ASSESSMENT:
            ext["valueAttachment"]["data"] = base64.b64encode(b"{not json").decode()
    return b


def _add_entry(resource: dict[str, Any]) -> Callable[[Any], Any]:
    def change(b: dict[str, Any]) -> dict[str, Any]:
        b["entry"].append({"fullUrl": f"urn:uuid:{uuid.uuid4()}", "resource": resource})
        return b

    return change


def _intensity(value: int) -> Callable[[Any], Any]:
    def change(b: dict[str, Any]) -> dict[str, Any]:
        obs = _first(b, "Observation", "episode")
        for c in obs["component"]:
            if fhir._code_of(c["code"]) == "intensity":
                c["valueInteger"] = value
        return b

    return change


MALFORMED: dict[str, tuple[Callable[[Any], Any], str]] = {
    "not a bundle": (lambda b: {"resourceType": "Patient"}, "ожидался ресурс Bundle"),
    "a list": (lambda b: [b], "ожидался ресурс Bundle"),
    "entries not a list": (lambda b: {**b, "entry": {"a": 1}}, "Bundle.entry"),
    "unknown resource type": (
        _add_entry({"resourceType": "Spaceship"}),
        "неизвестный тип ресурса «Spaceship»",
    ),
    "not valid FHIR": (
        _set("effectiveDateTime", "вчера", "Observation", "episode"),
        "не соответствует FHIR R4: effectiveDateTime",
    ),
    "a resource SpasmNav does not read": (
        _add_entry({"resourceType": "Condition", "subject": {"reference": "urn:uuid:x"}}),
        "ресурс Condition SpasmNav не читает",
    ),
    "an observation of another system": (
        _add_entry({"resourceType": "Observation", "status": "final", "code": {"text": "ЧСС"}}),
        "наблюдение без кода SpasmNav",
    ),
    "no uid": (_del("identifier", "Observation", "episode"), "нет идентификатора записи"),
    "no kind": (_del("valueCodeableConcept", "Observation", "episode"), "«вид»"),
    "intensity out of range": (_intensity(11), "сила: должно быть не больше 10"),
    "broken assessment data": (_broken_attachment, "данные оценки повреждены"),
    "no level": (_del("prediction", "RiskAssessment"), "нет уровня срочности"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_bundle_names_the_entry_and_imports_nothing(
    filled: tuple[Store, int], case: str
) -> None:
    store, person = filled
    change, expected = MALFORMED[case]
    bundle = change(copy.deepcopy(fhir.bundle_for(store, person)))
    target = store.ensure_person(key="empty")
    empty = _snapshot(store, target)
    with pytest.raises(InputError) as info:
        fhir.import_bundle(store, target, bundle)
    message = str(info.value)
    assert expected in message, message
    if isinstance(bundle, dict) and isinstance(bundle.get("entry"), list):
        assert message.startswith("запись "), message  # which entry it is
    assert _snapshot(store, target) == empty
    assert store.display_name(person_id=target) is None


def test_a_bad_entry_in_the_middle_stops_the_whole_import(filled: tuple[Store, int]) -> None:
    store, person = filled
    bundle = fhir.bundle_for(store, person)
    n = len(bundle["entry"])
    bundle["entry"][-1]["resource"]["status"] = 5  # the last one is broken
    target = store.ensure_person(key="empty")
    with pytest.raises(InputError) as info:
        fhir.import_bundle(store, target, bundle)
    assert f"запись {n} " in str(info.value)
    assert store.count_records(Episode, person_id=target) == 0
    assert store.get_profile(person_id=target) == Profile()


# --- the command line ------------------------------------------------------------------------


def test_the_cli_exports_and_imports_fhir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    source = f"sqlite:///{tmp_path}/a.db"
    with Store(source) as s:
        _fill(s, s.default_person_id())
        before = _snapshot(s, s.default_person_id())
    monkeypatch.setenv("SPASMNAV_DATABASE_URL", source)
    out = tmp_path / "diary.json"
    result = runner.invoke(app, ["diary", "export", "--format", "fhir", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["resourceType"] == "Bundle"
    target = f"sqlite:///{tmp_path}/b.db"
    monkeypatch.setenv("SPASMNAV_DATABASE_URL", target)
    result = runner.invoke(app, ["diary", "import", "--format", "fhir", str(out)])
    assert result.exit_code == 0 and "Загружено записей: 10" in result.stdout, result.output
    with Store(target) as s:
        assert _snapshot(s, s.default_person_id()) == before
    # A Bundle saved as .json is recognised without --format.
    third = f"sqlite:///{tmp_path}/c.db"
    monkeypatch.setenv("SPASMNAV_DATABASE_URL", third)
    result = runner.invoke(app, ["diary", "import", str(out)])
    assert result.exit_code == 0 and "Загружено записей: 10" in result.stdout, result.output
    bad = tmp_path / "bad.json"
    bundle = json.loads(out.read_text(encoding="utf-8"))
    bundle["entry"].append({"resource": {"resourceType": "Spaceship"}})
    bad.write_text(json.dumps(bundle), encoding="utf-8")
    result = runner.invoke(app, ["diary", "import", "--format", "fhir", str(bad)])
    assert result.exit_code == 2 and "Spaceship" in result.stderr
    assert "Traceback" not in result.output


# --- the pack's codes ------------------------------------------------------------------------


def _pack_copy(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(SHIPPED_PACK_DIR, target)
    return target


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda c: c.pop("cite"), "codes.yaml: codes.unit_second.cite"),
        (lambda c: c.update(system="http://example.org/x"), "codes.yaml: codes.unit_second.system"),
        (lambda c: c.update(cite=["nowhere#x"]), "nowhere"),
    ],
)
def test_pack_check_rejects_an_uncited_or_unknown_code(
    tmp_path: Path, change: Callable[[dict[str, Any]], Any], expected: str
) -> None:
    directory = _pack_copy(tmp_path)
    path = directory / "codes.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data["codes"][0])
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PackError) as info:
        load_pack_from(directory, lint=True)
    assert any(expected in p for p in info.value.problems), info.value.problems


def test_pack_check_rejects_a_code_listed_twice(tmp_path: Path) -> None:
    directory = _pack_copy(tmp_path)
    path = directory / "codes.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["codes"].append({**data["codes"][0], "id": "second_again"})
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PackError) as info:
        load_pack_from(directory, lint=True)
    assert any("listed twice" in p for p in info.value.problems), info.value.problems


# --- property: any diary survives the round trip ---------------------------------------------

_TEXT = st.text(
    alphabet=st.characters(categories=("L", "N", "P", "Zs")),
    min_size=1,
    max_size=30,
).filter(lambda s: bool(s.strip()))
_TIMES = st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2099, 12, 31))
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=8,
)


def _opt(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


_EPISODES = st.builds(
    Episode,
    started_at=_TIMES,
    kind=st.sampled_from(KINDS),
    leg=_opt(st.sampled_from(LEGS)),
    place=_opt(_TEXT),
    duration_seconds=_opt(st.integers(0, 7 * 24 * 3600)),
    intensity=_opt(st.integers(0, 10)),
    helped=_opt(_TEXT),
    triggers=st.lists(st.sampled_from(TRIGGERS), unique=True),
    disturbs_sleep=st.booleans(),
    disturbs_walking=st.booleans(),
    note=_opt(_TEXT),
    created_at=_TIMES,
)
_SESSIONS = st.builds(
    ExerciseSession,
    done_at=_TIMES,
    exercise_id=st.from_regex(r"[a-z0-9_]{1,20}", fullmatch=True),
    repetitions=_opt(st.integers(0, 10_000)),
    sets=_opt(st.integers(0, 100)),
    note=_opt(_TEXT),
    created_at=_TIMES,
)
_INTAKES = st.builds(
    MedicineIntake,
    taken_at=_TIMES,
    name=_TEXT,
    amount=_opt(_TEXT),
    note=_opt(_TEXT),
    created_at=_TIMES,
)
_SCALES = st.one_of(
    *(
        st.builds(
            ScaleScore,
            recorded_at=_TIMES,
            scale=st.just(scale),
            score=st.sampled_from(grades),
            recorded_by=st.sampled_from(("clinician", "self")),
            leg=_opt(st.sampled_from(LEGS)),
            muscle=_opt(_TEXT),
            note=_opt(_TEXT),
            created_at=_TIMES,
        )
        for scale, grades in (("ashworth", ASHWORTH_GRADES), ("penn", PENN_GRADES))
    )
)


@st.composite
def _assessments(draw: st.DrawFn) -> Assessment:
    level = draw(st.sampled_from(LEVELS))
    data: dict[str, Any] = {
        "triage": {
            "level": level,
            "title": draw(_TEXT),
            "reasons": draw(
                st.lists(st.fixed_dictionaries({"text": _TEXT, "sources": st.lists(_TEXT)}))
            ),
        },
        "conditions": draw(
            st.lists(st.fixed_dictionaries({"id": st.from_regex(r"[a-z_]{1,12}", fullmatch=True)}))
        ),
        "extra": draw(_JSON),
    }
    if draw(st.booleans()):
        data["disclaimer"] = draw(_TEXT)
    if draw(st.booleans()):
        data["interview"] = {
            "asked": [
                {"linkId": "subject", "question": "О ком?", "answer": "О себе", "value": "self"}
            ]
        }
    return Assessment(
        assessed_at=draw(_TIMES),
        level=level,
        text=draw(_opt(_TEXT)),
        data=data,
        note=draw(_opt(_TEXT)),
        created_at=draw(_TIMES),
    )


_PROFILES = st.builds(
    Profile,
    birth_year=_opt(st.integers(1900, 2100)),
    stroke_date=_opt(st.dates(dt.date(1950, 1, 1), dt.date(2099, 1, 1))),
    diabetes=_opt(st.booleans()),
    thyroid_surgery=_opt(st.booleans()),
    pregnancy=_opt(st.booleans()),
    diuretics=_opt(st.booleans()),
    medicines=st.lists(_TEXT.map(str.strip), max_size=3),
)


@st.composite
def _diaries(draw: st.DrawFn) -> tuple[Profile, list[Record]]:
    days = draw(st.lists(st.dates(dt.date(1990, 1, 1), dt.date(2099, 1, 1)), unique=True))
    notes = [
        DayNote(
            day=d,
            triggers=draw(st.lists(st.sampled_from(TRIGGERS), unique=True)),
            note=draw(_opt(_TEXT)),
            created_at=draw(_TIMES),
        )
        for d in days[:4]
    ]
    records: list[Record] = [
        *draw(st.lists(_EPISODES, max_size=4)),
        *notes,
        *draw(st.lists(_SESSIONS, max_size=2)),
        *draw(st.lists(_INTAKES, max_size=2)),
        *draw(st.lists(_SCALES, max_size=2)),
        *draw(st.lists(_assessments(), max_size=2)),
    ]
    return draw(_PROFILES), records


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    s = Store(f"sqlite:///{tmp_path_factory.mktemp('fhir')}/prop.db")
    yield s
    s.close()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(diary=_diaries(), name=_opt(_TEXT))
def test_any_diary_survives_the_round_trip(
    shared_store: Store, diary: tuple[Profile, list[Record]], name: str | None
) -> None:
    store = shared_store
    profile, records = diary
    person = store.ensure_person(key=str(uuid.uuid4()), display_name=name)
    store.import_records(records, person_id=person, profile=profile)
    before = _snapshot(store, person)
    bundle = json.loads(json.dumps(fhir.bundle_for(store, person)))
    for entry in bundle["entry"]:
        fhir.validate_resource(entry["resource"])
    _drop_person(store, person)
    target = store.ensure_person(key=str(uuid.uuid4()))
    fhir.import_bundle(store, target, bundle)
    assert _snapshot(store, target) == before
    assert store.display_name(person_id=target) == name
    _drop_person(store, target)
