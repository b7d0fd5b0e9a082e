"""The Excel lists sent with the 申报表 (附件-设备清单.xlsx, 附件-师资名单.xlsx): made, and read back.

An applicant with many machines or teachers fills a list instead of the form's tables. Each row
names its project in the 实训项目 column (the form's 实训项目名称), and a list's rows **replace the
form's table of that kind for that project**; projects a list does not name keep the form's table.
A list cannot add a project: the form names them, with their 职业（工种）.

Made with openpyxl: Chinese headers, a frozen header row, column widths for Chinese text, and
dropdowns (data validation) wherever the applicant model has fixed choices (职业资格, 专业技术职称,
专职, 产权; the project names when made for an applicant), whole numbers for 数量, text format for
型号 and 证书编号 so that Excel does not turn a long number into 1.23E+17.

Read with openpyxl (.xlsx) or python-calamine (.xls from old Excel or WPS, .ods from LibreOffice).
Headers are found by their text in the first rows of each sheet, so columns may be moved, added or
renamed to a known alias (职称 for 专业技术职称). Errors name the file, sheet, row and column header:

    附件-师资名单.xlsx 工作表"师资" 第5行 专业技术职称：'高工' 不是 无、初级、中级、副高级、正高级 之一
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from archive import write_all_atomically
from docgen.applicant import Applicant
from docgen.errors import BadInputError
from docgen.intake import schema
from docgen.intake.draft import Draft, Place
from docgen.intake.form import Row, put_row
from docgen.intake.schema import FormField, squash
from docgen.intake.wordxml import file_head
from docgen.policy import Policy

EQUIPMENT_FILE = "附件-设备清单.xlsx"
TEACHERS_FILE = "附件-师资名单.xlsx"
MAX_LIST_BYTES = 20 * 2**20
MAX_INFLATED_BYTES = 200 * 2**20  # what the .xlsx's parts may inflate to
MAX_ROWS = 20_000
HEADER_SEARCH_ROWS = 10
BLANK_ROWS = 300  # rows prepared with dropdowns in a blank list


@dataclass(frozen=True)
class ListKind:
    key: str  # the applicant's list in a project: equipment, teachers
    file: str
    sheet: str
    title: str  # what the clerk calls it
    columns: tuple[FormField, ...]  # the project column first, then the fields read


EQUIPMENT = ListKind(
    "equipment",
    EQUIPMENT_FILE,
    "设备",
    "设备清单",
    (schema.LIST_PROJECT, *(c for c in schema.EQUIPMENT_COLUMNS if not c.derived)),
)
TEACHERS = ListKind(
    "teachers",
    TEACHERS_FILE,
    "师资",
    "师资名单",
    (schema.LIST_PROJECT, *(c for c in schema.TEACHER_COLUMNS if not c.derived)),
)
LIST_KINDS = (EQUIPMENT, TEACHERS)


# --- making --------------------------------------------------------------------------------------------


def make_lists(applicant: Applicant | None, policy: Policy) -> list[tuple[str, bytes]]:
    """(file name, .xlsx bytes) of each list, blank or filled from an applicant."""
    return [(kind.file, _workbook(kind, applicant, policy)) for kind in LIST_KINDS]


def write_lists(folder: Path, applicant: Applicant | None, policy: Policy) -> list[Path]:
    """Both lists written into `folder` (made if needed), atomically; returns their paths."""
    if folder.suffix.lower() in (".xlsx", ".xls", ".docx") or folder.is_file():
        raise BadInputError(f"{folder}: -o names a folder for both lists ({EQUIPMENT_FILE}, {TEACHERS_FILE})")
    files = [(folder / name, blob) for name, blob in make_lists(applicant, policy)]
    write_all_atomically(files)
    return [path for path, _ in files]


def _workbook(kind: ListKind, applicant: Applicant | None, policy: Policy) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    rows: list[list[Any]] = []
    if applicant is not None:
        for project in applicant.projects:
            for item in getattr(project, kind.key):
                rows.append([project.name] + [_cell_value(c, schema.get(item, c.path)) for c in kind.columns[1:]])
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = kind.sheet
    wb.properties.title = f"{policy.city}高技能人才公共实训基地申报表 附件：{kind.title}"
    wb.properties.creator = "docgen"
    thin = Side(style="thin", color="000000")
    ws.append([c.label for c in kind.columns])
    for cell in ws[1]:
        cell.font = Font(name="黑体", bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for row in rows:
        ws.append(row)
    ws.freeze_panes = "A2"
    last = max(len(rows) + 1 + 100, BLANK_ROWS + 1)
    projects = [p.name for p in applicant.projects] if applicant is not None else []
    for index, column in enumerate(kind.columns, 1):
        letter = get_column_letter(index)
        longest = max([_width(str(r[index - 1])) for r in rows if r[index - 1] is not None] + [column.width])
        ws.column_dimensions[letter].width = min(60, longest + 2)
        span = f"{letter}2:{letter}{last}"
        choices = list(column.choices) or (projects if column is schema.LIST_PROJECT else [])
        if choices and len(",".join(choices)) < 250:
            rule = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
            rule.error = f"请从下拉列表中选择：{'、'.join(choices)}"
        elif column.key == "quantity":
            rule = DataValidation(type="whole", operator="between", formula1="1", formula2="100000", allow_blank=True)
            rule.error = "数量应为 1 到 100000 的整数"
        elif column.key == "unit_price":
            rule = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
            rule.error = "单价应为不小于 0 的数字（元）"
        else:
            rule = None
        if rule is not None:
            rule.errorTitle = column.label
            rule.showErrorMessage = True
            rule.add(span)
            ws.add_data_validation(rule)
        if column.read is schema.read_identifier:  # 型号, 证书编号: typed digits stay text
            for (cell,) in ws.iter_rows(min_row=2, max_row=last, min_col=index, max_col=index):
                cell.number_format = "@"
    notes = wb.create_sheet("填写说明")
    for line in _instructions(kind, projects):
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _instructions(kind: ListKind, projects: Sequence[str]) -> list[str]:
    named = f"（本单位的项目：{'、'.join(projects)}）" if projects else ""
    lines = [
        f"{kind.title}：每行一条，第一行是表头，不要改动或删除表头。",
        f"“实训项目”一列写申报表中的“实训项目名称”{named}；本表中写到的项目，"
        f"以本表为准，替换申报表中该项目的{kind.title.removesuffix('名单').removesuffix('清单')}表格。",
    ]
    for column in kind.columns[1:]:
        if column.choices:
            lines.append(f"“{column.label}”从下拉列表选择：{'、'.join(column.choices)}。")
    lines.append("数字用阿拉伯数字填写；填好后保存为 .xlsx（WPS、LibreOffice 另存的 .xls、.ods 也可以）。")
    return lines


def _cell_value(column: FormField, value: Any) -> Any:
    """What goes into a cell: numbers as numbers (Excel adds them up), the rest as the form writes it."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = column.write(value)
    return text or None


def _width(text: str) -> int:
    """Columns are measured in Latin characters; a Chinese character takes two."""
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


# --- reading -------------------------------------------------------------------------------------------


def is_list(path: Path) -> bool:
    """Whether some sheet of the spreadsheet has the headers of an equipment list or a teacher roster
    (a package may hold other spreadsheets: a budget, a schedule)."""
    try:
        return any(_header(rows)[0] is not None for _, rows in _sheets(Path(path)))
    except BadInputError:
        return False


def merge_lists(draft: Draft, paths: Sequence[Path]) -> None:
    """Put the lists' rows into the form's draft: a list replaces the form's table of its kind for
    each project it names (in the order given, several lists of one kind adding up)."""
    replaced: set[tuple[str, int]] = set()
    projects: list[dict[str, Any]] = draft.data.get("projects", [])
    names = [squash(str(p.get("name", ""))) for p in projects]
    for path in paths:
        found = False
        for sheet, rows in _sheets(Path(path)):
            kind, header_at, headers = _header(rows)
            if kind is None:
                continue
            found = True
            source = str(path)
            for number, values in rows[header_at + 1 :]:
                row = _row(kind, number, values, headers, source, sheet, draft)
                if row is None:
                    continue
                at = _project_of(row, kind, names, projects, draft, Place(source, f'工作表"{sheet}" 第{number}行', " "))
                if at is None:
                    continue
                if (kind.key, at) not in replaced:
                    replaced.add((kind.key, at))
                    projects[at][kind.key] = []
                    draft.forget(("projects", at, kind.key))
                place = Place(source, f'工作表"{sheet}" 第{number}行', " ")
                put_row(draft, ("projects", at, kind.key), projects[at][kind.key], row, place)
        if not found:
            wanted = " / ".join("、".join(c.label for c in k.columns[:3]) for k in LIST_KINDS)
            draft.problem(Place(str(path), ""), f"没有一个工作表有设备清单或师资名单的表头（{wanted} …）")


def _header(rows: list[tuple[int, list[Any]]]) -> tuple[ListKind | None, int, dict[FormField, tuple[int, str]]]:
    for at, (_, values) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        texts = [squash(str(v)) if v is not None else "" for v in values]
        for kind in LIST_KINDS:
            key = kind.columns[1]  # 设备名称, 姓名
            if not any(t in key.names for t in texts):
                continue
            headers: dict[FormField, tuple[int, str]] = {}
            for index, text in enumerate(texts):
                for column in kind.columns:
                    if text in column.names and column not in headers:
                        headers[column] = (index, str(values[index]).strip())
            if len(headers) >= 2:
                return kind, at, headers
    return None, 0, {}


def _row(
    kind: ListKind,
    number: int,
    values: list[Any],
    headers: dict[FormField, tuple[int, str]],
    source: str,
    sheet: str,
    draft: Draft,
) -> Row | None:
    texts: dict[FormField, str] = {}
    for column, (index, header) in headers.items():
        value = values[index] if index < len(values) else None
        place = Place(source, f'工作表"{sheet}" 第{number}行 {header}', " ")
        texts[column] = _text(value, column, place, draft)
    if not any(t.strip() for c, t in texts.items() if c is not schema.LIST_PROJECT):
        return None
    return Row(number, texts, {c: h for c, (_, h) in headers.items()})


def _text(value: Any, column: FormField, place: Place, draft: Draft) -> str:
    """A cell's value as the text a person typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        if column.read is schema.read_identifier and abs(value) >= 1e15:
            draft.problem(
                place,
                f"Excel 把这个编号存成了数字（{value:.6g}），末几位已经丢失；请把这一列设为“文本”格式后重新输入",
            )
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value) if isinstance(value, int) else format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _project_of(
    row: Row,
    kind: ListKind,
    names: list[str],
    projects: list[dict[str, Any]],
    draft: Draft,
    place: Place,
) -> int | None:
    header = row.headers.get(schema.LIST_PROJECT, schema.LIST_PROJECT.label)
    here = Place(place.source, f"{place.where} {header}", place.sep)
    written = schema.clean(row.values.get(schema.LIST_PROJECT, ""))
    known = "、".join(str(p.get("name", "")) for p in projects) or "申报表里没有填写实训项目"
    if not written:
        if len(projects) == 1:
            return 0
        draft.problem(here, f"未填写：申报表有 {len(projects)} 个实训项目（{known}），请写明这一行属于哪一个")
        return None
    if squash(written) in names:
        return names.index(squash(written))
    draft.problem(here, f"'{written}' 不是申报表里的实训项目（{known}）；一行属于哪个项目，就写那个项目的名称")
    return None


def _sheets(path: Path) -> Iterator[tuple[str, list[tuple[int, list[Any]]]]]:
    """Each sheet's name and its rows (row number as Excel shows it, values)."""
    head = file_head(path, MAX_LIST_BYTES, "清单", " Excel ")
    if head.startswith(b"PK") and path.suffix.lower() in (".xlsx", ".xlsm"):
        yield from _openpyxl_sheets(path)
    elif head.startswith(b"PK") or head.startswith(b"\xd0\xcf\x11\xe0"):
        yield from _calamine_sheets(path)
    else:
        raise BadInputError(f"{path}：不是 Excel 文件（.xlsx、.xls）或 .ods；CSV 请先用 Excel 另存为 .xlsx")


def _openpyxl_sheets(path: Path) -> Iterator[tuple[str, list[tuple[int, list[Any]]]]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(path) as zf:
            if sum(info.file_size for info in zf.infolist()) > MAX_INFLATED_BYTES:
                raise BadInputError(f"{path}：内容展开后超过 {MAX_INFLATED_BYTES // 2**20} MB，不像一份清单")
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise BadInputError(f"{path}：文件已损坏或不是 Excel 文件，打不开（{type(exc).__name__}）") from None
    try:
        for ws in wb.worksheets:
            rows = []
            for number, values in enumerate(ws.iter_rows(values_only=True), 1):
                if number > MAX_ROWS:
                    raise BadInputError(f'{path} 工作表"{ws.title}"：超过 {MAX_ROWS} 行，不像一份清单')
                rows.append((number, list(values)))
            yield ws.title, rows
    finally:
        wb.close()


def _calamine_sheets(path: Path) -> Iterator[tuple[str, list[tuple[int, list[Any]]]]]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        with CalamineWorkbook.from_path(str(path)) as wb:
            for name in wb.sheet_names:
                values = wb.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=MAX_ROWS + 1)
                if len(values) > MAX_ROWS:
                    raise BadInputError(f'{path} 工作表"{name}"：超过 {MAX_ROWS} 行，不像一份清单')
                yield name, [(number, list(row)) for number, row in enumerate(values, 1)]
    except CalamineError as exc:
        raise BadInputError(f"{path}：文件已损坏或不是 Excel 文件，打不开（{exc}）") from None
