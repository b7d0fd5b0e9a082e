"""`docgen make`, `docgen render`, `docgen templates`: official documents from templates and data."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.applicant import load_applicant
from docgen.cli import State, cli, pass_state
from docgen.documents.kinds import KINDS
from docgen.documents.make import Request, check_template, limits_for, make, render_any, template_path
from docgen.documents.pagecheck import check_pages
from docgen.errors import BadInputError, CheckFailed
from docgen.intake.lists import write_lists
from docgen.policy_registry import choose_policy

_KIND_LIST = "\n".join(f"  {name:<13} {kind.title}" for name, kind in KINDS.items())
_LISTS = "lists"  # the Excel lists sent with the form: not a .docx kind


@cli.command(
    "make",
    help=f"""Make an official document of KIND from a data file.

\b
Kinds:
{_KIND_LIST}
  lists         附件-设备清单.xlsx and 附件-师资名单.xlsx (Excel, into the -o folder)

DATA is a YAML file (see examples/*/doc-KIND.yaml); for 'form' and 'lists' it is an applicant file, or
leave it out with --blank; for 'worksheet' it is an applicant file whose archived evidence
the worksheet cross-checks (see 'docgen review'). Documents follow GB/T 9704-2012 and use the workspace's
templates/KIND.docx if it has one. Nothing is written unless everything succeeds. A filled form
and lists are read back by 'docgen applicant import'.

\b
Examples:
  docgen make notice examples/kunshan/doc-notice.yaml -o notice.docx --pdf
  docgen make form examples/kunshan/applicant-pass.yaml -o form.docx
  docgen make form --blank --policy hangzhou-2024 -o blank-form.docx
  docgen make lists --blank --policy hangzhou-2024 -o 附件/
  docgen make plaque examples/hangzhou/doc-plaque.yaml --all -o plaques/
  docgen make worksheet applicants/2021/91320583MA1KJ88011.yaml --year 2021 -o 底稿.docx
""",
)
@click.argument("kind", type=click.Choice([*KINDS, _LISTS]), metavar="KIND")
@click.argument("data", type=click.Path(path_type=Path, dir_okay=False), required=False)
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(path_type=Path),
    required=True,
    help="The .docx to write (a folder with --all, and for lists).",
)
@click.option(
    "--policy",
    "-p",
    "policy_name",
    metavar="NAME",
    help="Programme; default: the data's, else the workspace's.",
)
@click.option("--pdf", is_flag=True, help="Also write a PDF beside each .docx (LibreOffice).")
@click.option("--blank", is_flag=True, help="form and lists only: blank, to send out with the notice.")
@click.option("--all", "all_bases", is_flag=True, help="plaque only: one file per base into the -o folder.")
@click.option("--base", metavar="NAME", help="plaque only: the one base (unit or base name) to make.")
@click.option("--year", type=click.IntRange(2000, 2100), help="worksheet only: the evidence year (default: newest).")
@pass_state
def make_cmd(
    state: State,
    kind: str,
    data: Path | None,
    out: Path,
    policy_name: str | None,
    pdf: bool,
    blank: bool,
    all_bases: bool,
    base: str | None,
    year: int | None,
) -> None:
    if year is not None and kind != "worksheet":
        raise click.UsageError("--year is for 'make worksheet'")
    if kind == "worksheet" and data is None:
        raise click.UsageError("make worksheet needs an applicant file")
    if blank and (kind not in ("form", _LISTS) or data is not None):
        raise click.UsageError("--blank is for 'make form' and 'make lists' without a data file")
    if kind in ("form", _LISTS) and data is None and not blank:
        raise click.UsageError(f"make {kind} needs an applicant file, or --blank")
    if kind == _LISTS:
        if pdf or all_bases or base:
            raise click.UsageError("--pdf, --all and --base are not for 'make lists'")
        applicant = load_applicant(data) if data is not None else None
        for path in write_lists(out, applicant, choose_policy(policy_name, state.workspace)):
            click.echo(f"wrote {path}")
        return
    written = make(Request(kind, data, out, policy_name, pdf, all_bases, base, year), state.workspace)
    for path in written:
        click.echo(f"wrote {path}")


@cli.command("render")
@click.argument("template", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("data", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), required=True, help="The .docx to write.")
@pass_state
def render_cmd(state: State, template: Path, data: Path, out: Path) -> None:
    """Render any docxtpl template with any YAML data, for one-off documents.

    The template runs sandboxed and under the workspace's limits (render_seconds, render_xml_mb in
    docgen.yaml; 10 s and 50 MB otherwise); an undefined name is an error, never a blank.

    \b
    Example:
      docgen render my-letter.docx letter-data.yaml -o letter.docx
    """
    click.echo(f"wrote {render_any(template, data, out, limits_for(state.workspace))}")


@cli.group("templates")
def templates_group() -> None:
    """The .docx templates: which one each kind uses, and checking an edited one.

    \b
    Examples:
      docgen templates list
      docgen templates check my-notice.docx --kind notice
    """


@templates_group.command("list")
@pass_state
def templates_list(state: State) -> None:
    """Each kind and the template it uses (the workspace's own templates/KIND.docx wins).

    \b
    Example:
      docgen -w my-workspace templates list
    """
    for name, kind in KINDS.items():
        click.echo(f"{name:<13} {kind.title:<8} {template_path(name, state.workspace)}")


@templates_group.command("check")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--kind", type=click.Choice(list(KINDS)), help="Also check the names against this kind's data.")
def templates_check(file: Path, kind: str | None) -> None:
    """Check a template: Jinja syntax, and with --kind the names its data provides.

    Each problem names where it is (paragraph or table cell, with its text), including tags
    that Word split across runs. Exit 0 if clean, 2 otherwise.

    \b
    Example:
      docgen templates check templates/notice.docx --kind notice
    """
    problems = check_template(file, kind)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise BadInputError(f"{file}: {len(problems)} problem(s), each named above")
    click.echo(f"{file}: ok")


@cli.command("check-pages")
@click.argument("pdfs", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--table-header", metavar="TEXT", help="A text of the table's header row, to find on every table page.")
@click.option("--form", is_flag=True, help="A form or table, not body text on the 22-line grid.")
@click.option("--plaque", is_flag=True, help="A plaque (铭牌): one landscape page, no page number.")
def check_pages_cmd(pdfs: tuple[Path, ...], table_header: str | None, form: bool, plaque: bool) -> None:
    """Look at exported PDFs page by page as GB/T 9704 asks: no page holding only the signature or
    the date, the table header on every page a table reaches, no title line ending inside a number,
    nothing outside the type area, body lines on the 22-line grid, no English word, a 文件's 版记 on
    the foot of its last page (which carries no page number), a plaque on one landscape page without
    a page number (--plaque). Exit 1 naming each problem.

    \b
    Example:
      docgen make publicity 公示.yaml -o 公示.docx --pdf && docgen check-pages 公示.pdf --table-header 序号
    """
    grid = not (form or plaque)
    problems = [p for pdf in pdfs for p in check_pages(pdf, table_header=table_header, body_grid=grid, plaque=plaque)]
    for problem in problems:
        click.echo(problem)
    click.echo(f"{len(pdfs)} PDF(s) looked at: {len(problems)} problem(s)")
    if problems:
        raise CheckFailed()
