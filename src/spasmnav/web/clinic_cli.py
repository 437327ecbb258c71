"""``spasmnav clinic …`` (administrators and clinicians, rollups) and ``spasmnav db upgrade``.

The first administrator is made here, on the server's command line; administrators then make
clinicians' accounts on the web page (or here). Passwords are read without echo, or from
standard input with ``--password-stdin`` (for scripts), never from the command line itself.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from ..settings import get_settings

__all__ = ["register"]

clinic_app = typer.Typer(help="Клиника: администраторы, врачи, сводки по пациентам.")
db_app = typer.Typer(help="База данных: миграции схемы.", no_args_is_help=True)


def _fail(message: str, code: int = 2) -> typer.Exit:
    Console(stderr=True, highlight=False).print(f"[bold red]Ошибка:[/] {escape(message)}")
    return typer.Exit(code)


def _store(db: str | None) -> object:
    from ..diary.store import Store

    settings = get_settings()
    try:
        return Store(db or settings.database_url, settings=settings)
    except Exception as exc:  # the address may hold a password: name the class only
        raise _fail(
            f"не удалось открыть базу ({type(exc).__name__}). Проверьте --db или "
            "SPASMNAV_DATABASE_URL и что сервер базы запущен."
        ) from None


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = typer.prompt("Пароль", hide_input=True)
    second = typer.prompt("Пароль ещё раз", hide_input=True)
    if first != second:
        raise _fail("пароли не совпадают.")
    return str(first)


def _add(role: str, username: str, display_name: str | None, db: str | None, stdin: bool) -> None:
    from ..diary.store import Store
    from .accounts import AccountError, Accounts, check_new_credentials
    from .security import Passwords

    store = _store(db)
    assert isinstance(store, Store)
    try:
        password = _password(stdin)
        name = check_new_credentials(username, password)
        account = Accounts(store).create(
            username=name,
            password_hash=Passwords().hash(password),
            role=role,
            display_name=display_name,
        )
    except AccountError as exc:
        raise _fail(str(exc)) from None
    finally:
        store.close()
    title = "Администратор" if role == "admin" else "Врач"
    Console(highlight=False).print(f"{title} «{escape(account.username)}» создан(а).")


DbOption = Annotated[
    str | None, typer.Option("--db", help="Адрес базы (по умолчанию SPASMNAV_DATABASE_URL).")
]
StdinOption = Annotated[
    bool, typer.Option("--password-stdin", help="Прочитать пароль из стандартного ввода.")
]


@clinic_app.command("add-admin")
def add_admin(
    username: Annotated[str, typer.Argument(help="Имя для входа.")],
    db: DbOption = None,
    password_stdin: StdinOption = False,
) -> None:
    """Создать администратора клиники (он создаёт учётные записи врачей)."""
    _add("admin", username, None, db, password_stdin)


@clinic_app.command("add-clinician")
def add_clinician(
    username: Annotated[str, typer.Argument(help="Имя для входа.")],
    name: Annotated[
        str | None, typer.Option("--name", help="Как врача видят пациенты (ФИО).")
    ] = None,
    db: DbOption = None,
    password_stdin: StdinOption = False,
) -> None:
    """Создать учётную запись врача."""
    _add("clinician", username, name, db, password_stdin)


@clinic_app.command("refresh")
def refresh(db: DbOption = None) -> None:
    """Пересчитать сводки всех пациентов (после переноса данных; обычно не нужно)."""
    from sqlalchemy import select

    from ..diary.orm import PersonRow
    from ..diary.store import Store

    store = _store(db)
    assert isinstance(store, Store)
    try:
        with store.reading() as s:
            ids = list(s.scalars(select(PersonRow.id)))
        for pid in ids:
            store.refresh_rollup(person_id=pid)
    finally:
        store.close()
    Console(highlight=False).print(f"Сводки пересчитаны: {len(ids)}.")


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Привести схему базы к текущей версии (миграции Alembic; повторный запуск безопасен)."""
    from ..diary.store import current_revision, head_revision, make_engine, upgrade

    settings = get_settings()
    try:
        engine = make_engine(db or settings.database_url, settings=settings)
        before = current_revision(engine)
        upgrade(engine)
        after = current_revision(engine)
        engine.dispose()
    except Exception as exc:
        raise _fail(
            f"не удалось обновить схему ({type(exc).__name__}). Проверьте --db или "
            "SPASMNAV_DATABASE_URL и что сервер базы запущен."
        ) from None
    console = Console(highlight=False)
    if before == after:
        console.print(f"Схема уже новая: {after}.")
    else:
        console.print(f"Схема обновлена: {before or 'пустая база'} → {after}.")
    assert after == head_revision()


def register(app: typer.Typer) -> None:
    app.add_typer(clinic_app, name="clinic")
    app.add_typer(db_app, name="db")
