"""What each kind's .docx template holds, built with the GB/T 9704 blocks.

Run `python scripts/build-templates` to rewrite templates/*.docx from this file; the .docx are
committed so a clerk can edit their wording in Word, WPS or LibreOffice, and a test checks that
they are up to date. Templates use docxtpl tags: {{ value }}, {%p for ... %} paragraphs and
{%tr for ... %} table rows. Every variable comes from the kind's context (contexts.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from docx.document import Document
from docx.enum.section import WD_SECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table

from docgen.documents import gbt9704 as gw
from docgen.intake import schema
from docgen.intake.schema import FormField


def loop_table(
    doc: Document,
    widths: Sequence[float],
    headers: list[str],
    loop: str,
    cells: list[str],
    left_columns: int = 0,
) -> Table:
    """A table: a header row, then one row per item of a docxtpl row loop ({%tr for ... %}).

    The first `left_columns` columns are left-aligned, the rest centred.
    """
    t = gw.table(doc, 4, widths)
    for number, row in enumerate(t.rows):
        gw.row_options(row, header=number == 0)
    for col, text in enumerate(headers):
        gw.cell_text(t, 0, col, text, "GW Table Heading")
    gw.cell_text(t, 1, 0, "{%tr " + loop + " %}")
    for col, text in enumerate(cells):
        gw.cell_text(t, 2, col, text, "GW Table Left" if col < left_columns else "GW Table")
    gw.cell_text(t, 3, 0, "{%tr endfor %}")
    return t


def loop_paragraphs(doc: Document, items: str) -> None:
    """One body paragraph per item of a list from the context."""
    gw.control(doc, f"for p in {items}")
    gw.para(doc, "{{ p }}")
    gw.control(doc, "endfor")


def _blocks(doc: Document) -> None:
    """Headings and paragraphs prepared by the context (一、 黑体; （一） 楷体; 1. and body 仿宋)."""
    gw.control(doc, "for b in blocks")
    gw.control(doc, "if b.level == 1")
    gw.para(doc, "{{ b.text }}", "GW Heading 1")
    gw.control(doc, "elif b.level == 2")
    gw.para(doc, "{{ b.text }}", "GW Heading 2")
    gw.control(doc, "else")
    gw.para(doc, "{{ b.text }}", "GW Body")
    gw.control(doc, "endif")
    gw.control(doc, "endfor")


def _head(doc: Document, *, with_issuer: bool = True) -> None:
    if with_issuer:
        gw.issuer_mark(doc, "{{ issuer_mark }}")
        gw.doc_number_with_separator(doc, "{{ doc_number }}")
        gw.blank(doc, 2)
    gw.title(doc, "{{ title }}")
    gw.blank(doc)
    gw.control(doc, "if recipients")
    gw.para(doc, "{{ recipients }}：", "GW Recipients")
    gw.control(doc, "endif")


def _attachments(doc: Document) -> None:
    """附件说明: one blank line under the body, 附件：1. name, further items aligned under the first."""
    gw.control(doc, "if attachments")
    gw.blank(doc)
    gw.para(doc, "附件：{{ attachments[0] }}", "GW Attachments")
    gw.control(doc, "for a in attachments[1:]")
    gw.para(doc, "{{ a }}", "GW Attachments More")
    gw.control(doc, "endfor")
    gw.control(doc, "endif")


def _tail(doc: Document, *, issued: bool = True) -> None:
    gw.signature_block(doc, "{{ signature }}", "{{ date }}")
    if issued:
        _colophon(doc)


def _colophon(doc: Document) -> None:
    """版记 (GB/T 9704 7.4): 抄送 if any, then 印发机关 and 印发日期 followed by 印发, between rules as
    wide as the type area (outer 0.35 mm, middle 0.25 mm), its last line on the type area's foot.

    It is the footer of a last section, a page of its own after the body's last page (7.5 allows
    a 版记页): an ordinary table in a footer, which Word, WPS and LibreOffice keep (in the PDF and
    through .odt) at the page's foot whatever the body's length, and which leaves that page no
    page number. A floating table (tblpPr) at the end of the body was dropped by LibreOffice and
    pinned nowhere once saved as .odt; a section starting on an even page (the 封四) loses its
    footer in LibreOffice 7.4, so the 版记 page follows the body whatever its side."""
    date = doc.paragraphs[-1]
    doc.add_section(WD_SECTION.NEW_PAGE)
    breaker = doc.paragraphs[-1]
    # the body's section ends in the date's own paragraph: an empty one after it could spill onto
    # a page of its own
    breaker_ppr = breaker._p.pPr
    assert breaker_ppr is not None  # add_section put the body's section properties there
    date._p.get_or_add_pPr().append(breaker_ppr.find(qn("w:sectPr")))
    breaker._p.getparent().remove(breaker._p)
    gw.blank(doc)  # the last section's one (empty) line of body
    last = doc.sections[-1]
    last.footer_distance = Mm(gw.MARGINS_MM["bottom"])  # the footer's last line on the type area's foot
    for footer in (last.footer, last.even_page_footer):
        footer.is_linked_to_previous = False
        _colophon_table(doc, footer)


def _colophon_table(doc: Document, footer: object) -> None:
    width = gw.TYPE_AREA_MM[0]
    t = footer.add_table(rows=4, cols=2, width=Mm(width))  # type: ignore[attr-defined]
    footer.paragraphs[0]._p.getparent().remove(footer.paragraphs[0]._p)  # type: ignore[attr-defined]
    tbl_pr = t._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblW")):
        tbl_pr.remove(old)
    tbl_w = OxmlElement("w:tblW")
    tbl_w.set(qn("w:w"), str(int(Mm(width).twips)))
    tbl_w.set(qn("w:type"), "dxa")
    tbl_pr.append(tbl_w)
    borders = OxmlElement("w:tblBorders")
    for edge, size in (("top", "8"), ("bottom", "8"), ("insideH", "4")):  # 0.35 mm outer, 0.25 mm middle
        el = OxmlElement(f"w:{edge}")
        for key, value in (("w:val", "single"), ("w:sz", size), ("w:space", "0"), ("w:color", "000000")):
            el.set(qn(key), value)
        borders.append(el)
    tbl_w.addnext(borders)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    borders.addnext(layout)
    margins = OxmlElement("w:tblCellMar")  # no cell margins: the rules span exactly the type area
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), "0")
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    layout.addnext(margins)
    gw.order_table_properties(tbl_pr)
    half = int(Mm(width).twips) // 2
    for col in t._tbl.tblGrid.findall(qn("w:gridCol")):
        col.set(qn("w:w"), str(half))
    styles = doc.styles
    for row in t.rows:
        for cell in row.cells:
            cell.width = Mm(width / 2)
            cell.paragraphs[0].style = styles["GW Colophon"]
    t.cell(0, 0).paragraphs[0].text = "{%tr if colophon.cc %}"
    cc = t.cell(1, 0).merge(t.cell(1, 1))
    cc.paragraphs[0].text = "抄送：{{ colophon.cc }}。"
    cc.paragraphs[0].paragraph_format.left_indent = Pt(14)
    t.cell(2, 0).paragraphs[0].text = "{%tr endif %}"
    left, right = t.cell(3, 0).paragraphs[0], t.cell(3, 1).paragraphs[0]
    left.text, right.text = "{{ colophon.printed_by }}", "{{ colophon.printed_on }}印发"
    left.paragraph_format.left_indent = Pt(14)
    right.paragraph_format.right_indent = Pt(14)
    right.alignment = gw._ALIGN["right"]


def notice(doc: Document) -> None:
    _head(doc)
    _blocks(doc)
    _attachments(doc)
    _tail(doc)


def confirmation(doc: Document) -> None:
    _head(doc)
    loop_paragraphs(doc, "opening")
    loop_table(
        doc,
        [14, 62, 46, 34],
        ["序号", "基地名称", "依托单位", "实训项目"],
        "for b in bases",
        ["{{ loop.index }}", "{{ b.base_name }}", "{{ b.unit }}", "{{ b.projects }}"],
    )
    loop_paragraphs(doc, "closing")
    _attachments(doc)
    _tail(doc)


def publicity(doc: Document) -> None:
    _head(doc, with_issuer=False)
    loop_paragraphs(doc, "opening")
    loop_table(
        doc,
        [14, 58, 50, 34],
        ["序号", "拟认定基地名称", "申报单位", "实训项目"],
        "for c in candidates",
        ["{{ loop.index }}", "{{ c.base_name }}", "{{ c.unit }}", "{{ c.projects }}"],
    )
    gw.para(
        doc,
        "公示期为{{ period.days }}个工作日，自{{ period.start }}至{{ period.end }}。"
        "公示期间，如对公示对象有异议，请以书面形式实名反映，并提供必要的证明材料。",
    )
    loop_paragraphs(doc, "objection_lines")
    _tail(doc, issued=False)


def revocation(doc: Document) -> None:
    _head(doc)
    loop_paragraphs(doc, "paragraphs")
    _tail(doc)


def assessment(doc: Document) -> None:
    _head(doc)
    loop_paragraphs(doc, "opening")
    t = loop_table(
        doc,
        [52, 50, 27, 27],
        [f"{{{{ table_head[{i}] }}}}" for i in range(4)],
        "for r in rows",
        ["{{ r.item }}", "{{ r.standard }}", "{{ r.value }}", "{{ r.result }}"],
        left_columns=2,
    )
    total = t.add_row()
    gw.row_options(total)
    merged = total.cells[0].merge(total.cells[1])
    merged.paragraphs[0].text = "{{ total_label }}"
    merged.paragraphs[0].style = doc.styles["GW Table Heading"]
    total.cells[2].paragraphs[0].text = "{{ total }}"
    total.cells[3].paragraphs[0].text = "{{ grade }}"
    for cell in total.cells[2:]:
        cell.paragraphs[0].style = doc.styles["GW Table Heading"]
    loop_paragraphs(doc, "closing")
    _tail(doc)


def plaque(doc: Document) -> None:
    """One landscape page without a page number: plaque text, base name (one line or two, shrunk to
    fit: titles.plaque_name, layout.fit_plaque), authority and date; 396 pt at most of the 442 pt
    the type area is high."""
    first = gw.para(doc, "{{ plaque_text }}", "GW Plaque")
    first.paragraph_format.space_before = Mm(20)
    name = gw.para(doc, "{{ base_name }}", "GW Plaque Name")
    name.paragraph_format.space_before = Mm(15)
    issuer = gw.para(doc, "{{ authority }}", "GW Plaque Small")
    issuer.paragraph_format.space_before = Mm(25)
    gw.para(doc, "{{ date }}", "GW Plaque Small")


def _pairs_table(doc: Document, rows: Sequence[Sequence[FormField]], context: str) -> Table:
    """Label and value cells, two pairs to a row (one field alone takes the whole row): the reader
    finds each label by its text, so the form reads back after Word, WPS or LibreOffice."""
    t = gw.table(doc, len(rows), [34, 48, 34, 40])
    for row, fields in enumerate(rows):
        if len(fields) == 1:
            gw.cell_text(t, row, 0, fields[0].label, "GW Table Heading")
            wide = t.cell(row, 1).merge(t.cell(row, 3))
            wide.paragraphs[0].text = f"{{{{ {context}.{fields[0].key} }}}}"
            continue
        for col, field in enumerate(fields):
            gw.cell_text(t, row, 2 * col, field.label, "GW Table Heading")
            gw.cell_text(t, row, 2 * col + 1, f"{{{{ {context}.{field.key} }}}}")
    return t


def _caption(doc: Document, text: str) -> None:
    """A table's caption, kept on the page of the table's first row."""
    gw.para(doc, text, "GW Table Heading").paragraph_format.keep_with_next = True


def form(doc: Document) -> None:
    """申报表: unit details, per project its equipment and teachers, totals, declaration, opinions.

    Its labels and columns come from docgen/intake/schema.py, which also reads a filled form back."""
    gw.title(doc, "{{ title }}")
    gw.blank(doc)
    gw.para(doc, "申报单位（盖章）：{{ unit.name }}", "GW Recipients")
    gw.para(doc, "填报日期：{{ filled_on }}", "GW Recipients")
    _caption(doc, schema.UNIT_CAPTION)
    _pairs_table(doc, schema.UNIT_ROWS, "unit")
    gw.control(doc, "for p in projects")
    gw.blank(doc)
    gw.para(doc, schema.PROJECT_HEADING + "{{ p.index }}", "GW Heading 3").paragraph_format.keep_with_next = True
    _pairs_table(doc, [schema.PROJECT_FIELDS], "p")
    _caption(doc, schema.EQUIPMENT_CAPTION)
    columns = schema.EQUIPMENT_COLUMNS
    eq = loop_table(
        doc,
        [12, 38, 24, 14, 24, 28, 16],
        [c.label for c in columns],
        "for e in p.equipment",
        [f"{{{{ e.{c.key} }}}}" for c in columns],
    )
    subtotal = eq.add_row()
    amount = [c.key for c in columns].index("value")
    label = subtotal.cells[0].merge(subtotal.cells[amount - 1])
    label.paragraphs[0].text = schema.SUBTOTAL_LABEL
    label.paragraphs[0].style = doc.styles["GW Table Heading"]
    subtotal.cells[amount].paragraphs[0].text = "{{ p.equipment_total }}"
    for cell in subtotal.cells[amount:]:
        cell.paragraphs[0].style = doc.styles["GW Table"]
    _caption(doc, schema.TEACHER_CAPTION)
    columns = schema.TEACHER_COLUMNS
    te = loop_table(
        doc,
        [12, 22, 24, 24, 60, 14],
        [c.label for c in columns],
        "for t in p.teachers",
        [f"{{{{ t.{c.key} }}}}" for c in columns],
    )
    share = te.add_row()
    merged = share.cells[0].merge(share.cells[5])
    merged.paragraphs[0].text = schema.SHARE_LABEL + "：{{ p.qualified_share }}"
    merged.paragraphs[0].style = doc.styles["GW Table Left"]
    gw.control(doc, "endfor")
    gw.blank(doc)
    for line in schema.instructions():
        gw.para(doc, line, "GW Table Left")
    gw.blank(doc)
    promise = "本单位承诺所填内容及所附材料真实、有效，如有虚假，愿承担相应责任。"
    gw.para(doc, "申报单位承诺", "GW Heading 1").paragraph_format.keep_with_next = True
    gw.para(doc, promise).paragraph_format.keep_with_next = True
    gw.para(doc, "法定代表人（签字）：            单位（盖章）", "GW Signature")
    gw.para(doc, "年    月    日", "GW Date")
    gw.blank(doc)
    op = gw.table(doc, 3, [40, 116])
    gw.cell_text(op, 0, 0, "{%tr for box in opinion_boxes %}")
    gw.row_options(op.rows[1])  # an opinion box never splits: its （盖章） line alone on a page
    gw.cell_text(op, 1, 0, "{{ box }}", "GW Table Heading")
    cell = op.cell(1, 1)
    cell.paragraphs[0].text = ""
    for _ in range(3):
        cell.add_paragraph("", style="GW Table")
    cell.add_paragraph("（盖章）          年    月    日", style="GW Table Left").alignment = gw._ALIGN["right"]
    gw.cell_text(op, 2, 0, "{%tr endfor %}")


def summary(doc: Document) -> None:
    """申报汇总表, landscape."""
    gw.title(doc, "{{ title }}")
    gw.blank(doc)
    gw.para(doc, "填报单位（盖章）：{{ filled_by }}          填报日期：{{ filled_on }}", "GW Recipients")
    widths = [10, 40, 20, 20, 36, 16, 12, 20, 16, 1]
    widths[-1] = 225 - sum(widths[:-1])  # the landscape type area is 225 mm wide
    heads = [
        "序号",
        "申报单位",
        "单位类型",
        "所在区镇",
        "实训项目",
        "建筑面积（平方米）",
        "教师数",
        "达标教师占比",
        "设备总值（万元）",
        "初审意见",
    ]
    cells = [
        "{{ loop.index }}",
        "{{ r.name }}",
        "{{ r.kind }}",
        "{{ r.district }}",
        "{{ r.projects }}",
        "{{ r.area }}",
        "{{ r.teachers }}",
        "{{ r.share }}",
        "{{ r.equipment }}",
        "{{ r.opinion }}",
    ]
    t = loop_table(doc, widths, heads, "for r in rows", cells)
    total = t.add_row()
    gw.row_options(total)
    label = total.cells[0].merge(total.cells[4])
    label.paragraphs[0].text = "合计（{{ rows|length }}家）"
    label.paragraphs[0].style = doc.styles["GW Table Heading"]
    for col, text in (
        (5, "{{ totals.area }}"),
        (6, "{{ totals.teachers }}"),
        (7, "{{ totals.share }}"),
        (8, "{{ totals.equipment }}"),
        (9, ""),
    ):
        total.cells[col].paragraphs[0].text = text
        total.cells[col].paragraphs[0].style = doc.styles["GW Table"]


def worksheet(doc: Document) -> None:
    """评审工作底稿: each claim, what the evidence says, and a column for the reviewer's own note."""
    gw.title(doc, "{{ title }}")
    gw.blank(doc)
    gw.para(
        doc,
        "申报单位：{{ unit }}（{{ credit_code }}）  证据年度：{{ year }}  证据页数：{{ pages }}",
        "GW Recipients",
    )
    gw.control(doc, "for s in summary")
    gw.para(doc, "{{ s }}", "GW Body")
    gw.control(doc, "endfor")
    widths = [15, 26, 46, 16, 46, 38, 1]
    widths[-1] = 225 - sum(widths[:-1])  # the landscape type area is 225 mm wide
    heads = ["序号", "类别", "申报内容", "核验结果", "说明", "证据（档号 页）", "评审人意见"]
    cells = [
        "{{ loop.index }}",
        "{{ c.kind }}",
        "{{ c.claim }}",
        "{{ c.verdict }}",
        "{{ c.detail }}",
        "{{ c.evidence }}",
        "",
    ]
    loop_table(doc, widths, heads, "for c in claims", cells, left_columns=3)
    gw.blank(doc)
    gw.para(doc, "评审专家（签字）：                    日期：    年    月    日", "GW Recipients")


KINDS: dict[str, tuple[Callable[[Document], None], bool]] = {
    # kind: (builder, landscape)
    "notice": (notice, False),
    "form": (form, False),
    "summary": (summary, True),
    "publicity": (publicity, False),
    "confirmation": (confirmation, False),
    "plaque": (plaque, True),
    "assessment": (assessment, False),
    "revocation": (revocation, False),
    "worksheet": (worksheet, True),
}


def build_template(kind: str, path: Path) -> None:
    builder, landscape = KINDS[kind]
    doc = gw.new_document(landscape=landscape, page_numbers=kind != "plaque")
    builder(doc)
    gw.save_reproducibly(doc, path)


def build_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in KINDS:
        path = folder / f"{kind}.docx"
        build_template(kind, path)
        written.append(path)
    return written
