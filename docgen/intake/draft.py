"""Applicant data being read from a form and lists, with the place each value came from.

Every value put here remembers its place (the file, and in it the form's own label and row, or
a list's sheet, row and column header), so any error, a cell that cannot be read or a check of
the Applicant model, is one Chinese line naming that place, never a YAML key:

    申报表.docx：实训项目1 师资情况 第3行 专业技术职称：'高工' 不是 无、初级、中级、副高级、正高级 之一
    附件-师资名单.xlsx 工作表"师资" 第5行 专业技术职称：'高工' 不是 …
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from docgen import credit_code
from docgen.applicant import Applicant
from docgen.datafiles import field_path
from docgen.errors import BadInputError
from docgen.intake import schema
from docgen.intake.schema import CellError, FormField
from docgen.verdict import number_text

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Place:
    source: str  # the file as the user named it
    where: str  # 实训项目1 师资情况 第3行 专业技术职称
    sep: str = "："  # between the file and the place: a list's reads 师资名单.xlsx 工作表"师资" …

    def line(self, message: str) -> str:
        return f"{self.source}{self.sep}{self.where}：{message}" if self.where else f"{self.source}：{message}"


@dataclass
class Draft:
    source: str
    data: dict[str, Any] = field(default_factory=dict)
    places: dict[Loc, Place] = field(default_factory=dict)  # in the order they were read: the file's order
    problems: list[tuple[int, str]] = field(default_factory=list)  # (where in that order, the line)
    unread: set[Loc] = field(default_factory=set)  # cells that could not be read (already a problem)

    def put(self, loc: Loc, target: dict[str, Any], form_field: FormField, text: str, place: Place) -> None:
        """Read `text` as `form_field` into `target` (the dict at `loc`), remembering the place."""
        full = (*loc, *form_field.path)
        self.places[full] = place
        try:
            value = form_field.read(text)
        except CellError as exc:
            self.unread.add(full)
            self.problem(place, str(exc))
            return
        if value is not None:
            _set(target, form_field.path, value)

    def problem(self, place: Place, message: str) -> None:
        """A problem found while reading, placed after everything read so far."""
        self.problems.append((len(self.places), place.line(message)))

    def forget(self, prefix: Loc) -> None:
        for loc in [loc for loc in self.places if loc[: len(prefix)] == prefix and len(loc) > len(prefix)]:
            del self.places[loc]

    def place_of(self, loc: Loc) -> Place | None:
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.places:
                return self.places[loc[:end]]
        return None


def _set(target: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for name in path[:-1]:
        target = target.setdefault(name, {})
    target[path[-1]] = value


def validate(draft: Draft) -> Applicant:
    """The Applicant, or BadInputError: the first problem in the order of the form (cells that cannot be
    read and the model's own checks together), and how many more there are."""
    problems = list(draft.problems)
    try:
        applicant = Applicant.model_validate(draft.data)
    except ValidationError as exc:
        order = {loc: n for n, loc in enumerate(draft.places)}
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            if any(loc[: len(bad)] == bad or bad[: len(loc)] == loc for bad in draft.unread):
                continue  # left out because it could not be read: already said
            at = next((order[loc[:end]] for end in range(len(loc), -1, -1) if loc[:end] in order), 0)
            problems.append((at, _describe(draft, error)))
    else:
        if not problems:
            return applicant
    problems.sort(key=lambda p: p[0])
    raise BadInputError(_with_more(problems[0][1], len(problems) - 1))


def _with_more(line: str, more: int) -> str:
    return f"{line}（另有 {more} 处要改）" if more else line


def _describe(draft: Draft, error: Any) -> str:
    loc = tuple(error["loc"])
    place = draft.places.get(loc)
    if place is None:
        nearest = draft.place_of(loc)
        where = _label_of(loc)
        place = Place(nearest.source, f"{nearest.where} {where}".strip()) if nearest else Place(draft.source, where)
    if loc == ("credit_code",) and error["type"] == "value_error":
        return place.line(credit_code_message(str(error.get("input"))))
    return place.line(chinese_message(error, draft.data))


def _label_of(loc: Loc) -> str:
    """The form's label for a place nothing was read from (a YAML path only if the form has none)."""
    names = tuple(part for part in loc if isinstance(part, str))
    tables = {
        "equipment": schema.EQUIPMENT_COLUMNS,
        "teachers": schema.TEACHER_COLUMNS,
        "projects": schema.PROJECT_FIELDS,
    }
    fields: tuple[FormField, ...] = schema.UNIT_FIELDS
    for name in reversed(names[:-1]):
        if name in tables:
            fields = tables[name]
            break
    for form_field in fields:
        if form_field.path and names[-len(form_field.path) :] == form_field.path:
            return form_field.label
    below = [f.label for f in fields if names and f.path[: len(names)] == names]  # ('contact',): its fields
    return "、".join(below) or field_path(loc)


def shown(value: Any) -> str:
    text = number_text(value) if isinstance(value, Decimal) else str(value)
    return text if len(text) <= 30 else f"{text[:12]}…（{len(text)} 位）"


def chinese_message(error: Any, data: dict[str, Any]) -> str:
    """A pydantic error of the Applicant model as the clerk should read it."""
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing" or (kind == "string_too_short" and not str(value or "").strip()):
        return "未填写"
    if kind == "too_short":
        return "一个也没有填写"
    if kind in ("greater_than_equal", "greater_than"):
        bound = next(iter(ctx.values()), "")
        return f"应不小于 {bound}，填的是 {shown(value)}"
    if kind in ("less_than_equal", "less_than"):
        bound = next(iter(ctx.values()), "")
        return f"应不大于 {bound}，填的是 {shown(value)}"
    if kind in ("enum", "literal_error"):
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ").replace(", ", "、")
        return f"'{value}' 不是 {expected} 之一"
    if kind == "value_error":
        return _value_error(ctx.get("error"), value, data)
    return str(error.get("msg", kind))


def _value_error(exc: Any, value: Any, data: dict[str, Any]) -> str:
    text = str(exc)
    if m := re.fullmatch(r"(\d+) characters; at most (\d+)", text):
        return f"有 {m.group(1)} 个字，最多 {m.group(2)} 个"
    if m := re.match(r"holds the invisible or control character (U\+[0-9A-F]+) at character (\d+)", text):
        return f"第 {m.group(2)} 个字是看不见的控制字符 {m.group(1)}，请删掉这一格的内容重新输入"
    if "certified is more than" in text:
        return f"{value} 人多于上年度培训人数 {data.get('trainees_last_year')} 人"
    return text


def credit_code_message(value: str) -> str:
    code = credit_code.normalize(value)
    if len(code) != 18:
        return f"'{code}' 有 {len(code)} 位，统一社会信用代码应为 18 位"
    bad = [c for c in code if c not in credit_code.ALPHABET]
    if bad:
        return f"'{code}' 含有 '{bad[0]}'；只能是数字和除 I、O、S、V、Z 以外的大写字母"
    return f"'{code}' 校验不通过：按 GB 32100 最后一位应为 {credit_code.check_character(code[:17])}，请核对"
