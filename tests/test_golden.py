"""Behaviour kept: today's outputs, recomputed, equal the recorded golden files.

The golden files in ``tests/golden/`` hold ``spasmnav assess --batch … --json`` over every
evaluation case, replayed interviews (``spasmnav interview --answers … --json``), a diary's
``spasmnav trends --json`` and the data of a doctor's report. Volatile fields are removed on
both sides, each named with its reason in ``golden_update.VOLATILE`` (so far only the time a
saved assessment was stored, which is the wall clock).

After a deliberate change of behaviour, regenerate and review the diff::

    make golden          # or: .venv/bin/python -m tests.golden_update
    git diff --stat tests/golden
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from golden_update import GOLDEN, compute


def _differences(old: Any, new: Any, path: str = "$") -> list[str]:
    if isinstance(old, dict) and isinstance(new, dict):
        out = [f"{path}.{k}: only in golden" for k in old.keys() - new.keys()]
        out += [f"{path}.{k}: new" for k in new.keys() - old.keys()]
        for k in sorted(old.keys() & new.keys()):
            out += _differences(old[k], new[k], f"{path}.{k}")
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [
            d
            for i, (a, b) in enumerate(zip(old, new, strict=True))
            for d in _differences(a, b, f"{path}[{i}]")
        ]
    return [] if old == new else [f"{path}: {old!r:.120} → {new!r:.120}"]


def _explain(name: str, stored: str, fresh: str) -> str:
    if name.endswith(".jsonl"):
        old_lines, new_lines = stored.splitlines(), fresh.splitlines()
        if len(old_lines) != len(new_lines):
            return f"{name}: {len(old_lines)} lines recorded, {len(new_lines)} now"
        diffs = []
        for a, b in zip(old_lines, new_lines, strict=True):
            if a != b:
                old, new = json.loads(a), json.loads(b)
                diffs += [f"case {old.get('id')}: {d}" for d in _differences(old, new)]
    else:
        diffs = _differences(json.loads(stored), json.loads(fresh))
    shown = "\n  ".join(diffs[:25])
    more = f"\n  … and {len(diffs) - 25} more" if len(diffs) > 25 else ""
    return (
        f"{name} differs from the recorded behaviour ({len(diffs)} differences):\n  {shown}{more}"
        "\nIf the change is deliberate: make golden, then review git diff tests/golden."
    )


@pytest.fixture(scope="module")
def fresh() -> dict[str, str]:
    return compute()


def test_golden_files_are_all_there(fresh: dict[str, str]) -> None:
    stored = {p.name for p in GOLDEN.glob("*.json*")}
    assert stored == set(fresh), "make golden to record the missing outputs"
    # the assessment of every case is recorded, and none of them failed
    for name, text in fresh.items():
        if name.startswith("assess-"):
            lines = [json.loads(line) for line in text.splitlines()]
            assert lines and all("error" not in x for x in lines), name


@pytest.mark.parametrize(
    "name",
    sorted(p.name for p in GOLDEN.glob("*.json*")),
)
def test_output_equals_the_recorded_golden(name: str, fresh: dict[str, str]) -> None:
    stored = (GOLDEN / name).read_text(encoding="utf-8")
    now = fresh.get(name)
    assert now is not None, f"{name} is no longer produced"
    assert now == stored, _explain(name, stored, now)
