"""Layout rules that depend on the rendered text, applied after rendering.

The 发文机关标志 must stay on one line: a long authority name gets a smaller size (the standard
fixes no size for it; the template's 30 pt is the upper bound).

GB/T 9704-2012 7.3.5.1 (加盖印章): the 成文日期 is four characters in from the right and the
署名 is centred over it. The widths depend on the authority's name and the date, so the right
indents of the 'GW Signature' and 'GW Date' paragraphs are computed here (in hundredths of a
character, w:rightChars) rather than fixed in the template.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterator

from docgen.documents.gbt9704 import CHAR_TWIPS

_PARAGRAPH = re.compile(r"<w:p[ >].*?</w:p>", re.DOTALL)
_STYLE = re.compile(r'<w:pStyle w:val="(GWSignature|GWDate)"/>')
_IND = re.compile(r"<w:ind\b[^>]*/>")


def text_width(text: str) -> float:
    """Width in characters of the body font: CJK and full-width count 1, the rest 1/2."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


def _text(paragraph: str) -> str:
    return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", paragraph))


TYPE_AREA_WIDTH_PT = 442.0
LINE_CHARS = 28  # body characters per line (GB/T 9704: 22 lines of 28)
_ISSUER = re.compile(r'<w:pStyle w:val="GWIssuer"/>')


def fit_issuer_mark(xml: str, largest_pt: float = 30.0) -> str:
    """Shrink the 发文机关标志 so that it fits one line of the type area."""
    for match in _PARAGRAPH.finditer(xml):
        paragraph = match.group(0)
        if not _ISSUER.search(paragraph):
            continue
        width = text_width(_text(paragraph))
        if width == 0 or width * largest_pt <= TYPE_AREA_WIDTH_PT:
            return xml
        half_points = int(TYPE_AREA_WIDTH_PT / width * 2) - 1  # w:sz is in half-points; keep a margin
        size = f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'
        fitted = re.sub(r"<w:r>(?!<w:rPr>)", f"<w:r><w:rPr>{size}</w:rPr>", paragraph)
        fitted = re.sub(r"<w:r><w:rPr>(?!<w:sz)", f"<w:r><w:rPr>{size}", fitted) if fitted == paragraph else fitted
        return xml.replace(paragraph, fitted, 1)
    return xml


def apply(part: str, xml: str) -> str:
    """Every post-render layout rule, for one rendered part."""
    if part != "word/document.xml":
        return xml
    return fit_plaque(fit_columns(keep_signature_with_body(align_signature(fit_issuer_mark(xml)))))


PLAQUE_WIDTH_PT = 637.0  # the landscape type area, 225 mm
_PLAQUE = re.compile(r'<w:pStyle w:val="(GWPlaque|GWPlaqueName)"/>')
_PLAQUE_PT = {"GWPlaque": 40, "GWPlaqueName": 36}


def fit_plaque(xml: str) -> str:
    """A plaque's lines (its text, the base name in the lines titles.plaque_name chose) at the
    largest size that keeps each of them on one line of the landscape type area: a plaque is one page."""
    if "GWPlaque" not in xml:
        return xml  # not a plaque: no scan of the other documents' paragraphs
    for match in list(_PARAGRAPH.finditer(xml)):
        paragraph = match.group(0)
        style = _PLAQUE.search(paragraph)
        if not style:
            continue
        widest = max(text_width(_text(line)) for line in paragraph.split("<w:br/>"))
        largest = _PLAQUE_PT[style.group(1)]
        if widest == 0 or widest * largest <= PLAQUE_WIDTH_PT * 0.96:
            continue
        half_points = int(PLAQUE_WIDTH_PT * 0.96 / widest * 2)
        size = f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'
        fitted = re.sub(r"<w:r>(?!<w:rPr>)", f"<w:r><w:rPr>{size}</w:rPr>", paragraph)
        fitted = re.sub(r"<w:r><w:rPr>(?!<w:sz)", f"<w:r><w:rPr>{size}", fitted)
        xml = xml.replace(paragraph, fitted, 1)
    return xml


def keep_signature_with_body(xml: str) -> str:
    """GB/T 9704 7.3.5: the 署名 and 成文日期 never stand alone on a page. The signature keeps with
    the date, and everything between it and the body's last two lines (blank lines, the 附件说明, the
    last paragraphs) keeps with the next; widow and orphan control moves two lines of a long paragraph."""
    paragraphs = list(_PARAGRAPH.finditer(xml))
    at = next((i for i, m in enumerate(paragraphs) if '<w:pStyle w:val="GWSignature"/>' in m.group(0)), None)
    if at is None:
        return xml
    first, lines = at, 0
    while first > 0 and lines < 2:  # back to the paragraph that brings the second line of body text
        first -= 1
        text = paragraphs[first].group(0)
        if _text(text).strip() and "GWAttachments" not in text:
            lines += math.ceil(text_width(_text(text)) / LINE_CHARS)
    pieces, end = [], 0
    for match in paragraphs[first : at + 1]:  # edited by position: blank paragraphs are alike
        pieces += [xml[end : match.start()], _keep_with_next(match.group(0))]
        end = match.end()
    return "".join(pieces) + xml[end:]


def _keep_with_next(paragraph: str) -> str:
    """The paragraph with keepNext and widowControl, placed after its style as the schema orders them."""
    if "<w:keepNext/>" in paragraph:
        return paragraph
    flags = "<w:keepNext/><w:widowControl/>"
    if "<w:pPr>" in paragraph:
        return re.sub(r"(<w:pPr>(?:<w:pStyle [^>]*/>)?)", lambda m: m.group(1) + flags, paragraph, count=1)
    return re.sub(r"(<w:p(?: [^>]*)?>)", lambda m: m.group(1) + f"<w:pPr>{flags}</w:pPr>", paragraph, count=1)


def align_signature(xml: str) -> str:
    """Set the right indents of the signature and date paragraphs of the main document."""
    found: dict[str, tuple[re.Match[str], str]] = {}
    for match in _PARAGRAPH.finditer(xml):
        style = _STYLE.search(match.group(0))
        if style:
            found[style.group(1)] = (match, _text(match.group(0)))
    if "GWSignature" not in found or "GWDate" not in found:
        return xml
    date_width = text_width(found["GWDate"][1])
    signature_width = text_width(found["GWSignature"][1])
    date_right = 4.0
    signature_right = max(0.0, date_right + (date_width - signature_width) / 2)
    for style_id, right in (("GWSignature", signature_right), ("GWDate", date_right)):
        found_paragraph, _ = found[style_id]
        indent = f'<w:ind w:right="{round(right * CHAR_TWIPS)}" w:rightChars="{round(right * 100)}"/>'
        paragraph = found_paragraph.group(0)
        if _IND.search(paragraph):
            paragraph = _IND.sub(indent, paragraph, count=1)
        else:
            paragraph = _before_section(paragraph, indent)
        xml = xml.replace(found_paragraph.group(0), paragraph, 1)
    return xml


def _before_section(paragraph: str, element: str) -> str:
    """The paragraph with `element` added at the end of its properties, but before the section
    properties the last paragraph of a section holds (the schema's order)."""
    if "<w:sectPr" in paragraph:
        return paragraph.replace("<w:sectPr", element + "<w:sectPr", 1)
    return paragraph.replace("</w:pPr>", element + "</w:pPr>", 1) if "</w:pPr>" in paragraph else paragraph


_TABLE = re.compile(r"<w:tbl>.*?</w:tbl>", re.DOTALL)
_ROW = re.compile(r"<w:tr[ >].*?</w:tr>", re.DOTALL)
_CELL = re.compile(r"<w:tc>.*?</w:tc>", re.DOTALL)
_GRID_COL = re.compile(r'<w:gridCol w:w="(\d+)"/>')
_SPAN = re.compile(r'<w:gridSpan w:val="(\d+)"/>')
_CELL_WIDTH = re.compile(r'<w:tcW (?:w:w="\d+" w:type="dxa"|w:type="dxa" w:w="\d+")/>')  # either order
_UNBREAKABLE = re.compile(r"[0-9A-Za-z%.,:/\-+]+")
TABLE_PT = 12  # the GW Table styles' size
CELL_PADDING_TWIPS = 2 * 108 + 40  # LibreOffice's default cell margins, and a little air
RUN_SLACK = 1.15  # digits and Latin letters are a little wider than half a character in the CJK faces


def fit_columns(xml: str) -> str:
    """Column widths from the text they hold, within the table's width (GB/T 9704 tables are as
    wide as the type area): every column gets its longest unbreakable run (60%, 1581.20) or two
    characters, then the widths that need the fewest lines for any cell (see _spread).
    Only tables with a repeated header row (the row tables docgen builds) are refitted; their totals
    row keeps with the row above it."""
    return _TABLE.sub(lambda m: _fit_table(m.group(0)) if "<w:tblHeader/>" in m.group(0) else m.group(0), xml)


def _cells(row: str) -> Iterator[tuple[int, int, re.Match[str]]]:
    """(first column, columns spanned, match) of each cell of a table row."""
    col = 0
    for match in _CELL.finditer(row):
        span = int(m.group(1)) if (m := _SPAN.search(match.group(0))) else 1
        yield col, span, match
        col += span


def _fit_table(table: str) -> str:
    grid = [int(w) for w in _GRID_COL.findall(table)]
    if len(grid) < 2:
        return table
    texts = [["" for _ in grid] for _ in _ROW.findall(table)]  # per row, the text of each one-column cell
    for row, cells in zip(_ROW.findall(table), texts, strict=True):
        for col, span, match in _cells(row):
            if span == 1 and col < len(grid):
                cells[col] = _text(match.group(0))
    twips = TABLE_PT * 20
    need = [  # twips a column cannot go below: its longest unbreakable run, or two characters
        max(max([text_width(r) for r in _UNBREAKABLE.findall(t)] + [min(text_width(t), 2.0)]) for t in column)
        * twips
        * RUN_SLACK
        for column in zip(*texts, strict=True)
    ]
    total = sum(grid)
    widths = [n + CELL_PADDING_TWIPS for n in need]
    if sum(widths) > total:
        return table  # cannot do better than the template's widths
    longest = [max(text_width(t) for t in column) * twips for column in zip(*texts, strict=True)]
    fitted = [int(w) for w in _spread(widths, total, longest)]
    fitted[-1] += total - sum(fitted)
    cols = iter(fitted)
    table = _GRID_COL.sub(lambda _: f'<w:gridCol w:w="{next(cols)}"/>', table)
    return _keep_total_with_rows(_ROW.sub(lambda m: _cell_widths(m.group(0), fitted), table))


def _keep_total_with_rows(table: str) -> str:
    """A totals row (its first cells merged) never starts a page alone: the row above keeps with it."""
    rows = list(_ROW.finditer(table))
    if len(rows) < 3 or not _SPAN.search(rows[-1].group(0)):
        return table
    above = rows[-2]
    kept = _PARAGRAPH.sub(lambda m: _keep_with_next(m.group(0)), above.group(0))
    return table[: above.start()] + kept + table[above.end() :]


def _spread(widths: list[float], total: float, longest: list[float]) -> list[float]:
    """The fewest lines any cell needs: the smallest L for which every column, made wide enough to
    hold its longest text (twips, `longest`) in L lines, still fits the table's width; then what is
    left goes to the columns whose text still wraps, in proportion to what they lack (as a browser
    lays out a table)."""
    for lines in range(1, 100):
        trial = [max(w, t / lines + CELL_PADDING_TWIPS) for w, t in zip(widths, longest, strict=True)]
        if sum(trial) <= total:
            widths = trial
            break
    spare = total - sum(widths)
    lacking = [max(0.0, t + CELL_PADDING_TWIPS - w) for w, t in zip(widths, longest, strict=True)]
    if sum(lacking) > spare:
        return [w + spare * lack / sum(lacking) for w, lack in zip(widths, lacking, strict=True)]
    widths = [w + lack for w, lack in zip(widths, lacking, strict=True)]
    spare = total - sum(widths)
    return [w + spare * w / sum(widths) for w in widths]


def _cell_widths(row: str, widths: list[int]) -> str:
    out, end = [], 0
    for col, span, match in _cells(row):
        cell = _CELL_WIDTH.sub(f'<w:tcW w:w="{sum(widths[col : col + span])}" w:type="dxa"/>', match.group(0), count=1)
        out += [row[end : match.start()], cell]
        end = match.end()
    return "".join(out) + row[end:]
