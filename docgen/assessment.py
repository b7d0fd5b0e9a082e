"""Scoring a base's assessment (考核评估): points per dimension, caps, grade bands, direct fails.

How numbers are handled (all exact decimals, never floats, never rounded):
* each dimension's points are capped at its maximum, then each part's sum at the part's maximum
  (a bonus entered as 25 against a 20-point bonus part counts 20);
* the grade is the first band whose minimum the total reaches: with 优秀 ≥ 90, 良好 ≥ 80,
  合格 ≥ 60, 89.5 is 良好, 60 is 合格 and 59.99 is 不合格;
* any direct-fail condition (直接认定为不合格) gives the failing grade whatever the total.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import Field

from docgen.datafiles import Name, Points, Strict, load_model
from docgen.errors import BadInputError, did_you_mean, located
from docgen.policy import AssessmentScheme, Dimension, Grade, Part, Policy


class AssessmentSheet(Strict):
    base: Name
    credit_code: str | None = None
    policy: str | None = None
    period: str | None = None  # e.g. 2024-2025
    points: dict[str, Points] = Field(default_factory=dict)  # dimension id or name -> points
    direct_fail: list[str] = Field(default_factory=list)  # direct-fail condition ids
    assessors: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class DimensionScore:
    dimension: Dimension
    entered: Decimal
    counted: Decimal


@dataclass(frozen=True)
class PartScore:
    part: Part
    dimensions: tuple[DimensionScore, ...]

    @property
    def entered(self) -> Decimal:
        return sum((d.counted for d in self.dimensions), Decimal(0))

    @property
    def counted(self) -> Decimal:
        return min(self.entered, self.part.max_points)


@dataclass(frozen=True)
class AssessmentResult:
    sheet: AssessmentSheet
    scheme: AssessmentScheme
    parts: tuple[PartScore, ...]
    direct_fail: tuple[str, ...]  # texts of the direct-fail conditions that apply
    grade: Grade
    consequence: str

    @property
    def total(self) -> Decimal:
        return sum((p.counted for p in self.parts), Decimal(0))

    @property
    def passing(self) -> bool:
        return self.grade.passing

    def to_json(self) -> dict[str, Any]:
        return {
            "base": self.sheet.base,
            "period": self.sheet.period,
            "parts": [
                {
                    "name": p.part.name,
                    "max": p.part.max_points,
                    "entered": p.entered,
                    "counted": p.counted,
                    "dimensions": [
                        {
                            "id": d.dimension.id,
                            "name": d.dimension.name,
                            "max": d.dimension.max_points,
                            "entered": d.entered,
                            "counted": d.counted,
                        }
                        for d in p.dimensions
                    ],
                }
                for p in self.parts
            ],
            "total": self.total,
            "grade": self.grade.name,
            "passing": self.passing,
            "direct_fail": list(self.direct_fail),
            "consequence": self.consequence,
        }


def load_assessment_sheet(path: Path) -> AssessmentSheet:
    return load_model(Path(path), AssessmentSheet)


def score(sheet: AssessmentSheet, policy: Policy, *, source: object = "assessment") -> AssessmentResult:
    scheme = policy.assessment
    if scheme is None:
        hint = "; use 'docgen yearly' for its yearly duty" if policy.yearly_duty else ""
        raise BadInputError(located(source, "", f"programme {policy.id} has no points-based assessment{hint}"))
    entered = _points_by_dimension(sheet, scheme, source)
    parts = [scheme.basic] + ([scheme.bonus] if scheme.bonus else [])
    scores = tuple(
        PartScore(
            part,
            tuple(
                DimensionScore(d, entered.get(d.id, Decimal(0)), min(entered.get(d.id, Decimal(0)), d.max_points))
                for d in part.dimensions
            ),
        )
        for part in parts
    )
    known = {f.id: f.text for f in scheme.direct_fail}
    for i, item in enumerate(sheet.direct_fail):
        if item not in known:
            raise BadInputError(
                located(
                    source,
                    f"direct_fail[{i + 1}]",
                    f"unknown condition '{item}'" + did_you_mean(item, list(known)),
                )
            )
    direct = tuple(known[i] for i in sheet.direct_fail)
    total = sum((p.counted for p in scores), Decimal(0))
    failing = next(g for g in scheme.grades if g.min_points is None)
    grade = failing if direct else next(g for g in scheme.grades if g.min_points is None or total >= g.min_points)
    consequence = "" if grade.passing else scheme.failing_consequence
    return AssessmentResult(sheet, scheme, scores, direct, grade, consequence)


def _points_by_dimension(sheet: AssessmentSheet, scheme: AssessmentScheme, source: object) -> dict[str, Decimal]:
    """Map the sheet's keys (dimension ids or Chinese names) to ids; basic dimensions are required."""
    by_key = {d.id: d for d in scheme.dimensions} | {d.name: d for d in scheme.dimensions}
    out: dict[str, Decimal] = {}
    for key, value in sheet.points.items():
        dimension = by_key.get(key)
        if dimension is None:
            raise BadInputError(
                located(
                    source,
                    f"points.{key}",
                    f"unknown dimension '{key}'" + did_you_mean(key, [d.name for d in scheme.dimensions]),
                )
            )
        if dimension.id in out:
            raise BadInputError(located(source, f"points.{key}", f"{dimension.name} is given twice"))
        if value < 0:
            raise BadInputError(located(source, f"points.{key}", f"must be ≥ 0, got {value}"))
        out[dimension.id] = value
    for dimension in scheme.basic.dimensions:
        if dimension.id not in out:
            raise BadInputError(located(source, f"points.{dimension.name}", "required field is missing"))
    return out
