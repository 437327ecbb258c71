"""``wording.number`` formats numbers below a thousand without Babel's pattern machinery (a
diary write formats a few numbers of its trend); the text must be exactly Babel's."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal
from hypothesis import example, given, settings
from hypothesis import strategies as st

from spasmnav import wording


def _babel(x: float | int, digits: int, group: bool) -> str:
    frac = "." + "0" * digits if digits else ""
    return str(format_decimal(x, format=("#,##0" if group else "0") + frac, locale=wording.LOCALE))


def _babel_decimal(x: float | int, digits: int) -> Decimal:
    pattern = "0." + "0" * digits if digits else "0"
    return Decimal(format_decimal(x, format=pattern, locale="en"))


def _outcome(f: Callable[[], Any]) -> tuple[str, Any]:
    """What ``f`` gives, or the exception it raises (Babel cannot quantize some huge values;
    the fast path must not change that either)."""
    try:
        return "value", f()
    except Exception as exc:  # compared, not hidden
        return "raises", type(exc)


_numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1001, max_value=1001),
    # Halves and other ties at the rounding digit, where the rounding rule shows.
    st.integers(-200_000, 200_000).map(lambda n: n / 200),
    st.integers(-(10**30), 10**30),
    st.integers(-1100, 1100),
)


@settings(max_examples=3000, deadline=None)
@given(x=_numbers, digits=st.integers(0, 8), group=st.booleans())
@example(x=2.675, digits=2, group=True)  # the shortest decimal form rounds up; the binary not
@example(x=0.125, digits=2, group=True)  # a tie: half to even
@example(x=-0.0, digits=2, group=True)
@example(x=-0.001, digits=2, group=False)
@example(x=999.996, digits=2, group=True)  # rounds to a thousand: grouped
@example(x=999.5, digits=0, group=False)
@example(x=5e-324, digits=6, group=True)
@example(x=1e16, digits=0, group=True)
def test_number_is_babels(x: float | int, digits: int, group: bool) -> None:
    got = _outcome(lambda: wording.number(x, digits, group=group))
    assert got == _outcome(lambda: _babel(x, digits, group))


@settings(max_examples=2000, deadline=None)
@given(x=_numbers.filter(lambda v: v == v and abs(v) != float("inf")), digits=st.integers(0, 8))
@example(x=-0.0, digits=0)
@example(x=2.5, digits=0)
def test_the_rounded_value_of_counts_is_babels(x: float | int, digits: int) -> None:
    got = _outcome(lambda: str(wording._decimal(x, digits)))
    assert got == _outcome(lambda: str(_babel_decimal(x, digits)))


def test_counts_read_as_before() -> None:
    assert wording.count(21, "день") == "21 день"
    assert wording.count(2.5, "день", digits=1) == "2,5 дня"
    assert wording.count(1.0, "день", digits=1) == "1,0 дня"
    assert wording.number(1234.5, 1) == "1\u00a0234,5"
    # Rounded as written (12.345, half to even), not as stored in binary (12.3449999…).
    assert wording.number(12.345, 2) == "12,34"
    assert wording.number(2.675, 2) == "2,68"
