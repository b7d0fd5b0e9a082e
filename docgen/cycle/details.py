"""What each kind of decision records beside its outcome: one typed model per step.

A decision file keeps its details as a mapping (so the files read as they always did); on loading
they are validated against the step's model here, and code reads them through `Decision.facts_as`,
never by string keys. A decision whose details do not fit its step is refused as damaged.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from docgen.cycle.journal import Step


class Details(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def stored(self) -> dict[str, Any]:
        """The mapping written into the decision file."""
        return self.model_dump(mode="json", exclude_none=True)


class Opened(Details):
    doc_number: str
    deadline: str | None = None  # ISO date


class FiledEvidence(Details):
    type: str
    file: str
    outcome: str  # ingested, needs_review, duplicate, failed, ocr_failed
    code: str = ""
    pages: int = 0


class Received(Details):
    file: str  # the applicant file kept in the workspace
    received_as: str
    evidence: list[FiledEvidence] = []


class Opinion(Details):
    check: dict[str, Any]  # the eligibility check at the time of the opinion (EligibilityReport.to_json)


class ExpertView(Details):
    points: str | None = None
    short_name: str | None = None
    base_name: str | None = None  # for a candidate: the name it will be confirmed under


class Published(Details):
    start: str
    end: str
    working_days: int
    candidates: list[str]  # credit codes


class Nothing(Details):
    """Steps whose outcome, reason and documents say everything (an objection, a plaque re-issued)."""


class Resolved(Details):
    objection: str  # the objection's decision id


class ConfirmedBase(Details):
    code: str
    unit: str
    base_name: str
    short_name: str | None = None


class Confirmed(Details):
    doc_number: str
    publicity_end: str
    bases: list[ConfirmedBase]


class Assessed(Details):
    period: str
    passing: bool
    doc_number: str
    input: str  # the score sheet or yearly report kept beside the decision
    total: str | None = None  # graded points (Hangzhou)
    direct_fail: list[str] = []
    findings: list[str] = []  # yearly duty findings (Kunshan)


class Revoked(Details):
    ground: str
    ground_text: str
    doc_number: str
    assessment: str | None = None  # the failing assessment's decision id


DETAILS: dict[Step, type[Details]] = {
    Step.open: Opened,
    Step.receive: Received,
    Step.preliminary: Opinion,
    Step.expert: ExpertView,
    Step.publicity: Published,
    Step.objection: Nothing,
    Step.resolution: Resolved,
    Step.confirmation: Confirmed,
    Step.plaque: Nothing,
    Step.assessment: Assessed,
    Step.revocation: Revoked,
}
