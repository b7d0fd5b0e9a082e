"""What every step of the yearly cycle shares: the loaded cycle, the lock, finding an applicant or a
base, the document number check, rendering, and `record`, which writes the documents and then the
decision (the commit point). A refusal anywhere before `record` changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive import Archive, SealedYear, write_all_atomically, writer_lock
from docgen.cycle.details import Confirmed, ExpertView
from docgen.cycle.integrity import Audit, audit_journal, catch_up_head, link_to_last, sha256_bytes, write_head
from docgen.cycle.journal import Decision, Step, decision_years, load_decisions, next_id, now, write_decision
from docgen.cycle.receipts import roll_back_unfinished, unfinished
from docgen.cycle.stages import stage
from docgen.cycle.state import ApplicantState, Base, Standing, YearState, replay
from docgen.documents.docnumber import DocNumber
from docgen.documents.kinds import KINDS, BaseRef
from docgen.documents.make import (
    Request,
    compiled_template,
    limits_for,
    render_docx,
    render_kind,
    template_path,
    with_pdfs,
)
from docgen.errors import BadInputError, JournalBroken, did_you_mean
from docgen.evidence import open_archive
from docgen.policy import Policy
from docgen.policy_registry import load_policy
from docgen.workspace import Workspace


@dataclass(frozen=True)
class Signed:
    """Who records a decision, and its date (today unless given)."""

    by: str
    on: dt.date | None = None

    @property
    def date(self) -> dt.date:
        return self.on or dt.date.today()


@dataclass
class StepResult:
    decision: Decision
    documents: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # warnings and what else happened


@dataclass
class Cycle:
    """A workspace's programme and journal, loaded once per step."""

    workspace: Workspace
    policy: Policy
    standing: Standing

    @classmethod
    def load(cls, workspace: Workspace, *, check: bool = True, audit: Audit | None = None) -> Cycle:
        """The programme and the journal replayed; the journal's integrity checked first unless `check`
        is False (the caller then says on every screen that it was not). An intact journal is read
        once, by the check; a broken one is read again to name the first unreadable field."""
        policy = load_policy(workspace.settings.policy, workspace)
        audit = audit or audit_journal(workspace)
        if check and audit.breaks:
            raise JournalBroken(audit.breaks)
        decisions = load_decisions(workspace) if audit.breaks else audit.decisions
        return cls(workspace, policy, replay(decisions, policy.has_preliminary_review))

    def year(self, year: int) -> YearState:
        return self.standing.year(year)

    def applicants_dir(self, year: int) -> Path:
        return self.workspace.applicants_dir(year)

    def applicant_file(self, year: int, code: str) -> Path:
        return self.applicants_dir(year) / f"{code}.yaml"

    def out(self, year: int, step: Step, *parts: str) -> Path:
        """The year's output folder of the stage `step` (see stages.py), or a file in it."""
        return self.workspace.output_dir(year, stage(step).folder, *parts)

    def archive(self) -> Archive:
        return open_archive(self.workspace, self.policy)


@contextmanager
def locked(workspace: Workspace) -> Iterator[Cycle]:
    """One step at a time per workspace; the journal is read inside the lock, and a receipt that died
    before its decision is rolled back first (see receipts.py)."""
    with writer_lock(workspace.decisions_dir()):
        for year in decision_years(workspace):
            catch_up_head(workspace, year)
        cycle = Cycle.load(workspace)
        if unfinished(workspace):
            roll_back_unfinished(workspace, cycle.archive())
        yield cycle


def refuse_sealed(cycle: Cycle, year: int) -> None:
    if cycle.archive().is_sealed(year):
        raise SealedYear(f"{year} is sealed: no more decisions or evidence for it ('docgen archive unseal' reopens it)")


def find_applicant(state: YearState, who: str) -> ApplicantState:
    """An applicant of the year by credit code, unit name or applicant file name."""
    for a in state.applicants.values():
        if who in (a.code, a.unit, f"{a.code}.yaml") or Path(who).stem == a.code:
            return a
    units = [a.unit for a in state.applicants.values()]
    raise BadInputError(f"'{who}': no application received in {state.year}" + did_you_mean(who, units))


def find_base(cycle: Cycle, who: str) -> Base:
    for b in cycle.standing.bases.values():
        if who in (b.code, b.unit, b.base_name):
            return b
    names = [b.unit for b in cycle.standing.bases.values()]
    raise BadInputError(f"'{who}' is not a confirmed base (never confirmed)" + did_you_mean(who, names))


def unused_number(cycle: Cycle, doc_number: str) -> str:
    try:
        number = str(DocNumber.parse(doc_number))
    except ValueError as exc:
        raise BadInputError(f"--doc-number: {exc}") from None
    for d in cycle.standing.decisions:
        if getattr(d.facts, "doc_number", None) == number:
            raise BadInputError(f"{number}: already used by decision {d.id} ({d.step.value}, {d.date})")
    return number


def record(
    cycle: Cycle,
    decision: dict[str, Any],
    documents: Sequence[tuple[Path, bytes]] = (),
    *,
    pdf: bool = False,
    extra_files: Sequence[tuple[Path, bytes]] = (),
) -> StepResult:
    """Write the documents and files, then the decision (the commit point). `decision` may carry its id."""
    year = decision["year"]
    refuse_sealed(cycle, year)
    rendered = with_pdfs(list(documents)) if pdf and documents else list(documents)
    root = cycle.workspace.root
    made = Decision.model_validate(
        {
            "id": next_id(cycle.workspace, year),
            "recorded_at": now(),
            "documents": [str(path.relative_to(root)) for path, _ in rendered],
            "document_hashes": {
                str(path.relative_to(root)): sha256_bytes(data) for path, data in [*extra_files, *rendered]
            },
            "previous": link_to_last(cycle.workspace, year),
            **decision,
        }
    )
    refuse_taken(cycle, made)
    twice = sorted({d for d in made.documents if made.documents.count(d) > 1})
    if twice:
        raise BadInputError(f"{twice[0]}: two documents of this step would have the same name; nothing was written")
    write_all_atomically([*extra_files, *rendered])
    write_head(cycle.workspace, write_decision(cycle.workspace, made))
    return StepResult(made, [path for path, _ in rendered])


def refuse_taken(cycle: Cycle, made: Decision) -> None:
    """A document may be written again only by a decision of the same step for the same unit (a revision,
    or the year's table that each opinion renews); never over another unit's or another step's file."""
    for earlier in cycle.standing.decisions:
        for document in set(earlier.documents) & set(made.documents):
            if earlier.step != made.step or (earlier.applicant != made.applicant and stage(made.step).per_unit):
                owner = f"{earlier.id} ({earlier.step.value}, {earlier.unit or earlier.year})"
                raise BadInputError(f"{document}: belongs to decision {owner}; not replaced: nothing was written")


def applicants_source(cycle: Cycle, year: int) -> Path:
    """Where generated data 'lives' for resolving applicant files: next to the year's applicant files."""
    return cycle.applicants_dir(year) / "_"


def render(cycle: Cycle, kind: str, data: Any, out: Path, *, source: Path, all_bases: bool = False) -> Any:
    request = Request(kind, source, out, all_bases=all_bases)
    return render_kind(KINDS[kind], data, cycle.policy, request, cycle.workspace)


def render_context(cycle: Cycle, kind: str, context: dict[str, Any], out: Path) -> tuple[Path, bytes]:
    template = compiled_template(template_path(kind, cycle.workspace))
    return out, render_docx(template, context, limits_for(cycle.workspace))


def base_ref(a: ApplicantState | Base, short_name: str | None = None) -> BaseRef:
    return BaseRef(applicant=f"{a.code}.yaml", short_name=short_name)


def iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def short_name_of(a: ApplicantState) -> str | None:
    return a.expert.facts_as(ExpertView).short_name if a.expert else None


def confirmed_short_name(base: Base) -> str | None:
    entry = next(e for e in base.confirmation.facts_as(Confirmed).bases if e.code == base.code)
    return entry.short_name
