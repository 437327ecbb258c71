"""``spasmnav serve``: start the web app. Thin: check the options, build settings, run uvicorn.

Without ``--multi-user`` the app listens on a loopback address only: a personal diary without
a login must never be reachable from the network.
"""

from __future__ import annotations

import os
import socket
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from ..settings import Settings, get_settings
from ..startup import resume_gc
from .webcore import is_loopback

__all__ = ["choose_port", "register", "run_default", "serve"]

APP_FACTORY = "spasmnav.web.app:app_from_env"


def _fail(message: str) -> typer.Exit:
    Console(stderr=True, highlight=False).print(f"[bold red]Ошибка:[/] {escape(message)}")
    return typer.Exit(2)


def _port_free(host: str, port: int) -> bool:
    """Can the server listen on ``port``? Probed the way uvicorn binds, with SO_REUSEADDR: a
    port whose last connections are only closing (TIME_WAIT after a stop) is free; a port
    another program listens on is not."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        if os.name != "nt":  # on Windows the option would let two servers share the port
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


NEXT_PORTS = 20  # how far past a busy port to look before asking the system for any free one


def _free_port(host: str) -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def choose_port(host: str, port: int) -> int:
    """``port`` when it is free (also right after a stop), else the next free one after it."""
    for candidate in range(port, min(port + NEXT_PORTS, 65535) + 1):
        if _port_free(host, candidate):
            return candidate
    return _free_port(host)


def _prepare(settings: Settings) -> None:
    """Everything that must happen once, before workers start: the signing key and the schema."""
    from .webcore import load_secret

    load_secret(settings)
    try:
        from ..diary.store import Store
    except ModuleNotFoundError:
        return
    try:
        Store(settings=settings).close()
    except Exception as exc:  # the message may name the server; never the person's data
        raise _fail(
            f"не удалось открыть базу дневника ({type(exc).__name__}). Проверьте адрес базы "
            "(--db или SPASMNAV_DATABASE_URL) и что сервер базы запущен."
        ) from None


def serve(
    *,
    host: str,
    port: int,
    multi_user: bool,
    db: str | None,
    workers: int = 1,
    fallback_port: bool = False,
) -> None:
    import uvicorn

    if not multi_user and not is_loopback(host):
        raise _fail(
            f"адрес {host} доступен из сети. Без входа по паролю дневник можно открывать только "
            "на этом компьютере (127.0.0.1). Для клиники запустите с --multi-user."
        )
    busy: int | None = None
    if not _port_free(host, port):
        if not fallback_port:
            raise _fail(f"порт {port} занят другой программой. Укажите другой: --port 8080.")
        busy, port = port, choose_port(host, port + 1)
    env = {
        "SPASMNAV_HOST": host,
        "SPASMNAV_PORT": str(port),
        "SPASMNAV_MULTI_USER": "true" if multi_user else "false",
    }
    if db:
        env["SPASMNAV_DATABASE_URL"] = db
    os.environ.update(env)
    settings = get_settings()
    _prepare(settings)
    shown = f"[{host}]" if ":" in host else host
    console = Console(highlight=False)
    if busy is not None:
        console.print(
            f"[yellow]Порт {busy} занят другой программой, поэтому адрес другой.[/] Чтобы "
            f"адрес не менялся, закройте ту программу или задайте SPASMNAV_PORT."
        )
    # escape: an IPv6 address in brackets would otherwise be read as Rich markup and vanish.
    console.print(f"[bold]SpasmNav работает:[/] {escape(f'http://{shown}:{port}/')}")
    mode = "для клиники (вход по паролю)" if multi_user else "для одного человека, без входа"
    console.print(f"Режим: {mode}. Остановить: Ctrl+C.")
    if multi_user and settings.secure_cookies is not False:
        console.print(
            "Вход работает только по HTTPS (cookies с флагом Secure): поставьте SpasmNav за "
            "HTTPS-прокси. Для проверки без HTTPS: SPASMNAV_SECURE_COOKIES=false."
        )
    trusted = settings.trusted_proxies
    # One process: the app is built here, before the server starts, so that the collector
    # (paused by spasmnav.__main__ for the start) resumes with everything the start built
    # frozen out of its sight. Several workers each import the factory themselves.
    app: Any = APP_FACTORY
    if workers == 1:
        from .app import app_from_env

        app = app_from_env()
    resume_gc(freeze=True)
    uvicorn.run(
        app,
        factory=workers != 1,
        host=host,
        port=port,
        workers=workers,
        # The access log would record addresses with what the person typed in query strings.
        access_log=False,
        log_level="warning",
        server_header=False,
        # X-Forwarded-For is believed only from the proxies named in the settings (none by
        # default): otherwise any client could pick its own address for the login throttle.
        proxy_headers=bool(trusted),
        forwarded_allow_ips=",".join(trusted) if trusted else "",
        http=_http_protocol(),
        # The app has no WebSocket routes: uvicorn need not import a WebSocket protocol at start.
        ws="none",
        timeout_keep_alive=5,
    )


def _http_protocol() -> str:
    """Read deadlines and a connection cap (serverproto.py) when httptools is there."""
    try:
        import httptools  # noqa: F401
    except ImportError:  # pragma: no cover - uvicorn[standard] brings it
        return "auto"
    from .serverproto import PROTOCOL

    return PROTOCOL


def run_default() -> None:
    """``spasmnav run`` / ``make run``: the web app on the default settings (SQLite)."""
    settings = get_settings()
    serve(
        host=settings.host if is_loopback(settings.host) else "127.0.0.1",
        port=settings.port or 8000,
        multi_user=False,
        db=None,
        fallback_port=True,
    )


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve_cmd(
        host: Annotated[
            str | None, typer.Option(help="Адрес (по умолчанию 127.0.0.1).", show_default=False)
        ] = None,
        port: Annotated[
            int | None, typer.Option(min=1, max=65535, help="Порт (по умолчанию 8000).")
        ] = None,
        multi_user: Annotated[
            bool,
            typer.Option("--multi-user", help="Режим для клиники: учётные записи и пароли."),
        ] = False,
        db: Annotated[
            str | None,
            typer.Option("--db", help="Адрес базы: sqlite:///путь.db или postgresql+psycopg://…"),
        ] = None,
        workers: Annotated[int, typer.Option(min=1, max=32, help="Процессов сервера.")] = 1,
    ) -> None:
        """Запустить SpasmNav в браузере: страницы и API (/api/v1)."""
        settings = get_settings()
        serve(
            host=host or settings.host,
            port=port or settings.port or 8000,
            multi_user=multi_user or settings.multi_user,
            db=db,
            workers=workers,
        )
