"""The start-up path: what a cold ``spasmnav assess`` imports, and the pack's records, which
are made dataclasses (and validated by pydantic) only when a pack is built from YAML."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import FrozenInstanceError
from pathlib import Path
from typing import Any

import pytest
import yaml

from spasmnav import content
from spasmnav.content import SHIPPED_PACK_DIR, PackError, load_pack_from

TEXT = "после инсульта нога дергается, по ночам сводит икру"


def _run(code: str, cache_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SPASMNAV_CACHE_DIR": str(cache_dir)}
    env.pop("SPASMNAV_CACHE", None)
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )


_ASSESS_AND_LIST_MODULES = """
import json, sys
from spasmnav.assess_cli import fast_main
sys.stdout = open("/dev/null", "w")
assert fast_main(["--text", sys.argv[1], "--json"])
sys.stdout = sys.__stdout__
print(json.dumps(sorted(sys.modules)))
"""


def test_an_assessment_from_the_snapshot_imports_neither_pydantic_nor_yaml(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "cache"
    first = json.loads(_run(_ASSESS_AND_LIST_MODULES, cache, TEXT).stdout)
    assert "pydantic" in first and "yaml" in first  # the first start validates the YAML
    again = json.loads(_run(_ASSESS_AND_LIST_MODULES, cache, TEXT).stdout)
    heavy = {"pydantic", "pydantic_core", "yaml", "typer", "click", "rich", "sqlalchemy"}
    assert heavy.isdisjoint(again), sorted(heavy & set(again))


def test_the_same_assessment_built_cached_and_uncached(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "spasmnav", "assess", "--text", TEXT, "--json"]
    env = {**os.environ, "SPASMNAV_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("SPASMNAV_CACHE", None)
    outs = [
        subprocess.run(cmd, env=e, capture_output=True, text=True, check=True).stdout
        for e in (env, env, {**env, "SPASMNAV_CACHE": "0"})
    ]
    assert outs[0] == outs[1] == outs[2]
    assert json.loads(outs[0])["triage"]["level"] == "doctor"


_RECORDS = """
import pickle, sys
from spasmnav import content
pack = pickle.loads(sys.stdin.buffer.read())
before = (repr(pack.context), repr(pack.frames), repr(pack.rules[0]))
assert not content._MADE  # read back without making a dataclass
pack.rules[0].model_dump()  # makes them dataclasses (and imports pydantic)
assert content._MADE
after = (repr(pack.context), repr(pack.frames), repr(pack.rules[0]))
print(before == after)
"""


def test_records_read_back_behave_as_the_dataclasses_they_become(tmp_path: Path) -> None:
    # The reader's snapshot key hashes repr(pack.context): a process that never made the
    # dataclasses must print the records exactly as one that did.
    pack = load_pack_from(SHIPPED_PACK_DIR)
    env = {**os.environ, "SPASMNAV_CACHE": "0"}
    done = subprocess.run(
        [sys.executable, "-c", _RECORDS],
        input=pickle.dumps(pack),
        env=env,
        capture_output=True,
        check=True,
    )
    assert done.stdout.decode().strip() == "True"


def test_records_are_frozen_keyword_records_with_value_equality() -> None:
    a = content.Citation(source="seed_stroke", line=4)
    assert a == content.Citation(source="seed_stroke", line=4)
    assert hash(a) == hash(content.Citation(source="seed_stroke", line=4))
    assert a != content.Citation(source="seed_stroke", line=5)
    assert repr(a) == "Citation(source='seed_stroke', line=4, end_line=None, section=None)"
    with pytest.raises(FrozenInstanceError):
        a.line = 5  # type: ignore[misc]
    with pytest.raises(TypeError):
        content.Citation("seed_stroke")  # type: ignore[call-arg]  # keyword-only
    f = content.Finding(id="x", label="X", kind="symptom")
    assert (
        f.lexicon == [] and f.lexicon is not content.Finding(id="y", label="Y", kind="sign").lexicon
    )


def test_a_dump_validates_back_to_an_equal_pack() -> None:
    pack = load_pack_from(SHIPPED_PACK_DIR)
    again = content.Pack.model_validate(pack.model_dump())
    assert again == pack and again is not pack
    assert pickle.loads(pickle.dumps(pack)) == pack


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda d: d["advice"][0].__setitem__(key, value)


# What `pack check` said of these mistakes when the items were pydantic models, word for word.
PROBLEMS: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    (
        "care",
        _set("colour", "red"),
        "care.yaml: advice.call_103.colour: Extra inputs are not permitted",
    ),
    (
        "care",
        lambda d: d["advice"][0].pop("title"),
        "care.yaml: advice.call_103.title: Field required",
    ),
    (
        "care",
        lambda d: d["advice"].__setitem__(0, "text"),
        "care.yaml: advice.0: Input should be a valid dictionary or instance of Advice",
    ),
    (
        "medicines",
        lambda d: d["medicines"][0].__setitem__("cautions", []),
        "medicines.yaml: "
        "medicines.baclofen.cautions: List should have at least 1 item after validation, not 0",
    ),
    (
        "codes",
        lambda d: d["codes"][0].__setitem__("code", "a  b"),
        "codes.yaml: codes.unit_second.code: String should match pattern '^[^\\s]+( [^\\s]+)*$'",
    ),
    (
        "care",
        _set("when", {"anyy": ["x"]}),
        "care.yaml: advice.call_103.when: unknown operator 'anyy' (did you mean 'any'?)",
    ),
    (
        "care",
        _set("cite", [5]),
        "care.yaml: advice.call_103.cite.0: Input should be a valid "
        "dictionary or instance of Citation",
    ),
    (
        "context",
        lambda d: d["context"].pop("terminators"),
        "context.yaml: context.terminators: Field required",
    ),
]


@pytest.mark.parametrize(("filename", "edit", "expected"), PROBLEMS)
def test_pack_problems_read_as_they_did(
    tmp_path: Path, filename: str, edit: Callable[[dict[str, Any]], None], expected: str
) -> None:
    for f in SHIPPED_PACK_DIR.glob("*.yaml"):
        shutil.copy(f, tmp_path / f.name)
    target = tmp_path / f"{filename}.yaml"
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    edit(data)
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    with pytest.raises(PackError) as info:
        load_pack_from(tmp_path)
    assert expected in info.value.problems, info.value.problems


def test_the_collector_is_paused_for_a_start_and_runs_again_after() -> None:
    import gc

    from spasmnav.startup import pause_gc, paused_gc, resume_gc, running_gc

    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():  # nested: the outer pause decides
            assert not gc.isenabled()
        assert not gc.isenabled()
        with running_gc():  # a batch inside a paused start
            assert gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(SystemExit), paused_gc():
        raise SystemExit(2)  # `fail()` inside the start
    assert gc.isenabled()

    resume_gc(freeze=True)  # not paused: a test calling the command is left as it is
    assert gc.isenabled() and gc.get_freeze_count() == 0
    pause_gc()
    try:
        resume_gc(freeze=True)
        assert gc.isenabled() and gc.get_freeze_count() > 0
    finally:
        gc.enable()
        gc.unfreeze()


def test_the_web_app_starts_without_numpy_babel_or_the_command_line() -> None:
    code = (
        "import json, sys; import spasmnav.web.app; "
        "print(json.dumps([m for m in ('numpy', 'scipy', 'babel', 'matplotlib', 'typer') "
        "if m in sys.modules]))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == []


def test_a_statistics_failure_is_a_503_and_anything_else_is_not() -> None:
    import numpy as np

    from spasmnav.web.diarykit import _arithmetic_guard
    from spasmnav.web.problems import Problem

    for exc in (np.linalg.LinAlgError("singular"), ZeroDivisionError(), OverflowError()):
        with pytest.raises(Problem) as info, _arithmetic_guard():
            raise exc
        assert info.value.status == 503 and info.value.code == "analytics-failed"
    with pytest.raises(KeyError), _arithmetic_guard():
        raise KeyError("not a statistics failure")
