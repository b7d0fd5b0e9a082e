"""The decision journal: every decision of the yearly cycle, one YAML file each, never rewritten.

`decisions/YEAR/NNNN-STEP[-WHO].yaml` in the workspace. A file is created with O_EXCL and made
read-only, so a decision can be corrected only by recording a new one that supersedes it; the
old one stays, which is what an audit of the year needs (who decided what, when and why). Each
decision links to the one before it by hash (integrity.py), so a changed file is found.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import re
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import yaml
from pydantic import Field, model_validator

from archive import safe_filename
from docgen.datafiles import Strict, load_model
from docgen.errors import BadInputError
from docgen.workspace import Workspace

if TYPE_CHECKING:
    from docgen.cycle.details import Details

D = TypeVar("D", bound="Details")
USER_VAR = "DOCGEN_USER"
_FILE = re.compile(r"(\d{4})-[\w.-]+\.yaml")


class Step(StrEnum):
    """The steps of the yearly cycle, in order."""

    open = "open"  # 1 发布申报通知
    receive = "receive"  # 2 受理申报
    preliminary = "preliminary"  # 3 区镇初审
    expert = "expert"  # 4 专家评审
    publicity = "publicity"  # 5 公示
    objection = "objection"  # 5 公示异议
    resolution = "resolution"  # 5 异议处理
    confirmation = "confirmation"  # 6 发文确认并挂牌
    plaque = "plaque"  # 6 铭牌补发
    assessment = "assessment"  # 7 考核
    revocation = "revocation"  # 8 撤销


class Decision(Strict):
    id: str  # YEAR-NNNN
    step: Step
    year: int
    applicant: str | None = None  # 统一社会信用代码
    unit: str | None = None  # the unit's name, for people reading the file
    outcome: str
    date: dt.date  # the date of the decision (on the document, where there is one)
    by: str = Field(min_length=1)
    reason: str = Field(min_length=1)
    recorded_at: dt.datetime
    supersedes: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)
    documents: list[str] = Field(default_factory=list)  # written with it, relative to the workspace
    document_hashes: dict[str, str] = Field(default_factory=dict)  # each file it wrote -> SHA-256, as written
    previous: str | None = None  # SHA-256 of the year's decision file before this one (see integrity.py)

    @property
    def number(self) -> int:
        return int(self.id.split("-")[1])

    @model_validator(mode="after")
    def _details_fit_the_step(self) -> Decision:
        self.facts  # noqa: B018 - validates; raises ValidationError naming the field
        return self

    @property
    def facts(self) -> Details:
        """The details, as the step's model (docgen/cycle/details.py)."""
        from docgen.cycle.details import DETAILS

        return DETAILS[self.step].model_validate(self.details)

    def facts_as(self, model: type[D]) -> D:
        facts = self.facts
        if not isinstance(facts, model):
            raise TypeError(f"decision {self.id} ({self.step.value}) has no {model.__name__}")
        return facts


def default_recorder() -> str:
    return os.environ.get(USER_VAR) or getpass.getuser()


def load_decisions(workspace: Workspace) -> list[Decision]:
    """Every decision of the workspace, oldest first."""
    found: list[Decision] = []
    root = workspace.decisions_dir()
    if not root.is_dir():
        return found
    for year_dir in sorted(p for p in root.iterdir() if p.is_dir() and p.name.isdigit()):
        for path in sorted(year_dir.glob("*.yaml")):
            if _FILE.fullmatch(path.name):
                found.append(load_model(path, Decision))
    return sorted(found, key=lambda d: (d.year, d.number))


def decision_years(workspace: Workspace) -> list[int]:
    root = workspace.decisions_dir()
    return sorted(int(p.name) for p in root.iterdir() if p.is_dir() and p.name.isdigit()) if root.is_dir() else []


def decision_numbers(workspace: Workspace, year: int) -> dict[int, Path]:
    """The year's decision files by number."""
    folder = workspace.decisions_dir(year)
    return {int(m.group(1)): p for p in folder.glob("*.yaml") if (m := _FILE.fullmatch(p.name))}


def next_id(workspace: Workspace, year: int) -> str:
    return f"{year}-{max(decision_numbers(workspace, year), default=0) + 1:04d}"


def decision_file(workspace: Workspace, decision: Decision) -> Path:
    who = f"-{safe_filename(decision.applicant, limit=40)}" if decision.applicant else ""
    return workspace.decisions_dir(decision.year) / f"{decision.number:04d}-{decision.step.value}{who}.yaml"


def write_decision(workspace: Workspace, decision: Decision) -> Path:
    """Create the decision's file; refuses to replace one (a race with another clerk is an error)."""
    path = decision_file(workspace, decision)
    path.parent.mkdir(parents=True, exist_ok=True)
    header = "# recorded by docgen; do not edit: record a new decision instead (it supersedes this one)\n"
    body = yaml.safe_dump(decision.model_dump(mode="json", exclude_none=True), allow_unicode=True, sort_keys=False)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
    except FileExistsError:
        raise BadInputError(f"{path}: decision {decision.id} was recorded meanwhile; run the command again") from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(header + body)
        handle.flush()
        os.fsync(handle.fileno())
    return path


def now() -> dt.datetime:
    return dt.datetime.now().astimezone().replace(microsecond=0)
