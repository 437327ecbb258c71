"""Benchmark of free text: real texts, an honest floor, long texts, and the old figure once.

End to end here is what ``spasmnav assess --batch`` does for one line, process start left out:
the JSON line parsed, the text read (normalised, tokenised, lemmatised, matched, qualified,
quantities found) and assessed by the engine into the typed ``Assessment``. Writing the result
out as JSON is measured and shown beside it, not counted.

The floor is razdel's tokens plus pymorphy3's lemma of each, from a cache warmed in the same run:
the least any reader of Russian words does. The reader keeps what it worked out per chunk (a run
of non-space characters: razdel's tokens, the analyses, the matches) and nothing per text; the
floor runs razdel on every text. A second figure empties every per-word cache of both sides
before each round, as for words never seen. Figures are ratios measured in the same run,
interleaved round by round so both sides see the same load; times are this process's CPU
time (``time.process_time``: on a shared machine wall time counts the neighbours too; on a quiet
one the two agree). Nothing here asserts a timing.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from spasmnav.core import Navigator
from spasmnav.language.extract import TextError

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
ROUNDS = 7


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(p / 100 * len(s)))]


def eval_texts() -> list[str]:
    """The texts of ``../shared/eval/*.jsonl`` (else the project's own cases)."""
    paths = sorted(EVAL.glob("*.jsonl")) or sorted((ROOT / "tests" / "cases").glob("*.jsonl"))
    out: list[str] = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                text = json.loads(line).get("text")
                if isinstance(text, str) and text.strip():
                    out.append(text)
    return list(dict.fromkeys(out))


def joined(texts: list[str], chars: int, seed: int) -> str:
    """A long text of about ``chars`` characters made of different cases, cut at ``chars``."""
    rng = random.Random(seed)
    order = rng.sample(texts, len(texts))
    parts: list[str] = []
    size = 0
    for t in order * (chars // max(1, sum(map(len, texts))) + 1):
        if size >= chars:
            break
        parts.append(t)
        size += len(t) + 1
    return " ".join(parts)[:chars]


class Floor:
    """razdel tokens plus the cached pymorphy3 lemma of each (lower case)."""

    def __init__(self) -> None:
        import pymorphy3
        import razdel

        self._morph = pymorphy3.MorphAnalyzer()
        self._tokenize = razdel.tokenize
        self._cache: dict[str, str] = {}

    def forget(self) -> None:
        """Forget the lemmas kept so far."""
        self._cache.clear()

    def __call__(self, text: str) -> list[str]:
        cache = self._cache
        out = []
        for tok in self._tokenize(text):
            word = tok.text.lower()
            lemma = cache.get(word)
            if lemma is None:
                lemma = cache[word] = self._morph.parse(word)[0].normal_form
            out.append(lemma)
        return out


def _batch_line(nav: Navigator) -> Callable[[str], object]:
    def one(line: str) -> object:
        item = json.loads(line)
        text = item.get("text")
        if not isinstance(text, str):
            raise TextError("no text")
        return nav.assess_text(text)

    return one


def _time_each(fn: Callable[[str], object], items: list[str]) -> tuple[float, list[float]]:
    lat = []
    clock = time.process_time
    t0 = clock()
    for item in items:
        t = clock()
        fn(item)
        lat.append(clock() - t)
    return clock() - t0, lat


def _rounds(
    pairs: list[tuple[Callable[[str], object], list[str]]], rounds: int = ROUNDS
) -> list[list[tuple[float, list[float]]]]:
    """Each (function, inputs) timed once per round, interleaved; per pair, every round."""
    out: list[list[tuple[float, list[float]]]] = [[] for _ in pairs]
    for _ in range(rounds):
        for i, (fn, items) in enumerate(pairs):
            out[i].append(_time_each(fn, items))
    return out


def _line(text: str) -> str:
    return json.dumps({"id": 1, "text": text}, ensure_ascii=False)


def bench_real_texts(nav: Navigator, texts: list[str], floor: Floor) -> None:
    one = _batch_line(nav)
    lines = [_line(t) for t in texts]
    for line, text in zip(lines, texts, strict=True):  # warm every cache, both sides
        one(line)
        floor(text)
    floor_r, ours_r = _rounds([(floor, texts), (one, lines)])
    ratios = sorted(o[0] / f[0] for f, o in zip(floor_r, ours_r, strict=True))
    best = min(ours_r, key=lambda r: r[0])
    lat = [x for _, per in ours_r for x in per]
    n = len(texts)
    mean_chars = statistics.mean(map(len, texts))
    print(
        f"free text end to end, {n} evaluation texts (mean {mean_chars:.0f} characters): "
        f"p50 {pct(lat, 50) * 1e3:.2f} ms, p99 {pct(lat, 99) * 1e3:.2f} ms, "
        f"{n / best[0]:,.0f} texts/s on one core"
    )
    print(
        f"  vs the floor (razdel tokens + cached pymorphy3 lemmas, same texts, same run): "
        f"{statistics.median(ratios):.2f}× (rounds {ratios[0]:.2f}–{ratios[-1]:.2f}×; "
        f"target ≤ 2×); floor {min(f[0] for f in floor_r) / n * 1e6:.0f} µs per text"
    )
    # The same with every per-word cache emptied before each round, on both sides (the floor's
    # lemmas; the reader's chunks, analyses, typo readings and vocabulary answers): each
    # distinct word is analysed once in the round, as in a batch of words never seen before.
    reader = nav.reader
    cold: list[float] = []
    for _ in range(3):
        floor.forget()
        f_time = _time_each(floor, texts)[0]
        reader.forget()
        o_time = _time_each(one, lines)[0]
        cold.append(o_time / f_time)
    cold.sort()
    print(
        f"  the same with every per-word cache emptied before each round, both sides: "
        f"{statistics.median(cold):.2f}× (rounds {cold[0]:.2f}–{cold[-1]:.2f}×)"
    )
    # Where the time goes, for the record (same texts, best of three).
    engine = nav.engine
    read = [reader.read(t) for t in texts]
    assessed = [nav.assess_text(t) for t in texts]
    parts = {
        "reading the text": _best(lambda: [reader.read(t) for t in texts]),
        "the engine": _best(lambda: [engine.assess(u.facts) for u in read]),
        "to a JSON line (not counted)": _best(
            lambda: [json.dumps(a.to_json(), ensure_ascii=False) for a in assessed]
        ),
    }
    print(
        "  per text: "
        + "; ".join(f"{k} {v / n * 1e6:.0f} µs" for k, v in parts.items())
        + ". End to end = JSON line parsed → text read → engine → typed Assessment."
    )


def _best(fn: Callable[[], object], runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def bench_long_texts(nav: Navigator, texts: list[str]) -> None:
    one = _batch_line(nav)
    # p99 for texts up to 1,000 characters: the real texts and joined ones of 200–1,000.
    upto = [*texts, *(joined(texts, c, seed) for seed, c in enumerate(range(200, 1001, 50)))]
    lines = [_line(t) for t in upto]
    for line in lines:
        one(line)
    lat = [x for _, per in _rounds([(one, lines)], rounds=3)[0] for x in per]
    print(
        f"texts up to 1,000 characters ({len(upto)}: the evaluation texts and joined ones): "
        f"p99 {pct(lat, 99) * 1e3:.2f} ms (target ≤ 5 ms), max {max(lat) * 1e3:.2f} ms"
    )
    short = [_line(joined(texts, 500, 100 + s)) for s in range(20)]
    long = [_line(joined(texts, 5000, 200 + s)) for s in range(4)]
    for line in short + long:
        one(line)
    short_r, long_r = _rounds([(one, short), (one, long)], rounds=5)
    per_char = sorted(
        (lg[0] / (5000 * len(long))) / (sh[0] / (500 * len(short)))
        for sh, lg in zip(short_r, long_r, strict=True)
    )
    t500 = min(r[0] for r in short_r) / len(short)
    t5000 = min(r[0] for r in long_r) / len(long)
    print(
        f"linearity (joined different cases): {t500 * 1e3:.1f} ms at 500 characters, "
        f"{t5000 * 1e3:.1f} ms at 5,000; time per character at 5,000 / at 500: "
        f"{statistics.median(per_char):.2f}× (rounds {per_char[0]:.2f}–{per_char[-1]:.2f}×; "
        f"target ≤ 1.5×)"
    )


def bench_old_figure(n: int = 3000) -> None:
    """The figure the old benchmark printed (fragments, uncached pymorphy3 baseline), once;
    CPU time like the rest here (the old benchmark took wall time)."""
    import pymorphy3
    import razdel

    from bench.core import texts as fragment_texts
    from spasmnav.assessing import assess_text

    msgs = fragment_texts(n)
    assess_text("прогрев")
    t0 = time.process_time()
    for m in msgs:
        assess_text(m).to_dict()
    total = time.process_time() - t0
    morph = pymorphy3.MorphAnalyzer()
    t1 = time.process_time()
    for m in msgs:
        for tok in razdel.tokenize(m.lower()):
            morph.parse(tok.text)[0].normal_form  # noqa: B018
    base = time.process_time() - t1
    print(
        f"old benchmark, for comparison ({n:,} texts stitched from 34 fragments, to_dict "
        f"included, vs uncached pymorphy3): {total / base:.2f}× pymorphy3 alone, "
        f"{total / n * 1e3:.2f} ms per text"
    )


def run() -> None:
    from spasmnav.core import default_navigator

    print("== Free text")
    nav = default_navigator()
    texts = eval_texts()
    floor = Floor()
    bench_real_texts(nav, texts, floor)
    bench_long_texts(nav, texts)
    bench_old_figure()


if __name__ == "__main__":
    run()
