"""Turning results into terminal text or JSON. Colour only on a terminal (click strips it otherwise)."""

from __future__ import annotations

import json
from decimal import Decimal
from enum import Enum
from typing import Any

import click

from docgen.verdict import Finding, Verdict

MARK = {
    Verdict.passed: ("✓", "green"),
    Verdict.failed: ("✗", "red"),
    Verdict.review: ("?", "yellow"),
    Verdict.info: ("·", None),
}


def verdict_word(verdict: Verdict) -> str:
    return click.style(verdict.value.upper(), fg=MARK[verdict][1], bold=True)


def finding_line(finding: Finding, indent: str = "    ") -> str:
    mark, colour = MARK[finding.verdict]
    return f"{indent}{click.style(mark, fg=colour)} {finding.label}: {finding.detail}"


def to_jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value


def echo_json(data: Any) -> None:
    click.echo(json.dumps(to_jsonable(data), ensure_ascii=False, indent=2))
