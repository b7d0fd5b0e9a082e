"""A filled 申报表 and its lists, read into one applicant and written as the applicant YAML file the
rest of docgen reads (`docgen check`, `docgen receive`, `load_applicant`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import yaml

from docgen.applicant import Applicant
from docgen.intake.draft import validate
from docgen.intake.form import read_form_draft
from docgen.intake.lists import merge_lists
from docgen.policy import Policy


def import_applicant(form: Path, lists: Sequence[Path], policy: Policy) -> Applicant:
    """The applicant of a filled form, each list replacing the form's table for the projects it names;
    BadInputError naming the file, label (or sheet) and row of the first problem otherwise."""
    draft = read_form_draft(form, policy)
    if lists and draft.data.get("projects") is not None:
        merge_lists(draft, lists)
    return validate(draft)


def applicant_yaml(applicant: Applicant, sources: Sequence[Path], now: datetime | None = None) -> str:
    """The applicant file: English keys as in examples/*/applicant-*.yaml, Chinese values, what was
    read from where in a comment at the top."""
    when = (now or datetime.now()).strftime("%Y-%m-%d %H:%M")
    names = "、".join(Path(s).name for s in sources)
    head = f"# 申报单位信息：{when} 由 docgen applicant import 从 {names} 读入\n"
    data = _plain(applicant.model_dump(exclude_none=True))
    return head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=120)


def _plain(value: Any) -> Any:
    """Enums as their Chinese text, decimals as YAML numbers where a float holds them exactly."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        as_float = float(value)
        return as_float if Decimal(repr(as_float)) == value else format(value, "f")
    return value
