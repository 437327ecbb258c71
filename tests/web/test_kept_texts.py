"""The free texts a refused form keeps for the person (the stale CSRF page) are the fields
the records mark ``Info.kept``, titled by their declaration."""

from __future__ import annotations

import re
from typing import Annotated, ClassVar

from fastapi.testclient import TestClient

from spasmnav.diary.fields import Info, info, kept_texts
from spasmnav.diary.models import KEPT_TEXTS, RECORD_MODELS, Episode


def test_the_kept_texts_are_the_marked_fields() -> None:
    marked = {
        n for m in RECORD_MODELS for n, f in m.model_fields.items() if info(f).kept is not None
    }
    assert set(KEPT_TEXTS) == marked == {"text", "note", "helped", "place"}
    assert list(KEPT_TEXTS.items()) == [
        ("text", "Текст"),
        ("note", "Заметка"),
        ("helped", "Что помогло"),
        ("place", "Место"),
    ]

    class Longer(Episode):
        table: ClassVar[str] = "episodes_kept"
        story: Annotated[str | None, Info("рассказ", kept=2)] = None

    assert list(kept_texts(Longer))[-3:] == ["helped", "story", "place"]  # by its mark


def test_a_refused_form_shows_every_kept_text_back(client: TestClient) -> None:
    client.get("/")
    typed = {
        name: f"мой текст {i} для «{title}»" for i, (name, title) in enumerate(KEPT_TEXTS.items())
    }
    r = client.post(
        "/assess", data={**typed, "csrf_token": "stale"}, headers={"accept": "text/html"}
    )
    assert r.status_code == 403
    for name, title in KEPT_TEXTS.items():
        label = re.search(rf'<label for="saved-{name}">([^<]*)</label>', r.text)
        assert label is not None and label.group(1) == title, name
        assert f'<textarea id="saved-{name}" rows="5" readonly>{typed[name]}</textarea>' in r.text
