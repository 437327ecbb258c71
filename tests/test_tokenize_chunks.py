"""Tokenising chunk by chunk (razdel's answer per run of non-space characters, kept) gives
exactly razdel's tokens over the whole text, with the same analyses and offsets."""

from __future__ import annotations

import razdel
from hypothesis import example, given, settings
from hypothesis import strategies as st

from reference.morph import normalize as reference_normalize
from reference.morph import tokenize as reference_tokenize
from spasmnav.language import morph
from spasmnav.language.morph import normalize, tokenize

# What razdel's rules tell apart: letters of both scripts, digits, every punctuation mark it
# knows, smileys, and white space of several kinds.
_ALPHABET = (
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВЁЯ"
    "abcxyzABCXYZ"
    "0123456789٣"
    "\\/!#$%&*+,.:;<=>?@^_`|~№…‑–—−-«“‘»”’\"„'([}){]"
    "ΔσΣ€°©😀"
    "      \t\n\u00a0\u2009"
)
_PIECES = st.sampled_from(
    [
        "нога",
        "-то",
        "по-моему",
        "24й",
        "2-3",
        "37,5",
        "1/2",
        "5 .5",
        "a -b",
        ":-)",
        ";(((",
        "yahoo!",
        "...",
        "?!",
        "--",
        "**",
        "_x",
        "x_",
        " - ",
        "litso",
        "нoгa",
    ]
)
_TEXTS = st.text(alphabet=_ALPHABET, max_size=60) | st.lists(
    _PIECES | st.text(alphabet=_ALPHABET, max_size=4), max_size=12
).map("".join)


def _razdel_tokens(text: str) -> list[tuple[str, int, int]]:
    return morph._join_ordinals([(t.text, t.start, t.stop) for t in razdel.tokenize(text)])


@settings(max_examples=600, deadline=None)
@given(_TEXTS)
@example("а -то 5 .5 5. 5 x_ _y 1/ /2 —да")
@example("-")
@example("2 ,5")
@example("мне 24й год… :-) нет?!")
def test_chunked_tokens_are_razdels(text: str) -> None:
    plain = text.lower()
    chunked = [(t.text, t.start, t.end) for t in tokenize(plain)]
    assert chunked == _razdel_tokens(plain)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
@example("Nogu svodit, litso perekosilo - uzhe 2-3 dnya")
@example("нoгa 24-й раз")
def test_tokens_are_the_references(text: str) -> None:
    # The same tokens, analyses, punctuation flags and original offsets as the frozen copy.
    assert tokenize(normalize(text)) == reference_tokenize(reference_normalize(text))


def test_a_chunk_read_twice_is_read_from_the_cache_the_same() -> None:
    text = "ногу сводит - уже 2-3 дня, -то"
    first = tokenize(text)
    assert any(key[0] == "2-3" for key in morph._chunks)
    assert tokenize(text) == first == reference_tokenize(text)


def _eval_texts() -> list[str]:
    from test_matcher_equivalence import TEXTS

    return TEXTS


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(_eval_texts()), min_size=1, max_size=3).map(" ".join)
    | _TEXTS
    | st.sampled_from(["Nogu svodit uzhe 2 dnya", "судароги перекасило лицо", "нет отёка -то"])
)
def test_the_readers_scan_is_typos_index_kinds_and_triggers(text: str) -> None:
    # What the reader keeps per chunk gives exactly what the stages say of the whole text.
    from spasmnav.core import default_navigator
    from spasmnav.language.context import may_negate
    from spasmnav.language.lexicon import TokenIndex
    from spasmnav.language.qualifiers import clauses
    from spasmnav.language.quantities import token_kind

    reader = default_navigator().reader
    norm = normalize(text)
    for _ in range(2):  # worked out, then kept
        tokens, index, kinds, negating, sentence_of, clause_of, place = reader._scan(norm)
        expected = reader.lexicon.with_typos(tokenize(norm))
        # the kept tokens stand relative to their chunks; ``place`` puts them in the text
        placed = [
            t._replace(start=place(i, i)[0], end=place(i, i)[1]) for i, t in enumerate(tokens)
        ]
        assert placed == expected
        assert [place(0, i) for i in range(len(tokens))] == [
            (expected[0].start, t.end) for t in expected
        ]
        plain = TokenIndex(expected, reader.vocabulary)
        assert (index.at, index.pos, index.ppos, index.weak) == (
            plain.at,
            plain.pos,
            plain.ppos,
            plain.weak,
        )
        assert kinds == [token_kind(t) for t in expected]
        assert negating == may_negate(expected)
        sentences = [sum(t.ends_sentence for t in expected[:i]) for i in range(len(expected))]
        assert sentence_of == sentences
        assert clause_of == clauses(expected, sentences)


def test_a_word_numbered_later_is_seen_by_the_kept_chunks() -> None:
    import pickle

    from spasmnav.core import default_navigator
    from spasmnav.language.lexicon import _word

    reader = pickle.loads(pickle.dumps(default_navigator().reader))  # its own vocabulary
    text = "сегодня ногу крутит"
    before = reader._scan(text)[1]
    n = reader.vocabulary.number(_word("~крут[иы]т"))  # a word no matcher has
    assert n not in before.pos
    after = reader._scan(text)[1]
    assert after.pos[n] == [2]
