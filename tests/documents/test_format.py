"""GB/T 9704-2012 geometry, fonts and numbering, read back from the generated .docx."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from docgen.documents import gbt9704
from tests.documents.helpers import make, read

TWIPS_PER_MM = 1440 / 25.4


def notice(tmp_path: Path):  # type: ignore[no-untyped-def]
    return read(make("notice", "kunshan/doc-notice.yaml", tmp_path / "n.docx"))


def test_a4_and_margins(tmp_path: Path) -> None:
    section = notice(tmp_path).sections[0]

    def mm(length: int | None) -> float:
        return round(Mm(0).mm + (length or 0) / 36000, 1)  # EMU -> mm

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (37, 35)
    assert (mm(section.left_margin), mm(section.right_margin)) == (28, 26)


def test_22_lines_of_28_characters(tmp_path: Path) -> None:
    doc = notice(tmp_path)
    grid = doc.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines"
    pitch = int(grid.get(qn("w:linePitch")))
    area_height = (297 - 37 - 35) * TWIPS_PER_MM
    assert int(area_height // pitch) == 22
    normal = doc.styles["Normal"]
    spacing = normal.element.rPr.find(qn("w:spacing"))
    char_twips = 16 * 20 + int(spacing.get(qn("w:val")))
    assert int(156 * TWIPS_PER_MM // char_twips) == 28
    line = normal.element.pPr.find(qn("w:spacing"))
    assert line.get(qn("w:lineRule")) == "exact" and int(line.get(qn("w:line"))) == pitch


def _fonts(style) -> tuple[str | None, float | None]:  # type: ignore[no-untyped-def]
    fonts = style.element.rPr.find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia")), style.font.size.pt if style.font.size else None


def test_fonts_sizes_and_language(tmp_path: Path) -> None:
    doc = notice(tmp_path)
    assert _fonts(doc.styles["GW Body"]) == ("仿宋_GB2312", 16)
    assert _fonts(doc.styles["GW Title"]) == ("方正小标宋简体", 22)
    assert _fonts(doc.styles["GW Heading 1"]) == ("黑体", 16)
    assert _fonts(doc.styles["GW Heading 2"]) == ("楷体_GB2312", 16)
    assert _fonts(doc.styles["GW Heading 3"]) == ("仿宋_GB2312", 16)
    assert _fonts(doc.styles["GW Page Number"]) == ("宋体", 14)
    issuer = doc.styles["GW Issuer"]
    assert _fonts(issuer)[0] == "方正小标宋简体" and str(issuer.font.color.rgb) == "FF0000"
    lang = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:eastAsia")) == "zh-CN"
    # no theme font may override the named ones
    assert "asciiTheme" not in doc.styles.element.xml.split("</w:docDefaults>")[0]


def test_body_first_line_indented_two_characters(tmp_path: Path) -> None:
    ind = notice(tmp_path).styles["GW Body"].element.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200" and int(ind.get(qn("w:firstLine"))) == 2 * gbt9704.CHAR_TWIPS


def test_red_separator_below_the_doc_number(tmp_path: Path) -> None:
    doc = notice(tmp_path)
    number = next(p for p in doc.paragraphs if p.style.name == "GW Doc Number")
    bottom = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:color")) == "FF0000" and bottom.get(qn("w:space")) == "11"  # 4 mm ≈ 11 pt


def test_page_numbers_odd_right_even_left(tmp_path: Path) -> None:
    doc = notice(tmp_path)
    assert doc.settings.odd_and_even_pages_header_footer
    section = doc.sections[0]
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        p = footer.paragraphs[0]
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert 'w:instr="PAGE"' in p._p.xml
        assert p.alignment is not None and p.alignment.name.lower() == side
        assert p._p.pPr.find(qn("w:ind")).get(qn(f"w:{side}Chars")) == "100"


def test_signature_centred_over_a_date_four_characters_in(tmp_path: Path) -> None:
    doc = notice(tmp_path)
    sig = next(p for p in doc.paragraphs if p.style.name == "GW Signature")
    date = next(p for p in doc.paragraphs if p.style.name == "GW Date")
    assert date._p.pPr.find(qn("w:ind")).get(qn("w:rightChars")) == "400"
    # 昆山市人力资源和社会保障局 is 13 characters, 2021年11月26日 is 7: centred -> 4 - 3 = 1 character
    assert sig._p.pPr.find(qn("w:ind")).get(qn("w:rightChars")) == "100"


def test_issuer_mark_shrinks_to_one_line(tmp_path: Path) -> None:
    doc = notice(tmp_path)
    issuer = next(p for p in doc.paragraphs if p.style.name == "GW Issuer")
    size = issuer.runs[0].font.size or doc.styles["GW Issuer"].font.size
    assert size * 15 <= Pt(442)  # 昆山市人力资源和社会保障局文件: 15 characters


def _tables(xml: str) -> list[str]:
    return re.findall(r"<w:tbl>.*?</w:tbl>", xml, re.DOTALL)


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("notice", "kunshan/doc-notice.yaml"),
        ("summary", "kunshan/doc-summary.yaml"),
        ("publicity", "hangzhou/doc-publicity.yaml"),
        ("confirmation", "kunshan/doc-confirmation.yaml"),
        ("assessment", "hangzhou/doc-assessment.yaml"),
        ("revocation", "kunshan/doc-revocation.yaml"),
        ("form", "kunshan/applicant-pass.yaml"),
    ],
)
def test_tables_cells_and_properties_agree_with_what_word_reads(tmp_path: Path, kind: str, data: str) -> None:
    """Word sizes columns from each cell's tcW, LibreOffice from tblGrid: they agree; a table's
    properties name each setting once; the document names its title and its bureau, not python-docx
    or the Word that made python-docx's template; the theme's East Asian language is zh-CN."""
    extra = ["--policy", "kunshan-2021"] if kind == "form" else []
    path = make(kind, data, tmp_path / f"{kind}.docx", *extra)
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")}
    for name, xml in parts.items():
        for table in _tables(xml):
            props = re.search(r"<w:tblPr>(.*?)</w:tblPr>", table, re.DOTALL)
            assert props is not None
            flat = re.sub(r"<w:(tblBorders|tblCellMar)>.*?</w:\1>", r"<w:\1/>", props.group(1), flags=re.DOTALL)
            tags = re.findall(r"<w:(\w+)[ />]", flat)
            assert len(tags) == len(set(tags)), (name, tags)
            grid = [int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"/>', table)]
            for row in re.findall(r"<w:tr[ >].*?</w:tr>", table, re.DOTALL):
                col = 0
                for cell in re.findall(r"<w:tc>.*?</w:tc>", row, re.DOTALL):
                    span = int(m.group(1)) if (m := re.search(r'<w:gridSpan w:val="(\d+)"/>', cell)) else 1
                    width = re.search(r'<w:tcW [^>]*w:w="(\d+)"', cell)
                    assert width is not None and int(width.group(1)) == sum(grid[col : col + span]), (name, kind)
                    col += span
    core, app = parts["docProps/core.xml"], parts["docProps/app.xml"]
    authority = "杭州市人力资源和社会保障局" if data.startswith("hangzhou") else "昆山市人力资源和社会保障局"
    assert (
        f"<dc:creator>{authority}</dc:creator>" in core
        and f"<cp:lastModifiedBy>{authority}</cp:lastModifiedBy>" in core
    )
    title = re.search(r"<dc:title>([^<]+)</dc:title>", core)
    assert title is not None and "\n" not in title.group(1)
    assert "python-docx" not in core and "Microsoft" not in app
    assert 'w:eastAsia="zh-CN"' in re.search(r"<w:themeFontLang[^>]*>", parts["word/settings.xml"]).group(0)  # type: ignore[union-attr]
