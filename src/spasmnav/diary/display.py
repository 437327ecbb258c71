"""A record in plain Russian words, once for every edge: the web's lists, the terminal's
``diary add`` / ``edit`` / ``delete`` lines and its ``diary list`` table, the ``diary profile``
table and the doctor's report's table of episodes.

The words come from the model's titles (kinds, legs, triggers) and ``wording.duration``; each
edge picks its layout (:attr:`EpisodeView.summary`, :attr:`EpisodeView.line`,
:meth:`EpisodeView.cells`, whose columns each field declares: ``Info.listed``) instead of
re-deriving the words from the record. Any field of any record reads through
:func:`field_words`, from its declaration (``Info.words``, ``Info.minutes``, its type): a
field added to a model is worded without a change here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from .. import wording
from .fields import ListColumn, info, list_columns
from .models import KIND_TITLES, LEG_TITLES, TRIGGER_TITLES, Episode

__all__ = ["LIST_COLUMNS", "EpisodeView", "episode_view", "field_words", "list_cells"]

# The terminal's table of episodes (``spasmnav diary list``), from the episode's
# ``Info.listed`` declarations.
LIST_COLUMNS: tuple[ListColumn, ...] = list_columns(Episode)


@dataclass(frozen=True, slots=True)
class EpisodeView:
    """One episode's words. ``e`` is the record itself (the pages read its time and note)."""

    e: Episode
    kind: str
    leg: str | None
    duration: str | None
    triggers: tuple[str, ...]

    @property
    def summary(self) -> str:
        """The web's words: «судорога (крампи); нога: левая; сила 6 из 10; 2 мин; …»."""
        e = self.e
        parts = [self.kind]
        if self.leg:
            parts.append(f"нога: {self.leg}")
        if e.intensity is not None:
            parts.append(f"сила {e.intensity} из 10")
        if e.duration_seconds and self.duration:
            parts.append(self.duration)
        if self.triggers:
            parts.append("провокаторы: " + ", ".join(self.triggers))
        if e.disturbs_sleep:
            parts.append("мешает спать")
        if e.disturbs_walking:
            parts.append("мешает ходить")
        return "; ".join(parts)

    @property
    def line(self) -> str:
        """The terminal's line: «судорога (крампи), левая нога, икра, сила 6, 2 мин, 01.05…»."""
        e = self.e
        parts = [self.kind]
        if e.leg:
            parts.append(f"{self.leg} нога" if e.leg != "both" else "обе ноги")
        if e.place:
            parts.append(e.place)
        if e.intensity is not None:
            parts.append(f"сила {e.intensity}")
        if self.duration is not None:
            parts.append(self.duration)
        return ", ".join(parts) + f", {e.started_at:%d.%m.%Y %H:%M}"

    def cells(self) -> tuple[str, ...]:
        """The row of the terminal's table (``LIST_COLUMNS``)."""
        return list_cells(self.e, LIST_COLUMNS)


def episode_view(e: Episode) -> EpisodeView:
    return EpisodeView(
        e=e,
        kind=KIND_TITLES.get(e.kind, e.kind),
        leg=LEG_TITLES[e.leg] if e.leg else None,
        duration=None if e.duration_seconds is None else wording.duration(e.duration_seconds),
        triggers=tuple(TRIGGER_TITLES[t] for t in e.triggers),
    )


def field_words(model: type[BaseModel], name: str, value: Any, *, empty: str = "—") -> str:
    """One field's value as a person reads it: codes as their Russian titles (a set of them
    joined by commas), a duration in seconds as «2 мин 30 с», times as «01.05.2024 23:30»,
    yes / no, a list of texts joined by «; »; ``empty`` for nothing."""
    if value is None or value == () or value == []:
        return empty
    meta = info(model.model_fields[name])
    if meta.minutes:
        return wording.duration(value)
    if meta.words is not None:
        codes = value if isinstance(value, tuple | list) else (value,)
        return ", ".join(meta.words.get(str(c), str(c)) for c in codes)
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, dt.datetime):
        return f"{value:%d.%m.%Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, tuple | list):
        return "; ".join(str(v) for v in value)
    return str(value)


def list_cells(record: BaseModel, columns: Sequence[ListColumn]) -> tuple[str, ...]:
    """The row of ``record`` in the terminal's table (``fields.list_columns``): each part's
    words (:func:`field_words`; a yes/no part its mark when yes), joined by «; », «—» for
    nothing."""
    model = type(record)
    cells = []
    for column in columns:
        words = []
        for name, listed in column.parts:
            value = getattr(record, name)
            if listed.mark is not None:
                said = listed.mark if value else ""
            else:
                said = field_words(model, name, value, empty="")
            if said:
                words.append(listed.prefix + said)
        cells.append("; ".join(words) or "—")
    return tuple(cells)
