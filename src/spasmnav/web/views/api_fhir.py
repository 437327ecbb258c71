"""FHIR R4 definitions SpasmNav publishes: the interview as an SDC Questionnaire and SpasmNav's
own CodeSystem. They are the same for everyone (from the content pack), so no login is needed;
a person's own data as a Bundle is ``GET /api/v1/diary/fhir``."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from ...diary.fhir import code_system, questionnaire
from ..deps import CoreDep
from .api import PROBLEM_RESPONSES

__all__ = ["FHIR_JSON", "fhir_response", "router"]

FHIR_JSON = "application/fhir+json"
_FHIR_CONTENT: dict[int | str, dict[str, Any]] = {
    200: {"content": {FHIR_JSON: {"schema": {"type": "object"}}}}
}

router = APIRouter(prefix="/fhir", tags=["fhir"], responses=PROBLEM_RESPONSES)


def fhir_response(resource: dict[str, Any]) -> Response:
    body = json.dumps(resource, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(body, media_type=FHIR_JSON)


@router.get(
    "/Questionnaire",
    summary="Вопросы опроса как FHIR SDC Questionnaire",
    response_class=Response,
    responses=_FHIR_CONTENT,
)
def get_questionnaire(core: CoreDep) -> Response:
    return fhir_response(questionnaire(core.pack))


@router.get(
    "/CodeSystem",
    summary="Собственные коды SpasmNav (FHIR CodeSystem)",
    response_class=Response,
    responses=_FHIR_CONTENT,
)
def get_code_system(core: CoreDep) -> Response:
    return fhir_response(code_system(core.pack))
