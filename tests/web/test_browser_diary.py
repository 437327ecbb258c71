"""Browser tests of the diary beyond episodes: a day checked in and a profile entered in the
web come back out of the doctor's PDF; the undo after a quick entry; a double tap counted once;
screenshots of the diary's pages at phone and desktop widths (tests/artifacts/)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from . import test_browser as _tb

# The browser, the server (one per module: a fresh diary) and the page come from test_browser.
browser, server, page = _tb.browser, _tb.server, _tb.page
go, shoot = _tb.go, _tb.shoot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


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
