"""Each file to one of the programme's evidence types by its folder and file names, with the reason; the
filled form and the spreadsheets marked for the reader that takes their data; a package's plan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docgen.intake import FORM, LIST, UNSORTED, PackageRefused, Sorter, plan_package
from docgen.policy_registry import load_policy
from tests.intake.makers import gbk_zip, jpeg_bytes, pdf_bytes, rar4, zip_of

KUNSHAN = load_policy("kunshan-2021")
HANGZHOU = load_policy("hangzhou-2024")


@pytest.mark.parametrize(
    ("inside", "kind", "category", "evidence_type", "reason"),
    [
        ("师资/张三-高级技师证书.jpg", "jpeg", "teacher_certificates", "teacher_certificates", "文件名含“"),
        ("4.师资资质证明/IMG_0002.jpg", "jpeg", "teacher_certificates", "teacher_certificates",
         "文件夹名“4.师资资质证明”含“师资资质证明”"),
        ("师资/IMG_0003.jpg", "jpeg", "teacher_certificates", "teacher_certificates", "文件夹名“师资”含“师资”"),
        ("设备清单.xlsx", "xlsx", LIST, "equipment_list", "Excel 表格：清单或名册；文件名含“设备清单”"),
        ("营业执照.pdf", "pdf", "business_licence", "business_licence", "文件名含“营业执照”"),
        ("场地/租赁合同.pdf", "pdf", "site_documents", "site_documents", "文件名含“租赁”"),
        ("消防验收意见书.heif", "heif", "site_documents", "site_documents", "文件名含“消防”"),
        ("规章制度汇编.docx", "docx", "management_rules", "management_rules", "文件名含“规章制度”"),
        ("申报表.docx", "docx", FORM, "application_form", "文件名含“申报表”，Word 文档：填写的申报表"),
        ("1.申报表/昆山精工数控.doc", "doc", FORM, "application_form", "文件夹名“1.申报表”含“申报表”"),
        ("申报表（盖章扫描件）.pdf", "pdf", "application_form", "application_form", "文件名含“申报表”"),
        ("申报汇总表.xlsx", "xlsx", LIST, None, "Excel 表格：清单或名册"),
        ("其他/IMG_0001.JPG", "jpeg", UNSORTED, None, "文件名和文件夹名都不含归类用的词：请人工归类"),
        ("其他材料/说明.pdf", "pdf", UNSORTED, None, "请人工归类"),
    ],
)  # fmt: skip
def test_sorting_by_names(inside: str, kind: str, category: str, evidence_type: str | None, reason: str) -> None:
    sorted_ = Sorter(KUNSHAN).by_name(inside, kind)
    assert (sorted_.category, sorted_.evidence_type) == (category, evidence_type)
    assert reason in sorted_.reason


def test_the_file_name_comes_before_its_folder_and_the_programme_decides_the_types() -> None:
    assert Sorter(KUNSHAN).by_name("师资/营业执照.pdf", "pdf").category == "business_licence"
    # 劳动合同 is 专职管理人员和师资基本情况 in Hangzhou; Kunshan has no such type and the folder decides
    assert Sorter(HANGZHOU).by_name("师资/劳动合同-张三.pdf", "pdf").category == "staff_documents"
    assert Sorter(KUNSHAN).by_name("师资/劳动合同-张三.pdf", "pdf").category == "teacher_certificates"
    # a name from the programme's own list of materials
    assert Sorter(HANGZHOU).by_name("内部相关管理制度.pdf", "pdf").category == "management_rules"


def test_by_text_after_ocr() -> None:
    sorter = Sorter(KUNSHAN)
    licence = "营业执照\n统一社会信用代码 91320583MA1KJ88011\n名称 昆山精工数控技术有限公司\n法定代表人 王建国"
    found = sorter.by_text(licence, page=1)
    assert found is not None and found.category == "business_licence"
    assert found.reason == "第1页文字含“营业执照”“统一社会信用代码”“法定代表人”"
    assert sorter.by_text("会议纪要") is None, "one word or none: it does not tell"
    unsorted_photo = sorter.sort("其他/IMG_0001.JPG", "jpeg", pages=["", licence])
    assert unsorted_photo.category == "business_licence" and unsorted_photo.reason.startswith("第2页")
    named = sorter.sort("师资/张三.jpg", "jpeg", pages=[licence])
    assert named.category == "teacher_certificates", "a name that sorts is not overruled by the text"


def test_the_keyword_table_names_only_types_some_programme_has() -> None:
    from docgen.intake import NAME_KEYWORDS, TEXT_KEYWORDS

    known = {t.id for p in (KUNSHAN, HANGZHOU) for t in p.evidence_types}
    assert set(NAME_KEYWORDS) <= known and set(TEXT_KEYWORDS) <= known


# --- the plan -----------------------------------------------------------------------------------


@pytest.fixture
def package(tmp_path: Path) -> Path:
    jpeg, pdf = jpeg_bytes(), pdf_bytes()
    inner = rar4(tmp_path / "证书.rar", {"李四-技师证书.pdf": pdf})
    return gbk_zip(
        tmp_path / "昆山精工-申报材料.zip",
        {
            "1.申报表/申报表.docx": zip_of(
                tmp_path / "f.docx", [("[Content_Types].xml", b"wordprocessingml"), ("word/document.xml", b"<w/>")]
            ).read_bytes(),
            "师资/张三-高级技师证书.jpg": jpeg,
            "师资/李四证书.rar": inner.read_bytes(),
            "营业执照.pdf": pdf,
            "电子营业执照.ofd": zip_of(tmp_path / "e.ofd", [("OFD.xml", b"<ofd/>")]).read_bytes(),
            "其他/IMG_0001.JPG": jpeg,
            "其他/备注.txt": "备注".encode(),
            "__MACOSX/._营业执照.pdf": b"",
        },
    )


def test_a_package_planned_with_a_reason_for_each_file(package: Path) -> None:
    plan = plan_package(package, KUNSHAN)
    placed = {f.inside: (f.category, f.evidence_type) for f in plan.files}
    assert placed == {
        "1.申报表/申报表.docx": (FORM, "application_form"),
        "师资/张三-高级技师证书.jpg": ("teacher_certificates", "teacher_certificates"),
        "师资/李四证书.rar/李四-技师证书.pdf": ("teacher_certificates", "teacher_certificates"),
        "营业执照.pdf": ("business_licence", "business_licence"),
        "其他/IMG_0001.JPG": (UNSORTED, None),
    }
    refused = {r.inside: r.reason for r in plan.refused}
    assert set(refused) == {"电子营业执照.ofd", "其他/备注.txt"}
    assert (
        refused["电子营业执照.ofd"].startswith("an OFD file (电子证照/电子发票)")
        and "数科" in refused["电子营业执照.ofd"]
    )
    assert refused["其他/备注.txt"] == (
        "unsupported type .txt; supported: PDF, JPEG, PNG, TIFF, HEIC, WebP, BMP, Word/WPS (.docx .doc .wps .odt), "
        "Excel/WPS (.xlsx .xls .et .ods)"
    )
    assert plan.skipped == [("__MACOSX", "macOS 压缩时附带的文件")]
    assert not any(f.path.exists() for f in plan.files), "a plan keeps nothing"


def test_the_plan_as_json_and_as_chinese_text(package: Path) -> None:
    plan = plan_package(package, KUNSHAN)
    data = json.loads(json.dumps(plan.to_json(), ensure_ascii=False))
    assert data["package"] == "昆山精工-申报材料.zip" and data["policy"] == "kunshan-2021"
    assert data["counts"] == {
        "files": 5,
        "refused": 2,
        "skipped": 1,
        FORM: 1,
        "teacher_certificates": 2,
        "business_licence": 1,
        UNSORTED: 1,
    }
    first = data["files"][0]
    assert first["category_name"] == "申报表（填写的表单）" and first["kind"] == "docx"
    assert "path" not in first
    text = plan.to_text()
    assert text.splitlines()[:2] == [
        "材料包：昆山精工-申报材料.zip",
        "共 7 个文件：可归档 5 个，不能归档 2 个；另有 1 项系统文件已跳过",
    ]
    assert "师资资质证明（teacher_certificates）：2 个" in text
    assert "  师资/张三-高级技师证书.jpg　—　文件名含“" in text
    assert "未归类：1 个\n  其他/IMG_0001.JPG　—　文件名和文件夹名都不含归类用的词：请人工归类" in text
    refused_lines = [line for line in text.splitlines() if line.startswith("  电子营业执照.ofd")]
    assert len(refused_lines) == 1 and "数科" in refused_lines[0]


def test_a_refused_package_is_one_line_and_no_plan(tmp_path: Path) -> None:
    evil = zip_of(tmp_path / "evil.zip", [("../营业执照.pdf", b"%PDF-1.4")])
    with pytest.raises(PackageRefused, match=r"^evil\.zip: \.\./营业执照\.pdf: a path that leads out of the package"):
        plan_package(evil, KUNSHAN)
