"""The calendar plan, with exercise-like fixtures (the real pack is covered in the CLI test)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from icalendar import Calendar

from spasmnav.diary.ics import build_plan, parse_times
from spasmnav.diary.models import InputError


@dataclass(frozen=True)
class X:
    id: str
    title: str
    repetitions: str | None = None
    hold_seconds: str | None = None
    sets_per_day: str | None = None
    duration_minutes: str | None = None


EXERCISES = [
    X("knee_flex_extend", "Сгибание в колене", "10–15 раз", "3–5 секунд", "2–3 раза в день"),
    X("band_dorsiflexion", "Носок на себя", "12–15 раз"),
    X("breathing_446", "Дыхание 4-4-6", "5–10 раз", "вдох 4, задержка 4, выдох 6"),
    X("swimming", "Плавание"),
]


def _events(data: bytes) -> list[object]:
    return list(Calendar.from_ical(data).walk("VEVENT"))


def test_plan_events_and_recurrence() -> None:
    data = build_plan(
        EXERCISES,
        session_times=[dt.time(20, 0), dt.time(9, 0)],
        breathing_times=[dt.time(7, 45), dt.time(22, 0)],
        start=dt.date(2024, 3, 4),
        weeks=2,
        stamp=dt.datetime(2024, 3, 1, tzinfo=dt.UTC),
    )
    events = _events(data)
    summaries = [str(e["SUMMARY"]) for e in events]  # type: ignore[index]
    assert summaries == [
        "Упражнения для ног (1-е занятие)",
        "Упражнения для ног (2-е занятие)",
        "Дыхание 4-4-6",
        "Дыхание 4-4-6",
    ]
    first = events[0]
    assert first.decoded("DTSTART") == dt.datetime(2024, 3, 4, 9, 0)  # type: ignore[attr-defined]
    description = str(first["DESCRIPTION"])  # type: ignore[index]
    assert "Сгибание в колене — 10–15 раз; удержание: 3–5 секунд" in description
    assert "Носок на себя" in description and "Плавание" not in description
    assert "103" in description  # when not to exercise
    assert first["RRULE"]["UNTIL"][0] == dt.datetime(2024, 3, 17, 23, 59, 59)  # type: ignore[index]
    assert len({str(e["UID"]) for e in events}) == 4  # type: ignore[index]
    assert all(e.walk("VALARM") for e in events)  # type: ignore[attr-defined]
    # same plan, same calendar: re-importing updates instead of duplicating
    again = build_plan(
        EXERCISES,
        session_times=[dt.time(9, 0), dt.time(20, 0)],
        breathing_times=[dt.time(7, 45), dt.time(22, 0)],
        start=dt.date(2024, 3, 4),
        weeks=2,
        stamp=dt.datetime(2024, 3, 1, tzinfo=dt.UTC),
    )
    assert again == data


def test_plan_limits() -> None:
    with pytest.raises(InputError, match="от 1 до 3"):
        build_plan(
            EXERCISES,
            session_times=[dt.time(h) for h in (8, 12, 16, 20)],
            start=dt.date(2024, 1, 1),
        )
    with pytest.raises(InputError, match="нет упражнений"):
        build_plan([X("swimming", "Плавание")], start=dt.date(2024, 1, 1))
    no_end = _events(build_plan(EXERCISES, start=dt.date(2024, 1, 1)))
    assert "UNTIL" not in no_end[0]["RRULE"]  # type: ignore[index]


def test_parse_times() -> None:
    assert parse_times("20:00, 9.00;14:00 9:00") == [dt.time(9), dt.time(14), dt.time(20)]
    with pytest.raises(InputError, match="«9»"):
        parse_times("9")
    with pytest.raises(InputError, match="ни одного"):
        parse_times(" , ")
