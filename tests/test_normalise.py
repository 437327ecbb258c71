"""Spelling and script before lemmas: lookalike letters, transliteration, typos, offsets."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
import rapidfuzz.process
from hypothesis import given, settings
from hypothesis import strategies as st

from spasmnav import understand
from spasmnav.assessing import assess_text
from spasmnav.content import load_pack
from spasmnav.core import default_navigator
from spasmnav.engine import assess
from spasmnav.language.extract import Reader
from spasmnav.language.morph import normalize, tokenize, word_is_known
from spasmnav.language.normalise import _SHORTHAND, Normalised, normalise, transliterate

ROOT = Path(__file__).resolve().parents[1]


def facts(text: str) -> dict[str, bool | None]:
    return {k: v.present for k, v in understand(text).facts.items()}


def red_flags(text: str) -> set[str]:
    return {r["id"] for r in assess_text(text).to_dict()["red_flags"]}


# --- Lookalike letters --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("нoгу cвoдит", "ногу сводит"),  # Latin o, c
        ("пеpекосило лицо", "перекосило лицо"),  # Latin p
        ("CВЕЛО ИКPУ", "свело икру"),  # Latin C, P in capitals
        ("слaбocть в руке", "слабость в руке"),
        ("cлабоcтb", "слабость"),  # b for ь, chosen because the word is then known
        ("Tемпература", "температура"),
    ],
)
def test_latin_lookalikes_in_cyrillic_words_become_cyrillic(text: str, expected: str) -> None:
    n = normalise(text)
    assert n == expected
    assert n.length_preserving  # one letter for one letter


def test_cyrillic_lookalikes_in_a_latin_word_join_its_transliteration() -> None:
    # «nоgu» with a Cyrillic о inside a transliterated text.
    assert normalise("nоgu svodit") == "ногу сводит"


def test_lookalikes_give_the_findings_of_clean_text() -> None:
    assert facts("вдруг лицо пеpекосило и pукa не поднимается") == facts(
        "вдруг лицо перекосило и рука не поднимается"
    )
    assert "stroke_warning_signs" in red_flags("внезапно лицо пеpекосило")


# --- Transliteration ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nogu svodit, litso perekosilo", "ногу сводит, лицо перекосило"),
        ("ne mogu podnyat ruku", "не могу поднять руку"),
        ("sudorogi", "судороги"),
        ("zhena", "жена"),
        ("shcheka onemela", "щека онемела"),
        ("kazhduyu noch pyu magniy", "каждую ночь пью магний"),  # ь left out, «pyu» → «пью»
        ("bol' v noge, ne znayu chto delat", "боль в ноге, не знаю что делать"),
        ("vecherom byla normalnaya", "вечером была нормальная"),  # y → ы, lost ь
        ("ja ne znayu, hochu spat'", "я не знаю, хочу спать"),  # ja → я, h → х
        ("moy muzh, moya noga", "мой муж, моя нога"),  # y → й
        ("eto chto takoe", "это что такое"),
        ("serdtse bystro b'etsya", "сердце быстро бьется"),
        ("yaitso, shchas, tsentr, khochu, mesyac", "яйцо, щас, центр, хочу, месяц"),
        ("noga dergaetsya i dvigayutsya ruki", "нога дергается и двигаются руки"),  # ts → тс
        ("SUDOROGI V NOGE", "судороги в ноге"),
    ],
)
def test_transliterated_russian_becomes_cyrillic(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Post-stroke, левая нога spastic",
        "у меня cramps в икрах после каждой трени, пью BCAA",
        "После leg day ноги трясутся и сводит, это ок?",
        "крампи мучают Magne B6 пропила курс",
        "грыжа L5-S1, ногу сводит",
        "my leg cramps at night and I have pain",
        "принимаю Baclofen и Mydocalm",
    ],
)
def test_latin_that_is_not_translit_stays_latin(text: str) -> None:
    n = normalise(text)
    assert n == text.lower()
    assert n.length_preserving


def test_a_drug_name_in_a_translit_text_does_not_stop_the_rest() -> None:
    n = normalise("nogi svodit kazhduyu noch, pyu magne b6 uzhe mesyac, ne pomogaet")
    assert n.startswith("ноги сводит каждую ночь, пью ")
    assert "b6" in n
    assert n.endswith("уже месяц, не помогает")
    assert facts("nogi svodit kazhduyu noch")["cramp"] is True


def test_the_reading_is_the_cheapest_one_the_dictionary_knows() -> None:
    assert transliterate("noch") == ("ночь", True)  # «ноч» is not a word, «ночь» is
    assert transliterate("byla") == ("была", True)  # y is ы before «і»
    cyr, known = transliterate("perekasilo")  # a typo: no known reading, the plain one
    assert (cyr, known) == ("перекасило", False)


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("nogu svodit, litso perekosilo", "face_droop"),
        ("vnezapno onemela levaya ruka", "arm_weakness"),
        ("babushka ne mozhet podnyat ruku", "arm_weakness"),
        ("ikru svelo noch'yu", "cramp"),
        ("tremor v noge posle insulta", "post_stroke"),
        ("muzh poteryal soznanie", "loss_of_consciousness"),
        ("u papy sudorogi vsego tela", "generalized_convulsions"),
    ],
)
def test_translit_gives_the_findings(text: str, finding: str) -> None:
    assert facts(text).get(finding) is True, facts(text)


def test_translit_emergency_escalates() -> None:
    assert "stroke_warning_signs" in red_flags("vdrug litso perekosilo i ruka ne podnimaetsya")


# --- Offsets: spans slice the original text --------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Ночью свело икру, сознание не терял.",
        "нoгу cвoдит, лицо пеpекосило",  # mixed
        "nogu svodit, litso perekosilo, shcheka onemela",  # translit, lengths change
        "babushka prosnulas a pravaya ruka i noga ne dvigayutsya, noga inogda sama dergaetsya.",
        "Вчера nogu svelo, а сегодня litso perekosilo!",  # both scripts, runs between
        "Post-stroke, левая нога spastic, физиотерапевт говорит нужен баклофен.",
    ],
)
def test_spans_slice_the_original_text(text: str) -> None:
    u = understand(text)
    assert u.matches
    for m in u.matches:
        a, b = m["start"], m["end"]
        assert isinstance(a, int) and isinstance(b, int)
        assert 0 <= a < b <= len(text)
        assert m["text"] == text[a:b]
        # The span starts and ends on a word boundary of the original.
        assert a == 0 or not text[a - 1].isalnum()
        assert b == len(text) or not text[b].isalnum()
    for o in u.facts.values():
        if o.start is not None and o.end is not None:
            assert o.text == text[o.start : o.end]


def test_translit_spans_are_the_original_letters() -> None:
    text = "vchera shcheka onemela, litso perekosilo"
    spans = {m["finding"]: m["text"] for m in understand(text).matches}
    assert spans["face_droop"] in ("litso perekosilo", "perekosilo")
    tokens = tokenize(normalize(text))
    assert [(t.text, text[t.start : t.end]) for t in tokens] == [
        ("вчера", "vchera"),
        ("щека", "shcheka"),
        ("онемела", "onemela"),
        (",", ","),
        ("лицо", "litso"),
        ("перекосило", "perekosilo"),
    ]


def test_plain_cyrillic_is_length_preserving() -> None:
    text = "Ёлки, НОГУ свело — «сильно»!"
    n = normalise(text)
    assert isinstance(n, Normalised) and n.length_preserving
    assert n == "елки, ногу свело — «сильно»!"


# --- Typo tolerance ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("вдруг лицо перекасило", "face_droop"),
        ("нога онимела", "leg_numbness"),
        ("судароги в ногах по ночам", "cramp"),
        ("судорги в ногах", "cramp"),
        ("слабасть в руке", "arm_weakness"),
        ("сегодня спутаный, заговаривается", "confusion"),
        ("litso perekasilo", "face_droop"),  # translit and a typo
    ],
)
def test_one_typo_in_a_long_word_still_matches(text: str, finding: str) -> None:
    assert facts(text).get(finding) is True, facts(text)


def test_a_typo_in_a_red_flag_word_still_escalates() -> None:
    assert "stroke_warning_signs" in red_flags("внезапно перекасило лицо, ногу сводит")


# Known words one letter away from a red-flag word: a known word is never read as a typo.
NEAR_WORDS = [
    ("перед глазами светло, ногу свело", "светло", "loss_of_consciousness"),
    ("сознательно тяну носок, икру свело", "сознательно", "loss_of_consciousness"),
    ("перекусила и ногу свело", "перекусила", "face_droop"),
    ("люблю сладость, ногу сводит", "сладость", "arm_weakness"),
    ("ноги сводит, речка рядом холодная", "речка", "speech_disturbance"),
    ("играю на тромбоне, икру сводит", "тромбоне", "calf_swelling"),
    ("ногу сводит, лежу на кровати", "кровати", "coughing_blood"),
    ("приподнял ногу, её свело", "приподнял", "arm_weakness"),
    ("икру свело, мизинец сгибается", "сгибается", "generalized_convulsions"),
]


@pytest.mark.parametrize(("text", "word", "finding"), NEAR_WORDS)
def test_known_near_words_are_not_typos(text: str, word: str, finding: str) -> None:
    assert finding in {f.id for f in load_pack().findings}
    assert word_is_known(word)
    tokens = tokenize(normalize(text))
    lex = default_navigator().reader.lexicon
    assert all(not lex.typo_lemmas(t) for t in tokens if t.text == word)
    assert facts(text).get(finding) is not True
    strict = {k: v.present for k, v in _strict_reader().read(text).facts.items()}
    assert facts(text) == strict


def test_a_typo_keeps_the_first_letter_and_five_letters() -> None:
    lex = default_navigator().reader.lexicon

    def typo(word: str) -> frozenset[str]:
        (tok,) = tokenize(normalize(word))
        found: frozenset[str] = lex.typo_lemmas(tok)
        return found

    assert "судорога" in typo("судароги")
    assert not typo("вудороги")  # first letter differs
    assert not typo("пина")  # «пена» is four letters: too short to guess
    assert not typo("судороги")  # spelt right


def test_prefixes_take_only_a_vowel_slip() -> None:
    lex = default_navigator().reader.lexicon
    (tok,) = tokenize(normalize("спастичность"))  # «спастик*»: ч for к is not a slip
    assert "спастик" not in lex.typo_lemmas(tok)


@lru_cache(maxsize=1)
def _strict_reader() -> Reader:
    r = Reader(load_pack())
    r.lexicon.typos = False
    return r


def _cases() -> list[dict[str, Any]]:
    files = sorted((ROOT / "tests" / "cases").glob("*.jsonl"))
    for shared in (ROOT.parent / "shared" / "eval", ROOT.parent.parent / "shared" / "eval"):
        if shared.is_dir():
            files += sorted(shared.glob("*.jsonl"))
            break
    out = []
    for f in files:
        for line in f.read_text("utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                if "text" in case and case.get("triage") != "emergency":
                    out.append(case)
    return out


def test_typo_tolerance_adds_no_red_flag_to_a_non_emergency_case() -> None:
    cases = _cases()
    assert len(cases) >= 100
    fuzzy, strict = default_navigator().reader, _strict_reader()
    gained = {}
    for case in cases:
        with_typos = {r.id for r in assess(fuzzy.read(case["text"]).facts).red_flags}
        without = {r.id for r in assess(strict.read(case["text"]).facts).red_flags}
        if with_typos - without:
            gained[case["id"]] = with_typos - without
    assert not gained


def test_negated_red_flag_lines_stay_negated_with_typos() -> None:
    lines = (ROOT / "tests" / "cases" / "negated_red_flags.txt").read_text("utf-8").splitlines()
    for line in filter(None, lines):
        assert not red_flags(line), line


# --- Speed: the fast path does no translit or fuzzy work ---------------------------------------


def test_ordinary_cyrillic_text_takes_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_: object, **__: object) -> None:
        raise AssertionError("fuzzy search on ordinary text")

    monkeypatch.setattr(rapidfuzz.process, "extract", boom)
    text = "После инсульта ногу сводит по ночам, слабости и онемения нет."
    assert normalise(text).length_preserving
    understand(text)  # every word is known: no fuzzy search


def test_typo_search_is_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    lex = default_navigator().reader.lexicon
    (tok,) = tokenize(normalize("перекасилось"))
    first = lex.typo_lemmas(tok)
    monkeypatch.setattr(rapidfuzz.process, "extract", lambda *a, **k: [])
    assert lex.typo_lemmas(tok) == first


_SHORTHAND_PIECES = [
    *sorted(_SHORTHAND),
    "t",
    "т",
    "т-ра",
    "темп.",
    "38",
    "36,6",
    "39.5",
    "42",
    "34",
    " ",
    "  ",
    "а",
    "1",
    "ок",
    "т.",
    ",",
    "-",
    "°",
    "=",
    "\n",
]


@settings(max_examples=3000, deadline=None)
@given(
    st.lists(
        st.sampled_from(_SHORTHAND_PIECES)
        | st.text("абвгдтекмсчнорзяйлп.,- 0123456789t°=:", max_size=2),
        max_size=12,
    ).map("".join)
)
def test_the_shorthand_pattern_finds_what_the_plain_alternation_finds(text: str) -> None:
    # The pattern by first letter is a speed-up of the plain one: the same matches, same places.
    import re

    from spasmnav.language.normalise import _SHORTHAND_PLAIN, _SHORTHAND_RE

    plain = re.compile(_SHORTHAND_PLAIN)
    assert [(m.span(), m.group()) for m in _SHORTHAND_RE.finditer(text)] == [
        (m.span(), m.group()) for m in plain.finditer(text)
    ]


@pytest.mark.parametrize(
    "text",
    [
        "т.к. болит, т. к. ноет, т.е. сводит",
        "t 38,4 и т-ра 39, темп. 37,8, t°=36.6",
        "б-ой 70 лет, б-ая жалуется, лев. нога, пр. рука, ок. 3 сут.",
        "неможет встать, немогу идти, небыло судорог",
        "тридцать шестая неделя, сорок пять лет",
    ],
)
def test_shorthand_in_chart_text_matches_the_plain_alternation(text: str) -> None:
    import re

    from spasmnav.language.normalise import _SHORTHAND_PLAIN, _SHORTHAND_RE

    found = [(m.span(), m.group()) for m in _SHORTHAND_RE.finditer(text)]
    assert found == [(m.span(), m.group()) for m in re.compile(_SHORTHAND_PLAIN).finditer(text)]
    if "тридцать" not in text:
        assert found
