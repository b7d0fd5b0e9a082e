"""A programme's policy (政策文件): who may apply, the conditions, the procedure, the duties,
the assessment and the revocation reasons, as data.

A policy file is YAML validated into `Policy`. The two built-in ones are written from the seed
texts; a third city's programme is one more YAML file, no code. Anything not in the source text
is marked as an assumption (`assumption:` on an item, or the top-level `assumptions:` map for a
single setting), so nobody mistakes a guess for the policy.
"""

from __future__ import annotations

import re
import string
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from docgen.applicant import ApplicantKind, Qualification, Title, check_field_path
from docgen.datafiles import Strict

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]


class Effect(StrEnum):
    """What an unmet check does to a condition."""

    required = "required"  # unmet -> fail
    priority = "priority"  # met -> the applicant is marked as a priority; unmet -> nothing
    review = "review"  # unmet -> a reviewer decides


class Retention(StrEnum):
    """保管期限 codes, DA/T 22-2015."""

    permanent = "Y"  # 永久
    thirty_years = "D30"  # 定期30年
    ten_years = "D10"  # 定期10年


class AtLeast(Strict):
    """A figure of the applicant's file (every item, for a path through lists) is at least `min`."""

    check: Literal["at_least"]
    field: str
    min: Decimal = Field(ge=0)
    unit: str = ""
    label: str
    effect: Effect = Effect.required


class IsTrue(Strict):
    """A yes/no of the applicant's file is yes (for every item, for a path through lists)."""

    check: Literal["is_true"]
    field: str
    label: str
    effect: Effect = Effect.required


class TeacherShare(Strict):
    """In every project, the share of teachers at or above a title or qualification is at least min_share."""

    check: Literal["teacher_share"]
    min_share: Decimal = Field(gt=0, le=1)
    min_title: Title
    min_qualification: Qualification
    label: str


class Judgement(Strict):
    """Needs a reviewer: what to judge and which evidence to look at."""

    check: Literal["judgement"]
    label: str
    evidence: list[str] = Field(default_factory=list)


Check = Annotated[AtLeast | IsTrue | TeacherShare | Judgement, Field(discriminator="check")]


class Condition(Strict):
    """申报条件: one numbered condition of the call, with the checks that decide it."""

    id: Slug
    title: str
    text: str  # the policy's own wording
    checks: list[Check] = Field(min_length=1)
    assumption: str | None = None

    @field_validator("checks")
    @classmethod
    def _fields_exist(cls, checks: list[Any]) -> list[Any]:
        for item in checks:
            if isinstance(item, AtLeast | IsTrue):
                check_field_path(item.field)
        return checks


class Scope(Strict):
    """适用范围: which kinds of unit, from which districts, may apply."""

    kinds: list[ApplicantKind] = Field(min_length=1)
    kinds_wording: str  # the policy's own words
    open_list: bool = True  # the text ends in 等: other kinds go to a reviewer rather than failing
    districts: list[str] = Field(default_factory=list)
    districts_assumption: str | None = None


class EvidenceType(Strict):
    """A kind of submitted material, with the retention its archive copy gets."""

    id: Slug
    name: str
    retention: Retention
    assumption: str | None = None


class Material(Strict):
    """申报材料: one item the applicant hands in."""

    name: str
    copies: int = Field(default=1, ge=1)
    evidence_type: str


PRELIMINARY_REVIEW = "preliminary_review"  # the procedure id that puts a 区镇初审 into the cycle


class ProcedureStep(Strict):
    id: Slug
    name: str
    text: str = ""


class Authority(Strict):
    name: str  # 昆山市人力资源和社会保障局
    short_name: str  # 昆山市人社局
    doc_code: str  # 发文字号 agency code, e.g. 昆人社发
    fonds_code: str = Field(pattern=r"^[A-Z0-9]+$")  # 全宗号; '-' would clash with the code's level separator
    address: str | None = None
    contact_name: str | None = None
    phone: str | None = None
    email: str | None = None


class Source(Strict):
    title: str
    doc_number: str | None = None
    date: date
    file: str | None = None


class YearlyDuty(Strict):
    """Yearly operating requirement of a confirmed base (年度任务)."""

    min_trainees: int = Field(ge=0)
    min_certified_share: Decimal = Field(ge=0, le=1)
    reports: dict[Slug, str] = Field(default_factory=dict)  # id -> what must be reported
    text: str


class Dimension(Strict):
    id: Slug
    name: str
    max_points: Decimal = Field(gt=0)
    assumption: str | None = None


class Part(Strict):
    name: str
    max_points: Decimal = Field(gt=0, le=1000)
    dimensions: list[Dimension] = Field(min_length=1)

    @model_validator(mode="after")
    def _dimensions_add_up(self) -> Part:
        total = sum((d.max_points for d in self.dimensions), Decimal(0))
        if total != self.max_points:
            raise ValueError(
                f"{self.name}: max_points is {self.max_points} but its dimensions add up to {total}; make them agree"
            )
        return self


class Grade(Strict):
    name: str
    min_points: Decimal | None = Field(default=None, ge=0)  # None: below every other band
    passing: bool = True


class DirectFail(Strict):
    id: Slug
    text: str


class AssessmentScheme(Strict):
    """考核评估: points per dimension, capped; grade bands on the total; direct-fail conditions."""

    period_years: int = Field(ge=1)
    basic: Part
    bonus: Part | None = None
    grades: list[Grade] = Field(min_length=2)
    direct_fail: list[DirectFail] = Field(default_factory=list)
    failing_consequence: str
    failing_reason: str  # id of the revocation reason a failing grade gives

    @field_validator("grades")
    @classmethod
    def _bands_descend(cls, grades: list[Grade]) -> list[Grade]:
        mins = [g.min_points for g in grades]
        if mins[-1] is not None or any(m is None for m in mins[:-1]):
            raise ValueError("every grade but the last needs min_points; the last has none")
        numbers = [m for m in mins if m is not None]
        if numbers != sorted(numbers, reverse=True) or len(set(numbers)) != len(numbers):
            raise ValueError("grades must be listed from the highest min_points down")
        return grades

    @property
    def dimensions(self) -> list[Dimension]:
        return self.basic.dimensions + (self.bonus.dimensions if self.bonus else [])


class RevocationReason(Strict):
    id: Slug
    text: str


class Naming(Strict):
    """How a confirmed base is named; placeholders {name} (unit), {short_name}, {district}."""

    base_name: str
    plaque: str
    assumption: str | None = None

    @field_validator("base_name", "plaque")
    @classmethod
    def _known_placeholders(cls, value: str) -> str:
        for _, field_name, _, _ in string.Formatter().parse(value):
            if field_name is not None and field_name not in {"name", "short_name", "district"}:
                raise ValueError(f"unknown placeholder {{{field_name}}}; use {{name}}, {{short_name}}, {{district}}")
        return value


class Publicity(Strict):
    working_days: int = Field(ge=1)
    start_day_counts: bool = False  # Civil Code art. 201: the first day is not counted


class Policy(Strict):
    id: Slug
    title: str
    city: str
    authority: Authority
    source: Source
    scope: Scope
    conditions: list[Condition] = Field(min_length=1)
    evidence_types: list[EvidenceType] = Field(min_length=1)
    materials: list[Material] = Field(min_length=1)
    procedure: list[ProcedureStep] = Field(min_length=1)
    tasks: list[str] = Field(default_factory=list)
    yearly_duty: YearlyDuty | None = None
    assessment: AssessmentScheme | None = None
    revocation_reasons: list[RevocationReason] = Field(min_length=1)
    naming: Naming
    publicity: Publicity
    assumptions: dict[str, str] = Field(default_factory=dict)  # setting path -> why it is assumed

    @property
    def has_preliminary_review(self) -> bool:
        """Whether the programme has a 区镇初审 between receipt and the expert review (Kunshan does)."""
        return any(step.id == PRELIMINARY_REVIEW for step in self.procedure)

    @model_validator(mode="after")
    def _references_resolve(self) -> Policy:
        evidence = {e.id for e in self.evidence_types}
        for i, condition in enumerate(self.conditions):
            for check in condition.checks:
                if isinstance(check, Judgement):
                    for ref in check.evidence:
                        if ref not in evidence:
                            where = f"conditions[{i + 1}] ({condition.id})"
                            raise ValueError(f"{where}: evidence '{ref}' is not an evidence_types id")
        for material in self.materials:
            if material.evidence_type not in evidence:
                raise ValueError(f"materials: '{material.name}': evidence_type '{material.evidence_type}' unknown")
        for name, ids in (
            ("conditions", [c.id for c in self.conditions]),
            ("evidence_types", [e.id for e in self.evidence_types]),
            ("revocation_reasons", [r.id for r in self.revocation_reasons]),
        ):
            if len(set(ids)) != len(ids):
                raise ValueError(f"{name}: ids must be unique")
        reasons = {r.id for r in self.revocation_reasons}
        if self.assessment and self.assessment.failing_reason not in reasons:
            raise ValueError(f"assessment.failing_reason '{self.assessment.failing_reason}' is not a revocation reason")
        for key in self.assumptions:
            if not _setting_exists(self, key):
                raise ValueError(f"assumptions: '{key}' names no setting of this policy")
        return self

    def evidence_type(self, type_id: str) -> EvidenceType:
        for item in self.evidence_types:
            if item.id == type_id:
                return item
        raise KeyError(type_id)

    def teacher_share(self) -> TeacherShare | None:
        """The programme's bar on qualified teachers, if it sets one."""
        return next((c for cond in self.conditions for c in cond.checks if isinstance(c, TeacherShare)), None)

    def revocation_reason(self, reason_id: str) -> RevocationReason:
        for item in self.revocation_reasons:
            if item.id == reason_id:
                return item
        raise KeyError(reason_id)

    def base_name(self, unit_name: str, *, short_name: str | None = None, district: str = "") -> str:
        return self.naming.base_name.format(name=unit_name, short_name=short_name or unit_name, district=district)


def _setting_exists(model: Any, dotted: str) -> bool:
    current = model
    for part in dotted.split("."):
        match = re.fullmatch(r"(\w+)(?:\[(\w+)\])?", part)
        if not match or not hasattr(current, match.group(1)):
            return False
        current = getattr(current, match.group(1))
        if match.group(2):
            current = next((x for x in current if getattr(x, "id", None) == match.group(2)), None)
            if current is None:
                return False
    return True
