"""Verdicts shared by the rule checks (eligibility, yearly duty, assessment)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any


class Verdict(StrEnum):
    passed = "pass"
    failed = "fail"
    review = "review"  # a reviewer must judge; does not fail the check
    info = "info"  # neither helps nor hurts (e.g. a priority criterion not met)


class Said(str):
    """A detail in English (for the command line) that carries its Chinese wording (for documents and
    the web pages): str(said) is the English, said.zh the Chinese."""

    zh: str

    def __new__(cls, en: str, zh: str) -> Said:
        said = super().__new__(cls, en)
        said.zh = zh
        return said


def zh(detail: str) -> str:
    """The Chinese wording of a detail (a Said), or the detail itself."""
    return getattr(detail, "zh", detail)


@dataclass(frozen=True)
class Finding:
    """The result of one check, with the figures behind it and the evidence a reviewer should open."""

    label: str
    verdict: Verdict
    detail: str  # a Said where the check has Chinese wording
    evidence: tuple[str, ...] = ()
    priority: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "verdict": self.verdict.value,
            "detail": str(self.detail),
            "detail_zh": zh(self.detail),
            "evidence": list(self.evidence),
            "priority": self.priority,
        }


def combine(verdicts: Iterable[Verdict]) -> Verdict:
    """fail beats review beats pass; info counts for nothing."""
    seen = set(verdicts)
    if Verdict.failed in seen:
        return Verdict.failed
    if Verdict.review in seen:
        return Verdict.review
    return Verdict.passed


@dataclass(frozen=True)
class ConditionResult:
    id: str
    title: str
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def verdict(self) -> Verdict:
        return combine(f.verdict for f in self.findings)


def number_text(number: Decimal) -> str:
    """1000.00 -> '1000', 2.50 -> '2.5': figures as a clerk writes them."""
    return format(number.normalize(), "f")
