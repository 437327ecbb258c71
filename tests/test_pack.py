"""The shipped content pack: it loads, its citations are real, both seeds are covered, validation
rejects broken packs, nothing doses a drug, and the review document names every item."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from spasmnav.content import Citation, Pack, PackError, load_pack, load_pack_from
from spasmnav.engine import compile_expr
from spasmnav.packdoc import describe_expr, pack_summary, render_pack

PACK_DIR = Path(__file__).parents[1] / "src" / "spasmnav" / "pack"
SEEDS_DIR = Path(__file__).parents[1].parent / "shared" / "seeds"

DOSE_RE = re.compile(r"\d+\s*(мг|mg|мкг|ед|ЕД|мл)")
NUMBER_RE = re.compile(r"\d+(?:[–-]\d+)?")

# Ids that rules, conditions and the engine rely on (the contract with the rest of the pack).
REQUIRED_IDS: dict[str, set[str]] = {
    "specialists": {
        "ambulance",
        "neurologist",
        "therapist",
        "endocrinologist",
        "surgeon",
        "obstetrician",
    },
    "tests": {
        "emg",
        "mri_brain",
        "ct_brain",
        "ashworth_assessment",
        "blood_iron",
        "thyroid_hormones",
        "parathyroid_hormone",
        "electrolytes",
        "blood_glucose",
        "calcium_urgent",
        "vein_ultrasound",
        "arterial_doppler",
        "d_dimer",
        "lumbar_mri",
        "ferritin",
        "kidney_function",
        "eeg",
        "circulation_check",
        "rehab_review",
    },
    "advice": {
        "call_103",
        "stroke_wait",
        "seizure_first_aid",
        "dvt_no_massage",
        "pe_wait",
        "ischaemia_wait",
        "hypocalcaemia_today",
        "visit_neurologist_stroke",
        "visit_therapist_cramps",
        "no_self_vitamin_tests",
        "rule_2_3_weeks",
        "bring_diary",
        "cramp_stretch",
        "warm_foot_bath",
        "stress_breathing",
        "physical_activity",
        "magnesium_potassium_foods",
        "limit_caffeine_alcohol",
        "sleep_schedule",
        "sweating_fluids",
        "overload_rest",
        "pregnancy_tell_doctor",
        "diabetes_feet",
        "quit_smoking",
        "rls_habits",
        "no_self_medication",
        "massage_caution",
    },
    "exercises": {
        "knee_flex_extend",
        "slow_leg_bending_lying",
        "straight_leg_raise",
        "isometric_heel_press",
        "band_dorsiflexion",
        "supported_walking",
        "breathing_446",
        "daily_walking",
        "swimming",
        "calf_stretch",
    },
    "medicines": {
        "baclofen",
        "tizanidine",
        "gabapentin",
        "pregabalin",
        "clonazepam",
        "magnesium_b6",
        "botulinum_toxin",
        "tms",
    },
    "brain_areas": {"motor_cortex", "pyramidal_tract", "basal_ganglia", "cerebellum"},
    "scales": {"modified_ashworth", "penn_spasm_frequency"},
    "levels": {"self_care", "doctor", "urgent", "emergency"},
}

EXERCISE_PARAMS = (
    "repetitions",
    "hold_seconds",
    "sets_per_day",
    "distance",
    "duration_minutes",
    "per_week",
)


@pytest.fixture(scope="module")
def pack() -> Pack:
    return load_pack()


@pytest.fixture(scope="module")
def seeds(pack: Pack) -> dict[str, list[str]]:
    """Seed source id -> the lines of its file (index 0 is line 1)."""
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"seed documents not found at {SEEDS_DIR} (../shared/seeds of the repo)")
    out: dict[str, list[str]] = {}
    for src in pack.sources:
        if src.kind == "seed":
            assert src.file is not None, f"seed source {src.id} names no file"
            path = SEEDS_DIR / src.file
            assert path.is_file(), f"seed file {path} is missing"
            out[src.id] = path.read_text(encoding="utf-8").splitlines()
    return out


def _seed_citations(pack: Pack) -> Iterator[tuple[str, Citation]]:
    for where, c in pack.citations():
        if pack.source(c.source).kind == "seed":
            yield where, c


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


# --- (a) the shipped pack loads -------------------------------------------------------------


def test_shipped_pack_loads(pack: Pack) -> None:
    assert pack.version
    assert pack.advice and pack.tests and pack.exercises and pack.medicines


def test_required_ids_exist(pack: Pack) -> None:
    for kind, ids in REQUIRED_IDS.items():
        have = {item.id for item in getattr(pack, kind)}
        assert ids <= have, f"{kind}: missing {sorted(ids - have)}"


def test_every_advice_condition_compiles(pack: Pack) -> None:
    for a in pack.advice:
        if a.when is not None:
            compile_expr(a.when)
            assert describe_expr(pack, a.when)


def test_specific_first_aid_is_shown_by_its_rule_only(pack: Pack) -> None:
    # First aid that says «пока едет скорая» or «врач сегодня» must never show itself below the
    # level of the rule it belongs to: it has no `when` and a rule at that level names it.
    expected = {
        "stroke_wait": "emergency",
        "seizure_first_aid": "emergency",
        "ischaemia_wait": "emergency",
        "dvt_no_massage": "urgent",
    }
    for aid, level in expected.items():
        item = pack.advice_item(aid)
        assert item.kind == "first_aid"
        assert item.when is None, f"{aid} shows itself by its own condition"
        levels = {r.level for r in pack.rules if aid in r.advice}
        assert level in levels, f"no {level} rule names {aid}"


# --- (b) seed citations point at real, non-blank lines -------------------------------------


def test_seed_sources_match_their_files(pack: Pack, seeds: dict[str, list[str]]) -> None:
    for sid, lines in seeds.items():
        assert pack.source(sid).lines == len(lines), f"{sid}: `lines` differs from the file"


def test_seed_citations_point_to_non_blank_lines(pack: Pack, seeds: dict[str, list[str]]) -> None:
    checked = 0
    for where, c in _seed_citations(pack):
        lines = seeds[c.source]
        assert c.line is not None, f"{where}: seed citation without a line"
        for n in {c.line, c.end_line or c.line}:
            assert 1 <= n <= len(lines), f"{where}: {c.source}:{n} is outside the file"
            assert lines[n - 1].strip(), f"{where}: {c.source}:{n} is a blank line"
        checked += 1
    assert checked > 50


# --- (c) seed coverage --------------------------------------------------------------------------


def test_seed_sections_cover_every_non_blank_line(pack: Pack, seeds: dict[str, list[str]]) -> None:
    for sid, lines in seeds.items():
        covered: set[int] = set()
        for s in pack.seed_sections:
            if s.source != sid:
                continue
            assert 1 <= s.line <= s.end_line <= len(lines), f"section {s.title!r} out of range"
            span = set(range(s.line, s.end_line + 1))
            assert not covered & span, f"section {s.title!r} overlaps another section"
            covered |= span
        missing = [n for n, text in enumerate(lines, 1) if text.strip() and n not in covered]
        assert not missing, f"{sid}: lines {missing} belong to no seed section"


def test_every_seed_section_is_cited(pack: Pack) -> None:
    cited: dict[str, list[tuple[int, int]]] = {}
    for _, c in _seed_citations(pack):
        assert c.line is not None
        cited.setdefault(c.source, []).append((c.line, c.end_line or c.line))
    uncited = [
        f"{s.source}:{s.line}-{s.end_line} {s.title}"
        for s in pack.seed_sections
        if not any(a <= s.end_line and b >= s.line for a, b in cited.get(s.source, []))
    ]
    assert not uncited, "seed sections no item cites: " + "; ".join(uncited)


def test_exercise_parameters_come_from_the_cited_seed_lines(
    pack: Pack, seeds: dict[str, list[str]]
) -> None:
    for x in pack.exercises:
        seed_text = " ".join(
            " ".join(seeds[c.source][(c.line or 1) - 1 : c.end_line or c.line])
            for c in x.cite
            if c.source in seeds
        ).replace("-", "–")
        for field in EXERCISE_PARAMS:
            value = getattr(x, field)
            for number in NUMBER_RE.findall(value or ""):
                assert number.replace("-", "–") in seed_text, (
                    f"exercises.{x.id}.{field}: {number!r} is not in the cited seed lines"
                )


def test_seed_exercise_parameters_are_exact(pack: Pack) -> None:
    expected = {
        "knee_flex_extend": ("10–15", "3–5", "2–3"),
        "straight_leg_raise": ("30 см", "5 секунд", "8–10"),
        "isometric_heel_press": ("7–10", "5–7"),
        "band_dorsiflexion": ("12–15",),
        "supported_walking": ("5–10",),
        "breathing_446": ("4 секунды", "6 секунд", "5–10"),
        "daily_walking": ("20–30",),
        "swimming": ("2–3",),
    }
    for xid, parts in expected.items():
        x = pack.exercise(xid)
        params = " ".join(getattr(x, f) or "" for f in EXERCISE_PARAMS)
        for part in parts:
            assert part in params, f"{xid}: {part!r} missing from its parameters"


# --- (d) validation rejects broken packs -----------------------------------------------------


def _edit_advice(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        if value is None:
            del data["advice"][0][key]
        else:
            data["advice"][0][key] = value

    return edit


def _unknown_finding_in_rule(data: dict[str, Any]) -> None:
    data["rules"][0]["when"] = {"any": ["no_such_finding"]}


def _unknown_condition_in_medicine(data: dict[str, Any]) -> None:
    data["medicines"][0]["conditions"] = ["no_such_condition"]


def _medicine_without_cautions(data: dict[str, Any]) -> None:
    data["medicines"][0]["cautions"] = []


def _duplicate_test_id(data: dict[str, Any]) -> None:
    data["tests"].append(dict(data["tests"][0]))


def _missing_level(data: dict[str, Any]) -> None:
    data["levels"] = [lv for lv in data["levels"] if lv["id"] != "urgent"]


BROKEN: list[tuple[str, str, Callable[[dict[str, Any]], None], tuple[str, ...]]] = [
    ("unknown-finding-in-rule", "rules", _unknown_finding_in_rule, ("no_such_finding",)),
    ("uncited-advice", "care", _edit_advice("cite", None), ("advice", "cite")),
    ("empty-citations", "care", _edit_advice("cite", []), ("advice", "cite")),
    (
        "seed-line-past-end",
        "care",
        _edit_advice("cite", ["seed_stroke:999"]),
        ("seed_stroke:999", "past the end"),
    ),
    (
        "unknown-source",
        "care",
        _edit_advice("cite", ["no_such_source:1"]),
        ("unknown source", "no_such_source"),
    ),
    ("bad-citation-form", "care", _edit_advice("cite", ["Seed Stroke line 4"]), ("citation",)),
    (
        "unknown-finding-in-advice",
        "care",
        _edit_advice("when", {"any": ["no_such_finding"]}),
        ("no_such_finding",),
    ),
    (
        "unknown-condition-in-medicine",
        "medicines",
        _unknown_condition_in_medicine,
        ("no_such_condition",),
    ),
    ("medicine-without-cautions", "medicines", _medicine_without_cautions, ("cautions",)),
    ("duplicate-id", "care", _duplicate_test_id, ("duplicate id",)),
    ("missing-level", "care", _missing_level, ("urgent",)),
]


@pytest.mark.parametrize(
    ("filename", "edit", "expected"),
    [pytest.param(f, e, x, id=name) for name, f, e, x in BROKEN],
)
def test_validation_rejects_broken_pack(
    tmp_path: Path,
    filename: str,
    edit: Callable[[dict[str, Any]], None],
    expected: tuple[str, ...],
) -> None:
    for f in PACK_DIR.glob("*.yaml"):
        shutil.copy(f, tmp_path / f.name)
    target = tmp_path / f"{filename}.yaml"
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    edit(data)
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    with pytest.raises(PackError) as info:
        load_pack_from(tmp_path)
    message = str(info.value)
    for part in expected:
        assert part in message, f"{part!r} not in: {message}"


def test_unmodified_copy_loads(tmp_path: Path) -> None:
    # The broken-pack tests above mean something only if a YAML round trip keeps the pack
    # valid and unchanged. Both copies come from one read, so concurrent edits cannot race.
    raw, dumped = tmp_path / "raw", tmp_path / "dumped"
    raw.mkdir()
    dumped.mkdir()
    for f in PACK_DIR.glob("*.yaml"):
        text = f.read_text(encoding="utf-8")
        (raw / f.name).write_text(text, "utf-8")
        data = yaml.safe_load(text)
        (dumped / f.name).write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    assert load_pack_from(dumped).model_dump() == load_pack_from(raw).model_dump()


# --- (e) citations everywhere, cautions on medicines, no doses ---------------------------------


def test_care_items_are_cited(pack: Pack) -> None:
    for kind in ("advice", "tests", "exercises", "medicines", "specialists", "levels"):
        for item in getattr(pack, kind):
            assert item.cite, f"{kind}.{item.id} has no citation"


def test_medicines_have_cautions_and_no_prescription_wording(pack: Pack) -> None:
    for m in pack.medicines:
        assert m.cautions, m.id
        assert any("врач" in c for c in m.cautions), f"{m.id}: no caution names the doctor"
        assert m.conditions, m.id


@pytest.mark.parametrize("kind", ["medicines", "advice"])
def test_no_doses(pack: Pack, kind: str) -> None:
    for item in getattr(pack, kind):
        for text in _strings(item.model_dump(exclude={"cite", "when"})):
            match = DOSE_RE.search(text)
            assert match is None, f"{kind}.{item.id}: looks like a dose: {match.group(0)!r}"


def test_dose_pattern_catches_doses() -> None:
    for text in ("баклофен 10 мг", "по 5мл", "100 ЕД", "2 mg"):
        assert DOSE_RE.search(text), text


def test_disclaimer_and_emergency_texts(pack: Pack) -> None:
    assert "103" in pack.texts.disclaimer and "112" in pack.texts.disclaimer
    assert "103" in pack.texts.emergency_line
    assert "диагноз" in pack.texts.disclaimer


def test_medicine_claims_of_the_source_are_marked(pack: Pack) -> None:
    tms = next(m for m in pack.medicines if m.id == "tms")
    assert "утверждается" in tms.what_a_doctor_may_consider


# --- (f) the review document ----------------------------------------------------------------


def test_render_pack_mentions_every_item(pack: Pack) -> None:
    doc = render_pack(pack)
    expected: list[str] = []
    expected += [f.label for f in pack.findings]
    for kind in (
        "conditions",
        "rules",
        "specialists",
        "tests",
        "advice",
        "exercises",
        "brain_areas",
        "scales",
        "levels",
    ):
        expected += [item.title for item in getattr(pack, kind)]
    expected += [m.name for m in pack.medicines]
    expected += [s.short for s in pack.sources]
    expected += [q.text for q in pack.questions]
    for kind in ("findings", "conditions", "rules", "specialists", "tests", "advice"):
        expected += [f"`{item.id}`" for item in getattr(pack, kind)]
    missing = [e for e in expected if e not in doc]
    assert not missing, f"not in the review document: {missing[:10]}"


def test_render_pack_shows_citations_lexicon_and_conditions(pack: Pack) -> None:
    doc = render_pack(pack)
    for _, c in pack.citations():
        assert c.render(pack) in doc
    for f in pack.findings:
        for term in [*f.lexicon, *f.near]:
            assert f"`{term}`" in doc
    assert "если: " in doc
    for m in pack.medicines:
        for caution in m.cautions:
            assert caution in doc


def test_describe_expr_reads_as_russian(pack: Pack) -> None:
    fid = pack.findings[0].id
    other = pack.findings[1].id
    label, other_label = pack.finding(fid).label, pack.finding(other).label
    assert describe_expr(pack, fid) == f"«{label}»"
    assert describe_expr(pack, {"all": [fid, other]}) == f"«{label}» и «{other_label}»"
    assert describe_expr(pack, {"any": [fid, {"not": other}]}) == (
        f"«{label}» или не «{other_label}»"
    )
    assert "точно нет" in describe_expr(pack, {"finding": fid, "present": False})
    assert "≥ 21" in describe_expr(pack, {"finding": fid, "op": ">=", "value": 21})
    assert describe_expr(pack, True) == "всегда"


def test_pack_summary_counts(pack: Pack) -> None:
    summary = pack_summary(pack)
    for kind in ("findings", "conditions", "rules", "advice", "exercises", "medicines", "tests"):
        assert summary[kind] == len(getattr(pack, kind))
    assert summary["citations"] == sum(1 for _ in pack.citations())
    assert all(isinstance(v, int) for v in summary.values())


# --- (g) where each source can be read, and whether it was checked against it ----------------

# Sources whose title, publisher, year and claim were checked against their page (2026-12).
# A floor, as for the case families: raise it when more are checked, never lower it.
CHECKED_SOURCES_FLOOR = 47
_NICE_CODE = re.compile(r"nice\.org\.uk/guidance/((?:ng|cg)\d+)$")


def test_checked_sources_keep_their_page_and_month(pack: Pack) -> None:
    checked = [s for s in pack.sources if s.checked]
    assert len(checked) >= CHECKED_SOURCES_FLOOR
    for s in checked:
        assert s.url is not None and s.url.startswith("https://"), s.id
        assert re.fullmatch(r"20\d\d-(0[1-9]|1[0-2])", s.checked or ""), s.id


def test_a_nice_page_is_the_guideline_the_source_names(pack: Pack) -> None:
    # The mix-up this guards against: NICE CG151 (neutropenic sepsis) cited as «NG151».
    seen = 0
    for s in pack.sources:
        m = _NICE_CODE.search((s.url or "").rstrip("/"))
        if m is None:
            continue
        seen += 1
        code = m[1].upper()
        assert code in f"{s.title} {s.note or ''}", f"{s.id}: {s.url} is {code}, not in its title"
    assert seen >= 20


def test_every_source_says_how_far_it_was_checked(pack: Pack) -> None:
    # Unknown is not absent: a source not checked against its page says so in its note.
    for s in pack.sources:
        if s.kind == "seed":
            assert s.url is None and s.checked is None, s.id
        else:
            assert s.checked or s.note, f"{s.id}: neither `checked` nor a note on what is unchecked"


def test_the_review_document_gives_each_sources_page_and_check(pack: Pack) -> None:
    doc = render_pack(pack)
    for s in pack.sources:
        if s.url:
            assert f"<{s.url}>" in doc, s.id
    checked = next(s for s in pack.sources if s.checked)
    unchecked = next(s for s in pack.sources if s.kind != "seed" and not s.checked)
    line = next(li for li in doc.splitlines() if f"`{checked.id}`" in li and li.startswith("- "))
    assert f"Сверено с источником: {checked.checked}." in line
    line = next(li for li in doc.splitlines() if f"`{unchecked.id}`" in li and li.startswith("- "))
    assert "Не сверено с оригиналом." in line
