"""Settings read from the environment (prefix ``SPASMNAV_``), with sensible local defaults.

The web app adds its own fields here (host, port, multi-user mode, secret); keep this a plain
pydantic-settings class so every setting has one home and one documented default.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "default_data_dir", "default_database_url", "get_settings"]

APP_NAME = "spasmnav"


def default_data_dir() -> Path:
    """Where the person's diary lives by default (not created until first use)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_database_url() -> str:
    return f"sqlite:///{default_data_dir() / 'spasmnav.db'}"


class Settings(BaseSettings):
    """Every setting of SpasmNav; each can be set as ``SPASMNAV_<NAME>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="SPASMNAV_", extra="ignore")

    database_url: str = Field(
        default_factory=default_database_url,
        description=(
            "SQLAlchemy URL of the diary database: SQLite file in the user data directory by "
            "default, or postgresql+psycopg://user:password@host/db for a clinic."
        ),
    )
    sqlite_busy_timeout_ms: int = Field(
        default=30_000,
        ge=0,
        description="How long an SQLite writer waits for another writer before giving up, ms.",
    )
    database_echo: bool = Field(default=False, description="Log every SQL statement (debugging).")

    # The web app (spasmnav.web).
    host: str = Field(
        default="127.0.0.1",
        description=(
            "Address the web app listens on. Without multi-user mode only loopback addresses "
            "are allowed: a personal diary is never served to the network without a login."
        ),
    )
    port: int = Field(default=8000, ge=0, le=65535, description="TCP port of the web app.")
    multi_user: bool = Field(
        default=False,
        description=(
            "Clinic mode: accounts with passwords, each person sees only their own diary. "
            "Off by default: one person on their own computer, no login."
        ),
    )
    secret_key: str | None = Field(
        default=None,
        min_length=32,
        description=(
            "Key that signs session cookies and CSRF tokens (at least 32 characters). When unset "
            "a random key is created once and kept in the data directory (file secret_key)."
        ),
    )
    allow_signup: bool = Field(
        default=True,
        description="Multi-user mode: anyone who can reach the page may create an account.",
    )
    session_max_age_seconds: int = Field(
        default=12 * 3600,
        ge=60,
        description="How long a login lasts at most, however active, seconds (ASVS L2: 12 h).",
    )
    session_idle_seconds: int = Field(
        default=30 * 60,
        ge=60,
        description="A login ends after this long without a request, seconds (ASVS L2: 30 min).",
    )
    secure_cookies: bool | None = Field(
        default=None,
        description=(
            "Send cookies only over HTTPS. Default: on in multi-user mode (put the app behind "
            "an HTTPS proxy), off for a single person on 127.0.0.1."
        ),
    )
    max_body_bytes: int = Field(
        default=256 * 1024,
        ge=1024,
        description="Largest request body accepted, bytes; larger requests get 413.",
    )
    header_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        description="A client must send its whole request head within this time, s.",
    )
    body_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        description="A request body must have arrived this long after its head, s.",
    )
    max_connections: int = Field(
        default=500,
        ge=1,
        description=(
            "Open connections per server process; more are closed at once (keep it below the "
            "file-descriptor limit, `ulimit -n`)."
        ),
    )
    export_concurrency: int = Field(
        default=1,
        ge=1,
        description="Exports (CSV, JSON, PDF) one account may download at the same time.",
    )
    login_attempts: int = Field(
        default=5,
        ge=1,
        description=(
            "Login attempts checked per window, per client address and per account (counted "
            "before the password is checked; a successful login clears the account's count)."
        ),
    )
    login_window_seconds: int = Field(
        default=300,
        ge=1,
        description=(
            "The window over which login attempts are counted, s. An address that reaches the "
            "limit in consecutive windows waits twice as long each time (up to 64 windows)."
        ),
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description=(
            "Addresses of reverse proxies whose X-Forwarded-For / X-Forwarded-Proto headers are "
            'believed (JSON list, e.g. ["127.0.0.1"]). Empty: the headers are ignored and the '
            "peer address is the client's."
        ),
    )
    password_hash_concurrency: int = Field(
        default=2,
        ge=1,
        description=(
            "Password hashes (argon2, 64 MiB each) computed at once per server process; "
            "further logins wait up to 10 s, then get 503."
        ),
    )


def get_settings() -> Settings:
    """Fresh settings from the current environment (cheap; cache it in long-lived apps)."""
    return Settings()
