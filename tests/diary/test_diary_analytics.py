"""The pure statistics: verdicts must follow the data, and say so when data is too thin."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from spasmnav.diary.analytics import (
    DayAggregate,
    DiaryData,
    adherence,
    analyse,
    before_after,
    diary_findings,
    symptom_duration_days,
    trend,
    trigger_effects,
    weekly,
)
from spasmnav.diary.models import Profile

START = dt.date(2024, 1, 1)  # a Monday


def _days(
    counts: list[int], *, intensity: list[float] | None = None, **extra: object
) -> list[DayAggregate]:
    out = []
    for i, c in enumerate(counts):
        if c == 0:
            continue
        i_sum = round((intensity[i] if intensity else 0) * c)
        out.append(
            DayAggregate(
                day=START + dt.timedelta(days=i),
                episodes=c,
                intensity_sum=i_sum if intensity else 0,
                intensity_n=c if intensity else 0,
                kinds={"cramp": c},
                **extra,  # type: ignore[arg-type]
            )
        )
    return out


def _end(n: int) -> dt.date:
    return START + dt.timedelta(days=n - 1)


def test_rising_rate_is_more_frequent() -> None:
    rng = np.random.default_rng(1)
    n = 70
    counts = [int(x) for x in rng.poisson(np.linspace(0.3, 3.0, n))]
    t = trend(_days(counts), start=START, end=_end(n))
    assert t.frequency.verdict == "more_frequent"
    assert t.frequency.weekly_ratio is not None and t.frequency.weekly_ratio > 1
    assert t.frequency.ci_low is not None and t.frequency.ci_low > 1
    assert t.frequency.p_value is not None and t.frequency.p_value < 0.05
    assert t.worsening and t.verdict == "more_frequent"
    assert "учащаются" in t.frequency.text and "95 % ДИ" in t.frequency.text


def test_falling_rate_is_fewer() -> None:
    rng = np.random.default_rng(2)
    n = 70
    counts = [int(x) for x in rng.poisson(np.linspace(3.0, 0.3, n))]
    t = trend(_days(counts), start=START, end=_end(n))
    assert t.frequency.verdict == "fewer"
    assert not t.worsening and t.verdict == "fewer"


def test_steady_rate_is_no_clear_change() -> None:
    rng = np.random.default_rng(3)
    n = 70
    counts = [int(x) for x in rng.poisson(1.5, n)]
    t = trend(_days(counts), start=START, end=_end(n))
    assert t.frequency.verdict == "no_change"
    assert t.frequency.ci_low is not None and t.frequency.ci_low < 1 < (t.frequency.ci_high or 0)


def test_overdispersion_widens_the_interval() -> None:
    """Bursty days (same total, same trend) must not look more certain than steady ones."""
    steady = [2] * 42
    bursty = [0, 0, 0, 0, 0, 0, 14] * 6
    a = trend(_days(steady), start=START, end=_end(42)).frequency
    b = trend(_days(bursty), start=START, end=_end(42)).frequency
    assert a.ci_low and a.ci_high and b.ci_low and b.ci_high
    # Log-scale widths: the bursty series gets a far wider (quasi-Poisson) interval.
    assert math.log(b.ci_high / b.ci_low) > 2 * math.log(a.ci_high / a.ci_low)


@pytest.mark.parametrize(
    ("counts", "why"),
    [([1] * 14, "too few days"), ([0] * 27 + [7], "too few episodes")],
)
def test_not_enough_data(counts: list[int], why: str) -> None:
    t = trend(_days(counts), start=START, end=_end(len(counts)))
    assert t.frequency.verdict == "not_enough_data", why
    assert t.verdict == "not_enough_data"
    assert "Недостаточно данных" in t.frequency.text


def test_no_episodes_at_all() -> None:
    t = trend([], start=None, end=None)
    assert t.frequency.verdict == "not_enough_data"
    assert t.intensity.verdict == "not_enough_data"


def test_intensity_rising_is_stronger() -> None:
    n = 42
    counts = [1] * n
    intensity = [2 + 6 * i / n for i in range(n)]
    t = trend(_days(counts, intensity=intensity), start=START, end=_end(n))
    assert t.frequency.verdict == "no_change"
    assert t.intensity.verdict == "stronger"
    assert t.worsening and t.verdict == "stronger"
    assert t.intensity.tau is not None and t.intensity.tau > 0.5


def test_trend_uses_recent_weeks_only() -> None:
    # A big rise long ago, then flat for 12 weeks: the recent verdict is "no change".
    counts = [0] * 30 + [5] * 10 + [2] * 84
    t = trend(_days(counts), start=START, end=_end(len(counts)))
    assert t.start == _end(len(counts)) - dt.timedelta(days=83)
    assert t.frequency.verdict == "no_change"


def test_weekly_partial_weeks_are_rated_per_seven_days() -> None:
    start = dt.date(2024, 1, 3)  # Wednesday
    days = [DayAggregate(day=start, episodes=5, intensity_sum=20, intensity_n=5)]
    weeks = weekly(days, start=start, end=dt.date(2024, 1, 9))
    assert [w.start for w in weeks] == [dt.date(2024, 1, 1), dt.date(2024, 1, 8)]
    assert weeks[0].days == 5 and weeks[0].episodes == 5
    assert weeks[0].rate_per_week == pytest.approx(7.0)
    assert weeks[0].mean_intensity == pytest.approx(4.0)
    assert weeks[1].days == 2 and weeks[1].episodes == 0 and weeks[1].mean_intensity is None


def test_trigger_with_real_effect() -> None:
    # Coffee on every third day triples the rate; coffee is noted in day notes too.
    n = 60
    coffee = {START + dt.timedelta(days=i) for i in range(0, n, 3)}
    days = [
        DayAggregate(day=START + dt.timedelta(days=i), episodes=3 if d in coffee else 1)
        for i, d in enumerate(START + dt.timedelta(days=k) for k in range(n))
    ]
    notes = {d: frozenset({"caffeine"}) for d in coffee}
    notes[START + dt.timedelta(days=1)] = frozenset({"cold"})
    effects = {
        e.key: e for e in trigger_effects(days, start=START, end=_end(n), day_triggers=notes)
    }
    caffeine = effects["caffeine"]
    assert caffeine.verdict == "higher"
    assert caffeine.days_with == 20 and caffeine.days_without == 40
    assert caffeine.ratio == pytest.approx(3.0)
    assert caffeine.ci_low is not None and caffeine.ci_low > 1
    assert effects["cold"].verdict == "not_enough_data"  # one day is not evidence


def test_trigger_without_effect() -> None:
    rng = np.random.default_rng(5)
    n = 90
    counts = rng.poisson(1.0, n)
    days = [
        DayAggregate(day=START + dt.timedelta(days=i), episodes=int(c))
        for i, c in enumerate(counts)
        if c
    ]
    notes = {START + dt.timedelta(days=i): frozenset({"stress"}) for i in range(0, n, 2)}
    (stress,) = trigger_effects(days, start=START, end=_end(n), day_triggers=notes)
    assert stress.verdict == "no_clear_difference"
    assert stress.ci_low is not None and stress.ci_low < 1 < (stress.ci_high or 0)


def test_before_after_drop() -> None:
    counts = [3] * 30 + [1] * 30
    days = _days(counts, intensity=[6.0] * 30 + [3.0] * 30)
    change = START + dt.timedelta(days=30)
    ba = before_after(days, start=START, end=_end(60), change=change, label="ботулотоксина")
    assert ba.verdict == "lower"
    assert ba.ratio == pytest.approx(1 / 3)
    assert ba.ci_high is not None and ba.ci_high < 1
    assert ba.mean_intensity_without == pytest.approx(6.0)
    assert ba.mean_intensity_with == pytest.approx(3.0)
    assert "ботулотоксина" in ba.text


def test_before_after_needs_days_on_both_sides() -> None:
    days = _days([2] * 30)
    ba = before_after(days, start=START, end=_end(30), change=_end(28))
    assert ba.verdict == "not_enough_data"
    assert ba.ratio is None


def test_adherence_counts_sessions_not_exercises() -> None:
    day1 = dt.datetime(2024, 1, 1)
    times = [
        day1.replace(hour=9),
        day1.replace(hour=9, minute=10),  # same session
        day1.replace(hour=14),
        day1.replace(hour=20),
        day1.replace(hour=9) + dt.timedelta(days=1),
    ]
    a = adherence(times, end=dt.date(2024, 1, 2))
    assert a.sessions == 4 and a.days == 2 and a.days_on_target == 1
    assert a.mean_per_day == pytest.approx(2.0)
    assert a.verdict == "below_plan"
    assert adherence([], end=None).verdict == "no_sessions"


def test_symptom_duration_uses_current_run() -> None:
    days = [
        DayAggregate(day=dt.date(2023, 1, 1), episodes=1),
        DayAggregate(day=dt.date(2024, 1, 1), episodes=1),
        DayAggregate(day=dt.date(2024, 1, 20), episodes=1),
        DayAggregate(day=dt.date(2024, 2, 10), episodes=2),
    ]
    assert symptom_duration_days(days) == 40
    assert symptom_duration_days([]) is None


def test_diary_findings_mapping() -> None:
    rng = np.random.default_rng(1)
    counts = [int(x) for x in rng.poisson(np.linspace(0.3, 3.0, 70))]
    days = _days(counts, sleep=1)
    days.append(DayAggregate(day=_end(71), episodes=1, walking=1, kinds={"twitch": 1}))
    t = trend(days, start=START, end=_end(71))
    profile = Profile(birth_year=1950, stroke_date=dt.date(2023, 5, 1), diabetes=False)
    f = diary_findings(days=days, trend=t, profile=profile, today=dt.date(2024, 6, 1))
    assert f["symptoms_worsening"] is True
    assert f["symptom_duration_days"] >= 21
    assert f["interferes_sleep"] is True and f["interferes_walking"] is True
    assert f["cramp"] is True and f["twitching"] is True and "tremor" not in f
    assert f["post_stroke"] is True and f["diabetes"] is False and "pregnancy" not in f
    assert f["age"] == 74.0


def test_diary_findings_say_nothing_without_data() -> None:
    days = _days([1, 1])
    t = trend(days, start=START, end=_end(2))
    f = diary_findings(days=days, trend=t, profile=None, today=START)
    assert "symptoms_worsening" not in f
    assert "interferes_sleep" not in f and "post_stroke" not in f
    assert f == {"symptom_duration_days": 1.0, "cramp": True}


def test_analyse_whole_picture() -> None:
    days = _days([1, 0, 2, 0, 3], intensity=[4, 0, 5, 0, 6], triggers={"stress": 1})
    data = DiaryData(days=days, start=START, end=_end(7))
    a = analyse(data, today=_end(7), change_date=START + dt.timedelta(days=3))
    assert a.total_episodes == 6 and a.days_observed == 7
    assert a.episodes_per_week == pytest.approx(6.0)
    assert a.mean_intensity == pytest.approx((4 + 10 + 18) / 6)
    assert a.kinds["cramp"] == 6
    assert a.before_after is not None and a.before_after.verdict == "not_enough_data"
    assert a.triggers and a.triggers_note is not None  # stress known only on episode days


def test_separated_data_gives_an_exact_verdict_not_an_overflow() -> None:
    # Every episode at the end of the window: the Poisson slope has no finite estimate.
    import datetime as _dt

    from spasmnav.diary.analytics import DayAggregate, trend

    today = _dt.date(2026, 11, 23)
    days = [
        DayAggregate(day=today - _dt.timedelta(days=30), episodes=1),
        DayAggregate(day=today, episodes=50),
    ]
    t = trend(days, start=today - _dt.timedelta(days=30), end=today)
    assert t.frequency.verdict == "more_frequent"
    assert t.frequency.p_value is not None and t.frequency.p_value < 0.05
