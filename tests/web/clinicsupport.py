"""Helpers of the clinic tests: staff accounts, logging in, sharing by code."""

from __future__ import annotations

import re
from typing import Any

from .support import PASSWORD, TestClient, csrf

CODE_RE = re.compile(r"data-code>([A-Z0-9-]+)<")


def make_staff(app: Any, username: str, role: str, name: str | None = None) -> None:
    core = app.state.core
    core.services.accounts().create(
        username=username,
        password_hash=core.passwords.hash(PASSWORD),
        role=role,
        display_name=name,
    )


def login(client: TestClient, username: str, password: str = PASSWORD) -> None:
    token = csrf(client, "/login")
    r = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text


def share_code(patient: TestClient, label: str = "") -> str:
    token = csrf(patient, "/diary/sharing")
    r = patient.post("/diary/sharing/codes", data={"label": label, "csrf_token": token})
    assert r.status_code == 200, r.text
    m = CODE_RE.search(r.text)
    assert m, "no code on the page"
    return m.group(1)


def link(clinician: TestClient, code: str) -> Any:
    token = csrf(clinician, "/clinic")
    return clinician.post(
        "/clinic/link", data={"code": code, "csrf_token": token}, follow_redirects=False
    )


def linked_patient(clinician: TestClient, code: str) -> int:
    """Link by code; the patient's id from the redirect to the patient page."""
    r = link(clinician, code)
    assert r.status_code == 303, r.text
    m = re.match(r"/clinic/patients/(\d+)", r.headers["location"])
    assert m, r.headers["location"]
    return int(m.group(1))
