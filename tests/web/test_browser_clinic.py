"""Browser test of the clinic: a multi-user server, a patient who shares by code, a clinician's
list in Chromium — and a patient whose diary worsens rises to the top of it."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from .support import PASSWORD, SECRET, serving
from .test_browser import CHROMIUM, DESKTOP, Watch, browser, shoot

__all__ = ["browser"]

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def clinic_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium не найден ({CHROMIUM})")
    db = tmp_path_factory.mktemp("clinic-browser") / "clinic.db"
    env = {
        **os.environ,
        "SPASMNAV_DATABASE_URL": f"sqlite:///{db}",
        "SPASMNAV_SECRET_KEY": SECRET,
        "SPASMNAV_MULTI_USER": "true",
        "SPASMNAV_SECURE_COOKIES": "false",  # plain http on 127.0.0.1 in the test
    }
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "spasmnav",
            "clinic",
            "add-clinician",
            "dr.smirnova",
            "--name",
            "Смирнова Е. А.",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    with serving(env) as base:
        yield base


def _patient(base: str, name: str) -> httpx.Client:
    c = httpx.Client(base_url=base, timeout=30)
    r = c.post("/api/v1/auth/register", json={"username": name, "password": PASSWORD})
    assert r.status_code == 201, r.text
    return c


def _code(c: httpx.Client, label: str) -> str:
    token = CSRF_RE.search(c.get("/diary/sharing").text)
    assert token
    r = c.post("/diary/sharing/codes", data={"label": label, "csrf_token": token.group(1)})
    found = re.search(r"data-code>([A-Z0-9-]+)<", r.text)
    assert found, r.text
    return found.group(1)


def _rows(page: Any) -> list[str]:
    return [t.strip() for t in page.locator("tr.patient th").all_inner_texts()]


def test_the_dashboard_puts_a_worsening_patient_on_top(browser: Any, clinic_server: str) -> None:
    base = clinic_server
    # Two patients: one shares in the browser, one over the API.
    calm = _patient(base, "vera")
    # Gleb's entry is the later one (entries are kept to the second: no tie within one).
    now = dt.datetime.now().astimezone().replace(microsecond=0)
    earlier = (now - dt.timedelta(hours=2)).isoformat()
    r = calm.post(
        "/api/v1/diary/episodes", json={"kind": "twitch", "intensity": 2, "started_at": earlier}
    )
    assert r.status_code == 201, r.text
    worse = _patient(base, "gleb")
    r = worse.post("/api/v1/diary/episodes", json={"kind": "cramp", "intensity": 3})
    assert r.status_code == 201, r.text
    codes = [_code(calm, "Вера"), _code(worse, "Глеб")]

    context = browser.new_context(viewport=DESKTOP, locale="ru-RU", accept_downloads=True)
    page = context.new_page()
    watch = Watch(base)
    watch.attach(page)
    try:
        page.goto(base + "/login")
        page.get_by_label("Имя пользователя").fill("dr.smirnova")
        page.get_by_label("Пароль").fill(PASSWORD)
        page.get_by_role("button", name="Войти").click()
        page.wait_for_url(re.compile(r"/clinic$"))
        for code in codes:
            page.get_by_label("Код, который дал пациент").fill(code)
            page.get_by_role("button", name="Добавить").click()
            page.wait_for_url(re.compile(r"/clinic/patients/\d+"))
            page.get_by_role("link", name="Все пациенты").click()
        # Gleb wrote last: with nothing alarming he is first by his latest entry.
        assert _rows(page) == ["Глеб", "Вера"]
        # Vera's diary worsens: six weeks, the last three with four episodes a day.
        today = dt.date.today()
        for back in range(42, -1, -1):
            for k in range(1 if back > 21 else 4):
                started = dt.datetime.combine(today - dt.timedelta(days=back), dt.time(8 + k))
                r = calm.post(
                    "/api/v1/diary/episodes",
                    json={
                        "kind": "spasm",
                        "intensity": 6,
                        "started_at": started.isoformat(),
                        "disturbs_sleep": back < 3,
                    },
                )
                assert r.status_code == 201
        page.reload()
        assert _rows(page) == ["Вера", "Глеб"], _rows(page)
        first = page.locator("tr.patient").first
        assert "Ухудшение по дневнику" in first.inner_text()
        assert "Эпизоды мешают спать" in first.inner_text()
        shoot(page, "clinic-dashboard")
        # The filter narrows the list to those who worsen.
        page.get_by_label("Показать").select_option("worsening")
        page.get_by_role("button", name="Применить").click()
        assert _rows(page) == ["Вера"]
        # Her page: the charts and the alert, acknowledged with a note.
        page.get_by_role("link", name="Вера").click()
        assert page.locator("img.chart").count() == 2
        shoot(page, "clinic-patient")
        alert = page.locator(".card.alert-worsening")
        alert.get_by_label("Заметка").fill("Позвонила, приём в четверг")
        alert.get_by_role("button", name="Просмотрено").click()
        page.wait_for_url(re.compile(r"done=ack"))
        assert "Позвонила, приём в четверг" in (page.locator("details.acks").text_content() or "")
        assert page.locator(".card.alert-worsening").count() == 0
    finally:
        context.close()
        calm.close()
        worse.close()
    watch.check()
    # And Vera can read who looked at her diary.
    with httpx.Client(base_url=base, timeout=30) as vera:
        vera.post("/api/v1/auth/login", json={"username": "vera", "password": PASSWORD})
        log = vera.get("/diary/sharing").text
        assert "Смирнова Е. А." in log and "открыл(а) ваш дневник" in log
