"""An application as it came, made ready for the receive step: the applicant data and the evidence by type.

What a clerk has is one of: the applicant file docgen already reads (YAML), a filled 申报表 (.docx), or
a package (a folder, .zip, .rar, .7z or .eml) holding the form, its Excel lists and the evidence. The
form and lists become the applicant file (written into the package's temporary folder: the workspace
keeps it as YAML, the rest of docgen reads nothing else); every other file goes under the evidence type
the sorting plan gives it, or the one the clerk chose for it. Files nothing sorts go to the programme's
catch-all type (其他材料) where it has one, and the plan says so.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from docgen.errors import BadInputError, did_you_mean
from docgen.intake.importer import applicant_yaml, import_applicant
from docgen.intake.lists import is_list
from docgen.intake.packages import Package, open_package, show
from docgen.intake.plan import IntakePlan, PlannedFile, plan_files
from docgen.intake.sorting import CATCH_ALL, FORM, LIST, UNSORTED
from docgen.policy import Policy

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass
class Application:
    applicant_file: Path
    evidence: list[tuple[str, list[Path]]] = field(default_factory=list)
    plan: IntakePlan | None = None  # None: an applicant file given as it is
    filed_as: dict[str, str] = field(default_factory=dict)  # file inside the package -> evidence type

    def summary_zh(self) -> str:
        """One line per evidence type, for the receive step's output and the job page."""
        if self.plan is None:
            return ""
        lines = [self.plan.to_text()]
        if self.filed_as:
            counts: dict[str, int] = {}
            for type_id in self.filed_as.values():
                counts[type_id] = counts.get(type_id, 0) + 1
            filed = "、".join(f"{self.plan.names.get(t, t)} {n} 个" for t, n in counts.items())
            lines.append(f"\n将归档：{filed}")
        return "\n".join(lines)


@contextmanager
def open_application(
    source: Path, policy: Policy, *, assign: Mapping[str, str] | None = None, workdir: Path | None = None
) -> Iterator[Application]:
    """The application in `source`, its unpacked files kept until the block ends. `assign`: a file inside
    the package -> the evidence type a person chose for it (overrides the sorting). Bad input, a package
    without a form, a file the archive cannot take: BadInputError naming the file inside the package."""
    source = Path(source)
    if source.suffix.lower() in YAML_SUFFIXES:
        yield Application(source)
        return
    with (
        open_package(source, workdir=workdir) as package,
        tempfile.TemporaryDirectory(prefix="docgen-applicant-", dir=workdir) as own,
    ):
        # the applicant file goes in a folder of its own: a folder given as the package is the clerk's
        yield _prepared(source, package, policy, dict(assign or {}), Path(own))


def _prepared(source: Path, package: Package, policy: Policy, assign: dict[str, str], own: Path) -> Application:
    plan = plan_files(package, policy)
    types = {t.id for t in policy.evidence_types}
    for inside, type_id in assign.items():
        if not any(f.inside == inside for f in plan.files):
            known = [f.inside for f in plan.files]
            raise BadInputError(f"{show(inside)}：材料包中没有这个文件" + did_you_mean(inside, known))
        if type_id not in types:
            raise BadInputError(f"{show(inside)}：没有材料类型“{type_id}”" + did_you_mean(type_id, sorted(types)))
    if plan.refused:
        first = plan.refused[0]
        more = f"（另有 {len(plan.refused) - 1} 个）" if len(plan.refused) > 1 else ""
        raise BadInputError(
            f"{source.name}：{show(first.inside)}：{first.reason}{more}；请补正或移除后再受理（可先预览受理计划）"
        )
    forms = _forms(source, plan)
    lists = [f for f in plan.in_category(LIST) if is_list(f.path)]
    where = {str(f.path): f"{source.name}/{f.inside}" for f in plan.files}
    try:
        applicant = import_applicant(forms[0].path, [f.path for f in lists], policy)
    except BadInputError as exc:  # name the files as they are in the package, never by a server path
        message = exc.message
        for path, shown in where.items():
            message = message.replace(path, shown)
        raise BadInputError(message) from None
    applicant_file = own / f"{Path(forms[0].inside).stem}.yaml"
    applicant_file.write_text(applicant_yaml(applicant, [Path(f.inside) for f in [*forms, *lists]]), encoding="utf-8")
    evidence, filed_as = filed(plan, policy, assign)
    return Application(applicant_file, evidence, plan, filed_as)


def filed(
    plan: IntakePlan, policy: Policy, assign: Mapping[str, str]
) -> tuple[list[tuple[str, list[Path]]], dict[str, str]]:
    """The planned files by the evidence type each goes under (the one chosen in `assign`, else the plan's,
    else the catch-all for lists and unsorted files), and inside-name -> type. The web uses it on its own
    when the applicant data came from its form rather than from the package's 申报表."""
    types = {t.id for t in policy.evidence_types}
    catch_all = next((t for t in CATCH_ALL if t in types), None)
    filed_as: dict[str, str] = {}
    for f in plan.files:
        chosen = assign.get(f.inside) or f.evidence_type
        if chosen is None and f.category in (UNSORTED, LIST):
            chosen = catch_all
        if chosen is None:
            raise BadInputError(
                f"{show(f.inside)}：无法归类，本申报项目也没有“其他材料”类型；请在受理计划中为它选择材料类型"
            )
        filed_as[f.inside] = chosen
    grouped: dict[str, list[Path]] = {}
    for f in plan.files:
        grouped.setdefault(filed_as[f.inside], []).append(f.path)
    return list(grouped.items()), filed_as


def _forms(source: Path, plan: IntakePlan) -> list[PlannedFile]:
    forms = plan.in_category(FORM)
    if not forms and len(plan.files) == 1 and plan.files[0].kind == "docx":
        forms = plan.files  # a .docx given on its own is the form, whatever its name
    if not forms:
        raise BadInputError(
            f"{source.name}：材料包中找不到填写的申报表（文件名含“申报表”的 Word 文件）；"
            "请让申报单位补交，或单独给出申报表文件"
        )
    if len(forms) > 1:
        names = "、".join(show(f.inside) for f in forms)
        raise BadInputError(f"{source.name}：材料包中有 {len(forms)} 份申报表（{names}）；一次受理一份，请移除多余的")
    return forms
