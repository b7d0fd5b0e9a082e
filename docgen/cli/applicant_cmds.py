"""`docgen applicant import`: a filled 申报表 and its Excel lists into an applicant file."""

from __future__ import annotations

from pathlib import Path

import click

from archive import write_all_atomically
from docgen.cli import State, cli, pass_state
from docgen.errors import BadInputError
from docgen.intake.importer import applicant_yaml, import_applicant
from docgen.policy_registry import choose_policy


@cli.group("applicant")
def applicant_group() -> None:
    """Applicant files from what applicants send back.

    \b
    Example:
      docgen applicant import 申报表.docx 附件-师资名单.xlsx -o 精工.yaml --policy kunshan-2021
    """


@applicant_group.command("import")
@click.argument("form", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("lists", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o", "--output", "out", type=click.Path(path_type=Path, dir_okay=False), required=True, help="The YAML to write."
)
@click.option("--policy", "-p", "policy_name", metavar="NAME", help="Programme; default: the workspace's.")
@click.option("--force", is_flag=True, help="Replace the -o file if it exists.")
@pass_state
def applicant_import(
    state: State, form: Path, lists: tuple[Path, ...], out: Path, policy_name: str | None, force: bool
) -> None:
    """Read a filled 申报表 (.docx) and its Excel lists into an applicant file (YAML).

    FORM is the form docgen issued ('docgen make form', blank or pre-filled), filled in Word, WPS
    or LibreOffice. LISTS are 附件-设备清单.xlsx / 附件-师资名单.xlsx ('docgen make lists'; .xls and
    .ods too): each row names its project in the 实训项目 column, and a list replaces the form's
    table of that kind for the projects it names. The result is the applicant file 'docgen check'
    and 'docgen receive' read. A problem is one line naming the file, the form's label and row (or
    the sheet, row and column), exit 2, and nothing is written.

    \b
    Examples:
      docgen applicant import 申报表.docx -o 精工.yaml --policy kunshan-2021
      docgen applicant import 申报表.docx 附件-设备清单.xlsx 附件-师资名单.xlsx -o 精工.yaml
      docgen receive 精工.yaml
    """
    if out.suffix.lower() not in (".yaml", ".yml"):
        raise BadInputError(f"{out}: the output must end in .yaml")
    if out.exists() and not force:
        raise BadInputError(f"{out}: already exists; pass --force to replace it")
    policy = choose_policy(policy_name, state.workspace)
    applicant = import_applicant(form, list(lists), policy)
    write_all_atomically([(out, applicant_yaml(applicant, [form, *lists]).encode("utf-8"))])
    teachers = len(applicant.teachers)
    equipment = sum(len(p.equipment) for p in applicant.projects)
    click.echo(
        f"wrote {out}: {applicant.name}, {len(applicant.projects)} project(s), "
        f"{equipment} equipment row(s), {teachers} teacher(s)"
    )
