"""Reading a filled 申报表 (.docx) back into applicant data.

The form docgen issues (`docgen make form`, pre-filled or `--blank`) is read by its labels and
column headers, found by their text, never by hidden tags: content controls lose their tags in a
LibreOffice round trip (measured with LibreOffice 7.4: docx -> odt -> docx kept the text and
dropped every w:tag) and copying a row in Word copies its tags too, while the words 单位名称 or
专业技术职称 survive any editor. So:

* the unit table (单位基本情况) is read as labels followed by values, row by row: a value may sit
  in the label's cell after a colon, and cells merged across (a value with the next label) still
  read right, since the next label ends the value;
* each project starts at its table holding 实训项目名称 and 职业（工种）; the 设备清单 and 师资情况
  tables after it are read by their header row, every row below it a row of data except the 小计
  and 占比 rows (a row pasted below them is read too), empty rows skipped, rows counted from 1
  below the header as a clerk counts them;
* merged cells: a cell merged across two columns gives one paragraph to each when it has one per
  column (Word keeps each merged cell's text as a paragraph); a cell merged down gives its value to
  every row it covers, or one paragraph to each; anything else is an error naming the row and the
  columns, never a guess;
* computed cells (序号, 金额, 小计, 合计, 占比, 设备总值, 教师总数) are ignored: docgen computes them.

Errors name the file, the form's own label and row (see draft.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.applicant import Applicant
from docgen.errors import BadInputError
from docgen.intake import schema
from docgen.intake.draft import Draft, Loc, Place, validate
from docgen.intake.schema import FormField, squash
from docgen.intake.wordxml import Block, Cell, Table, read_body
from docgen.policy import Policy

_FOOTERS = tuple(squash(t) for t in (schema.SUBTOTAL_LABEL, "合计", "总计", schema.SHARE_LABEL))
_TITLE = re.compile(r"([^:.、]+?)高技能人才公共实训基地申报表")


def read_form(path: Path, policy: Policy) -> Applicant:
    """The applicant a filled 申报表 describes; BadInputError (one line, label and row) otherwise."""
    return validate(read_form_draft(path, policy))


def read_form_draft(path: Path, policy: Policy) -> Draft:
    """What the form holds, not yet validated: lists (docgen.intake.lists) may replace its tables."""
    source = str(path)
    blocks = read_body(Path(path))
    draft = Draft(source)
    tables = [b for b in blocks if isinstance(b, Table)]
    unit = next((t for t in tables if _holds_label(t, schema.NAME)), None)
    if unit is None:
        raise BadInputError(
            f"{source}：找不到写有“单位名称”的表格：这不是 docgen 发出的申报表，或者表格被删改了；请用发出的申报表填写"
        )
    _check_title(blocks[: blocks.index(unit)], policy, draft)
    _read_unit(unit, draft)
    _read_projects(tables[tables.index(unit) + 1 :], draft)
    return draft


def _check_title(blocks: Sequence[Block], policy: Policy, draft: Draft) -> None:
    """A form titled for another city's programme is refused (the clerk chose the wrong --policy)."""
    for block in blocks:
        if isinstance(block, Table):
            return
        match = _TITLE.fullmatch(squash(block))
        if match:
            if match.group(1) != squash(policy.city):
                raise BadInputError(
                    f"{draft.source}：这是“{block.strip()}”，不是{policy.city}（{policy.id}）的申报表；"
                    "用 --policy 选对项目"
                )
            return


def _holds_label(table: Table, form_field: FormField) -> bool:
    return any(squash(p) in form_field.names for row in table.rows for cell in row for p in cell.paragraphs)


# --- label and value tables ------------------------------------------------------------------------


@dataclass
class _Found:
    form_field: FormField
    row: int  # table row, from 1
    label: str  # as printed
    texts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(t.strip() for t in self.texts)


def read_pairs(table: Table, fields: Sequence[FormField], draft: Draft, caption: str) -> dict[FormField, _Found]:
    """Each label found in the table, with the text after it up to the next label."""
    by_name = {name: f for f in fields for name in f.names}
    found: dict[FormField, _Found] = {}
    for r, row in enumerate(table.rows):
        current: _Found | None = None
        for cell in _distinct(row):
            for text in _part_for_row(cell, r, table, draft, caption, by_name):
                label_field, rest = _label_in(text, by_name)
                if label_field is not None and current is not None and label_field is current.form_field and rest:
                    current.texts.append(rest)  # the label typed again before the value: 单位地址：昆山市…
                elif label_field is not None:
                    if label_field in found:
                        draft.problem(
                            Place(draft.source, f"{caption} 第{r + 1}行"),
                            f"“{label_field.label}”出现了两次（另一处在第{found[label_field].row}行）；请删掉多余的一栏",
                        )
                    label = text.split("：")[0].split(":")[0].strip()
                    current = found[label_field] = _Found(label_field, r + 1, label)
                    if rest:
                        current.texts.append(rest)
                elif current is not None:
                    current.texts.append(text)
    return found


def _label_in(text: str, by_name: dict[str, FormField]) -> tuple[FormField | None, str]:
    """(the field, the rest) when `text` is a label, or a label, a colon and a value typed after it."""
    if squash(text) in by_name:
        return by_name[squash(text)], ""
    for colon in ("：", ":"):
        head, sep, tail = text.partition(colon)
        if sep and squash(head) in by_name:
            return by_name[squash(head)], tail.strip()
    return None, ""


def _distinct(row: list[Cell]) -> list[Cell]:
    seen: set[int] = set()
    out = []
    for cell in row:
        if id(cell) not in seen:
            seen.add(id(cell))
            out.append(cell)
    return out


def _part_for_row(
    cell: Cell, r: int, table: Table, draft: Draft, caption: str, by_name: dict[str, FormField]
) -> list[str]:
    """The paragraphs of `cell` that belong to row r: all of them, unless it is merged down; then
    one paragraph per row when it has that many, a label only in its first row, else an error."""
    if len(cell.rows) == 1:
        return cell.paragraphs
    filled = cell.filled
    if not filled:
        return [""]
    if len(filled) == len(cell.rows):
        return [filled[cell.rows.index(r)]]
    if len(filled) == 1 and squash(filled[0]) in by_name:
        return filled if r == cell.rows[0] else []
    if r == cell.rows[0]:
        draft.problem(
            Place(draft.source, f"{caption} 第{cell.rows[0] + 1}—{cell.rows[-1] + 1}行"),
            f"有一个单元格上下合并了（“{''.join(filled)[:12]}”），分不清属于哪一栏；请拆分单元格后分别填写",
        )
    return []


def _read_unit(table: Table, draft: Draft) -> None:
    caption = schema.UNIT_CAPTION
    found = read_pairs(table, schema.UNIT_FIELDS, draft, caption)
    for form_field in schema.UNIT_FIELDS:
        if form_field.derived:
            continue
        spot = found.get(form_field)
        if spot is None:
            if form_field.required:
                draft.unread.add(form_field.path)
                draft.problem(
                    Place(draft.source, caption),
                    f"找不到“{form_field.label}”一栏；请用 docgen 发出的申报表填写，不要删改表格的栏目",
                )
            continue
        place = Place(draft.source, f"{caption} 第{spot.row}行 {spot.label}")
        draft.put((), draft.data, form_field, spot.text, place)


# --- projects and their row tables -------------------------------------------------------------------


@dataclass
class _Project:
    number: int  # its place among the form's projects, from 1 (实训项目1, 实训项目2, ...)
    table: Table
    equipment: list[Table] = field(default_factory=list)
    teachers: list[Table] = field(default_factory=list)


def _read_projects(tables: Sequence[Table], draft: Draft) -> None:
    projects: list[_Project] = []
    for table in tables:
        if _holds_label(table, schema.PROJECT_NAME):
            projects.append(_Project(len(projects) + 1, table))
            continue
        kind = _row_table_kind(table)
        if kind is None:
            continue
        if not projects:
            caption = schema.EQUIPMENT_CAPTION if kind == "equipment" else schema.TEACHER_CAPTION
            draft.problem(
                Place(draft.source, caption),
                "这个表格前面没有“实训项目名称”表格，不知道属于哪个实训项目；请用发出的申报表填写",
            )
            continue
        getattr(projects[-1], kind).append(table)
    draft.data["projects"] = []
    draft.places[("projects",)] = Place(draft.source, schema.PROJECT_HEADING)
    for project in projects:
        _read_project(project, draft)


def _row_table_kind(table: Table) -> str | None:
    if header_row(table, schema.EQUIPMENT_COLUMNS) is not None:
        return "equipment"
    if header_row(table, schema.TEACHER_COLUMNS) is not None:
        return "teachers"
    return None


def _read_project(project: _Project, draft: Draft) -> None:
    heading = f"{schema.PROJECT_HEADING}{project.number}"
    found = read_pairs(project.table, schema.PROJECT_FIELDS, draft, heading)
    item: dict[str, Any] = {}
    loc: Loc = ("projects", len(draft.data["projects"]))
    equipment_at = f"{heading} {schema.EQUIPMENT_CAPTION}"
    teachers_at = f"{heading} {schema.TEACHER_CAPTION}"
    equipment = [row for t in project.equipment for row in read_rows(t, schema.EQUIPMENT_COLUMNS, draft, equipment_at)]
    teachers = [row for t in project.teachers for row in read_rows(t, schema.TEACHER_COLUMNS, draft, teachers_at)]
    if not any(spot.text for spot in found.values()) and not equipment and not teachers:
        return  # a project the blank form offered and the applicant did not need
    draft.data["projects"].append(item)
    draft.places[loc] = Place(draft.source, heading)
    for form_field in schema.PROJECT_FIELDS:
        spot = found.get(form_field)
        text = spot.text if spot else ""
        draft.put(loc, item, form_field, text, Place(draft.source, f"{heading} {form_field.label}"))
    for key, rows, at in (("equipment", equipment, equipment_at), ("teachers", teachers, teachers_at)):
        item[key] = []
        for row in rows:
            put_row(draft, (*loc, key), item[key], row, Place(draft.source, f"{at} 第{row.number}行"))


@dataclass
class Row:
    number: int  # the row as the clerk counts it: in a form, from 1 below the header; in a sheet, its row
    values: dict[FormField, str]
    headers: dict[FormField, str]  # each column's heading as written
    unreadable: set[FormField] = field(default_factory=set)  # merged cells already reported


def put_row(draft: Draft, loc: Loc, items: list[dict[str, Any]], row: Row, place: Place) -> None:
    """Append one row's values to `items` (the list at `loc`), each remembering its place."""
    item: dict[str, Any] = {}
    index = (*loc, len(items))
    items.append(item)
    draft.places[index] = place
    for column, text in row.values.items():
        if column.path and not column.derived:  # not 序号 or 金额, nor a list's 实训项目
            where = Place(place.source, f"{place.where} {row.headers[column]}", place.sep)
            draft.put(index, item, column, text, where)
    for column in row.unreadable:
        draft.unread.add((*index, *column.path))


def header_row(table: Table, columns: Sequence[FormField]) -> int | None:
    """The row naming the table's columns: it holds the first required column's heading and another."""
    key = next(c for c in columns if c.required)
    for r, row in enumerate(table.rows):
        names = {squash(cell.text) for cell in row}
        if key.names & names and sum(1 for c in columns if c.names & names) >= 2:
            return r
    return None


def read_rows(table: Table, columns: Sequence[FormField], draft: Draft, at: str) -> list[Row]:
    """The rows of data below the header, empty ones left out, each numbered as the clerk counts."""
    header = header_row(table, columns)
    assert header is not None
    where_is: dict[FormField, int] = {}
    headers: dict[FormField, str] = {}
    for cell in _distinct(table.rows[header]):
        for column in columns:
            if squash(cell.text) in column.names and column not in where_is:
                where_is[column], headers[column] = cell.col, cell.text.strip()
    rows: list[Row] = []
    number = 0
    for r in range(header + 1, len(table.rows)):
        cells = _distinct(table.rows[r])
        first = squash(cells[0].text) if cells else ""
        if first.startswith(_FOOTERS) or {squash(c.text) for c in cells} == {squash(h) for h in headers.values()}:
            continue  # 小计 or 占比, or the header copied again
        number += 1
        unreadable: set[FormField] = set()
        place = Place(draft.source, f"{at} 第{number}行")
        values = _row_values(r, cells, where_is, headers, draft, place, unreadable)
        if unreadable or any(text.strip() for column, text in values.items() if not column.derived):
            rows.append(Row(number, values, headers, unreadable))
    return rows


def _row_values(
    r: int,
    cells: list[Cell],
    where_is: dict[FormField, int],
    headers: dict[FormField, str],
    draft: Draft,
    place: Place,
    unreadable: set[FormField],
) -> dict[FormField, str]:
    values: dict[FormField, str] = {}
    for cell in cells:
        here = [c for c, col in sorted(where_is.items(), key=lambda kv: kv[1]) if cell.covers(col)]
        if not here:
            continue
        parts = cell.filled
        if len(cell.rows) > 1 and len(parts) == len(cell.rows) and len(parts) > 1:
            parts = [parts[cell.rows.index(r)]]  # merged down: one paragraph for each row
        elif len(cell.rows) > 1 and len(parts) > 1:
            _merged_problem(draft, place, here, headers, down=True)
            unreadable.update(here)
            continue
        if len(here) == 1 or not parts:
            for column in here:
                values[column] = "".join(parts)
            continue
        if len(parts) == len(here):
            values.update(zip(here, parts, strict=True))
            continue
        kept = [c for c in here if not c.derived]
        if len(kept) == 1 and len(parts) == 1:
            values[kept[0]] = parts[0]
            continue
        _merged_problem(draft, place, here, headers, down=False)
        unreadable.update(here)
    return values


def _merged_problem(
    draft: Draft, place: Place, here: list[FormField], headers: dict[FormField, str], down: bool
) -> None:
    names = "、".join(headers[c] for c in here)
    if down:
        message = f"{names}：单元格上下合并了，内容分不到各行；请拆分单元格后分别填写"
    else:
        message = f"{names} {len(here)} 栏合并成了一格，分不清哪个值属于哪一栏；请拆分单元格后分别填写"
    draft.problem(place, message)
