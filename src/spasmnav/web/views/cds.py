"""A CDS Hooks service, so an EHR can show SpasmNav's latest assessment of a patient as cards.

Base URL ``…/api/v1``: discovery is ``GET /api/v1/cds-services``; the ``patient-view`` hook is
``POST /api/v1/cds-services/spasmnav-latest-assessment``. The person is the session's, as on every
personal route (the local person in single-user mode, the logged-in account in a clinic); the
hook answers cards only when ``context.patientId`` is that person's pseudonym (the Patient's id
in their FHIR Bundle), and no cards otherwise, so it never tells whose data exists.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from ...diary.fhir import CDS_SERVICE_ID, cds_cards, cds_services, patient_id
from ..deps import CoreDep, JsonOnly, PersonDep, StoreDep
from ..problems import Problem
from .api import PROBLEM_RESPONSES, json_response

__all__ = ["router"]

router = APIRouter(prefix="/cds-services", tags=["cds-hooks"], responses=PROBLEM_RESPONSES)


class HookContext(BaseModel):
    model_config = ConfigDict(extra="allow")

    patientId: str = Field(min_length=1, max_length=200)
    userId: str | None = Field(default=None, max_length=200)


class HookRequest(BaseModel):
    """A CDS Hooks request (the fields SpasmNav reads; the rest is allowed and ignored)."""

    model_config = ConfigDict(extra="allow")

    hook: str = Field(max_length=100)
    hookInstance: str = Field(max_length=200)
    context: HookContext


@router.get("", summary="CDS Hooks: список сервисов")
def discovery() -> Response:
    return json_response(cds_services())


@router.post(
    f"/{CDS_SERVICE_ID}",
    summary="CDS Hooks patient-view: последняя оценка как карточки",
    dependencies=[JsonOnly],
)
def patient_view(
    body: HookRequest, core: CoreDep, store: StoreDep, person_id: PersonDep
) -> Response:
    if body.hook != "patient-view":
        raise Problem(400, f"Этот сервис отвечает на patient-view, а не на «{body.hook}».")
    cards: list[dict[str, Any]] = []
    if body.context.patientId == patient_id(store, person_id):
        cards = cds_cards(store, person_id, pack=core.pack)
    return json_response({"cards": cards})
