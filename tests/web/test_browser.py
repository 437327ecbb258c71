"""Browser tests: Debian's Chromium through Playwright against a real server on a free port.

Each flow a person uses is driven as they would (clicks, keyboard), every page is checked by
axe-core for serious accessibility problems, nothing is requested from outside the app, the
CSP is never violated, and screenshots at phone and desktop widths go to tests/artifacts/.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from .support import SECRET

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(CHROMIUM).exists() and shutil.which(CHROMIUM) is None:
        pytest.skip(
            f"Chromium не найден ({CHROMIUM}); задайте SPASMNAV_CHROMIUM или apt install chromium"
        )
    db = tmp_path_factory.mktemp("browser") / "diary.db"
    port = _free_port()
    env = {
        **os.environ,
        "SPASMNAV_DATABASE_URL": f"sqlite:///{db}",
        "SPASMNAV_SECRET_KEY": SECRET,
        "SPASMNAV_MULTI_USER": "false",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "spasmnav.web.app:app_from_env",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode() if proc.stdout else ""
                pytest.fail(f"the server did not start:\n{out}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if proc.stdout:
            proc.stdout.close()


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


def test_exercise_session_with_timer_is_recorded(page: Any) -> None:
    go(page, "/exercises")
    shoot(page, "exercises")
    go(page, "/exercises/knee_flex_extend")
    page.get_by_role("button", name="Повтор сделан").click()
    page.get_by_role("button", name="Повтор сделан").click()
    page.get_by_role("button", name=re.compile("Начать удержание")).click()
    assert "Держите" in page.locator("[data-timer]").inner_text()
    page.wait_for_function(
        "() => document.querySelector('[data-timer]').textContent.includes('засчитан')",
        timeout=8000,
    )
    assert page.locator("[data-reps]").inner_text() == "3"
    assert page.get_by_label("Сколько повторений сделали").input_value() == "3"
    shoot(page, "exercise-player")
    page.get_by_role("button", name="Закончить и записать в дневник").click()
    page.wait_for_url(re.compile(r"saved=1"))
    assert "Занятие записано" in page.locator("[role=status]").inner_text()
    sessions = page.request.get(page.base + "/api/v1/diary/sessions").json()
    assert sessions[0]["exercise_id"] == "knee_flex_extend" and sessions[0]["repetitions"] == 3


def test_download_the_doctors_pdf(page: Any, tmp_path: Path) -> None:
    go(page, "/downloads")
    shoot(page, "downloads")
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Отчёт для врача")).click()
    path = tmp_path / "report.pdf"
    info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    assert info.value.suggested_filename.endswith(".pdf")


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
