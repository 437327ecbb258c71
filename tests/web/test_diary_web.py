"""The diary in the browser (without JavaScript) and over the API."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest

from .support import TestClient, csrf


def _post(client: TestClient, path: str, data: dict[str, str], **kw: object) -> object:
    token = csrf(client, "/diary")
    return client.post(path, data={**data, "csrf_token": token}, **kw)


def test_quick_add_is_one_tap_from_the_diary_page(client: TestClient) -> None:
    html = client.get("/diary").text
    # The kind buttons submit the form themselves: leg (optional) + kind = at most two taps.
    assert re.search(r'<button type="submit" name="kind" value="cramp"', html)
    r = _post(client, "/diary/episodes", {"kind": "cramp"}, follow_redirects=False)
    assert r.status_code == 303  # type: ignore[attr-defined]
    page = client.get(r.headers["location"]).text  # type: ignore[attr-defined]
    assert "Записано" in page and "судорога (крампи)" in page


def test_quick_add_with_htmx_returns_the_updated_list(client: TestClient) -> None:
    token = csrf(client, "/diary")
    r = client.post(
        "/diary/episodes",
        data={"kind": "twitch", "leg": "right", "csrf_token": token},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200
    assert r.text.lstrip().startswith('<div id="diary-live">')
    assert "подёргивание" in r.text and "правая" in r.text
    assert "<html" not in r.text


def test_full_form_edit_and_delete_with_confirmation(client: TestClient) -> None:
    r = _post(
        client,
        "/diary/episodes",
        {
            "full": "1",
            "kind": "spasm",
            "started_at": "2024-05-01T23:30",
            "leg": "left",
            "intensity": "6",
            "duration_minutes": "2,5",
            "triggers": "caffeine",
            "disturbs_sleep": "1",
            "note": "после кофе",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text  # type: ignore[attr-defined]
    episode = client.get("/api/v1/diary/episodes").json()["items"][0]
    assert episode["duration_seconds"] == 150 and episode["triggers"] == ["caffeine"]
    assert episode["started_at"].startswith("2024-05-01T23:30:00")  # with the local offset
    eid = episode["id"]
    form = client.get(f"/diary/episodes/{eid}").text
    assert 'value="2024-05-01T23:30"' in form and "после кофе" in form
    r = _post(
        client,
        f"/diary/episodes/{eid}",
        {"full": "1", "kind": "spasm", "started_at": "2024-05-01T23:30", "intensity": "3"},
        follow_redirects=False,
    )
    assert r.status_code == 303  # type: ignore[attr-defined]
    assert client.get(f"/api/v1/diary/episodes/{eid}").json()["intensity"] == 3
    confirm = client.get(f"/diary/episodes/{eid}/delete").text
    assert "Удалить запись?" in confirm and "Да, удалить" in confirm
    assert client.get(f"/api/v1/diary/episodes/{eid}").status_code == 200
    r = _post(client, f"/diary/episodes/{eid}/delete", {}, follow_redirects=False)
    assert r.status_code == 303  # type: ignore[attr-defined]
    assert client.get(f"/api/v1/diary/episodes/{eid}").status_code == 404


def test_bad_form_input_keeps_what_was_typed(client: TestClient) -> None:
    r = _post(
        client,
        "/diary/episodes",
        {"full": "1", "kind": "cramp", "intensity": "11", "note": "моя заметка"},
    )
    assert r.status_code == 422  # type: ignore[attr-defined]
    text = r.text  # type: ignore[attr-defined]
    assert 'role="alert"' in text and "сила" in text
    assert "моя заметка" in text


def test_note_with_script_is_shown_as_text(client: TestClient) -> None:
    _post(client, "/diary/episodes", {"kind": "cramp", "note": "<script>alert(1)</script>"})
    html = client.get("/diary").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_trends_page_analyses_the_diary_once_for_itself_and_its_charts(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spasmnav.web import diarykit

    for _ in range(2):
        client.post("/api/v1/diary/episodes", json={"kind": "cramp", "intensity": 5})
    calls: list[object] = []
    real = diarykit.analyse  # type: ignore[attr-defined]

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(diarykit, "analyse", counting)
    html = client.get("/diary/trends").text
    assert len(calls) == 1
    assert html.count('src="data:image/png;base64,') == 2
    assert "/diary/charts/" not in html


def test_missing_episode_is_404(client: TestClient) -> None:
    assert client.get("/diary/episodes/999999").status_code == 404
    assert client.get("/api/v1/diary/episodes/999999").status_code == 404


def test_trends_page_and_chart_change(client: TestClient) -> None:
    assert "Записей пока нет" in client.get("/diary/trends").text
    for _ in range(2):
        client.post("/api/v1/diary/episodes", json={"kind": "cramp", "intensity": 5})
    before = client.get("/diary/charts/episodes.png").content
    assert before.startswith(b"\x89PNG")
    client.post("/api/v1/diary/episodes", json={"kind": "cramp", "intensity": 9})
    after = client.get("/diary/charts/episodes.png").content
    assert before != after
    html = client.get("/diary/trends").text
    assert "Итог:" in html and "Эпизоды по неделям" in html and "<table" in html
    html = client.get("/diary/trends?change=2024-01-01&label=начал+упражнения").text
    assert "До и после начал упражнения" in html
    assert "не понять" in client.get("/diary/trends?change=вчера").text
    assert client.get("/diary/charts/nope.png").status_code == 404


def test_save_assessment_from_the_result_page(client: TestClient) -> None:
    token = csrf(client, "/assess")
    page = client.post("/assess", data={"text": "ночью сводит икру", "csrf_token": token}).text
    assert 'action="/diary/assessments"' in page
    r = _post(client, "/diary/assessments", {"text": "ночью сводит икру"}, follow_redirects=False)
    assert r.status_code == 303  # type: ignore[attr-defined]
    saved = client.get("/api/v1/diary/assessments").json()
    assert saved[0]["text"] == "ночью сводит икру"
    assert saved[0]["level"] == saved[0]["data"]["triage"]["level"]


def test_exercise_session_is_recorded(client: TestClient) -> None:
    r = _post(
        client,
        "/diary/sessions",
        {"exercise_id": "knee_flex_extend", "repetitions": "12", "sets": "1"},
        follow_redirects=False,
    )
    assert r.status_code == 303  # type: ignore[attr-defined]
    assert "Занятие записано" in client.get(r.headers["location"]).text  # type: ignore[attr-defined]
    sessions = client.get("/api/v1/diary/sessions").json()
    assert sessions[0]["exercise_id"] == "knee_flex_extend" and sessions[0]["repetitions"] == 12
    r = _post(client, "/diary/sessions", {"exercise_id": "no_such_exercise"})
    assert r.status_code == 422  # type: ignore[attr-defined]


def test_downloads(client: TestClient) -> None:
    client.post("/api/v1/diary/episodes", json={"kind": "cramp", "note": "запись; с точкой"})
    html = client.get("/downloads").text
    for link in ("/downloads/report.pdf", "/downloads/plan.ics", "/downloads/episodes.csv"):
        assert f'href="{link}"' in html
    pdf = client.get("/downloads/report.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf.headers["content-disposition"]
    ics = client.get("/downloads/plan.ics")
    assert ics.text.startswith("BEGIN:VCALENDAR") and "RRULE" in ics.text
    rows = list(
        csv.reader(io.StringIO(client.get("/downloads/episodes.csv").text.lstrip("\ufeff")))
    )
    assert rows[0][0] == "uid" and any("запись; с точкой" in row for row in rows[1:])
    data = client.get("/downloads/diary.json").json()
    assert data["format"] == "spasmnav-diary" and len(data["episodes"]) == 1
    assert client.get("/downloads/nope.csv").status_code == 422


def test_api_episode_crud_and_validation(client: TestClient) -> None:
    r = client.post(
        "/api/v1/diary/episodes",
        json={"kind": "cramp", "leg": "left", "intensity": 4, "triggers": ["stress"]},
    )
    assert r.status_code == 201
    eid = r.json()["id"]
    assert client.patch(f"/api/v1/diary/episodes/{eid}", json={"leg": "both"}).json()["leg"] == (
        "both"
    )
    bad = client.patch(f"/api/v1/diary/episodes/{eid}", json={"kind": None})
    assert bad.status_code == 422
    bad = client.post("/api/v1/diary/episodes", json={"kind": "hiccup"})
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    listing = client.get("/api/v1/diary/episodes?limit=1").json()
    assert listing["total"] == 1 and len(listing["items"]) == 1
    assert client.delete(f"/api/v1/diary/episodes/{eid}").status_code == 204
    assert client.get("/api/v1/diary/episodes").json()["total"] == 0


def test_api_trends_profile_and_exports(client: TestClient) -> None:
    client.post("/api/v1/diary/episodes", json={"kind": "cramp", "intensity": 5})
    trends = client.get("/api/v1/diary/trends").json()
    assert trends["total_episodes"] == 1 and trends["trend"]["verdict"] == "not_enough_data"
    assert trends["assessment"]["schema_version"] == 1
    assert client.put("/api/v1/diary/profile", json={"stroke_date": "2024-02-01"}).status_code == (
        200
    )
    assert client.get("/api/v1/diary/profile").json()["stroke_date"] == "2024-02-01"
    assert client.get("/api/v1/diary/report.pdf").content.startswith(b"%PDF")
    assert client.get("/api/v1/diary/plan.ics").text.startswith("BEGIN:VCALENDAR")
    assert client.get("/api/v1/diary/export.csv?table=exercise_sessions").status_code == 200
    assert client.get("/api/v1/diary/export.json").json()["format"] == "spasmnav-diary"


def test_tables_for_excel_download_from_the_page_and_the_api(client: TestClient) -> None:
    client.post(
        "/api/v1/diary/episodes",
        json={"kind": "cramp", "leg": "left", "duration_seconds": 90, "note": "=1+1"},
    )
    page = client.get("/downloads").text
    assert "/downloads/excel/episodes.xlsx" in page and "/downloads/excel/episodes.csv" in page
    for url in ("/downloads/excel/episodes.csv", "/api/v1/diary/export.csv?excel=true"):
        r = client.get(url)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        assert r.content.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
        row = dict(zip(rows[0], rows[1], strict=True))
        assert row["Вид эпизода"] == "судорога (крампи)" and row["Длительность, мин"] == "1,5"
        assert row["Заметка"] == "'=1+1"
    for url in ("/downloads/excel/episodes.xlsx", "/api/v1/diary/export.xlsx"):
        r = client.get(url)
        assert r.status_code == 200 and r.content.startswith(b"PK")
        assert "spreadsheetml" in r.headers["content-type"]
    assert client.get("/downloads/excel/nope.csv").status_code in (400, 404, 422)
    # The lossless CSV is unchanged.
    plain = client.get("/downloads/episodes.csv").content.decode("utf-8-sig")
    assert plain.splitlines()[0].startswith("uid,")
