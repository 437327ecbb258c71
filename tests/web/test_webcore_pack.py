"""``WebCore(pack=...)`` really serves that pack: labels, source titles and the texts."""

from __future__ import annotations

from typing import Any

from spasmnav.content import Pack, load_pack
from spasmnav.settings import Settings
from spasmnav.web import create_app
from spasmnav.web.webcore import WebCore

from .support import TestClient, csrf


def _test_pack() -> Pack:
    data: dict[str, Any] = load_pack().model_dump()
    for f in data["findings"]:
        if f["id"] == "cramp":
            f["label"] = "Метка из тестового пакета"
    for s in data["sources"]:
        if s.get("file"):
            s["short"] = "Источник тестового пакета"
    data["texts"]["disclaimer"] = "Отказ от ответственности тестового пакета."
    return Pack.model_validate(data)


def test_the_pages_use_the_pack_the_core_was_given(settings: Settings) -> None:
    core = WebCore(settings, pack=_test_pack())
    assert core.navigator.pack is core.pack
    app = create_app(settings, core=core)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        r = client.post(
            "/assess",
            data={"text": "Ночью сводит икру", "csrf_token": csrf(client, "/assess")},
        )
        assert r.status_code == 200, r.text
        assert "Метка из тестового пакета" in r.text  # highlighted words (templating)
        assert "Источник тестового пакета" in r.text  # source titles (presenting)
        assert "Отказ от ответственности тестового пакета." in r.text
        api = client.post("/api/v1/assess", json={"text": "Ночью сводит икру"})
        labels = {f["label"] for f in api.json()["findings"]}
        assert "Метка из тестового пакета" in labels
    core.services.close()
