"""Russian free text to findings: lemmas, lexicon, negation, quantities."""

from .extract import MAX_TEXT_CHARS, TextError, Understanding, understand

__all__ = ["MAX_TEXT_CHARS", "TextError", "Understanding", "understand"]
