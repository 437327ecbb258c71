"""Diary findings fed into the real engine raise the advice to a doctor visit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from spasmnav.diary.analytics import DayAggregate, diary_findings, trend
from spasmnav.diary.feedback import assess_diary
from spasmnav.diary.models import Profile

RANK = {"self_care": 0, "doctor": 1, "urgent": 2, "emergency": 3}


@pytest.fixture(autouse=True)
def _engine() -> None:
    try:
        from spasmnav.engine import get_engine

        get_engine()
    except Exception as exc:  # the engine and pack are written by others, maybe mid-change
        pytest.skip(f"движок недоступен: {exc}")


def _days(counts: list[int], **kw: Any) -> list[DayAggregate]:
    start = dt.date(2024, 1, 1)
    return [
        DayAggregate(day=start + dt.timedelta(days=i), episodes=c, kinds={"cramp": c}, **kw)
        for i, c in enumerate(counts)
        if c
    ]


def test_worsening_diary_raises_to_a_doctor() -> None:
    rng = np.random.default_rng(1)
    days = _days([int(x) for x in rng.poisson(np.linspace(0.3, 3.0, 70))])
    t = trend(days, start=days[0].day, end=days[-1].day)
    findings = diary_findings(days=days, trend=t, profile=Profile(), today=days[-1].day)
    assert findings["symptoms_worsening"] is True
    view = assess_diary(findings)
    assert view is not None
    assert RANK[view.level] >= RANK["doctor"]


def test_sleep_disturbance_raises_to_a_doctor() -> None:
    days = _days([1, 0, 1], sleep=1)
    findings = diary_findings(days=days, trend=None, profile=None, today=days[-1].day)
    view = assess_diary(findings)
    assert view is not None and RANK[view.level] >= RANK["doctor"]


def test_unknown_findings_do_not_break_the_diary() -> None:
    view = assess_diary({"cramp": True, "no_such_finding_anywhere": True})
    assert view is not None and view.level == "self_care"
