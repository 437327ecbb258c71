"""The typed result and its JSON contract.

``tests/cases/result_golden.jsonl`` was recorded with the engine as it was before the result was
typed (it built the JSON as dicts): the typed ``to_json()`` must give the same bytes. A
deliberate change of content or behaviour re-records it:
``python tests/test_result.py`` (and says so in the commit).
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from spasmnav import result
from spasmnav.assessing import assess_text, parse_findings
from spasmnav.content import load_pack
from spasmnav.engine import assess
from spasmnav.result import (
    Advice,
    Assessment,
    AssessmentDigest,
    Citation,
    ConditionScore,
    Evidence,
    Exercise,
    FindingSpan,
    MedicineCard,
    Reason,
    RedFlag,
    SavedAnswer,
    SavedCondition,
    SavedFlag,
    TextMatch,
    UncheckedRedFlag,
)
from spasmnav.web.views import schemas

CASES = Path(__file__).parent / "cases"
GOLDEN = CASES / "result_golden.jsonl"


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _run(item: dict[str, Any]) -> Assessment:
    if "findings" in item:
        return assess(parse_findings(item["findings"]))
    return assess_text(item["text"])


def _golden() -> list[dict[str, Any]]:
    return [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("case", _golden(), ids=lambda c: str(c["input"]["id"]))
def test_to_json_is_the_recorded_contract_byte_for_byte(case: dict[str, Any]) -> None:
    assert _dumps(_run(case["input"]).to_json()) == _dumps(case["output"])


def test_the_golden_cases_cover_every_level_text_and_findings() -> None:
    cases = _golden()
    levels = {c["output"]["triage"]["level"] for c in cases}
    assert levels == {"self_care", "doctor", "urgent", "emergency"}
    assert any("text" in c["input"] for c in cases) and any("findings" in c["input"] for c in cases)
    assert any(c["output"]["red_flags_unchecked"] for c in cases)
    assert any(not c["output"]["in_scope"] for c in cases)


def _citation(**kw: Any) -> Citation:
    base: dict[str, Any] = {"source": "seed_stroke", "title": "Материал «Нога»"}
    return Citation(**{**base, **kw})


def test_a_citation_is_an_object_rendered_only_for_the_contract() -> None:
    seed = _citation(line=44, file="000_x.txt")
    assert (seed.source, seed.line, seed.title) == ("seed_stroke", 44, "Материал «Нога»")
    assert seed.contract() == "000_x.txt:44"
    assert _citation(line=2, end_line=3, file="000_x.txt").contract() == "000_x.txt:2-3"
    guide = Citation(source="nice_cks_cramps", title="NICE CKS: судороги", section="Red flags")
    assert guide.contract() == "NICE CKS: судороги: Red flags"
    assert Citation(source="mas_scale", title="Шкала Эшворта").contract() == "Шкала Эшворта"


def test_the_pack_resolves_citations_to_objects_with_titles_from_sources_yaml() -> None:
    pack = load_pack()
    rule = next(r for r in pack.rules if r.id == "stroke_warning_signs")
    cites = pack.cite(rule.cite)
    assert all(isinstance(c, Citation) for c in cites)
    for c in cites:
        assert c.title == pack.source(c.source).short
        assert c.file == pack.source(c.source).file


def _sample() -> Assessment:
    cite = _citation(line=44, file="000_x.txt")
    return Assessment(
        level="doctor",
        title="Запишитесь к врачу",
        action="Запишитесь на приём.",
        specialist="neurologist",
        specialist_title="Невролог",
        in_scope=True,
        reasons=(Reason("r1", "doctor", "Потому что.", ("a",), ("А",), (cite,)),),
        red_flags=(RedFlag("rf", "Признак", "urgent", (cite,)),),
        conditions=(
            ConditionScore(
                "spasticity",
                "Спастичность",
                0.8,
                2.5,
                "Кратко.",
                "Как.",
                (Evidence("a", "А", True, 1.5), Evidence("b", "Б", False, -0.5)),
                (cite,),
            ),
        ),
        findings=(
            FindingSpan("a", "А", True, None, "дёргается", 3, 12, ("historical",), ("раньше",)),
            FindingSpan("age", "Возраст", True, 70.0),
        ),
        tests=(result.Test("t", "Анализ", "Зачем.", (cite,)),),
        advice=(
            Advice("x", "first_aid", "Сейчас", "Сделайте.", (cite,)),
            Advice("y", "lifestyle", "Потом", "Живите.", ()),
        ),
        exercises=(Exercise("e", "Упр", "Цель", "Как", hold_seconds="5 с", sources=(cite,)),),
        medicines=(MedicineCard("m", "Баклофен", "группа", "может", ("осторожно",), (cite,)),),
        message=None,
        disclaimer="Не диагноз.",
        pack_version="1",
        red_flags_unchecked=(UncheckedRedFlag("s", "Инсульт", "Есть ли?", ("да", "нет"), "f"),),
        subject="self",
        text="нога дёргается",
        matches=(TextMatch("a", "дерг*", False, 5, 14, "дёргается", ("historical",)),),
    )


def test_to_json_writes_the_contract_in_its_order() -> None:
    a = _sample()
    out = a.to_json()
    assert list(out) == [
        "schema_version",
        "in_scope",
        "triage",
        "red_flags",
        "red_flags_unchecked",
        "conditions",
        "findings",
        "tests",
        "advice",
        "exercises",
        "medicines",
        "message",
        "disclaimer",
        "pack_version",
        "subject",
        "text",
        "matches",
    ]
    assert out["triage"]["reasons"][0] == {
        "rule": "r1",
        "level": "doctor",
        "text": "Потому что.",
        "findings": ["a"],
        "sources": ["000_x.txt:44"],
        "finding_labels": ["А"],
    }
    assert out["findings"][0]["qualifiers"] == ["historical"]
    assert out["findings"][1]["qualifiers"] == [] and out["findings"][1]["value"] == 70.0
    assert out["red_flags_unchecked"] == [
        {
            "id": "s",
            "title": "Инсульт",
            "question": "Есть ли?",
            "answers": ["да", "нет"],
            "finding": "f",
            "worry": False,
        }
    ]
    # Only the parameters an exercise has are written (as the pack's exclude_none dump did).
    assert out["exercises"][0] == {
        "id": "e",
        "title": "Упр",
        "goal": "Цель",
        "instructions": "Как",
        "hold_seconds": "5 с",
        "sources": ["000_x.txt:44"],
    }
    assert out["matches"][0]["qualifiers"] == ["historical"]
    assert a.to_dict() == out
    assert [x.id for x in a.first_aid] == ["x"]
    assert "interview" not in out and "notes" not in out


def test_a_saved_assessment_is_read_back_as_a_digest() -> None:
    a = _sample()
    digest = AssessmentDigest.from_json(a.to_json())
    assert digest == a.digest()
    assert digest.level == a.level and digest.title == a.title
    assert digest.reasons == ("Потому что.",) and digest.tests == ("Анализ",)
    assert [(r.text, r.sources) for r in digest.reason_items] == [
        (r.text, tuple(c.contract() for c in r.sources)) for r in a.reasons
    ]
    assert [(c.id, c.title, c.score) for c in digest.condition_items] == [
        (c.id, c.title, c.score) for c in a.conditions
    ]
    assert [c.findings for c in digest.condition_items] == [
        tuple(e.finding for e in c.evidence) for c in a.conditions
    ]
    assert [(f.id, f.title, f.question) for f in digest.unchecked] == [
        (f.id, f.title, f.question) for f in a.red_flags_unchecked
    ]
    assert digest.pack_version == a.pack_version and digest.disclaimer == a.disclaimer
    assert digest.asked is None  # not from an interview
    broken = AssessmentDigest.from_json({"triage": {"level": 5, "reasons": "nope"}, "tests": [1]})
    assert broken.level == "" and broken.reasons == () and broken.tests == ()
    odd = AssessmentDigest.from_json(
        {
            "conditions": [{"id": 3}, {"id": "c", "score": "x", "evidence": [{"finding": 1}]}],
            "red_flags_unchecked": [{"id": "f"}, {"id": "g", "title": "Т"}],
            "interview": {"asked": [{"linkId": "q", "question": ""}, {"value": 1}]},
            "pack_version": 7,
            "disclaimer": "",
        }
    )
    assert odd.condition_items == (SavedCondition("c", "c", None, ()),)
    assert odd.unchecked == (SavedFlag("g", "Т", ""),)
    assert odd.asked == (SavedAnswer("q", None, None, None),)
    assert odd.pack_version is None and odd.disclaimer is None


def _fields(model: type[BaseModel]) -> set[str]:
    return set(model.model_fields)


CONTEXT_KEYS = {"subject", "text", "matches", "notes", "interview"}


def test_the_api_schema_documents_exactly_what_to_json_writes() -> None:
    items: dict[str, type[BaseModel]] = {
        "red_flags": schemas.RedFlag,
        "red_flags_unchecked": schemas.UncheckedRedFlag,
        "conditions": schemas.Condition,
        "findings": schemas.Finding,
        "tests": schemas.Test,
        "advice": schemas.Advice,
        "medicines": schemas.Medicine,
    }
    seen: set[str] = set()
    for case in _golden():
        out = _run(case["input"]).to_json()
        assert set(out) - CONTEXT_KEYS == _fields(schemas.AssessmentOut)
        assert set(out["triage"]) == _fields(schemas.Triage)
        for r in out["triage"]["reasons"]:
            assert set(r) == _fields(schemas.Reason)
        for key, model in items.items():
            for obj in out[key]:
                seen.add(key)
                assert set(obj) == _fields(model), key
        for c in out["conditions"]:
            for e in c["evidence"]:
                assert set(e) == _fields(schemas.Evidence)
        for x in out["exercises"]:
            seen.add("exercises")
            assert set(x) <= _fields(schemas.Exercise)
        schemas.AssessmentOut.model_validate(out)
    assert seen == {*items, "exercises"}


def _record() -> None:  # pragma: no cover - run by hand to re-record
    picked: list[dict[str, Any]] = []
    by_level: dict[str, int] = {}
    for line in (CASES / "labelled.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        level = item.get("triage", "out_of_scope")
        if by_level.get(level, 0) < 1:
            by_level[level] = by_level.get(level, 0) + 1
            picked.append({"id": item["id"], "text": item["text"]})
    seen: set[str] = set()
    for line in (CASES / "interview_patients.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if item["level"] not in seen:
            seen.add(item["level"])
            picked.append({"id": item["id"], "findings": item["findings"]})
    with GOLDEN.open("w", encoding="utf-8") as f:
        for item in picked:
            out = _run(item).to_json()
            f.write(_dumps({"input": item, "output": out}) + "\n")


if __name__ == "__main__":  # pragma: no cover
    _record()
    sys.exit(0)


@pytest.mark.parametrize("case", _golden(), ids=lambda c: str(c["input"]["id"]))
def test_to_json_bytes_are_the_bytes_of_to_json(case: dict[str, Any]) -> None:
    """The API's bytes (the shared items as fragments written once) are those of the dict,
    the first time (fragments written) and again (fragments reused)."""
    first = _run(case["input"])
    assert first.to_json_bytes() == result.json_bytes(first.to_json())
    again = _run(case["input"])
    assert again.to_json_bytes() == result.json_bytes(again.to_json()) == first.to_json_bytes()


def test_to_json_bytes_fall_back_as_json_bytes_do() -> None:
    """What orjson refuses (an integer over 64 bits, in the result's own parts or in an item
    written whole) goes the standard library's way for the whole answer, as before."""
    a = _sample()
    big = dataclasses.replace(a, extra=(("n", 2**70),))
    assert big.to_json_bytes() == result.json_bytes(big.to_json())
    assert b'"n":1180591620717411303424' in big.to_json_bytes()
    odd = dataclasses.replace(a, advice=(Advice("big", "info", "T", "X", ()),))
    object.__setattr__(odd.advice[0], "_json", {"id": 2**70})
    assert odd.to_json_bytes() == result.json_bytes(odd.to_json())
    assert b'"advice":[{"id":1180591620717411303424}]' in odd.to_json_bytes()
    assert odd.advice[0]._frag is None


def test_findings_bytes_are_the_bytes_of_their_dicts() -> None:
    """The findings in ``to_json_bytes`` are the bytes of ``to_json``'s dicts for every kind
    of value, and a kept dict is written as kept."""
    spans = (
        FindingSpan("a", "А", True, None, "дёргается", 3, 12, ("historical",), ("раньше",)),
        FindingSpan("age", "Возраст", True, 70.0),
        FindingSpan("n", "Н", None, 3.0, "", 0, 0, (), ()),
        FindingSpan("b", "Б «в»\n", False, -0.25, 'с "кавычками"', None, None, ("negated",)),
    )
    sample = dataclasses.replace(_sample(), findings=spans)
    assert sample.to_json_bytes() == result.json_bytes(sample.to_json())
    kept = dataclasses.replace(_sample(), findings=(FindingSpan("k", "К", True),))
    object.__setattr__(kept.findings[0], "_json", {"id": "k", "kept": True})
    assert b'"findings":[{"id":"k","kept":true}]' in kept.to_json_bytes()
    assert kept.to_json_bytes() == result.json_bytes(kept.to_json())


def test_matches_bytes_are_the_bytes_of_their_dicts() -> None:
    """The matches in ``to_json_bytes`` are the bytes of ``TextMatch.to_json``'s dicts, a
    match with keys of its own (``extra``) included."""
    matches = (
        TextMatch("a", "дерг*", False, 5, 14, "дёргается", ("historical",)),
        TextMatch("b", "сводит", True, 0, 6, "сводит", ("negated",), (("side", "left"),)),
    )
    sample = dataclasses.replace(_sample(), matches=matches)
    assert sample.to_json_bytes() == result.json_bytes(sample.to_json())
    assert '"text":"сводит","side":"left"}'.encode() in sample.to_json_bytes()
