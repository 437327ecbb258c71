"""Server-rendered pages: the emergency line everywhere, the result's order, no-JS flows."""

from __future__ import annotations

import html as htmllib
import json
import re

import pytest

from spasmnav.content import load_pack

from .support import TestClient, csrf

PAGES = ["/", "/assess", "/exercises", "/exercises/knee_flex_extend", "/diary", "/about"]


def _assess(client: TestClient, text: str) -> str:
    r = client.post("/assess", data={"text": text, "csrf_token": csrf(client, "/assess")})
    assert r.status_code == 200, r.text
    return str(r.text)


@pytest.mark.parametrize("path", [*PAGES, "/diary/trends", "/downloads", "/diary/episodes/new"])
def test_every_page_has_the_emergency_line(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200
    assert 'lang="ru"' in r.text
    assert "звоните" in r.text and 'href="tel:103"' in r.text and 'href="tel:112"' in r.text
    line = load_pack().texts.emergency_line
    assert line.split("—")[0].strip() in r.text


@pytest.mark.parametrize("path", PAGES)
def test_no_inline_scripts_styles_or_external_resources(client: TestClient, path: str) -> None:
    html = client.get(path).text
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html), "inline event handlers break the CSP"
    for m in re.finditer(r"<script([^>]*)>", html):
        assert 'src="/static/' in m.group(1), "every script is a same-origin file"
    assert not re.search(r'(src|href)="(https?:)?//', html), "no external requests"


def test_home_offers_two_ways_in(client: TestClient) -> None:
    html = client.get("/").text
    assert 'href="/assess"' in html and 'href="/interview"' in html


def test_result_puts_the_level_first_then_what_to_do_now_then_the_details(
    client: TestClient,
) -> None:
    html = _assess(client, "После инсульта по вечерам дёргается правая нога, слабости нет")
    level = html.index('class="level level-')
    now = html.index('id="now-title"')
    more = html.index('<details class="more more-details"')
    todo = html.index('id="what-to-do"')
    words = html.index('id="your-words"')
    why = html.index('id="why"')
    assert level < now < more < todo < words < why
    # One sentence of why in the level card, at most three things to do now.
    card = html[level : html.index("</section>", level)]
    assert len(re.findall(r'class="level-action level-why"', card)) == 1
    first = html[now:more]
    assert 1 <= first.count("<li class=") <= 3
    # Colour is never alone: an icon and a word go with it.
    assert re.search(r'class="level-badge"><svg[^>]*aria-hidden="true"', html)
    assert "К ВРАЧУ" in html or "НАБЛЮДАТЬ" in html or "СЕГОДНЯ" in html
    # The words behind findings are highlighted; the negated ones marked as such.
    assert re.search(r'<mark class="hit"[^>]*>инсульта', html)
    assert '<mark class="neg"' in html
    assert "Источники" in html
    assert 'action="/diary/assessments"' in html


def test_emergency_result_shows_the_call_first_and_nothing_distracting(
    client: TestClient,
) -> None:
    html = _assess(client, "У мамы судороги всего тела, она потеряла сознание")
    assert "level-emergency" in html
    main = html[html.index("<main") :]
    first_call = main.index('href="tel:103"')
    assert first_call < main.index('id="first-aid"')
    assert "Позвонить 103" in main and "Позвонить 112" in main
    # Details wait, folded, below the first aid; no exercises on an emergency page.
    assert main.index('id="first-aid"') < main.index('<details class="more">')
    assert 'id="exercises"' not in main
    assert "Начать с таймером" not in main


def test_self_care_result(client: TestClient) -> None:
    html = _assess(client, "Ночью свело икру, потянула носок на себя — прошло")
    assert "level-self_care" in html
    assert "НАБЛЮДАТЬ" in html
    assert 'id="exercises"' in html


def test_empty_text_keeps_the_form_with_a_russian_error(client: TestClient) -> None:
    r = client.post("/assess", data={"text": "   ", "csrf_token": csrf(client, "/assess")})
    assert r.status_code == 422
    assert 'role="alert"' in r.text and "Пустой текст" in r.text
    assert 'aria-invalid="true"' in r.text


def test_user_text_is_escaped(client: TestClient) -> None:
    html = _assess(client, "нога дёргается <script>alert(1)</script> ночью")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_post_without_csrf_is_refused_and_the_text_is_kept(client: TestClient) -> None:
    client.get("/assess")
    r = client.post("/assess", data={"text": "мой длинный рассказ о ноге"})
    assert r.status_code == 403
    assert "мой длинный рассказ о ноге" in r.text, "nothing the person typed is lost"
    r = client.post("/assess", data={"text": "нога", "csrf_token": "forged"})
    assert r.status_code == 403


def test_csrf_token_of_another_session_is_refused(app: object) -> None:
    with TestClient(app, base_url="http://127.0.0.1") as a:  # type: ignore[arg-type]
        token = csrf(a, "/assess")
    with TestClient(app, base_url="http://127.0.0.1") as b:  # type: ignore[arg-type]
        b.get("/assess")
        r = b.post("/assess", data={"text": "нога", "csrf_token": token})
        assert r.status_code == 403


def test_unknown_page_is_a_russian_404_page(client: TestClient) -> None:
    r = client.get("/no-such-page")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "Не найдено" in r.text


def test_exercise_player_works_without_javascript(client: TestClient) -> None:
    html = client.get("/exercises/knee_flex_extend").text
    m = re.search(r'data-player data-plan="([^"]*)"', html)
    assert m
    plan = json.loads(htmllib.unescape(m.group(1)))
    # The seed's numbers: 10–15 times (the player starts at 10), 3–5 s in each position.
    assert plan["reps"] == 10 and [p["seconds"] for p in plan["phases"]] == [3, 3]
    # Without JS the counter stays hidden and the plain form records the session.
    assert 'class="player-js" hidden' in html
    assert 'action="/diary/sessions"' in html
    assert client.get("/exercises/nope").status_code == 404


def test_interview_link_or_page_exists(client: TestClient) -> None:
    r = client.get("/interview")
    assert r.status_code in (200, 503)
    assert "звоните" in r.text


FILE_NAME = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")


def test_result_page_names_sources_and_parameters_as_the_terminal_does(
    client: TestClient,
) -> None:
    html = _assess(client, "После инсульта полгода назад правая нога дёргается, мышцы как каменные")
    assert not FILE_NAME.search(html), "a file name reached the person"
    assert "Материал «Дёргается нога после инсульта», строк" in html
    assert "<strong>Удержание:</strong>" in html and "<strong>Повторения:</strong>" in html
    assert "Задержка:" not in html


def test_exercise_pages_use_the_presenters_labels(client: TestClient) -> None:
    html = client.get("/exercises/knee_flex_extend").text
    assert "<dt>Удержание</dt>" in html and "3–5 секунд в каждом положении" in html
    assert "Задержка" not in html
    assert not FILE_NAME.search(client.get("/exercises").text)


def test_a_calm_result_asks_the_red_flag_check_first_and_answering_reassesses(
    client: TestClient,
) -> None:
    text = "Ночью свело икру, потянула носок на себя — прошло"
    html = _assess(client, text)
    check = html.index('class="check"')
    assert check < html.index('id="exercises"')
    assert "Проверьте, нет ли сейчас:" in html
    assert 'name="check_stroke_signs" value="yes"' in html
    # «Да» to one-sided weakness or a droop: the same text is now an emergency.
    token = csrf(client, "/assess")
    r = client.post(
        "/assess", data={"text": text, "csrf_token": token, "check_stroke_signs": "yes"}
    )
    assert r.status_code == 200 and "level-emergency" in r.text
    # «Нет» to everything: still calm, and nothing is left to check.
    answers = {f"check_{c}": "no" for c in ("stroke_signs", "seizure", "breathing_chest")}
    answers |= {"check_cold_leg": "no", "check_calf_clot": "no"}
    r = client.post("/assess", data={"text": text, "csrf_token": token, **answers})
    assert r.status_code == 200 and "level-self_care" in r.text
    assert 'class="check"' not in r.text
    # «Не знаю» about consciousness keeps the check open and the level at «today».
    r = client.post("/assess", data={"text": text, "csrf_token": token, "check_seizure": "unknown"})
    assert "level-urgent" in r.text and 'name="check_seizure" value="yes"' in r.text


def test_a_bad_check_answer_is_a_russian_error_and_keeps_the_text(client: TestClient) -> None:
    token = csrf(client, "/assess")
    r = client.post("/assess", data={"text": "сводит икру", "csrf_token": token, "check_x": "yes"})
    assert r.status_code == 422 and "Неизвестные проверки" in r.text and "сводит икру" in r.text


def test_the_result_page_shows_how_each_finding_was_said(client: TestClient) -> None:
    html = _assess(client, "Год назад был эпилептический приступ. Боюсь инсульта. Сводит икру.")
    assert "Не сейчас: Судороги всего тела" in html and "в прошлом" in html
    assert "опасение или вопрос" in html and "„боюсь“" in html


def test_a_notice_about_the_text_is_at_the_top_of_the_result(client: TestClient) -> None:
    text = "Ночью свело икру, потянула носок — прошло. " * 200  # longer than what is read
    html = _assess(client, text)
    notice = html.index('class="note" role="note"')
    assert notice < html.index('id="now-title"') < html.index('id="your-words"')


def test_the_episode_form_is_the_episode_model(client: TestClient) -> None:
    """The new-episode page asks exactly the fields a person writes (no more, no fewer), and
    each free text is bounded where the model bounds it."""
    from spasmnav.diary.fields import max_length
    from spasmnav.diary.models import Episode
    from spasmnav.web.recordforms import checkboxes, form_fields

    html = client.get("/diary/episodes/new").text
    found = re.search(r'<form method="post" action="/diary/episodes".*?</form>', html, re.S)
    assert found is not None
    page = found.group(0)
    names = set(re.findall(r'name="([a-z_]+)"', page)) - {"csrf_token", "full"}
    assert names == set(form_fields(Episode)) | set(checkboxes(Episode))
    bounds = {
        m.group(1): int(m.group(2))
        for m in re.finditer(r'name="([a-z_]+)"[^>]*maxlength="(\d+)"', page)
    }
    expected = {
        name: n for name, f in Episode.model_fields.items() if (n := max_length(f)) is not None
    }
    assert bounds == {k: v for k, v in expected.items() if k in names}
    assert bounds  # the free texts are there, each bounded


def test_the_about_page_gives_source_addresses_as_text_and_what_was_checked(
    client: TestClient,
) -> None:
    html = client.get("/about").text
    pack = load_pack()
    checked = next(s for s in pack.sources if s.checked and s.url)
    assert f">{checked.url}</span>" in html
    month, year = (checked.checked or "")[5:], (checked.checked or "")[:4]
    assert f"Сверено с источником: {month}.{year}" in html
    # Addresses are words to copy, never links the page itself would follow.
    assert f'href="{checked.url}"' not in html
    unchecked = [s for s in pack.sources if s.kind != "seed" and not s.checked]
    assert unchecked and html.count("Сверено с источником:") == sum(
        1 for s in pack.sources if s.checked
    )
