"""Checking an applicant against a programme's application conditions (申报条件), condition by condition."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from docgen.applicant import Applicant, Project, Teacher, field_values
from docgen.policy import AtLeast, Check, Effect, IsTrue, Judgement, Policy, Scope, TeacherShare
from docgen.verdict import ConditionResult, Finding, Said, Verdict, combine, number_text


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
        kind = Finding(
            "申报单位类型",
            Verdict.passed,
            Said(f"{applicant.kind} is one of {kinds}", f"{applicant.kind}，属于{kinds}"),
        )
    elif scope.open_list:
        kind = Finding(
            "申报单位类型",
            Verdict.review,
            Said(
                f"{applicant.kind} is not named ({scope.kinds_wording}); the list ends in 等: a reviewer decides",
                f"{applicant.kind}未列明（{scope.kinds_wording}），所列类型以“等”结尾：由审核人员判断",
            ),
            ("business_licence",),
        )
    else:
        kind = Finding(
            "申报单位类型",
            Verdict.failed,
            Said(f"{applicant.kind} is not one of {kinds}", f"{applicant.kind}，不属于{kinds}"),
        )
    findings = [kind]
    if scope.districts:
        if applicant.district in scope.districts:
            detail = Said(f"{applicant.district} is in the programme's area", f"{applicant.district}，在申报范围内")
            findings.append(Finding("所在区域", Verdict.passed, detail))
        else:
            findings.append(
                Finding(
                    "所在区域",
                    Verdict.failed,
                    Said(
                        f"{applicant.district} is not one of {'、'.join(scope.districts)}",
                        f"{applicant.district}，不在申报范围（{'、'.join(scope.districts)}）内",
                    ),
                )
            )
    return findings


def _finding(check: Check, applicant: Applicant, policy: Policy) -> Finding:
    if isinstance(check, Judgement):
        names = [policy.evidence_type(e).name for e in check.evidence]
        if names:
            look = Said(f"look at: {'、'.join(names)}", f"请查看：{'、'.join(names)}")
        else:
            look = Said("a reviewer judges", "由审核人员判断")
        return Finding(check.label, Verdict.review, look, tuple(check.evidence))
    if isinstance(check, TeacherShare):
        return _teacher_share(check, applicant.projects)
    if isinstance(check, AtLeast):
        return _at_least(check, applicant)
    return _is_true(check, applicant)


def _unmet(effect: Effect) -> Verdict:
    return {Effect.required: Verdict.failed, Effect.review: Verdict.review, Effect.priority: Verdict.info}[effect]


def _unstated(check: AtLeast | IsTrue) -> Finding:
    return Finding(
        check.label, Verdict.review, Said(f"{check.field} is not stated in the applicant file", "申报数据未填写此项")
    )


def _at_least(check: AtLeast, applicant: Applicant) -> Finding:
    values = field_values(applicant, check.field)
    if any(v is None for v in values):
        return _unstated(check)
    numbers = [Decimal(str(v)) for v in values]
    low = min(numbers, default=None)
    if low is None:
        return Finding(check.label, _unmet(check.effect), Said(f"no {check.field} listed", "申报数据中没有此项"))
    shown = f"{number_text(low)}{check.unit}"
    bar = f"{number_text(check.min)}{check.unit}"
    if low >= check.min:
        detail = f"{shown} ≥ {bar}"
        if check.effect is Effect.priority:
            return Finding(
                check.label, Verdict.passed, Said(detail + ": priority (优先)", detail + "，优先"), priority=True
            )
        return Finding(check.label, Verdict.passed, Said(detail, detail))
    below = f"{shown} < {bar}"
    return Finding(check.label, _unmet(check.effect), Said(below, f"{below}，未达到要求"))


def _is_true(check: IsTrue, applicant: Applicant) -> Finding:
    values = field_values(applicant, check.field)
    if any(v is None for v in values):
        return _unstated(check)
    if not values:
        return Finding(check.label, Verdict.review, Said(f"no {check.field} listed", "申报数据中没有此项"))
    no = sum(1 for v in values if v is not True)
    if no == 0:
        en = f"{check.field}: yes" + (f" (all {len(values)})" if len(values) > 1 else "")
        return Finding(
            check.label, Verdict.passed, Said(en, "是" if len(values) == 1 else f"是（全部 {len(values)} 项）")
        )
    if len(values) == 1:
        return Finding(check.label, _unmet(check.effect), Said(f"{check.field}: no", "否"))
    detail = Said(f"{check.field}: {no} of {len(values)} are no", f"{len(values)} 项中 {no} 项为否")
    return Finding(check.label, _unmet(check.effect), detail)


def qualifies(teacher: Teacher, check: TeacherShare) -> bool:
    """A teacher counts when the title or the qualification reaches the bar."""
    by_title = teacher.title.rank >= check.min_title.rank
    by_qualification = teacher.qualification is not None and teacher.qualification.rank >= check.min_qualification.rank
    return by_title or by_qualification


def _teacher_share(check: TeacherShare, projects: list[Project]) -> Finding:
    parts, parts_zh, failing = [], [], []
    for project in projects:
        total = len(project.teachers)
        good = sum(1 for t in project.teachers if qualifies(t, check))
        if total == 0:
            parts.append(f"{project.name}: no teachers listed")
            parts_zh.append(f"{project.name}：未列教师")
            failing.append(project.name)
            continue
        share = Decimal(good) / Decimal(total)
        parts.append(f"{project.name}: {good} of {total} ({share:.0%})")
        parts_zh.append(f"{project.name}：{total} 人中 {good} 人（{share:.0%}）")
        if Decimal(good) < check.min_share * total:
            failing.append(project.name)
    who = f"{check.min_title}以上职称或{check.min_qualification}以上资格"
    detail = "; ".join(parts) + f"; bar {check.min_share:.0%} ({who})"
    detail_zh = "；".join(parts_zh) + f"；要求不低于{check.min_share:.0%}（{who}）"
    if failing:
        return Finding(
            check.label,
            Verdict.failed,
            Said(f"below the bar in {'、'.join(failing)} — {detail}", f"{'、'.join(failing)}未达到要求 — {detail_zh}"),
            ("teacher_certificates",),
        )
    return Finding(check.label, Verdict.passed, Said(detail, detail_zh), ("teacher_certificates",))
