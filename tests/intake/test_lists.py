"""The Excel lists: made with dropdowns and a frozen header, filled in Excel (here openpyxl) or saved
as .xls, read back into the form's projects, and every bad cell named by sheet, row and header."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from docgen.applicant import load_applicant
from docgen.intake.importer import import_applicant
from docgen.intake.lists import EQUIPMENT_FILE, TEACHERS_FILE
from docgen.policy_registry import load_policy
from tests.conftest import EXAMPLES, assert_one_line_error, run
from tests.intake.helpers import libreoffice_convert, make_form

PASS = EXAMPLES / "kunshan" / "applicant-pass.yaml"


def make_lists(folder: Path, *args: str | Path) -> tuple[Path, Path]:
    result = run("make", "lists", *args, "--policy", "kunshan-2021", "-o", folder)
    assert result.exit_code == 0, result.stderr
    return folder / EQUIPMENT_FILE, folder / TEACHERS_FILE


def fill_teachers(path: Path, rows: list[list[Any]]) -> Path:
    """Type rows below the header of a blank teacher list, as a clerk does in Excel."""
    wb = openpyxl.load_workbook(path)
    type_rows(wb["师资"], rows)
    wb.save(path)
    return path


def type_rows(ws: Any, rows: list[list[Any]]) -> None:
    """Into the first rows below the header (the blank list has formatted empty rows below: append
    would land after them)."""
    for r, row in enumerate(rows, 2):
        for c, value in enumerate(row, 1):
            ws.cell(row=r, column=c, value=value)


NEW_TEACHERS = [
    ["数控加工实训", "冯涛", "技师", "中级", "S000032050000661001", "是"],
    ["数控加工实训", "褚红", "高级技师", "副高级", "S000032050000661002", "否"],
    ["数控加工实训", "卫东", "高级工", "无", None, "兼职"],
]


def test_blank_lists_have_chinese_headers_dropdowns_and_a_frozen_header(tmp_path: Path) -> None:
    equipment, teachers = make_lists(tmp_path / "附件", "--blank")
    ws = openpyxl.load_workbook(teachers)["师资"]
    assert [c.value for c in ws[1]] == ["实训项目", "姓名", "职业资格", "专业技术职称", "证书编号", "专职"]
    assert ws.freeze_panes == "A2"
    rules = {str(v.sqref).split(":")[0]: v.formula1 for v in ws.data_validations.dataValidation}
    assert rules["C2"] == '"初级工,中级工,高级工,技师,高级技师"'
    assert rules["D2"] == '"无,初级,中级,副高级,正高级"'
    assert rules["F2"] == '"是,否"'
    assert "A2" not in rules  # a blank list does not know the projects yet
    assert ws.column_dimensions["E"].width >= 24 and ws["E2"].number_format == "@"  # 证书编号 stays text
    ws = openpyxl.load_workbook(equipment)["设备"]
    assert [c.value for c in ws[1]] == ["实训项目", "设备名称", "型号", "数量", "单价（元）", "产权"]
    kinds = {str(v.sqref).split(":")[0]: v.type for v in ws.data_validations.dataValidation}
    assert kinds == {"D2": "whole", "E2": "decimal", "F2": "list"}


def test_lists_made_for_an_applicant_read_back_as_its_projects(tmp_path: Path) -> None:
    equipment, teachers = make_lists(tmp_path / "附件", PASS)
    ws = openpyxl.load_workbook(teachers)["师资"]
    assert {str(v.sqref).split(":")[0]: v.formula1 for v in ws.data_validations.dataValidation}["A2"] == (
        '"数控加工实训,工业机器人实训"'
    )
    form = make_form(tmp_path / "申报表.docx", "kunshan-2021", PASS)
    read = import_applicant(form, [equipment, teachers], load_policy("kunshan-2021"))
    assert read.model_dump() == load_applicant(PASS).model_dump()


def test_a_filled_list_replaces_the_forms_table_for_its_project_only(tmp_path: Path) -> None:
    _, teachers = make_lists(tmp_path / "附件", "--blank")
    fill_teachers(teachers, NEW_TEACHERS)
    form = make_form(tmp_path / "申报表.docx", "kunshan-2021", PASS)
    out = tmp_path / "精工.yaml"
    result = run("applicant", "import", form, teachers, "-o", out, "--policy", "kunshan-2021")
    assert result.exit_code == 0, result.stderr
    read, original = load_applicant(out), load_applicant(PASS)
    assert [(t.name, t.title.value, t.full_time) for t in read.projects[0].teachers] == [
        ("冯涛", "中级", True),
        ("褚红", "副高级", False),
        ("卫东", "无", False),
    ]
    assert read.projects[1].teachers == original.projects[1].teachers  # not named in the list: the form's
    assert read.projects[0].equipment == original.projects[0].equipment
    assert "附件-师资名单.xlsx" in out.read_text(encoding="utf-8").splitlines()[0]


def test_columns_may_be_moved_and_named_by_an_alias(tmp_path: Path) -> None:
    path = tmp_path / "师资.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["昆山精工数控技术有限公司 师资名单"])  # a title row above the header
    ws.append(["姓名", "职称", "项目", "专兼职", "职业资格"])
    ws.append(["冯涛", "中级", "工业机器人实训", "专职", "技师"])
    wb.save(path)
    form = make_form(tmp_path / "申报表.docx", "kunshan-2021", PASS)
    read = import_applicant(form, [path], load_policy("kunshan-2021"))
    assert [(t.name, t.title.value, t.qualification) for t in read.projects[1].teachers] == [("冯涛", "中级", "技师")]


@pytest.mark.parametrize(
    ("row", "fragments"),
    [
        (
            ["数控加工实训", "蒋平", "技师", "高工", None, "是"],
            ["附件-师资名单.xlsx 工作表\"师资\" 第5行 专业技术职称：'高工' 不是 无、初级、中级、副高级、正高级 之一"],
        ),
        (
            ["焊接实训", "蒋平", "技师", "中级", None, "是"],
            ["工作表\"师资\" 第5行 实训项目：'焊接实训' 不是申报表里的实训项目（数控加工实训、工业机器人实训）"],
        ),
        (
            [None, "蒋平", "技师", "中级", None, "是"],
            ['工作表"师资" 第5行 实训项目：未填写：申报表有 2 个实训项目'],
        ),
        (
            ["数控加工实训", None, "技师", "中级", None, "是"],
            ['附件-师资名单.xlsx 工作表"师资" 第5行 姓名：未填写'],
        ),
        (
            ["数控加工实训", "蒋平", "技师", "中级", 3.20583000023e17, "是"],
            ['工作表"师资" 第5行 证书编号：Excel 把这个编号存成了数字'],
        ),
    ],
    ids=["title", "unknown-project", "no-project", "no-name", "number-lost-digits"],
)
def test_a_bad_cell_is_named_by_sheet_row_and_header(tmp_path: Path, row: list[Any], fragments: list[str]) -> None:
    _, teachers = make_lists(tmp_path / "附件", "--blank")
    fill_teachers(teachers, [*NEW_TEACHERS, row])  # rows 2-4, then row 5
    form = make_form(tmp_path / "申报表.docx", "kunshan-2021", PASS)
    out = tmp_path / "精工.yaml"
    result = run("applicant", "import", form, teachers, "-o", out, "--policy", "kunshan-2021")
    assert_one_line_error(result, *fragments)
    assert not out.exists()


def test_a_workbook_without_a_list_is_named(tmp_path: Path) -> None:
    path = tmp_path / "别的.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["日期", "金额"])
    wb.save(path)
    form = make_form(tmp_path / "申报表.docx", "kunshan-2021", PASS)
    result = run("applicant", "import", form, path, "-o", tmp_path / "a.yaml", "--policy", "kunshan-2021")
    assert_one_line_error(result, "别的.xlsx：没有一个工作表有设备清单或师资名单的表头")


def test_make_lists_wants_a_folder_and_an_applicant_or_blank(tmp_path: Path) -> None:
    assert_one_line_error(run("make", "lists", "-p", "kunshan-2021", "-o", tmp_path), "make lists needs an applicant")
    result = run("make", "lists", "--blank", "-p", "kunshan-2021", "-o", tmp_path / "x.xlsx")
    assert_one_line_error(result, "-o names a folder")


@pytest.mark.slow
def test_lists_saved_as_xls_and_ods_read_the_same(tmp_path: Path) -> None:
    """Old Excel and WPS save .xls, LibreOffice .ods: python-calamine reads both."""
    equipment, teachers = make_lists(tmp_path / "附件", "--blank")
    fill_teachers(teachers, NEW_TEACHERS)
    wb = openpyxl.load_workbook(equipment)
    type_rows(wb["设备"], [["工业机器人实训", "协作机器人", "UR5e", 2, 215000.5, "租赁"]])
    wb.save(equipment)
    form = make_form(tmp_path / "申报表.docx", "kunshan-2021", PASS)
    policy = load_policy("kunshan-2021")
    expected = import_applicant(form, [equipment, teachers], policy).model_dump()
    assert expected["projects"][1]["equipment"][0]["unit_price_yuan"] == 215000.5
    xls = libreoffice_convert([equipment, teachers], tmp_path / "xls", "xls")
    assert import_applicant(form, xls, policy).model_dump() == expected
    ods = libreoffice_convert([equipment, teachers], tmp_path / "ods", "ods")
    assert import_applicant(form, ods, policy).model_dump() == expected
