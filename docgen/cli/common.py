"""What several command modules share: the workspace a command works on, the OCR engine option, what
`docgen verify` found, and the live progress and end-of-run summary of an ingest, retry or re-reading."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any, TypeVar

import click

from archive import ENGINES, FileResult
from docgen.archiving import WorkspaceCheck
from docgen.cli import State
from docgen.errors import BadInputError, CheckFailed
from docgen.evidence import Filed
from docgen.workspace import Workspace


def workspace_of(state: State) -> Workspace:
    if state.workspace is None:
        raise BadInputError(
            "this command works on a workspace: work inside one or pass -w DIR ('docgen init' makes one)"
        )
    return state.workspace


Command = TypeVar("Command", bound=Callable[..., Any])


def engine_option(help_text: str) -> Callable[[Command], Command]:
    return click.option(
        "--ocr-engine",
        "engine",
        type=click.Choice(ENGINES),
        help=help_text + " Default: the workspace's ocr_engine setting (ppocr unless docgen.yaml says otherwise).",
    )


def echo_waiting(message: str) -> None:
    click.echo(message, err=True)


def echo_check(found: WorkspaceCheck) -> None:
    """What `docgen verify` found, one line per problem and a count."""
    for b in found.journal:
        click.echo(f"journal: {b}")
    problems = found.archive.problems if found.archive else []
    for problem in problems:
        click.echo(f"archive: {problem}")
    checked = f"{found.archive.items} archived documents" if found.archive else "archive not checked"
    click.echo(f"decision journal: {len(found.journal)} problems; {checked}: {len(problems)} problems")


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


def echo_filed(filed: Filed, verb: str) -> None:
    """The end of an ingest, retry or re-reading: counts, pages to look at, and the exit it calls for."""
    summary = filed.summary
    click.echo(f"search index: {filed.index_added} pages added, {filed.index_removed} removed", err=True)
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
        raise BadInputError(f"{summary.count('failed')} file(s) refused, each named above; those were not archived")
    if summary.count("ocr_failed"):
        raise CheckFailed()
