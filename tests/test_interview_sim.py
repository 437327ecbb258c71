"""Simulated patients: the interview must reach the triage level of the full information.

A simulated patient knows a set of findings and answers each question from them
(``interview.answer_from_facts``); what they do not know is «Не знаю». For the shared
vignettes the findings are what the text understanding reads from the vignette; our own
patients are given as findings directly and together fire every rule of the pack.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from spasmnav import interview as iv
from spasmnav import understand
from spasmnav.assessing import parse_findings
from spasmnav.content import load_pack
from spasmnav.engine import Observation, get_engine

EVAL = Path(__file__).parents[1].parent / "shared" / "eval"
VIGNETTES = EVAL / "vignettes-dev.jsonl"
PATIENTS = Path(__file__).parent / "cases" / "interview_patients.jsonl"
EMERGENCY_WITHIN = 5
# Issue 11 asks for a typical interview of at most 10 questions and at most 14 in all. Grouped
# lists (the swelling of the calf in the first-line screen; illnesses, nervous system and
# smoking in one list; the signs of spasticity with the gait; duration, frequency, a cramp that
# does not let go and bed rest as ticks of the course) and «не знаю» not being asked again in
# another form brought the mean to ~8.6 for our own patients and ~9.5 for the vignettes without
# their text, the maximum to 14. The median of the vignettes is 11: a person with nothing to
# report still answers every grouped question that could make it «к врачу» (~12).
TYPICAL_LENGTH = 10
TYPICAL_MEDIAN = 11
MAX_LENGTH = 14
# An emergency that needs context (a medicine, a condition, a wound, a pregnancy) has its own
# option in the grouped first-line questions (issue 11): it is reached as fast as the others.
EMERGENCY_WITHIN_CONTEXT = EMERGENCY_WITHIN


@dataclass(frozen=True)
class Patient:
    id: str
    truth: dict[str, Observation]
    subject: str
    text: str | None = None
    expected: str | None = None
    context: bool = False


def _knows_own_red_flags(truth: dict[str, Observation]) -> dict[str, Observation]:
    """A person knows whether their face droops or they can breathe: the red flags of the
    pack's checks that are not present are absent for them, not «не знаю»."""
    out = dict(truth)
    pack = load_pack()
    # A question that names a whole check («после операции на шее сводит кисти») is true
    # for them exactly when that check's rule holds for what they have.
    fired = {reason.rule for reason in get_engine().assess(truth).reasons}
    for check in pack.checks:
        out.setdefault(check.answer_finding, Observation(check.rule in fired))
        for fid in check.findings:
            out.setdefault(fid, Observation(False))
    for q in pack.questions:
        if q.red_flag:
            for o in q.answerOption:
                for fid, v in o.sets.items():
                    if v is False:
                        out.setdefault(fid, Observation(False))
    return out


def _vignettes() -> list[Patient]:
    if not VIGNETTES.is_file():
        return []
    out = []
    for line in VIGNETTES.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            u = understand(item["text"])
            truth = _knows_own_red_flags(dict(u.facts))
            out.append(
                Patient(
                    str(item["id"]),
                    truth,
                    u.subject,
                    item["text"],
                    context=_needs_context(truth),
                )
            )
    return out


def _needs_context(truth: dict[str, Observation]) -> bool:
    """An emergency that fires only through a history or a medicine (surgery on the neck, a
    drug, a pregnancy): the interview learns it after the first-line red flags."""
    from spasmnav import expr as ex

    pack = load_pack()
    kinds = {f.id: f.kind for f in pack.findings}
    rules = {r.id: r for r in pack.rules}
    fired = [r.rule for r in get_engine().assess(truth).reasons if r.level == "emergency"]
    if not fired:
        return False
    return all(
        any(
            kinds.get(leaf.finding) in ("history", "risk_factor")
            and (o := truth.get(leaf.finding)) is not None
            and o.present is True
            for leaf, positive in ex.literals(rules[rid].when)
            if positive
        )
        for rid in fired
        if rid in rules
    )


def _own() -> list[Patient]:
    out = []
    for line in PATIENTS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            out.append(
                Patient(
                    item["id"],
                    _knows_own_red_flags(parse_findings(item["findings"])),
                    item["subject"],
                    expected=item["level"],
                    context=bool(item.get("context", False)),
                )
            )
    return out


VIGNETTE_PATIENTS = _vignettes()
OWN_PATIENTS = _own()
needs_vignettes = pytest.mark.skipif(
    not VIGNETTE_PATIENTS, reason=f"the shared vignettes are absent ({VIGNETTES})"
)


def simulate(patient: Patient, *, with_text: bool = False) -> iv.Run:
    def answer_for(step: iv.QuestionStep) -> Any:
        if step.link_id == "subject":
            return patient.subject
        return iv.answer_from_facts(step.link_id, patient.truth)

    return iv.drive(iv.start(patient.text if with_text else None), answer_for)


def _check(patient: Patient, run: iv.Run) -> None:
    full = get_engine().assess(patient.truth).level
    got = iv.result(run.state).level
    assert got == full, f"{patient.id}: interview {got}, full information {full}; {run.asked}"
    if full == "emergency":
        assert isinstance(run.step, iv.EmergencyStep), patient.id
        within = EMERGENCY_WITHIN_CONTEXT if patient.context else EMERGENCY_WITHIN
        assert len(run.asked) <= within, f"{patient.id}: {run.asked}"
    else:
        assert isinstance(run.step, iv.SummaryStep), patient.id
        assert isinstance(iv.next_step(iv.confirm(run.state)), iv.DoneStep)


@needs_vignettes
@pytest.mark.parametrize("patient", VIGNETTE_PATIENTS, ids=lambda p: p.id)
def test_vignette_reaches_the_full_information_level(patient: Patient) -> None:
    _check(patient, simulate(patient))


@needs_vignettes
@pytest.mark.parametrize("patient", VIGNETTE_PATIENTS, ids=lambda p: p.id)
def test_vignette_with_its_opening_text(patient: Patient) -> None:
    run = simulate(patient, with_text=True)
    _check(patient, run)
    # The text already says things: never more questions than without it, by much.
    assert len(run.asked) <= len(simulate(patient).asked) + 2


@pytest.mark.parametrize("patient", OWN_PATIENTS, ids=lambda p: p.id)
def test_own_patient_reaches_the_full_information_level(patient: Patient) -> None:
    assert get_engine().assess(patient.truth).level == patient.expected, (
        f"{patient.id}: the case no longer means what it says"
    )
    _check(patient, simulate(patient))


def test_own_patients_cover_every_rule() -> None:
    assert len(OWN_PATIENTS) >= 30
    fired = {reason.rule for p in OWN_PATIENTS for reason in get_engine().assess(p.truth).reasons}
    # Read from text only: no interview question asks about poisoning (a child's age comes too
    # late in the interview for a gated question to be useful).
    # The general emergencies and same-day problems outside the legs (issue 10's "red flags are
    # checked in any text") and two medicine problems added from the independent case families
    # are read from a person's words too; the interview, kept to 14 questions, does not ask
    # about them (see the README's interview section).
    text_only = {
        "poisoning_suspected",
        "anaphylaxis",
        "animal_bite_today",
        "deep_wound_today",
        "acute_infection_today",
        "head_injury_danger",
        "suicide_risk",
        "sepsis_signs",
        "slow_pulse_risk",
        "botulinum_spread",
        "tizanidine_stopped",
        "hypoglycaemia_treated",
        "botulinum_local_weakness",
        # round 6: general emergencies with no leg in them
        "gi_bleed",
        "sudden_monocular_vision_loss",
        "suicide_plan_risk",
        "carbon_monoxide_suspected",
        "testicular_torsion_suspected",
        "aortic_emergency_suspected",
        "syncope_with_heart_signs",
        "diabetic_ketoacidosis_suspected",
        "cervical_spine_injury_suspected",
        "clot_risk_leg",
        "clot_risk_leg_with_chest",
        "heat_stroke",
        "severe_dehydration",
        "dehydration_today",
        "sedating_medicine_overdose",
        "lithium_toxicity",
        "lithium_fluid_loss",
        "benzodiazepine_withdrawal",
        "benzodiazepine_withdrawal_severe",
        "tizanidine_cyp1a2_interaction",
        "tizanidine_interaction_symptoms",
        "heavy_bleeding_now",
        "varicose_bleed",
        "anticoagulant_haematoma",
        "seizure_cluster_signs",
        "flinging_movements_new",
        "low_potassium_vomiting",
        "high_calcium_pth",
        "spreading_dental_infection",
        "dental_infection_airway",
        "infected_wound_spreading",
        "hip_fracture_suspected",
        "neutropenic_sepsis_suspected",
        "recent_tia",
        # round 8 (src/spasmnav/pack/acute.yaml): read from a person's words only
        "compartment_syndrome_suspected",
        "achilles_rupture_suspected",
        "hepatic_encephalopathy_signs",
        "liver_disease_unwell_today",
        "quinine_toxicity",
        "quinine_side_effects",
        "quinine_for_cramps",
        "parkinson_medicine_stopped_severe",
        "parkinson_medicine_gap_today",
        "high_potassium_kidneys",
        "high_potassium_today",
        "low_sodium_severe",
        "low_sodium_today",
        "medicine_falls_cramps",
        "diuretic_low_pressure",
        "post_stroke_fever",
        # round 7 (families10): read from the person's words only
        "pe_signs_with_leg_swelling",
        "long_lie_after_fall",
        "headache_on_straining_today",
        "hyperglycaemia_symptoms_today",
        "dose_change_by_oneself",
        "spasticity_trigger_doctor",
        "sleep_apnoea_suspected",
        # round 8 (src/spasmnav/pack/readings.yaml, emergencies.yaml): numbers in a chart or
        # a message, read from the text only
        "low_sugar_reading",
        "low_oxygen_emergency",
        "borderline_oxygen",
        "very_high_pressure_with_symptoms",
        "very_high_pressure",
        "very_low_calcium",
        "low_potassium_reading",
        "high_inr_reading",
        "very_fast_pulse",
        "low_magnesium_reading",
        # round 8 (families9): read from the person's words only
        "passive_death_wish_today",
        "infantile_spasms_suspected",
        "antispastic_low_pressure",
        "antispastic_side_effects_doctor",
        "dose_increase_by_oneself",
        "orthosis_skin_wound",
        "osteoporotic_back_pain",
        "cramps_with_dizziness",
        # round 8 (families11/12, src/spasmnav/pack/subacute.yaml): from the text only
        "diary_counts_rising",
        "emotional_lability_doctor",
        "cramps_after_medicine",
        "chronic_limb_threat",
        "leg_artery_worse",
        "low_vitamin_d_cramps",
        "biliary_pain_fever",
        # round 8 (families9 over-triage): rest pain eased by hanging the leg, from words only
        "rest_pain_eased_by_dependency",
        # round 8 (families13): a potassium reading with palpitations, a low mood, falls told
        # as repeated, a radicular pain with a growing weakness: read from words
        "low_potassium_symptomatic",
        "low_mood_doctor",
        "recurrent_falls_doctor",
        "radicular_progressive_deficit",
        # stop 25 (families14): cancer with spinal pain, a sensory level (NICE NG234)
        "spinal_cord_compression",
        "spinal_metastasis_pain",
        # stop 25: a decline said to be gradual, and a botulinum effect worn off (no
        # simulated patient of these yet)
        "cognitive_decline_gradual",
        "botulinum_review",
        # a blood pressure below 90 read from the text with drowsiness or a slow pulse
        "low_pressure_with_drowsiness",
        # slow breathing with drowsiness, from the text
        "slow_breathing_drowsy",
    }
    assert {r.id for r in load_pack().rules} - text_only <= fired
    levels = {p.expected for p in OWN_PATIENTS}
    assert levels == {"self_care", "doctor", "urgent", "emergency"}


def _lengths(patients: list[Patient], *, with_text: bool = False) -> list[int]:
    return [len(simulate(p, with_text=with_text).asked) for p in patients]


@needs_vignettes
def test_typical_length_is_short(capsys: pytest.CaptureFixture[str]) -> None:
    plain = _lengths(VIGNETTE_PATIENTS)
    text = _lengths(VIGNETTE_PATIENTS, with_text=True)
    own = _lengths(OWN_PATIENTS)
    with capsys.disabled():
        for title, n in (("vignettes", plain), ("with text", text), ("own", own)):
            print(f"\n  interview questions, {title}: mean {statistics.mean(n):.1f}, max {max(n)}")
    assert statistics.mean(plain) <= TYPICAL_LENGTH
    assert statistics.median(plain) <= TYPICAL_MEDIAN
    assert statistics.mean(text) <= TYPICAL_LENGTH
    assert statistics.mean(own) <= TYPICAL_LENGTH
    assert max(plain + text + own) <= MAX_LENGTH
