"""The library parts the web app uses, created lazily: the diary store, accounts, the interview.

The store opens (and migrates) the database on first use, so pages that need no diary (the
assessment, the interview) work even while the database is unreachable.
"""

from __future__ import annotations

import importlib.util
import threading
from typing import TYPE_CHECKING, Any

from .problems import Problem

if TYPE_CHECKING:
    from ..diary.store import Store
    from .accounts import Accounts
    from .app import WebCore

__all__ = ["Services"]


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


class Services:
    def __init__(self, core: WebCore) -> None:
        self.core = core
        self._lock = threading.Lock()
        self._store: Store | None = None
        self._accounts: Accounts | None = None
        self.diary_ready = _module_exists("spasmnav.diary.store")
        self.interview_ready = _module_exists("spasmnav.interview")

    def store(self) -> Store:
        if self._store is None:
            if not self.diary_ready:
                raise Problem(503, "Дневник пока недоступен в этой версии.", code="no-diary")
            with self._lock:
                if self._store is None:
                    from ..diary.store import Store

                    self._store = Store(settings=self.core.settings)
        return self._store

    def accounts(self) -> Accounts:
        if self._accounts is None:
            store = self.store()
            with self._lock:
                if self._accounts is None:
                    from .accounts import Accounts

                    self._accounts = Accounts(store)
        return self._accounts

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def interview(self) -> Any:
        if not self.interview_ready:
            raise Problem(503, "Опрос пока недоступен в этой версии.", code="no-interview")
        from .. import interview

        return interview
