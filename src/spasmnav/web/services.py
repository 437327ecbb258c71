"""The library parts the web app uses, created lazily: the diary store, accounts, the interview.

The store opens (and migrates) the database on first use, so pages that need no diary (the
assessment, the interview) work even while the database is unreachable.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from ..settings import Settings

if TYPE_CHECKING:
    from ..diary.store import Store
    from .accounts import Accounts
    from .clinic import Clinic
    from .sessions import ServerSessions, Throttle

__all__ = ["Services"]


class Services:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._store: Store | None = None
        self._accounts: Accounts | None = None
        self._clinic: Clinic | None = None
        self._sessions: ServerSessions | None = None
        self._throttle: Throttle | None = None

    def store(self) -> Store:
        if self._store is None:
            with self._lock:
                if self._store is None:
                    # Imported here: SQLAlchemy and the migrations load only once a page
                    # needs the diary.
                    from ..diary.store import Store

                    self._store = Store(settings=self.settings)
        return self._store

    def accounts(self) -> Accounts:
        if self._accounts is None:
            store = self.store()
            with self._lock:
                if self._accounts is None:
                    from .accounts import Accounts

                    self._accounts = Accounts(store)
        return self._accounts

    def clinic(self) -> Clinic:
        if self._clinic is None:
            store = self.store()
            with self._lock:
                if self._clinic is None:
                    from .clinic import Clinic

                    self._clinic = Clinic(store)
        return self._clinic

    def sessions(self) -> ServerSessions:
        """Logins, server-side (shared by every worker through the database)."""
        if self._sessions is None:
            store = self.store()
            with self._lock:
                if self._sessions is None:
                    from .sessions import ServerSessions

                    self._sessions = ServerSessions(
                        store,
                        absolute=self.settings.session_max_age_seconds,
                        idle=self.settings.session_idle_seconds,
                    )
        return self._sessions

    def throttle(self) -> Throttle:
        """The login and sign-up throttle (in the database, shared by every worker)."""
        if self._throttle is None:
            store = self.store()
            with self._lock:
                if self._throttle is None:
                    from .sessions import Throttle

                    self._throttle = Throttle(store)
        return self._throttle

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
