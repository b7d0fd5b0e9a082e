"""What `docgen status` and `docgen register` show, as plain data (the CLI only prints it)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from docgen.cycle.campaign import campaign_file
from docgen.cycle.details import Assessed, Confirmed, Published, Revoked
from docgen.cycle.journal import Step
from docgen.cycle.receipts import pending_codes
from docgen.cycle.stages import stage
from docgen.cycle.state import YearState
from docgen.cycle.steps import Cycle
from docgen.workspace import Workspace


def year_records(workspace: Workspace, year: int) -> dict[str, Path]:
    """The year's files kept beside its evidence in an export (those that exist), by name in the bag."""
    candidates = {
        f"campaign-{year}.yaml": campaign_file(workspace, year),
        "applicants": workspace.applicants_dir(year),
        "decisions": workspace.decisions_dir(year),
        "documents": workspace.output_dir(year),
        "reviews": workspace.review_notes_file(year, "x").parent,
    }
    return {name: path for name, path in candidates.items() if path.exists()}


def year_status(cycle: Cycle, year: int) -> dict[str, Any]:
    state: YearState = cycle.year(year)
    applicants = list(state.applicants.values())
    steps: list[dict[str, Any]] = [
        {
            "step": "open",
            "name": stage(Step.open).name,
            "done": state.opened is not None,
            **_said(_when(state.opened), _when_zh(state.opened)),
        },
        {
            "step": "receive",
            "name": stage(Step.receive).name,
            "done": bool(applicants),
            **_said(f"{len(applicants)} received", f"{len(applicants)} 家已受理"),
        },
    ]
    if state.has_preliminary:
        recommended = sum(1 for a in applicants if a.recommended)
        reviewed = sum(1 for a in applicants if a.preliminary)
        steps.append(
            {
                "step": "preliminary",
                "name": stage(Step.preliminary).name,
                "done": bool(applicants) and reviewed == len(applicants),
                **_said(
                    f"{reviewed}/{len(applicants)} reviewed, {recommended} recommended",
                    f"{reviewed}/{len(applicants)} 已初审，{recommended} 家推荐",
                ),
            }
        )
    in_review = state.in_expert_review()
    decided = sum(1 for a in in_review if a.expert)
    candidates = sum(1 for a in applicants if a.candidate)
    steps.append(
        {
            "step": "expert",
            "name": stage(Step.expert).name,
            "done": bool(in_review) and decided == len(in_review),
            **_said(
                f"{decided}/{len(in_review)} decided, {candidates} candidates",
                f"{decided}/{len(in_review)} 已评审，{candidates} 家候选",
            ),
        }
    )
    objections = [o for a in applicants for o in a.objections]
    open_objections = [o for a in applicants for o in a.open_objections]
    published = state.publicity.facts_as(Published) if state.publicity else None
    period = f"{published.start} – {published.end}" if published else ""
    steps.append(
        {
            "step": "publicity",
            "name": stage(Step.publicity).name,
            "done": state.publicity is not None,
            **_said(
                f"{period}, {len(objections)} objections, {len(open_objections)} open" if period else "",
                f"{period}，异议 {len(objections)} 条，未处理 {len(open_objections)} 条" if period else "",
            ),
        }
    )
    confirmation = state.confirmation.facts_as(Confirmed) if state.confirmation else None
    confirmed = len(confirmation.bases) if confirmation else 0
    steps.append(
        {
            "step": "confirmation",
            "name": stage(Step.confirmation).name,
            "done": state.confirmation is not None,
            **_said(
                f"{confirmed} bases, {confirmation.doc_number}" if confirmation else "",
                f"{confirmed} 家基地，{confirmation.doc_number}" if confirmation else "",
            ),
        }
    )
    bases = list(cycle.standing.bases.values())
    return {
        "programme": cycle.policy.id,
        "year": year,
        "steps": steps,
        "next": state.next_step(),
        "register": {
            "active": sum(1 for b in bases if b.state == "active"),
            "revoked": sum(1 for b in bases if b.state == "revoked"),
        },
        "applicants": [
            {
                "unit": a.unit,
                "credit_code": a.code,
                "stage": _stage(a, state),
            }
            for a in applicants
        ],
        "evidence": _evidence_status(cycle, year),
    }


def _evidence_status(cycle: Cycle, year: int) -> dict[str, Any]:
    """The year's archived evidence, and every page OCR could not read well (a person must look at it).
    Documents of a receipt that has no decision yet (running, or dead and not yet rolled back) do not count."""
    archive = cycle.archive()
    pending = pending_codes(cycle.workspace, archive, year)
    records = [record for _, record in archive.records(year) if record.archival_code not in pending]
    return {
        "documents": len(records),
        "pages": sum(r.pages for r in records),
        "ocr_failed": [r.archival_code for r in records if r.status == "ocr_failed"],
        "needs_review": [
            {
                "archival_code": r.archival_code,
                "applicant": r.applicant,
                "page": q.page,
                "reason": q.reason,
                "reason_zh": q.said_zh,
            }
            for r in records
            for q in r.pages_to_review()
        ],
    }


def _said(en: str, zh: str) -> dict[str, str]:
    """A step's detail for the command line and its Chinese wording for the web page."""
    return {"detail": en, "detail_zh": zh}


def _when(decision: Any) -> str:
    return f"{decision.date} by {decision.by} ({decision.id})" if decision else ""


def _when_zh(decision: Any) -> str:
    return f"{decision.date} {decision.by}（{decision.id}）" if decision else ""


def _stage(a: Any, state: YearState) -> str:
    if state.confirmation and any(b.code == a.code for b in state.confirmation.facts_as(Confirmed).bases):
        return "confirmed"
    if a.withdrawn:
        return "withdrawn after an objection"
    if a.expert:
        return "candidate" if a.candidate else "not selected by the experts"
    if state.has_preliminary:
        if a.preliminary is None:
            return "awaiting preliminary review"
        if not a.recommended:
            return "not recommended"
    return "awaiting expert review"


REGISTER_COLUMNS = [
    "base_name",
    "unit",
    "credit_code",
    "year",
    "confirmed_on",
    "confirmed_by",
    "assessments",
    "state",
    "revoked_on",
    "revoked_by",
    "revocation_reason",
]


def register_rows(cycle: Cycle) -> list[dict[str, Any]]:
    rows = []
    for base in sorted(cycle.standing.bases.values(), key=lambda b: (b.year, b.confirmation.id, b.unit)):
        revocation = base.revocation
        rows.append(
            {
                "base_name": base.base_name,
                "unit": base.unit,
                "credit_code": base.code,
                "year": base.year,
                "confirmed_on": base.confirmation.date.isoformat(),
                "confirmed_by": base.confirmation.facts_as(Confirmed).doc_number,
                "assessments": [
                    {"period": a.facts_as(Assessed).period, "result": a.outcome, "date": a.date.isoformat(), "id": a.id}
                    for a in base.assessments
                ],
                "state": base.state,
                "revoked_on": revocation.date.isoformat() if revocation else None,
                "revoked_by": revocation.facts_as(Revoked).doc_number if revocation else None,
                "revocation_reason": revocation.facts_as(Revoked).ground_text if revocation else None,
            }
        )
    return rows


def register_csv(rows: list[dict[str, Any]]) -> str:
    """UTF-8 with BOM so Excel and WPS read the Chinese; assessments as 'period:result' joined by ；."""
    out = io.StringIO()
    writer = csv.DictWriter(out, REGISTER_COLUMNS)
    writer.writeheader()
    for row in rows:
        flat = dict(row)
        flat["assessments"] = "；".join(f"{a['period']}:{a['result']}" for a in row["assessments"])
        writer.writerow({k: "" if v is None else v for k, v in flat.items()})
    return "\ufeff" + out.getvalue()
