"""Stages 7-8: assessing a base (考核, with its result notice) and revoking one (撤销)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archive import safe_filename
from docgen.assessment import load_assessment_sheet, score
from docgen.cycle.details import Assessed, Confirmed, Revoked
from docgen.cycle.journal import Step, next_id
from docgen.cycle.state import Base
from docgen.cycle.steps._common import (
    Signed,
    StepResult,
    applicants_source,
    base_ref,
    confirmed_short_name,
    find_base,
    locked,
    record,
    render,
    unused_number,
)
from docgen.documents.kinds import AssessmentDocData, RevocationData
from docgen.errors import BadInputError, did_you_mean
from docgen.policy import Policy
from docgen.verdict import Verdict, number_text
from docgen.workspace import Workspace
from docgen.yearly import check_yearly, load_yearly_report


def assess(
    workspace: Workspace,
    who: str,
    result_file: Path,
    doc_number: str,
    signed: Signed,
    *,
    revise: bool = False,
    pdf: bool = False,
) -> StepResult:
    """考核: a points sheet (graded) or a yearly report (yearly duty) for a base; the result notice."""
    with locked(workspace) as cycle:
        base = find_base(cycle, who)
        if base.revocation is not None:
            raise BadInputError(f"{base.base_name}: revoked on {base.revocation.date} ({base.revocation.id})")
        policy = cycle.policy
        if policy.assessment is not None:
            sheet = load_assessment_sheet(result_file)
            _same_base(result_file, base, sheet.base, sheet.credit_code)
            graded = score(sheet, policy, source=result_file)
            period = sheet.period or str(signed.date.year)
            outcome, passing = graded.grade.name, graded.passing
            scored: dict[str, Any] = {"total": number_text(graded.total), "direct_fail": list(graded.direct_fail)}
            field_name = "sheet"
        else:
            report = load_yearly_report(result_file)
            _same_base(result_file, base, report.base, report.credit_code)
            if report.year < base.year:
                raise BadInputError(
                    f"{result_file}: year: {report.year} is before the base was confirmed ({base.year})"
                )
            yearly = check_yearly(report, policy, source=result_file)
            period = f"{report.year}年度"
            passing = yearly.verdict is Verdict.passed
            outcome = "合格" if passing else "不合格"
            scored = {"findings": [f"{f.verdict.value}: {f.label}: {f.detail}" for f in yearly.findings]}
            field_name = "yearly_report"
        earlier = [a for a in base.assessments if a.facts_as(Assessed).period == period]
        if earlier and not revise:
            raise BadInputError(
                f"{base.base_name}: {period} was already assessed ({earlier[-1].id}, {earlier[-1].outcome}); "
                "pass --revise to record a new result"
            )
        number = unused_number(cycle, doc_number)
        year = signed.date.year
        decision_id = next_id(workspace, year)
        kept = workspace.decisions_dir(year) / "inputs" / f"{decision_id}-{base.code}.yaml"
        data = AssessmentDocData.model_validate(
            {"doc_number": number, "date": signed.date, field_name: result_file.name}
        )
        out = cycle.out(
            year, Step.assessment, f"考核结果-{safe_filename(base.unit)}-{base.code}-{safe_filename(period)}.docx"
        )
        docs = render(cycle, "assessment", data, out, source=result_file)
        assessed = Assessed(
            period=period, passing=passing, doc_number=number, input=str(kept.relative_to(workspace.root)), **scored
        )
        return record(
            cycle,
            {
                "id": decision_id,
                "step": Step.assessment,
                "year": year,
                "applicant": base.code,
                "unit": base.unit,
                "outcome": outcome,
                "date": signed.date,
                "by": signed.by,
                "reason": f"{period}考核：{outcome}",
                "supersedes": earlier[-1].id if earlier else None,
                "details": assessed.stored(),
            },
            docs,
            pdf=pdf,
            extra_files=[(kept, result_file.read_bytes())],  # the input as assessed, kept with its decision
        )


def _same_base(source: Path, base: Base, named: str, code: str | None) -> None:
    if code is not None and code != base.code:
        raise BadInputError(f"{source}: credit_code: {code} is not {base.unit}'s ({base.code})")
    if named not in (base.base_name, base.unit):
        raise BadInputError(f"{source}: base: '{named}' is not {base.base_name} as confirmed")


def failing_reason(policy: Policy) -> str:
    return policy.assessment.failing_reason if policy.assessment else "assessment_failed"


def revoke(
    workspace: Workspace,
    who: str,
    ground: str,
    facts: str | None,
    doc_number: str,
    signed: Signed,
    *,
    pdf: bool = False,
) -> StepResult:
    """撤销: the revocation letter for one of the programme's listed grounds; the register records it."""
    with locked(workspace) as cycle:
        base = find_base(cycle, who)
        if base.revocation is not None:
            raise BadInputError(f"{base.base_name}: already revoked on {base.revocation.date} ({base.revocation.id})")
        grounds = [r.id for r in cycle.policy.revocation_reasons]
        if ground not in grounds:
            raise BadInputError(
                f"--ground {ground}: not a revocation ground of {cycle.policy.id}" + did_you_mean(ground, grounds)
            )
        ground_text = cycle.policy.revocation_reason(ground).text
        failing: str | None = None
        if ground == failing_reason(cycle.policy):
            latest = base.latest_assessment()
            if latest is None:
                raise BadInputError(f"{base.base_name}: no assessment recorded; '{ground}' needs a failing one")
            if latest.facts_as(Assessed).passing:
                raise BadInputError(
                    f"{base.base_name}: the latest assessment ({latest.id}) is {latest.outcome}, not failing"
                )
            failing = latest.id
        number = unused_number(cycle, doc_number)
        revoked = Revoked(ground=ground, ground_text=ground_text, doc_number=number, assessment=failing)
        data = RevocationData(
            doc_number=number,
            date=signed.date,
            base=base_ref(base, confirmed_short_name(base)),
            confirmed_by=base.confirmation.facts_as(Confirmed).doc_number,
            confirmed_on=base.confirmation.date,
            reason=ground,
            details=facts,
        )
        year = signed.date.year
        out = cycle.out(year, Step.revocation, f"撤销通知-{safe_filename(base.unit)}-{base.code}.docx")
        docs = render(cycle, "revocation", data, out, source=applicants_source(cycle, base.year))
        return record(
            cycle,
            {
                "step": Step.revocation,
                "year": year,
                "applicant": base.code,
                "unit": base.unit,
                "outcome": "revoked",
                "date": signed.date,
                "by": signed.by,
                "reason": facts or ground_text,
                "details": revoked.stored(),
            },
            docs,
            pdf=pdf,
        )
