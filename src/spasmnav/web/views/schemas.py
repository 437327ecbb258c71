"""Response shapes for the OpenAPI document (the contract is documented, extras are allowed)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

__all__ = [
    "Advice",
    "AssessmentOut",
    "Condition",
    "Evidence",
    "Exercise",
    "Finding",
    "Medicine",
    "PackInfo",
    "Reason",
    "RedFlag",
    "Test",
    "Triage",
    "UncheckedRedFlag",
]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


# The assessment's JSON (``result.Assessment.to_json``), documented item by item. A test checks
# each model's fields against the keys ``to_json`` writes, so the document cannot drift.


class Reason(_Open):
    rule: str
    level: str
    text: str
    findings: list[str]
    sources: list[str]
    finding_labels: list[str]


class Triage(_Open):
    level: str
    title: str
    action: str
    specialist: str
    specialist_title: str
    reasons: list[Reason]


class RedFlag(_Open):
    id: str
    title: str
    level: str
    sources: list[str]


class UncheckedRedFlag(_Open):
    """A red flag neither confirmed nor excluded: ask ``question`` before anything else."""

    id: str
    title: str
    question: str
    answers: list[str]
    finding: str
    worry: bool


class Evidence(_Open):
    finding: str
    label: str
    present: bool
    weight: float


class Condition(_Open):
    id: str
    title: str
    score: float
    raw_score: float
    summary: str
    mechanism: str
    evidence: list[Evidence]
    sources: list[str]


class Finding(_Open):
    id: str
    label: str
    present: bool | None
    value: float | None
    text: str | None
    start: int | None
    end: int | None
    qualifiers: list[str]
    cues: list[str]


class Test(_Open):
    id: str
    title: str
    why: str
    sources: list[str]


class Advice(_Open):
    id: str
    kind: str
    title: str
    text: str
    sources: list[str]


class Exercise(_Open):
    id: str
    title: str
    goal: str
    instructions: str
    repetitions: str | None = None
    hold_seconds: str | None = None
    sets_per_day: str | None = None
    distance: str | None = None
    duration_minutes: str | None = None
    per_week: str | None = None
    caution: str | None = None
    sources: list[str]


class Medicine(_Open):
    id: str
    name: str
    group: str
    what_a_doctor_may_consider: str
    cautions: list[str]
    sources: list[str]


class AssessmentOut(_Open):
    """The assessment contract (DESIGN.md): level first, reasons with sources, what to do.

    From text it also carries ``subject``, ``text``, ``matches`` (and ``notes``); from an
    interview, ``interview`` with the questions asked.
    """

    schema_version: int
    in_scope: bool
    triage: Triage
    red_flags: list[RedFlag]
    red_flags_unchecked: list[UncheckedRedFlag]
    conditions: list[Condition]
    findings: list[Finding]
    tests: list[Test]
    advice: list[Advice]
    exercises: list[Exercise]
    medicines: list[Medicine]
    message: str | None
    disclaimer: str
    pack_version: str


class PackInfo(_Open):
    version: str
    levels: list[dict[str, Any]]
    specialists: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    conditions: list[dict[str, Any]]
    exercises: list[Exercise]
    emergency_line: str
    disclaimer: str
