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
