"""The indexed matcher reads exactly what the slow one read (tests/reference, a frozen copy).

Every evaluation text (``../shared/eval``) and every text of ``tests/cases``, and long texts made
by joining different cases: the same findings with their spans, negation, qualifiers and cue
words, the same quantities, the same subject.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reference.extract import Reader as ReferenceReader
from reference.extract import Understanding as ReferenceUnderstanding
from spasmnav.core import default_navigator
from spasmnav.language.extract import Reader, Understanding

REPO = Path(__file__).resolve().parents[1]
SHARED_EVAL = REPO.parent / "shared" / "eval"


def _texts_of(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        text = item.get("text", (item.get("input") or {}).get("text"))
        if isinstance(text, str) and text.strip():
            out.append(text)
    return out


def _all_texts() -> list[str]:
    paths = sorted(SHARED_EVAL.glob("*.jsonl")) + sorted((REPO / "tests" / "cases").glob("*.jsonl"))
    return list(dict.fromkeys(t for p in paths for t in _texts_of(p)))


TEXTS = _all_texts()


@pytest.fixture(scope="module")
def readers() -> tuple[Reader, ReferenceReader]:
    reader = default_navigator().reader
    return reader, ReferenceReader(reader.pack)


def _view(u: Understanding | ReferenceUnderstanding) -> dict[str, Any]:
    return {
        "facts": u.facts,
        "matches": u.matches,
        "subject": u.subject,
        "truncated": u.truncated,
        "notes": u.notes,
    }


def _same(readers: tuple[Reader, ReferenceReader], text: str) -> None:
    new, old = readers
    assert _view(new.read(text)) == _view(old.read(text)), text


def test_the_texts_are_there() -> None:
    # The shared evaluation sets and the project's own cases: hundreds of texts, not a few.
    assert len(TEXTS) >= 500


def test_every_case_reads_the_same(readers: tuple[Reader, ReferenceReader]) -> None:
    new, old = readers
    differ = [t for t in TEXTS if _view(new.read(t)) != _view(old.read(t))]
    assert differ == []


def test_findings_are_really_compared(readers: tuple[Reader, ReferenceReader]) -> None:
    # The comparison is not vacuous: the cases carry findings, qualifiers and quantities.
    new, _ = readers
    read = [new.read(t) for t in TEXTS]
    assert sum(len(u.matches) for u in read) > 3 * len(TEXTS)
    assert any(any(m["qualifiers"] for m in u.matches) for u in read)
    assert any(o.value is not None for u in read for o in u.facts.values())


def _joined(seed: int, chars: int) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    while sum(len(p) + 1 for p in parts) < chars:
        parts.append(rng.choice(TEXTS))
    return " ".join(parts)


@pytest.mark.parametrize("chars", [500, 1500, 4900])
def test_long_joined_texts_read_the_same(
    readers: tuple[Reader, ReferenceReader], chars: int
) -> None:
    for seed in range(3):
        _same(readers, _joined(seed, chars))


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    picks=st.lists(st.integers(min_value=0, max_value=len(TEXTS) - 1), min_size=1, max_size=6),
    glue=st.sampled_from([" ", ", ", ". ", " и ", " а ", "\n", " "]),
    cut=st.integers(min_value=0, max_value=40),
)
def test_joined_and_cut_texts_read_the_same(
    readers: tuple[Reader, ReferenceReader], picks: list[int], glue: str, cut: int
) -> None:
    # Joined without sentence ends (run-on, dictated text) and cut mid-word.
    text = glue.join(TEXTS[i] for i in picks)
    text = text[: max(1, len(text) - cut)]
    if text.strip():
        _same(readers, text)


def test_the_vocabulary_matches_exactly_what_each_word_matches(
    readers: tuple[Reader, ReferenceReader],
) -> None:
    # Every word of every matcher against every distinct token of the cases: the inverted
    # lookup (lemma, exact form, prefix, pattern) gives exactly Word.matches.
    from spasmnav.language.morph import Token, normalize, tokenize

    new, _ = readers
    # The reader's own vocabulary: one read back from the snapshot cache carries its copy, and
    # the process's global one may then be empty.
    vocabulary = new.vocabulary
    tokens: dict[tuple[str, frozenset[str]], Token] = {}
    for text in TEXTS[::3]:
        for tok in new.lexicon.with_typos(tokenize(normalize(text))):
            tokens.setdefault((tok.text, tok.lemmas), tok)
    words = list(enumerate(vocabulary.words))
    assert len(words) > 1000 and len(tokens) > 500
    wrong = []
    for tok in tokens.values():
        full, _ = vocabulary.match(tok)
        expected = {n for n, w in words if w.matches(tok)}
        if set(full) != expected:
            wrong.append((tok.text, set(full) ^ expected))
    assert wrong == []


def _nearest_by_scan(
    plist: list[int], anchor: int, lo: int, hi: int, chosen: list[int]
) -> int | None:
    # The old matcher's loop: the first of the nearest, in order.
    best = None
    for p in plist:
        if p in chosen or not lo <= p < hi:
            continue
        if best is None or abs(p - anchor) < abs(best - anchor):
            best = p
    return best


@given(
    plist=st.lists(st.integers(min_value=0, max_value=60), unique=True).map(sorted),
    anchor=st.integers(min_value=0, max_value=60),
    lo=st.integers(min_value=0, max_value=30),
    span=st.integers(min_value=0, max_value=40),
    extra=st.lists(st.integers(min_value=0, max_value=60), max_size=3),
)
@example(plist=[3, 7], anchor=5, lo=0, span=10, extra=[])  # as near on both sides: the earlier
@example(plist=[3, 4, 7], anchor=5, lo=0, span=10, extra=[4])  # a chosen one is skipped
def test_nearest_by_bisection_is_the_nearest_by_scan(
    plist: list[int], anchor: int, lo: int, span: int, extra: list[int]
) -> None:
    from spasmnav.language.lexicon import _nearest_in

    hi = lo + span
    anchor = min(max(anchor, lo), max(lo, hi - 1))
    chosen = [anchor, *extra]
    assert _nearest_in(plist, anchor, lo, hi, chosen) == _nearest_by_scan(
        plist, anchor, lo, hi, chosen
    )


def _fold_by_character(text: str) -> str:
    out = []
    for ch in text:
        low = ch.lower()
        out.append("е" if low == "ё" else (low if len(low) == 1 else ch))
    return "".join(out)


@given(st.text(max_size=40) | st.text(alphabet="ΣσАаЁёİIiẞß Σ.", max_size=12))
def test_fold_is_character_by_character(text: str) -> None:
    from spasmnav.language.normalise import fold

    assert fold(text) == _fold_by_character(text)
    assert len(fold(text)) == len(text)
