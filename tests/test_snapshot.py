"""The start-up snapshot cache: the same result as doing the work, and never a stale one."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from spasmnav import content, snapshot
from spasmnav.content import SHIPPED_PACK_DIR, load_pack_cached, load_pack_from


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "cache"
    monkeypatch.setenv("SPASMNAV_CACHE_DIR", str(d))
    monkeypatch.delenv("SPASMNAV_CACHE", raising=False)
    return d


def _copy(tmp: Path) -> Path:
    dst = tmp / "pack"
    shutil.copytree(SHIPPED_PACK_DIR, dst)
    return dst


def test_a_cached_pack_equals_a_freshly_validated_one(cache_dir: Path, tmp_path: Path) -> None:
    pack_dir = _copy(tmp_path)
    first = load_pack_cached(pack_dir)  # computes and stores
    assert len(list(cache_dir.glob("pack-*.pickle"))) == 1
    second = load_pack_cached(pack_dir)  # read back
    assert second == first == load_pack_from(pack_dir)
    assert second is not first


def test_an_edited_pack_is_never_served_from_the_cache(cache_dir: Path, tmp_path: Path) -> None:
    pack_dir = _copy(tmp_path)
    load_pack_cached(pack_dir)
    rules = pack_dir / "rules.yaml"
    rules.write_text(rules.read_text("utf-8").replace("- face_droop", "- face_dropp", 1), "utf-8")
    with pytest.raises(content.PackError):
        load_pack_cached(pack_dir)


def test_a_damaged_cache_file_is_recomputed(cache_dir: Path, tmp_path: Path) -> None:
    pack_dir = _copy(tmp_path)
    good = load_pack_cached(pack_dir)
    (path,) = cache_dir.glob("pack-*.pickle")
    path.write_bytes(b"not a pickle")
    assert load_pack_cached(pack_dir) == good
    assert path.read_bytes() != b"not a pickle"


def test_the_cache_can_be_turned_off_and_survives_an_unwritable_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    def compute() -> dict[str, int]:
        calls.append(1)
        return {"n": len(calls)}

    monkeypatch.setenv("SPASMNAV_CACHE", "0")
    assert snapshot.cached("x", "k", compute, dict) == {"n": 1}
    assert snapshot.cached("x", "k", compute, dict) == {"n": 2}
    monkeypatch.delenv("SPASMNAV_CACHE")
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("SPASMNAV_CACHE_DIR", str(blocker / "sub"))  # cannot be a directory
    assert snapshot.cached("x", "k", compute, dict) == {"n": 3}


def test_a_reader_built_from_cached_analyses_reads_the_same(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spasmnav.language import morph
    from spasmnav.language.extract import Reader

    monkeypatch.setattr(morph, "_seeded", {})  # as in a fresh process: nothing adopted yet
    pack = content.load_pack()
    fresh = Reader(pack)  # builds, recording the analyses, and stores them
    (path,) = cache_dir.glob("analyses-*.pickle")
    table = snapshot.cached("analyses", path.stem.split("-", 1)[1], dict, dict)
    assert len(table) > 100
    for word, analysis in list(table.items())[:300]:
        assert analysis == morph._analyse_live(word)
    again = Reader(pack)  # from the cache
    text = "После инсульта у мамы раньше дёргалась нога, сейчас сводит икру, слабости нет"
    a, b = fresh.read(text), again.read(text)
    assert a.facts == b.facts and a.matches == b.matches


def test_shared_objects_are_put_back_not_copied(cache_dir: Path) -> None:
    owner = {"big": list(range(10))}
    value = snapshot.cached("y", "k", lambda: {"ref": owner, "n": 1}, dict, {"owner": owner})
    again = snapshot.cached("y", "k", lambda: {}, dict, {"owner": owner})
    assert again == value and again["ref"] is owner
    # Read with the shared object missing: recomputed, never a wrong reference.
    assert snapshot.cached("y", "k", lambda: {"n": 2}, dict, {}) == {"n": 2}
    assert not list(cache_dir.glob(".*.tmp"))


def test_an_unpicklable_result_leaves_no_temporary_file(cache_dir: Path) -> None:
    assert snapshot.cached("z", "k", lambda: {"f": lambda: 1}, dict)["f"]() == 1
    assert not list(cache_dir.glob(".*")) and not list(cache_dir.glob("z-*"))


def test_the_navigators_reader_from_the_snapshot_reads_the_same(cache_dir: Path) -> None:
    from spasmnav.core import Navigator

    first = Navigator()
    fresh = first.reader  # built and stored
    assert len(list(cache_dir.glob("reader-*.pickle"))) == 1
    second = Navigator()
    cached = second.reader  # read back, referring to the second navigator's own pack
    assert cached.pack is second.pack and cached is not fresh
    for text in (
        "После инсульта у мамы раньше дёргалась нога, сейчас сводит икру, слабости нет",
        "перекосило лицо и нога дергается",
        "ночью свело икру, потянула носок — прошло; пью мочегонные",
    ):
        a, b = fresh.read(text), cached.read(text)
        assert a.facts == b.facts and a.matches == b.matches and a.notes == b.notes


_EMERGENCIES = (
    "внезапно перекосило лицо и нога не слушается",
    "судороги всего тела, потерял сознание",
    "Вдруг онемела левая рука и нога, речь стала невнятной",
)


def _levels(env: dict[str, str]) -> list[str]:
    import json
    import subprocess
    import sys

    out = []
    for text in _EMERGENCIES:
        done = subprocess.run(
            [sys.executable, "-m", "spasmnav", "assess", "--text", text, "--json"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        out.append(json.loads(done.stdout)["triage"]["level"])
    return out


def test_a_process_that_reads_the_cached_reader_triages_like_one_that_builds_it(
    cache_dir: Path,
) -> None:
    # The reader's matchers hold word numbers of a vocabulary: a reader read back in another
    # process (whose global vocabulary is empty) must carry its own, or texts are misread.
    import os

    env = {**os.environ, "SPASMNAV_CACHE_DIR": str(cache_dir)}
    env.pop("SPASMNAV_CACHE", None)
    built = _levels(env)  # the first process builds and stores the reader
    assert list(cache_dir.glob("reader-*.pickle"))
    from_cache = _levels(env)
    uncached = _levels({**env, "SPASMNAV_CACHE": "0"})
    assert built == from_cache == uncached == ["emergency"] * len(_EMERGENCIES)


@dataclass(frozen=True, slots=True)
class _Plain:
    a: int
    b: tuple[str, ...]
    c: float | None = None


@dataclass(frozen=True, slots=True)
class _Derived:
    a: int
    twice: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "twice", self.a * 2)


@dataclass(frozen=True, slots=True, kw_only=True)
class _KeywordOnly:
    a: int
    b: str = "b"


def test_frozen_dataclasses_come_back_equal_and_shared_once(cache_dir: Path) -> None:
    shared = _Plain(1, ("x",))
    value = {
        "plain": [shared, shared, _Plain(2, ("y", "z"), 0.5)],
        "derived": _Derived(3),  # written the default way: its __init__ is not a plain copy
        "keyword": _KeywordOnly(a=4),
    }
    assert snapshot._positional_fields(_Plain) == ("a", "b", "c")
    assert snapshot._positional_fields(_Derived) is None
    assert snapshot._positional_fields(_KeywordOnly) is None
    snapshot.cached("dc", "k", lambda: value, dict)
    again = snapshot.cached("dc", "k", dict, dict)  # read back: dict() would be empty
    assert again == value and again is not value
    assert again["plain"][0] is again["plain"][1]
    assert again["derived"].twice == 6


def test_code_comes_back_only_for_its_own_source(cache_dir: Path) -> None:
    cache = snapshot.CodeCache("t", "k")
    first = cache("def f(m):\n    return m & 4", "exec")
    cache.save()
    again = snapshot.CodeCache("t", "k")
    assert again("def f(m):\n    return m & 4", "exec") == first
    assert not again._compiled  # read back, not compiled
    # Another source (a changed generator), or the same text in another mode, is compiled.
    changed = again("def f(m):\n    return m & 8", "exec")
    ns: dict[str, Any] = {}
    exec(changed, ns)
    assert ns["f"](8) == 8 and ns["f"](4) == 0
    assert again._compiled
    assert eval(again("lambda m: m & 2", "eval"), {})(3) == 2
    assert snapshot.CodeCache("t", "other key")._table == {}


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-7],  # cut short
        lambda data: data[:40] + bytes([data[40] ^ 1]) + data[41:],  # one bit flipped
        lambda data: b"",
        lambda data: b"\x00" * len(data),
    ],
)
def test_a_damaged_code_file_is_never_used(
    cache_dir: Path, damage: Callable[[bytes], bytes]
) -> None:
    cache = snapshot.CodeCache("t", "k")
    cache("x = 1", "exec")
    cache.save()
    (path,) = cache_dir.glob("t-*.marshal")
    good = path.read_bytes()
    path.write_bytes(damage(good))
    again = snapshot.CodeCache("t", "k")
    assert again._table == {}
    ns: dict[str, Any] = {}
    exec(again("x = 1", "exec"), ns)
    assert ns["x"] == 1
    again.save()  # written afresh
    assert path.read_bytes() == good


def test_a_checksummed_file_of_something_else_is_not_used(cache_dir: Path) -> None:
    import marshal

    cache = snapshot.CodeCache("t", "k")
    cache("x = 1", "exec")
    cache.save()
    (path,) = cache_dir.glob("t-*.marshal")
    for foreign in ({("exec", "x = 1"): "not code"}, [1, 2], {"exec": compile("1", "", "eval")}):
        body = marshal.dumps(foreign)
        path.write_bytes(snapshot._digest(body) + body)
        assert snapshot.CodeCache("t", "k")._table == {}


def test_the_code_cache_survives_an_unwritable_place_and_can_be_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("SPASMNAV_CACHE_DIR", str(blocker / "sub"))  # cannot be a directory
    monkeypatch.delenv("SPASMNAV_CACHE", raising=False)
    for env in ({}, {"SPASMNAV_CACHE": "0"}):
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        cache = snapshot.CodeCache("t", "k")
        ns: dict[str, Any] = {}
        exec(cache("y = 2", "exec"), ns)
        cache.save()  # nothing written, nothing raised
        assert ns["y"] == 2
    assert not list(tmp_path.glob("**/*.marshal"))


_TEXTS = (
    "После инсульта у мамы раньше дёргалась нога, сейчас сводит икру, слабости нет",
    "внезапно перекосило лицо и нога не слушается",
    "икра опухла и покраснела, болит, после перелёта",
    "сводит ноги по ночам, беременность 30 недель, пью мочегонные",
)


def test_the_navigators_engine_from_cached_code_assesses_the_same(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spasmnav.core import Navigator

    built = Navigator()  # compiles and stores the engine's code
    (path,) = cache_dir.glob("engine-*.marshal")
    stored = path.stat().st_ino
    again = Navigator()  # from the stored code: nothing compiled, nothing written
    assert path.stat().st_ino == stored
    monkeypatch.setenv("SPASMNAV_CACHE", "0")
    plain = Navigator()
    for text in _TEXTS:
        results = {n.assess_text(text).to_json_bytes() for n in (built, again, plain)}
        assert len(results) == 1
