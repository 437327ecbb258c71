"""The diary's findings fed back into the triage engine.

A worsening trend, symptoms lasting beyond three weeks or episodes that disturb sleep or walking
are findings like any other; the engine's rules decide what they mean (usually: see a doctor).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..core import Navigator
    from ..result import Assessment

__all__ = ["assess_diary"]


def assess_diary(
    findings: Mapping[str, bool | float], navigator: Navigator | None = None
) -> Assessment | None:
    """The engine's assessment of the diary findings, or None when the engine is unavailable.

    Finding ids the pack does not know are left out rather than failing the diary. Without a
    ``navigator``, the default one's.
    """
    try:
        from ..core import default_navigator

        nav = navigator or default_navigator()
        known = nav.engine.known_findings()
        return nav.assess_findings({k: v for k, v in findings.items() if k in known})
    except Exception:  # the diary must work while the engine or pack is being changed
        return None
