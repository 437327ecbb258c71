"""The one core object: the pack, engine, reader and interview catalogue built once, owned by a
Navigator; the compatibility functions all reach the same default instance."""

from __future__ import annotations

from typing import Any

import spasmnav
from spasmnav import content, engine, interview
from spasmnav.assessing import understand
from spasmnav.content import Pack, load_pack
from spasmnav.core import Navigator, default_navigator


def _pack_with(change: Any) -> Pack:
    data = load_pack().model_dump()
    change(data)
    return Pack.model_validate(data)


def test_every_accessor_reaches_the_one_default_navigator() -> None:
    nav = default_navigator()
    assert default_navigator() is nav
    assert load_pack() is nav.pack
    assert engine.get_engine() is nav.engine
    assert interview._catalog() is nav.catalogue
    assert nav.catalogue.engine is nav.engine
    assert nav.reader is nav.reader and nav.reader.pack is nav.pack


def test_the_shipped_pack_is_read_once_per_process(monkeypatch: Any) -> None:
    calls: list[int] = []
    real = content.load_pack_from

    def counting(*args: Any, **kwargs: Any) -> Pack:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(content, "load_pack_from", counting)
    default_navigator()
    load_pack()
    engine.get_engine()
    understand("сводит икру")
    assert calls == []  # already loaded, never again


def test_a_navigator_of_its_own_uses_its_own_pack() -> None:
    def rename(data: dict[str, Any]) -> None:
        for f in data["findings"]:
            if f["id"] == "cramp":
                f["label"] = "Судорога (метка тестового пакета)"

    nav = Navigator(_pack_with(rename))
    assert nav.pack is not load_pack()
    a = nav.assess_text("Ночью сводит икру").to_dict()
    labels = {f["label"] for f in a["findings"]}
    assert "Судорога (метка тестового пакета)" in labels
    # the default one is untouched
    default = default_navigator().assess_text("Ночью сводит икру").to_dict()
    assert "Судорога (метка тестового пакета)" not in {f["label"] for f in default["findings"]}


def test_the_public_api_is_declared_and_importable() -> None:
    assert "Navigator" in spasmnav.__all__
    for name in spasmnav.__all__:
        assert getattr(spasmnav, name) is not None, name
    assert spasmnav.Navigator is Navigator
    assert spasmnav.understand("сводит икру").facts
