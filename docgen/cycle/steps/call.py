"""Stages 1-2: the call for applications (发布申报通知) and receiving applications with their evidence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from archive import FileResult, IngestOptions, RejectedFile, expand, identify, safe_filename
from docgen.applicant import Applicant, load_applicant
from docgen.cycle.campaign import load_campaign
from docgen.cycle.details import Opened, Received
from docgen.cycle.journal import Step
from docgen.cycle.receipts import receipt
from docgen.cycle.steps._common import (
    Cycle,
    Signed,
    StepResult,
    applicants_source,
    iso,
    locked,
    record,
    refuse_sealed,
    render,
    render_context,
    unused_number,
)
from docgen.documents.kinds import KINDS, blank_summary_context
from docgen.errors import BadInputError, did_you_mean
from docgen.evidence import file_evidence
from docgen.intake.lists import make_lists
from docgen.workspace import Workspace


def open_year(workspace: Workspace, year: int, signed: Signed, *, pdf: bool = False) -> StepResult:
    """发布申报通知: the call with its attachments (blank form; blank summary table where 区镇 review)."""
    with locked(workspace) as cycle:
        state = cycle.year(year)
        if state.opened:
            raise BadInputError(f"{year} was already opened by decision {state.opened.id} on {state.opened.date}")
        campaign = load_campaign(workspace, year)
        notice = campaign.notice
        unused_number(cycle, notice.doc_number)
        folder = cycle.out(year, Step.open)
        docs = render(cycle, "notice", notice, folder / "申报通知.docx", source=applicants_source(cycle, year))
        form_context = KINDS["form"].context(None, cycle.policy)
        docs.append(render_context(cycle, "form", form_context, folder / "附件-申报表.docx"))
        if state.has_preliminary:
            blank = blank_summary_context(year, cycle.policy)
            docs.append(render_context(cycle, "summary", blank, folder / "附件-申报汇总表.docx"))
        # the Excel lists applicants may fill instead of the form's tables (read back on receipt)
        docs += [(folder / name, data) for name, data in make_lists(None, cycle.policy)]
        return record(
            cycle,
            {
                "step": Step.open,
                "year": year,
                "outcome": "opened",
                "date": signed.on or notice.date,
                "by": signed.by,
                "reason": f"依据《{cycle.policy.source.title}》开展{year}年度申报",
                "details": Opened(doc_number=notice.doc_number, deadline=iso(notice.deadline)).stored(),
            },
            docs,
            pdf=pdf,
        )


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
    received_as: str | None = None,
) -> StepResult:
    """受理申报: the applicant file validated and kept, its evidence archived, its filled-in form written.

    `revise` (a reason) replaces an application already received; the earlier file is kept in history/.
    `received_as`: what came, when the applicant file was read from it (a package, a filled form).
    """
    applicant = load_applicant(applicant_file)
    with locked(workspace) as cycle:
        state = cycle.year(year)
        refuse_sealed(cycle, year)
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
        form = cycle.out(year, Step.receive, f"申报表-{safe_filename(applicant.name)}-{applicant.credit_code}.docx")
        form_doc = render_context(cycle, "form", KINDS["form"].context(applicant, cycle.policy), form)
        with receipt(workspace, cycle.archive(), year, applicant.credit_code):
            archived, more = _ingest(cycle, year, applicant, files, jobs, progress)
            result = record(
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
                    "details": Received(
                        file=str(target.relative_to(workspace.root)),
                        received_as=received_as or applicant_file.name,
                        evidence=archived,
                    ).stored(),
                },
                [form_doc],
                pdf=pdf,
                extra_files=extra,
            )
        result.notes = notes + more
        return result


def campaign_deadline(cycle: Cycle, year: int) -> dt.date | None:
    opened = cycle.year(year).opened
    deadline = opened.facts_as(Opened).deadline if opened else None
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
        named = {Path(p) for p in paths}
        for path in files:
            try:
                identify(path, follow_link=path in named)
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
