"""The interview: one question per screen without JavaScript, and as stateless API steps."""

from __future__ import annotations

import html as htmllib
import re
from typing import Any

from .support import TestClient, csrf


def _fields(page: str) -> dict[str, str]:
    def get(name: str) -> str:
        m = re.search(rf'name="{name}" value="([^"]*)"', page)
        assert m, f"no {name} on the page"
        return htmllib.unescape(m.group(1))

    out = {"csrf_token": get("csrf_token"), "state": get("state")}
    if 'id="question"' in page:
        out["link_id"] = get("link_id")
        out["repeats"] = get("repeats")
    return out


def _calm_answer(page: str, link: str) -> dict[str, str]:
    if link == "subject":
        return {"value": "self"}
    if 'value="none"' in page:
        return {"value": "none"}
    if 'name="value" value="no"' in page:
        return {"value": "no"}
    return {"unknown": "1"}


def test_one_question_per_screen_with_why_back_and_dont_know(client: TestClient) -> None:
    page = client.get("/interview").text
    assert page.count('id="question"') == 1
    assert "Зачем мы спрашиваем" in page and "Не знаю" in page
    assert "Назад" not in page  # nothing to go back to yet
    f = _fields(page)
    page = client.post("/interview", data={**f, "value": "self"}).text
    assert "Вопрос 2" in page and "Назад" in page
    back = client.post("/interview", data={**_fields(page), "action": "back"}).text
    assert "Вопрос 1" in back


def test_full_interview_to_a_result_and_save(client: TestClient) -> None:
    page = client.get("/interview").text
    for _ in range(40):
        f = _fields(page)
        if "link_id" in f:
            page = client.post("/interview", data={**f, **_calm_answer(page, f["link_id"])}).text
        elif "Проверьте ответы" in page:
            page = client.post("/interview", data={**f, "action": "confirm"}).text
        else:
            break
    assert 'class="level level-' in page
    # The age was answered «Не знаю»: the result says it was not checked (unknown, not absent).
    assert "Не проверено" in page and "Сколько вам лет?" in page
    assert 'name="state"' in page and 'action="/diary/assessments"' in page
    f = _fields(page)
    r = client.post(
        "/diary/assessments",
        data={"csrf_token": f["csrf_token"], "state": f["state"]},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert len(client.get("/api/v1/diary/assessments").json()) == 1


def test_an_alarming_answer_stops_at_the_emergency_screen(client: TestClient) -> None:
    page = client.get("/interview").text
    page = client.post("/interview", data={**_fields(page), "value": "self"}).text
    f = _fields(page)
    assert f["link_id"] == "rf_stroke"
    page = client.post("/interview", data={**f, "value": "face"}).text
    assert "level-emergency" in page and 'href="tel:103"' in page
    assert 'id="question"' not in page
    assert "Вернуться и исправить ответ" in page


def test_text_first_then_questions(client: TestClient) -> None:
    token = _fields(client.get("/interview").text)["csrf_token"]
    page = client.post(
        "/interview/start", data={"text": "у папы ночью сводит икру", "csrf_token": token}
    ).text
    assert 'id="question"' in page


def test_damaged_state_is_a_clear_error(client: TestClient) -> None:
    f = _fields(client.get("/interview").text)
    r = client.post("/interview", data={**f, "state": '{"answers": 5}', "value": "self"})
    assert r.status_code == 400 and "Состояние опроса" in r.text


def test_a_question_merged_away_is_a_clear_error(client: TestClient) -> None:
    """Issue 11 merged questions into grouped lists: a page or a state from before names one."""
    f = _fields(client.get("/interview").text)
    for editing in ("0", "1"):
        r = client.post(
            "/interview",
            data={**f, "link_id": "rf_calf", "value": "no", "repeats": "0", "editing": editing},
        )
        assert r.status_code == 422, r.text
        text = htmllib.unescape(r.text)
        assert "Вопроса «rf_calf» больше нет" in text and "«sx_general»" in text
        assert 'id="question"' in r.text  # the current question is still there to answer
    old = '{"answers": {"rf_calf": "no"}, "history": ["rf_calf"]}'
    r = client.post("/interview", data={**f, "state": old, "value": "self"})
    assert r.status_code == 400
    assert "больше нет" in htmllib.unescape(r.text)


def test_invalid_answer_stays_on_the_question(client: TestClient) -> None:
    f = _fields(client.get("/interview").text)
    r = client.post("/interview", data={**f, "value": "martian"})
    assert r.status_code == 422
    assert 'role="alert"' in r.text and 'id="question"' in r.text


def _api(client: TestClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    r = client.post(f"/api/v1/interview/{path}", json=body)
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


def test_api_interview_is_stateless_steps(client: TestClient) -> None:
    out = _api(client, "start", {})
    assert out["step"]["kind"] == "question" and out["step"]["linkId"] == "subject"
    for _ in range(40):
        step = out["step"]
        if step["kind"] == "question":
            codes = [o["code"] for o in step["options"]]
            value: Any = (
                "self"
                if step["linkId"] == "subject"
                else ["none"]
                if "none" in codes
                else False
                if step["type"] == "boolean"
                else None
            )
            out = _api(
                client, "answer", {"state": out["state"], "link_id": step["linkId"], "value": value}
            )
        elif step["kind"] == "summary":
            out = _api(client, "confirm", {"state": out["state"]})
        else:
            break
    assert out["step"]["kind"] == "done"
    assert out["step"]["assessment"]["schema_version"] == 1
    result = client.post("/api/v1/interview/result", json={"state": out["state"]}).json()
    assert result["triage"] == out["step"]["assessment"]["triage"]
    back = _api(client, "back", {"state": out["state"]})
    assert back["step"]["kind"] in ("question", "summary")


def test_api_interview_errors(client: TestClient) -> None:
    start = _api(client, "start", {})
    r = client.post(
        "/api/v1/interview/answer",
        json={"state": start["state"], "link_id": "no_such_question", "value": True},
    )
    assert r.status_code == 422 and "вопрос" in r.json()["detail"]
    r = client.post("/api/v1/interview/back", json={"state": {"version": 99}})
    assert r.status_code == 422
    r = client.post("/api/v1/interview/start", json={"subject": "cat"})
    assert r.status_code == 422


def test_changing_one_answer_from_the_summary_keeps_the_others(client: TestClient) -> None:
    from spasmnav import interview as iv

    state = iv.start(subject="self")
    state = iv.answer(state, "rf_stroke", ["none"])
    state = iv.answer(state, "rf_seizure", ["none"])
    token = csrf(client, "/interview")
    r = client.post(
        "/interview",
        data={
            "csrf_token": token,
            "state": state.to_json(),
            "action": "edit",
            "link_id": "rf_stroke",
        },
    )
    assert r.status_code == 200
    assert "Изменить ответ на вопрос 1" in r.text and 'name="editing" value="1"' in r.text
    assert 'value="none" checked' in r.text  # the current answer is pre-selected
    r = client.post(
        "/interview",
        data={
            "csrf_token": token,
            "state": state.to_json(),
            "link_id": "rf_stroke",
            "repeats": "1",
            "editing": "1",
            "value": ["none", "face"],
        },
    )
    assert r.status_code == 422 and "нельзя отметить вместе" in r.text
    assert "Изменить ответ на вопрос 1" in r.text  # the same question, with the error
    r = client.post(
        "/interview",
        data={"csrf_token": token, "state": state.to_json(), "action": "edit", "link_id": "nope"},
    )
    assert r.status_code == 422 and "Такого ответа" in r.text
    r = client.post(
        "/interview", data={"csrf_token": token, "state": state.to_json(), "action": "show"}
    )
    assert r.status_code == 200 and "Вопрос 3 из примерно" in r.text


def test_expected_length_is_at_least_the_questions_so_far() -> None:
    from spasmnav import interview as iv

    state = iv.start(subject="self")
    assert iv.expected_length(state) >= 1
    for link in ("rf_stroke", "rf_seizure"):
        state = iv.answer(state, link, ["none"])
        assert iv.expected_length(state) >= len(state.history) + 1
