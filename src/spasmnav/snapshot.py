"""A disk cache of start-up work that depends only on its inputs (like Python's own ``.pyc``).

Reading and validating the pack and lemmatising its lexicon cost more than everything else in a
cold start of ``spasmnav assess``. Both are pure functions of files that rarely change, so the
result is pickled under a key that hashes every input (the YAML bytes, the schema's source, the
versions of the libraries involved): any change to an input makes a new key, and a stale entry
is never read. ``spasmnav pack check`` never uses the cache; it always validates afresh.

The directory is ``SPASMNAV_CACHE_DIR``, else the user's cache directory; ``SPASMNAV_CACHE=0``
turns the cache off. Every failure (no permission, a full disk, a damaged file) falls back to
doing the work: the cache can only make a start faster, never change a result.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

__all__ = ["cached", "fingerprint"]

T = TypeVar("T")
_FORMAT = b"1"


def _directory() -> Path | None:
    if os.environ.get("SPASMNAV_CACHE", "1") == "0":
        return None
    configured = os.environ.get("SPASMNAV_CACHE_DIR")
    if configured:
        return Path(configured)
    if sys.platform.startswith("linux"):  # the XDG rule, without importing platformdirs
        base = os.environ.get("XDG_CACHE_HOME", "").strip()
        return Path(base if os.path.isabs(base) else Path.home() / ".cache") / "spasmnav"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("spasmnav", appauthor=False))


def fingerprint(parts: Iterable[bytes | str]) -> str:
    h = hashlib.sha256(_FORMAT)
    h.update(f"{sys.version_info[:2]}".encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()[:32]


def cached(name: str, key: str, compute: Callable[[], T], kind: type[T]) -> T:
    """``compute()``, or its pickled result from an earlier process with the same ``key``."""
    directory = _directory()
    if directory is None:
        return compute()
    path = directory / f"{name}-{key}.pickle"
    try:
        with path.open("rb") as fh:
            value = pickle.load(fh)
        if isinstance(value, kind):
            return value
    except FileNotFoundError:
        pass
    except Exception:  # a damaged or foreign file: recompute and overwrite
        pass
    value = compute()
    try:
        import tempfile

        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{name}-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except Exception:  # a read-only home, a full disk: the cache is only an optimisation
        pass
    return value
