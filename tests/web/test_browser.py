"""Browser tests: Debian's Chromium through Playwright against a real server on a free port.

Each flow a person uses is driven as they would (clicks, keyboard), every page is checked by
axe-core for serious accessibility problems, nothing is requested from outside the app, the
CSP is never violated, and screenshots at phone and desktop widths go to tests/artifacts/.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .support import SECRET, free_port, serving

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = os.environ.get("SPASMNAV_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(CHROMIUM).exists() and shutil.which(CHROMIUM) is None:
        pytest.skip(
            f"Chromium не найден ({CHROMIUM}); задайте SPASMNAV_CHROMIUM или apt install chromium"
        )
    db = tmp_path_factory.mktemp("browser") / "diary.db"
    port = free_port()
    env = {
        **os.environ,
        "SPASMNAV_DATABASE_URL": f"sqlite:///{db}",
        "SPASMNAV_SECRET_KEY": SECRET,
        "SPASMNAV_MULTI_USER": "false",
    }
    with serving(env, port) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium не найден ({CHROMIUM})")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


class Watch:
    """Requests leaving the app and CSP violations seen by a page."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.external: list[str] = []
        self.csp: list[str] = []
        self.errors: list[str] = []

    def attach(self, page: Any) -> None:
        def on_request(request: Any) -> None:
            url = request.url
            if not url.startswith((self.base, "data:", "blob:", "about:")):
                self.external.append(url)

        def on_console(msg: Any) -> None:
            if "Content Security Policy" in msg.text:
                self.csp.append(msg.text)

        page.on("request", on_request)
        page.on("console", on_console)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def check(self) -> None:
        assert not self.external, f"external requests: {self.external}"
        assert not self.csp, f"CSP violations: {self.csp}"
        assert not self.errors, f"JavaScript errors: {self.errors}"


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    context = browser.new_context(viewport=DESKTOP, locale="ru-RU", accept_downloads=True)
    pg = context.new_page()
    watch = Watch(server)
    watch.attach(pg)
    pg.base = server
    yield pg
    context.close()
    watch.check()


def shoot(page: Any, name: str) -> None:
    """Screenshots at desktop and phone widths (full page), after an axe-core audit."""
    audit(page, name)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(ARTIFACTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(ARTIFACTS / f"{name}-phone.png"), full_page=True)
    # Nothing sideways on a phone: the page fits 390 px.
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= PHONE["width"] + 1, f"{name}: horizontal scroll on a phone ({overflow}px)"
    page.set_viewport_size(DESKTOP)


def audit(page: Any, name: str) -> None:
    # The page's CSP forbids injected <script> tags (add_script_tag), and it must stay so;
    # evaluating through the DevTools protocol is not subject to it.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {
              runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
              resultTypes: ['violations'],
            });
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }"""
    )
    bad = [v for v in result if v["impact"] in ("serious", "critical")]
    assert not bad, f"{name}: accessibility problems: {bad}"


_AXE_CACHE: list[str] = []


def _axe_source() -> str:
    if not _AXE_CACHE:
        _AXE_CACHE.append(AXE.read_text(encoding="utf-8") + "\n;0")
    return _AXE_CACHE[0]


def go(page: Any, path: str) -> None:
    page.goto(page.base + path)


def test_emergency_free_text(page: Any) -> None:
    go(page, "/")
    assert "звоните" in page.locator(".emergency-line").inner_text()
    shoot(page, "home")
    page.get_by_role("link", name="Описать своими словами").click()
    page.get_by_label("Что происходит с ногой?").fill(
        "У папы вдруг судороги всего тела, он потерял сознание и не отвечает"
    )
    shoot(page, "assess-form")
    page.get_by_role("button", name="Оценить").click()
    level = page.locator(".level")
    assert "level-emergency" in (level.get_attribute("class") or "")
    assert "СРОЧНО" in level.inner_text()
    call = page.get_by_role("link", name="Позвонить 103")
    assert call.is_visible() and call.get_attribute("href") == "tel:103"
    colours = call.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]")
    assert colours[0] != colours[1], "the call button's text must be visible"
    # The call is the first thing on the page after the header, above the fold on a phone.
    page.set_viewport_size(PHONE)
    box = call.bounding_box()
    assert box is not None and box["y"] + box["height"] < PHONE["height"]
    page.set_viewport_size(DESKTOP)
    assert page.locator("#exercises").count() == 0
    shoot(page, "result-emergency")


def test_self_care_free_text_with_the_keyboard_only(page: Any) -> None:
    go(page, "/assess")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    textarea = page.locator("#text")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "text":
            break
    assert page.evaluate("document.activeElement.id") == "text"
    page.keyboard.type("Ночью свело икру, потянула носок на себя — прошло. Слабости нет.")
    assert "икру" in textarea.input_value()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Оценить"
    page.keyboard.press("Enter")
    page.wait_for_selector(".level")
    assert "level-self_care" in (page.locator(".level").get_attribute("class") or "")
    assert page.locator("mark.hit").count() >= 1
    assert page.locator("a.button-now[href^='/exercises/']").is_visible()
    assert not page.locator("#exercises").is_visible()  # under «Подробнее»
    page.locator("details.more-details > summary").click()
    assert page.locator("#exercises").is_visible()
    shoot(page, "result-self-care")
    page.get_by_role("button", name="Сохранить оценку в дневник").click()
    page.wait_for_url(re.compile(r"/diary\?saved=assessment"))
    assert "Оценка сохранена" in page.locator("[role=status]").inner_text()


def test_the_red_flag_check_is_shown_and_answering_it_changes_the_level(page: Any) -> None:
    go(page, "/assess")
    page.get_by_label("Что происходит с ногой?").fill("Ночью свело икру, потянул носок — прошло")
    page.get_by_role("button", name="Оценить").click()
    assert "level-self_care" in (page.locator(".level").get_attribute("class") or "")
    check = page.locator(".check")
    assert check.is_visible() and "Проверьте, нет ли сейчас" in check.inner_text()
    shoot(page, "result-check")
    check.get_by_text("Ответить и пересчитать").click()
    # Answer: a sudden weakness — yes; everything else — no. No script is needed.
    for item in check.locator("fieldset").all():
        name = item.locator("input").first.get_attribute("name") or ""
        value = "yes" if name == "check_stroke_signs" else "no"
        item.locator(f"input[value={value}]").check()
    check.get_by_role("button", name="Проверить и пересчитать").click()
    page.wait_for_selector(".level")
    assert "level-emergency" in (page.locator(".level").get_attribute("class") or "")
    assert page.get_by_role("link", name="Позвонить 103").is_visible()
    shoot(page, "result-check-answered")


def test_full_interview(page: Any) -> None:
    go(page, "/")
    page.get_by_role("link", name="Ответить на вопросы").click()
    page.wait_for_selector("#question")
    shoot(page, "interview-question")
    for _ in range(40):
        if page.locator("#question").count() == 0:
            if page.get_by_role("button", name="Всё верно — показать результат").count():
                shoot(page, "interview-summary")
                # «Изменить» next to an answer asks that question again, the others stay.
                page.get_by_role("button", name=re.compile("^Изменить")).first.click()
                page.wait_for_selector("#question")
                assert page.locator(".progress").inner_text() == "Изменить ответ на вопрос 1"
                page.wait_for_function("() => document.activeElement.id === 'question'")
                shoot(page, "interview-edit")
                page.get_by_role("button", name="Оставить как было").click()
                page.wait_for_selector("text=Проверьте ответы")
                page.get_by_role("button", name="Всё верно — показать результат").click()
                page.wait_for_selector(".level")
            break
        number = page.locator(".progress").inner_text()
        link = page.locator("input[name=link_id]").get_attribute("value")
        if link == "subject":
            page.get_by_role("button", name="О себе", exact=False).first.click()
        elif page.locator("input[type=checkbox][value=none]").count():
            page.locator("input[type=checkbox][value=none]").check()
            page.get_by_role("button", name="Дальше").first.click()
        elif page.get_by_role("button", name="Нет", exact=True).count():
            page.get_by_role("button", name="Нет", exact=True).click()
        else:
            page.get_by_role("button", name="Не знаю").click()
        page.wait_for_function(
            "n => !document.querySelector('.progress') ||"
            " document.querySelector('.progress').textContent !== n",
            arg=number,
        )
    assert page.locator(".level").count() == 1
    shoot(page, "interview-result")


def test_diary_add_episode_and_see_the_chart_change(page: Any) -> None:
    go(page, "/diary")
    page.get_by_role("button", name="Судорога (крампи)").click()
    page.wait_for_selector("#diary-live [role=status]")
    chart = page.locator("#diary-live img.chart")
    src_before = chart.get_attribute("src")
    png_before = page.request.get(page.base + src_before).body()
    page.locator("input[name=leg][value=left]").check()
    page.get_by_role("button", name="Подёргивание").click()
    page.wait_for_function(
        "s => document.querySelector('#diary-live img.chart').getAttribute('src') !== s",
        arg=src_before,
    )
    src_after = chart.get_attribute("src")
    png_after = page.request.get(page.base + src_after).body()
    assert png_before != png_after, "the chart did not change after adding an episode"
    assert page.locator(".episode").count() >= 2
    assert not page.locator("input[name=leg][value=left]").is_checked()  # form reset
    page.wait_for_function("() => document.querySelector('#diary-live img.chart').complete")
    shoot(page, "diary")
    go(page, "/diary/trends")
    shoot(page, "trends")


def test_diary_note_with_script_is_shown_as_text(page: Any) -> None:
    go(page, "/diary/episodes/new")
    page.get_by_label("Спазм").check()
    page.get_by_label("Заметка").fill("<script>window.__pwned = 1</script> жжёт")
    shoot(page, "episode-form")
    page.get_by_role("button", name="Сохранить").click()
    page.wait_for_url(re.compile(r"/diary\?added="))
    assert "<script>window.__pwned = 1</script> жжёт" in page.locator(".episodes").inner_text()
    assert page.evaluate("window.__pwned") is None
    page.locator(".episode").first.get_by_role("link", name=re.compile("Удалить")).click()
    shoot(page, "episode-delete")
    page.get_by_role("button", name="Да, удалить").click()
    page.wait_for_url(re.compile(r"/diary\?deleted="))


def test_download_the_doctors_pdf(page: Any, tmp_path: Path) -> None:
    go(page, "/downloads")
    shoot(page, "downloads")
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Отчёт для врача")).click()
    path = tmp_path / "report.pdf"
    info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    assert info.value.suggested_filename.endswith(".pdf")


def test_download_the_diary_as_fhir(page: Any, tmp_path: Path) -> None:
    go(page, "/downloads")
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("для клиники")).click()
    path = tmp_path / "diary.json"
    info.value.save_as(path)
    bundle = json.loads(path.read_text(encoding="utf-8"))
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    assert info.value.suggested_filename == "spasmnav-fhir.json"


# --- From a new user's chair: the result's first screen, the interview, the player ----------

SELF_CARE = "ночью свело икру, потянула носок и прошло"


def _assess(page: Any, text: str) -> None:
    go(page, "/assess")
    page.locator("#text").fill(text)
    page.get_by_role("button", name="Оценить").click()
    page.wait_for_selector(".level")


def test_the_first_screen_of_a_self_care_result_fits_a_phone(page: Any) -> None:
    page.set_viewport_size(PHONE)
    _assess(page, SELF_CARE)
    assert "level-self_care" in (page.locator(".level").get_attribute("class") or "")
    more = page.locator("details.more-details")
    assert more.get_attribute("open") is None
    summary = more.locator("> summary")
    assert summary.inner_text().strip() == "Подробнее"
    box = summary.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"], box
    # The level, one sentence of why, and at most three things to do now.
    why = page.locator(".level-why").inner_text()
    assert why.count(". ") == 0 and why.endswith(".")
    things = page.locator(".now-list > li")
    assert 1 <= things.count() <= 3
    for i in range(things.count()):
        b = things.nth(i).bounding_box()
        assert b is not None and b["y"] + b["height"] <= PHONE["height"]
    # Everything else is folded: the tests, the reasons, the advice cards.
    assert not page.locator("#tests").is_visible() and not page.locator("#why").is_visible()
    page.screenshot(path=str(ARTIFACTS / "result-self-care-first-screen-phone.png"))
    summary.click()
    assert page.locator("#why").is_visible() and page.locator("#exercises").is_visible()
    shoot(page, "result-self-care-details")


def _to_first_list_question(page: Any) -> None:
    go(page, "/interview")
    page.get_by_role("button", name="О себе", exact=False).first.click()
    page.wait_for_selector("input[type=checkbox][value=none]")


def _answer_errors(page: Any) -> list[str]:
    """The errors for «Дальше» with nothing ticked, then with «Ничего из этого» and another."""
    out = []
    page.get_by_role("button", name="Дальше").first.click()
    page.wait_for_selector("#answer-error")
    out.append(page.locator("#answer-error").inner_text())
    page.locator("input[type=checkbox]").first.check()
    page.locator("input[type=checkbox][value=none]").check()
    page.get_by_role("button", name="Дальше").first.click()
    page.wait_for_function(
        "t => document.querySelector('#answer-error') &&"
        " document.querySelector('#answer-error').textContent !== t",
        arg=out[0],
    )
    out.append(page.locator("#answer-error").inner_text())
    # What was ticked stays ticked, so it can be corrected.
    assert page.locator("input[type=checkbox][value=none]").is_checked()
    return out


def test_the_interview_shows_the_same_error_with_and_without_javascript(
    page: Any, browser: Any
) -> None:
    _to_first_list_question(page)
    with_js = _answer_errors(page)
    assert "Отметьте хотя бы один" in with_js[0]
    assert "нельзя отметить вместе" in with_js[1]
    # The error is announced and has the focus.
    assert page.locator("#answer-error").get_attribute("role") == "alert"
    page.wait_for_function("() => document.activeElement.id === 'answer-error'", timeout=5000)
    shoot(page, "interview-error")
    context = browser.new_context(viewport=PHONE, locale="ru-RU", java_script_enabled=False)
    try:
        nojs = context.new_page()
        nojs.base = page.base
        _to_first_list_question(nojs)
        assert _answer_errors(nojs) == with_js
    finally:
        context.close()


def test_focus_lands_on_the_next_question_with_and_without_javascript(
    page: Any, browser: Any
) -> None:
    _to_first_list_question(page)
    page.wait_for_function("() => document.activeElement.id === 'question'", timeout=5000)
    assert re.fullmatch(r"Вопрос 2 из примерно \d+", page.locator(".progress").inner_text())
    page.locator("input[type=checkbox][value=none]").check()
    page.get_by_role("button", name="Дальше").first.click()
    page.wait_for_function("() => document.querySelector('.progress').textContent.includes('3')")
    page.wait_for_function("() => document.activeElement.id === 'question'", timeout=5000)
    # One Tab from the heading reaches the first answer.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('fieldset') !== null")
    context = browser.new_context(viewport=PHONE, locale="ru-RU", java_script_enabled=False)
    try:
        nojs = context.new_page()
        nojs.base = page.base
        _to_first_list_question(nojs)
        assert nojs.evaluate("document.activeElement.id") == "question"
    finally:
        context.close()


PUSHED = """() => history.state && history.state.spasmnavInterview ===
  document.querySelector('#interview input[name=state]').value"""


def test_the_browsers_back_returns_to_the_previous_question_with_its_answers(page: Any) -> None:
    _to_first_list_question(page)
    page.wait_for_function(PUSHED)
    first = page.locator("#question").inner_text()
    page.locator("input[type=checkbox][value=none]").check()
    page.get_by_role("button", name="Дальше").first.click()
    page.wait_for_function("t => document.querySelector('#question').textContent !== t", arg=first)
    page.wait_for_function(PUSHED)  # the new question is in the browser's history
    second = page.locator("#question").inner_text()
    page.go_back()
    page.wait_for_function("t => document.querySelector('#question').textContent === t", arg=first)
    assert page.url.endswith("/interview")
    state = page.locator("input[name=state]").first.get_attribute("value") or ""
    assert '"subject":"self"' in state.replace(" ", "")  # the first answer is kept
    page.wait_for_function("() => document.activeElement.id === 'question'", timeout=5000)
    page.go_forward()
    page.wait_for_function("t => document.querySelector('#question').textContent === t", arg=second)
    assert '"rf_stroke":["none"]' in (
        page.locator("input[name=state]").first.get_attribute("value") or ""
    ).replace(" ", "")


def test_read_aloud_uses_only_a_local_russian_voice(browser: Any, server: str) -> None:
    stub = """
      (() => {
        const spoken = [];
        window.__spoken = spoken;
        const voices = VOICES;
        Object.defineProperty(window, 'speechSynthesis', {value: {
          getVoices: () => voices, speak: u => spoken.push([u.text, u.lang, u.voice.name]),
          cancel: () => {}, addEventListener: () => {},
        }});
        window.SpeechSynthesisUtterance = function (t) { this.text = t; };
      })();
    """
    cases = {
        "local": '[{"name": "ru-local", "lang": "ru-RU", "localService": true},'
        ' {"name": "ru-cloud", "lang": "ru-RU", "localService": false}]',
        "cloud": '[{"name": "ru-cloud", "lang": "ru-RU", "localService": false},'
        ' {"name": "en", "lang": "en-US", "localService": true}]',
    }
    for name, voices in cases.items():
        context = browser.new_context(viewport=PHONE, locale="ru-RU")
        context.add_init_script(stub.replace("VOICES", voices))
        pg = context.new_page()
        pg.base = server
        try:
            _assess(pg, SELF_CARE)
            button = pg.get_by_role("button", name="Прочитать вслух")
            if name == "cloud":
                assert button.count() == 0 or not button.first.is_visible()
                continue
            button.first.click()
            spoken = pg.evaluate("window.__spoken")
            assert spoken and spoken[-1][2] == "ru-local" and spoken[-1][1] == "ru-RU"
            assert "Можно наблюдать" in spoken[-1][0]
            for path in ("/interview", "/exercises/breathing_446"):
                go(pg, path)
                pg.get_by_role("button", name="Прочитать вслух").first.click()
                text = pg.evaluate("window.__spoken")[-1][0]
                assert text and ("О ком" in text or "Начать" in text), text
        finally:
            context.close()


AUDIO_STUB = """
  (() => {
    window.__beeps = 0; window.__buzz = 0;
    navigator.vibrate = () => { window.__buzz += 1; return true; };
    window.AudioContext = function () {
      this.currentTime = 0; this.state = 'running'; this.destination = {};
      const param = {value: 0, setValueAtTime() {}, exponentialRampToValueAtTime() {}};
      this.createGain = () => ({gain: param, connect() {}});
      this.createOscillator = () => ({frequency: {value: 0}, connect() {},
        start() { window.__beeps += 1; }, stop() {}});
    };
    window.__said = [];
    new MutationObserver(() => {
      const s = document.querySelector('[data-status]');
      if (s && window.__said[window.__said.length - 1] !== s.textContent)
        window.__said.push(s.textContent);
    }).observe(document, {subtree: true, childList: true, characterData: true});
  })();
"""


def _exercise_ids() -> list[str]:
    from spasmnav.content import load_pack

    return [x.id for x in load_pack().exercises]


@pytest.mark.parametrize("exercise_id", _exercise_ids())
def test_every_exercise_plays_to_its_finish_and_records_a_session(
    browser: Any, server: str, exercise_id: str
) -> None:
    import json

    from spasmnav.content import load_pack
    from spasmnav.presenter import exercise_view

    pack = load_pack()
    plan = exercise_view(pack.exercise(exercise_id).card(pack)).plan
    context = browser.new_context(viewport=PHONE, locale="ru-RU")
    context.add_init_script(AUDIO_STUB)
    pg = context.new_page()
    watch = Watch(server)
    watch.attach(pg)
    pg.base = server
    try:
        go(pg, f"/exercises/{exercise_id}?speed=400")
        assert json.loads(pg.locator("[data-player]").get_attribute("data-plan") or "") == plan
        for _ in range(200):
            if pg.locator("[data-player][data-finished]").count():
                break
            order = ["[data-start]", "[data-rep]", "[data-next-side]", "[data-stop]"]
            untargeted = plan["mode"] == "count" and not plan["reps"]
            if untargeted and int(pg.locator("[data-reps]").inner_text()) >= 3:
                order = ["[data-stop]"]  # an untargeted count: three repetitions, then stop
            for sel in order:
                b = pg.locator(sel)
                if b.count() and b.is_visible():
                    if sel in ("[data-next-side]", "[data-stop]"):
                        pg.wait_for_timeout(30)  # let the clock run a little
                    b.click()
                    break
            else:
                pg.wait_for_timeout(20)
        assert pg.locator("[data-player][data-finished]").count(), pg.locator(
            "[data-status]"
        ).inner_text()
        said = pg.evaluate("window.__said")
        status = pg.locator("[data-status]").inner_text()
        assert status.startswith("Готово"), status
        reps = plan["reps"] or 0
        sides = plan["sides"]
        if reps or plan["mode"] == "count":
            done = str(reps * sides) if reps else "3"
            assert pg.get_by_label("Сколько повторений сделали").input_value() == done
        assert pg.get_by_label("Сколько подходов").input_value() == str(sides)
        if plan["mode"] == "breathing":
            for cue in ("Вдох: 4 с", "Задержите дыхание: 4 с", "Выдох: 6 с"):
                assert cue in said, said
            assert pg.locator("[data-cue]").get_attribute("data-phase") == ""
        if plan["mode"] == "hold":
            hold = plan["phases"][0]["seconds"]
            for n in range(hold, 0, -1):
                assert f"{plan['phases'][0]['say']}: {n} с" in said, said
        # A sound and a vibration at each change.
        changes = pg.evaluate("[window.__beeps, window.__buzz]")
        assert changes[0] >= 2 and changes[1] >= 2, changes
        if exercise_id == "breathing_446":
            shoot(pg, "exercise-player-finished")
        pg.get_by_role("button", name="Закончить и записать в дневник").click()
        pg.wait_for_url(re.compile(r"saved=1"))
        assert "Занятие записано" in pg.locator("[role=status]").first.inner_text()
        sessions = pg.request.get(server + "/api/v1/diary/sessions").json()
        latest = max(sessions, key=lambda x: x["id"])
        assert latest["exercise_id"] == exercise_id
        assert latest["sets"] == sides
        if reps or plan["mode"] == "count":
            assert latest["repetitions"] == (reps * sides if reps else 3)
    finally:
        context.close()
    watch.check()


def test_the_mute_switch_silences_the_player(browser: Any, server: str) -> None:
    context = browser.new_context(viewport=PHONE, locale="ru-RU")
    context.add_init_script(AUDIO_STUB)
    pg = context.new_page()
    pg.base = server
    try:
        go(pg, "/exercises/breathing_446?speed=400")
        shoot(pg, "exercise-player")
        pg.get_by_label("Без звука и вибрации").check()
        pg.get_by_role("button", name="Начать").click()
        pg.wait_for_selector("[data-player][data-finished]")
        assert pg.evaluate("[window.__beeps, window.__buzz]") == [0, 0]
        go(pg, "/exercises/breathing_446")  # the choice is remembered
        assert pg.get_by_label("Без звука и вибрации").is_checked()
    finally:
        context.close()


TARGETS = """() => {
  const out = [];
  const seen = new Set();
  for (const el of document.querySelectorAll('a, button, summary, select, textarea, input')) {
    let box = el;
    if (el.matches('input[type=hidden]')) continue;
    if (el.matches('input[type=radio], input[type=checkbox]')) box = el.closest('label') || el;
    if (seen.has(box)) continue;
    seen.add(box);
    const r = box.getBoundingClientRect();
    const st = getComputedStyle(box);
    if (!r.width || !r.height || st.visibility === 'hidden' || box.closest('[hidden]')) continue;
    if (el.classList.contains('skip-link') || r.right < 0) continue;
    if (r.width < 44 || r.height < 44)
      out.push([box.tagName, (box.textContent || box.name || '').trim().slice(0, 40),
                Math.round(r.width), Math.round(r.height)]);
  }
  return out;
}"""


@pytest.mark.parametrize("width", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_tap_target_is_at_least_44_px(page: Any, width: dict[str, int]) -> None:
    page.set_viewport_size(width)
    pages = ["/", "/assess", "/interview", "/exercises", "/exercises/straight_leg_raise"]
    pages += ["/diary", "/diary/trends", "/downloads", "/about", "/diary/episodes/new"]
    small: dict[str, Any] = {}
    for path in pages:
        go(page, path)
        if width == DESKTOP:
            shoot(page, "page" + (path.replace("/", "-").rstrip("-") or "-home"))
        bad = page.evaluate(TARGETS)
        if bad:
            small[path] = bad
    _assess(page, SELF_CARE)
    page.locator("details.more-details > summary").click()
    bad = page.evaluate(TARGETS)
    if bad:
        small["result"] = bad
    assert not small, small


# --- The diary beyond episodes: check-in, profile, medicines, scales, undo, double tap --------
# A day checked in and a profile entered in the web come back out of the doctor's PDF.


def _pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) не установлен")
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _total(pg: Any) -> int:
    return int(pg.request.get(pg.base + "/api/v1/diary/episodes").json()["total"])


def test_a_day_and_a_profile_entered_in_the_web_are_in_the_pdf(page: Any, tmp_path: Path) -> None:
    go(page, "/diary")
    page.get_by_role("link", name=re.compile("Как прошёл день")).click()
    page.wait_for_url(re.compile(r"/diary/day"))
    # The profile first, from the diary's own links.
    go(page, "/diary")
    page.get_by_role("link", name=re.compile("О себе")).click()
    page.get_by_label("Год рождения").fill("1948")
    page.get_by_label("Дата инсульта, если он был").fill("2025-03-14")
    page.get_by_role("group", name="Сахарный диабет").get_by_label("Да").check()
    page.get_by_label("Лекарства, которые принимаете сейчас").fill("Баклофен\nАспирин")
    shoot(page, "diary-profile")
    page.get_by_role("button", name="Сохранить").click()
    page.wait_for_url(re.compile(r"/diary/profile\?saved=1"))
    assert "Сохранено" in page.get_by_role("status").inner_text()

    # The check-in: yesterday, a calm day, cold, Baclofen ticked, Penn 1, in one screen.
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    go(page, "/diary/day")
    page.get_by_label("Другой день").fill(yesterday)
    page.get_by_role("button", name="Показать").click()
    page.wait_for_url(re.compile(rf"day={yesterday}"))
    assert "эпизодов не записано" in page.locator("main").inner_text()
    page.get_by_label("Холод").check()
    page.get_by_label("Баклофен").check()
    page.get_by_role("radio", name=re.compile("лёгкие спазмы")).check()
    page.get_by_label("Как прошёл день — своими словами").fill("Тихий день, гуляли в парке")
    shoot(page, "diary-checkin")
    page.get_by_role("button", name="Сохранить день").click()
    page.wait_for_url(re.compile(r"saved=1"))
    assert "отмечен в дневнике" in page.get_by_role("status").inner_text()
    shoot(page, "diary-checkin-saved")

    go(page, "/downloads")
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Отчёт для врача")).click()
    pdf = tmp_path / "report.pdf"
    info.value.save_as(pdf)
    text = _pdf_text(pdf)
    flat = " ".join(text.split())
    assert "1948 (около" in flat
    assert "Инсульт 14.03.2025" in flat
    assert "Сахарный диабет да" in flat
    assert "Баклофен; Аспирин" in flat
    day = dt.date.fromisoformat(yesterday).strftime("%d.%m.%Y")
    assert f"{day} — без эпизодов; провокаторы: холод; «Тихий день, гуляли в парке»" in flat
    assert "шкала частоты спазмов Пенна — 1 (самооценка)" in flat
    assert "Баклофен: 1 раз" in flat
    assert "не указан" not in flat.split("Что показывает дневник")[0].replace(
        "не указано", ""
    )  # the «Кто» section is filled in
    assert "spasmnav diary day" not in flat


def test_undo_after_a_quick_entry(page: Any) -> None:
    go(page, "/diary")
    before = _total(page)
    page.get_by_role("button", name="Спазм").click()
    status = page.locator("#diary-live [role=status]")
    status.wait_for()
    assert _total(page) == before + 1
    undo = page.get_by_role("button", name=re.compile("Отменить"))
    assert undo.is_visible()
    shoot(page, "diary-undo")
    undo.click()
    page.wait_for_function(
        "() => document.querySelector('#diary-live [role=status]')"
        " && document.querySelector('#diary-live [role=status]').textContent.includes('отменена')"
    )
    assert _total(page) == before
    # The next entry's undo goes away by itself after ten seconds; the record stays.
    page.get_by_role("button", name="Скованность").click()
    page.get_by_role("button", name=re.compile("Отменить")).wait_for()
    page.wait_for_selector("form[data-undo-seconds]", state="detached", timeout=14_000)
    assert _total(page) == before + 1


def test_a_double_tap_is_counted_once(page: Any) -> None:
    go(page, "/diary")
    before = _total(page)
    page.locator("input[name=leg][value=right]").check()
    page.get_by_role("button", name="Подёргивание").dblclick()
    page.locator("#diary-live [role=status]").wait_for()
    page.wait_for_timeout(500)
    assert _total(page) == before + 1
    # The same guard holds for a double submit with no JavaScript at all (the form re-sent).
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    form = {"kind": "tremor", "leg": "both", "csrf_token": token}
    for _ in range(3):
        r = page.request.post(page.base + "/diary/episodes", form=form, max_redirects=0)
        assert r.status in (200, 303)
    assert _total(page) == before + 2


def test_screenshots_of_trends_medicines_and_scales(page: Any) -> None:
    # A month of diary, so the trends page has charts, a table and an incomplete week.
    today = dt.datetime.now().replace(second=0, microsecond=0)
    for i in range(40):
        day = today - dt.timedelta(days=i, hours=1)
        for k in range(1 + i % 3):
            r = page.request.post(
                page.base + "/api/v1/diary/episodes",
                data={
                    "kind": ("cramp", "twitch", "spasm")[k],
                    "started_at": (day - dt.timedelta(minutes=10 * k)).isoformat(),
                    "intensity": 3 + (i + k) % 6,
                    "triggers": ["caffeine"] if i % 4 == 0 else [],
                },
            )
            assert r.status == 201, r.text()
    go(page, "/diary/trends")
    page.wait_for_function("() => [...document.images].every(i => i.complete)")
    table = page.locator("table.chart-table").first
    assert table.is_visible()  # the table stands beside the chart, not folded away
    assert "неделя не полная" in table.inner_text()
    assert "ДИ" not in page.locator(".plain-list").first.inner_text()
    page.locator("details.details-numbers summary").first.click()
    assert "95 % ДИ" in page.locator("details.details-numbers").first.inner_text()
    shoot(page, "diary-trends")
    go(page, "/diary/medicines")
    page.get_by_label("Название, как на упаковке").fill("Баклофен")
    page.get_by_label(re.compile("^Сколько")).fill("1 таблетка")
    page.get_by_role("button", name="Записать приём").click()
    page.wait_for_url(re.compile(r"saved=1"))
    shoot(page, "diary-medicines")
    go(page, "/diary/scores")
    page.get_by_label(re.compile("Шкала Ашворта")).check()
    page.get_by_role("radio", name=re.compile(r"1\+ — лёгкое")).check()
    page.get_by_role("button", name="Записать оценку").click()
    page.wait_for_url(re.compile(r"saved=1"))
    shoot(page, "diary-scores")
    go(page, "/diary")
    page.wait_for_function("() => [...document.images].every(i => i.complete)")
    shoot(page, "diary-with-links")
