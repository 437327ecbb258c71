"""uvicorn's HTTP protocol with the limits it lacks: read deadlines and a connection cap.

uvicorn closes idle keep-alive connections but waits for ever for a client that sends its
request one byte at a time (slowloris): with the usual 1,024 file descriptors, a thousand such
clients shut everyone else out. :class:`GuardedHttpToolsProtocol` (``spasmnav serve`` passes it
as ``http=``) closes a connection

* that has not sent its whole request head within ``header_timeout_seconds`` of connecting (or
  of starting its next request),
* whose body has not fully arrived ``body_timeout_seconds`` after the head, and
* at once, when this worker already holds ``max_connections`` connections.

The limits come from the settings (``SPASMNAV_*``) of the server process. In production a
reverse proxy in front (nginx, Caddy) should buffer requests too; these limits keep SpasmNav
standing when it is reached directly.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from ..settings import get_settings

__all__ = ["PROTOCOL", "GuardedHttpToolsProtocol"]

PROTOCOL = "spasmnav.web.serverproto:GuardedHttpToolsProtocol"


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        settings = _limits()
        self._header_timeout = float(settings[0])
        self._body_timeout = float(settings[1])
        self._max_connections = int(settings[2])
        self._deadline: asyncio.TimerHandle | None = None

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self._max_connections:
            transport.abort()
            return
        self._arm(self._header_timeout)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._deadline is None:
            self._arm(self._header_timeout)

    def on_headers_complete(self) -> None:
        self._arm(self._body_timeout)
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()


_cached: tuple[float, float, int] | None = None


def _limits() -> tuple[float, float, int]:
    global _cached
    if _cached is None:
        s = get_settings()
        _cached = (s.header_timeout_seconds, s.body_timeout_seconds, s.max_connections)
    return _cached
