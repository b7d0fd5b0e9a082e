"""`docgen check`, `docgen yearly`, `docgen score`: the programme's rules applied to one file."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.applicant import load_applicant
from docgen.assessment import AssessmentResult, load_assessment_sheet, score
from docgen.cli import State, cli, pass_state
from docgen.cli.output import echo_json, finding_line, verdict_word
from docgen.eligibility import EligibilityReport, check_applicant
from docgen.errors import CheckFailed
from docgen.policy_registry import choose_policy
from docgen.verdict import Verdict, number_text
from docgen.yearly import YearlyResult, check_yearly, load_yearly_report

policy_option = click.option(
    "--policy",
    "-p",
    "policy_name",
    metavar="NAME",
    help="Programme id (see 'docgen policy list') or a policy .yaml file. Default: the workspace's.",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
existing_file = click.Path(path_type=Path, dir_okay=False)


@cli.command("check")
@click.argument("applicant_file", type=existing_file)
@policy_option
@json_option
@pass_state
def check_cmd(state: State, applicant_file: Path, policy_name: str | None, as_json: bool) -> None:
    """Check an applicant's data file against the programme's conditions, one by one.

    Each condition gets pass, fail, or review (a reviewer must judge; the evidence to open is
    named). Exit 0 when nothing machine-checkable fails, 1 when something does, 2 for bad input.
    List positions in error messages count from 1.

    \b
    Examples:
      docgen check examples/kunshan/applicant-pass.yaml --policy kunshan-2021
      docgen check acme.yaml --policy hangzhou-2024 --json
    """
    applicant = load_applicant(applicant_file)
    policy = choose_policy(policy_name, state.workspace)
    report = check_applicant(applicant, policy)
    if as_json:
        echo_json({"file": str(applicant_file), **report.to_json()})
    else:
        click.echo(_report_text(report, applicant_file))
    _exit_on(report.verdict)


@cli.command("yearly")
@click.argument("report_file", type=existing_file)
@policy_option
@json_option
@pass_state
def yearly_cmd(state: State, report_file: Path, policy_name: str | None, as_json: bool) -> None:
    """Check a confirmed base's yearly report against the programme's yearly duties.

    Kunshan: at least 150 high-skill trainees, at least 70% of them certified, plan, data and
    summary reported. Exit 0 when every duty is met, 1 otherwise.

    \b
    Example:
      docgen yearly examples/kunshan/yearly-2022-short.yaml
    """
    report = load_yearly_report(report_file)
    policy = choose_policy(policy_name or report.policy, state.workspace)
    result = check_yearly(report, policy, source=report_file)
    if as_json:
        echo_json({"file": str(report_file), **result.to_json()})
    else:
        click.echo(_yearly_text(result, report_file))
    _exit_on(result.verdict)


@cli.command("score")
@click.argument("assessment_file", type=existing_file)
@policy_option
@json_option
@pass_state
def score_cmd(state: State, assessment_file: Path, policy_name: str | None, as_json: bool) -> None:
    """Grade a base's assessment sheet: points per dimension (capped), total, grade, consequence.

    Points are exact decimals, never rounded; each dimension is capped at its maximum, then
    each part. Grades by the first band reached (89.5 is 良好 with 优秀 at 90). A direct-fail
    condition gives 不合格 whatever the total. Exit 0 for a passing grade, 1 for a failing one.
    Keys under points: may be dimension ids or their Chinese names.

    \b
    Example:
      docgen score examples/hangzhou/assessment-good.yaml
    """
    sheet = load_assessment_sheet(assessment_file)
    policy = choose_policy(policy_name or sheet.policy, state.workspace)
    result = score(sheet, policy, source=assessment_file)
    if as_json:
        echo_json({"file": str(assessment_file), **result.to_json()})
    else:
        click.echo(_score_text(result, assessment_file))
    _exit_on(Verdict.passed if result.passing else Verdict.failed)


def _exit_on(verdict: Verdict) -> None:
    if verdict is Verdict.failed:
        raise CheckFailed()


def _report_text(report: EligibilityReport, path: Path) -> str:
    lines = [
        click.style(f"{report.applicant.name}", bold=True) + f"  ({path})",
        f"programme: {report.policy.id} {report.policy.title}",
        "",
    ]
    for number, condition in enumerate(report.conditions):
        label = f"{number}. {condition.title}" if number else condition.title
        lines.append(f"  {label}  {verdict_word(condition.verdict)}")
        lines += [finding_line(f) for f in condition.findings]
    counts = {v: sum(1 for c in report.conditions if c.verdict is v) for v in Verdict}
    summary = (
        f"{counts[Verdict.failed]} failed, {counts[Verdict.review]} need a reviewer, {counts[Verdict.passed]} passed"
    )
    if report.priority:
        summary += "; priority (优先纳入)"
    meaning = {
        Verdict.failed: "a condition fails",
        Verdict.review: "nothing fails; a reviewer must judge the rest",
        Verdict.passed: "every condition passes",
    }[report.verdict]
    lines += ["", f"Result: {verdict_word(report.verdict)}: {meaning} ({summary})"]
    return "\n".join(lines)


def _yearly_text(result: YearlyResult, path: Path) -> str:
    lines = [click.style(f"{result.report.base} {result.report.year}年度", bold=True) + f"  ({path})"]
    lines += [finding_line(f, "  ") for f in result.findings]
    lines.append(f"Result: {verdict_word(result.verdict)}")
    if result.consequence:
        lines.append(result.consequence)
    return "\n".join(lines)


def _score_text(result: AssessmentResult, path: Path) -> str:
    lines = [
        click.style(result.sheet.base, bold=True)
        + (f" {result.sheet.period}" if result.sheet.period else "")
        + f"  ({path})"
    ]
    for part in result.parts:
        lines.append(
            f"  {part.part.name}: {number_text(part.counted)} / {number_text(part.part.max_points)}"
            + (f" (entered {number_text(part.entered)}, capped)" if part.entered > part.counted else "")
        )
        for d in part.dimensions:
            capped = f" (entered {number_text(d.entered)}, capped)" if d.entered > d.counted else ""
            of = number_text(d.dimension.max_points)
            lines.append(f"    {d.dimension.name}: {number_text(d.counted)} / {of}{capped}")
    lines.append(f"  total: {number_text(result.total)}")
    for text in result.direct_fail:
        lines.append(click.style(f"  直接认定为不合格: {text}", fg="red"))
    colour = "green" if result.passing else "red"
    lines.append("Grade: " + click.style(result.grade.name, fg=colour, bold=True))
    if result.consequence:
        lines.append(result.consequence)
    return "\n".join(lines)
