"""Stage 5: publicity of the candidates (公示), objections raised during it, and their resolution."""

from __future__ import annotations

from docgen.cycle.campaign import Campaign, load_campaign
from docgen.cycle.details import Published, Resolved
from docgen.cycle.journal import Step
from docgen.cycle.steps._common import (
    Signed,
    StepResult,
    applicants_source,
    base_ref,
    find_applicant,
    locked,
    record,
    render,
    short_name_of,
)
from docgen.documents.kinds import PublicityData, publicity_period
from docgen.errors import BadInputError, did_you_mean
from docgen.workspace import Workspace


def publicise(workspace: Workspace, year: int, signed: Signed, *, pdf: bool = False) -> StepResult:
    """公示: the announcement of the candidates, with its period in working days."""
    with locked(workspace) as cycle:
        state = cycle.year(year)
        if state.publicity is not None:
            raise BadInputError(f"{year}: already published ({state.publicity.id}, until {state.publicity_end})")
        if state.opened is None or not state.applicants:
            raise BadInputError(f"{year}: no applications received yet")
        if state.has_preliminary:
            pending = [a.unit for a in state.applicants.values() if a.preliminary is None]
            if pending:
                raise BadInputError(f"{year}: no preliminary review yet for {'、'.join(pending)}")
        pending = [a.unit for a in state.in_expert_review() if a.expert is None]
        if pending:
            raise BadInputError(f"{year}: the expert group has not decided on {'、'.join(pending)}")
        candidates = state.candidates()
        if not candidates:
            raise BadInputError(f"{year}: no candidates to publish")
        campaign: Campaign = load_campaign(workspace, year)
        days = campaign.publicity.working_days or cycle.policy.publicity.working_days
        start, end = publicity_period(signed.date, days, cycle.policy, workspace.holidays_dir)
        data = PublicityData(
            year=year,
            date=signed.date,
            working_days=days,
            candidates=[base_ref(a, short_name_of(a)) for a in candidates],
            contact=campaign.publicity.contact,
            signature=campaign.publicity.signature,
        )
        docs = render(
            cycle,
            "publicity",
            data,
            cycle.out(year, Step.publicity, "公示.docx"),
            source=applicants_source(cycle, year),
        )
        return record(
            cycle,
            {
                "step": Step.publicity,
                "year": year,
                "outcome": "published",
                "date": signed.date,
                "by": signed.by,
                "reason": "根据专家组评审意见确定候选单位并向社会公示",
                "details": Published(
                    start=start.isoformat(),
                    end=end.isoformat(),
                    working_days=days,
                    candidates=[a.code for a in candidates],
                ).stored(),
            },
            docs,
            pdf=pdf,
        )


def object_to(workspace: Workspace, year: int, who: str, objection: str, signed: Signed) -> StepResult:
    """公示异议: an objection to a candidate, received during the publicity."""
    with locked(workspace) as cycle:
        state = cycle.year(year)
        if state.publicity is None:
            raise BadInputError(f"{year}: nothing published yet; objections come during the publicity")
        if state.confirmation is not None:
            raise BadInputError(f"{year}: already confirmed ({state.confirmation.id})")
        a = find_applicant(state, who)
        if not a.candidate or a.withdrawn:
            raise BadInputError(f"{a.unit}: not a published candidate of {year}")
        end = state.publicity_end
        assert end is not None
        if signed.date > end:
            raise BadInputError(f"the publicity ended on {end}; an objection dated {signed.date} is too late")
        return record(
            cycle,
            {
                "step": Step.objection,
                "year": year,
                "applicant": a.code,
                "unit": a.unit,
                "outcome": "raised",
                "date": signed.date,
                "by": signed.by,
                "reason": objection,
            },
        )


def resolve_objection(workspace: Workspace, objection_id: str, upheld: bool, reason: str, signed: Signed) -> StepResult:
    """异议处理: an objection upheld (the candidate is withdrawn) or dismissed."""
    with locked(workspace) as cycle:
        raised = cycle.standing.find(objection_id)
        if raised is None or raised.step is not Step.objection:
            known = [d.id for d in cycle.standing.decisions if d.step is Step.objection]
            raise BadInputError(f"{objection_id}: no such objection" + did_you_mean(objection_id, known))
        state = cycle.year(raised.year)
        if state.confirmation is not None:
            raise BadInputError(f"{raised.year}: already confirmed ({state.confirmation.id})")
        a = state.applicants[raised.applicant or ""]
        if raised.id in a.resolutions:
            done = a.resolutions[raised.id]
            raise BadInputError(f"{objection_id}: already resolved ({done.id}, {done.outcome})")
        return record(
            cycle,
            {
                "step": Step.resolution,
                "year": raised.year,
                "applicant": a.code,
                "unit": a.unit,
                "outcome": "upheld" if upheld else "dismissed",
                "date": signed.date,
                "by": signed.by,
                "reason": reason,
                "details": Resolved(objection=raised.id).stored(),
            },
        )
