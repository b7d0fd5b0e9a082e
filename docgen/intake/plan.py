"""What would happen to a package: each file with its evidence type (or form, list, unsorted) and the
reason, the files the archive would refuse and why, the clutter skipped. Nothing is stored: the plan is
what `docgen receive --dry-run` and the web show before anything is archived.

`plan_package(path, policy)` opens the package, plans and cleans up; `plan_files(package, policy)` plans
a package the caller holds open (`with open_package(path) as package:`) to go on and archive its files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive import RejectedFile, identify
from docgen.intake.packages import LIMITS, Limits, Package, open_package, show
from docgen.intake.sorting import FORM, LIST, UNSORTED, Sorter
from docgen.policy import Policy


@dataclass(frozen=True)
class PlannedFile:
    inside: str  # its path inside the package
    kind: str  # what it is by its bytes: pdf, jpeg, heif, docx, xls, ...
    size: int
    category: str  # an evidence type id, form, list or unsorted
    evidence_type: str | None  # the type it would be archived under; None: a person must choose
    reason: str  # why, in Chinese
    path: Path  # on disk; only while the package is open


@dataclass(frozen=True)
class RefusedFile:
    inside: str
    reason: str  # the archive's one line, without the temporary path


@dataclass
class IntakePlan:
    package: str  # the name of what came
    policy: str
    files: list[PlannedFile] = field(default_factory=list)
    refused: list[RefusedFile] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (inside, why): system clutter
    notes: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # category -> its Chinese name

    def in_category(self, category: str) -> list[PlannedFile]:
        return [f for f in self.files if f.category == category]

    def categories(self) -> list[str]:
        """Form and lists first, then evidence types in the programme's order, unsorted last."""
        present = {f.category for f in self.files}
        order = [FORM, LIST, *(c for c in self.names if c not in (FORM, LIST, UNSORTED)), UNSORTED]
        return [c for c in order if c in present]

    def to_json(self) -> dict[str, Any]:
        return {
            "package": self.package,
            "policy": self.policy,
            "counts": {
                "files": len(self.files),
                "refused": len(self.refused),
                "skipped": len(self.skipped),
                **{c: len(self.in_category(c)) for c in self.categories()},
            },
            "files": [
                {
                    "inside": f.inside,
                    "kind": f.kind,
                    "size": f.size,
                    "category": f.category,
                    "category_name": self.names.get(f.category, f.category),
                    "evidence_type": f.evidence_type,
                    "reason": f.reason,
                }
                for f in self.files
            ],
            "refused": [{"inside": r.inside, "reason": r.reason} for r in self.refused],
            "skipped": [{"inside": inside, "reason": why} for inside, why in self.skipped],
            "notes": list(self.notes),
        }

    def to_text(self) -> str:
        """The plan in Chinese, one file a line under its category."""
        lines = [
            f"材料包：{show(self.package)}",
            f"共 {len(self.files) + len(self.refused)} 个文件：可归档 {len(self.files)} 个，"
            f"不能归档 {len(self.refused)} 个"
            + (f"；另有 {len(self.skipped)} 项系统文件已跳过" if self.skipped else ""),
        ]
        for category in self.categories():
            members = self.in_category(category)
            title = self.names.get(category, category)
            suffix = "" if category in (FORM, LIST, UNSORTED) else f"（{category}）"
            lines += ["", f"{title}{suffix}：{len(members)} 个"]
            for f in members:
                filed = ""
                if category in (FORM, LIST) and f.evidence_type:
                    filed = f"，归档为“{self.names.get(f.evidence_type, f.evidence_type)}”"
                lines.append(f"  {show(f.inside)}　—　{f.reason}{filed}")
        if self.refused:
            lines += ["", f"不能归档：{len(self.refused)} 个"]
            lines += [f"  {show(r.inside)}　—　{r.reason}" for r in self.refused]
        if self.skipped:
            lines += ["", "已跳过："]
            lines += [f"  {show(inside)}　—　{why}" for inside, why in self.skipped]
        if self.notes:
            lines += ["", "提示："] + [f"  {note}" for note in self.notes]
        return "\n".join(lines)


def plan_package(path: Path, policy: Policy, limits: Limits = LIMITS) -> IntakePlan:
    """The plan for the package at `path`; what was unpacked is removed before this returns."""
    with open_package(path, limits) as package:
        return plan_files(package, policy)


def plan_files(package: Package, policy: Policy) -> IntakePlan:
    """The plan for a package the caller holds open: every file checked as the archive would check it, then sorted."""
    sorter = Sorter(policy)
    plan = IntakePlan(package.source.name, policy.id, skipped=list(package.skipped), notes=list(package.notes))
    plan.names = {c: sorter.name_of(c) for c in (FORM, LIST, *sorter.names, UNSORTED)}
    for found in package.files:
        try:
            identified = identify(found.path, follow_link=False)
        except RejectedFile as exc:
            plan.refused.append(RefusedFile(found.inside, _without_path(exc.message, found.path)))
            continue
        sorted_ = sorter.by_name(found.inside, identified.kind)
        plan.files.append(
            PlannedFile(
                found.inside,
                identified.kind,
                found.size,
                sorted_.category,
                sorted_.evidence_type,
                sorted_.reason,
                found.path,
            )
        )
    return plan


def _without_path(message: str, path: Path) -> str:
    """The archive names the file by its path, here a temporary one: the member's name says it better."""
    prefix = f"{path}: "
    return message[len(prefix) :] if message.startswith(prefix) else message
