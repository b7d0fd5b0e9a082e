"""The yearly cycle's commands: one per step, plus `status` and `register`.

Each step records a decision (date, who, reason) in decisions/YEAR/ and writes its documents to
output/YEAR/; a step out of order is refused with the reason and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from docgen.applicant import load_applicant
from docgen.cli import State, cli, pass_state
from docgen.cli.common import IngestProgress, workspace_of
from docgen.cli.output import echo_json
from docgen.cycle import steps
from docgen.cycle.campaign import default_year, draft_campaign
from docgen.cycle.details import Received
from docgen.cycle.integrity import audit_journal
from docgen.cycle.journal import default_recorder
from docgen.cycle.report import register_csv, register_rows, year_status
from docgen.cycle.steps import Cycle, Signed, StepResult
from docgen.errors import BadInputError, CheckFailed
from docgen.intake.application import open_application
from docgen.policy_registry import load_policy
from docgen.workspace import Workspace

_DATE = click.DateTime(formats=["%Y-%m-%d"])


def _year_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--year", type=click.IntRange(2000, 2100), help="The campaign year. Default: the newest.")(f)


def _signed_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option(
        "--by",
        default=default_recorder,
        show_default="$DOCGEN_USER, else your login",
        help="Who records the decision.",
    )(f)
    return click.option("--date", "on", type=_DATE, help="Date of the decision (YYYY-MM-DD). Default: today.")(f)


def _pdf_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--pdf", is_flag=True, help="Also export each document to PDF (LibreOffice).")(f)


def _signed(by: str, on: dt.datetime | None) -> Signed:
    if not by.strip():
        raise BadInputError("--by: say who records the decision")
    return Signed(by.strip(), on.date() if on else None)


def _year(workspace: Workspace, year: int | None) -> int:
    return year if year is not None else default_year(workspace)


def _report(result: StepResult, workspace: Workspace) -> None:
    d = result.decision
    who = f" {d.unit}:" if d.unit else ""
    click.echo(f"recorded {d.id} {d.step.value}:{who} {d.outcome} ({d.date}, {d.by})")
    for path in result.documents:
        click.echo(f"  wrote {path.relative_to(workspace.root)}")
    for note in result.notes:
        click.echo(f"  note: {note}")


# --- campaign, open -----------------------------------------------------------------------


@cli.group("campaign")
def campaign_group() -> None:
    """A year's campaign file (campaigns/YEAR.yaml): the call's text, document number and dates.

    \b
    Example:
      docgen campaign new 2022
    """


@campaign_group.command("new")
@click.argument("year", type=click.IntRange(2000, 2100), required=False)
@pass_state
def campaign_new_cmd(state: State, year: int | None) -> None:
    """Draft campaigns/YEAR.yaml from the previous year's campaign (or the programme's example call).

    Without YEAR: the year after the newest campaign.

    \b
    Example:
      docgen campaign new 2022 && $EDITOR campaigns/2022.yaml
    """
    workspace = workspace_of(state)
    path = draft_campaign(workspace, year)
    click.echo(f"drafted {path.relative_to(workspace.root)}: check the text, doc_number and dates, then 'docgen open'")


@cli.command("open")
@_year_option
@_signed_options
@_pdf_option
@pass_state
def open_cmd(state: State, year: int | None, by: str, on: dt.datetime | None, pdf: bool) -> None:
    """Step 1: open the year's call: the notice with its blank application form (and summary table).

    The notice's text, number and dates come from campaigns/YEAR.yaml.

    \b
    Example:
      docgen open --year 2021 --by 韩睿
    """
    workspace = workspace_of(state)
    _report(steps.open_year(workspace, _year(workspace, year), _signed(by, on), pdf=pdf), workspace)


# --- receive ------------------------------------------------------------------------------


def _evidence(values: tuple[str, ...]) -> steps.Evidence:
    grouped: dict[str, list[Path]] = defaultdict(list)
    for value in values:
        type_id, sep, path = value.partition("=")
        if not sep or not type_id or not path:
            raise BadInputError(f"--evidence {value}: write TYPE=PATH, e.g. teacher_certificates=box3/certs/")
        grouped[type_id.strip()].append(Path(path))
    return list(grouped.items())


def _file_as(values: tuple[str, ...]) -> dict[str, str]:
    chosen = {}
    for value in values:
        inside, sep, type_id = value.rpartition("=")
        if not sep or not inside or not type_id:
            raise BadInputError(f"--file-as {value}: write FILE=TYPE, e.g. 其他/IMG_0001.JPG=teacher_certificates")
        chosen[inside.strip()] = type_id.strip()
    return chosen


@cli.command("receive")
@click.argument("source", metavar="WHAT_CAME", type=click.Path(path_type=Path))
@click.option("--evidence", "-e", multiple=True, metavar="TYPE=PATH", help="Scans of one evidence type; repeatable.")
@click.option(
    "--file-as",
    multiple=True,
    metavar="FILE=TYPE",
    help="File a package's file (as the plan names it) under this evidence type; repeatable.",
)
@click.option("--dry-run", is_flag=True, help="Print the plan (each file, its evidence type and why); change nothing.")
@click.option("--revise", metavar="REASON", help="Replace an application already received (the old one is kept).")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True, help="Documents OCR'd at once.")
@_year_option
@_signed_options
@_pdf_option
@pass_state
def receive_cmd(
    state: State,
    source: Path,
    evidence: tuple[str, ...],
    file_as: tuple[str, ...],
    dry_run: bool,
    revise: str | None,
    jobs: int,
    year: int | None,
    by: str,
    on: dt.datetime | None,
    pdf: bool,
) -> None:
    """Step 2: receive an application as it came: the applicant data kept, its evidence archived.

    WHAT_CAME is the applicant file (YAML), a filled 申报表 (.docx), or a package: a folder, a .zip
    (Chinese names from Windows decoded), .rar, .7z or an e-mailed .eml. From a package, the 申报表 and its
    Excel lists (设备清单, 师资名单) become the applicant data, and every other file is filed under the
    evidence type its folder and file names say (师资, 证书, 设备, 营业执照, 租赁, 产权 ...); files nothing
    sorts go to 其他材料. --dry-run prints that plan first. Every file is checked before anything is
    stored. Writes the filled-in application form. Exit 1 when some evidence could not be OCR'd (kept as
    received; 'docgen archive retry').

    \b
    Examples:
      docgen receive 精工申报材料.zip --dry-run
      docgen receive 精工申报材料.zip --file-as 其他/IMG_0001.JPG=teacher_certificates
      docgen receive 精工-申报表.docx -e teacher_certificates=box3/certs/
      docgen receive 精工.yaml -e teacher_certificates=box3/certs/ -e equipment_list=box3/equipment.pdf
    """
    workspace = workspace_of(state)
    policy = load_policy(workspace.settings.policy, workspace)
    with open_application(source, policy, assign=_file_as(file_as)) as came:
        if dry_run:
            applicant = load_applicant(came.applicant_file)
            click.echo(f"申报单位：{applicant.name}（{applicant.credit_code}）")
            if came.plan is not None:
                click.echo(came.summary_zh())
            click.echo("（预览：未受理，未保存任何文件）")
            return
        extra = _evidence(evidence)
        result = steps.receive(
            workspace,
            _year(workspace, year),
            came.applicant_file,
            came.evidence + extra,
            _signed(by, on),
            revise=revise,
            jobs=jobs,
            progress=IngestProgress() if came.evidence or extra else None,
            pdf=pdf,
            received_as=source.name,
        )
    _report(result, workspace)
    if any(e.outcome == "ocr_failed" for e in result.decision.facts_as(Received).evidence):
        click.echo("some evidence could not be OCR'd (originals kept): 'docgen archive retry' runs it again", err=True)
        raise CheckFailed()


# --- preliminary, expert ------------------------------------------------------------------


@cli.command("preliminary")
@click.argument("unit")
@click.option("--recommend/--reject", default=None, help="Recommended to the city, or not (required).")
@click.option("--reason", required=True, help="The opinion (初审意见), as it goes in the summary table.")
@click.option("--revise", is_flag=True, help="Record a new opinion that supersedes the earlier one.")
@_year_option
@_signed_options
@_pdf_option
@pass_state
def preliminary_cmd(
    state: State,
    unit: str,
    recommend: bool | None,
    reason: str,
    revise: bool,
    year: int | None,
    by: str,
    on: dt.datetime | None,
    pdf: bool,
) -> None:
    """Step 3: the preliminary review (区镇初审) of one applicant; rewrites the summary table.

    UNIT is the unit's name or credit code. The eligibility check runs and is stored with the opinion.

    \b
    Example:
      docgen preliminary 昆山精工数控技术有限公司 --recommend --reason "材料齐全，符合申报条件"
    """
    if recommend is None:
        raise BadInputError("preliminary: say --recommend or --reject")
    workspace = workspace_of(state)
    result = steps.preliminary(
        workspace, _year(workspace, year), unit, recommend, reason, _signed(by, on), revise=revise, pdf=pdf
    )
    _report(result, workspace)


@cli.command("expert")
@click.argument("unit")
@click.option("--candidate/--not-candidate", default=None, help="Chosen as a candidate, or not (required).")
@click.option("--reason", required=True, help="The expert group's opinion.")
@click.option("--points", help="The group's score, if it scores.")
@click.option("--short-name", help="名称或区域 for the base's name where the programme's naming rule needs it.")
@click.option("--revise", is_flag=True, help="Record a new decision that supersedes the earlier one.")
@_year_option
@_signed_options
@pass_state
def expert_cmd(
    state: State,
    unit: str,
    candidate: bool | None,
    reason: str,
    points: str | None,
    short_name: str | None,
    revise: bool,
    year: int | None,
    by: str,
    on: dt.datetime | None,
) -> None:
    """Step 4: the expert review of one applicant: candidate or not, with the opinion.

    \b
    Examples:
      docgen expert 昆山精工数控技术有限公司 --candidate --points 86 --reason "设备先进，师资达标"
      docgen expert 杭州钱江智能制造技工学校 --candidate --short-name 萧山 --reason "现场考察合格"
    """
    if candidate is None:
        raise BadInputError("expert: say --candidate or --not-candidate")
    workspace = workspace_of(state)
    result = steps.expert(
        workspace,
        _year(workspace, year),
        unit,
        candidate,
        reason,
        _signed(by, on),
        points=steps.parse_points(points),
        short_name=short_name,
        revise=revise,
    )
    _report(result, workspace)


# --- publicity, objections ----------------------------------------------------------------


@cli.command("publicise")
@_year_option
@_signed_options
@_pdf_option
@pass_state
def publicise_cmd(state: State, year: int | None, by: str, on: dt.datetime | None, pdf: bool) -> None:
    """Step 5: publish the candidates; the period is counted in working days from --date.

    \b
    Example:
      docgen publicise --date 2022-03-01
    """
    workspace = workspace_of(state)
    _report(steps.publicise(workspace, _year(workspace, year), _signed(by, on), pdf=pdf), workspace)


@cli.group("objection")
def objection_group() -> None:
    """Objections to a candidate during the publicity, and how each was resolved.

    \b
    Examples:
      docgen objection raise 昆山花桥技工学校 --reason "来信反映实训场地不足" --date 2022-01-14
      docgen objection resolve 2021-0016 --dismissed --reason "经现场核查，场地属实"
    """


@objection_group.command("raise")
@click.argument("unit")
@click.option("--reason", required=True, help="What the objection says, and who raised it.")
@_year_option
@_signed_options
@pass_state
def objection_raise_cmd(
    state: State, unit: str, reason: str, year: int | None, by: str, on: dt.datetime | None
) -> None:
    """Record an objection received during the publicity.

    \b
    Example:
      docgen objection raise 昆山精工数控技术有限公司 --reason "来信反映设备数量不实（群众来信）" --date 2022-03-03
    """
    workspace = workspace_of(state)
    _report(steps.object_to(workspace, _year(workspace, year), unit, reason, _signed(by, on)), workspace)


@objection_group.command("resolve")
@click.argument("objection_id")
@click.option("--upheld/--dismissed", default=None, help="Upheld withdraws the candidate (required).")
@click.option("--reason", required=True, help="What the check found.")
@_signed_options
@pass_state
def objection_resolve_cmd(
    state: State, objection_id: str, upheld: bool | None, reason: str, by: str, on: dt.datetime | None
) -> None:
    """Resolve an objection by its decision id (shown when it was recorded, and by 'docgen status').

    \b
    Example:
      docgen objection resolve 2021-0011 --dismissed --reason "经现场核查，设备数量与申报一致"
    """
    if upheld is None:
        raise BadInputError("objection resolve: say --upheld or --dismissed")
    workspace = workspace_of(state)
    _report(steps.resolve_objection(workspace, objection_id, upheld, reason, _signed(by, on)), workspace)


# --- confirmation, plaque -----------------------------------------------------------------


@cli.command("confirm")
@click.option("--doc-number", required=True, help="The confirmation notice's 发文字号, e.g. 昆人社发〔2022〕12号.")
@_year_option
@_signed_options
@_pdf_option
@pass_state
def confirm_cmd(state: State, doc_number: str, year: int | None, by: str, on: dt.datetime | None, pdf: bool) -> None:
    """Step 6: confirm the candidates after the publicity: the notice, the plaques, the register.

    \b
    Example:
      docgen confirm --doc-number "昆人社发〔2022〕12号" --date 2022-03-15
    """
    workspace = workspace_of(state)
    _report(steps.confirm(workspace, _year(workspace, year), doc_number, _signed(by, on), pdf=pdf), workspace)


@cli.command("plaque")
@click.argument("base")
@click.option("--reason", required=True, help="Why a plaque is made again (lost, damaged).")
@_signed_options
@_pdf_option
@pass_state
def plaque_cmd(state: State, base: str, reason: str, by: str, on: dt.datetime | None, pdf: bool) -> None:
    """Make a confirmed base's plaque again (refused for units never confirmed, or revoked).

    \b
    Example:
      docgen plaque 昆山精工数控技术有限公司 --reason "铭牌损坏，申请补发"
    """
    workspace = workspace_of(state)
    _report(steps.reissue_plaque(workspace, base, reason, _signed(by, on), pdf=pdf), workspace)


# --- assessment, revocation ---------------------------------------------------------------


@cli.command("assess")
@click.argument("base")
@click.argument("result_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--doc-number", required=True, help="The result notice's 发文字号.")
@click.option("--revise", is_flag=True, help="Record a new result for a period already assessed.")
@_signed_options
@_pdf_option
@pass_state
def assess_cmd(
    state: State,
    base: str,
    result_file: Path,
    doc_number: str,
    revise: bool,
    by: str,
    on: dt.datetime | None,
    pdf: bool,
) -> None:
    """Step 7: record a base's assessment and write the result notice.

    RESULT_FILE is the programme's kind of result: an assessment sheet of points (Hangzhou,
    graded 优秀/良好/合格/不合格) or a yearly report (Kunshan's yearly duty, 合格/不合格). A copy is
    kept with the decision.

    \b
    Examples:
      docgen assess 昆山精工数控技术有限公司 yearly-2022.yaml --doc-number "昆人社发〔2023〕5号"
      docgen assess 杭州钱江智能制造技工学校 sheet-2026.yaml --doc-number "杭人社发〔2028〕9号"
    """
    workspace = workspace_of(state)
    result = steps.assess(workspace, base, result_file, doc_number, _signed(by, on), revise=revise, pdf=pdf)
    _report(result, workspace)


@cli.command("revoke")
@click.argument("base")
@click.option("--ground", required=True, help="The revocation ground's id (see 'docgen policy show').")
@click.option("--facts", help="The facts, in the bureau's words, for the letter.")
@click.option("--doc-number", required=True, help="The revocation letter's 发文字号.")
@_signed_options
@_pdf_option
@pass_state
def revoke_cmd(
    state: State,
    base: str,
    ground: str,
    facts: str | None,
    doc_number: str,
    by: str,
    on: dt.datetime | None,
    pdf: bool,
) -> None:
    """Step 8: revoke a base on one of the programme's listed grounds; writes the letter.

    A failing-assessment ground needs a failing assessment on record.

    \b
    Example:
      docgen revoke 昆山花桥技工学校 --ground assessment_failed --doc-number "昆人社发〔2023〕8号"
    """
    workspace = workspace_of(state)
    _report(steps.revoke(workspace, base, ground, facts, doc_number, _signed(by, on), pdf=pdf), workspace)


# --- status, register ---------------------------------------------------------------------


def _integrity_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--ignore-integrity",
        is_flag=True,
        help="Show it although the decision journal fails its integrity check (said on every screen).",
    )(f)


def _cycle(workspace: Workspace, ignore_integrity: bool) -> Cycle:
    """The journal, checked; with --ignore-integrity shown anyway, with a warning on stderr first."""
    if ignore_integrity:
        audit = audit_journal(workspace)
        if audit.breaks:
            breaks = audit.breaks
            click.echo(
                click.style("WARNING: ", fg="red", bold=True)
                + f"the decision journal fails its integrity check ({len(breaks)} findings, first: {breaks[0]}); "
                "shown anyway (--ignore-integrity): do not rely on it; 'docgen verify' lists every finding",
                err=True,
            )
        return Cycle.load(workspace, check=False, audit=audit)
    return Cycle.load(workspace)


@cli.command("status")
@_year_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_integrity_option
@pass_state
def status_cmd(state: State, year: int | None, as_json: bool, ignore_integrity: bool) -> None:
    """Where the year stands: each step, each applicant, and what comes next.

    \b
    Example:
      docgen status --year 2021
    """
    workspace = workspace_of(state)
    status = year_status(_cycle(workspace, ignore_integrity), _year(workspace, year))
    if as_json:
        echo_json(status)
        return
    click.echo(f"{status['programme']} {status['year']}")
    for step in status["steps"]:
        mark = "x" if step["done"] else " "
        click.echo(f"  [{mark}] {step['name']}  {step['detail']}".rstrip())
    for a in status["applicants"]:
        click.echo(f"      {a['unit']}: {a['stage']}")
    evidence = status["evidence"]
    click.echo(
        f"evidence: {evidence['documents']} documents, {evidence['pages']} pages, "
        f"{len(evidence['needs_review'])} pages need review, {len(evidence['ocr_failed'])} OCR failed"
    )
    for page in evidence["needs_review"]:
        click.echo(f"      page {page['page']} of {page['archival_code']} could not be read: {page['reason']}")
    for code in evidence["ocr_failed"]:
        click.echo(f"      {code}: OCR failed ('docgen archive retry')")
    register = status["register"]
    click.echo(f"register: {register['active']} active, {register['revoked']} revoked")
    click.echo(f"next: {status['next']}")


@cli.command("register")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV (UTF-8 with BOM, for Excel and WPS).")
@_integrity_option
@pass_state
def register_cmd(state: State, as_json: bool, as_csv: bool, ignore_integrity: bool) -> None:
    """The register (台账) of bases across years: confirmation, assessments, revocation.

    \b
    Example:
      docgen register --csv > 台账.csv
    """
    if as_json and as_csv:
        raise BadInputError("register: choose --json or --csv, not both")
    rows = register_rows(_cycle(workspace_of(state), ignore_integrity))
    if as_json:
        echo_json(rows)
        return
    if as_csv:
        click.echo(register_csv(rows), nl=False)
        return
    for row in rows:
        results = "；".join(f"{a['period']} {a['result']}" for a in row["assessments"]) or "未考核"
        state_text = "在册" if row["state"] == "active" else f"已撤销 {row['revoked_on']}（{row['revocation_reason']}）"
        click.echo(f"{row['base_name']}  {row['year']}年 {row['confirmed_by']}  {results}  {state_text}")
    click.echo(f"{len(rows)} bases")
