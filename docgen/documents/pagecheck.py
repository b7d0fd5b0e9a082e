"""Looking at the pages of an exported PDF as a clerk would before sending it.

Reads every line of text with its position (poppler's `pdftotext -bbox-layout`) and names what
GB/T 9704-2012 does not allow: a page holding only the 署名 and 成文日期, a table page without its
header row, a title line that ends inside a number, text outside the type area, a line pitch
other than 22 lines to the type area's height, English words in what a bureau sends (codes,
model numbers, addresses and upper-case abbreviations such as CNC are not words), a 文件 (its
发文字号 on a line of its own on page 1) whose last page lacks the 版记 at the type area's foot or
carries a page number, and a plaque that is not one landscape page without a page number.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from docgen.documents.gbt9704 import LINES_PER_PAGE, MARGINS_MM, TYPE_AREA_MM
from docgen.documents.layout import text_width
from docgen.errors import BadInputError
from docgen.tools.run import run

MM = 72 / 25.4
TITLE_MIN_HEIGHT_PT = 26.0  # a 2号 (22 pt) title line's box; body (3号, 16 pt) lines are about 21 pt
_FOOTER = re.compile(r"^[—\-－–]\s*\d+\s*[—\-－–]$")
_DATE = re.compile(
    r"^(\d{4}年\d{1,2}月\d{1,2}日|[〇一二三四五六七八九零○]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日)$"
)
_HANGING = set("，。、；：？！）》”’」』")
_NAMESPACE = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Line:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    lines: list[Line]

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    def content(self) -> list[Line]:
        """The lines but the page number."""
        return [line for line in self.lines if not _FOOTER.match(line.text.replace(" ", ""))]


def read_pages(pdf: Path) -> list[Page]:
    """Every page's lines with their positions; a file that is not a PDF is bad input, named."""
    with pdf.open("rb") as handle:
        if b"%PDF-" not in handle.read(1024):
            raise BadInputError(f"{pdf}: not a PDF (export one with --pdf, or LibreOffice)")
    xhtml = run(["pdftotext", "-bbox-layout", str(pdf), "-"], timeout=120).stdout
    root = ET.fromstring(xhtml)
    pages = []
    for number, page in enumerate(root.iter(f"{_NAMESPACE}page"), 1):
        lines = []
        for line in page.iter(f"{_NAMESPACE}line"):
            words = [w.text or "" for w in line.iter(f"{_NAMESPACE}word")]
            box = [float(line.get(k, 0)) for k in ("xMin", "yMin", "xMax", "yMax")]
            lines.append(Line(" ".join(words), *box))
        pages.append(Page(number, float(page.get("width", 0)), float(page.get("height", 0)), lines))
    return pages


def check_pages(
    pdf: Path, *, table_header: str | None = None, body_grid: bool = True, plaque: bool = False
) -> list[str]:
    """Every problem found, as 'file: page N: what'; [] when the document can be sent as it is.
    `table_header`: a text of the table's header row; `body_grid`: the document is body text on the
    22-line grid (official documents; not forms); `plaque`: a 铭牌, one landscape page."""
    pages = read_pages(pdf)
    if not any(page.lines for page in pages):
        return [f"{pdf.name}: no text on any page (a scan?): nothing could be checked"]
    problems = [
        *_lone_signature(pages),
        *_table_headers(pages, table_header),
        *_title_breaks(pages),
        *_outside_type_area(pages),
        *(_line_pitch(pages) if body_grid else []),
        *_latin_words(pages),
        *_colophon(pages),
        *(_plaque(pages) if plaque else []),
    ]
    return [f"{pdf.name}: {p}" for p in problems]


_DOC_NUMBER_LINE = re.compile(r"^\S{2,12}〔\d{4}〕\d{1,4}号$")
_PRINTED = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日印发$")


def _colophon(pages: list[Page]) -> list[str]:
    """A 文件 ends with its 版记 (GB/T 9704 7.4): 印发机关 and 印发日期 followed by 印发, its last line
    on the type area's foot, on a last page that carries no page number (7.5)."""
    if not any(_DOC_NUMBER_LINE.match(line.text.replace(" ", "")) for line in pages[0].lines):
        return []  # not a 文件
    last = pages[-1]
    printed = [line for line in last.content() if _PRINTED.search(line.text.replace(" ", ""))]
    if not printed:
        return [f"page {last.number}: the last page has no 版记 (印发机关 and 印发日期 followed by 印发)"]
    problems = []
    bottom = _type_area(last)[3]
    if printed[-1].y1 < bottom - TYPE_AREA_MM[1] * MM / LINES_PER_PAGE:
        problems.append(f"page {last.number}: the 版记 is not on the type area's foot")
    if len(last.content()) < len(last.lines):
        problems.append(f"page {last.number}: the 版记 page carries a page number")
    return problems


def _in_colophon(line: Line) -> bool:
    text = line.text.replace(" ", "")
    return text.startswith("抄送：") or bool(_PRINTED.search(text))


def _plaque(pages: list[Page]) -> list[str]:
    """A plaque (铭牌) is one landscape page without a page number."""
    problems = [] if len(pages) == 1 else [f"a plaque on {len(pages)} pages, not one"]
    for page in pages:
        if not page.landscape:
            problems.append(f"page {page.number}: a plaque page in portrait, not landscape")
        if len(page.content()) < len(page.lines):
            problems.append(f"page {page.number}: a page number on a plaque")
    return problems


def _lone_signature(pages: list[Page]) -> list[str]:
    problems = []
    for page in pages[1:]:
        lines = page.content()
        if lines and all(_DATE.match(line.text.replace(" ", "")) or line.x0 > page.width * 0.45 for line in lines):
            shown = " / ".join(line.text for line in lines)
            problems.append(f"page {page.number}: holds only the signature or the date ({shown})")
    return problems


def _table_headers(pages: list[Page], header: str | None) -> list[str]:
    """Every page the table reaches (a line led by a row number, or the totals row) shows its header."""
    if not header:
        return []
    problems = []
    for page in pages:
        texts = [line.text.replace(" ", "") for line in page.content()]
        rows = [t for t in texts if re.match(r"^\d{1,3}[^\d年月日.%]", t) or t.startswith("合计")]
        if rows and not any(header in t for t in texts):
            problems.append(f"page {page.number}: table rows without the header row ('{header}')")
    return problems


def _title_breaks(pages: list[Page]) -> list[str]:
    """The title's lines (the large type of page 1) never break inside a number run."""
    if not pages:
        return []
    title = [line for line in pages[0].lines if line.height >= TITLE_MIN_HEIGHT_PT]
    problems = []
    for upper, lower in itertools.pairwise(title):
        before, after = upper.text.replace(" ", ""), lower.text.replace(" ", "")
        if re.search(r"[0-9A-Za-z\-–—]$", before) and re.match(r"^[0-9A-Za-z\-–—]", after):
            problems.append(f"page 1: title line '{before}' ends inside a number or word continued by '{after}'")
    return problems


def _type_area(page: Page) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) in points; a landscape page is the portrait one turned."""
    if page.landscape:
        left, right = MARGINS_MM["top"], MARGINS_MM["bottom"]
        top, bottom = MARGINS_MM["left"], MARGINS_MM["right"]
    else:
        left, right, top, bottom = (MARGINS_MM[k] for k in ("left", "right", "top", "bottom"))
    return left * MM, top * MM, page.width - right * MM, page.height - bottom * MM


def _outside_type_area(pages: list[Page], tolerance: float = 4.0) -> list[str]:
    problems = []
    for page in pages:
        left, top, right, bottom = _type_area(page)
        for line in page.content():
            hang = text_width(line.text[-1:]) * 16 if line.text[-1:] in _HANGING else 0.0  # 行末标点 may hang
            if line.x0 < left - tolerance or line.x1 > right + tolerance + hang:
                problems.append(f"page {page.number}: '{line.text[:20]}' reaches outside the type area's sides")
            elif line.y0 < top - 2 * tolerance or line.y1 > bottom + 2 * tolerance:
                problems.append(f"page {page.number}: '{line.text[:20]}' is above or below the type area")
    return problems


def _line_pitch(pages: list[Page]) -> list[str]:
    """Body lines (3号) sit on the grid of 22 lines to the type area's height (GB/T 9704 5.2.2)."""
    pitch = TYPE_AREA_MM[1] * MM / LINES_PER_PAGE
    problems = []
    for page in pages:
        if page.landscape:
            continue
        body = sorted(
            line.y0
            for line in page.content()
            if 18 <= line.height < TITLE_MIN_HEIGHT_PT and not _in_colophon(line)  # the 版记 is 4号, off the grid
        )
        steps = [b - a for a, b in itertools.pairwise(body) if 0.5 * pitch < b - a < 1.5 * pitch]
        off = [s for s in steps if abs(s - pitch) > 1.0]
        if len(body) > LINES_PER_PAGE:
            problems.append(f"page {page.number}: {len(body)} body lines, more than {LINES_PER_PAGE}")
        elif off:
            problems.append(f"page {page.number}: body lines {off[0]:.1f} pt apart, not {pitch:.1f} (22 lines a page)")
    return problems


# a run of Latin letters standing alone: not part of a code, a model number, an e-mail or web address
_PRODUCT_NAMES = frozenset({"Excel"})  # the form's instructions name the Excel lists sent with it
_LATIN_WORD = re.compile(r"(?<![A-Za-z0-9@._\-/:])[A-Za-z]{2,}(?![A-Za-z0-9@._\-/:])")


def latin_words(text: str) -> list[str]:
    """English words in a text: runs of two or more Latin letters that are not an upper-case
    abbreviation (CNC, PLC) nor part of a code (credit codes, model numbers like CK6150, e-mail),
    nor a product's name (Excel)."""
    return [word for word in _LATIN_WORD.findall(text) if not word.isupper() and word not in _PRODUCT_NAMES]


def _latin_words(pages: list[Page]) -> list[str]:
    """A document the bureau sends is written in Chinese: no English word in it."""
    problems = []
    for page in pages:
        for line in page.content():
            words = latin_words(line.text)
            if words:
                problems.append(f"page {page.number}: English words ({' '.join(words)}) in '{line.text[:30]}'")
    return problems
