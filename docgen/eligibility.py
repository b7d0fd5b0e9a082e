"""Checking an applicant against a programme's application conditions (申报条件), condition by condition."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from docgen.applicant import Applicant, Project, Teacher, field_values
from docgen.policy import AtLeast, Check, Effect, IsTrue, Judgement, Policy, Scope, TeacherShare
from docgen.verdict import ConditionResult, Finding, Verdict, combine, number_text


@dataclass(frozen=True)
class EligibilityReport:
    applicant: Applicant
    policy: Policy
    conditions: tuple[ConditionResult, ...]

    @property
    def verdict(self) -> Verdict:
        return combine(c.verdict for c in self.conditions)

    @property
    def priority(self) -> bool:
        return any(f.priority for c in self.conditions for f in c.findings)

    def to_json(self) -> dict[str, Any]:
        return {
            "applicant": self.applicant.name,
            "credit_code": self.applicant.credit_code,
            "policy": self.policy.id,
            "verdict": self.verdict.value,
            "priority": self.priority,
            "conditions": [
                {
                    "id": c.id,
                    "title": c.title,
                    "verdict": c.verdict.value,
                    "findings": [f.to_json() for f in c.findings],
                }
                for c in self.conditions
            ],
        }


def check_applicant(applicant: Applicant, policy: Policy) -> EligibilityReport:
    results = [ConditionResult("scope", "适用范围", tuple(_scope_findings(applicant, policy.scope)))]
    for condition in policy.conditions:
        findings = tuple(_finding(check, applicant, policy) for check in condition.checks)
        results.append(ConditionResult(condition.id, condition.title, findings))
    return EligibilityReport(applicant, policy, tuple(results))


def _scope_findings(applicant: Applicant, scope: Scope) -> list[Finding]:
    kinds = "、".join(scope.kinds)
    if applicant.kind in scope.kinds:
        kind = Finding("申报单位类型", Verdict.passed, f"{applicant.kind} is one of {kinds}")
    elif scope.open_list:
        kind = Finding(
            "申报单位类型",
            Verdict.review,
            f"{applicant.kind} is not named ({scope.kinds_wording}); the list ends in 等: a reviewer decides",
            ("business_licence",),
        )
    else:
        kind = Finding("申报单位类型", Verdict.failed, f"{applicant.kind} is not one of {kinds}")
    findings = [kind]
    if scope.districts:
        if applicant.district in scope.districts:
            findings.append(Finding("所在区域", Verdict.passed, f"{applicant.district} is in the programme's area"))
        else:
            findings.append(
                Finding(
                    "所在区域",
                    Verdict.failed,
                    f"{applicant.district} is not one of {'、'.join(scope.districts)}",
                )
            )
    return findings


def _finding(check: Check, applicant: Applicant, policy: Policy) -> Finding:
    if isinstance(check, Judgement):
        names = [policy.evidence_type(e).name for e in check.evidence]
        look = f"look at: {'、'.join(names)}" if names else "a reviewer judges"
        return Finding(check.label, Verdict.review, look, tuple(check.evidence))
    if isinstance(check, TeacherShare):
        return _teacher_share(check, applicant.projects)
    if isinstance(check, AtLeast):
        return _at_least(check, applicant)
    return _is_true(check, applicant)


def _unmet(effect: Effect) -> Verdict:
    return {Effect.required: Verdict.failed, Effect.review: Verdict.review, Effect.priority: Verdict.info}[effect]


def _at_least(check: AtLeast, applicant: Applicant) -> Finding:
    values = field_values(applicant, check.field)
    if any(v is None for v in values):
        return Finding(check.label, Verdict.review, f"{check.field} is not stated in the applicant file")
    numbers = [Decimal(str(v)) for v in values]
    low = min(numbers, default=None)
    if low is None:
        return Finding(check.label, _unmet(check.effect), f"no {check.field} listed")
    shown = f"{number_text(low)}{check.unit}"
    if low >= check.min:
        detail = f"{shown} ≥ {number_text(check.min)}{check.unit}"
        if check.effect is Effect.priority:
            return Finding(check.label, Verdict.passed, detail + ": priority (优先)", priority=True)
        return Finding(check.label, Verdict.passed, detail)
    return Finding(check.label, _unmet(check.effect), f"{shown} < {number_text(check.min)}{check.unit}")


def _is_true(check: IsTrue, applicant: Applicant) -> Finding:
    values = field_values(applicant, check.field)
    if any(v is None for v in values):
        return Finding(check.label, Verdict.review, f"{check.field} is not stated in the applicant file")
    if not values:
        return Finding(check.label, Verdict.review, f"no {check.field} listed")
    no = sum(1 for v in values if v is not True)
    if no == 0:
        return Finding(
            check.label,
            Verdict.passed,
            f"{check.field}: yes" + (f" (all {len(values)})" if len(values) > 1 else ""),
        )
    detail = f"{check.field}: no" if len(values) == 1 else f"{check.field}: {no} of {len(values)} are no"
    return Finding(check.label, _unmet(check.effect), detail)


def qualifies(teacher: Teacher, check: TeacherShare) -> bool:
    """A teacher counts when the title or the qualification reaches the bar."""
    by_title = teacher.title.rank >= check.min_title.rank
    by_qualification = teacher.qualification is not None and teacher.qualification.rank >= check.min_qualification.rank
    return by_title or by_qualification


def _teacher_share(check: TeacherShare, projects: list[Project]) -> Finding:
    parts, failing = [], []
    for project in projects:
        total = len(project.teachers)
        good = sum(1 for t in project.teachers if qualifies(t, check))
        if total == 0:
            parts.append(f"{project.name}: no teachers listed")
            failing.append(project.name)
            continue
        share = Decimal(good) / Decimal(total)
        parts.append(f"{project.name}: {good} of {total} ({share:.0%})")
        if Decimal(good) < check.min_share * total:
            failing.append(project.name)
    bar = f"bar {check.min_share:.0%} ({check.min_title}以上职称或{check.min_qualification}以上资格)"
    detail = "; ".join(parts) + f"; {bar}"
    if failing:
        return Finding(
            check.label,
            Verdict.failed,
            f"below the bar in {'、'.join(failing)} — {detail}",
            ("teacher_certificates",),
        )
    return Finding(check.label, Verdict.passed, detail, ("teacher_certificates",))
