"""A disk cache of start-up work that depends only on its inputs (like Python's own ``.pyc``).

Reading and validating the pack and lemmatising its lexicon cost more than everything else in a
cold start of ``spasmnav assess``. Both are pure functions of files that rarely change, so the
result is pickled under a key that hashes every input (the YAML bytes, the schema's source, the
versions of the libraries involved): any change to an input makes a new key, and a stale entry
is never read. ``spasmnav pack check`` never uses the cache; it always validates afresh.

The engine's generated functions (a few hundred, compiled from some 400 KB of generated source:
a sixth of a cold start) are kept the same way, as code objects (:class:`CodeCache`, marshalled
like a ``.pyc``): each stored with the exact source it was compiled from, which every lookup
compares, in a file whose checksum is verified before anything in it is used.

The directory is ``SPASMNAV_CACHE_DIR``, else the user's cache directory; ``SPASMNAV_CACHE=0``
turns the cache off. Every failure (no permission, a full disk, a damaged file) falls back to
doing the work: the cache can only make a start faster, never change a result.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import pickle
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import CodeType
from typing import IO, Any, TypeVar

try:  # hashlib's own BLAKE2, without hashlib: importing it loads OpenSSL (a few ms of a start)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b

__all__ = ["CodeCache", "cached", "fingerprint"]

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
    h = blake2b(_FORMAT, digest_size=16)
    h.update(f"{sys.version_info[:2]}".encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def _positional_fields(cls: type) -> tuple[str, ...] | None:
    """The fields of ``cls`` if it is a frozen dataclass with slots whose generated
    ``__init__`` takes exactly its fields, in order, and does nothing else; else None.

    Python pickles such a dataclass through the ``__setstate__`` the dataclass decorator
    writes, which looks the fields up again for every object: a third of the time a reader
    takes to come back. Calling the class with the values does the same in half the time.
    """
    import dataclasses

    if "__slots__" not in cls.__dict__ or not dataclasses.is_dataclass(cls):
        return None
    setstate = cls.__dict__.get("__setstate__")
    if getattr(setstate, "__module__", None) != "dataclasses" or hasattr(cls, "__post_init__"):
        return None
    init = cls.__dict__.get("__init__")
    if getattr(getattr(init, "__code__", None), "co_filename", None) != "<string>":
        return None  # a hand-written __init__, not the decorator's
    fields = dataclasses.fields(cls)
    if any(not f.init or f.kw_only for f in fields):
        return None
    return tuple(f.name for f in fields)


class _Pickler(pickle.Pickler):
    """Writes the objects of ``shared`` as references to them by name, not as copies, and
    plain frozen dataclasses as calls of their class (see :func:`_positional_fields`)."""

    def __init__(self, fh: IO[bytes], shared: Mapping[str, object]) -> None:
        super().__init__(fh, protocol=pickle.HIGHEST_PROTOCOL)
        self._names = {id(obj): name for name, obj in shared.items()}
        self._fields: dict[type, tuple[str, ...] | None] = {}

    def persistent_id(self, obj: object) -> str | None:
        return self._names.get(id(obj))

    def reducer_override(self, obj: object) -> Any:
        cls = type(obj)
        try:
            names = self._fields[cls]
        except KeyError:
            names = self._fields[cls] = _positional_fields(cls)
        if names is None:
            return NotImplemented
        return (cls, tuple(getattr(obj, n) for n in names))


class _Unpickler(pickle.Unpickler):
    def __init__(self, fh: IO[bytes], shared: Mapping[str, object]) -> None:
        super().__init__(fh)
        self._shared = shared

    def persistent_load(self, pid: object) -> object:
        if not isinstance(pid, str) or pid not in self._shared:
            raise pickle.UnpicklingError(f"unknown shared object {pid!r}")
        return self._shared[pid]


def _write_atomically(
    directory: Path, name: str, path: Path, write: Callable[[IO[bytes]], object]
) -> None:
    """``write`` into a temporary file of ``directory``, then put it at ``path`` in one step (a
    reader never sees half a file); every failure is swallowed: the cache is an optimisation."""
    tmp: str | None = None
    try:
        import tempfile

        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{name}-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.replace(tmp, path)
        tmp = None
    except Exception:  # a read-only home, a full disk, an unpicklable value: only an optimisation
        pass
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def cached(
    name: str,
    key: str,
    compute: Callable[[], T],
    kind: type[T],
    shared: Mapping[str, object] | None = None,
) -> T:
    """``compute()``, or its pickled result from an earlier process with the same ``key``.

    ``shared`` names objects the result refers to that the caller already has (the pack a
    reader was built from): they are stored by name and the caller's own objects are put back
    on reading, so the result refers to them rather than to copies. The key must then cover
    them too.
    """
    directory = _directory()
    if directory is None:
        return compute()
    shared = shared or {}
    path = directory / f"{name}-{key}.pickle"
    try:
        with path.open("rb") as fh:
            value = _Unpickler(fh, shared).load()
        if isinstance(value, kind):
            return value
    except FileNotFoundError:
        pass
    except Exception:  # a damaged or foreign file: recompute and overwrite
        pass
    value = compute()
    _write_atomically(directory, name, path, lambda fh: _Pickler(fh, shared).dump(value))
    return value


_DIGEST = 16  # bytes of BLAKE2b over the marshalled table, written before it


def _digest(data: bytes) -> bytes:
    return blake2b(data, digest_size=_DIGEST).digest()


class CodeCache:
    """Code objects compiled from generated source, kept for the next process like a ``.pyc``.

    Call it as ``compile(source, "<string>", mode)`` is called. The table of a file is used
    only if the file's checksum matches its contents and it holds nothing but code objects
    under (mode, source) keys; a code object is only ever returned for the very source and mode
    it was compiled from (the lookup compares the whole text), so a changed generator gets
    fresh code, never a stale one. :meth:`save` writes the table back if anything was compiled
    (atomically; any failure is ignored, like every write of this cache). The file's name
    hashes ``key`` (what the caller's source depends on) and the exact Python build: marshal's
    format and the bytecode are those of one interpreter.
    """

    def __init__(self, name: str, key: str) -> None:
        self._name = name
        self._table: dict[tuple[str, str], CodeType] = {}
        self._compiled = False
        self._directory = _directory()
        self._path: Path | None = None
        if self._directory is None:
            return
        tag = fingerprint([name, key, sys.version, sys.implementation.cache_tag or ""])
        self._path = self._directory / f"{name}-{tag}.marshal"
        try:
            data = self._path.read_bytes()
            table = _verified_table(data)
        except Exception:  # missing, unreadable, damaged or foreign: compile afresh
            return
        if table is not None:
            self._table = table

    def __call__(self, source: str, mode: str) -> CodeType:
        code = self._table.get((mode, source))
        if code is None:
            code = compile(source, "<string>", mode)
            self._table[(mode, source)] = code
            self._compiled = True
        return code

    def save(self) -> None:
        if not self._compiled or self._path is None or self._directory is None:
            return
        data = marshal.dumps(self._table)
        _write_atomically(
            self._directory, self._name, self._path, lambda fh: fh.write(_digest(data) + data)
        )
        self._compiled = False


def _verified_table(data: bytes) -> dict[tuple[str, str], CodeType] | None:
    body = data[_DIGEST:]
    if len(data) <= _DIGEST or _digest(body) != data[:_DIGEST]:
        return None
    table = marshal.loads(body)
    if not isinstance(table, dict):
        return None
    for key, code in table.items():
        if not (
            isinstance(key, tuple)
            and len(key) == 2
            and isinstance(key[0], str)
            and isinstance(key[1], str)
            and isinstance(code, CodeType)
        ):
            return None
    return table
