"""The start-up snapshot cache: the same result as doing the work, and never a stale one."""

from __future__ import annotations

import shutil
from pathlib import Path

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
