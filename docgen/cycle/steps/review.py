"""Stages 3-4: the 区镇 preliminary review (初审, where the programme has one) and the expert review."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from docgen.applicant import load_applicant
from docgen.cycle.campaign import load_campaign
from docgen.cycle.details import ExpertView, Opinion
from docgen.cycle.journal import Step
from docgen.cycle.steps._common import (
    Signed,
    StepResult,
    applicants_source,
    find_applicant,
    locked,
    record,
    render,
)
from docgen.documents.kinds import BaseRef, SummaryData
from docgen.eligibility import check_applicant
from docgen.errors import BadInputError
from docgen.verdict import Verdict, number_text
from docgen.workspace import Workspace


def parse_points(value: str | None, field: str = "--points") -> Decimal | None:
    """An expert group's score as typed (CLI option or web form field); None when none was given."""
    if value is None or not value.strip():
        return None
    try:
        points = Decimal(value.strip())
    except InvalidOperation:
        raise BadInputError(f"{field} {value}: not a number") from None
    if not points.is_finite() or points < 0:
        raise BadInputError(f"{field} {value}: must be a number of 0 or more")
    return points


SHORT_NAME = re.compile(r"[\u4e00-\u9fff]{1,10}")  # a district or place, as in 杭州市公共实训基地萧山分基地


def preliminary(
    workspace: Workspace,
    year: int,
    who: str,
    recommend: bool,
    opinion: str,
    signed: Signed,
    *,
    revise: bool = False,
    pdf: bool = False,
) -> StepResult:
    """区镇初审: the opinion, the eligibility check stored beside it, and the summary table rewritten."""
    with locked(workspace) as cycle:
        state = cycle.year(year)
        if not state.has_preliminary:
            raise BadInputError(f"{cycle.policy.id} has no 区镇初审 step; go on with 'docgen expert'")
        a = find_applicant(state, who)
        if a.expert is not None:
            raise BadInputError(f"{a.unit}: the expert group already decided ({a.expert.id}); too late to change")
        if a.preliminary is not None and not revise:
            raise BadInputError(
                f"{a.unit}: already has an opinion ({a.preliminary.id}, {a.preliminary.outcome}); "
                "pass --revise to record a new one"
            )
        applicant = load_applicant(cycle.applicant_file(year, a.code))
        report = check_applicant(applicant, cycle.policy)
        check = {
            "verdict": report.verdict.value,
            "conditions": [
                {
                    "title": c.title,
                    "verdict": c.verdict.value,
                    "findings": [f"{f.verdict.value}: {f.label}: {f.detail}" for f in c.findings],
                }
                for c in report.conditions
            ],
        }
        outcome = "recommended" if recommend else "not_recommended"
        opinions = {x.code: x.preliminary for x in state.applicants.values() if x.preliminary}
        decision = {
            "step": Step.preliminary,
            "year": year,
            "applicant": a.code,
            "unit": a.unit,
            "outcome": outcome,
            "date": signed.date,
            "by": signed.by,
            "reason": opinion,
            "supersedes": a.preliminary.id if a.preliminary else None,
            "details": Opinion(check=check).stored(),
        }
        rows = [(code, _opinion_text(d.outcome, d.reason)) for code, d in opinions.items() if code != a.code]
        rows.append((a.code, _opinion_text(outcome, opinion)))
        data = SummaryData(
            year=year,
            filled_by=load_campaign(workspace, year).summary_filled_by,
            filled_on=signed.date,
            applicants=[BaseRef(applicant=f"{code}.yaml", opinion=text) for code, text in rows],
        )
        docs = render(
            cycle,
            "summary",
            data,
            cycle.out(year, Step.preliminary, "申报汇总表.docx"),
            source=applicants_source(cycle, year),
        )
        result = record(cycle, decision, docs, pdf=pdf)
        if recommend and report.verdict is Verdict.failed:
            failed = "、".join(c.title for c in report.conditions if c.verdict is Verdict.failed)
            result.notes.append(f"recommended although the check fails: {failed}")
        return result


def _opinion_text(outcome: str, reason: str) -> str:
    return f"{'同意推荐' if outcome == 'recommended' else '不予推荐'}：{reason}"


def expert(
    workspace: Workspace,
    year: int,
    who: str,
    candidate: bool,
    opinion: str,
    signed: Signed,
    *,
    points: Decimal | None = None,
    short_name: str | None = None,
    revise: bool = False,
) -> StepResult:
    """专家评审: the group's opinion (and score); a candidate gets the base name it will carry."""
    with locked(workspace) as cycle:
        state = cycle.year(year)
        a = find_applicant(state, who)
        if state.publicity is not None:
            raise BadInputError(
                f"{year}: candidates were published ({state.publicity.id}); record an objection instead"
            )
        if state.has_preliminary and a.preliminary is None:
            raise BadInputError(f"{a.unit}: no preliminary review yet ('docgen preliminary' comes first)")
        if state.has_preliminary and not a.recommended:
            assert a.preliminary is not None
            raise BadInputError(f"{a.unit}: not recommended at the preliminary review ({a.preliminary.id})")
        if a.expert is not None and not revise:
            raise BadInputError(
                f"{a.unit}: the expert group already decided ({a.expert.id}, {a.expert.outcome}); "
                "pass --revise to record a new decision"
            )
        view = ExpertView(points=number_text(points) if points is not None else None)
        if candidate:
            applicant = load_applicant(cycle.applicant_file(year, a.code))
            if short_name is not None and not SHORT_NAME.fullmatch(short_name):
                raise BadInputError(f"--short-name: '{short_name[:20]}' is not 1-10 Chinese characters, e.g. 萧山")
            needs_short = "{short_name}" in cycle.policy.naming.base_name
            if needs_short and not short_name:
                raise BadInputError(
                    f"{a.unit}: --short-name is needed for the base's name ({cycle.policy.naming.base_name})"
                )
            base_name = cycle.policy.base_name(applicant.name, short_name=short_name, district=applicant.district)
            view = view.model_copy(update={"short_name": short_name, "base_name": base_name})
            taken = cycle.standing.bases.get(a.code)
            if taken is not None and taken.revocation is None:
                raise BadInputError(f"{a.unit}: already a base since {taken.year} ({taken.base_name})")
        return record(
            cycle,
            {
                "step": Step.expert,
                "year": year,
                "applicant": a.code,
                "unit": a.unit,
                "outcome": "candidate" if candidate else "not_selected",
                "date": signed.date,
                "by": signed.by,
                "reason": opinion,
                "supersedes": a.expert.id if a.expert else None,
                "details": view.stored(),
            },
        )
