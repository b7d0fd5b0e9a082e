"""A confirmed base's yearly report against the programme's yearly duties (年度任务).

Kunshan: at least 150 high-skill trainees a year, at least 70% of them certified, and the
training plan, data and summary reported to the bureau.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationInfo, field_validator

from docgen.datafiles import Count, Strict, load_model
from docgen.errors import BadInputError, did_you_mean, located
from docgen.policy import Policy, YearlyDuty
from docgen.verdict import Finding, Said, Verdict, combine


class YearlyReport(Strict):
    base: str = Field(min_length=1)  # the base's name as confirmed
    credit_code: str | None = None
    policy: str | None = None
    year: int = Field(ge=2000, le=2100)
    trainees: Count  # 培训高技能人才人数
    certified: Count  # 取得职业资格证书（职业技能等级证书）人数
    reports: dict[str, bool] = Field(default_factory=dict)  # report id -> submitted

    @field_validator("certified")
    @classmethod
    def _not_more_than_trained(cls, value: int, info: ValidationInfo) -> int:
        trained = info.data.get("trainees")
        if trained is not None and value > trained:
            raise ValueError(f"{value} certified is more than the {trained} trainees")
        return value


@dataclass(frozen=True)
class YearlyResult:
    report: YearlyReport
    duty: YearlyDuty
    findings: tuple[Finding, ...]
    consequence: str

    @property
    def verdict(self) -> Verdict:
        return combine(f.verdict for f in self.findings)

    def to_json(self) -> dict[str, Any]:
        return {
            "base": self.report.base,
            "year": self.report.year,
            "verdict": self.verdict.value,
            "findings": [f.to_json() for f in self.findings],
            "consequence": self.consequence,
        }


def load_yearly_report(path: Path) -> YearlyReport:
    return load_model(Path(path), YearlyReport)


def check_yearly(report: YearlyReport, policy: Policy, *, source: object = "report") -> YearlyResult:
    duty = policy.yearly_duty
    if duty is None:
        raise BadInputError(located(source, "", f"programme {policy.id} sets no yearly duty to check"))
    for key in report.reports:
        if key not in duty.reports:
            raise BadInputError(
                located(source, f"reports.{key}", "unknown report" + did_you_mean(key, list(duty.reports)))
            )
    findings = [
        _minimum("培训高技能人才人数", report.trainees, duty.min_trainees),
        _certified_share(report, duty),
    ]
    for key, name in duty.reports.items():
        submitted = report.reports.get(key, False)
        findings.append(
            Finding(
                f"报送{name}",
                Verdict.passed if submitted else Verdict.failed,
                Said("submitted", "已报送") if submitted else Said("not recorded as submitted", "未见报送记录"),
            )
        )
    consequence = ""
    if combine(f.verdict for f in findings) is Verdict.failed:
        reason = next((r for r in policy.revocation_reasons if r.id == "assessment_failed"), None)
        consequence = (
            Said(
                f"年度绩效考核不合格: may be revoked ({reason.text})",
                f"{reason.text.removesuffix('的')}的，可撤销其基地资格",
            )
            if reason
            else Said("年度绩效考核不合格", "年度绩效考核不合格")
        )
    return YearlyResult(report, duty, tuple(findings), consequence)


def _minimum(label: str, value: int, minimum: int) -> Finding:
    if value >= minimum:
        return Finding(label, Verdict.passed, Said(f"{value} ≥ {minimum}", f"{value}人，不少于{minimum}人"))
    return Finding(label, Verdict.failed, Said(f"{value} < {minimum}", f"{value}人，少于{minimum}人"))


def _certified_share(report: YearlyReport, duty: YearlyDuty) -> Finding:
    label = "取得证书人数占培训人数比例"
    bar = f"{duty.min_certified_share:.0%}"
    if report.trainees == 0:
        return Finding(label, Verdict.failed, Said(f"no trainees, so no share to reach {bar}", f"未培训，达不到{bar}"))
    share = Decimal(report.certified) / report.trainees
    detail = f"{report.certified} of {report.trainees} = {share:.1%}"
    # as a bureau writes it: 87人，占140人的62.1%，低于70%
    detail_zh = f"{report.certified}人，占{report.trainees}人的{share:.1%}"
    # compare exactly: 105 of 150 is 70% and passes
    if Decimal(report.certified) >= duty.min_certified_share * report.trainees:
        return Finding(label, Verdict.passed, Said(f"{detail} ≥ {bar}", f"{detail_zh}，不低于{bar}"))
    return Finding(label, Verdict.failed, Said(f"{detail} < {bar}", f"{detail_zh}，低于{bar}"))
