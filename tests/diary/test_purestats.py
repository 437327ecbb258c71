"""The plain-Python trend tests agree with SciPy and numpy, the libraries they replace on the
write path (the trend was computed with them until the clinic's rollup needed it on every
write)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from spasmnav.diary.analytics import MAX_LOG_RATE, Z95
from spasmnav.diary.purestats import (
    binom_two_sided_p,
    kendall_tau_b,
    norm_two_sided_p,
    poisson_slope,
)


def _numpy_poisson_slope(y: np.ndarray, x: np.ndarray) -> tuple[float, float, float]:
    """The numpy fit the trend used before (verbatim), the reference."""
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


def _close(a: float, b: float, rel: float = 1e-9, abs_: float = 1e-12) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


@settings(deadline=None)
@given(st.floats(min_value=-40, max_value=40, allow_nan=False))
def test_normal_two_sided_p(z: float) -> None:
    assert _close(norm_two_sided_p(z), float(2 * stats.norm.sf(abs(z))), abs_=1e-300)


# Days of a window (distinct, increasing) and a mean intensity on each: ratings 0–10 averaged
# over one to three episodes, so ties are common, as in a diary.
_days = st.lists(st.integers(0, 83), min_size=2, max_size=84, unique=True).map(sorted)


@st.composite
def _intensity_series(draw: st.DrawFn) -> tuple[list[float], list[float]]:
    days = draw(_days)
    means = [
        draw(st.integers(0, 10 * k)) / k for k in draw(st.lists(st.integers(1, 3), min_size=1))
    ]
    y = [
        draw(st.sampled_from(means))
        if draw(st.booleans())
        else draw(st.floats(0, 10, allow_nan=False))
        for _ in days
    ]
    return [float(d) for d in days], y


@settings(max_examples=400, deadline=None)
@given(_intensity_series())
def test_kendall_tau_b_is_scipys(series: tuple[list[float], list[float]]) -> None:
    x, y = series
    tau, p = kendall_tau_b(x, y)
    ref = stats.kendalltau(np.array(x), np.array(y))
    if math.isnan(float(ref.statistic)):
        assert math.isnan(tau) and math.isnan(p)
        return
    assert _close(tau, float(ref.statistic))
    assert _close(p, float(ref.pvalue))


@pytest.mark.parametrize("n", [3, 10, 33, 34, 60])
def test_kendall_without_ties_exact_and_asymptotic(n: int) -> None:
    """Both of SciPy's methods: exact up to 33 values without ties, asymptotic beyond."""
    rng = np.random.default_rng(n)
    for _ in range(20):
        x = list(map(float, range(n)))
        y = [float(v) for v in rng.permutation(n) + rng.normal(0, 0.1, n)]
        ref = stats.kendalltau(x, y)
        tau, p = kendall_tau_b(x, y)
        assert _close(tau, float(ref.statistic)) and _close(p, float(ref.pvalue))
    # A perfect order: the exact method whatever n (at most one discordant pair).
    ref = stats.kendalltau(list(range(n)), list(range(n)))
    assert _close(kendall_tau_b(list(range(n)), list(range(n)))[1], float(ref.pvalue), abs_=1e-300)


@settings(max_examples=400, deadline=None)
@given(
    st.integers(1, 600).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n))),
    st.integers(21, 84).flatmap(lambda d: st.just((d - d // 2) / d)),
)
def test_binomial_two_sided_p_is_scipys(nk: tuple[int, int], share: float) -> None:
    n, k = nk
    assert _close(
        binom_two_sided_p(k, n, share),
        float(stats.binomtest(k, n, share).pvalue),
        rel=1e-7,
        abs_=1e-250,
    )


def test_binomial_rejects_impossible_counts() -> None:
    with pytest.raises(ValueError):
        binom_two_sided_p(5, 4, 0.5)


@st.composite
def _daily_counts(draw: st.DrawFn) -> list[float]:
    n = draw(st.integers(21, 84))
    base = draw(st.floats(0.05, 6))
    slope = draw(st.floats(-0.4, 0.4))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    return [float(rng.poisson(base * math.exp(slope * i / 7))) for i in range(n)]


@settings(max_examples=300, deadline=None)
@given(_daily_counts())
def test_poisson_slope_is_the_numpy_fit(y: list[float]) -> None:
    if sum(y) == 0:
        return
    x = [i / 7.0 for i in range(len(y))]
    slope, se, phi = poisson_slope(y, x)
    r_slope, r_se, r_phi = _numpy_poisson_slope(np.array(y), np.array(x))
    if abs(r_slope) + Z95 * r_se > MAX_LOG_RATE:
        # Separation (all episodes at one end): no finite estimate, so the trend takes the
        # exact test of the two halves instead; the plain fit must see the same.
        assert abs(slope) + Z95 * se > MAX_LOG_RATE
        return
    assert _close(slope, r_slope, rel=1e-7, abs_=1e-9)
    assert _close(se, r_se, rel=1e-7) and _close(phi, r_phi, rel=1e-7)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), min_size=2, max_size=40).filter(
        lambda pairs: len({a for a, _ in pairs}) > 1 and len({b for _, b in pairs}) > 1
    )
)
def test_kendall_tau_b_with_ties_in_both_and_any_order(pairs: list[tuple[int, int]]) -> None:
    """The general case (x unsorted, tied, jointly tied pairs), beyond the trend's days."""
    x = [float(a) for a, _ in pairs]
    y = [float(b) for _, b in pairs]
    tau, p = kendall_tau_b(x, y)
    ref = stats.kendalltau(np.array(x), np.array(y))
    assert _close(tau, float(ref.statistic)) and _close(p, float(ref.pvalue))
