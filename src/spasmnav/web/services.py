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

__all__ = ["Services"]


class Services:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._store: Store | None = None
        self._accounts: Accounts | None = None
        self._clinic: Clinic | None = None

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

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
