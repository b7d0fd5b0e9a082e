"""Every kind of document for both programmes, exported to PDF by LibreOffice and looked at page by
page: no page holding only the signature or the date, table headers on every page, titles broken
at meaningful points, nothing outside the type area, body lines on the 22-line grid."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import docx
import pytest
import yaml

from docgen.documents.pagecheck import check_pages, latin_words, read_pages
from docgen.tools.soffice import convert_to_pdf, fontconfig_file, soffice_path
from tests.conftest import EXAMPLES, assert_one_line_error, run, write_yaml
from tests.documents.helpers import all_text, make, read

pytestmark = pytest.mark.slow
OFFICIAL = ("申报通知", "公示", "认定通知", "考核结果", "撤销通知")


def header_of(pdf: Path) -> str | None:
    """The text every page of the document's table must repeat, where it has a multi-page table."""
    return "序号" if any(word in pdf.name for word in ("汇总表", "公示", "认定通知")) else None


@pytest.fixture(scope="module")
def sample_year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pages") / "sample"
    done = run("demo", root, "--no-scans")
    assert done.exit_code == 0, done.output
    return root


def test_every_kind_of_both_programmes_passes_the_page_checks(sample_year: Path) -> None:
    pdfs = sorted(sample_year.rglob("output/**/*.pdf"))
    kinds = {p.stem.split("-")[0] for p in pdfs}
    assert {"申报通知", "附件", "申报表", "申报汇总表", "公示", "认定通知", "考核结果", "撤销通知"} <= kinds, kinds
    problems = []
    for pdf in pdfs:
        official = pdf.stem.startswith(OFFICIAL)
        plaque = pdf.parent.name == "铭牌"
        problems += check_pages(pdf, table_header=header_of(pdf), body_grid=official, plaque=plaque)
    assert problems == []


def page_texts(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return ["".join(page.split()) for page in out.split("\f")[:-1]]


def test_every_document_with_a_document_number_ends_with_its_colophon(sample_year: Path, tmp_path: Path) -> None:
    """The 版记 (印发机关, 印发日期 印发; 抄送 where given) on the last page of every 文件 of both
    programmes, in the PDF, on a page without a page number."""
    files = [
        p
        for p in sorted(sample_year.rglob("output/**/*.pdf"))
        if p.stem.startswith(("申报通知", "认定通知", "考核结果", "撤销通知"))
    ]
    assert len(files) >= 8
    for pdf in files:
        pages = page_texts(pdf)
        assert re.search(r"人力资源和社会保障局\d{4}年\d{1,2}月\d{1,2}日印发$", pages[-1]), (pdf.name, pages[-1])
        assert not re.search(r"—\d+—", pages[-1]), pdf.name
        assert re.search(r"—\d+—", pages[-2]), pdf.name  # the body's pages keep theirs
    make("revocation", "kunshan/doc-revocation.yaml", tmp_path / "撤销通知.docx", "--pdf")
    last = page_texts(tmp_path / "撤销通知.pdf")[-1]
    assert last == "抄送：昆山市财政局。昆山市人力资源和社会保障局2023年4月18日印发"
    assert check_pages(tmp_path / "撤销通知.pdf") == []
    # saved as .odt by LibreOffice and printed from there, the 版记 stays where it was
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                *(soffice_path(), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "odt"),
                *("--outdir", str(tmp_path / "odt"), str(tmp_path / "撤销通知.docx")),
            ],
            check=True,
            capture_output=True,
            timeout=180,
            env=dict(os.environ, FONTCONFIG_FILE=str(fontconfig_file()), HOME=profile),
        )
    (again,) = convert_to_pdf([tmp_path / "odt" / "撤销通知.odt"], tmp_path / "from-odt")
    assert page_texts(again)[-1] == last
    assert check_pages(again) == []


def test_plaques_are_one_landscape_page_without_a_page_number(sample_year: Path, tmp_path: Path) -> None:
    plaques = sorted(sample_year.rglob("output/**/铭牌/*.pdf"))
    assert {p.parts[-6] for p in plaques} == {"hangzhou-2024", "kunshan-2021"}
    source = yaml.safe_load((EXAMPLES / "kunshan" / "applicant-pass.yaml").read_text(encoding="utf-8"))
    write_yaml(tmp_path / "long.yaml", {**source, "name": "昆山开发区精密智能制造装备职业技能培训中心有限责任公司"})
    data = yaml.safe_load((EXAMPLES / "kunshan" / "doc-plaque.yaml").read_text(encoding="utf-8"))
    path = write_yaml(tmp_path / "plaque.yaml", {**data, "bases": [{"applicant": "long.yaml"}]})
    make("plaque", path, tmp_path / "long.docx", "--pdf")  # a 42-character base name
    for pdf in [*plaques, tmp_path / "long.pdf"]:
        pages = page_texts(pdf)
        assert len(pages) == 1 and not re.search(r"—\d+—", pages[0]), (pdf.name, pages)
        assert check_pages(pdf, body_grid=False, plaque=True) == []
    lines = [line.text.replace(" ", "") for line in read_pages(tmp_path / "long.pdf")[0].lines]
    assert "（昆山开发区精密智能制造装备职业技能培训中心有限责任公司）" in lines  # broken before its bracket
    kunshan = next(p for p in plaques if "kunshan" in str(p))
    assert "（昆山精工数控技术有限公司）" in [line.text.replace(" ", "") for line in read_pages(kunshan)[0].lines]


def test_no_english_word_in_any_document_of_either_programme(sample_year: Path) -> None:
    """Every document the demo makes for both programmes (notices, forms, summaries, publicity,
    confirmations, plaques, assessment results on points and on the yearly duty, revocations):
    no English word in the text a clerk sees, in the .docx or in its PDF (codes, model numbers,
    e-mail addresses and abbreviations like CNC are not words)."""
    pdfs = sorted(sample_year.rglob("output/**/*.pdf"))
    assert {p.parts[-5] for p in pdfs if p.stem.startswith("考核结果")} == {"hangzhou-2024", "kunshan-2021"}
    english = {}
    for pdf in pdfs:
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        docx_text = all_text(read(pdf.with_suffix(".docx")))
        if words := latin_words(text) + latin_words(docx_text):
            english[pdf.name] = words
    assert english == {}


def applicants(folder: Path, count: int) -> list[dict[str, str]]:
    """`count` applicant files made from the example, each its own unit."""
    source = yaml.safe_load((EXAMPLES / "kunshan" / "applicant-pass.yaml").read_text(encoding="utf-8"))
    refs = []
    for n in range(count):
        name = f"昆山第{n + 1}精密制造职业技能培训有限公司" if n % 3 else f"昆山{n + 1}号实训中心"
        write_yaml(folder / f"a{n}.yaml", {**source, "name": name})
        refs.append({"applicant": f"a{n}.yaml"})
    return refs


def test_a_25_applicant_summary_table_repeats_its_header_and_keeps_its_total(tmp_path: Path) -> None:
    refs = [{**ref, "opinion": "同意推荐：材料齐全，设备、师资、场地符合申报条件"} for ref in applicants(tmp_path, 25)]
    data = write_yaml(
        tmp_path / "summary.yaml",
        {"policy": "kunshan-2021", "year": 2021, "filled_by": "昆山市人力资源和社会保障局", "applicants": refs},
    )
    make("summary", data, tmp_path / "汇总表.docx", "--pdf")
    pdf = tmp_path / "汇总表.pdf"
    pages = read_pages(pdf)
    assert len(pages) >= 3
    assert check_pages(pdf, table_header="序号", body_grid=False) == []
    last = [line.text.replace(" ", "") for line in pages[-1].content()]
    assert any(t.startswith("合计") for t in last) and any(t[:2].isdigit() or t[:1].isdigit() for t in last)


def test_a_12_base_confirmation_notice(tmp_path: Path) -> None:
    data = yaml.safe_load((EXAMPLES / "kunshan" / "doc-confirmation.yaml").read_text(encoding="utf-8"))
    data["bases"] = applicants(tmp_path, 12)
    path = write_yaml(tmp_path / "confirmation.yaml", data)
    make("confirmation", path, tmp_path / "认定通知.docx", "--pdf")
    assert check_pages(tmp_path / "认定通知.pdf", table_header="序号") == []


@pytest.mark.parametrize("candidates", range(1, 13))
def test_the_date_never_stands_alone_whatever_the_length_of_the_publicity(tmp_path: Path, candidates: int) -> None:
    """From one candidate to twelve, the body ends at every height of the page: one of them ends at
    the foot of page 1, where the date used to be stranded on page 2."""
    data = yaml.safe_load((EXAMPLES / "kunshan" / "doc-publicity.yaml").read_text(encoding="utf-8"))
    data["candidates"] = applicants(tmp_path, candidates)
    path = write_yaml(tmp_path / "publicity.yaml", data)
    make("publicity", path, tmp_path / "公示.docx", "--pdf")
    pages = read_pages(tmp_path / "公示.pdf")
    assert check_pages(tmp_path / "公示.pdf", table_header="序号") == []
    last = pages[-1].content()
    assert len(last) >= 4, [line.text for line in last]  # two body lines at least, the signature, the date


def test_a_long_title_breaks_at_meaningful_points_and_a_too_long_one_is_refused(tmp_path: Path) -> None:
    data = yaml.safe_load((EXAMPLES / "hangzhou" / "doc-assessment.yaml").read_text(encoding="utf-8"))
    data["title"] = "关于公布杭州市公共实训基地西湖分基地2026-2027年度考核评估结果及后续整改工作安排的通知"
    path = write_yaml(tmp_path / "assessment.yaml", data)
    shutil.copy(EXAMPLES / "hangzhou" / "assessment-good.yaml", tmp_path / "assessment-good.yaml")
    make("assessment", path, tmp_path / "考核.docx", "--pdf")
    title = [p.text for p in docx.Document(str(tmp_path / "考核.docx")).paragraphs if p.style.name == "GW Title"]
    lines = title[0].split("\n")
    assert 2 <= len(lines) <= 3 and all("2026-2027" not in line[:-1] or "2026-2027" in line for line in lines)
    assert not any(line.endswith(("2026", "2026-", "西湖", "西湖分")) for line in lines), lines
    assert check_pages(tmp_path / "考核.pdf") == []
    data["title"] = "关于" + "杭州市公共实训基地西湖分基地" * 5 + "考核结果的通知"
    write_yaml(path, data)
    refused = run("make", "assessment", path, "-o", tmp_path / "x.docx")
    assert_one_line_error(refused, "title", "does not fit 3 lines")


def document(
    tmp_path: Path,
    name: str,
    paragraphs: list[tuple[str, int]],
    break_before: int | None = None,
    landscape: bool = False,
) -> Path:
    """A plain A4 document with GB/T 9704 margins: (text, size in pt) per paragraph."""
    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = docx.shared.Mm(210), docx.shared.Mm(297)
    section.top_margin, section.bottom_margin = docx.shared.Mm(37), docx.shared.Mm(35)
    section.left_margin, section.right_margin = docx.shared.Mm(28), docx.shared.Mm(26)
    if landscape:  # the portrait page turned
        section.page_width, section.page_height = section.page_height, section.page_width
        section.top_margin, section.bottom_margin = docx.shared.Mm(28), docx.shared.Mm(26)
        section.left_margin, section.right_margin = docx.shared.Mm(37), docx.shared.Mm(35)
    for number, (text, size) in enumerate(paragraphs):
        paragraph = doc.add_paragraph()
        if number == break_before:
            paragraph.paragraph_format.page_break_before = True
        paragraph.add_run(text).font.size = docx.shared.Pt(size)
        if text.startswith("出格"):  # pushed into the left margin
            paragraph.paragraph_format.left_indent = docx.shared.Mm(-15)
        paragraph.alignment = 2 if text.endswith(("局", "日")) else 0
    path = tmp_path / f"{name}.docx"
    doc.save(str(path))
    (pdf,) = convert_to_pdf([path], tmp_path / "pdf")
    return pdf


def test_the_page_checks_catch_what_they_look_for(tmp_path: Path) -> None:
    """The checker against documents that have each fault: a test of the test."""
    stranded = document(
        tmp_path,
        "stranded",
        [("根据有关规定，现将有关事项通知如下。", 16), ("昆山市人力资源和社会保障局", 16), ("2022年1月12日", 16)],
        break_before=1,
    )
    assert any("holds only the signature or the date" in p for p in check_pages(stranded, body_grid=False))
    split = document(tmp_path, "split", [("关于公布杭州市公共实训基地西湖分基地2026-", 22), ("2027考核结果的通知", 22)])
    assert any("ends inside a number" in p for p in check_pages(split, body_grid=False))
    table = document(tmp_path, "table", [("序号 单位名称", 12), ("1 甲单位", 12), ("2 乙单位", 12)], break_before=2)
    assert any("without the header row" in p for p in check_pages(table, table_header="序号", body_grid=False))
    wide = document(tmp_path, "wide", [("出格的一行字", 16)])
    assert any("outside the type area" in p for p in check_pages(wide, body_grid=False))
    english = document(tmp_path, "english", [("取得证书人数占培训人数比例：87 of 140 = 62.1% < 70%", 16)])
    assert any("English words (of)" in p for p in check_pages(english, body_grid=False))
    number = ("昆人社发〔2023〕35号", 16)
    lost = document(tmp_path, "lost", [number, ("根据有关规定，现将有关事项通知如下。", 16)])
    assert any("the last page has no 版记" in p for p in check_pages(lost, body_grid=False))
    colophon = ("昆山市人力资源和社会保障局 2023年4月18日印发", 14)
    high = document(tmp_path, "high", [number, colophon, ("— 1 —", 14)])
    found = check_pages(high, body_grid=False)
    assert any("the 版记 is not on the type area's foot" in p for p in found)
    assert any("the 版记 page carries a page number" in p for p in found)
    plaque = [("昆山市高技能人才公共实训基地", 40), ("昆山市人力资源和社会保障局", 22)]
    two = document(tmp_path, "two", [*plaque, ("— 1 —", 14)], break_before=1, landscape=True)
    found = check_pages(two, body_grid=False, plaque=True)
    assert any("a plaque on 2 pages, not one" in p for p in found)
    assert any("page 2: a page number on a plaque" in p for p in found)
    assert check_pages(document(tmp_path, "one", plaque, landscape=True), body_grid=False, plaque=True) == []
    codes = document(tmp_path, "codes", [("CNC数控车床CK6150，91320583MA1KJ88011，rsj_zczy@ks.gov.cn", 16)])
    assert check_pages(codes, body_grid=False) == []


def test_a_pdf_without_text_is_not_passed_as_checked(tmp_path: Path) -> None:
    blank = document(tmp_path, "blank", [("", 16)])
    assert check_pages(blank) == ["blank.pdf: no text on any page (a scan?): nothing could be checked"]
