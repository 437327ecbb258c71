"""Fixtures for the web tests: an app on a temporary SQLite diary and its clients."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from spasmnav.settings import Settings
from spasmnav.web import create_app

from .support import TestClient, make_settings

ClientFactory = Callable[[], TestClient]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def app(settings: Settings) -> Iterator[Any]:
    application = create_app(settings)
    yield application
    application.state.core.services.close()


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c


@pytest.fixture
def multi_app(tmp_path: Path) -> Iterator[Any]:
    application = create_app(make_settings(tmp_path, multi_user=True))
    yield application
    application.state.core.services.close()


PG_ENV = "SPASMNAV_TEST_POSTGRES_URL"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema of this test (dropped after)."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL: {PG_ENV} не задан")
    admin = create_engine(base)
    schema = f"w_{uuid.uuid4().hex[:12]}"
    try:
        with admin.begin() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL недоступен: {str(exc.orig).splitlines()[0]}")
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def clinic_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """A multi-user app on SQLite and, when available, on PostgreSQL (a clinic's database)."""
    changes: dict[str, object] = {"multi_user": True}
    if request.param == "postgres":
        changes["database_url"] = request.getfixturevalue("pg_url")
    application = create_app(make_settings(tmp_path, **changes))
    yield application
    application.state.core.services.close()


@pytest.fixture
def clinic_client(clinic_app: Any) -> Iterator[ClientFactory]:
    made: list[TestClient] = []

    def factory() -> TestClient:
        c = TestClient(clinic_app, base_url="https://clinic.example")
        made.append(c)
        return c

    yield factory
    for c in made:
        c.close()


@pytest.fixture
def multi_client(multi_app: Any) -> Iterator[ClientFactory]:
    """Fresh clients (each its own cookie jar) of one multi-user app, over https like a clinic."""
    made: list[TestClient] = []

    def factory() -> TestClient:
        c = TestClient(multi_app, base_url="https://clinic.example")
        made.append(c)
        return c

    yield factory
    for c in made:
        c.close()
