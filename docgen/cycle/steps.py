"""The steps of the yearly cycle: each checks it comes in order, writes its documents, records its decision.

Every step follows one pattern: read the journal, refuse with a one-line reason if the step is out
of order, build the documents in memory from the workspace (campaign, applicant files, earlier
decisions), then write the documents and last the decision file. A refusal changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from archive import (
    Archive,
    FileResult,
    IngestOptions,
    RejectedFile,
    SealedYear,
    expand,
    identify,
    safe_filename,
    write_all_atomically,
    writer_lock,
)
from docgen.applicant import Applicant, load_applicant
from docgen.assessment import load_assessment_sheet, score
from docgen.cycle.campaign import Campaign, load_campaign
from docgen.cycle.journal import DECISIONS, Decision, Step, decisions_dir, load_decisions, next_id, now, write_decision
from docgen.cycle.state import ApplicantState, Base, Standing, YearState, fold
from docgen.documents.docnumber import DocNumber
from docgen.documents.kinds import (
    KINDS,
    AssessmentDocData,
    BaseRef,
    ConfirmationData,
    PlaqueData,
    PublicityData,
    RevocationData,
    SummaryData,
    blank_summary_context,
    publicity_period,
)
from docgen.documents.make import Request, compiled_template, render_docx, render_kind, template_path, with_pdfs
from docgen.eligibility import check_applicant
from docgen.errors import BadInputError, did_you_mean
from docgen.evidence import file_evidence, open_archive
from docgen.policy import Policy
from docgen.policy_registry import load_policy
from docgen.verdict import Verdict, number_text
from docgen.workspace import Workspace
from docgen.yearly import check_yearly, load_yearly_report

APPLICANTS = "applicants"
OUTPUT = "output"


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
    def load(cls, workspace: Workspace) -> Cycle:
        policy = load_policy(workspace.settings.policy, workspace)
        return cls(workspace, policy, fold(load_decisions(workspace), has_preliminary(policy)))

    def year(self, year: int) -> YearState:
        return self.standing.year(year)

    def applicants_dir(self, year: int) -> Path:
        return self.workspace.root / APPLICANTS / str(year)

    def applicant_file(self, year: int, code: str) -> Path:
        return self.applicants_dir(year) / f"{code}.yaml"

    def out(self, year: int, *parts: str) -> Path:
        return self.workspace.root.joinpath(OUTPUT, str(year), *parts)

    def archive(self) -> Archive:
        return open_archive(self.workspace, self.policy)


def has_preliminary(policy: Policy) -> bool:
    return any(step.id == "preliminary_review" for step in policy.procedure)


@contextmanager
def _locked(workspace: Workspace) -> Iterator[Cycle]:
    """One step at a time per workspace; the journal is read inside the lock."""
    with writer_lock(workspace.root / DECISIONS):
        yield Cycle.load(workspace)


# --- shared checks and writing ------------------------------------------------------------


def _refuse_sealed(cycle: Cycle, year: int) -> None:
    if cycle.archive().is_sealed(year):
        raise SealedYear(f"{year} is sealed: no more decisions or evidence for it ('docgen archive unseal' reopens it)")


def _applicant(state: YearState, who: str) -> ApplicantState:
    """An applicant of the year by credit code, unit name or applicant file name."""
    for a in state.applicants.values():
        if who in (a.code, a.unit, f"{a.code}.yaml") or Path(who).stem == a.code:
            return a
    units = [a.unit for a in state.applicants.values()]
    raise BadInputError(f"'{who}': no application received in {state.year}" + did_you_mean(who, units))


def _base(cycle: Cycle, who: str) -> Base:
    for b in cycle.standing.bases.values():
        if who in (b.code, b.unit, b.base_name):
            return b
    names = [b.unit for b in cycle.standing.bases.values()]
    raise BadInputError(f"'{who}' is not a confirmed base (never confirmed)" + did_you_mean(who, names))


def _unused_number(cycle: Cycle, doc_number: str) -> str:
    try:
        number = str(DocNumber.parse(doc_number))
    except ValueError as exc:
        raise BadInputError(f"--doc-number: {exc}") from None
    for d in cycle.standing.decisions:
        if d.details.get("doc_number") == number:
            raise BadInputError(f"{number}: already used by decision {d.id} ({d.step.value}, {d.date})")
    return number


def _record(
    cycle: Cycle,
    decision: dict[str, Any],
    documents: Sequence[tuple[Path, bytes]] = (),
    *,
    pdf: bool = False,
    extra_files: Sequence[tuple[Path, bytes]] = (),
) -> StepResult:
    """Write the documents and files, then the decision (the commit point). `decision` may carry its id."""
    year = decision["year"]
    _refuse_sealed(cycle, year)
    rendered = with_pdfs(list(documents)) if pdf and documents else list(documents)
    root = cycle.workspace.root
    made = Decision.model_validate(
        {
            "id": next_id(cycle.workspace, year),
            "recorded_at": now(),
            "documents": [str(path.relative_to(root)) for path, _ in rendered],
            **decision,
        }
    )
    write_all_atomically([*extra_files, *rendered])
    write_decision(cycle.workspace, made)
    return StepResult(made, [path for path, _ in rendered])


def _source(cycle: Cycle, year: int) -> Path:
    """Where generated data 'lives' for resolving applicant files: next to the year's applicant files."""
    return cycle.applicants_dir(year) / "_"


def _render(cycle: Cycle, kind: str, data: Any, out: Path, *, source: Path, all_bases: bool = False) -> Any:
    request = Request(kind, source, out, all_bases=all_bases)
    return render_kind(KINDS[kind], data, cycle.policy, request, cycle.workspace)


def _render_context(cycle: Cycle, kind: str, context: dict[str, Any], out: Path) -> tuple[Path, bytes]:
    return out, render_docx(compiled_template(template_path(kind, cycle.workspace)), context)


def _ref(a: ApplicantState | Base, short_name: str | None = None) -> BaseRef:
    return BaseRef(applicant=f"{a.code}.yaml", short_name=short_name)


# --- 1 open -------------------------------------------------------------------------------


def open_year(workspace: Workspace, year: int, signed: Signed, *, pdf: bool = False) -> StepResult:
    """发布申报通知: the call with its attachments (blank form; blank summary table where 区镇 review)."""
    with _locked(workspace) as cycle:
        state = cycle.year(year)
        if state.opened:
            raise BadInputError(f"{year} was already opened by decision {state.opened.id} on {state.opened.date}")
        campaign = load_campaign(workspace, year)
        notice = campaign.notice
        _unused_number(cycle, notice.doc_number)
        folder = cycle.out(year, "1-open")
        docs = _render(cycle, "notice", notice, folder / "申报通知.docx", source=_source(cycle, year))
        form_context = KINDS["form"].context(None, cycle.policy)
        docs.append(_render_context(cycle, "form", form_context, folder / "附件-申报表.docx"))
        if state.has_preliminary:
            blank = blank_summary_context(year, cycle.policy)
            docs.append(_render_context(cycle, "summary", blank, folder / "附件-申报汇总表.docx"))
        return _record(
            cycle,
            {
                "step": Step.open,
                "year": year,
                "outcome": "opened",
                "date": signed.on or notice.date,
                "by": signed.by,
                "reason": f"依据《{cycle.policy.source.title}》开展{year}年度申报",
                "details": {"doc_number": notice.doc_number, "deadline": _iso(notice.deadline)},
            },
            docs,
            pdf=pdf,
        )


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


# --- 2 receive ----------------------------------------------------------------------------


Evidence = list[tuple[str, list[Path]]]  # (evidence type id, files or folders)


def receive(
    workspace: Workspace,
    year: int,
    applicant_file: Path,
    evidence: Evidence,
    signed: Signed,
    *,
    revise: str | None = None,
    jobs: int = 1,
    progress: Callable[[FileResult, int, int], None] | None = None,
    pdf: bool = False,
) -> StepResult:
    """受理申报: the applicant file validated and kept, its evidence archived, its filled-in form written.

    `revise` (a reason) replaces an application already received; the earlier file is kept in history/.
    """
    applicant = load_applicant(applicant_file)
    with _locked(workspace) as cycle:
        state = cycle.year(year)
        _refuse_sealed(cycle, year)
        if state.opened is None:
            raise BadInputError(f"{year} is not open: 'docgen open --year {year}' comes first")
        if state.publicity is not None:
            raise BadInputError(f"{year}: candidates were published ({state.publicity.id}); applications are closed")
        previous = state.applicants.get(applicant.credit_code)
        if previous is not None and not revise:
            raise BadInputError(
                f"{applicant_file}: {applicant.name} was received on {previous.received.date} "
                f"({previous.received.id}); pass --revise REASON to replace the application"
            )
        files = _check_evidence(cycle, evidence)
        notes = []
        deadline = campaign_deadline(cycle, year)
        if deadline and signed.date > deadline:
            notes.append(f"received after the deadline {deadline}")
        target = cycle.applicant_file(year, applicant.credit_code)
        extra = [(target, applicant_file.read_bytes())]
        if previous is not None and target.is_file():
            kept = cycle.applicants_dir(year) / "history" / f"{applicant.credit_code}.{previous.received.id}.yaml"
            extra.append((kept, target.read_bytes()))
        form = cycle.out(year, "2-receive", f"申报表-{safe_filename(applicant.name)}.docx")
        form_doc = _render_context(cycle, "form", KINDS["form"].context(applicant, cycle.policy), form)
        archived, more = _ingest(cycle, year, applicant, files, jobs, progress)
        result = _record(
            cycle,
            {
                "step": Step.receive,
                "year": year,
                "applicant": applicant.credit_code,
                "unit": applicant.name,
                "outcome": "received",
                "date": signed.date,
                "by": signed.by,
                "reason": revise or "申报材料已受理",
                "supersedes": previous.received.id if previous else None,
                "details": {
                    "file": str(target.relative_to(workspace.root)),
                    "received_as": applicant_file.name,
                    "evidence": archived,
                },
            },
            [form_doc],
            pdf=pdf,
            extra_files=extra,
        )
        result.notes = notes + more
        return result


def campaign_deadline(cycle: Cycle, year: int) -> dt.date | None:
    opened = cycle.year(year).opened
    deadline = opened.details.get("deadline") if opened else None
    return dt.date.fromisoformat(deadline) if deadline else None


def _check_evidence(cycle: Cycle, evidence: Evidence) -> list[tuple[str, list[Path]]]:
    """Every evidence file readable and of a kind the archive takes, before anything is stored."""
    types = {t.id for t in cycle.policy.evidence_types}
    checked = []
    for type_id, paths in evidence:
        if type_id not in types:
            raise BadInputError(f"--evidence {type_id}: unknown evidence type" + did_you_mean(type_id, sorted(types)))
        files = expand(paths)
        if not files:
            raise BadInputError(f"--evidence {type_id}: no files in {', '.join(map(str, paths))}")
        for path in files:
            try:
                identify(path)
            except RejectedFile as exc:
                raise BadInputError(f"--evidence {type_id}: {exc.message}") from None
        checked.append((type_id, files))
    return checked


def _ingest(
    cycle: Cycle,
    year: int,
    applicant: Applicant,
    files: list[tuple[str, list[Path]]],
    jobs: int,
    progress: Callable[[FileResult, int, int], None] | None,
) -> tuple[list[dict[str, Any]], list[str]]:
    archived: list[dict[str, Any]] = []
    notes: list[str] = []
    if not files:
        return archived, notes
    engine = cycle.workspace.settings.ocr_engine
    batches = [
        (paths, IngestOptions(year, applicant.credit_code, type_id, jobs, engine=engine)) for type_id, paths in files
    ]
    filed = file_evidence(cycle.workspace, batches, policy=cycle.policy, progress=progress)
    for (type_id, _), summary in zip(files, filed.batches, strict=True):
        for r in summary.results:
            archived.append(
                {"type": type_id, "file": r.path.name, "outcome": r.outcome, "code": r.code, "pages": r.pages}
            )
            if r.outcome in ("failed", "ocr_failed"):
                notes.append(f"{r.path.name}: {r.outcome}: {r.message}")
    notes += [f"needs review: {line}" for line in filed.summary.needing_review()]
    return archived, notes


# --- 3 preliminary review -----------------------------------------------------------------


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
    with _locked(workspace) as cycle:
        state = cycle.year(year)
        if not state.has_preliminary:
            raise BadInputError(f"{cycle.policy.id} has no 区镇初审 step; go on with 'docgen expert'")
        a = _applicant(state, who)
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
            "details": {"check": check},
        }
        rows = [(code, _opinion_text(d.outcome, d.reason)) for code, d in opinions.items() if code != a.code]
        rows.append((a.code, _opinion_text(outcome, opinion)))
        data = SummaryData(
            year=year,
            filled_by=load_campaign(workspace, year).summary_filled_by,
            filled_on=signed.date,
            applicants=[BaseRef(applicant=f"{code}.yaml", opinion=text) for code, text in rows],
        )
        docs = _render(
            cycle, "summary", data, cycle.out(year, "3-preliminary", "申报汇总表.docx"), source=_source(cycle, year)
        )
        result = _record(cycle, decision, docs, pdf=pdf)
        if recommend and report.verdict is Verdict.failed:
            failed = "、".join(c.title for c in report.conditions if c.verdict is Verdict.failed)
            result.notes.append(f"recommended although the check fails: {failed}")
        return result


def _opinion_text(outcome: str, reason: str) -> str:
    return f"{'同意推荐' if outcome == 'recommended' else '不予推荐'}：{reason}"


# --- 4 expert review ----------------------------------------------------------------------


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
    with _locked(workspace) as cycle:
        state = cycle.year(year)
        a = _applicant(state, who)
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
        details: dict[str, Any] = {}
        if points is not None:
            details["points"] = number_text(points)
        if candidate:
            applicant = load_applicant(cycle.applicant_file(year, a.code))
            needs_short = "{short_name}" in cycle.policy.naming.base_name
            if needs_short and not short_name:
                raise BadInputError(
                    f"{a.unit}: --short-name is needed for the base's name ({cycle.policy.naming.base_name})"
                )
            details["short_name"] = short_name
            details["base_name"] = cycle.policy.base_name(
                applicant.name, short_name=short_name, district=applicant.district
            )
            taken = cycle.standing.bases.get(a.code)
            if taken is not None and taken.revocation is None:
                raise BadInputError(f"{a.unit}: already a base since {taken.year} ({taken.base_name})")
        return _record(
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
                "details": details,
            },
        )


# --- 5 publicity, objections --------------------------------------------------------------


def publicise(workspace: Workspace, year: int, signed: Signed, *, pdf: bool = False) -> StepResult:
    """公示: the announcement of the candidates, with its period in working days."""
    with _locked(workspace) as cycle:
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
        start, end = publicity_period(signed.date, days, cycle.policy, workspace.root / "holidays")
        data = PublicityData(
            year=year,
            date=signed.date,
            working_days=days,
            candidates=[_ref(a, _short_name(a)) for a in candidates],
            contact=campaign.publicity.contact,
            signature=campaign.publicity.signature,
        )
        docs = _render(
            cycle, "publicity", data, cycle.out(year, "5-publicity", "公示.docx"), source=_source(cycle, year)
        )
        return _record(
            cycle,
            {
                "step": Step.publicity,
                "year": year,
                "outcome": "published",
                "date": signed.date,
                "by": signed.by,
                "reason": "根据专家组评审意见确定候选单位并向社会公示",
                "details": {
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "working_days": days,
                    "candidates": [a.code for a in candidates],
                },
            },
            docs,
            pdf=pdf,
        )


def _short_name(a: ApplicantState) -> str | None:
    return a.expert.details.get("short_name") if a.expert else None


def object_to(workspace: Workspace, year: int, who: str, objection: str, signed: Signed) -> StepResult:
    """公示异议: an objection to a candidate, received during the publicity."""
    with _locked(workspace) as cycle:
        state = cycle.year(year)
        if state.publicity is None:
            raise BadInputError(f"{year}: nothing published yet; objections come during the publicity")
        if state.confirmation is not None:
            raise BadInputError(f"{year}: already confirmed ({state.confirmation.id})")
        a = _applicant(state, who)
        if not a.candidate or a.withdrawn:
            raise BadInputError(f"{a.unit}: not a published candidate of {year}")
        end = state.publicity_end
        assert end is not None
        if signed.date > end:
            raise BadInputError(f"the publicity ended on {end}; an objection dated {signed.date} is too late")
        return _record(
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
    with _locked(workspace) as cycle:
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
        return _record(
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
                "details": {"objection": raised.id},
            },
        )


# --- 6 confirmation, plaques --------------------------------------------------------------


def confirm(workspace: Workspace, year: int, doc_number: str, signed: Signed, *, pdf: bool = False) -> StepResult:
    """发文确认并挂牌: the confirmation notice and a plaque per base; the bases enter the register."""
    with _locked(workspace) as cycle:
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
        number = _unused_number(cycle, doc_number)
        refs = [_ref(a, _short_name(a)) for a in bases]
        source = _source(cycle, year)
        folder = cycle.out(year, "6-confirmation")
        data = ConfirmationData(doc_number=number, date=signed.date, year=year, bases=refs, publicity_end=end)
        docs = _render(cycle, "confirmation", data, folder / "认定通知.docx", source=source)
        plaques = PlaqueData(date=signed.date, bases=refs)
        docs += _render(cycle, "plaque", plaques, folder / "铭牌", source=source, all_bases=True)
        entries = []
        for a in bases:
            assert a.expert is not None
            details = a.expert.details
            entries.append(
                {"code": a.code, "unit": a.unit, "base_name": details["base_name"], "short_name": _short_name(a)}
            )
        return _record(
            cycle,
            {
                "step": Step.confirmation,
                "year": year,
                "outcome": "confirmed",
                "date": signed.date,
                "by": signed.by,
                "reason": f"公示期满（至{end}）无异议或异议已处理",
                "details": {"doc_number": number, "publicity_end": end.isoformat(), "bases": entries},
            },
            docs,
            pdf=pdf,
        )


def reissue_plaque(workspace: Workspace, who: str, reason: str, signed: Signed, *, pdf: bool = False) -> StepResult:
    """铭牌补发: a plaque again for a base in the register (lost or damaged)."""
    with _locked(workspace) as cycle:
        base = _base(cycle, who)
        if base.revocation is not None:
            raise BadInputError(f"{base.base_name}: revoked on {base.revocation.date} ({base.revocation.id})")
        data = PlaqueData(date=base.confirmation.date, bases=[_ref(base, _confirmed_short_name(base))])
        out = cycle.out(signed.date.year, "plaques", f"{safe_filename(base.base_name)}-补发{signed.date:%Y%m%d}.docx")
        docs = _render(cycle, "plaque", data, out, source=_source(cycle, base.year))
        return _record(
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


def _confirmed_short_name(base: Base) -> str | None:
    entry = next(e for e in base.confirmation.details["bases"] if e["code"] == base.code)
    return entry.get("short_name")


# --- 7 assessment -------------------------------------------------------------------------


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
    with _locked(workspace) as cycle:
        base = _base(cycle, who)
        if base.revocation is not None:
            raise BadInputError(f"{base.base_name}: revoked on {base.revocation.date} ({base.revocation.id})")
        policy = cycle.policy
        if policy.assessment is not None:
            sheet = load_assessment_sheet(result_file)
            _same_base(result_file, base, sheet.base, sheet.credit_code)
            graded = score(sheet, policy, source=result_file)
            period = sheet.period or str(signed.date.year)
            outcome, passing = graded.grade.name, graded.passing
            details: dict[str, Any] = {"total": number_text(graded.total), "direct_fail": list(graded.direct_fail)}
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
            details = {"findings": [f"{f.verdict.value}: {f.label}: {f.detail}" for f in yearly.findings]}
            field_name = "yearly_report"
        earlier = [a for a in base.assessments if a.details.get("period") == period]
        if earlier and not revise:
            raise BadInputError(
                f"{base.base_name}: {period} was already assessed ({earlier[-1].id}, {earlier[-1].outcome}); "
                "pass --revise to record a new result"
            )
        number = _unused_number(cycle, doc_number)
        year = signed.date.year
        decision_id = next_id(workspace, year)
        kept = decisions_dir(workspace, year) / "inputs" / f"{decision_id}-{base.code}.yaml"
        data = AssessmentDocData.model_validate(
            {"doc_number": number, "date": signed.date, field_name: result_file.name}
        )
        out = cycle.out(year, "7-assessment", f"考核结果-{safe_filename(base.unit)}-{safe_filename(period)}.docx")
        docs = _render(cycle, "assessment", data, out, source=result_file)
        details.update(period=period, passing=passing, doc_number=number, input=str(kept.relative_to(workspace.root)))
        return _record(
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
                "details": details,
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


# --- 8 revocation -------------------------------------------------------------------------


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
    with _locked(workspace) as cycle:
        base = _base(cycle, who)
        if base.revocation is not None:
            raise BadInputError(f"{base.base_name}: already revoked on {base.revocation.date} ({base.revocation.id})")
        grounds = [r.id for r in cycle.policy.revocation_reasons]
        if ground not in grounds:
            raise BadInputError(
                f"--ground {ground}: not a revocation ground of {cycle.policy.id}" + did_you_mean(ground, grounds)
            )
        details: dict[str, Any] = {"ground": ground, "ground_text": cycle.policy.revocation_reason(ground).text}
        if ground == failing_reason(cycle.policy):
            latest = base.latest_assessment()
            if latest is None:
                raise BadInputError(f"{base.base_name}: no assessment recorded; '{ground}' needs a failing one")
            if latest.details.get("passing"):
                raise BadInputError(
                    f"{base.base_name}: the latest assessment ({latest.id}) is {latest.outcome}, not failing"
                )
            details["assessment"] = latest.id
        number = _unused_number(cycle, doc_number)
        details["doc_number"] = number
        data = RevocationData(
            doc_number=number,
            date=signed.date,
            base=_ref(base, _confirmed_short_name(base)),
            confirmed_by=base.confirmation.details["doc_number"],
            confirmed_on=base.confirmation.date,
            reason=ground,
            details=facts,
        )
        year = signed.date.year
        out = cycle.out(year, "8-revocation", f"撤销通知-{safe_filename(base.unit)}.docx")
        docs = _render(cycle, "revocation", data, out, source=_source(cycle, base.year))
        return _record(
            cycle,
            {
                "step": Step.revocation,
                "year": year,
                "applicant": base.code,
                "unit": base.unit,
                "outcome": "revoked",
                "date": signed.date,
                "by": signed.by,
                "reason": facts or details["ground_text"],
                "details": details,
            },
            docs,
            pdf=pdf,
        )
