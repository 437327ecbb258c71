"""Diary statistics: pure functions from per-day aggregates to results with Russian verdicts.

Nothing here touches the database: the store computes per-day aggregates in SQL and hands them
over as :class:`DiaryData`, so the arithmetic below loops over days (thousands), never over
episodes (millions).

The statistics, and why:

* **Trend in frequency**: Poisson regression of daily counts on time over the last weeks, with
  the standard error inflated by the Pearson dispersion (quasi-Poisson) because episodes cluster
  in bad days. The result is a weekly rate ratio with a 95 % confidence interval.
* **Trend in intensity**: the Mann–Kendall test (Kendall's tau of the daily mean intensity
  against time), which needs no assumption about the shape of the change.
* **Triggers and before/after**: rate ratios of episodes per day between two groups of days,
  with the same dispersion-inflated Wald interval on the log scale (0.5 added to empty cells).
* Every comparison has a minimum-data rule and says «недостаточно данных» instead of guessing.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from .. import wording
from ..lazy import lazy_module
from .models import KIND_TITLES, TRIGGER_TITLES, TRIGGERS, Profile

# SciPy takes about a second to import: only a test of a trend needs it. NumPy (a few tenths
# of a second) only an analysis: the web app imports this module at start.
stats = lazy_module("scipy.stats")
if TYPE_CHECKING:
    import numpy as np
else:
    np = lazy_module("numpy")

__all__ = [
    "KIND_FINDINGS",
    "Adherence",
    "Analysis",
    "DayAggregate",
    "DiaryData",
    "FrequencyTrend",
    "IntensityTrend",
    "RateComparison",
    "Trend",
    "WeekStat",
    "adherence",
    "analyse",
    "before_after",
    "count_words",
    "diary_findings",
    "fmt_number",
    "symptom_duration_days",
    "trend",
    "trigger_effects",
    "weekly",
]

ALPHA = 0.05
Z95 = 1.959963984540054
TREND_WEEKS = 12
MIN_TREND_DAYS = 21
MIN_TREND_EPISODES = 8
MIN_INTENSITY_RATINGS = 8
MIN_INTENSITY_DAYS = 6
MIN_GROUP_DAYS = 5
MIN_BEFORE_AFTER_DAYS = 7
MIN_COMPARISON_EPISODES = 10
SESSION_GAP = dt.timedelta(minutes=60)
RUN_GAP_DAYS = 30
PERSISTENCE_DAYS = 14  # the seed's «2–3 weeks», read at its cautious end

# Diary episode kinds → the engine's finding ids.
KIND_FINDINGS: dict[str, str] = {
    "twitch": "twitching",
    "cramp": "cramp",
    "spasm": "spasm",
    "tremor": "tremor",
    "stiffness": "stiffness",
}


def fmt_number(x: float, digits: int = 2) -> str:
    """Russian number format (Babel): decimal comma."""
    return wording.number(x, digits)


def _last_weeks(n: int) -> str:
    """«за последнюю неделю», «за последние 4 недели», «за последние 21 неделю» (accusative)."""
    if n == 1:
        return "за последнюю неделю"
    form = wording.word(n, "неделя")
    return f"за последние {n} {'неделю' if form == 'неделя' else form}"


def _plural(n: int, one: str, few: str, many: str) -> str:
    """«1 день», «2 дня», «5 дней»: the Russian plural of ``n``."""
    if n % 10 == 1 and n % 100 != 11:
        return f"{n} {one}"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return f"{n} {few}"
    return f"{n} {many}"


def count_words(episodes: int, days: int) -> str:
    """«4 эпизода за 2 дня»: a count over the days it was counted in, never extrapolated."""
    return (
        f"{_plural(episodes, 'эпизод', 'эпизода', 'эпизодов')} за "
        f"{_plural(days, 'день', 'дня', 'дней')}"
    )


def _fmt_p(p: float) -> str:
    return "p < 0,001" if p < 0.001 else f"p = {fmt_number(p, 3)}"


@dataclass(frozen=True, slots=True)
class DayAggregate:
    """One calendar day with at least one episode, as the store's SQL aggregates give it."""

    day: dt.date
    episodes: int
    intensity_sum: int = 0
    intensity_n: int = 0
    sleep: int = 0
    walking: int = 0
    triggers: Mapping[str, int] = field(default_factory=dict)
    kinds: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DiaryData:
    """Everything the analysis needs about one person, already aggregated."""

    days: Sequence[DayAggregate]
    start: dt.date | None
    end: dt.date | None
    day_triggers: Mapping[dt.date, frozenset[str]] = field(default_factory=dict)
    session_times: Sequence[dt.datetime] = ()
    profile: Profile | None = None


@dataclass(frozen=True, slots=True)
class WeekStat:
    """One calendar week (Monday first). ``days`` is how many of its days the diary covers;
    a week is ``complete`` when the diary covers all seven and the week is over. Only a
    complete week has a rate per week (its count); a partial one has its count and its days,
    so one episode on a Tuesday is «1 эпизод за 2 дня», never «3,5 в неделю»."""

    start: dt.date
    days: int
    episodes: int
    rate_per_week: float | None
    mean_intensity: float | None
    complete: bool = True

    @property
    def words(self) -> str:
        if self.complete:
            return _plural(self.episodes, "эпизод", "эпизода", "эпизодов")
        return f"{count_words(self.episodes, self.days)} (неделя не полная)"


@dataclass(frozen=True, slots=True)
class FrequencyTrend:
    verdict: Literal["more_frequent", "fewer", "no_change", "not_enough_data"]
    text: str
    days: int
    episodes: int
    weekly_ratio: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None
    # The same verdict in plain words, without the statistics (``text`` keeps the numbers,
    # shown behind «Подробнее»); empty when ``text`` is plain already.
    summary: str = ""

    @property
    def plain(self) -> str:
        return self.summary or self.text


@dataclass(frozen=True, slots=True)
class IntensityTrend:
    verdict: Literal["stronger", "weaker", "no_change", "not_enough_data"]
    text: str
    ratings: int
    tau: float | None = None
    p_value: float | None = None
    summary: str = ""

    @property
    def plain(self) -> str:
        return self.summary or self.text


@dataclass(frozen=True, slots=True)
class Trend:
    frequency: FrequencyTrend
    intensity: IntensityTrend
    start: dt.date | None
    end: dt.date | None

    @property
    def worsening(self) -> bool:
        return self.frequency.verdict == "more_frequent" or self.intensity.verdict == "stronger"

    @property
    def verdict(self) -> str:
        """One word for the whole trend, worst news first."""
        if self.frequency.verdict == "more_frequent":
            return "more_frequent"
        if self.intensity.verdict == "stronger":
            return "stronger"
        if self.frequency.verdict == "fewer":
            return "fewer"
        if self.frequency.verdict == "not_enough_data":
            return "not_enough_data"
        return "no_change"

    @property
    def title(self) -> str:
        return {
            "more_frequent": "эпизоды учащаются",
            "stronger": "эпизоды становятся сильнее",
            "fewer": "эпизодов становится меньше",
            "no_change": "явных изменений нет",
            "not_enough_data": "пока недостаточно данных",
        }[self.verdict]


@dataclass(frozen=True, slots=True)
class RateComparison:
    """Episodes per day on one group of days against another."""

    label: str
    verdict: Literal["higher", "lower", "no_clear_difference", "not_enough_data"]
    text: str
    days_with: int
    episodes_with: int
    days_without: int
    episodes_without: int
    ratio: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    key: str = ""
    mean_intensity_with: float | None = None
    mean_intensity_without: float | None = None
    summary: str = ""

    @property
    def plain(self) -> str:
        return self.summary or self.text

    @property
    def rate_with(self) -> float | None:
        return self.episodes_with / self.days_with if self.days_with else None

    @property
    def rate_without(self) -> float | None:
        return self.episodes_without / self.days_without if self.days_without else None


@dataclass(frozen=True, slots=True)
class Adherence:
    verdict: Literal["on_plan", "below_plan", "no_sessions"]
    text: str
    days: int
    sessions: int
    days_on_target: int
    target_min: int
    target_max: int
    start: dt.date | None = None

    @property
    def mean_per_day(self) -> float:
        return self.sessions / self.days if self.days else 0.0

    @property
    def share_on_target(self) -> float:
        return self.days_on_target / self.days if self.days else 0.0


@dataclass(frozen=True, slots=True)
class Analysis:
    start: dt.date | None
    end: dt.date | None
    days_observed: int
    total_episodes: int
    mean_intensity: float | None
    sleep_episodes: int
    walking_episodes: int
    kinds: Mapping[str, int]
    weeks: Sequence[WeekStat]
    trend: Trend
    triggers: Sequence[RateComparison]
    before_after: RateComparison | None
    adherence: Adherence
    duration_days: int | None
    findings: Mapping[str, bool | float]
    triggers_note: str | None = None

    @property
    def episodes_per_week(self) -> float | None:
        """The mean weekly rate, only over at least a week of diary (shorter is not a rate)."""
        if self.days_observed < 7:
            return None
        return self.total_episodes / self.days_observed * 7

    @property
    def rate_text(self) -> str:
        """«в среднем 3,5 эпизода в неделю (49 эпизодов за 98 дней)», or under a week just
        «4 эпизода за 2 дня»: rates said over the days actually recorded."""
        counted = count_words(self.total_episodes, self.days_observed)
        rate = self.episodes_per_week
        if rate is None:
            return counted
        return f"в среднем {fmt_number(rate, 1)} в неделю ({counted})"


def _daily_counts(days: Iterable[DayAggregate], start: dt.date, end: dt.date) -> np.ndarray:
    n = (end - start).days + 1
    y = np.zeros(max(n, 0), dtype=float)
    for d in days:
        i = (d.day - start).days
        if 0 <= i < n:
            y[i] += d.episodes
    return y


def weekly(
    days: Sequence[DayAggregate],
    *,
    start: dt.date,
    end: dt.date,
    today: dt.date | None = None,
) -> list[WeekStat]:
    """Calendar weeks (Monday first) from start to end, with their counts.

    A week the diary covers only in part (the first one, the last one, the current one that
    is not over by ``today``) is marked incomplete and has no rate: its count stands with
    its days."""
    if end < start:
        return []
    out: list[WeekStat] = []
    by_day = {d.day: d for d in days}
    week = start - dt.timedelta(days=start.weekday())
    while week <= end:
        lo, hi = max(week, start), min(week + dt.timedelta(days=6), end)
        n_days = (hi - lo).days + 1
        count = i_sum = i_n = 0
        for k in range(n_days):
            d = by_day.get(lo + dt.timedelta(days=k))
            if d is not None:
                count += d.episodes
                i_sum += d.intensity_sum
                i_n += d.intensity_n
        over = today is None or week + dt.timedelta(days=6) < today
        complete = n_days == 7 and over
        out.append(
            WeekStat(
                start=week,
                days=n_days,
                episodes=count,
                rate_per_week=float(count) if complete else None,
                mean_intensity=i_sum / i_n if i_n else None,
                complete=complete,
            )
        )
        week += dt.timedelta(days=7)
    return out


def _poisson_slope(y: np.ndarray, x: np.ndarray) -> tuple[float, float, float]:
    """Quasi-Poisson log-linear fit y ~ exp(a + b·x): (b, its standard error, dispersion)."""
    design = np.column_stack([np.ones_like(x), x])
    beta = np.array([math.log(max(y.mean(), 1e-9)), 0.0])
    for _ in range(100):
        eta = np.clip(design @ beta, -30.0, 30.0)
        mu = np.exp(eta)
        z = eta + (y - mu) / mu
        xtw = design.T * mu
        new = np.linalg.solve(xtw @ design, xtw @ z)
        if np.max(np.abs(new - beta)) < 1e-10:
            beta = new
            break
        beta = new
    mu = np.exp(np.clip(design @ beta, -30.0, 30.0))
    dof = max(len(y) - 2, 1)
    dispersion = max(1.0, float(np.sum((y - mu) ** 2 / mu)) / dof)
    cov = np.linalg.inv((design.T * mu) @ design) * dispersion
    return float(beta[1]), float(math.sqrt(cov[1, 1])), dispersion


def trend(days: Sequence[DayAggregate], *, start: dt.date | None, end: dt.date | None) -> Trend:
    """Is it getting more frequent or stronger over the last ``TREND_WEEKS`` weeks?"""
    if start is None or end is None or end < start:
        return Trend(
            FrequencyTrend("not_enough_data", "Пока нет записей об эпизодах.", 0, 0),
            IntensityTrend("not_enough_data", "Пока нет оценок силы эпизодов.", 0),
            start,
            end,
        )
    lo = max(start, end - dt.timedelta(days=TREND_WEEKS * 7 - 1))
    window = [d for d in days if lo <= d.day <= end]
    n_days = (end - lo).days + 1
    weeks_text = _last_weeks(n_days // 7) if n_days >= 7 else f"за {wording.count(n_days, 'день')}"
    return Trend(
        _frequency_trend(window, lo, end, n_days, weeks_text),
        _intensity_trend(window, lo, weeks_text),
        lo,
        end,
    )


MAX_LOG_RATE = 20.0  # beyond e^20 per week a rate ratio is not an estimate but a separation


def _frequency_trend(
    window: Sequence[DayAggregate], lo: dt.date, end: dt.date, n_days: int, weeks_text: str
) -> FrequencyTrend:
    total = sum(d.episodes for d in window)
    if n_days < MIN_TREND_DAYS or total < MIN_TREND_EPISODES:
        return FrequencyTrend(
            "not_enough_data",
            f"Недостаточно данных для вывода о частоте: нужно не меньше "
            f"{wording.count(MIN_TREND_DAYS, 'день', case='gent')} дневника и "
            f"{wording.count(MIN_TREND_EPISODES, 'эпизод', case='gent')} (сейчас "
            f"{wording.count(n_days, 'день')}, {wording.count(total, 'эпизод')}).",
            n_days,
            total,
        )
    y = _daily_counts(window, lo, end)
    x = np.arange(n_days, dtype=float) / 7.0
    slope, se, _ = _poisson_slope(y, x)
    if not (math.isfinite(slope) and math.isfinite(se)) or abs(slope) + Z95 * se > MAX_LOG_RATE:
        # Separation (e.g. every episode in the last days): the regression has no finite
        # estimate. An exact test of the two halves still answers the question honestly.
        return _halves_trend(y, n_days, total, weeks_text)
    ratio = math.exp(slope)
    ci_low, ci_high = math.exp(slope - Z95 * se), math.exp(slope + Z95 * se)
    p = float(2 * stats.norm.sf(abs(slope / se))) if se > 0 else 1.0
    stat = (
        f"в среднем ×{fmt_number(ratio)} за неделю (95 % ДИ {fmt_number(ci_low)}–"
        f"{fmt_number(ci_high)}; {_fmt_p(p)}) {weeks_text}"
    )
    if p < ALPHA and ratio > 1:
        return FrequencyTrend(
            "more_frequent",
            f"Эпизоды учащаются: {stat}.",
            n_days,
            total,
            ratio,
            ci_low,
            ci_high,
            p,
            f"Эпизоды стали чаще {weeks_text}: с каждой неделей их примерно на "
            f"{round((ratio - 1) * 100)} % больше.",
        )
    if p < ALPHA and ratio < 1:
        return FrequencyTrend(
            "fewer",
            f"Эпизодов становится меньше: {stat}.",
            n_days,
            total,
            ratio,
            ci_low,
            ci_high,
            p,
            f"Эпизодов становится меньше {weeks_text}: с каждой неделей примерно на "
            f"{round((1 - ratio) * 100)} % меньше.",
        )
    return FrequencyTrend(
        "no_change",
        f"Явного изменения частоты нет: {stat}.",
        n_days,
        total,
        ratio,
        ci_low,
        ci_high,
        p,
        f"Частота эпизодов {weeks_text} заметно не изменилась.",
    )


def _halves_trend(y: np.ndarray, n_days: int, total: int, weeks_text: str) -> FrequencyTrend:
    """Episodes in the second half of the window against the first: under no change, the
    count in the second half is binomial with p = its share of the days (an exact test)."""
    half = n_days // 2
    first, second = int(y[:half].sum()), int(y[half:].sum())
    share = (n_days - half) / n_days
    p = float(stats.binomtest(second, total, share).pvalue)
    stat = (
        f"в первой половине периода {wording.count(first, 'эпизод')}, во второй "
        f"{wording.count(second, 'эпизод')} ({_fmt_p(p)}) {weeks_text}"
    )
    halves = f"в первой половине — {first}, во второй — {second}"
    if p < ALPHA and second / total > share:
        return FrequencyTrend(
            "more_frequent",
            f"Эпизоды резко участились: {stat}.",
            n_days,
            total,
            p_value=p,
            summary=f"Эпизоды резко участились {weeks_text} ({halves}).",
        )
    if p < ALPHA:
        return FrequencyTrend(
            "fewer",
            f"Эпизодов стало резко меньше: {stat}.",
            n_days,
            total,
            p_value=p,
            summary=f"Эпизодов стало резко меньше {weeks_text} ({halves}).",
        )
    return FrequencyTrend(
        "no_change",
        f"Явного изменения частоты нет: {stat}.",
        n_days,
        total,
        p_value=p,
        summary=f"Частота эпизодов {weeks_text} заметно не изменилась ({halves}).",
    )


def _intensity_trend(
    window: Sequence[DayAggregate], lo: dt.date, weeks_text: str
) -> IntensityTrend:
    rated = [d for d in window if d.intensity_n > 0]
    ratings = sum(d.intensity_n for d in rated)
    span = (rated[-1].day - rated[0].day).days if rated else 0
    if ratings < MIN_INTENSITY_RATINGS or len(rated) < MIN_INTENSITY_DAYS or span < 14:
        return IntensityTrend(
            "not_enough_data",
            f"Недостаточно оценок силы для вывода: нужно не меньше "
            f"{wording.count(MIN_INTENSITY_RATINGS, 'оценка', case='gent')}, сделанных в "
            f"разные дни (хотя бы {wording.count(MIN_INTENSITY_DAYS, 'день')}), за две недели "
            f"и больше (сейчас {wording.count(ratings, 'оценка')}, дней с оценкой: "
            f"{len(rated)}).",
            ratings,
        )
    x = np.array([(d.day - lo).days for d in rated], dtype=float)
    y = np.array([d.intensity_sum / d.intensity_n for d in rated], dtype=float)
    if np.ptp(y) == 0:
        return IntensityTrend(
            "no_change", f"Сила эпизодов не меняется {weeks_text}.", ratings, 0.0, 1.0
        )
    res = stats.kendalltau(x, y)
    tau, p = float(res.statistic), float(res.pvalue)
    stat = f"тау Кендалла {fmt_number(tau)}, {_fmt_p(p)}, {weeks_text}"
    if p < ALPHA and tau > 0:
        return IntensityTrend(
            "stronger",
            f"Эпизоды становятся сильнее ({stat}).",
            ratings,
            tau,
            p,
            f"Эпизоды становятся сильнее {weeks_text}.",
        )
    if p < ALPHA and tau < 0:
        return IntensityTrend(
            "weaker",
            f"Эпизоды становятся слабее ({stat}).",
            ratings,
            tau,
            p,
            f"Эпизоды становятся слабее {weeks_text}.",
        )
    return IntensityTrend(
        "no_change",
        f"Явного изменения силы нет ({stat}).",
        ratings,
        tau,
        p,
        f"Сила эпизодов {weeks_text} заметно не изменилась.",
    )


def _dispersion(y: np.ndarray, groups: np.ndarray) -> float:
    """Pearson dispersion of daily counts around their group means (at least 1)."""
    resid = 0.0
    for g in (True, False):
        part = y[groups == g]
        if len(part) and part.mean() > 0:
            resid += float(np.sum((part - part.mean()) ** 2) / part.mean())
    dof = max(len(y) - 2, 1)
    return max(1.0, resid / dof)


def _compare(
    y: np.ndarray,
    flags: np.ndarray,
    *,
    label: str,
    key: str,
    min_days: int,
    phrase_with: str,
    phrase_without: str,
    need_text: str,
    intensity: tuple[float | None, float | None] = (None, None),
) -> RateComparison:
    d1, d0 = int(flags.sum()), int((~flags).sum())
    e1, e0 = int(y[flags].sum()), int(y[~flags].sum())
    base = dict(
        label=label,
        key=key,
        days_with=d1,
        episodes_with=e1,
        days_without=d0,
        episodes_without=e0,
        mean_intensity_with=intensity[0],
        mean_intensity_without=intensity[1],
    )
    if d1 < min_days or d0 < min_days or e1 + e0 < MIN_COMPARISON_EPISODES:
        return RateComparison(
            verdict="not_enough_data",
            text=(
                f"{label}: недостаточно данных — {need_text} "
                f"(сейчас дней: {d1} {phrase_with}, {d0} {phrase_without}; эпизодов: {e1 + e0})."
            ),
            **base,  # type: ignore[arg-type]
        )
    phi = _dispersion(y, flags)
    a1 = e1 if e1 > 0 and e0 > 0 else e1 + 0.5
    a0 = e0 if e1 > 0 and e0 > 0 else e0 + 0.5
    log_rr = math.log((a1 / d1) / (a0 / d0))
    se = math.sqrt(phi * (1 / a1 + 1 / a0))
    rr = math.exp(log_rr)
    lo, hi = math.exp(log_rr - Z95 * se), math.exp(log_rr + Z95 * se)
    ci = f"95 % ДИ {fmt_number(lo)}–{fmt_number(hi)}"
    rates = (
        f"{wording.count(e1 / d1, 'эпизод', digits=2)} в день {phrase_with} против "
        f"{fmt_number(e0 / d0)} "
        f"{phrase_without}"
    )
    if lo > 1:
        verdict: Literal["higher", "lower", "no_clear_difference"] = "higher"
        text = f"{label}: эпизодов больше в {fmt_number(rr)} раза ({ci}); {rates}."
        summary = (
            f"{label}: {phrase_with} эпизодов больше, примерно в {fmt_number(rr, 1)} раза, "
            f"чем {phrase_without}."
        )
    elif hi < 1:
        verdict = "lower"
        text = f"{label}: эпизодов меньше — отношение {fmt_number(rr)} ({ci}); {rates}."
        summary = f"{label}: {phrase_with} эпизодов меньше, чем {phrase_without}."
    else:
        verdict = "no_clear_difference"
        text = f"{label}: явной разницы нет — отношение {fmt_number(rr)} ({ci}); {rates}."
        summary = f"{label}: явной разницы не видно."
    return RateComparison(
        verdict=verdict,
        text=text,
        ratio=rr,
        ci_low=lo,
        ci_high=hi,
        summary=summary,
        **base,  # type: ignore[arg-type]
    )


def trigger_effects(
    days: Sequence[DayAggregate],
    *,
    start: dt.date | None,
    end: dt.date | None,
    day_triggers: Mapping[dt.date, frozenset[str]] | None = None,
) -> list[RateComparison]:
    """Episodes per day on days with each trigger against days without it."""
    if start is None or end is None or end < start:
        return []
    day_triggers = day_triggers or {}
    y = _daily_counts(days, start, end)
    n = len(y)
    out: list[RateComparison] = []
    for trig in TRIGGERS:
        flags = np.zeros(n, dtype=bool)
        for d in days:
            i = (d.day - start).days
            if 0 <= i < n and d.triggers.get(trig, 0) > 0:
                flags[i] = True
        for day, trigs in day_triggers.items():
            i = (day - start).days
            if 0 <= i < n and trig in trigs:
                flags[i] = True
        if not flags.any():
            continue
        title = TRIGGER_TITLES[trig]
        out.append(
            _compare(
                y,
                flags,
                label=f"«{title}»",
                key=trig,
                min_days=MIN_GROUP_DAYS,
                phrase_with=f"в дни с «{title}»",
                phrase_without="в остальные дни",
                need_text=(
                    f"нужно хотя бы {wording.count(MIN_GROUP_DAYS, 'день')} с этим провокатором, "
                    f"{MIN_GROUP_DAYS} без него и "
                    f"{wording.count(MIN_COMPARISON_EPISODES, 'эпизод')}"
                ),
            )
        )
    return out


def before_after(
    days: Sequence[DayAggregate],
    *,
    start: dt.date | None,
    end: dt.date | None,
    change: dt.date,
    label: str = "изменения",
) -> RateComparison:
    """Episode rate from ``change`` on (``after``) against before it, with a 95 % interval."""
    title = f"До и после {label} ({change:%d.%m.%Y})"
    if start is None or end is None or end < start:
        return RateComparison(
            label=title,
            verdict="not_enough_data",
            text=f"{title}: пока нет записей.",
            days_with=0,
            episodes_with=0,
            days_without=0,
            episodes_without=0,
            key="before_after",
        )
    y = _daily_counts(days, start, end)
    dates = [start + dt.timedelta(days=i) for i in range(len(y))]
    after = np.array([d >= change for d in dates], dtype=bool)
    sums = {True: [0, 0], False: [0, 0]}
    for d in days:
        if start <= d.day <= end:
            side = sums[d.day >= change]
            side[0] += d.intensity_sum
            side[1] += d.intensity_n
    mean_after = sums[True][0] / sums[True][1] if sums[True][1] else None
    mean_before = sums[False][0] / sums[False][1] if sums[False][1] else None
    return _compare(
        y,
        after,
        label=title,
        key="before_after",
        min_days=MIN_BEFORE_AFTER_DAYS,
        phrase_with="после",
        phrase_without="до",
        need_text=(
            f"нужно хотя бы {wording.count(MIN_BEFORE_AFTER_DAYS, 'день')} дневника до и после "
            f"даты и {wording.count(MIN_COMPARISON_EPISODES, 'эпизод')}"
        ),
        intensity=(mean_after, mean_before),
    )


def adherence(
    session_times: Sequence[dt.datetime],
    *,
    end: dt.date | None,
    target_min: int = 2,
    target_max: int = 3,
) -> Adherence:
    """Exercise sessions a day against the plan (2–3), from the first recorded session on.

    Exercises recorded within an hour of a session's first one belong to that session.
    """
    times = sorted(session_times)
    if not times or end is None:
        return Adherence(
            "no_sessions",
            f"Занятия упражнениями пока не записаны (план — {target_min}–{target_max} раза в "
            "день).",
            0,
            0,
            0,
            target_min,
            target_max,
        )
    begin = times[0].date()
    end = max(end, times[-1].date())
    per_day: dict[dt.date, int] = {}
    session_start: dt.datetime | None = None
    for t in times:
        if (
            session_start is None
            or t.date() != session_start.date()
            or t - session_start >= SESSION_GAP
        ):
            session_start = t
            per_day[t.date()] = per_day.get(t.date(), 0) + 1
    days = (end - begin).days + 1
    sessions = sum(per_day.values())
    on_target = sum(1 for c in per_day.values() if c >= target_min)
    mean = sessions / days
    verdict: Literal["on_plan", "below_plan"] = (
        "on_plan" if on_target / days >= 0.8 else "below_plan"
    )
    text = (
        f"Упражнения: в среднем {wording.count(mean, 'занятие', digits=1)} в день (план — "
        f"{target_min}–{target_max}); план выполнен в {on_target} из "
        f"{wording.count(days, 'день', case='gent')} "
        f"({round(100 * on_target / days)} %)."
    )
    return Adherence(verdict, text, days, sessions, on_target, target_min, target_max, begin)


def symptom_duration_days(days: Sequence[DayAggregate]) -> int | None:
    """Days from the first to the last episode of the current run of symptoms.

    A gap of more than ``RUN_GAP_DAYS`` days without episodes ends a run, so a cramp two years
    ago does not make today's twitching "persistent".
    """
    episode_days = sorted(d.day for d in days if d.episodes > 0)
    if not episode_days:
        return None
    first = episode_days[-1]
    for prev in reversed(episode_days[:-1]):
        if (first - prev).days > RUN_GAP_DAYS:
            break
        first = prev
    return (episode_days[-1] - first).days


def diary_findings(
    *,
    days: Sequence[DayAggregate],
    trend: Trend | None,
    profile: Profile | None,
    today: dt.date,
) -> dict[str, bool | float]:
    """What the diary and profile tell the engine, as its finding ids.

    Only what the diary actually shows is reported: a trend with too little data says nothing,
    and sleep or walking is reported only when an episode was marked as disturbing it.
    """
    out: dict[str, bool | float] = {}
    if trend is not None and trend.frequency.verdict != "not_enough_data":
        out["symptoms_worsening"] = trend.worsening
    elif trend is not None and trend.intensity.verdict == "stronger":
        out["symptoms_worsening"] = True
    duration = symptom_duration_days(days)
    if duration is not None:
        out["symptom_duration_days"] = float(duration)
    if any(d.sleep for d in days):
        out["interferes_sleep"] = True
    if any(d.walking for d in days):
        out["interferes_walking"] = True
    for kind, finding in KIND_FINDINGS.items():
        if any(d.kinds.get(kind, 0) for d in days):
            out[finding] = True
    if profile is not None:
        if profile.stroke_date is not None:
            out["post_stroke"] = True
        for name in ("diabetes", "thyroid_surgery", "pregnancy", "diuretics"):
            value = getattr(profile, name)
            if value is not None:
                out[name] = bool(value)
        if profile.birth_year is not None:
            out["age"] = float(today.year - profile.birth_year)
    return out


def analyse(
    data: DiaryData,
    *,
    today: dt.date,
    change_date: dt.date | None = None,
    change_label: str = "изменения",
    sessions_target: tuple[int, int] = (2, 3),
) -> Analysis:
    """The whole picture for one person: what ``trends``, the report and the web show."""
    days = [d for d in data.days if d.episodes > 0]
    start, end = data.start, data.end
    n_days = (end - start).days + 1 if start and end and end >= start else 0
    total = sum(d.episodes for d in days)
    i_n = sum(d.intensity_n for d in days)
    kinds: dict[str, int] = {k: 0 for k in KIND_TITLES}
    for d in days:
        for k, c in d.kinds.items():
            kinds[k] = kinds.get(k, 0) + c
    tr = trend(days, start=start, end=end)
    effects = trigger_effects(days, start=start, end=end, day_triggers=data.day_triggers)
    note = None
    if effects and not data.day_triggers:
        note = (
            "Провокаторы отмечены только в дни с эпизодами, поэтому связь может казаться "
            "сильнее, чем есть. Отмечайте их и в спокойные дни: «Как прошёл день» в дневнике."
        )
    return Analysis(
        start=start,
        end=end,
        days_observed=n_days,
        total_episodes=total,
        mean_intensity=sum(d.intensity_sum for d in days) / i_n if i_n else None,
        sleep_episodes=sum(d.sleep for d in days),
        walking_episodes=sum(d.walking for d in days),
        kinds=kinds,
        weeks=weekly(days, start=start, end=end, today=today) if start and end else [],
        trend=tr,
        triggers=effects,
        before_after=(
            before_after(days, start=start, end=end, change=change_date, label=change_label)
            if change_date is not None
            else None
        ),
        adherence=adherence(
            data.session_times,
            end=end,
            target_min=sessions_target[0],
            target_max=sessions_target[1],
        ),
        duration_days=symptom_duration_days(days),
        findings=diary_findings(days=days, trend=tr, profile=data.profile, today=today),
        triggers_note=note,
    )
