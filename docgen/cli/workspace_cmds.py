"""`docgen init`, `docgen verify` and `docgen demo`: making a workspace, checking all of it, and the main
job on sample workspaces."""

from __future__ import annotations

import time
from pathlib import Path

import click

from docgen import archiving
from docgen.cli import State, cli, pass_state
from docgen.cli.common import echo_check, workspace_of
from docgen.cli.output import echo_json
from docgen.cycle.campaign import draft_campaign
from docgen.errors import BadInputError, CheckFailed
from docgen.policy_registry import load_policy
from docgen.workspace import init_workspace


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


@cli.command("demo")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default="sample-workspace")
@click.option("--no-pdf", is_flag=True, help="Skip the PDF export (LibreOffice).")
@click.option("--no-scans", is_flag=True, help="Skip making and archiving sample scans (OCR).")
def demo_cmd(folder: Path, no_pdf: bool, no_scans: bool) -> None:
    """The main job: a sample year run end to end for both programmes, from call to revocation.

    For each programme: a workspace, fictional applicants (some pass, some fail for different
    reasons), scans of their evidence made now and archived with OCR, every step from the call
    to a revocation with its documents, the register, and sample searches. Re-running it starts
    the sample workspaces afresh; it refuses a non-empty folder it did not make.

    \b
    Example:
      docgen demo sample-workspace
    """
    from docgen.demo import run_demo

    started = time.monotonic()
    report = run_demo(folder, pdf=not no_pdf, scans=not no_scans, echo=click.echo)
    minutes, seconds = divmod(int(time.monotonic() - started), 60)
    click.echo(
        f"\n{report.documents} documents written, {report.pages} scanned pages archived, in {minutes} min {seconds} s."
    )
    ks = report.root / "kunshan-2021"
    click.echo(
        f"Look in {report.root}/: each workspace has campaigns/, applicants/, decisions/ (every decision, "
        "with who, when and why), output/ (the documents by year and step), archive/ and index/.\n"
        f"Try: docgen -w {ks} status --year 2021; docgen -w {ks} register; docgen -w {ks} search 高级技师"
    )
    click.echo("\nThe web interface (open the address it prints in a browser, log in with one of these):")
    click.echo(f"  docgen serve {' '.join(str(p) for p in report.workspaces)}")
    for login, (role, password) in report.logins.items():
        click.echo(f"  {login:<16} {role:<10} {password}")


@cli.command("verify")
@click.option("--journal-only", is_flag=True, help="Only the decisions and documents, not the archive's checksums.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def verify_cmd_workspace(state: State, journal_only: bool, as_json: bool) -> None:
    """Check the whole workspace: every decision against the hash chain of its year's journal, every
    generated document against the hash its decision recorded, the numbering, and (unless
    --journal-only) every checksum of the evidence archive. Exit 1 naming each file if anything
    was edited, deleted, reordered, inserted or altered.

    \b
    Examples:
      docgen verify
      docgen verify --journal-only --json
    """
    found = archiving.verify_workspace(workspace_of(state), archive=not journal_only)
    if as_json:
        echo_json(found.to_json())
    else:
        echo_check(found)
    if not found.ok:
        raise CheckFailed()
