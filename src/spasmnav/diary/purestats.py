"""The few statistical tests of a diary's trend, in plain Python (no numpy, no SciPy).

A diary write keeps the clinician's rollup in step, trend included; importing numpy and SciPy
for that would cost a quick entry more than everything else it does. The trend window is at
most ``TREND_WEEKS`` weeks (84 days), so loops over days are cheap. Each function computes
what the SciPy call it replaces computes, by the same method (same tie corrections, same
exact/asymptotic choice, same two-sided rule); ``tests/diary/test_purestats.py`` checks them
against SciPy and numpy on random data.
"""

from __future__ import annotations

import bisect
import itertools
import math
import operator
from collections import Counter
from collections.abc import Sequence

__all__ = ["binom_two_sided_p", "kendall_tau_b", "norm_two_sided_p", "poisson_slope"]

_SQRT2 = math.sqrt(2.0)


def norm_two_sided_p(z: float) -> float:
    """``2 * scipy.stats.norm.sf(abs(z))``."""
    return math.erfc(abs(z) / _SQRT2)


def _solve2(a: float, b: float, d: float, r0: float, r1: float) -> tuple[float, float]:
    """Solve the symmetric 2×2 system [[a, b], [b, d]] · v = (r0, r1)."""
    det = a * d - b * b
    if det == 0.0:
        raise ZeroDivisionError("singular 2×2 system")
    return (d * r0 - b * r1) / det, (a * r1 - b * r0) / det


def poisson_slope(y: Sequence[float], x: Sequence[float]) -> tuple[float, float, float]:
    """Quasi-Poisson log-linear fit y ~ exp(a + b·x) by iteratively reweighted least squares:
    (b, its standard error inflated by the Pearson dispersion, the dispersion)."""
    n = len(y)
    mean = math.fsum(y) / n
    b0, b1 = math.log(max(mean, 1e-9)), 0.0
    # Each sum is an exactly rounded ``math.fsum``, so only its terms matter, not how they are
    # made: elementwise products by ``map`` (a diary write runs this fit), ``m·x·x`` and
    # ``m·x·z`` reusing ``m·x`` as their left-to-right products do, the clamp only when needed.
    exp, fsum = math.exp, math.fsum
    if len(x) != n:
        raise ValueError("poisson_slope needs as many x as y")
    for _ in range(100):
        eta = [b0 + b1 * xi for xi in x]
        if max(eta) > 30.0 or min(eta) < -30.0:
            eta = [min(30.0, max(-30.0, e)) for e in eta]
        mu = list(map(exp, eta))
        z = [e + (yi - m) / m for e, yi, m in zip(eta, y, mu)]  # noqa: B905 - lengths checked
        mx = list(map(operator.mul, mu, x))
        s0, s1 = fsum(mu), fsum(mx)
        s2 = fsum(map(operator.mul, mx, x))
        r0 = fsum(map(operator.mul, mu, z))
        r1 = fsum(map(operator.mul, mx, z))
        n0, n1 = _solve2(s0, s1, s2, r0, r1)
        done = max(abs(n0 - b0), abs(n1 - b1)) < 1e-10
        b0, b1 = n0, n1
        if done:
            break
    mu = [math.exp(min(30.0, max(-30.0, b0 + b1 * xi))) for xi in x]
    dof = max(n - 2, 1)
    pearson = math.fsum((yi - m) ** 2 / m for yi, m in zip(y, mu, strict=True))
    dispersion = max(1.0, pearson / dof)
    s0 = math.fsum(mu)
    s1 = math.fsum(m * xi for m, xi in zip(mu, x, strict=True))
    s2 = math.fsum(m * xi * xi for m, xi in zip(mu, x, strict=True))
    det = s0 * s2 - s1 * s1
    if det == 0.0:
        raise ZeroDivisionError("singular information matrix")
    var_b = s0 / det * dispersion
    return b1, math.sqrt(var_b) if var_b >= 0 else math.nan, dispersion


def _kendall_p_exact(n: int, c: int) -> float:
    """Two-sided exact p-value of Kendall's tau without ties: ``c`` concordant pairs of ``n``
    (Kendall 1970; SciPy's ``_kendall_p_exact``), in exact integer arithmetic."""
    tot = n * (n - 1) // 2
    c = min(c, tot - c)
    if n == 1:
        return 1.0
    if n == 2:
        return 1.0
    if c == 0:
        return 2.0 / math.factorial(n) if n < 171 else 0.0
    if c == 1:
        return 2.0 / math.factorial(n - 1) if n < 172 else 0.0
    if 4 * c == n * (n - 1):
        return 1.0
    # Number of permutations of 1..j with k inversions, k ≤ c (Mahonian numbers).
    new = [0] * (c + 1)
    new[0] = new[1] = 1
    for j in range(3, n + 1):
        run = 0
        for k in range(c + 1):
            run += new[k]
            new[k] = run
        if j <= c:
            before = new[: c + 1 - j]
            for k in range(j, c + 1):
                new[k] -= before[k - j]
    prob = 2 * sum(new) / math.factorial(n)
    return min(1.0, max(0.0, prob))


def kendall_tau_b(x: Sequence[float], y: Sequence[float]) -> tuple[float, float]:
    """Kendall's tau-b of ``y`` against ``x`` and its two-sided p-value, as
    ``scipy.stats.kendalltau(x, y)`` computes them: the exact null distribution when there
    are no ties and at most 33 pairs of values (or at most one discordant pair), otherwise
    the normal approximation with the tie-corrected variance. NaN when either side is
    constant."""
    n = len(x)
    if n == 0 or n != len(y):
        return math.nan, math.nan
    con_minus_dis = 0
    dis = 0
    if all(a < b for a, b in itertools.pairwise(x)):
        # x strictly increasing (days in order, the trend's case): each value against the
        # ones before it, counted in a sorted list, O(n log n).
        seen: list[float] = []
        for k, yj in enumerate(y):
            below = bisect.bisect_left(seen, yj)
            above = k - bisect.bisect_right(seen, yj)
            con_minus_dis += below - above
            dis += above
            bisect.insort(seen, yj)
    else:
        for i in range(n):
            xi, yi = x[i], y[i]
            for j in range(i + 1, n):
                dx, dy = x[j] - xi, y[j] - yi
                if dx == 0 or dy == 0:
                    continue
                if (dx > 0) == (dy > 0):
                    con_minus_dis += 1
                else:
                    con_minus_dis -= 1
                    dis += 1
    # Pairs tied in x and in y (SciPy's ``count_rank_tie``). A pair tied in either counts
    # neither as concordant nor as discordant above, which is SciPy's
    # ``tot - xtie - ytie + ntie - 2 * dis``.
    x_groups = [t for t in Counter(x).values() if t > 1]
    y_groups = [t for t in Counter(y).values() if t > 1]
    xtie = sum(t * (t - 1) // 2 for t in x_groups)
    ytie = sum(t * (t - 1) // 2 for t in y_groups)
    tot = n * (n - 1) // 2
    if xtie == tot or ytie == tot:
        return math.nan, math.nan
    tau = con_minus_dis / math.sqrt(tot - xtie) / math.sqrt(tot - ytie)
    tau = min(1.0, max(-1.0, tau))
    if xtie == 0 and ytie == 0 and (n <= 33 or min(dis, tot - dis) <= 1):
        return tau, _kendall_p_exact(n, tot - dis)
    m = n * (n - 1.0)
    x0 = sum(t * (t - 1.0) * (t - 2) for t in x_groups)
    y0 = sum(t * (t - 1.0) * (t - 2) for t in y_groups)
    x1 = sum(t * (t - 1.0) * (2 * t + 5) for t in x_groups)
    y1 = sum(t * (t - 1.0) * (2 * t + 5) for t in y_groups)
    var = (m * (2 * n + 5) - x1 - y1) / 18 + (2 * xtie * ytie) / m
    if n > 2:
        var += x0 * y0 / (9 * m * (n - 2))
    z = con_minus_dis / math.sqrt(var)
    return tau, norm_two_sided_p(z)


def _binom_logpmf(k: int, n: int, lp: float, lq: float) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) + k * lp + (n - k) * lq


def binom_two_sided_p(k: int, n: int, p: float) -> float:
    """``scipy.stats.binomtest(k, n, p).pvalue`` (two-sided): the probability of every count
    at most as likely as ``k`` (within a relative 1e-7, as SciPy allows)."""
    if not 0 <= k <= n or n < 1 or not 0.0 <= p <= 1.0:
        raise ValueError("binomial test needs 0 ≤ k ≤ n, n ≥ 1 and 0 ≤ p ≤ 1")
    if k == p * n:
        return 1.0
    if p in (0.0, 1.0):
        return 0.0  # k differs from the only possible count
    lp, lq = math.log(p), math.log1p(-p)
    pmf = [math.exp(_binom_logpmf(i, n, lp, lq)) for i in range(n + 1)]
    d = pmf[k] * (1 + 1e-7)
    if k < p * n:
        # This tail (0..k) and, beyond the mode, the counts no more likely than k.
        other = [i for i in range(math.ceil(p * n), n + 1) if pmf[i] <= d]
        total = math.fsum(pmf[: k + 1]) + math.fsum(pmf[min(other) :] if other else [])
    else:
        other = [i for i in range(0, math.floor(p * n) + 1) if pmf[i] <= d]
        total = math.fsum(pmf[k:]) + math.fsum(pmf[: max(other) + 1] if other else [])
    return min(1.0, total)
