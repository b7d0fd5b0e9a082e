"""GB/T 9704-2012 (党政机关公文格式) page, grid, styles and blocks for building .docx templates.

Numbers from the standard: A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (type
area 156 x 225 mm); body 3号 (16 pt) 仿宋 on 22 lines of 28 characters. 225 mm / 22 and
156 mm / 28 do not divide evenly: lines come from a line grid (pitch 28.95 pt, not a fixed 28 pt
spacing) and characters from a -0.25 pt character spacing (pitch 15.75 pt, 28 to a line).
A character grid (linesAndChars) would do the same in Word, but LibreOffice gives every 16 pt
character two cells of a 15.79 pt grid and spreads the text out, so it is not used.

Fonts are named as government Word/WPS machines have them, with the East Asian language zh-CN;
fontconfig maps them to Noto CJK SC where they are missing (see docgen/fonts/fonts.conf).
Paragraph styles are named 'GW ...' so a clerk editing a template in Word sees what each is.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from docx import Document as new_docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
RED = RGBColor(0xFF, 0x00, 0x00)

BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
PAGE_NUMBER_PT = 14  # 4号
TABLE_PT = 12  # 小四
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
TYPE_AREA_MM = (156, 225)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
PAGE_NUMBER_GAP_MM = 7  # page number 7 mm below the type area

MM_TO_PT = 72 / 25.4
LINE_PITCH_TWIPS = int(TYPE_AREA_MM[1] * MM_TO_PT / LINES_PER_PAGE * 20)  # 579
# condense each character so that 28 fit the 156 mm line: 16 pt - 0.25 pt = 15.75 pt (in 1/20 pt)
CHARACTER_SPACING = -5
CHAR_TWIPS = BODY_PT * 20 + CHARACTER_SPACING  # one body character, in twips (315)

STYLES: dict[str, dict[str, object]] = {
    # name: font, size, alignment, first-line indent in characters (x100), extras
    "GW Body": {"font": FANGSONG, "size": BODY_PT, "align": "both", "first_line_chars": 200},
    "GW Issuer": {"font": XIAOBIAOSONG, "size": 30, "align": "center", "color": RED, "grid": False},
    "GW Doc Number": {"font": FANGSONG, "size": BODY_PT, "align": "center"},
    "GW Title": {"font": XIAOBIAOSONG, "size": TITLE_PT, "align": "center"},
    "GW Recipients": {"font": FANGSONG, "size": BODY_PT, "align": "left"},
    "GW Heading 1": {"font": HEITI, "size": BODY_PT, "align": "both", "first_line_chars": 200},
    "GW Heading 2": {"font": KAITI, "size": BODY_PT, "align": "both", "first_line_chars": 200},
    "GW Heading 3": {"font": FANGSONG, "size": BODY_PT, "align": "both", "first_line_chars": 200},
    "GW Attachments": {
        "font": FANGSONG,
        "size": BODY_PT,
        "align": "left",
        "left_chars": 500,
        "hanging_chars": 300,
    },
    "GW Attachments More": {"font": FANGSONG, "size": BODY_PT, "align": "left", "left_chars": 500},
    "GW Signature": {"font": FANGSONG, "size": BODY_PT, "align": "right", "right_indent": True},
    "GW Date": {"font": FANGSONG, "size": BODY_PT, "align": "right", "right_indent": True},
    "GW Annex Label": {"font": HEITI, "size": BODY_PT, "align": "left"},
    "GW Table": {"font": FANGSONG, "size": TABLE_PT, "align": "center", "grid": False},
    "GW Table Left": {"font": FANGSONG, "size": TABLE_PT, "align": "left", "grid": False},
    "GW Table Heading": {"font": HEITI, "size": TABLE_PT, "align": "center", "grid": False},
    "GW Colophon": {"font": FANGSONG, "size": 14, "align": "left", "grid": False},
    "GW Page Number": {"font": SONGTI, "size": PAGE_NUMBER_PT, "align": "right", "grid": False},
    "GW Plaque": {"font": XIAOBIAOSONG, "size": 40, "align": "center", "grid": False},
    "GW Plaque Name": {"font": XIAOBIAOSONG, "size": 36, "align": "center", "grid": False},
    "GW Plaque Small": {"font": FANGSONG, "size": 22, "align": "center", "grid": False},
}

_ALIGN = {
    "both": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}


def set_run_fonts(rpr_parent: object, east_asia: str, latin: str | None = None) -> None:
    """Name the East Asian and Latin fonts explicitly (theme fonts would override them)."""
    rpr = rpr_parent.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    latin = latin or east_asia
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), latin)


def new_document(*, landscape: bool = False, page_numbers: bool = True) -> Document:
    """An empty document with GB/T 9704 page set-up, grid, language, styles and (but on a plaque)
    page numbers."""
    doc = new_docx()
    _page_setup(doc, landscape=landscape)
    _defaults(doc)
    for name, spec in STYLES.items():
        _add_style(doc, name, spec)
    if page_numbers:
        _page_numbers(doc)
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    return doc


def _page_setup(doc: Document, *, landscape: bool) -> None:
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin = Mm(28), Mm(26)
        section.left_margin, section.right_margin = Mm(37), Mm(35)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
        section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance = Mm(15)
    # footer distance: the page number's top edge 7 mm below the type area, its height 14 pt
    section.footer_distance = Mm(MARGINS_MM["bottom"] - PAGE_NUMBER_GAP_MM) - Pt(PAGE_NUMBER_PT)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    for attr in list(grid.attrib):
        del grid.attrib[attr]
    if landscape:
        grid.set(qn("w:type"), "default")
    else:
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))


def _defaults(doc: Document) -> None:
    styles = doc.styles.element
    rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr_default.find(qn("w:rFonts"))
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FANGSONG)
    for tag in ("w:sz", "w:szCs"):
        el = rpr_default.find(qn(tag))
        if el is None:
            el = OxmlElement(tag)
            rpr_default.append(el)
        el.set(qn("w:val"), str(BODY_PT * 2))
    lang = rpr_default.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr_default.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    theme_lang = doc.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:  # python-docx's default names Japanese
        theme_lang.set(qn("w:eastAsia"), "zh-CN")
    normal = doc.styles["Normal"]
    set_run_fonts(normal.element, FANGSONG)
    normal.font.size = Pt(BODY_PT)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(CHARACTER_SPACING))
    normal.element.get_or_add_rPr().append(spacing)
    # exact line pitch as well as the grid: LibreOffice adds space above grid lines (19 lines a page)
    line = normal.element.get_or_add_pPr().get_or_add_spacing()
    line.set(qn("w:line"), str(LINE_PITCH_TWIPS))
    line.set(qn("w:lineRule"), "exact")
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)


def _add_style(doc: Document, name: str, spec: dict[str, object]) -> None:
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    set_run_fonts(style.element, str(spec["font"]))
    style.font.size = Pt(float(str(spec["size"])))
    if "color" in spec:
        style.font.color.rgb = spec["color"]
    fmt = style.paragraph_format
    fmt.alignment = _ALIGN[str(spec["align"])]
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    ppr = style.element.get_or_add_pPr()
    if spec.get("grid") is False:
        snap = OxmlElement("w:snapToGrid")
        snap.set(qn("w:val"), "0")
        ppr.insert(0, snap)
    if spec.get("grid") is False:
        # larger or smaller type than the body: natural line height, not the body's exact pitch
        fmt.line_spacing = 1.0
    # indents in characters (Word, WPS) and in twips (LibreOffice ignores the *Chars forms)
    for key, attr in (
        ("first_line_chars", "firstLine"),
        ("left_chars", "left"),
        ("hanging_chars", "hanging"),
    ):
        if key in spec:
            set_indent(ppr, attr, int(str(spec[key])) / 100)
    if spec.get("right_indent"):
        # the layout pass (layout.py) sets the real value from the rendered text widths
        set_indent(ppr, "right", 4)


def set_indent(ppr: object, side: str, chars: float) -> None:
    """An indent of `chars` body characters, written both ways (w:leftChars and w:left, ...)."""
    ind = ppr.get_or_add_ind()  # type: ignore[attr-defined]
    ind.set(qn(f"w:{side}Chars"), str(round(chars * 100)))
    ind.set(qn(f"w:{side}"), str(round(chars * CHAR_TWIPS)))


def _page_numbers(doc: Document) -> None:
    """— 1 —, 4号宋体: odd pages right, one character in; even pages left, one character in."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.style = doc.styles["GW Page Number"]
        p.alignment = _ALIGN[side]
        set_indent(p._p.get_or_add_pPr(), side, 1)
        p.add_run("— ")
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "1"
        run.append(text)
        field.append(run)
        p._p.append(field)
        p.add_run(" —")


# --- blocks ---------------------------------------------------------------------------------


def para(doc: Document, text: str = "", style: str = "GW Body") -> Paragraph:
    return doc.add_paragraph(text, style=style)


def blank(doc: Document, count: int = 1) -> None:
    for _ in range(count):
        para(doc, "", "GW Body").paragraph_format.first_line_indent = None


def control(doc: Document, tag: str) -> Paragraph:
    """A paragraph holding only a docxtpl paragraph tag ({%p ... %}); it vanishes when rendered."""
    return para(doc, "{%p " + tag + " %}", "GW Body")


def issuer_mark(doc: Document, text: str) -> Paragraph:
    """发文机关标志: red 小标宋, centred, its top edge 35 mm below the top of the type area."""
    p = para(doc, text, "GW Issuer")
    p.paragraph_format.space_before = Mm(35) - Pt(4)
    return p


def doc_number_with_separator(doc: Document, text: str) -> Paragraph:
    """发文字号 two blank lines below the 标志, and the red separator 4 mm below it, type-area wide."""
    blank(doc, 2)
    p = para(doc, text, "GW Doc Number")
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (
        ("w:val", "single"),
        ("w:sz", "12"),
        ("w:space", str(round(4 * MM_TO_PT))),
        ("w:color", "FF0000"),
    ):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr = p._p.get_or_add_pPr()
    ppr.insert(1, borders)  # after pStyle, before spacing/ind/jc
    return p


def title(doc: Document, text: str) -> Paragraph:
    return para(doc, text, "GW Title")


def signature_block(doc: Document, signature: str, date: str) -> None:
    """署名 and 成文日期; their right indents are set after rendering from the real text widths."""
    blank(doc)
    para(doc, signature, "GW Signature")
    para(doc, date, "GW Date")


def table(doc: Document, rows: int, widths_mm: Sequence[float]) -> Table:
    """A full-width table with single black borders."""
    t = doc.add_table(rows=rows, cols=len(widths_mm))
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    tbl_pr = t._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"), ("w:color", "000000")):
            el.set(qn(key), value)
        borders.append(el)
    tbl_pr.append(borders)
    for own in [*tbl_pr.findall(qn("w:tblW")), *tbl_pr.findall(qn("w:tblLayout"))]:
        tbl_pr.remove(own)  # python-docx's own (tblW auto 0, autofit's tblLayout): one of each
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(sum(int(Mm(w).twips) for w in widths_mm)))
    width.set(qn("w:type"), "dxa")
    tbl_pr.append(width)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    order_table_properties(tbl_pr)
    # LibreOffice sizes columns from tblGrid, Word from the cells: set both
    for col, w in zip(t._tbl.tblGrid.findall(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), str(int(Mm(w).twips)))
    for row in t.rows:
        for cell, w in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(w)
            cell.paragraphs[0].style = doc.styles["GW Table"]
    return t


_TBL_PR_ORDER = [
    qn(f"w:{tag}")
    for tag in (
        "tblStyle",
        "tblpPr",
        "tblOverlap",
        "bidiVisual",
        "tblStyleRowBandSize",
        "tblStyleColBandSize",
        "tblW",
        "jc",
        "tblCellSpacing",
        "tblInd",
        "tblBorders",
        "shd",
        "tblLayout",
        "tblCellMar",
        "tblLook",
        "tblCaption",
        "tblDescription",
    )
]


def order_table_properties(tbl_pr: Any) -> None:
    """tblPr's children in the order the schema gives (Word refuses others; python-docx appends)."""

    def rank(element: Any) -> int:
        return _TBL_PR_ORDER.index(element.tag) if element.tag in _TBL_PR_ORDER else len(_TBL_PR_ORDER)

    for child in sorted(tbl_pr, key=rank):
        tbl_pr.append(child)


def row_options(row: object, *, header: bool = False) -> None:
    """A row never split across pages; a header row repeated at the top of every page the table reaches."""
    tr = row._tr  # type: ignore[attr-defined]
    tr_pr = tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def cell_text(t: Table, row: int, col: int, text: str, style: str = "GW Table") -> None:
    p = t.cell(row, col).paragraphs[0]
    p.text = text
    p.style = p.part.document.styles[style]


def save_reproducibly(doc: Document, path: Path) -> None:
    """Save with fixed timestamps so rebuilding an unchanged template gives the same bytes."""
    fixed = datetime(2024, 1, 1)
    props = doc.core_properties
    props.created = props.modified = fixed
    props.last_modified_by = props.author = "docgen"
    props.comments = ""  # not 'generated by python-docx'; documents get their own (engine.DocumentProperties)
    props.revision = 1
    buffer = io.BytesIO()
    doc.save(buffer)
    buffer.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            fixed_info = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed_info.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(fixed_info, data)
    path.write_bytes(out.getvalue())
