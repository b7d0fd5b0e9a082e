"""Stage 6: the confirmation notice with the plaques (发文确认并挂牌), and re-issuing a plaque."""

from __future__ import annotations

import datetime as dt

from archive import safe_filename
from docgen.cycle.details import Confirmed, ConfirmedBase, ExpertView
from docgen.cycle.journal import Step
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
    short_name_of,
    unused_number,
)
from docgen.documents.kinds import ConfirmationData, PlaqueData
from docgen.errors import BadInputError
from docgen.workspace import Workspace


def confirm(workspace: Workspace, year: int, doc_number: str, signed: Signed, *, pdf: bool = False) -> StepResult:
    """发文确认并挂牌: the confirmation notice and a plaque per base; the bases enter the register."""
    with locked(workspace) as cycle:
        state = cycle.year(year)
        if state.confirmation is not None:
            raise BadInputError(f"{year}: already confirmed ({state.confirmation.id}, {state.confirmation.date})")
        end = state.publicity_end
        if state.publicity is None or end is None:
            raise BadInputError(f"{year}: the candidates have not been published ('docgen publicise' comes first)")
        if signed.date <= end:
            raise BadInputError(
                f"the publicity runs until {end}; confirmation can be dated {end + dt.timedelta(1)} or later"
            )
        waiting = [o.id for a in state.applicants.values() for o in a.open_objections]
        if waiting:
            raise BadInputError(f"{year}: objections not yet resolved: {', '.join(waiting)}")
        bases = state.candidates()
        if not bases:
            raise BadInputError(f"{year}: every candidate was withdrawn; nothing to confirm")
        number = unused_number(cycle, doc_number)
        refs = [base_ref(a, short_name_of(a)) for a in bases]
        source = applicants_source(cycle, year)
        folder = cycle.out(year, Step.confirmation)
        data = ConfirmationData(doc_number=number, date=signed.date, year=year, bases=refs, publicity_end=end)
        docs = render(cycle, "confirmation", data, folder / "认定通知.docx", source=source)
        plaques = PlaqueData(date=signed.date, bases=refs)
        docs += render(cycle, "plaque", plaques, folder / "铭牌", source=source, all_bases=True)
        entries = []
        for a in bases:
            assert a.expert is not None
            view = a.expert.facts_as(ExpertView)
            entries.append(
                ConfirmedBase(code=a.code, unit=a.unit, base_name=view.base_name or a.unit, short_name=short_name_of(a))
            )
        return record(
            cycle,
            {
                "step": Step.confirmation,
                "year": year,
                "outcome": "confirmed",
                "date": signed.date,
                "by": signed.by,
                "reason": f"公示期满（至{end}）无异议或异议已处理",
                "details": Confirmed(doc_number=number, publicity_end=end.isoformat(), bases=entries).stored(),
            },
            docs,
            pdf=pdf,
        )


def reissue_plaque(workspace: Workspace, who: str, reason: str, signed: Signed, *, pdf: bool = False) -> StepResult:
    """铭牌补发: a plaque again for a base in the register (lost or damaged)."""
    with locked(workspace) as cycle:
        base = find_base(cycle, who)
        if base.revocation is not None:
            raise BadInputError(f"{base.base_name}: revoked on {base.revocation.date} ({base.revocation.id})")
        data = PlaqueData(date=base.confirmation.date, bases=[base_ref(base, confirmed_short_name(base))])
        out = cycle.out(
            signed.date.year,
            Step.plaque,
            f"{safe_filename(base.base_name)}-补发{signed.date:%Y%m%d}.docx",
        )
        docs = render(cycle, "plaque", data, out, source=applicants_source(cycle, base.year))
        return record(
            cycle,
            {
                "step": Step.plaque,
                "year": signed.date.year,
                "applicant": base.code,
                "unit": base.unit,
                "outcome": "reissued",
                "date": signed.date,
                "by": signed.by,
                "reason": reason,
            },
            docs,
            pdf=pdf,
        )
