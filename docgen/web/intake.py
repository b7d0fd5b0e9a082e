"""Receiving an application in the browser: what an applicant sent (a package, or the 申报表 and files),
planned as `docgen receive --dry-run` plans it, and the applicant data entered or corrected in a form.

An intake lives in the upload folder of the job that will receive it (web/uploads/JOB/): the uploads under
package/, intake.json (year, what came, the clerk's date and reason), and applicant.yaml once the clerk
has saved the web form (it then stands for the 申报表's data). The job opens it all again when it runs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from werkzeug.datastructures import MultiDict

from docgen.applicant import Applicant, load_applicant
from docgen.errors import BadInputError
from docgen.intake import schema
from docgen.intake.application import filed, open_application
from docgen.intake.draft import chinese_message, credit_code_message
from docgen.intake.form import read_form_draft
from docgen.intake.packages import open_package, show
from docgen.intake.plan import IntakePlan, PlannedFile, plan_files
from docgen.intake.schema import CellError, FormField
from docgen.intake.sorting import FORM
from docgen.policy import Policy

META = "intake.json"
OVERRIDE = "applicant.yaml"  # the applicant data as saved from the web form


def read_meta(folder: Path) -> dict[str, Any] | None:
    try:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def write_meta(folder: Path, meta: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def without_paths(message: str, folder: Path) -> str:
    """A library message with the upload folder's paths taken out (the clerk knows the files by name)."""
    return message.replace(str(folder) + "/", "").replace(str(folder), "")


def form_of(plan: IntakePlan) -> PlannedFile | None:
    forms = plan.in_category(FORM)
    if not forms and len(plan.files) == 1 and plan.files[0].kind == "docx":
        forms = plan.files
    return forms[0] if len(forms) == 1 else None


@dataclass
class Survey:
    """What the plan page shows."""

    plan: IntakePlan | None  # None: nothing was uploaded (the applicant entered on the web form only)
    applicant: Applicant | None = None
    error: str = ""  # why the applicant data could not be read: one line
    has_form: bool = False
    from_web: bool = False  # the applicant data is the web form's


def survey(folder: Path, meta: dict[str, Any], policy: Policy) -> Survey:
    source = folder / meta["source"] if meta.get("source") else None
    plan = None
    if source is not None:
        with open_package(source, workdir=folder) as package:
            plan = plan_files(package, policy)
    found = Survey(plan, has_form=plan is not None and form_of(plan) is not None)
    if (folder / OVERRIDE).is_file():
        found.applicant, found.from_web = load_applicant(folder / OVERRIDE), True
        return found
    if source is None or (plan is not None and plan.refused):
        return found
    try:
        with open_application(source, policy, workdir=folder) as came:
            found.applicant = load_applicant(came.applicant_file)
    except BadInputError as exc:
        found.error = without_paths(exc.message, folder)
    return found


def form_data(folder: Path, meta: dict[str, Any], policy: Policy) -> dict[str, Any]:
    """The applicant data to start the web form with: as saved, else as the 申报表 reads (even when some
    of it is wrong: the clerk corrects it here), else nothing."""
    if (folder / OVERRIDE).is_file():
        return load_applicant(folder / OVERRIDE).model_dump()
    if not meta.get("source"):
        return {}
    try:
        with open_package(folder / meta["source"], workdir=folder) as package:
            form = form_of(plan_files(package, policy))
            return read_form_draft(form.path, policy).data if form else {}
    except BadInputError:
        return {}


@contextmanager
def opened(folder: Path, meta: dict[str, Any], policy: Policy, assign: Mapping[str, str]) -> Iterator[Any]:
    """(applicant file, evidence by type) of an intake, its package unpacked until the block ends."""
    override = folder / OVERRIDE
    source = folder / meta["source"] if meta.get("source") else None
    if source is None:
        yield override, []
    elif override.is_file():
        with open_package(source, workdir=folder) as package:
            plan = plan_files(package, policy)
            if plan.refused:
                first = plan.refused[0]
                raise BadInputError(f"{show(first.inside)}：{first.reason}")
            evidence, _ = filed(plan, policy, assign)
            yield override, evidence
    else:
        with open_application(source, policy, assign=assign, workdir=folder) as came:
            yield came.applicant_file, came.evidence


# --- the applicant form ------------------------------------------------------------------------------

UNIT = tuple(f for f in schema.UNIT_FIELDS if not f.derived)
PROJECT = schema.PROJECT_FIELDS
EQUIPMENT = tuple(f for f in schema.EQUIPMENT_COLUMNS if not f.derived)
TEACHER = tuple(f for f in schema.TEACHER_COLUMNS if not f.derived)
TABLES = (("equipment", "e", EQUIPMENT), ("teachers", "t", TEACHER))


@dataclass
class Entered:
    """The form as typed (texts, so a wrong value is shown back as it was typed) and what is wrong."""

    unit: dict[str, str] = field(default_factory=dict)
    projects: list[dict[str, Any]] = field(default_factory=list)  # name, occupation, equipment, teachers
    errors: dict[str, str] = field(default_factory=dict)  # input name -> the problem, in Chinese
    general: list[str] = field(default_factory=list)  # problems no one field holds
    applicant: Applicant | None = None


def _get(data: Any, path: tuple[str, ...]) -> Any:
    for name in path:
        if not isinstance(data, dict):
            return None
        data = data.get(name)
    return data


def _text(f: FormField, value: Any) -> str:
    try:
        return f.write(value)
    except (TypeError, ValueError, ArithmeticError):
        return str(value)


def entered_from(data: dict[str, Any]) -> Entered:
    """The form's texts for applicant data (a model dump or a draft read from the 申报表)."""
    found = Entered(unit={f.key: _text(f, _get(data, f.path)) for f in UNIT})
    for project in data.get("projects") or []:
        row: dict[str, Any] = {f.key: _text(f, _get(project, f.path)) for f in PROJECT}
        for table, _, columns in TABLES:
            row[table] = [{f.key: _text(f, _get(item, f.path)) for f in columns} for item in project.get(table) or []]
        found.projects.append(row)
    if not found.projects:
        found.projects.append({"name": "", "occupation": "", "equipment": [], "teachers": []})
    return found


def _numbers(form: MultiDict[str, str], pattern: str) -> list[int]:
    return sorted({int(m.group(1)) for key in form for m in [re.fullmatch(pattern, key)] if m})


def entered_of(form: MultiDict[str, str]) -> Entered:
    """The texts posted by the form; rows left empty are dropped, rows are numbered again from 0."""
    found = Entered(unit={f.key: form.get(f"u-{f.key}", "") for f in UNIT})
    for i in _numbers(form, r"p(\d+)-.*"):
        row: dict[str, Any] = {f.key: form.get(f"p{i}-{f.key}", "") for f in PROJECT}
        for table, letter, columns in TABLES:
            row[table] = []
            for j in _numbers(form, rf"p{i}-{letter}(\d+)-.*"):
                item = {f.key: form.get(f"p{i}-{letter}{j}-{f.key}", "") for f in columns}
                if any(v.strip() for v in item.values()):
                    row[table].append(item)
        if any(str(v).strip() for k, v in row.items() if k in ("name", "occupation")) or any(
            row[t] for t, _, _ in TABLES
        ):
            found.projects.append(row)
    return found


def check(found: Entered) -> Entered:
    """Each text read as the 申报表's cell is read, then the Applicant model's own checks; every problem
    kept beside the input it belongs to."""
    data: dict[str, Any] = {}
    names: dict[tuple[Any, ...], str] = {}  # the model's place of a value -> its input's name
    unread: set[str] = set()

    def put(target: dict[str, Any], loc: tuple[Any, ...], f: FormField, text: str, name: str) -> None:
        names[(*loc, *f.path)] = name
        try:
            value = f.read(text)
        except CellError as exc:
            found.errors[name] = str(exc)
            unread.add(name)
            return
        if value is not None:
            inner = target
            for part in f.path[:-1]:
                inner = inner.setdefault(part, {})
            inner[f.path[-1]] = value

    for f in UNIT:
        put(data, (), f, found.unit.get(f.key, ""), f"u-{f.key}")
    projects: list[dict[str, Any]] = []
    for i, row in enumerate(found.projects):
        project: dict[str, Any] = {}
        for f in PROJECT:
            put(project, ("projects", i), f, row.get(f.key, ""), f"p{i}-{f.key}")
        for table, letter, columns in TABLES:
            items = []
            for j, item in enumerate(row[table]):
                value: dict[str, Any] = {}
                for f in columns:
                    put(value, ("projects", i, table, j), f, item.get(f.key, ""), f"p{i}-{letter}{j}-{f.key}")
                items.append(value)
            project[table] = items
        projects.append(project)
    data["projects"] = projects
    try:
        found.applicant = Applicant.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            name = names.get(loc) or next((n for place, n in names.items() if place[: len(loc)] == loc), None)
            if name is None:
                name = next((names[loc[:end]] for end in range(len(loc), 0, -1) if loc[:end] in names), None)
            if name in unread:
                continue
            if loc == ("credit_code",) and error["type"] == "value_error":
                message = credit_code_message(str(error.get("input")))
            else:
                message = chinese_message(error, data)
            if name is None:
                found.general.append(f"实训项目：{message}" if loc[:1] == ("projects",) else message)
            else:
                found.errors.setdefault(name, message)
        found.applicant = None
    if found.errors or found.general:
        found.applicant = None
    return found
