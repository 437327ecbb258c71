"""Response shapes for the OpenAPI document (the contract is documented, extras are allowed)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

__all__ = ["AssessmentOut", "PackInfo", "Reason", "Triage"]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Reason(_Open):
    text: str
    findings: list[str]
    sources: list[str]


class Triage(_Open):
    level: str
    title: str
    action: str
    specialist: str
    specialist_title: str
    reasons: list[Reason]


class AssessmentOut(_Open):
    """The assessment contract (DESIGN.md): level first, reasons with sources, what to do."""

    schema_version: int
    in_scope: bool
    triage: Triage
    red_flags: list[dict[str, Any]]
    conditions: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    tests: list[dict[str, Any]]
    advice: list[dict[str, Any]]
    exercises: list[dict[str, Any]]
    medicines: list[dict[str, Any]]
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
    exercises: list[dict[str, Any]]
    emergency_line: str
    disclaimer: str
