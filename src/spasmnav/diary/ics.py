"""The exercise and breathing plan as recurring calendar events (iCalendar), so a phone reminds.

Times are floating local times: 09:00 stays 09:00 wherever the phone is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from icalendar import Event

from .models import InputError

__all__ = [
    "BREATHING_EXERCISE",
    "DEFAULT_BREATHING_TIMES",
    "DEFAULT_SESSION_TIMES",
    "SESSION_EXERCISES",
    "ExerciseLike",
    "build_plan",
    "parse_times",
]

# The stretching and strengthening set, done together 2–3 times a day (seed
# 000_de109bda9b594b97.txt, "Упражнения"); breathing 4-4-6 morning and evening.
SESSION_EXERCISES = (
    "knee_flex_extend",
    "slow_leg_bending_lying",
    "straight_leg_raise",
    "isometric_heel_press",
    "band_dorsiflexion",
)
BREATHING_EXERCISE = "breathing_446"
DEFAULT_SESSION_TIMES = (dt.time(9, 0), dt.time(14, 0), dt.time(19, 0))
DEFAULT_BREATHING_TIMES = (dt.time(8, 0), dt.time(21, 30))
PRODID = "-//SpasmNav//Plan//RU"


class ExerciseLike(Protocol):
    """What the plan needs from a content-pack exercise."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def repetitions(self) -> str | None: ...
    @property
    def hold_seconds(self) -> str | None: ...
    @property
    def sets_per_day(self) -> str | None: ...
    @property
    def duration_minutes(self) -> str | None: ...


def parse_times(text: str) -> list[dt.time]:
    """``"09:00,14:00,20:00"`` → times, sorted, each once; InputError on anything else."""
    out: set[dt.time] = set()
    problems = []
    for part in (p.strip() for p in re.split(r"[,;\s]+", text) if p.strip()):
        m = re.fullmatch(r"(\d{1,2})[:.](\d{2})", part)
        if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
            problems.append(f"время «{part}»: не удалось понять; нужно ЧЧ:ММ, например 09:00")
            continue
        out.add(dt.time(int(m.group(1)), int(m.group(2))))
    if problems:
        raise InputError(problems)
    if not out:
        raise InputError(["не указано ни одного времени"])
    return sorted(out)


def _details(x: ExerciseLike) -> str:
    from ..presenter import EXERCISE_LABELS  # the assessment's presenter: not for `diary add`

    parts = [
        p
        for p in (
            x.repetitions,
            x.hold_seconds and f"{EXERCISE_LABELS['hold_seconds'].lower()}: {x.hold_seconds}",
            x.duration_minutes,
        )
        if p
    ]
    return f"• {x.title}" + (f" — {'; '.join(parts)}" if parts else "")


def _uid(kind: str, at: dt.time) -> str:
    digest = hashlib.sha1(f"{kind}-{at:%H%M}".encode()).hexdigest()[:16]
    return f"spasmnav-{kind}-{at:%H%M}-{digest}@spasmnav"


def _event(
    *,
    kind: str,
    summary: str,
    description: str,
    start: dt.date,
    at: dt.time,
    minutes: int,
    until: dt.date | None,
    stamp: dt.datetime,
) -> Event:
    from icalendar import Alarm, Event  # imported when a plan is built, not by every command

    event = Event()
    event.add("uid", _uid(kind, at))
    event.add("dtstamp", stamp)
    begin = dt.datetime.combine(start, at)
    event.add("dtstart", begin)
    event.add("dtend", begin + dt.timedelta(minutes=minutes))
    event.add("summary", summary)
    event.add("description", description)
    rule: dict[str, object] = {"freq": "daily"}
    if until is not None:
        rule["until"] = dt.datetime.combine(until, dt.time(23, 59, 59))
    event.add("rrule", rule)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", dt.timedelta(minutes=0))
    event.add_component(alarm)
    return event


def build_plan(
    exercises: Sequence[ExerciseLike],
    *,
    session_times: Sequence[dt.time] = DEFAULT_SESSION_TIMES,
    breathing_times: Sequence[dt.time] = DEFAULT_BREATHING_TIMES,
    start: dt.date,
    weeks: int | None = None,
    stamp: dt.datetime | None = None,
) -> bytes:
    """An .ics calendar: one daily event per session time and per breathing time."""
    if not 1 <= len(session_times) <= 3:
        raise InputError(["занятий в день должно быть от 1 до 3 (источник советует 2–3)"])
    if weeks is not None and weeks < 1:
        raise InputError(["число недель должно быть не меньше 1"])
    by_id = {x.id: x for x in exercises}
    session = [by_id[i] for i in SESSION_EXERCISES if i in by_id]
    breathing = by_id.get(BREATHING_EXERCISE)
    if not session and breathing is None:
        raise InputError(["в наборе упражнений нет упражнений для плана"])
    until = start + dt.timedelta(weeks=weeks) - dt.timedelta(days=1) if weeks else None
    stamp = stamp or dt.datetime.now(dt.UTC).replace(microsecond=0)
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "SpasmNav: упражнения")
    caution = (
        "Делайте медленно, без боли. Если нога внезапно отекла, покраснела, стала холодной "
        "или появилась слабость, перекос лица, нарушение речи — не делайте упражнения, "
        "звоните 103 или 112."
    )
    if session:
        text = "\n".join(_details(x) for x in session)
        for i, at in enumerate(sorted(session_times), start=1):
            cal.add_component(
                _event(
                    kind="exercises",
                    summary=f"Упражнения для ног ({i}-е занятие)",
                    description=f"{text}\n\n{caution}",
                    start=start,
                    at=at,
                    minutes=20,
                    until=until,
                    stamp=stamp,
                )
            )
    if breathing is not None:
        for at in sorted(breathing_times):
            cal.add_component(
                _event(
                    kind="breathing",
                    summary="Дыхание 4-4-6",
                    description=_details(breathing),
                    start=start,
                    at=at,
                    minutes=5,
                    until=until,
                    stamp=stamp,
                )
            )
    return bytes(cal.to_ical())
