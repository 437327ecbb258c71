"""The one core object: a :class:`Navigator` owns the content pack, the compiled engine, the
text reader and the interview catalogue, each built once.

Every edge (the CLI, the web app, the report) takes a navigator; ``Navigator()`` reads the pack
shipped in the package, ``Navigator(pack)`` uses another (a clinician's copy under review, a
test's synthetic pack). :func:`default_navigator` is the process-wide instance for callers that
do not pass one (the thin compatibility functions ``content.load_pack``, ``engine.get_engine``,
``assessing.assess_text``): the pack is read and compiled once per process, and nowhere else.

The reader (pymorphy3's dictionaries, ~0.2 s) and the interview catalogue are built on first use,
so commands that need neither (``assess --findings``, ``pack check``) never pay for them.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .assessing import assess_understood, facts_from_values, parse_findings_for
from .content import SHIPPED_PACK_DIR, Pack, load_pack_cached, pack_fingerprint
from .engine import Assessment, Engine
from .facts import Facts, Observation

if TYPE_CHECKING:
    from .interview import Catalogue
    from .language.extract import Reader, Understanding

__all__ = ["Navigator", "default_navigator", "set_default_navigator"]


class Navigator:
    """The pack, the engine, the reader and the interview catalogue of one process (or test)."""

    def __init__(self, pack: Pack | None = None) -> None:
        # The shipped pack's snapshot key: the reader built from it is kept in the snapshot
        # cache too (a pack passed in is the caller's own: its reader is always built).
        self._pack_key: str | None = None
        if pack is None:
            self._pack_key = pack_fingerprint(SHIPPED_PACK_DIR)
            pack = load_pack_cached(SHIPPED_PACK_DIR, self._pack_key)
        self.pack: Pack = pack
        self.engine: Engine = self._build_engine()
        self._lock = threading.Lock()
        self._reader: Reader | None = None
        self._catalogue: Catalogue | None = None

    def _build_engine(self) -> Engine:
        if self._pack_key is None:
            return Engine(self.pack)
        # The engine's generated functions are compiled from a few hundred KB of source: for
        # the shipped pack the code is kept in the snapshot cache, under a key over the pack and
        # the engine's source (each code object is used only for the very source it came from).
        from . import engine, snapshot

        key = snapshot.fingerprint(["engine", self._pack_key, Path(engine.__file__).read_bytes()])
        code = snapshot.CodeCache("engine", key)
        token = engine.source_compiler.set(code)
        try:
            built = Engine(self.pack)
        finally:
            engine.source_compiler.reset(token)
        code.save()
        return built

    @property
    def reader(self) -> Reader:
        """The Russian text reader for this pack's lexicon (built on first use)."""
        if self._reader is None:
            with self._lock:
                if self._reader is None:
                    self._reader = self._build_reader()
        return self._reader

    def _build_reader(self) -> Reader:
        from .language.extract import Reader

        pack = self.pack
        if self._pack_key is None:
            return Reader(pack)
        # Building the reader (the lexicon's words lemmatised and indexed) is the largest part
        # of a cold start after pymorphy3's own dictionaries: the built reader is kept under a
        # key over the pack and every source file of the language layer, and refers to this
        # navigator's pack rather than a copy of it.
        from . import snapshot
        from .language import morph

        language = Path(morph.__file__).parent
        parts: list[bytes | str] = ["reader", self._pack_key, morph.analyser_version()]
        for source in sorted(language.glob("*.py")):
            parts += [source.name, source.read_bytes()]
        key = snapshot.fingerprint(parts)
        return snapshot.cached("reader", key, lambda: Reader(pack), Reader, {"pack": pack})

    @property
    def catalogue(self) -> Catalogue:
        """The interview's questions and three-valued rules (built on first use)."""
        if self._catalogue is None:
            with self._lock:
                if self._catalogue is None:
                    from .interview import Catalogue

                    self._catalogue = Catalogue(self.engine)
        return self._catalogue

    # Conveniences: what the edges do most.

    def understand(self, text: str) -> Understanding:
        """Read a person's own words into findings (``language.TextError`` if unusable)."""
        return self.reader.read(text)

    def assess(self, facts: Facts, *, extra: dict[str, Any] | None = None) -> Assessment:
        return self.engine.assess(facts, extra=extra)

    def assess_text(self, text: str, checks: Mapping[str, str] | None = None) -> Assessment:
        """Assess a person's own words (raises ``language.TextError`` for unusable text), with
        the answers to the red-flag checks if given (``assessing.FindingsError`` if invalid)."""
        return assess_understood(self.engine, self.understand(text), text, checks)

    def assess_findings(self, findings: Mapping[str, bool | float | None]) -> Assessment:
        """Assess plain values (``True``/``False``/``None`` or a number); KeyError names the
        first unknown finding id."""
        return self.engine.assess(facts_from_values(self.engine, findings))

    def parse_findings(self, data: Any) -> dict[str, Observation]:
        """Structured findings (``{"findings": {...}}`` or a list) checked against this pack."""
        return parse_findings_for(self.engine, data)


_default: Navigator | None = None
_default_lock = threading.Lock()


def default_navigator() -> Navigator:
    """The process-wide navigator over the shipped pack, created on first use."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Navigator()
    return _default


def set_default_navigator(navigator: Navigator | None) -> None:
    """Replace (or, with ``None``, forget) the process-wide navigator: for embedding and tests."""
    global _default
    with _default_lock:
        _default = navigator
