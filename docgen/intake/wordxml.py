"""A .docx body as paragraphs and tables of cells, read from the XML itself.

python-docx has no API for content controls (its issue #155): text inside a `w:sdt` is skipped
at every nesting (around a paragraph or a table, a row, a cell, or runs inside a paragraph), and
Word, WPS and LibreOffice each wrap text in other elements too (smart tags, custom XML, tracked
insertions, hyperlinks, fields). So the XML is walked here, every such wrapper looked through, and
what a person sees is kept: deleted tracked text and field codes are not, text boxes and drawings
are left out (the form has none and Word writes their text twice).

A table is a grid: each cell knows its first grid column and how many it spans (w:gridSpan, the
old w:hMerge, a row's w:gridBefore), and a vertically merged cell (w:vMerge) is one object in every
row it covers, so callers see merged cells as merged, whatever the editor wrote.

Input is hostile until read: the zip's parts and sizes are checked before inflating, the XML is
parsed without entities, DTDs or network.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lxml import etree

from docgen.errors import BadInputError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
MAX_FILE_BYTES = 50 * 2**20  # a form with photos pasted in is a few MB
MAX_XML_BYTES = 30 * 2**20  # the form's document.xml is about 100 KB

# Elements whose children are the content at the same level: content controls, custom XML, smart tags,
# tracked insertions and moves, hyperlinks, simple fields, bidi/ruby-free run containers.
_LOOK_THROUGH = {
    f"{{{W}}}{name}"
    for name in ("sdt", "sdtContent", "customXml", "smartTag", "ins", "moveTo", "hyperlink", "fldSimple", "dir", "bdo")
}
# Elements whose content a reader does not see as the paragraph's text.
_SKIP = {
    f"{{{W}}}{name}"
    for name in ("del", "moveFrom", "sdtPr", "sdtEndPr", "rPr", "pPr", "drawing", "pict", "object", "instrText")
} | {f"{{{MC}}}AlternateContent", f"{{{W}}}delText", f"{{{W}}}footnoteReference"}


# Wingdings positions of the marks clerks insert in forms: ✓ ☑ (FC, FE) and ✗ ☒ (FB, FD).
_SYMBOLS = {"FC": "√", "FE": "√", "FB": "×", "FD": "×"}


def q(name: str) -> str:
    return f"{{{W}}}{name}"


@dataclass(eq=False)
class Cell:
    paragraphs: list[str]
    col: int  # first grid column
    span: int = 1  # grid columns covered
    rows: list[int] = field(default_factory=list)  # table rows covered (more than one: merged vertically)

    @property
    def text(self) -> str:
        """The cell's text, its paragraphs joined as typed (Chinese needs no space between lines)."""
        return "".join(p.strip() for p in self.paragraphs)

    @property
    def filled(self) -> list[str]:
        return [p.strip() for p in self.paragraphs if p.strip()]

    def covers(self, col: int) -> bool:
        return self.col <= col < self.col + self.span


@dataclass
class Table:
    rows: list[list[Cell]]  # per row, its cells left to right; a vertically merged cell is in each row

    def cell_at(self, row: int, col: int) -> Cell | None:
        return next((c for c in self.rows[row] if c.covers(col)), None)

    @property
    def text(self) -> str:
        return "\n".join(p for row in self.rows for cell in row for p in cell.paragraphs)


Block = str | Table  # a paragraph's text, or a table


def read_body(path: Path) -> list[Block]:
    """The main document's paragraphs and tables in order, or BadInputError saying what the file is."""
    return list(_blocks(_body(path)))


def file_head(path: Path, limit: int, noun: str, kind: str) -> bytes:
    """The first bytes of a file a clerk named (to tell its format), refused in one line when it is
    missing, a folder, or larger than `limit` bytes. `noun`: what it should be (申报表, 清单); `kind`:
    the kind of file (申报表, Excel), for the folder message."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise BadInputError(f"{path}：文件有 {size / 2**20:.0f} MB，{noun}不应超过 {limit // 2**20} MB")
        with path.open("rb") as handle:
            return handle.read(8)
    except FileNotFoundError:
        raise BadInputError(f"{path}：没有这个文件") from None
    except IsADirectoryError:
        raise BadInputError(f"{path}：这是文件夹，不是{kind}文件") from None


def _body(path: Path) -> etree._Element:
    head = file_head(path, MAX_FILE_BYTES, "申报表", "申报表")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise BadInputError(
            f"{path}：这是旧版 Word/WPS 格式（.doc 或 .wps），请在 Word 或 WPS 里“另存为” .docx 后再导入"
        )
    if not head.startswith(b"PK"):
        raise BadInputError(f"{path}：不是 Word 文件（.docx）")
    try:
        with zipfile.ZipFile(path) as zf:
            name = _main_part(zf)
            if name is None:
                if "content.xml" in zf.namelist():
                    raise BadInputError(f"{path}：这是 OpenDocument 文件（.odt），请另存为 .docx 后再导入")
                raise BadInputError(f"{path}：不是 Word 文件（.docx）：里面没有正文")
            info = zf.getinfo(name)
            if info.file_size > MAX_XML_BYTES:
                raise BadInputError(f"{path}：正文展开后超过 {MAX_XML_BYTES // 2**20} MB，不像一份申报表")
            with zf.open(info) as part:
                xml = part.read(MAX_XML_BYTES + 1)
    except zipfile.BadZipFile:
        raise BadInputError(f"{path}：文件已损坏，打不开（不是完整的 .docx）") from None
    if len(xml) > MAX_XML_BYTES:
        raise BadInputError(f"{path}：正文展开后超过 {MAX_XML_BYTES // 2**20} MB，不像一份申报表")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        raise BadInputError(f"{path}：文件已损坏，正文读不出来（{exc.msg}）") from None
    body = root.find(q("body"))
    if body is None:
        raise BadInputError(f"{path}：不是 Word 文件（.docx）：里面没有正文")
    return body


def _main_part(zf: zipfile.ZipFile) -> str | None:
    """The officeDocument part named by _rels/.rels (Word: word/document.xml; others may differ)."""
    names = set(zf.namelist())
    if "_rels/.rels" in names and zf.getinfo("_rels/.rels").file_size < 2**20:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        try:
            rels = etree.fromstring(zf.read("_rels/.rels"), parser)
        except etree.XMLSyntaxError:
            rels = None
        for rel in rels.iter(f"{{{_REL}}}Relationship") if rels is not None else ():
            if str(rel.get("Type", "")).endswith("/officeDocument"):
                target = str(PurePosixPath(str(rel.get("Target", "")).lstrip("/")))
                if target in names:
                    return target
    return "word/document.xml" if "word/document.xml" in names else None


def _children(element: etree._Element) -> Iterator[etree._Element]:
    """Children, looking through wrappers (content controls, custom XML, tracked insertions)."""
    for child in element:
        if child.tag in _LOOK_THROUGH:
            yield from _children(child)
        elif child.tag not in _SKIP:
            yield child


def _blocks(container: etree._Element) -> Iterator[Block]:
    for child in _children(container):
        if child.tag == q("p"):
            yield paragraph_text(child)
        elif child.tag == q("tbl"):
            yield _table(child)


def paragraph_text(p: etree._Element) -> str:
    parts: list[str] = []
    _collect(p, parts)
    return "".join(parts)


def _collect(element: etree._Element, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag in _SKIP or not isinstance(tag, str):
            continue
        if tag == q("t"):
            parts.append(child.text or "")
        elif tag in (q("tab"), q("ptab")):
            parts.append(" ")
        elif tag in (q("br"), q("cr")):
            parts.append("\n")
        elif tag == q("noBreakHyphen"):
            parts.append("-")
        elif tag == q("sym"):  # Insert > Symbol: Word stores a Wingdings tick or cross as a font position
            parts.append(_SYMBOLS.get(str(child.get(q("char"), "")).upper()[-2:], ""))
        else:
            _collect(child, parts)


def _val(element: etree._Element | None, name: str) -> str | None:
    if element is None:
        return None
    found = element.find(q(name))
    return None if found is None else found.get(q("val"), "")


def _table(tbl: etree._Element) -> Table:
    rows: list[list[Cell]] = []
    for tr in _children(tbl):
        if tr.tag != q("tr"):
            continue
        tr_pr = tr.find(q("trPr"))
        if tr_pr is not None and tr_pr.find(q("del")) is not None:
            continue  # a row deleted with changes tracked
        row_index = len(rows)
        col = int(_val(tr_pr, "gridBefore") or 0)
        cells: list[Cell] = []
        for tc in _children(tr):
            if tc.tag != q("tc"):
                continue
            tc_pr = tc.find(q("tcPr"))
            span = max(1, int(_val(tc_pr, "gridSpan") or 1))
            paragraphs = _cell_paragraphs(tc)
            h_merge, v_merge = _val(tc_pr, "hMerge"), _val(tc_pr, "vMerge")
            if h_merge is not None and h_merge != "restart" and cells:
                cells[-1].span += span  # the old horizontal merge: this cell continues the one before
                cells[-1].paragraphs += [p for p in paragraphs if p.strip()]
                col += span
                continue
            if v_merge is not None and v_merge != "restart" and rows:
                above = next((c for c in rows[-1] if c.col == col and c.span == span), None)
                if above is not None:
                    above.rows.append(row_index)
                    above.paragraphs += [p for p in paragraphs if p.strip()]
                    cells.append(above)
                    col += span
                    continue
            cells.append(Cell(paragraphs, col, span, [row_index]))
            col += span
        rows.append(cells)
    return Table(rows)


def _cell_paragraphs(tc: etree._Element) -> list[str]:
    """A cell's paragraphs; a table nested in the cell gives its cells' paragraphs in reading order."""
    out: list[str] = []
    for block in _blocks(tc):
        if isinstance(block, Table):
            seen: set[int] = set()
            for row in block.rows:
                for cell in row:
                    if id(cell) not in seen:
                        seen.add(id(cell))
                        out += cell.paragraphs
        else:
            out.append(block)
    return out or [""]
