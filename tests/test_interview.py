"""The interview policy (pure): question order, emergency stop, «не знаю», back, enableWhen,
corrections of the opening text, the serialisable state and the result."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from spasmnav import interview as iv
from spasmnav.assessing import assess_text, parse_findings
from spasmnav.cli import app
from spasmnav.content import LEVELS, load_pack
from spasmnav.engine import Observation, get_engine
from spasmnav.interview_cli import parse_answer, run_interactive

PACK = load_pack()
QUESTIONS = {q.linkId: q for q in PACK.questions}
RED_FLAGS = [q.linkId for q in PACK.questions if q.red_flag]
FINDINGS_IDS = [f.id for f in PACK.findings]
CALM = {  # the calm answer to each red-flag question
    "rf_stroke": ["none"],
    "rf_seizure": ["none"],
    "rf_breathing": ["none"],
    "sx_general": ["none"],
}


def _calm(state: iv.InterviewState) -> iv.InterviewState:
    """Answer the red-flag questions calmly, in the order the interview asks them."""
    for _ in range(len(CALM)):
        step = iv.next_step(state)
        assert isinstance(step, iv.QuestionStep) and step.link_id in CALM, step
        state = iv.answer(state, step.link_id, CALM[step.link_id])
    return state


def _drive_unknown(state: iv.InterviewState) -> iv.Run:
    return iv.drive(state, lambda step: None)


# --- The questionnaire in the pack -----------------------------------------------------------


def test_questions_are_sdc_items_with_why_wording_for_both_subjects_and_sources() -> None:
    assert len(PACK.questions) >= 25
    for q in PACK.questions:
        assert q.why.strip() and q.text.strip() and q.text_other, q.linkId
        if q.linkId not in ("subject", "hx_age"):
            assert q.cite, f"{q.linkId}: «зачем» makes a statement and needs a source"
        if q.type in ("boolean", "integer", "decimal"):
            assert q.finding and not q.answerOption, q.linkId
        else:
            assert q.answerOption and not q.finding, q.linkId
        codes = [o.code for o in q.answerOption]
        assert len(codes) == len(set(codes)) and all(isinstance(c, str) for c in codes)
        assert iv.UNKNOWN not in codes  # «Не знаю» is added by the interview itself


def test_list_questions_have_a_none_option_that_denies_every_other_option() -> None:
    for q in PACK.questions:
        if not q.repeats:
            continue
        none = next(o for o in q.answerOption if o.code == "none")
        primaries = {next(iter(o.sets)) for o in q.answerOption if o.code != "none"}
        assert primaries <= set(none.sets), q.linkId
        assert all(v is False for v in none.sets.values()), q.linkId


def test_enable_when_points_back_to_earlier_questions_with_existing_answers() -> None:
    order = {q.linkId: i for i, q in enumerate(PACK.questions)}
    for q in PACK.questions:
        for ew in q.enableWhen:
            assert order[ew.question] < order[q.linkId], (q.linkId, ew.question)
            target = QUESTIONS[ew.question]
            if ew.operator in ("=", "!="):
                assert str(ew.answer) in {o.code for o in target.answerOption}, (q.linkId, ew)


def test_red_flag_questions_cover_the_emergency_and_urgent_rules() -> None:
    findings = {
        fid
        for q in PACK.questions
        if q.red_flag
        for o in q.answerOption
        for fid, v in o.sets.items()
        if v is True
    }
    for fid in (
        "face_droop",
        "arm_weakness",
        "speech_disturbance",
        "vision_loss",
        "sudden_balance_loss",
        "sudden_sensation_loss_leg",
        "sudden_leg_paralysis",
        "severe_headache",
        "generalized_convulsions",
        "spreading_convulsions",
        "loss_of_consciousness",
        "confusion",
        "unresponsive",
        "tongue_bite",
        "incontinence",
        "breathing_difficulty",
        "chest_pain",
        "calf_swelling",
        "leg_cold_pale",
        "leg_blue",
        "perioral_tingling",
        "finger_tingling",
    ):
        assert fid in findings, fid


# --- Order and stopping ----------------------------------------------------------------------


def test_first_who_then_red_flags_in_order_of_danger() -> None:
    step = iv.next_step(iv.start())
    assert isinstance(step, iv.QuestionStep) and step.link_id == "subject"
    assert step.phase == "subject" and step.number == 1
    state = iv.answer(iv.start(), "subject", "self")
    asked = []
    for _ in range(len(CALM)):
        step = iv.next_step(state)
        assert isinstance(step, iv.QuestionStep) and step.red_flag
        assert step.phase == "red_flags"
        asked.append(step.link_id)
        state = iv.answer(state, step.link_id, CALM[step.link_id])
    assert asked == [link for link in RED_FLAGS if link in CALM]
    # The emergencies, grouped, come first; then what needs a doctor today.
    assert asked[:3] == ["rf_stroke", "rf_seizure", "rf_breathing"]
    step = iv.next_step(state)
    assert isinstance(step, iv.QuestionStep) and not step.red_flag


@pytest.mark.parametrize(
    ("link", "value", "first_aid"),
    [
        ("rf_stroke", ["face"], "stroke_wait"),
        ("rf_stroke", ["headache"], "stroke_wait"),
        ("rf_seizure", ["whole_body"], "seizure_first_aid"),
        ("rf_breathing", ["breath", "chest"], "pe_wait"),
        ("rf_stroke", ["cold_leg"], "ischaemia_wait"),
        # Grouped checks: one tick names an emergency that needs context (issue 11).
        ("rf_breathing", ["baclofen"], "baclofen_withdrawal_wait"),
        ("rf_breathing", ["cauda"], "cauda_equina_wait"),
        ("rf_breathing", ["sugar"], "hypoglycaemia_first_aid"),
        ("rf_breathing", ["pregnancy"], "pre_eclampsia_wait"),
        ("rf_seizure", ["tetanus"], "tetanus_wait"),
        ("rf_seizure", ["calcium"], "hypocalcaemia_wait"),
    ],
)
def test_an_emergency_stops_the_interview_at_once(link: str, value: Any, first_aid: str) -> None:
    state = iv.start(subject="other")
    while True:
        step = iv.next_step(state)
        assert isinstance(step, iv.QuestionStep)
        if step.link_id == link:
            break
        state = iv.answer(state, step.link_id, CALM[step.link_id])
    state = iv.answer(state, link, value)
    step = iv.next_step(state)
    assert isinstance(step, iv.EmergencyStep)
    assert step.call == "103 или 112"
    assert "call_103" in {a.id for a in step.first_aid}
    assert first_aid in {a.id for a in step.first_aid}
    assert step.red_flags and step.reasons
    assert iv.result(state).level == "emergency"
    d = step.to_dict()
    assert d["kind"] == "emergency" and json.dumps(d, ensure_ascii=False)
    # Nothing more is asked, even after «confirm»: the emergency screen stays.
    assert isinstance(iv.next_step(iv.confirm(state)), iv.EmergencyStep)


def test_a_swollen_calf_with_breathlessness_says_do_not_massage() -> None:
    state = iv.start("Икра опухла и болит, а сейчас стало трудно дышать")
    step = iv.next_step(state)
    assert isinstance(step, iv.EmergencyStep)
    assert {"dvt_no_massage", "pe_wait"} <= {a.id for a in step.first_aid}


def test_an_emergency_in_the_opening_text_asks_nothing() -> None:
    state = iv.start("У мамы вдруг перекосило лицо и она невнятно говорит")
    assert state.subject == "other"
    assert isinstance(iv.next_step(state), iv.EmergencyStep)


def test_incontinence_then_the_movement_question_completes_the_seizure_rule() -> None:
    state = iv.start(subject="other")
    state = iv.answer(state, "rf_stroke", ["none"])
    state = iv.answer(state, "rf_seizure", ["urine"])
    step = iv.next_step(state)
    # «обмочился во время приступа» is an emergency only with a leg movement: ask that now,
    # before screening the remaining red flags.
    assert isinstance(step, iv.QuestionStep) and step.link_id == "mv_kind"
    assert step.phase == "red_flags"
    assert isinstance(iv.next_step(iv.answer(state, "mv_kind", ["twitch"])), iv.EmergencyStep)


def test_stops_when_the_level_is_settled_and_shows_a_summary_then_the_result() -> None:
    state = _calm(iv.start(subject="self"))
    state = iv.answer(state, "mv_kind", ["cramp"])
    run = iv.drive(
        state,
        lambda step: {"hx_chronic": ["diabetes"], "course_flags": ["worse"]}.get(step.link_id),
    )
    assert isinstance(run.step, iv.SummaryStep)
    assert len(run.state.history) <= 14  # five first-line screens, then the calm course
    summary = run.step.to_dict()
    assert [a["linkId"] for a in summary["answers"]] == run.state.history
    assert any(a["answer"] == "Сахарный диабет" for a in summary["answers"])
    with pytest.raises(iv.InterviewError):
        iv.confirm(state)  # questions are left
    done = iv.next_step(iv.confirm(run.state))
    assert isinstance(done, iv.DoneStep)
    assert done.assessment.level == "doctor"
    assert done.assessment.interview is not None
    assert len(done.assessment.interview.asked) == len(run.state.history)
    assert done.to_dict()["assessment"]["interview"]["questions"] == len(run.state.history)


def test_not_knowing_everything_still_ends_with_a_result() -> None:
    run = _drive_unknown(iv.start(subject="self"))
    assert isinstance(run.step, iv.SummaryStep)
    assert len(run.asked) == len(set(run.asked))  # nothing is asked twice
    assert all(v is None for v in run.state.answers.values())
    # «Не знаю» to the red-flag questions leaves their checks explicitly open, and not knowing
    # about consciousness, one-sided weakness or a cold leg is itself a worry: «сегодня».
    known = iv.facts(run.state)
    assert known and all(k.startswith("check_") and o.present is None for k, o in known.items())
    res = iv.result(run.state)
    assert res.level == "urgent"
    assert {"stroke_signs", "seizure", "cold_leg"} <= {c.id for c in res.red_flags_unchecked}


# --- Answers, «не знаю», back ----------------------------------------------------------------


def test_every_question_offers_dont_know_last() -> None:
    state = iv.start()
    for _ in range(30):
        step = iv.next_step(state)
        if not isinstance(step, iv.QuestionStep):
            break
        assert step.options[-1] == iv.Option("unknown", "Не знаю")
        assert step.why and step.text
        state = iv.answer(state, step.link_id, "unknown" if step.number % 2 else None)
        assert state.answers[step.link_id] is None


@pytest.mark.parametrize(
    ("link", "value", "words"),
    [
        ("nope", True, "Нет такого вопроса"),
        ("hx_smoking", "может быть", "«да», «нет» или «не знаю»"),
        ("mv_side", "both_legs", "Выберите один из вариантов"),
        ("mv_side", ["one", "both"], "Выберите один из вариантов"),
        # Options that set the same finding are alternatives (issue 11: grouped questions).
        ("sx_general", ["calf_one", "calf_both"], "Отметьте что-то одно"),
        # A question merged into a grouped one says where it went (old answer files).
        ("rf_calf", "no", "Вопроса «rf_calf» больше нет"),
        ("hx_neuro", ["ms"], "«hx_chronic»"),
        ("rf_stroke", ["face", "none"], "нельзя отметить вместе"),
        ("rf_stroke", [], "Отметьте хотя бы один"),
        ("rf_stroke", ["elbow"], "Нет такого варианта"),
        ("hx_age", 300, "от 0 до 120"),
        ("hx_age", 64.5, "целое"),
        ("hx_age", "шестьдесят", "Нужно число"),
        ("hx_age", True, "Нужно число"),
    ],
)
def test_invalid_answers_are_refused_in_russian(link: str, value: Any, words: str) -> None:
    with pytest.raises(iv.InterviewError, match=words):
        iv.answer(iv.start(), link, value)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(
    link=st.sampled_from([*QUESTIONS, "", "nope"]),
    value=JSON_VALUES,
    finding=st.text(max_size=20) | st.sampled_from(FINDINGS_IDS),
)
def test_any_value_is_either_accepted_or_refused_with_a_russian_message(
    link: str, value: Any, finding: str
) -> None:
    state = iv.start()
    try:
        state = iv.answer(state, link, value)
    except iv.InterviewError as exc:
        assert any("а" <= ch <= "я" for ch in str(exc).lower())
    else:
        assert iv.InterviewState.from_json(state.to_json()) == state
    with contextlib.suppress(iv.InterviewError):
        state = iv.correct(state, finding, True)
    assert isinstance(iv.next_step(state), iv.QuestionStep | iv.EmergencyStep | iv.SummaryStep)


def test_answers_are_stored_in_canonical_form() -> None:
    s = iv.start()
    assert iv.answer(s, "hx_smoking", "да").answers["hx_smoking"] is True
    assert iv.answer(s, "hx_smoking", "no").answers["hx_smoking"] is False
    assert iv.answer(s, "hx_age", "64").answers["hx_age"] == 64.0
    assert iv.answer(s, "rf_stroke", ["speech", "face"]).answers["rf_stroke"] == ["face", "speech"]
    assert iv.answer(s, "rf_stroke", "face").answers["rf_stroke"] == ["face"]
    assert iv.answer(s, "mv_side", ["one"]).answers["mv_side"] == "one"
    assert iv.answer(s, "mv_side", "Не знаю").answers["mv_side"] is None


def test_back_undoes_the_last_answer_and_nothing_is_lost() -> None:
    s0 = iv.start(subject="self")
    s1 = iv.answer(s0, "rf_stroke", ["none"])
    s2 = iv.answer(s1, "rf_seizure", ["none"])
    assert iv.back(s2).to_json() == s1.to_json()
    assert iv.back(iv.back(s2)).to_json() == s0.to_json()
    assert iv.back(s0).to_json() == s0.to_json()
    step = iv.next_step(iv.back(s2))
    assert isinstance(step, iv.QuestionStep) and step.link_id == "rf_seizure"
    # Changing an earlier answer moves it to the end of the history.
    s3 = iv.answer(s2, "rf_stroke", ["none"])
    assert s3.history == ["rf_seizure", "rf_stroke"]


def test_list_answers_deny_the_options_not_picked_but_not_what_the_text_said() -> None:
    state = iv.start("Ночью свело икру")
    state = iv.answer(state, "mv_kind", ["twitch"])
    f = iv.facts(state)
    assert f["twitching"].present is True
    assert f["cramp"].present is True  # said in the text; not picking it does not deny it
    assert f["tremor"].present is False
    state = iv.answer(state, "mv_kind", ["none"])
    assert iv.facts(state)["cramp"].present is False  # an explicit «ничего из этого» does


# --- enableWhen ------------------------------------------------------------------------------


def test_follow_up_questions_wait_for_their_answer() -> None:
    state = iv.start(subject="self")
    state = iv.answer(state, "sx_general", ["none"])
    run = _drive_unknown(state)
    assert "rf_calf_signs" not in run.asked
    state = iv.answer(iv.start(subject="self"), "sx_general", ["calf_both"])
    for link, value in CALM.items():
        if link != "sx_general":
            state = iv.answer(state, link, value)
    step = iv.next_step(state)
    # Both legs swollen: redness, warmth or pain would make a thrombosis likely (urgent).
    assert isinstance(step, iv.QuestionStep) and step.phase == "red_flags"
    assert step.link_id in ("rf_calf_signs", "course_flags", "hx_stroke")
    assert "rls_relief" not in _drive_unknown(iv.start(subject="self")).asked


def test_answers_to_a_disabled_question_are_ignored() -> None:
    state = iv.answer(iv.start(subject="self"), "rls_relief", True)  # mv_kind not answered
    assert "relieved_by_movement" not in iv.facts(state)
    state = iv.answer(state, "mv_kind", ["restless"])
    assert iv.facts(state)["relieved_by_movement"].present is True


def _enabled(link: str, answers: dict[str, Any]) -> bool:
    """An independent reading of FHIR enableWhen for the operators the pack uses."""
    q = QUESTIONS[link]
    if not q.enableWhen:
        return True
    results = []
    for ew in q.enableWhen:
        value = answers.get(ew.question)
        if ew.operator == "exists":
            results.append((value is not None) == bool(ew.answer))
        elif value is None:
            results.append(False)
        elif isinstance(value, list):
            hit = str(ew.answer) in value
            results.append(hit if ew.operator == "=" else not hit)
        else:
            same = str(value) == str(ew.answer)
            results.append(same if ew.operator == "=" else not same)
    return all(results) if q.enableBehavior == "all" else any(results)


def _valid_answer(draw: Callable[[st.SearchStrategy[Any]], Any], step: iv.QuestionStep) -> Any:
    if draw(st.integers(0, 5)) == 0:
        return None
    codes = [o.code for o in step.options if o.code != iv.UNKNOWN]
    if step.link_id in CALM and draw(st.integers(0, 3)):
        return CALM[step.link_id]  # mostly calm, to reach the later questions too
    if step.type == "boolean":
        return draw(st.sampled_from([True, False, "да", "нет"]))
    if step.type in ("integer", "decimal"):
        return draw(st.integers(0, 120))
    if step.repeats:
        if draw(st.booleans()):
            return ["none"]
        picked = draw(st.lists(st.sampled_from([c for c in codes if c != "none"]), min_size=1))
        # Two options that stand for one finding («в одной икре» / «в обеих») are exclusive: the
        # interview refuses them together with a clear message, tested on its own below, so a
        # valid answer keeps the first of each such pair.
        options = {o.code: o for o in iv._catalog().by_link[step.link_id].options}
        seen: set[str] = set()
        valid: list[str] = []
        for code in picked:
            o = options[code]
            if o.positive and o.primary is not None:
                if o.primary in seen:
                    continue
                seen.add(o.primary)
            valid.append(code)
        return valid
    return draw(st.sampled_from(codes))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_any_answers_keep_the_state_serialisable_and_never_raise(data: st.DataObject) -> None:
    subject = data.draw(st.sampled_from([None, "self", "other"]))
    state = iv.start(subject=subject)
    backs = 8
    for _ in range(80):
        step = iv.next_step(state)
        assert iv.next_step(iv.InterviewState.from_json(state.to_json())) == step
        json.dumps(step.to_dict(), ensure_ascii=False)
        if not isinstance(step, iv.QuestionStep):
            assert isinstance(step, iv.EmergencyStep | iv.SummaryStep)
            break
        assert _enabled(step.link_id, dict(state.answers)), step.link_id
        assert step.link_id not in state.answers  # never asked twice
        if backs and state.history and data.draw(st.integers(0, 6)) == 0:
            backs -= 1
            before = state
            state = iv.back(state)
            assert state.history == before.history[:-1]
            continue
        state = iv.answer(state, step.link_id, _valid_answer(data.draw, step))
    else:
        pytest.fail("the interview did not end")
    restored = iv.InterviewState.from_json(state.to_json())
    assert restored == state
    assert iv.result(restored).level in LEVELS


# --- The opening text ------------------------------------------------------------------------


def test_what_the_text_established_is_not_asked_again() -> None:
    text = "Мне 64 года, курю. Ночью сводит икры, ноги постоянно мёрзнут"
    state = iv.start(text)
    known = iv.facts(state)
    assert known["age"].value == 64 and known["smoker"].present is True
    run = _drive_unknown(state)
    assert "hx_age" not in run.asked and "hx_smoking" not in run.asked
    # Every question asked could still add something the text did not say.
    replay = state
    for link in run.asked:
        f = iv.facts(replay)
        settable = {fid for o in QUESTIONS[link].answerOption for fid in o.sets}
        finding = QUESTIONS[link].finding
        if finding is not None:
            settable.add(finding)
        assert any(
            fid not in f or (f[fid].present is None and f[fid].value is None) for fid in settable
        ), link
        replay = iv.answer(replay, link, None)


def test_suggested_answer_comes_from_the_text() -> None:
    state = iv.start("Ночью сводит икру", subject="self")
    while True:
        step = iv.next_step(state)
        assert isinstance(step, iv.QuestionStep), step
        if step.link_id == "mv_kind":
            assert step.suggested == ["cramp"]
            break
        state = iv.answer(state, step.link_id, None)


def test_the_person_can_correct_what_was_understood() -> None:
    state = iv.start("Ночью сводит икру, слабости нет")
    assert iv.facts(state)["cramp"].present is True
    shown = {u["finding"]: u for u in iv.understood(state)}
    assert shown["cramp"]["text"].startswith("Есть: ")
    assert shown["leg_weakness"]["text"].startswith("Нет: ")
    state = iv.correct(state, "cramp", False)
    state = iv.correct(state, "leg_weakness", None)
    f = iv.facts(state)
    assert f["cramp"].present is False and "leg_weakness" not in f
    assert {u["finding"]: u for u in iv.understood(state)}["cramp"]["corrected"] is True
    with pytest.raises(iv.InterviewError, match="Нет такого признака"):
        iv.correct(state, "elbow_pain", True)


def test_bad_start_arguments_are_refused_in_russian() -> None:
    with pytest.raises(iv.InterviewError, match="о себе"):
        iv.start(subject="кот")
    assert iv.start("   ").text is None


def test_subject_other_changes_the_wording() -> None:
    step = iv.next_step(iv.start(subject="other"))
    assert isinstance(step, iv.QuestionStep)
    assert step.text == QUESTIONS[step.link_id].text_other
    assert "у этого человека" in step.text
    state = iv.answer(iv.start(), "subject", "other")
    step = iv.next_step(state)
    assert isinstance(step, iv.QuestionStep) and "у этого человека" in step.text
    assert iv.result(state).subject == "other"


# --- State on the wire -----------------------------------------------------------------------


def test_state_round_trips_and_tampering_is_refused() -> None:
    state = iv.answer(iv.start("Ночью свело икру", subject="self"), "rf_stroke", ["none"])
    raw = state.to_json()
    assert iv.InterviewState.from_json(raw) == state
    assert iv.InterviewState.from_json(json.loads(raw)) == state
    bad = json.loads(raw)
    mutations: list[tuple[Callable[[dict[str, Any]], object], str]] = [
        (lambda d: d["answers"].update({"nope": True}), "неизвестный вопрос"),
        (lambda d: d["answers"].update({"rf_stroke": ["elbow"]}), "rf_stroke"),
        (lambda d: d["answers"].update({"rf_stroke": ["speech", "face"]}), "канонич"),
        (lambda d: d["history"].append("rf_seizure"), "история"),
        (lambda d: d["corrections"].update({"elbow": True}), "неизвестная находка"),
        (lambda d: d.update({"version": 9}), "повреждено"),
        (lambda d: d.update({"extra": 1}), "повреждено"),
    ]
    for mutate, words in mutations:
        d = json.loads(json.dumps(bad))
        mutate(d)
        with pytest.raises(iv.InterviewError, match=words):
            iv.InterviewState.from_json(json.dumps(d))
    with pytest.raises(iv.InterviewError):
        iv.InterviewState.from_json("{not json")


def test_step_json_shape_for_the_web() -> None:
    d = iv.next_step(iv.answer(iv.start(), "subject", "self")).to_dict()
    assert d["kind"] == "question"
    assert {
        "linkId",
        "number",
        "type",
        "repeats",
        "text",
        "why",
        "options",
        "suggested",
        "red_flag",
        "phase",
        "sources",
    } <= set(d)
    assert d["options"][-1] == {"code": "unknown", "display": "Не знаю"}
    assert d["sources"]  # the red-flag question says where its «зачем» comes from


# --- The result is the assessment `spasmnav assess` gives --------------------------------------


def test_result_is_the_engine_assessment_of_the_same_findings() -> None:
    state = iv.start("Ночью свело икру, потянула носок на себя — прошло", subject="self")
    state = iv.answer(state, "hx_chronic", ["diabetes", "varicose"])
    a = iv.result(state)
    findings = {
        f: (o.value if o.value is not None else o.present) for f, o in iv.facts(state).items()
    }
    same = get_engine().assess(parse_findings({"findings": findings}))
    for key in ("level", "reasons", "conditions", "red_flags", "tests", "advice", "exercises"):
        assert getattr(a, key) == getattr(same, key), key
    assert a.in_scope == same.in_scope
    assert a.interview is not None and a.interview.asked[0].link_id == "hx_chronic"


def test_with_no_answers_the_result_is_spasmnav_assess_of_the_text() -> None:
    text = "Уже месяц почти каждую ночь сводит икры, растяжка помогает плохо"
    a = iv.result(iv.start(text)).to_dict()
    b = assess_text(text).to_dict()
    for key in b:
        if key != "notes":
            assert a[key] == b[key], key


# --- The fast mirror of the engine and speed -------------------------------------------------

FINDINGS = sorted(get_engine().known_findings())
NUMERIC = {f.id for f in PACK.findings if f.numeric}


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(FINDINGS),
        st.one_of(st.booleans(), st.none(), st.floats(0, 400, allow_nan=False)),
        max_size=20,
    )
)
def test_the_policy_mirror_of_the_engine_agrees_with_it(values: dict[str, Any]) -> None:
    facts: dict[str, Observation] = {}
    for fid, v in values.items():
        if isinstance(v, float):
            facts[fid] = Observation(True, v) if fid in NUMERIC else Observation(True)
        else:
            facts[fid] = Observation(v)
    a = get_engine().assess(facts)
    level, leader = iv._catalog().outcome(facts)
    assert LEVELS[level] == a.level
    assert leader == (a.conditions[0].id if a.conditions else None)


# --- The command line: replay and the interactive loop ---------------------------------------

runner = CliRunner()


def test_replay_answers_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(
        json.dumps(
            {
                "subject": "self",
                "answers": {**CALM, "mv_kind": ["cramp"], "course_flags": ["worse", "sleep"]},
            }
        ),
        encoding="utf-8",
    )
    out = tmp_path / "result.json"
    r = runner.invoke(app, ["interview", "--answers", str(path), "--json", "--save", str(out)])
    assert r.exit_code == 0, r.output
    a = json.loads(r.stdout)
    assert a["triage"]["level"] == "doctor"
    asked = [x["linkId"] for x in a["interview"]["asked"]]
    assert asked[: len(CALM)] == list(CALM) and "mv_kind" in asked
    assert json.loads(out.read_text(encoding="utf-8")) == a
    r = runner.invoke(app, ["interview", "--answers", str(path)])
    assert r.exit_code == 0 and "Заданные вопросы" in r.stdout and "К ВРАЧУ" in r.stdout


def test_replay_emergency_and_bad_files(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(
        json.dumps({"text": "Во время спазма муж потерял сознание", "answers": {}}),
        encoding="utf-8",
    )
    r = runner.invoke(app, ["interview", "--answers", str(path)])
    assert r.exit_code == 0 and "СРОЧНО" in r.stdout
    for content, words in (
        ({"answers": {"elbow": True}}, "неизвестные вопросы"),
        # An old answer file with a question merged into a grouped one (issue 11).
        ({"answers": {"rf_calf": "no"}}, "Вопроса «rf_calf» больше нет"),
        ({"answers": {"hx_dvt_risk": ["bed"]}}, "«course_flags»"),
        ({"answers": {"rf_stroke": ["elbow"]}}, "Нет такого варианта"),
        ({"subject": "cat"}, "subject"),
        ([1, 2], "ожидается объект"),
    ):
        path.write_text(json.dumps(content), encoding="utf-8")
        r = runner.invoke(app, ["interview", "--answers", str(path)])
        assert r.exit_code == 2, r.output
        assert words in r.output
    r = runner.invoke(app, ["interview", "--answers", str(tmp_path / "missing.json")])
    assert r.exit_code == 2 and "файл не найден" in r.output


def test_unknown_is_not_asked_again_and_the_result_says_it_was_not_checked(
    tmp_path: Path,
) -> None:
    state = iv.answer(_calm(iv.start(subject="self")), "mv_kind", ["cramp"])
    state = iv.answer(state, "course_flags", None)
    run = _drive_unknown(state)
    # Duration and frequency are ticks of course_flags: after «Не знаю» to it they are not
    # chased through their own questions; they stay unknown, never absent.
    assert not {"course_duration", "course_frequency"} & set(run.asked)
    assert "persistent_3_weeks" not in iv.facts(run.state)
    record = iv.result(iv.confirm(run.state)).interview
    assert record is not None
    unchecked = record.unchecked
    assert iv.question_text("course_flags", "self") in unchecked
    assert iv.question_text("mv_kind", "self") not in unchecked
    assert len(unchecked) == 1 + len(run.asked)
    path = tmp_path / "a.json"
    answers = {**CALM, "mv_kind": ["cramp"], "course_flags": "unknown"}
    path.write_text(json.dumps({"subject": "self", "answers": answers}), encoding="utf-8")
    r = runner.invoke(app, ["interview", "--answers", str(path)])
    assert r.exit_code == 0, r.output
    assert "Не проверено" in r.stdout and "это не значит, что этого нет" in r.stdout
    r = runner.invoke(app, ["interview", "--answers", str(path), "--json"])
    unchecked_json = json.loads(r.stdout)["interview"]["unchecked"]
    assert iv.question_text("course_flags", "self") in unchecked_json


def test_an_answer_the_earlier_answers_exclude_does_not_make_a_question_worth_asking() -> None:
    state = iv.answer(_calm(iv.start(subject="self")), "mv_kind", ["cramp"])
    # Before «Что из этого верно?», a cramp lasting over 20 minutes is an urgent red flag.
    with_episode = iv.next_step(state)
    assert isinstance(with_episode, iv.QuestionStep)
    assert with_episode.phase == "red_flags"
    assert with_episode.link_id in ("course_flags", "course_episode")
    # «Ничего из этого» there said it does not last and does not persist: «Дольше 20 минут и не
    # отпускает» would contradict it, so «Сколько длится приступ?» is no red flag any more.
    state = iv.answer(state, "course_flags", ["none"])
    run = _drive_unknown(state)
    assert "course_episode" not in run.asked
    assert iv.facts(run.state)["persists_not_resolving"].present is False
    # With «Не знаю» instead, the red flag is still asked in its own words.
    state = iv.answer(state, "course_flags", None)
    step = iv.next_step(state)
    assert isinstance(step, iv.QuestionStep) and step.link_id == "course_episode"
    assert step.phase == "red_flags"


def test_replay_saves_to_the_diary(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"subject": "self", "answers": CALM}), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'diary.sqlite'}"
    r = runner.invoke(app, ["interview", "--answers", str(path), "--save-to-diary", "--db", db])
    assert r.exit_code == 0, r.output
    assert "сохранён в дневник" in r.stdout
    from spasmnav.diary.store import Store

    with Store(db) as store:
        saved = store.latest_assessment(person_id=store.default_person_id())
    assert saved is not None and saved.data["interview"]["questions"] >= len(CALM)


def test_typed_answers_are_parsed_like_a_person_types_them() -> None:
    step = iv.next_step(iv.start(subject="self"))
    assert isinstance(step, iv.QuestionStep) and step.repeats
    assert parse_answer(step, " 1, 3 ") == ["face", "speech"]
    assert parse_answer(step, "0") is None
    for bad in ("abc", "1 99", ""):
        with pytest.raises(ValueError):
            parse_answer(step, bad)
    assert parse_answer(step, "нет") == ["none"]  # a list with «Ничего из этого»


@pytest.mark.parametrize("typed", ["Н", "н", "H", "h", "N", "назад"])
def test_back_is_understood_in_cyrillic_and_in_latin_lookalikes(typed: str) -> None:
    from spasmnav.interview_cli import _Back

    step = iv.next_step(iv.start(subject="self"))
    assert isinstance(step, iv.QuestionStep)
    with pytest.raises(_Back):
        parse_answer(step, typed)


def test_yes_and_no_typed_with_latin_lookalikes() -> None:
    step = iv.question_step(iv.start(subject="self"), "hx_smoking")
    assert step.type == "boolean"
    assert parse_answer(step, "HET") is False  # Latin H, E, T
    assert parse_answer(step, "дa") is True  # a Latin «a»
    assert parse_answer(step, "Да") is True


@pytest.mark.parametrize("typed", ["Н", "н", "H", "h", "назад"])
def test_back_is_typed_with_a_cyrillic_or_a_latin_letter(typed: str) -> None:
    from spasmnav import interview_cli

    step = iv.next_step(iv.start(subject="self"))
    assert isinstance(step, iv.QuestionStep)
    with pytest.raises(interview_cli._Back):
        parse_answer(step, typed)


def test_interactive_loop_with_a_scripted_person(tmp_path: Path) -> None:
    from rich.console import Console

    # subject; a wrong answer; back; subject; «ничего» to the stroke signs, a faint, «ничего»
    # to the grouped emergencies and to the screen for today, no swollen calf; then «не знаю».
    script = ["", "1", "abc", "н", "1", "14", "11", "13", "16", "3"] + ["0"] * 30
    typed = iter(script)
    console = Console(record=True, width=100)
    out = tmp_path / "r.json"
    from spasmnav.interview_cli import Output

    code = run_interactive(console, out=Output(save=out), read=lambda prompt: next(typed, "1"))
    screen = console.export_text()
    assert code == 0
    assert "Ответ не понятен" in screen and "Зачем мы спрашиваем" in screen
    assert "Проверьте ваши ответы" in screen and "Почему такой вывод" in screen
    assert json.loads(out.read_text(encoding="utf-8"))["triage"]["level"] in LEVELS


def test_interactive_ctrl_c_and_end_of_input() -> None:
    from rich.console import Console

    def interrupt(prompt: str) -> str:
        raise KeyboardInterrupt

    def eof(prompt: str) -> str:
        raise EOFError

    console = Console(record=True, width=100)
    assert run_interactive(console, read=interrupt) == 130
    assert "Опрос прерван" in console.export_text()
    assert run_interactive(Console(record=True), read=eof) == 0
