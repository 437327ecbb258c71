"""Russian free text to findings: lemmas, lexicon, negation, quantities.

A :class:`Reader` is built for one pack (a :class:`spasmnav.core.Navigator` owns one); this
package never imports the engine.
"""

from .extract import MAX_TEXT_CHARS, Reader, TextError, Understanding

__all__ = ["MAX_TEXT_CHARS", "Reader", "TextError", "Understanding"]
