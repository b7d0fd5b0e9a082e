"""The 申报表 read back: pre-filled forms give their applicant exactly, a blank form filled as a person
fills it in Word reads right, both survive a LibreOffice round trip, and every problem is one line
naming the form's own label and row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from docgen.applicant import Applicant, load_applicant
from docgen.errors import BadInputError
from docgen.intake.form import read_form
from docgen.intake.wordxml import read_body
from docgen.policy_registry import load_policy
from tests.conftest import EXAMPLES, assert_one_line_error, run
from tests.intake.helpers import W, WordForm, libreoffice_convert, make_form, q

POLICIES = {"kunshan": "kunshan-2021", "hangzhou": "hangzhou-2024"}
EXAMPLE_APPLICANTS = sorted(
    (folder, path.name) for folder in POLICIES for path in (EXAMPLES / folder).glob("applicant-*.yaml")
)
CREDIT = "91320583MA1KJ88993"


@pytest.mark.parametrize(("folder", "name"), EXAMPLE_APPLICANTS)
def test_a_prefilled_form_reads_back_as_its_applicant(tmp_path: Path, folder: str, name: str) -> None:
    source = EXAMPLES / folder / name
    form = make_form(tmp_path / "申报表.docx", POLICIES[folder], source)
    read = read_form(form, load_policy(POLICIES[folder]))
    assert read.model_dump() == load_applicant(source).model_dump()


def test_every_example_has_been_round_tripped() -> None:
    assert len(EXAMPLE_APPLICANTS) == 8


# --- a blank form filled in as a person fills it ------------------------------------------------------

EXPECTED: dict[str, Any] = {
    "name": "昆山新苗智能装备有限公司",
    "credit_code": CREDIT,
    "kind": "生产型企业",
    "district": "千灯镇",
    "address": "昆山市千灯镇石浦中路18号",
    "contact": {"name": "顾敏", "phone": "0512-57661234"},
    "legal_person": True,
    "site": {"area_m2": 2400, "owned": True, "fire_ventilation_lighting_temperature": True},
    "experience_years": 2,
    "full_time_managers": 4,
    "trainees_last_year": 180,
    "certified_last_year": 150,
    "projects": [
        {
            "name": "焊接实训",
            "occupation": "焊工",
            "equipment": [
                {"name": "逆变式氩弧焊机", "model": "WS-400", "quantity": 20, "unit_price_yuan": 6800},
                {"name": "焊接烟尘净化器", "quantity": 10, "unit_price_yuan": 12000, "owned": False},
            ],
            "teachers": [
                {
                    "name": "沈建华",
                    "qualification": "高级技师",
                    "title": "副高级",
                    "certificate_no": "S000032050000551001",
                },
                {"name": "陆芳", "qualification": "技师", "title": "中级", "certificate_no": "S000032050000551002"},
                {"name": "朱磊", "qualification": "高级工", "title": "初级", "full_time": False},
                {"name": "朱磊（二）", "qualification": "技师", "title": "初级", "full_time": False},
            ],
        }
    ],
}


def fill_blank(path: Path, **changes: str) -> Path:
    """The blank Kunshan form, filled as an applicant fills it in Word: typed over, a unit cell merged by
    accident, a teacher row copied and another deleted, two cells merged, content controls (inline, around
    a row) and a tracked change. `changes` types other text into named places to make a mistake."""
    form = WordForm(make_form(path.with_name("blank.docx"), "kunshan-2021"))
    unit = {
        "单位名称": "昆山新苗智能装备有限公司",
        "统一社会信用代码": CREDIT[:9] + " " + CREDIT[9:],  # typed with a space between groups
        "单位类型": "生产型企业",
        "所在区镇": "千灯镇",
        "单位地址": "昆山市千灯镇石浦中路18号",
        "联系人": "顾敏",
        "联系电话": "０５１２－５７６６１２３４",  # full-width, as a Chinese input method types it
        "具有独立法人资格": "是",
        "场地性质": "自有",
        "实训场地建筑面积（平方米）": "2,400平方米",
        "消防、通风、照明、控温设施": "齐全",
        "高级工以上培训年限": "2年",
        "专职管理人员（人）": "4人",
        "上年度培训人数": "180",
        "上年度取证人数": "150",
    }
    for label, text in unit.items():
        form.fill(label, changes.get(label, text))
    # 联系人's value merged with the 联系电话 label beside it: both keep their paragraphs
    form.merge_across(form.label_cell("联系人").getparent(), 1, 2)

    form.fill("实训项目名称", "焊接实训")
    form.fill("职业（工种）", "焊工")
    equipment = form.table_with("设备名称")
    form.fill_row(form.data_row(equipment, 1), ["1", "逆变式氩弧焊机", "WS-400", "20台", "6,800", "", ""])
    form.fill_row(form.data_row(equipment, 2), ["2", "焊接烟尘净化器", "", "10", "1.2万", "", "租赁"])

    teachers = form.table_with("姓名")
    rows = [
        ["1", "沈建华", "高级技师", "副高级", "S000032050000551001", "是"],
        ["2", "陆芳", "技师", "中级", "S000032050000551002", "专职"],
        ["3", "朱磊", "高级工", changes.get("title", "初级"), "", "兼职"],
    ]
    for number, values in enumerate(rows, 1):
        form.fill_row(form.data_row(teachers, number), values)
    if "teacher_name" in changes:
        form.type_into(form.data_row(teachers, 2).findall(q("tc"))[1], changes["teacher_name"])
    # a fourth teacher by copying the third row and retyping the name and qualification
    twin = form.copy_row(form.data_row(teachers, 3))
    form.fill_row(twin, ["4", "朱磊（二）", "技师"])
    form.delete_row(form.data_row(teachers, 6))  # one of the blank rows, deleted
    # 陆芳's 职业资格 and 专业技术职称 cells merged by accident: two paragraphs in one cell
    form.merge_across(form.data_row(teachers, 2), 2, 2)
    # content controls: around the runs of a cell, around a whole row; a tracked change in another
    name_cell = form.data_row(teachers, 1).findall(q("tc"))[1]
    paragraph = name_cell.find(q("p"))
    for word_run in [r for r in paragraph if r.tag == q("r")]:
        form.wrap_in_content_control(word_run, "teacher.name")
    form.wrap_in_content_control(form.data_row(equipment, 1), "equipment.row")
    form.tracked_retype(form.data_row(teachers, 2).findall(q("tc"))[-2], "S000032050000559999", "S000032050000551002")
    return form.save(path)


def expected() -> dict[str, Any]:
    return Applicant.model_validate(EXPECTED).model_dump()


def test_a_blank_form_filled_in_word_reads_back(tmp_path: Path) -> None:
    form = fill_blank(tmp_path / "申报表.docx")
    assert read_form(form, load_policy("kunshan-2021")).model_dump() == expected()


def test_text_inside_content_controls_is_read_where_python_docx_sees_none(tmp_path: Path) -> None:
    """python-docx issue #155: a cell's runs inside a w:sdt read as empty there, and a table inside one
    is not in document.tables; the XML walk sees both."""
    import docx

    form = WordForm(make_form(tmp_path / "f.docx", "kunshan-2021", EXAMPLES / "kunshan" / "applicant-pass.yaml"))
    cell = form.value_cell("单位名称")
    for word_run in [r for r in cell.find(q("p")) if r.tag == q("r")]:
        form.wrap_in_content_control(word_run, "unit.name")
    form.wrap_in_content_control(form.table_with("设备名称"), "equipment")
    path = form.save(tmp_path / "sdt.docx")
    seen_by_python_docx = docx.Document(str(path))
    assert seen_by_python_docx.tables[0].rows[0].cells[1].text == ""
    assert len(seen_by_python_docx.tables) == len(form.tables()) - 1
    blocks = read_body(path)
    assert any("昆山精工数控技术有限公司" in str(b.text if not isinstance(b, str) else b) for b in blocks)
    read = read_form(path, load_policy("kunshan-2021"))
    assert read.model_dump() == load_applicant(EXAMPLES / "kunshan" / "applicant-pass.yaml").model_dump()


def test_labels_typed_with_the_value_and_ticks_inserted_as_symbols_are_read(tmp_path: Path) -> None:
    source = EXAMPLES / "kunshan" / "applicant-pass.yaml"
    form = WordForm(make_form(tmp_path / "f.docx", "kunshan-2021", source))
    form.fill("单位地址", "单位地址：昆山市张浦镇德国工业园银河路88号")  # the label typed again in the value cell
    form.fill("联系人", "")
    form.type_into(form.label_cell("联系人"), "联系人：周明华")  # the value typed into the label's cell
    cell = form.value_cell("具有独立法人资格")  # Insert > Symbol > Wingdings ✓
    form.type_into(cell, "")
    tick = etree.SubElement(etree.SubElement(cell.find(q("p")), q("r")), q("sym"))
    tick.set(q("font"), "Wingdings")
    tick.set(q("char"), "F0FC")
    read = read_form(form.save(tmp_path / "申报表.docx"), load_policy("kunshan-2021"))
    assert read.model_dump() == load_applicant(source).model_dump()


def test_a_row_pasted_below_the_share_row_is_read(tmp_path: Path) -> None:
    source = EXAMPLES / "kunshan" / "applicant-pass.yaml"
    form = WordForm(make_form(tmp_path / "f.docx", "kunshan-2021", source))
    teachers = form.table_with("姓名", 1)  # 工业机器人实训
    pasted = form.copy_row(form.data_row(teachers, 1))
    form.rows(teachers)[-1].addnext(pasted)  # cut and pasted at the very end, after 占比
    form.fill_row(pasted, ["3", "韩梅"])
    read = read_form(form.save(tmp_path / "申报表.docx"), load_policy("kunshan-2021"))
    assert [t.name for t in read.projects[1].teachers] == ["陈静", "刘洋", "韩梅"]
    assert read.projects[1].teachers[2].qualification == "技师"


def test_chinese_numerals_written_out_in_full_are_read(tmp_path: Path) -> None:
    form = fill_blank(tmp_path / "申报表.docx", **{"实训场地建筑面积（平方米）": "一千二百"})
    assert read_form(form, load_policy("kunshan-2021")).site.area_m2 == 1200


# --- LibreOffice round trip (our stand-in for WPS) -----------------------------------------------------


@pytest.fixture(scope="module")
def round_tripped(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Forms saved by LibreOffice as .odt and back to .docx: two conversions shared by the tests."""
    folder = tmp_path_factory.mktemp("roundtrip")
    originals = {
        "filled": fill_blank(folder / "filled.docx"),
        "kunshan": make_form(folder / "kunshan.docx", "kunshan-2021", EXAMPLES / "kunshan" / "applicant-pass.yaml"),
        "hangzhou": make_form(folder / "hangzhou.docx", "hangzhou-2024", EXAMPLES / "hangzhou" / "applicant-xihu.yaml"),
    }
    odt = libreoffice_convert(list(originals.values()), folder / "odt", "odt")
    back = libreoffice_convert(odt, folder / "back", "docx:MS Word 2007 XML")
    return dict(zip(originals, back, strict=True))


@pytest.mark.slow
def test_a_filled_form_survives_libreoffice(round_tripped: dict[str, Path]) -> None:
    assert read_form(round_tripped["filled"], load_policy("kunshan-2021")).model_dump() == expected()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("key", "folder", "name"),
    [("kunshan", "kunshan", "applicant-pass.yaml"), ("hangzhou", "hangzhou", "applicant-xihu.yaml")],
)
def test_prefilled_forms_survive_libreoffice(round_tripped: dict[str, Path], key: str, folder: str, name: str) -> None:
    read = read_form(round_tripped[key], load_policy(POLICIES[folder]))
    assert read.model_dump() == load_applicant(EXAMPLES / folder / name).model_dump()


# --- problems: one line, the form's label and row, exit 2, nothing written ----------------------------


def import_(form: Path, tmp_path: Path, *more: str | Path) -> tuple[Any, Path]:
    out = tmp_path / "applicant.yaml"
    return run("applicant", "import", form, *more, "-o", out, "--policy", "kunshan-2021"), out


@pytest.mark.parametrize(
    ("changes", "fragments"),
    [
        (
            {"title": "高工"},
            ["申报表.docx：实训项目1 师资情况 第3行 专业技术职称：'高工' 不是 无、初级、中级、副高级、正高级 之一"],
        ),
        ({"单位名称": ""}, ["申报表.docx：单位基本情况 第1行 单位名称：未填写"]),
        (
            {"实训场地建筑面积（平方米）": "一千二"},
            ["单位基本情况 第6行 实训场地建筑面积（平方米）：'一千二' 是口语简写", "是 1200 吗？"],
        ),
        ({"teacher_name": ""}, ["申报表.docx：实训项目1 师资情况 第2行 姓名：未填写"]),
        ({"上年度取证人数": "200"}, ["单位基本情况 第8行 上年度取证人数：200 人多于上年度培训人数 180 人"]),
        ({"统一社会信用代码": CREDIT[:-1] + "4"}, ["统一社会信用代码：", "最后一位应为 3"]),
        ({"单位类型": "有限公司"}, ["单位类型：'有限公司' 不是 行业协会、生产型企业"]),
        ({"上年度培训人数": "很多"}, ["上年度培训人数：'很多' 不是数字"]),
    ],
    ids=["title", "empty-name", "colloquial-area", "row-without-name", "certified", "credit-code", "kind", "count"],
)
def test_a_mistake_is_one_line_naming_the_label_and_row(
    tmp_path: Path, changes: dict[str, str], fragments: list[str]
) -> None:
    form = fill_blank(tmp_path / "申报表.docx", **changes)
    result, out = import_(form, tmp_path)
    line = assert_one_line_error(result, *fragments)
    assert "projects" not in line and "teachers" not in line  # never a YAML key
    assert not out.exists()


def test_several_mistakes_are_counted_on_the_one_line(tmp_path: Path) -> None:
    form = fill_blank(tmp_path / "申报表.docx", title="高工", **{"单位名称": ""})  # rows 3 and its copy, 4
    result, _ = import_(form, tmp_path)
    assert_one_line_error(result, "第1行 单位名称：未填写（另有 2 处要改）")  # the first in the form's order


def test_two_values_in_one_merged_cell_that_cannot_be_split_are_named(tmp_path: Path) -> None:
    path = fill_blank(tmp_path / "f.docx")
    form = WordForm(path)
    teachers = form.table_with("姓名")
    row = form.data_row(teachers, 3)
    form.type_into(form.merge_across(row, 1, 2), "朱磊 高级工")  # one paragraph over 姓名 and 职业资格
    result, out = import_(form.save(tmp_path / "申报表.docx"), tmp_path)
    assert_one_line_error(result, "实训项目1 师资情况 第3行：姓名、职业资格 2 栏合并成了一格")
    assert not out.exists()


def test_cells_merged_down_give_each_row_its_value_or_are_named(tmp_path: Path) -> None:
    form = WordForm(fill_blank(tmp_path / "f.docx"))
    teachers = form.table_with("姓名")
    rows = [form.data_row(teachers, n) for n in (1, 2)]
    form.type_into(rows[1].findall(q("tc"))[-1], "")
    form.merge_down(rows, -1)  # 专职: one 是 for two rows, as clerks merge equal cells
    form.merge_down([form.label_cell(label).getparent() for label in ("高级工以上培训年限", "上年度培训人数")], 3)
    assert read_form(form.save(tmp_path / "down.docx"), load_policy("kunshan-2021")).model_dump() == expected()

    form = WordForm(fill_blank(tmp_path / "g.docx"))
    form.merge_down([form.label_cell(label).getparent() for label in ("上年度培训人数", "实训设备总值（元）")], 1)
    result, _ = import_(form.save(tmp_path / "申报表.docx"), tmp_path)
    assert_one_line_error(result, "单位基本情况 第8—9行：有一个单元格上下合并了（“180”）")


def test_a_form_of_another_programme_is_refused(tmp_path: Path) -> None:
    form = make_form(tmp_path / "申报表.docx", "hangzhou-2024", EXAMPLES / "hangzhou" / "applicant-pass.yaml")
    result, _ = import_(form, tmp_path)
    assert_one_line_error(result, "杭州市高技能人才公共实训基地申报表", "不是昆山市（kunshan-2021）的申报表")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "旧版 Word/WPS 格式"),
        (b"PK\x03\x04broken", "文件已损坏"),
        (b"%PDF-1.7\n", "不是 Word 文件"),
    ],
    ids=["doc", "broken-zip", "pdf"],
)
def test_files_that_are_not_a_docx_are_named(tmp_path: Path, content: bytes, fragment: str) -> None:
    form = tmp_path / "申报表.docx"
    form.write_bytes(content)
    result, _ = import_(form, tmp_path)
    assert_one_line_error(result, "申报表.docx：", fragment)


def test_hostile_docx_files_are_refused_without_expanding_them(tmp_path: Path) -> None:
    """A zip bomb (40 MB of spaces in 40 KB) and entity expansion ("billion laughs") in document.xml."""
    import zipfile

    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", "<a>" + " " * 40_000_000 + "</a>")
    with pytest.raises(BadInputError, match="正文展开后超过 30 MB"):
        read_body(bomb)
    levels = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
    laughs = tmp_path / "laughs.docx"
    with zipfile.ZipFile(laughs, "w") as zf:
        zf.writestr(
            "word/document.xml",
            f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY l0 "lol">{levels}]>'
            f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&l9;</w:t></w:r></w:p></w:body></w:document>',
        )
    with pytest.raises(BadInputError, match=r"laughs\.docx：文件已损坏"):
        read_body(laughs)


def test_a_document_that_is_not_the_form_is_named(tmp_path: Path) -> None:
    notice = tmp_path / "notice.docx"
    assert run("make", "notice", EXAMPLES / "kunshan" / "doc-notice.yaml", "-o", notice).exit_code == 0
    with pytest.raises(BadInputError, match="找不到写有“单位名称”的表格"):
        read_form(notice, load_policy("kunshan-2021"))


def test_a_deleted_required_row_is_named(tmp_path: Path) -> None:
    form = WordForm(make_form(tmp_path / "f.docx", "kunshan-2021", EXAMPLES / "kunshan" / "applicant-pass.yaml"))
    form.delete_row(form.label_cell("联系人").getparent())
    with pytest.raises(BadInputError, match="单位基本情况：找不到“联系人”一栏"):
        read_form(form.save(tmp_path / "申报表.docx"), load_policy("kunshan-2021"))


# --- the command -----------------------------------------------------------------------------------------


def test_import_writes_the_applicant_file_docgen_reads(tmp_path: Path) -> None:
    source = EXAMPLES / "kunshan" / "applicant-teachers.yaml"
    form = make_form(tmp_path / "申报表.docx", "kunshan-2021", source)
    result, out = import_(form, tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "2 project(s)" in result.output
    assert load_applicant(out).model_dump() == load_applicant(source).model_dump()
    assert out.read_text(encoding="utf-8").startswith("# 申报单位信息：")
    checked = run("check", out, "--policy", "kunshan-2021")
    assert checked.exit_code == 1 and "焊接实训: 1 of 3" in checked.output  # the example's failing share


def test_import_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    form = make_form(tmp_path / "申报表.docx", "kunshan-2021", EXAMPLES / "kunshan" / "applicant-pass.yaml")
    out = tmp_path / "applicant.yaml"
    out.write_text("keep me", encoding="utf-8")
    assert_one_line_error(import_(form, tmp_path)[0], "already exists; pass --force")
    assert out.read_text(encoding="utf-8") == "keep me"
    assert import_(form, tmp_path, "--force")[0].exit_code == 0
    assert load_applicant(out).name == "昆山精工数控技术有限公司"
