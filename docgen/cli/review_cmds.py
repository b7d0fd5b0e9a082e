"""`docgen review`: an application's claims against its archived evidence, for the reviewer."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.cli import State, cli, pass_state
from docgen.cli.common import workspace_of
from docgen.cli.output import echo_json
from docgen.crosscheck.review import Match, review_json
from docgen.crosscheck.shared import year_shared
from docgen.errors import CheckFailed
from docgen.evidence import review_applicant

_MARKS = {Match.backed: "✓", Match.near: "≈", Match.contradicted: "✗", Match.not_found: "?", Match.unreadable: "!"}
_COLOURS = {
    Match.backed: "green",
    Match.near: "yellow",
    Match.contradicted: "red",
    Match.not_found: "red",
    Match.unreadable: "magenta",
}


@cli.command("review")
@click.argument("applicant_file", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--year", type=click.IntRange(2000, 2100), help="The evidence year. Default: the newest with evidence.")
@click.option(
    "--shared",
    is_flag=True,
    help="Instead of one application: every claim of the year's applications that another unit claims "
    "too (certificates, teachers, equipment lists), with the units and years. Needs --year.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def review_cmd(state: State, applicant_file: Path | None, year: int | None, shared: bool, as_json: bool) -> None:
    """Cross-check an application against its scanned evidence, claim by claim.

    Each teacher's certificate (name, number, level), each equipment line (model, quantity), the
    site (area, ownership) and the unit (name, credit code) is looked for on the applicant's OCR'd
    pages: backed, near match (one character off, or a detail unreadable: shown), contradicted,
    not found, or page unreadable (not found on the pages read while a page of the evidence could
    not be read: open it); then a line per condition, e.g. the share of teachers whose qualification is
    backed, against the bar. Exit 0 when nothing is contradicted or missing, 1 otherwise.

    Each teacher and equipment line also names the other applications of the workspace (this year
    and earlier years, applicants/YEAR/*.yaml) claiming the same certificate or the same equipment
    list; a teacher claimed as full-time by two units of the same year is a contradiction.

    \b
    Examples:
      docgen review applicants/2021/91320583MA1KJ88011.yaml
      docgen review 精工.yaml --year 2021 --json > review.json
      docgen review --year 2021 --shared     (every shared claim of the year's applications)
      docgen make worksheet 精工.yaml -o 底稿.docx     (the same, as a worksheet for the experts)
    """
    if shared:
        if applicant_file is not None or year is None:
            raise click.UsageError("--shared takes --year and no applicant file: 'docgen review --year 2021 --shared'")
        _shared_cmd(state, year, as_json)
        return
    if applicant_file is None:
        raise click.UsageError("give an applicant file, or --year Y --shared for every shared claim of a year")
    result = review_applicant(workspace_of(state), applicant_file, year)
    applicant = result.applicant
    if as_json:
        echo_json(review_json(result))
    else:
        click.echo(f"{applicant.name} ({applicant.credit_code}), evidence of {result.year}: {result.pages} pages")
        for missing in result.missing:
            click.echo(click.style("! ", fg="magenta") + missing.sentence(result.year))
        for c in result.claims:
            mark = click.style(_MARKS[c.match], fg=_COLOURS[c.match])
            where = f"  [{c.project}]" if c.project else ""
            click.echo(f"{mark} {c.match.value:<12} {c.claim}{where}: {c.detail}")
            for e in c.evidence:
                click.echo(f"      {e.archival_code} p.{e.page}: {e.snippet}")
            for o in c.shared:
                click.echo("      " + click.style("shared: ", fg="red" if o.contradiction else "yellow") + o.detail)
        for s in result.summaries:
            click.echo(f"{s.condition}: {s.verdict.value}: {s.detail}")
        counts = ", ".join(f"{m.value} {result.count(m)}" for m in Match)
        shared_count = sum(1 for c in result.claims if c.shared)
        click.echo(f"{len(result.claims)} claims: {counts}; {shared_count} shared with other applications")
    if result.count(Match.contradicted) or result.count(Match.not_found) or result.count(Match.unreadable):
        raise CheckFailed()


def _shared_cmd(state: State, year: int, as_json: bool) -> None:
    """Every shared claim of the year; exit 1 when a teacher is full-time in two units."""
    found = year_shared(workspace_of(state), year)
    if as_json:
        echo_json(found.to_json())
    else:
        click.echo(f"{year}: {found.applications} applications, compared with {found.compared} of {year} and before")
        for title, groups in (
            ("Teachers claimed full-time by two units", found.teachers),
            ("Certificates claimed by more than one unit", found.certificates),
            ("Equipment lists copied between units", found.equipment),
        ):
            click.echo(f"{title}: {len(groups)}")
            for g in groups:
                mark = click.style("✗" if g.contradiction else "≈", fg="red" if g.contradiction else "yellow")
                click.echo(f"  {mark} {g.detail}")
                for m in g.members:
                    who = f"{m.name}{'' if m.full_time else ' (part-time)'}, " if m.name else ""
                    click.echo(f"      {m.filed.unit} ({m.filed.code}, {m.filed.year}): {who}{m.project}")
        for line in found.skipped:
            click.echo(click.style("! skipped: ", fg="magenta") + line)
    if found.teachers:
        raise CheckFailed()
