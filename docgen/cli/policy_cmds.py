"""`docgen policy ...`: list, read and validate programme policy files."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.cli import State, cli, pass_state
from docgen.cli.output import echo_json
from docgen.policy import AtLeast, IsTrue, Judgement, Policy, TeacherShare
from docgen.policy_registry import available_policies, load_policy, load_policy_file
from docgen.verdict import number_text


@cli.group("policy")
def policy_group() -> None:
    """Programmes as policy files: the built-in ones and a workspace's own (policies/*.yaml).

    \b
    Examples:
      docgen policy list
      docgen policy show hangzhou-2024
      docgen policy check my-city-2025.yaml
    """


@policy_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def policy_list(state: State, as_json: bool) -> None:
    """List the programmes that can be used with --policy: built-in, and the workspace's policies/.

    \b
    Example:
      docgen policy list --json
    """
    rows = []
    for entry in available_policies(state.workspace):
        policy = load_policy_file(entry.path)
        rows.append(
            {
                "id": policy.id,
                "title": policy.title,
                "authority": policy.authority.name,
                "origin": entry.origin,
                "path": str(entry.path),
            }
        )
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo(f"{row['id']:<16} {row['title']}  [{row['origin']}]")


@policy_group.command("show")
@click.argument("name")
@pass_state
def policy_show(state: State, name: str) -> None:
    """Describe a programme: scope, conditions and how each is checked, duties, assessment, revocation.

    Values the source text does not give are marked [假设 ...] with the reason: they are settings
    to confirm, not policy.

    \b
    Example:
      docgen policy show kunshan-2021
    """
    click.echo(describe(load_policy(name, state.workspace)))


@policy_group.command("check")
@click.argument("file", type=click.Path(path_type=Path))
def policy_check(file: Path) -> None:
    """Validate a policy file (exit 0 if valid, 2 with the first problem otherwise).

    \b
    Example:
      docgen policy check policies/suzhou-2025.yaml
    """
    policy = load_policy_file(file)
    marked = (
        len(policy.assumptions)
        + sum(1 for c in policy.conditions if c.assumption)
        + sum(1 for e in policy.evidence_types if e.assumption)
    )
    click.echo(
        f"{file}: valid policy '{policy.id}' ({len(policy.conditions)} conditions, "
        f"{len(policy.revocation_reasons)} revocation reasons, {marked} values marked as assumptions)"
    )


def _assumed(note: str | None) -> str:
    return click.style(f" [假设: {note}]", fg="yellow") if note else ""


def describe(policy: Policy) -> str:
    """A policy as readable text, assumptions marked."""
    a = policy.assumptions
    lines = [
        click.style(f"{policy.id}: {policy.title}", bold=True),
        f"发布: {policy.authority.name}, {policy.source.title} ({policy.source.date})",
        f"发文字号代字: {policy.authority.doc_code}{_assumed(a.get('authority.doc_code'))}",
        "",
        click.style("适用范围", bold=True),
        f"  {policy.scope.kinds_wording}",
        f"  eligible kinds: {'、'.join(policy.scope.kinds)}"
        + (" (open list: others go to a reviewer)" if policy.scope.open_list else ""),
    ]
    if policy.scope.districts:
        lines.append(f"  districts: {'、'.join(policy.scope.districts)}{_assumed(policy.scope.districts_assumption)}")
    lines += ["", click.style("申报条件", bold=True)]
    for i, condition in enumerate(policy.conditions, 1):
        lines.append(f"  {i}. {condition.title}{_assumed(condition.assumption)}")
        lines.append(f"     {condition.text}")
        for check in condition.checks:
            lines.append(f"     - {_check_text(check, policy)}")
    lines += ["", click.style("申报材料", bold=True)]
    lines += [
        f"  ({i}) {m.name}" + (f" 一式{m.copies}份" if m.copies > 1 else "") for i, m in enumerate(policy.materials, 1)
    ]
    lines += ["", click.style("程序", bold=True)]
    lines += [f"  {i}. {s.name}: {s.text}" for i, s in enumerate(policy.procedure, 1)]
    if policy.yearly_duty:
        lines += ["", click.style("年度任务", bold=True), f"  {policy.yearly_duty.text}"]
    if policy.assessment:
        lines += ["", *_assessment_lines(policy)]
    lines += ["", click.style("撤销情形", bold=True)]
    lines += [f"  {r.id}: {r.text}" for r in policy.revocation_reasons]
    lines += [
        "",
        click.style("命名与铭牌", bold=True),
        f"  name: {policy.naming.base_name}{_assumed(policy.naming.assumption)}",
        f"  plaque: {policy.naming.plaque}",
        f"公示期: {policy.publicity.working_days} 个工作日{_assumed(a.get('publicity.working_days'))}",
    ]
    lines += ["", click.style("证据类型 (archive)", bold=True)]
    lines += [
        f"  {e.id}: {e.name}, 保管期限 {e.retention.value}{_assumed(e.assumption)}" for e in policy.evidence_types
    ]
    return "\n".join(lines)


def _check_text(check: object, policy: Policy) -> str:
    if isinstance(check, AtLeast):
        return f"checked: {check.field} ≥ {number_text(check.min)}{check.unit} ({check.effect.value})"
    if isinstance(check, IsTrue):
        return f"checked: {check.field} is yes ({check.effect.value})"
    if isinstance(check, TeacherShare):
        return (
            f"checked: per project ≥ {check.min_share:.0%} of teachers with title ≥ {check.min_title} "
            f"or qualification ≥ {check.min_qualification}"
        )
    assert isinstance(check, Judgement)
    names = "、".join(policy.evidence_type(e).name for e in check.evidence)
    return f"reviewer: {check.label}" + (f" (evidence: {names})" if names else "")


def _assessment_lines(policy: Policy) -> list[str]:
    scheme = policy.assessment
    assert scheme is not None
    lines = [click.style(f"考核评估 (every {scheme.period_years} years)", bold=True)]
    for part in [scheme.basic, *([scheme.bonus] if scheme.bonus else [])]:
        lines.append(f"  {part.name}: {number_text(part.max_points)} points")
        lines += [
            f"    {d.name} ({d.id}): {number_text(d.max_points)}{_assumed(d.assumption)}" for d in part.dimensions
        ]
    bands = ", ".join(
        f"{g.name} ≥ {number_text(g.min_points)}" if g.min_points is not None else f"{g.name} below"
        for g in scheme.grades
    )
    lines.append(f"  grades: {bands}{_assumed(policy.assumptions.get('assessment.grades'))}")
    lines += [f"  直接认定不合格 {d.id}: {d.text}" for d in scheme.direct_fail]
    lines.append(f"  不合格: {scheme.failing_consequence}")
    return lines
