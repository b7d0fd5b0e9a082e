"""`docgen search` and `docgen index ...`: Chinese full-text search over the archived pages."""

from __future__ import annotations

import click

from docgen import evidence
from docgen.cli import State, cli, pass_state
from docgen.cli.common import workspace_of
from docgen.cli.output import echo_json
from docgen.errors import CheckFailed
from index import END, MARK


@cli.command("search", context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1, required=True)
@click.option("--year", type=int, help="Only this year.")
@click.option("--applicant", help="Only this unit: its name or credit code, whichever it was filed under.")
@click.option("--type", "type_", help="Only this evidence type id.")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True, help="Hits per page of results.")
@click.option(
    "--page", "result_page", type=click.IntRange(1), default=1, show_default=True, help="Which page of results."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (matches between <mark> and </mark>).")
@pass_state
def search_cmd(
    state: State,
    query: tuple[str, ...],
    year: int | None,
    applicant: str | None,
    type_: str | None,
    limit: int,
    result_page: int,
    as_json: bool,
) -> None:
    """Find archived pages by what is written on them, across years and applicants.

    Words are ANDed; "quoted phrases" must appear as written; OR joins alternatives; a leading
    minus excludes. Every page whose text holds the words is found, and no other: any part of a
    word counts (控车 in 数控车床, CK or 6150 in CK6150, a single character), a phrase wrapped at
    the end of a printed line too; full-width and half-width forms match (ＣＫ６１５０ = CK6150).
    Results come in filing order: newest year first, then 件号 and page. The count is exact, or
    "at least N" when counting every page would take long (JSON: "exact": false).

    \b
    Examples:
      docgen search 高级技师 王建国
      docgen search '"数控车床 CK6150"' --year 2021
      docgen search 技师 -高级技师 --type teacher_certificates --json
      docgen search 技师 --page 2
    """
    text = " ".join(query)
    workspace = workspace_of(state)
    found = evidence.search(
        workspace,
        text,
        year=year,
        applicant=applicant,
        type_=type_,
        limit=limit,
        offset=(result_page - 1) * limit,
    )
    if as_json:
        echo_json(found.to_json())
        return
    if not found.total:
        click.echo(f"no page matches {text!r}")
        raise CheckFailed()
    for h in found.hits:
        shown = h.snippet.replace(MARK, "\x00").replace(END, "\x01")
        parts = shown.split("\x00")
        line = parts[0] + "".join(
            click.style(p.split("\x01")[0], fg="yellow", bold=True) + p.split("\x01")[1] for p in parts[1:]
        )
        click.echo(f"{click.style(h.archival_code, bold=True)}  {h.applicant}  {h.type_name}  {h.year}  第{h.page}页")
        click.echo(f"    {line}")
        click.echo(f"    {workspace.root / h.path}#page={h.page}")
    count = found.total if found.exact else f"at least {found.total}"
    first, last = found.offset + 1, found.offset + len(found.hits)
    shown_range = f"{first}-{last}" if found.hits else "none"
    click.echo(f"{count} pages match; shown {shown_range}" + ("; --page N for more" if last < found.total else ""))


@cli.group("index")
def index_group() -> None:
    """The search index: derived from the archive alone, updated by every ingest.

    \b
    Examples:
      docgen index check
      docgen index rebuild
    """


@index_group.command("rebuild")
@click.option(
    "--procs", type=click.IntRange(1, 16), default=2, show_default=True, help="Writer processes (one core each)."
)
@pass_state
def rebuild_cmd(state: State, procs: int) -> None:
    """Recreate the index from the archive (it is swapped in whole when done).

    \b
    Example:
      docgen index rebuild --procs 2
    """
    count = evidence.rebuild_index(workspace_of(state), procs)
    click.echo(f"indexed {count} pages")


@index_group.command("check")
@pass_state
def check_cmd(state: State) -> None:
    """Pages in the archive and not in the index, and the other way round (exit 1 if any).

    \b
    Example:
      docgen index check
    """
    missing, extra = evidence.check_index(workspace_of(state))
    for key in missing:
        click.echo(f"not indexed: {key}")
    for key in extra:
        click.echo(f"not in the archive: {key}")
    click.echo(f"{len(missing)} pages not indexed, {len(extra)} index entries without a page")
    if missing or extra:
        raise CheckFailed()
