"""What a text reads as, for the tests of the reader's wording families (paraphrases,
qualifiers): the level it is assessed at, and the state a finding is read in. One copy for
every such test file (``tests/`` is on the import path, as for ``reference_engine``)."""

from __future__ import annotations

from spasmnav import understand
from spasmnav.assessing import assess_text
from spasmnav.result import Level

__all__ = ["level", "rules", "state"]

# The qualifiers that say why a finding read is not current, in the order they are reported.
_NOT_CURRENT = ("other", "hypothetical", "historical")


def level(text: str) -> Level:
    """The level ``text`` is assessed at."""
    return assess_text(text).level


def rules(text: str) -> set[str]:
    """The rules whose reasons ``text`` is assessed with."""
    return {r.rule for r in assess_text(text).reasons}


def state(text: str, finding: str) -> str:
    """How ``finding`` is read from ``text``: ``current``, ``negated``, or the qualifier that
    keeps it from the present (``other``, ``hypothetical``, ``historical``). Not read at all,
    or unknown without a qualifier, is a failure."""
    u = understand(text)
    obs = u.facts.get(finding)
    assert obs is not None, f"{finding} not read from «{text}»: {sorted(u.facts)}"
    if obs.present is True:
        return "current"
    if obs.present is False:
        return "negated"
    assert obs.qualifiers, f"{finding} unknown without a qualifier in «{text}»"
    for q in _NOT_CURRENT:
        if q in obs.qualifiers:
            return q
    raise AssertionError(obs)
