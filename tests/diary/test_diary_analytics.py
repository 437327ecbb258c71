"""The pure statistics: verdicts must follow the data, and say so when data is too thin."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

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
ONE = dt.timedelta(days=1)


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


def test_weekly_partial_weeks_have_counts_not_rates() -> None:
    start = dt.date(2024, 1, 3)  # Wednesday
    days = [DayAggregate(day=start, episodes=5, intensity_sum=20, intensity_n=5)]
    weeks = weekly(days, start=start, end=dt.date(2024, 1, 9), today=dt.date(2024, 1, 9))
    assert [w.start for w in weeks] == [dt.date(2024, 1, 1), dt.date(2024, 1, 8)]
    assert weeks[0].days == 5 and weeks[0].episodes == 5
    assert not weeks[0].complete and weeks[0].rate_per_week is None  # never «7 в неделю»
    assert weeks[0].words == "5 эпизодов за 5 дней (неделя не полная)"
    assert weeks[0].mean_intensity == pytest.approx(4.0)
    assert weeks[1].days == 2 and weeks[1].episodes == 0 and weeks[1].mean_intensity is None
    assert not weeks[1].complete


def test_one_episode_on_a_tuesday_is_one_episode_not_three_and_a_half() -> None:
    # The audit's case: the week of Monday 30.11 has one episode on Tuesday 1.12, today.
    monday, tuesday = dt.date(2026, 11, 30), dt.date(2026, 12, 1)
    days = [DayAggregate(day=tuesday, episodes=1)]
    weeks = weekly(days, start=monday - dt.timedelta(days=7), end=tuesday, today=tuesday)
    last = weeks[-1]
    assert last.start == monday and last.episodes == 1 and last.days == 2
    assert not last.complete and last.rate_per_week is None
    assert "1 эпизод за 2 дня" in last.words
    first = weeks[0]
    assert first.complete and first.rate_per_week == 0.0 and first.days == 7


def test_the_current_week_is_incomplete_even_when_recorded_on_every_day_so_far() -> None:
    monday = dt.date(2024, 1, 1)
    sunday = monday + dt.timedelta(days=6)
    days = [DayAggregate(day=monday + dt.timedelta(days=i), episodes=1) for i in range(7)]
    # Sunday evening: all seven days are in the diary, but the week is not over yet.
    assert not weekly(days, start=monday, end=sunday, today=sunday)[0].complete
    done = weekly(days, start=monday, end=sunday, today=sunday + dt.timedelta(days=1))[0]
    assert done.complete and done.rate_per_week == 7.0 and done.words == "7 эпизодов"


def test_four_episodes_in_two_days_are_not_a_weekly_rate() -> None:
    start = dt.date(2026, 11, 30)
    data = DiaryData(
        days=[DayAggregate(day=start, episodes=2), DayAggregate(day=start + ONE, episodes=2)],
        start=start,
        end=start + ONE,
    )
    a = analyse(data, today=start + ONE)
    assert a.episodes_per_week is None
    assert a.rate_text == "4 эпизода за 2 дня"
    assert "14" not in a.rate_text
    assert all(not w.complete for w in a.weeks)


@given(
    counts=st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=60),
    offset=st.integers(min_value=0, max_value=6),
    lag=st.integers(min_value=0, max_value=10),
)
def test_weeks_add_up_and_only_whole_past_weeks_are_complete(
    counts: list[int], offset: int, lag: int
) -> None:
    start = dt.date(2024, 1, 1) + dt.timedelta(days=offset)
    days = [
        DayAggregate(day=start + dt.timedelta(days=i), episodes=c)
        for i, c in enumerate(counts)
        if c
    ]
    end = start + dt.timedelta(days=len(counts) - 1)
    today = end + dt.timedelta(days=lag)
    weeks = weekly(days, start=start, end=end, today=today)
    assert sum(w.episodes for w in weeks) == sum(counts)
    assert sum(w.days for w in weeks) == len(counts)
    for w in weeks:
        whole = w.days == 7 and w.start + dt.timedelta(days=6) < today
        assert w.complete == whole
        assert (w.rate_per_week is not None) == whole
        if w.rate_per_week is not None:
            assert w.rate_per_week == w.episodes


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


@pytest.mark.parametrize(
    "counts",
    [
        [1] * 42,  # flat: no change
        [0] * 20 + [1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 6, 7, 7, 8, 8, 8, 9, 9, 9, 10, 10],  # rising
        [6, 6, 5, 5, 4, 4, 4, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0],  # falling
    ],
)
def test_plain_words_leave_the_statistics_to_the_details(counts: list[int]) -> None:
    t = trend(_days(counts, intensity=[5.0] * len(counts)), start=START, end=_end(len(counts)))
    freq = t.frequency
    assert freq.verdict != "not_enough_data"
    for jargon in ("ДИ", "p =", "p <", "тау", "×"):
        assert jargon not in freq.plain
    assert "95 % ДИ" in freq.text or "p" in freq.text  # the numbers stay, behind «Подробнее»


def test_trigger_comparison_in_plain_words() -> None:
    n = 60
    coffee = {START + dt.timedelta(days=i) for i in range(0, n, 3)}
    days = [
        DayAggregate(day=START + dt.timedelta(days=i), episodes=3 if d in coffee else 1)
        for i, d in enumerate(START + dt.timedelta(days=k) for k in range(n))
    ]
    notes = {d: frozenset({"caffeine"}) for d in coffee}
    (caffeine,) = trigger_effects(days, start=START, end=_end(n), day_triggers=notes)
    assert caffeine.plain == (
        "«кофеин»: в дни с «кофеин» эпизодов больше, примерно в 3,0 раза, чем в остальные дни."
    )
    assert "95 % ДИ" in caffeine.text and "ДИ" not in caffeine.plain
