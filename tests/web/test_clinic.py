"""The clinic: roles, shares by one-time code, the access log, the clinician's list and
patient page, alerts and their acknowledgement, scale scores, rollups kept on write."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select
from typer.testing import CliRunner

from spasmnav.cli import app as cli_app
from spasmnav.diary.models import Assessment, Episode
from spasmnav.diary.orm import Base, RollupRow
from spasmnav.diary.store import Store
from spasmnav.web import accounts as _accounts  # noqa: F401  (tables in Base.metadata)
from spasmnav.web import clinic as _clinic  # noqa: F401
from spasmnav.web.clinic import AlertAckRow, open_alerts

from .clinicsupport import linked_patient, login, make_staff, share_code
from .conftest import ClientFactory
from .support import TestClient, csrf, register


def _worsening(client: TestClient, days: int = 42) -> None:
    """Episodes rising week by week up to today: the trend says «учащаются»."""
    today = dt.date.today()
    for back in range(days, -1, -1):
        n = 1 if back > days // 2 else 4
        for k in range(n):
            started = dt.datetime.combine(today - dt.timedelta(days=back), dt.time(8 + k))
            r = client.post(
                "/api/v1/diary/episodes",
                json={"kind": "spasm", "intensity": 5, "started_at": started.isoformat()},
            )
            assert r.status_code == 201, r.text


@pytest.fixture
def clinic(clinic_app: Any, clinic_client: ClientFactory) -> dict[str, Any]:
    make_staff(clinic_app, "dr.ivanova", "clinician", "Иванова А. П.")
    make_staff(clinic_app, "dr.petrov", "clinician", "Петров Б. В.")
    make_staff(clinic_app, "chief", "admin")
    people = {}
    for name in ("anna", "boris"):
        c = clinic_client()
        register(c, name)
        people[name] = c
    doc = clinic_client()
    login(doc, "dr.ivanova")
    other = clinic_client()
    login(other, "dr.petrov")
    admin = clinic_client()
    login(admin, "chief")
    return {"app": clinic_app, "doc": doc, "other": other, "admin": admin, **people}


def test_share_by_code_list_revoke_and_the_access_log(clinic: dict[str, Any]) -> None:
    anna, doc = clinic["anna"], clinic["doc"]
    assert "Пока никто не поделился" in doc.get("/clinic").text
    code = share_code(anna, "Анна К.")
    assert "ещё не использован" in anna.get("/diary/sharing").text
    pid = linked_patient(doc, code)
    page = doc.get(f"/clinic/patients/{pid}")
    assert page.status_code == 200 and "Анна К." in page.text
    assert "Анна К." in doc.get("/clinic").text
    # The code works once only.
    r = doc.post("/clinic/link", data={"code": code, "csrf_token": csrf(doc, "/clinic")})
    assert r.status_code == 422 and "Такого кода нет" in r.text
    # The patient sees who looked and what.
    mine = anna.get("/diary/sharing").text
    assert "Иванова А. П." in mine and "открыл(а) ваш дневник" in mine
    assert "видел(а) сводку в списке пациентов" in mine
    # Revoking ends the clinician's access at once.
    share_id = _share_id(clinic["app"], pid)
    r = anna.post(
        f"/diary/sharing/{share_id}/revoke",
        data={"csrf_token": csrf(anna, "/diary/sharing")},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert doc.get(f"/clinic/patients/{pid}").status_code == 404
    assert "Анна К." not in doc.get("/clinic").text
    assert "закрыт" in anna.get("/diary/sharing").text


def _share_id(app: Any, pid: int) -> int:
    from spasmnav.web.clinic import ShareRow

    store: Store = app.state.core.services.store()
    with store.reading() as s:
        return int(
            s.scalars(
                select(ShareRow.id).where(
                    ShareRow.person_id == pid, ShareRow.linked_at.is_not(None)
                )
            ).one()
        )


def test_an_expired_code_is_refused(clinic: dict[str, Any]) -> None:
    from sqlalchemy import update

    from spasmnav.web.clinic import ShareRow

    code = share_code(clinic["anna"])
    store: Store = clinic["app"].state.core.services.store()
    with store.writing() as s:
        s.execute(update(ShareRow).values(expires_at=dt.datetime.now() - dt.timedelta(hours=1)))
    r = clinic["doc"].post(
        "/clinic/link", data={"code": code, "csrf_token": csrf(clinic["doc"], "/clinic")}
    )
    assert r.status_code == 422 and "Срок кода истёк" in r.text


def test_the_worsening_patient_is_on_top_and_an_ack_closes_the_alert(
    clinic: dict[str, Any],
) -> None:
    anna, boris, doc = clinic["anna"], clinic["boris"], clinic["doc"]
    pa = linked_patient(doc, share_code(anna, "Анна"))
    pb = linked_patient(doc, share_code(boris, "Борис"))
    listing = doc.get("/clinic").text
    assert "Нет записей 14 дней" in listing  # neither has written anything yet
    earlier = (dt.datetime.now() - dt.timedelta(hours=2)).isoformat(timespec="seconds")
    anna.post("/api/v1/diary/episodes", json={"kind": "twitch", "started_at": earlier})
    boris.post("/api/v1/diary/episodes", json={"kind": "twitch", "intensity": 2})
    listing = doc.get("/clinic").text
    assert "Нет записей" not in listing
    assert listing.index("Борис") < listing.index("Анна")  # a tie: the latest entry first
    _worsening(anna)
    listing = doc.get("/clinic").text
    assert listing.index("Анна") < listing.index("Борис")
    assert "Ухудшение по дневнику" in listing
    assert "Ухудшение по дневнику" in doc.get("/clinic?filter=worsening").text
    assert "Борис" not in doc.get("/clinic?filter=worsening").text
    # Acknowledge with a note: the alert is closed, the note kept.
    r = doc.post(
        f"/clinic/patients/{pa}/alerts/worsening/ack",
        data={"note": "позвонила, записала на приём", "csrf_token": csrf(doc, "/clinic")},
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = doc.get(f"/clinic/patients/{pa}").text
    assert "позвонила, записала на приём" in page
    assert "Ухудшение по дневнику</strong>" not in page
    assert "Ухудшение по дневнику" not in doc.get("/clinic?filter=worsening").text
    del pb


def test_urgent_assessment_alert_and_level_chip(clinic: dict[str, Any]) -> None:
    anna, doc = clinic["anna"], clinic["doc"]
    pa = linked_patient(doc, share_code(anna, "Анна"))
    r = anna.post(
        "/api/v1/diary/assessments",
        json={"text": "внезапно перекосило лицо и нога не слушается"},
    )
    assert r.status_code == 201, r.text
    listing = doc.get("/clinic").text
    assert "Новая оценка: срочно или сегодня" in listing
    assert "level-chip level-emergency" in listing and "СРОЧНО" in listing
    page = doc.get(f"/clinic/patients/{pa}").text
    assert "СРОЧНО" in page


def test_scales_ashworth_by_the_clinician_penn_by_the_patient(clinic: dict[str, Any]) -> None:
    anna, doc = clinic["anna"], clinic["doc"]
    pa = linked_patient(doc, share_code(anna))
    r = doc.post(
        f"/clinic/patients/{pa}/ashworth",
        data={
            "score": "1+",
            "leg": "left",
            "muscle": "икроножная",
            "csrf_token": csrf(doc, "/clinic"),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    bad = doc.post(
        f"/clinic/patients/{pa}/ashworth",
        data={"score": "7", "csrf_token": csrf(doc, "/clinic")},
    )
    assert bad.status_code == 422
    r = anna.post(
        "/diary/scales",
        data={"score": "2", "csrf_token": csrf(anna, "/diary/sharing")},
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = doc.get(f"/clinic/patients/{pa}").text
    assert "модифицированная шкала Ашворта — 1+" in page and "икроножная" in page
    assert "шкала частоты спазмов Пенна — 2" in page
    assert "записал(а) оценку по шкале Ашворта" in anna.get("/diary/sharing").text


def test_the_report_is_the_patients_and_logged(clinic: dict[str, Any]) -> None:
    anna, doc = clinic["anna"], clinic["doc"]
    anna.put("/api/v1/diary/profile", json={"birth_year": 1941})
    pa = linked_patient(doc, share_code(anna))
    r = doc.get(f"/clinic/patients/{pa}/report.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert "скачал(а) отчёт PDF" in anna.get("/diary/sharing").text
    fhir = doc.get(f"/clinic/patients/{pa}/fhir.json")
    assert fhir.status_code == 200 and fhir.json()["resourceType"] == "Bundle"
    assert "выгрузил(а) данные (FHIR)" in anna.get("/diary/sharing").text


def test_the_administrator_makes_clinicians(
    clinic: dict[str, Any], clinic_client: ClientFactory
) -> None:
    admin = clinic["admin"]
    page = admin.get("/admin")
    assert page.status_code == 200 and "Иванова А. П." in page.text
    r = admin.post(
        "/admin/clinicians",
        data={
            "username": "dr.sidorova",
            "display_name": "Сидорова В. Г.",
            "password": "a long password 1",
            "csrf_token": csrf(admin, "/admin"),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    bad = admin.post(
        "/admin/clinicians",
        data={"username": "x", "password": "short", "csrf_token": csrf(admin, "/admin")},
    )
    assert bad.status_code == 422 and "Имя пользователя" in bad.text
    new = clinic_client()
    login(new, "dr.sidorova", "a long password 1")
    assert new.get("/clinic").status_code == 200
    # Roles keep to their pages.
    assert clinic["doc"].get("/admin").status_code == 403
    assert admin.get("/clinic").status_code == 403
    assert clinic["anna"].get("/admin").status_code == 403
    assert clinic["doc"].get("/api/v1/diary/episodes").status_code == 403


def test_rollups_follow_every_write(tmp_path: Any) -> None:
    store = Store(f"sqlite:///{tmp_path}/r.db")
    try:
        pid = store.ensure_person(key="p")
        today = dt.datetime.now().replace(microsecond=0)
        e = store.add_episode(
            person_id=pid,
            episode=Episode(kind="cramp", started_at=today, disturbs_sleep=True),
        )
        with store.reading() as s:
            r = s.get(RollupRow, pid)
            assert r is not None and r.total_episodes == 1 and r.sleep_day == today.date()
            assert r.last_entry_at == today
        assert e.id is not None
        store.update_episode(person_id=pid, episode_id=e.id, changes={"disturbs_sleep": False})
        with store.reading() as s:
            r = s.get(RollupRow, pid)
            assert r is not None and r.sleep_day is None
        store.save_assessment(
            person_id=pid,
            data={"triage": {"level": "urgent", "title": "сегодня"}},
        )
        with store.reading() as s:
            r = s.get(RollupRow, pid)
            assert r is not None and r.level == "urgent" and r.urgent_at is not None
            alerts = {a.key for a in open_alerts(r, {}, now=dt.datetime.now())}
            assert "urgent_assessment" in alerts
            acked = {"urgent_assessment": dt.datetime.now() + dt.timedelta(seconds=1)}
            assert "urgent_assessment" not in {
                a.key for a in open_alerts(r, acked, now=dt.datetime.now())
            }
        store.delete_episode(person_id=pid, episode_id=e.id)
        with store.reading() as s:
            r = s.get(RollupRow, pid)
            assert r is not None and r.total_episodes == 0
        assert store.count_records(Assessment, person_id=pid) == 1
    finally:
        store.close()


def test_silence_for_two_weeks_raises_an_alert(tmp_path: Any) -> None:
    store = Store(f"sqlite:///{tmp_path}/s.db")
    try:
        pid = store.ensure_person(key="p")
        old = dt.datetime.now().replace(microsecond=0) - dt.timedelta(days=15)
        store.add_episode(person_id=pid, episode=Episode(kind="twitch", started_at=old))
        with store.reading() as s:
            r = s.get(RollupRow, pid)
            keys = {a.key for a in open_alerts(r, {}, now=dt.datetime.now())}
            assert "silent" in keys
            fresh = {a.key for a in open_alerts(r, {}, now=old + dt.timedelta(days=3))}
            assert "silent" not in fresh
    finally:
        store.close()


def test_clinic_tables_match_the_migrations(tmp_path: Any) -> None:
    store = Store(f"sqlite:///{tmp_path}/m.db")
    try:
        with store.engine.connect() as c:
            diff = compare_metadata(MigrationContext.configure(c), Base.metadata)
        assert diff == [], diff
        assert AlertAckRow.__tablename__ in Base.metadata.tables
    finally:
        store.close()


def test_cli_add_admin_then_clinician_and_db_upgrade(tmp_path: Any, monkeypatch: Any) -> None:
    url = f"sqlite:///{tmp_path}/c.db"
    monkeypatch.setenv("SPASMNAV_DATABASE_URL", url)
    runner = CliRunner()
    r = runner.invoke(cli_app, ["db", "upgrade"])
    assert r.exit_code == 0 and "Схема обновлена" in r.output
    assert "уже новая" in runner.invoke(cli_app, ["db", "upgrade"]).output
    r = runner.invoke(
        cli_app, ["clinic", "add-admin", "boss", "--password-stdin"], input="boss password 1\n"
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        cli_app, ["clinic", "add-admin", "boss", "--password-stdin"], input="boss password 1\n"
    )
    assert r.exit_code == 2 and "занято" in r.output
    r = runner.invoke(
        cli_app,
        ["clinic", "add-clinician", "doc", "--name", "Врач", "--password-stdin"],
        input="short\n",
    )
    assert r.exit_code == 2 and "не короче" in r.output
    store = Store(url)
    try:
        from spasmnav.web.accounts import Accounts

        boss = Accounts(store).by_username("boss")
        assert boss is not None and boss.role == "admin"
    finally:
        store.close()
