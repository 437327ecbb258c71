"""What is known about findings: the vocabulary shared by the language layer and the engine.

It lives apart from both so that reading text (``language``) never imports the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeAlias

__all__ = ["Facts", "Observation"]


@dataclass(frozen=True, slots=True)
class Observation:
    """What is known about one finding: present, absent (False) or unknown (None), a value."""

    present: bool | None = True
    value: float | None = None
    text: str | None = None
    start: int | None = None
    end: int | None = None
    # How it was said (ConText): "negated", "historical", "hypothetical", "other"; and the
    # words that said so. A qualified mention is not a current finding.
    qualifiers: frozenset[str] = frozenset()
    cues: tuple[str, ...] = ()


Facts: TypeAlias = Mapping[str, Observation]
