"""`docgen init` and `docgen archive ...`: the evidence archive of a workspace."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from archive import Archive, FileResult, IngestOptions, IngestSummary, ReadAgain, export_year, seal, unseal, verify
from archive.ocr import DEFAULT_LANGUAGES, ENGINES
from docgen.cli import State, cli, pass_state
from docgen.cli.output import echo_json
from docgen.cycle.campaign import draft_campaign
from docgen.cycle.report import year_records
from docgen.errors import BadInputError, ExitCode
from docgen.evidence import open_archive, refresh_index, resolve_applicant
from docgen.policy_registry import load_policy
from docgen.workspace import Workspace, init_workspace


@cli.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--policy", "-p", "policy_name", required=True, metavar="NAME", help="The programme of this workspace.")
@click.option("--title", help="A title for the workspace.")
@click.option("--year", type=click.IntRange(2000, 2100), help="The first campaign's year. Default: the example call's.")
def init_cmd(folder: Path, policy_name: str, title: str | None, year: int | None) -> None:
    """Create a workspace: docgen.yaml, the first year's campaign draft, and the folders docgen uses.

    \b
    Example:
      docgen init ks2021 --policy kunshan-2021
    """
    load_policy(policy_name)
    workspace = init_workspace(folder, policy_name, title)
    click.echo(f"created workspace {workspace.root} ({policy_name})")
    try:
        drafted = draft_campaign(workspace, year)
    except BadInputError as exc:
        click.echo(f"no campaign drafted: {exc.message}", err=True)
    else:
        click.echo(f"drafted {drafted.relative_to(workspace.root)}: check it, then 'docgen open'")


def workspace_of(state: State) -> Workspace:
    if state.workspace is None:
        raise BadInputError(
            "this command works on a workspace: work inside one or pass -w DIR ('docgen init' makes one)"
        )
    return state.workspace


def archive_of(state: State) -> Archive:
    return open_archive(workspace_of(state))


def _reindex(state: State, reread: list[str] | None = None) -> None:
    added, removed = refresh_index(workspace_of(state), reread)
    click.echo(f"search index: {added} pages added, {removed} removed", err=True)


Command = TypeVar("Command", bound=Callable[..., Any])


def engine_option(help_text: str) -> Callable[[Command], Command]:
    return click.option(
        "--ocr-engine",
        "engine",
        type=click.Choice(ENGINES),
        help=help_text + " Default: the workspace's ocr_engine setting (ppocr unless docgen.yaml says otherwise).",
    )


def chosen_engine(state: State, engine: str | None) -> str:
    return engine or workspace_of(state).settings.ocr_engine


@cli.group("archive")
def archive_group() -> None:
    """The evidence archive: originals kept as received, OCR'd PDF/A copies, page texts, checksums.

    \b
    Examples:
      docgen archive ingest scans/ --year 2021 --applicant 91320583MA1KJ88011 --type teacher_certificates
      docgen archive verify
      docgen archive seal 2021
      docgen archive export 2021 -o /media/usb/ks2021-bag
    """


class IngestProgress:
    """A live line on a terminal; plain log lines otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.started = time.monotonic()

    def __call__(self, result: FileResult, done: int, total: int) -> None:
        elapsed = time.monotonic() - self.started
        eta = elapsed / done * (total - done) if done else 0
        what = result.code or result.outcome
        line = f"[{done}/{total}] {result.path.name}: {result.outcome} {what if result.code else ''}".rstrip()
        if result.pages:
            line += f" ({result.pages} pages)"
        if result.outcome in ("failed", "ocr_failed"):
            if self.tty:
                click.echo("\r\033[K", nl=False, err=True)
            click.echo(f"docgen: error: {result.message}", err=True)
        if result.review:
            line += f" - {len(result.review)} page(s) need review"
        if self.tty:
            click.echo(f"\r\033[K{line}  ETA {int(eta // 60)}:{int(eta % 60):02d}", nl=done == total, err=True)
        else:
            click.echo(line, err=True)


def _summary(summary: IngestSummary, verb: str) -> None:
    minutes = max(summary.seconds, 1e-9) / 60
    review = summary.needing_review()
    click.echo(
        f"{verb} {summary.count('ingested') + summary.count('needs_review')}, duplicates {summary.count('duplicate')}, "
        f"failed {summary.count('failed')}, OCR failed {summary.count('ocr_failed')}, "
        f"pages needing review {len(review)}; "
        f"{summary.pages} pages in {summary.seconds:.0f} s ({summary.pages / minutes:.1f} pages/min)"
    )
    for line in review:
        click.echo(f"docgen: needs review: {line}", err=True)
    if review:
        click.echo(
            "docgen: open those pages and check them; 'docgen archive reocr --only-needs-review' reads them again "
            "(e.g. with the other --ocr-engine); a page no engine reads stays 'needs_review'",
            err=True,
        )
    if summary.count("failed"):
        raise SystemExit(ExitCode.bad_input)
    if summary.count("ocr_failed"):
        raise SystemExit(ExitCode.check_failed)


@archive_group.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--year", type=click.IntRange(2000, 2100), required=True, help="The programme year it belongs to.")
@click.option(
    "--applicant",
    required=True,
    help="The unit: its 统一社会信用代码, or the name of a unit with an applicant file here (filed under its code).",
)
@click.option(
    "--new-applicant", is_flag=True, help="File under a name no applicant file knows yet (not under a credit code)."
)
@click.option("--type", "evidence_type", required=True, help="Evidence type id (see 'docgen policy show').")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Documents OCR'd at once (one core each).",
)
@engine_option("What reads the pages: ppocr (PP-OCRv4, reads phone photos) or tesseract.")
@click.option("--languages", default=DEFAULT_LANGUAGES, show_default=True, help="Tesseract languages.")
@click.option(
    "--seconds-per-page",
    type=click.FloatRange(1),
    default=180,
    show_default=True,
    help="OCR time allowed per page before a document counts as ocr_failed.",
)
@pass_state
def ingest_cmd(
    state: State,
    paths: tuple[Path, ...],
    year: int,
    applicant: str,
    evidence_type: str,
    new_applicant: bool,
    jobs: int,
    engine: str | None,
    languages: str,
    seconds_per_page: float,
) -> None:
    """Archive scanned evidence and phone photos (PDF, JPEG, PNG, TIFF; folders taken recursively).

    Each document is stored whole or not at all; re-running the same command completes an
    interrupted ingest without duplicates. Bad files are reported one line each and skipped.
    Every page gets its characters and the engine's mean confidence; a page with (almost) no
    text or a low confidence is stored as 'needs_review' and listed at the end: look at it.
    Exit 0 when all went in (pages needing review included), 2 when a file was refused, 1 when
    OCR failed (the original is kept; 'docgen archive retry' runs it again).

    \b
    Example:
      docgen archive ingest box3/ --year 2021 --applicant 昆山精工数控技术有限公司 --type equipment_list -j 2
    """
    archive = archive_of(state)
    code = resolve_applicant(workspace_of(state), applicant, new=new_applicant)
    options = IngestOptions(year, code, evidence_type, jobs, languages, seconds_per_page, chosen_engine(state, engine))
    summary = archive.ingest(paths, options, progress=IngestProgress(), on_wait=lambda m: click.echo(m, err=True))
    _reindex(state)
    _summary(summary, "ingested")


@archive_group.command("retry")
@click.option("--year", type=int, help="Only this year.")
@engine_option("What reads the pages.")
@pass_state
def retry_cmd(state: State, year: int | None, engine: str | None) -> None:
    """OCR again the documents whose OCR failed or timed out.

    \b
    Example:
      docgen archive retry --year 2021
    """
    summary = archive_of(state).retry(
        year,
        engine=chosen_engine(state, engine),
        progress=IngestProgress(),
        on_wait=lambda m: click.echo(m, err=True),
    )
    _reindex(state, [r.code for r in summary.results if r.outcome != "ocr_failed"])
    _summary(summary, "done")


@archive_group.command("reocr")
@click.option("--year", type=int, help="Only this year.")
@click.option("--applicant", help="Only this unit (name or credit code, as ingested).")
@click.option("--only-needs-review", is_flag=True, help="Only documents with a page that needs review (or failed).")
@engine_option("What reads the pages this time.")
@click.option("--languages", default=DEFAULT_LANGUAGES, show_default=True, help="Tesseract languages.")
@pass_state
def reocr_cmd(
    state: State,
    year: int | None,
    applicant: str | None,
    only_needs_review: bool,
    engine: str | None,
    languages: str,
) -> None:
    """Read archived documents again, e.g. with a better engine; originals stay as received.

    Each document's new PDF/A copy, page texts and record replace the old ones in one step (a
    kill leaves the old reading or the new, never a mix); the record keeps which engine read it
    before and when it changed (`ocr_history`); the search index follows. A sealed year refuses.

    \b
    Examples:
      docgen archive reocr --year 2021 --ocr-engine ppocr
      docgen archive reocr --only-needs-review --applicant 91320583MA1KJ88011
    """
    selection = ReadAgain(year=year, applicant=applicant, only_needs_review=only_needs_review)
    summary = archive_of(state).reocr(
        selection,
        engine=chosen_engine(state, engine),
        languages=languages,
        progress=IngestProgress(),
        on_wait=lambda m: click.echo(m, err=True),
    )
    if not summary.results:
        click.echo("no archived document matches; nothing read again")
        return
    _reindex(state, [r.code for r in summary.results if r.outcome != "ocr_failed"])
    _summary(summary, "read again")


@archive_group.command("verify")
@click.option("--year", type=int, help="Only this year.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def verify_cmd(state: State, year: int | None, as_json: bool) -> None:
    """Recompute every checksum; report missing, altered and unexpected files (exit 1 if any).

    \b
    Example:
      docgen archive verify --year 2021
    """
    report = verify(archive_of(state), year)
    if as_json:
        echo_json(
            {
                "items": report.items,
                "files": report.files,
                "problems": [{"kind": p.kind, "path": str(p.path), "detail": p.detail} for p in report.problems],
            }
        )
    else:
        for problem in report.problems:
            click.echo(str(problem))
        click.echo(f"{report.items} documents, {report.files} files checked; {len(report.problems)} problems")
    if report.problems:
        raise SystemExit(ExitCode.check_failed)


@archive_group.command("seal")
@click.argument("year", type=int)
@click.option("--note", default="", help="Kept in the year's seal log.")
@pass_state
def seal_cmd(state: State, year: int, note: str) -> None:
    """Seal a year: verified, made read-only, and closed to ingest and retry.

    \b
    Example:
      docgen archive seal 2021 --note "2021年度归档完毕"
    """
    entry = seal(archive_of(state), year, note)
    click.echo(f"sealed {year} at {entry['at']} by {entry['by']}")


@archive_group.command("unseal")
@click.argument("year", type=int)
@click.option("--force", is_flag=True, help="Required: unsealing is exceptional.")
@click.option("--reason", default="", help="Required: why; kept in the year's seal log.")
@pass_state
def unseal_cmd(state: State, year: int, force: bool, reason: str) -> None:
    """Reopen a sealed year (needs --force and --reason, which are logged).

    \b
    Example:
      docgen archive unseal 2021 --force --reason "补充上传遗漏的师资证书（经科长批准）"
    """
    entry = unseal(archive_of(state), year, force=force, reason=reason)
    click.echo(f"unsealed {year} at {entry['at']} by {entry['by']}: {reason}")


@archive_group.command("export")
@click.argument("year", type=int)
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), required=True, help="A new folder.")
@pass_state
def export_cmd(state: State, year: int, out: Path) -> None:
    """Export a year as a BagIt bag: the evidence (originals, PDF/As, page texts, records, the
    归档文件目录 CSV) with the year's campaign, applicant files, decisions and generated documents.

    \b
    Example:
      docgen archive export 2021 -o ks2021-bag && bagit.py --validate ks2021-bag
    """
    path = export_year(archive_of(state), year, out, extra=year_records(workspace_of(state), year))
    click.echo(f"exported {year} to {path}")


@archive_group.command("list")
@click.option("--year", type=int, help="Only this year.")
@click.option("--applicant", help="Only this unit (name or credit code, as ingested).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def list_cmd(state: State, year: int | None, applicant: str | None, as_json: bool) -> None:
    """List archived documents: archival code, applicant, type, pages, status.

    \b
    Example:
      docgen archive list --year 2021 --json
    """
    archive = archive_of(state)
    rows = archive.records(year, applicant)
    if as_json:
        echo_json([{**r.model_dump(mode="json"), "folder": str(f)} for f, r in rows])
        return
    for _, r in rows:
        flag = "" if r.status == "ok" else f"  [{r.status}]"
        click.echo(
            f"{r.archival_code}  {r.applicant}  {r.evidence_type_name}  {r.pages}页  {r.ocr.engine}  "
            f"{r.original.name}{flag}"
        )
        for q in r.pages_to_review():
            click.echo(f"    page {q.page} needs review: {q.reason}")
    review = sum(len(r.pages_to_review()) for _, r in rows)
    click.echo(f"{len(rows)} documents" + (f", {review} pages need review" if review else ""))
