"""The diary's findings fed back into the triage engine.

A worsening trend, symptoms lasting beyond three weeks or episodes that disturb sleep or walking
are findings like any other; the engine's rules decide what they mean (usually: see a doctor).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..result import Assessment

__all__ = ["assess_diary"]


def assess_diary(findings: Mapping[str, bool | float]) -> Assessment | None:
    """The engine's assessment of the diary findings, or None when the engine is unavailable.

    Finding ids the loaded pack does not know are left out rather than failing the diary.
    """
    try:
        from ..engine import assess_findings, get_engine

        known = get_engine().known_findings()
        return assess_findings({k: v for k, v in findings.items() if k in known})
    except Exception:  # the diary must work while the engine or pack is being changed
        return None
