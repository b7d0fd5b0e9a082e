"""`docgen archive ...`: the evidence archive of a workspace."""

from __future__ import annotations

from pathlib import Path

import click

from archive import DEFAULT_LANGUAGES, ReadAgain
from docgen import archiving, evidence
from docgen.cli import State, cli, pass_state
from docgen.cli.common import IngestProgress, echo_filed, echo_waiting, engine_option, workspace_of
from docgen.cli.output import echo_json
from docgen.errors import CheckFailed


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
    """Archive scanned evidence, phone photos and Office files (folders taken recursively).

    Taken: PDF; JPEG, PNG, TIFF, HEIC, WebP, BMP; Word, Excel and WPS files (.docx .doc .wps .xlsx
    .xls .et .odt .ods), laid out as PDF by LibreOffice with their own text.

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
    filed = evidence.ingest(
        workspace_of(state),
        paths,
        year=year,
        applicant=applicant,
        evidence_type=evidence_type,
        new_applicant=new_applicant,
        jobs=jobs,
        engine=engine,
        languages=languages,
        seconds_per_page=seconds_per_page,
        progress=IngestProgress(),
        on_wait=echo_waiting,
    )
    echo_filed(filed, "ingested")


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
    selection = ReadAgain(year=year, only_failed=True)
    filed = evidence.read_again(
        workspace_of(state), selection, engine=engine, progress=IngestProgress(), on_wait=echo_waiting
    )
    echo_filed(filed, "done")


@archive_group.command("reocr")
@click.option("--year", type=int, help="Only this year.")
@click.option("--applicant", help="Only this unit: its name or credit code, whichever it was filed under.")
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
    filed = evidence.read_again(
        workspace_of(state),
        selection,
        engine=engine,
        languages=languages,
        progress=IngestProgress(),
        on_wait=echo_waiting,
    )
    if not filed.summary.results:
        click.echo("no archived document matches; nothing read again")
        return
    echo_filed(filed, "read again")


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
    report = evidence.verify_archive(workspace_of(state), year)
    if as_json:
        echo_json(report.to_json())
    else:
        for problem in report.problems:
            click.echo(str(problem))
        click.echo(f"{report.items} documents, {report.files} files checked; {len(report.problems)} problems")
    if report.problems:
        raise CheckFailed()


@archive_group.command("seal")
@click.argument("year", type=int)
@click.option("--note", default="", help="Kept in the year's seal log.")
@pass_state
def seal_cmd(state: State, year: int, note: str) -> None:
    """Seal a year: verified, made read-only, and closed to ingest, retry and new decisions.

    The decision journal is checked too, and the seal records its head hash (printed): keep a copy
    of it outside the workspace; it is what proves later that the year's decisions were not rewritten.

    \b
    Example:
      docgen archive seal 2021 --note "2021年度归档完毕"
    """
    entry = archiving.seal_year(workspace_of(state), year, note)
    click.echo(f"sealed {year} at {entry['at']} by {entry['by']}")
    for name, digest in entry.get("anchors", {}).items():
        click.echo(f"{name}: {digest}")


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
    entry = archiving.unseal_year(workspace_of(state), year, force=force, reason=reason)
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

    Its bag-info.txt names the decision journal's head hash (Decision-Journal-Head-SHA256).
    """
    path = archiving.export_year_bag(workspace_of(state), year, out)
    click.echo(f"exported {year} to {path}")


@archive_group.command("list")
@click.option("--year", type=int, help="Only this year.")
@click.option("--applicant", help="Only this unit: its name or credit code, whichever it was filed under.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def list_cmd(state: State, year: int | None, applicant: str | None, as_json: bool) -> None:
    """List archived documents: archival code, applicant, type, pages, status.

    \b
    Example:
      docgen archive list --year 2021 --json
    """
    rows = evidence.records(workspace_of(state), year, applicant)
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


@archive_group.command("relink")
@click.argument("name")
@click.argument("credit_code")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def relink_cmd(state: State, name: str, credit_code: str, as_json: bool) -> None:
    """File the documents archived under a unit's NAME under its CREDIT_CODE instead.

    Evidence ingested with '--applicant NAME' before the unit's applicant file existed (or with
    --new-applicant) sits in a folder of its own. This moves it under the credit code in one safe
    step: records, manifests and the search index are updated, archival codes, originals and page
    texts stay as they are, and each record notes the name it was filed under. A crash part-way is
    completed by the next command that writes to the archive, or by running this one again.
    A sealed year refuses; an applicant file that gives the unit another code refuses.

    \b
    Example:
      docgen archive relink 昆山精工数控技术有限公司 91320583MA1KJ88011
    """
    done = evidence.relink(workspace_of(state), name, credit_code)
    if as_json:
        echo_json(done.to_json())
        return
    click.echo(f"search index: {done.index_added} pages added, {done.index_removed} removed", err=True)
    for record in done.records:
        click.echo(f"{record.archival_code}  {record.evidence_type_name}  {record.original.name}")
    click.echo(f"refiled {len(done.records)} documents of '{name}' under {done.code}")
