"""Server-side sessions and the login throttle, in the diary database.

Both live in the database so that every worker process and every host behind one proxy shares
them (``spasmnav serve --workers N``). The API is small on purpose:

* :class:`ServerSessions` — ``create(token, user_id)``, ``resolve(token) -> user_id | None``,
  ``end(token)``, ``end_all(user_id, keep=None)``. The cookie carries a random token (signed,
  see :class:`spasmnav.web.security.SessionCodec`); the table stores only its SHA-256, so a copy
  of the database does not hold live logins. A login ends after ``absolute`` seconds whatever
  happens and after ``idle`` seconds without a request.
* :class:`Throttle` — ``take(key, limit=, window=, grow=)`` counts one attempt *before* the
  password is checked, atomically (a row lock on PostgreSQL, the write lock that SQLite's
  ``BEGIN IMMEDIATE`` takes), and says how long to wait when the key is over its limit;
  ``refund(key)`` gives one attempt back, ``clear(key)`` forgets the key.

Times are Unix seconds (floats): no time zones to get wrong between workers.
"""

from __future__ import annotations

import hashlib
import random
import time
from typing import Any

from sqlalchemy import Float, ForeignKey, Integer, String, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from ..diary.orm import Base
from ..diary.store import Store
from .accounts import UserRow

__all__ = ["ServerSessions", "SessionRow", "Throttle", "ThrottleRow", "token_digest"]

# Rows of ended sessions and quiet throttle keys are deleted now and then, not on every request.
_PRUNE_PROBABILITY = 0.01
# A session's last-seen time is written at most this often (a write per request would make
# every page a write transaction).
_TOUCH_EVERY = 60.0
_MAX_GROWTH = 6
# The time source (Unix seconds); tests move it forward.
clock = time.time  # an address that keeps hitting the limit waits up to 2**6 windows


class SessionRow(Base):
    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the token
    user_id: Mapped[int] = mapped_column(ForeignKey(UserRow.id, ondelete="CASCADE"), index=True)
    created_at: Mapped[float] = mapped_column(Float)
    seen_at: Mapped[float] = mapped_column(Float)


class ThrottleRow(Base):
    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    window_start: Mapped[float] = mapped_column(Float)
    count: Mapped[int] = mapped_column(Integer)
    # Consecutive windows that reached the limit: the next window is 2**strikes as long.
    strikes: Mapped[int] = mapped_column(Integer)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ServerSessions:
    """Logins looked up by the digest of their random token (see the module docstring)."""

    def __init__(self, store: Store, *, absolute: float, idle: float) -> None:
        self.store = store
        self.absolute = absolute
        self.idle = idle

    def create(self, token: str, user_id: int) -> None:
        now = clock()
        with self.store.writing() as s:
            s.add(SessionRow(id=token_digest(token), user_id=user_id, created_at=now, seen_at=now))
        if random.random() < _PRUNE_PROBABILITY:
            self.prune()

    def resolve(self, token: str) -> int | None:
        """The user of a live session, or None (unknown, ended, too old or idle too long)."""
        digest = token_digest(token)
        now = clock()
        with self.store.reading() as s:
            row = s.get(SessionRow, digest)
            if row is None:
                return None
            user_id, created, seen = row.user_id, row.created_at, row.seen_at
        if now - created > self.absolute or now - seen > self.idle:
            self.end(token)
            return None
        if now - seen > _TOUCH_EVERY:
            with self.store.writing() as s:
                s.execute(update(SessionRow).where(SessionRow.id == digest).values(seen_at=now))
        return user_id

    def end(self, token: str) -> None:
        with self.store.writing() as s:
            s.execute(delete(SessionRow).where(SessionRow.id == token_digest(token)))

    def end_all(self, user_id: int, *, keep: str | None = None) -> int:
        """End every session of the user (but ``keep``'s); returns how many ended."""
        stmt = delete(SessionRow).where(SessionRow.user_id == user_id)
        if keep is not None:
            stmt = stmt.where(SessionRow.id != token_digest(keep))
        with self.store.writing() as s:
            return int(getattr(s.execute(stmt), "rowcount", 0) or 0)

    def count(self, user_id: int) -> int:
        with self.store.reading() as s:
            return len(s.scalars(select(SessionRow.id).where(SessionRow.user_id == user_id)).all())

    def prune(self) -> None:
        now = clock()
        with self.store.writing() as s:
            s.execute(
                delete(SessionRow).where(
                    (SessionRow.created_at < now - self.absolute)
                    | (SessionRow.seen_at < now - self.idle)
                )
            )


class Throttle:
    """Attempts per key in fixed windows, shared through the database (module docstring)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _insert(self) -> Any:
        if self.store.engine.dialect.name == "postgresql":
            return pg_insert(ThrottleRow)
        return sqlite_insert(ThrottleRow)

    def take(self, key: str, *, limit: int, window: float, grow: bool = False) -> int | None:
        """Count one attempt for ``key``; None when allowed, else the seconds to wait.

        The count and the check are one transaction holding the key's row lock, so parallel
        requests (threads, workers, hosts) can never pass more than ``limit`` per window. With
        ``grow``, a key that reached the limit in the previous window gets a window twice as
        long (an address that keeps guessing waits longer and longer).
        """
        key = key[:100]
        now = clock()
        with self.store.writing() as s:
            s.execute(
                self._insert()
                .values(key=key, window_start=now, count=0, strikes=0)
                .on_conflict_do_nothing(index_elements=["key"])
            )
            row = s.execute(
                select(ThrottleRow).where(ThrottleRow.key == key).with_for_update()
            ).scalar_one()
            length = window * (2 ** min(row.strikes, _MAX_GROWTH) if grow else 1)
            if now >= row.window_start + length:
                # A new window; it is longer if the last one was used up right away.
                hit = row.count >= limit and now < row.window_start + 2 * length
                row.strikes = min(row.strikes + 1, _MAX_GROWTH) if (grow and hit) else 0
                row.window_start = now
                row.count = 0
                length = window * (2**row.strikes if grow else 1)
            if row.count >= limit:
                return max(1, int(row.window_start + length - now + 0.999))
            row.count += 1
        if random.random() < _PRUNE_PROBABILITY:
            self.prune(older_than=window * 2 ** (_MAX_GROWTH + 1))
        return None

    def refund(self, key: str) -> None:
        with self.store.writing() as s:
            s.execute(
                update(ThrottleRow)
                .where(ThrottleRow.key == key[:100], ThrottleRow.count > 0)
                .values(count=ThrottleRow.count - 1)
            )

    def clear(self, key: str) -> None:
        with self.store.writing() as s:
            s.execute(delete(ThrottleRow).where(ThrottleRow.key == key[:100]))

    def prune(self, *, older_than: float) -> None:
        with self.store.writing() as s:
            s.execute(delete(ThrottleRow).where(ThrottleRow.window_start < clock() - older_than))
