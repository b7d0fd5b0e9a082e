"""Archived pages as pictures, and where a search term sits on them.

Pictures are rendered from the archive copy (the PDF/A) with pypdfium2, which ocrmypdf already brings,
at a few fixed widths, and cached under web/cache/ by the copy's SHA-256, so a re-read document never
shows an old picture. Match positions come from the copy's own text layer (what OCR put there): the
term is looked for in the layer's text folded the way search folds it, spaces ignored, and each
matching character's box is merged into one box per line. Boxes are fractions of the page, so the
browser scales them with the picture.

A text layer places each OCR'd word (a run between spaces) well, but not always the characters inside
it: the renderer spreads them by the invisible font's widths, which can put a match half a character
off. So a character's place across its word is re-estimated from the word's ends, sharing the width by
character (a full-width Chinese character counts two, a Latin letter or digit one). Measured against
where the text was drawn: tests/web/test_pageview.py.
"""

from __future__ import annotations

import io
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

from archive import write_all_atomically
from index import searchable_with_origin

WIDTHS = {"thumb": 240, "read": 1100}
FORMATS = {"thumb": ("PNG", "image/png"), "read": ("JPEG", "image/jpeg")}  # a small grey PNG; a colour JPEG
_PDFIUM = threading.Lock()  # PDFium is not thread-safe: one call into it at a time


@dataclass(frozen=True)
class Box:
    """A highlighted area as fractions of the page's width and height, from its top left corner."""

    left: float
    top: float
    width: float
    height: float


def picture_cache(web_dir: Path, copy_sha256: str) -> Path:
    """Where an archive copy's pictures are kept: by its hash, so a re-read copy gets new ones."""
    return web_dir / "cache" / "pages" / copy_sha256[:32]


def prepare_pictures(pdf: Path, pages: int, cache: Path) -> None:
    """Render every page at every size now (after an upload's OCR, in its job), so that a reviewer's
    first look at a page is as quick as any later one."""
    for page in range(1, pages + 1):
        for size in WIDTHS:
            page_image(pdf, page, size, cache)


def page_image(pdf: Path, page: int, size: str, cache: Path) -> bytes:
    """The page (1-based) as a picture at one of WIDTHS (format: FORMATS), from the cache when it was
    rendered before. Seals are red and photos are colour, so the reading size keeps colour."""
    kind, _ = FORMATS[size]
    cached = cache / f"{page}-{size}.{kind.lower()}"
    if cached.is_file():
        return cached.read_bytes()
    with _PDFIUM:
        document = pdfium.PdfDocument(str(pdf))
        try:
            sheet = document[page - 1]
            width, _ = sheet.get_size()
            image = sheet.render(scale=WIDTHS[size] / width).to_pil()
        finally:
            document.close()
    buffer = io.BytesIO()
    if kind == "PNG":
        image.convert("L").save(buffer, "PNG", optimize=True)
    else:
        image.convert("RGB").save(buffer, "JPEG", quality=85)
    data = buffer.getvalue()
    write_all_atomically([(cached, data)])
    return data


def page_count(pdf: Path) -> int:
    with _PDFIUM:
        document = pdfium.PdfDocument(str(pdf))
        try:
            return len(document)
        finally:
            document.close()


def match_boxes(pdf: Path, page: int, terms: list[str]) -> list[Box]:
    """Every place on the page where one of the (searchable-folded) terms occurs in its text layer."""
    wanted = [t.replace(" ", "") for t in terms if t.strip()]
    if not wanted:
        return []
    with _PDFIUM:
        document = pdfium.PdfDocument(str(pdf))
        try:
            sheet = document[page - 1]
            width, height = sheet.get_size()
            text_page = sheet.get_textpage()
            text = text_page.get_text_range()
            folded, origin = searchable_with_origin(text)
            compact, back = _without_spaces(folded, origin)
            boxes: list[Box] = []
            for term in wanted:
                start = compact.find(term)
                while start != -1:
                    chars = sorted({back[i] for i in range(start, start + len(term))})
                    rects = [_char_box(text_page, text, i) for i in chars if i < text_page.count_chars()]
                    boxes.extend(_merged(rects, width, height))
                    start = compact.find(term, start + len(term))
        finally:
            document.close()
    return boxes


def _weight(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _char_box(text_page: pdfium.PdfTextPage, text: str, index: int) -> tuple[float, float, float, float]:
    """The character's box (left, bottom, right, top): its height from the layer, its left and right
    from its share of its word's extent (see the module docstring)."""
    left, bottom, right, top = text_page.get_charbox(index, loose=True)
    first = index
    while first > 0 and not text[first - 1].isspace():
        first -= 1
    last = index
    while last + 1 < len(text) and not text[last + 1].isspace():
        last += 1
    if last == first:
        return left, bottom, right, top
    word_left = text_page.get_charbox(first, loose=True)[0]
    word_right = text_page.get_charbox(last, loose=True)[2]
    weights = [_weight(c) for c in text[first : last + 1]]
    if word_right <= word_left:
        return left, bottom, right, top
    unit = (word_right - word_left) / sum(weights)
    before = sum(weights[: index - first])
    return word_left + unit * before, bottom, word_left + unit * (before + weights[index - first]), top


def _without_spaces(folded: str, origin: list[int]) -> tuple[str, list[int]]:
    kept = [(c, o) for c, o in zip(folded, origin, strict=True) if not c.isspace()]
    return "".join(c for c, _ in kept), [o for _, o in kept]


def _merged(rects: list[tuple[float, float, float, float]], width: float, height: float) -> list[Box]:
    """Character boxes (left, bottom, right, top in PDF points, origin bottom left) joined per line."""
    lines: list[list[float]] = []
    for left, bottom, right, top in rects:
        if right <= left or top <= bottom:
            continue  # a space or a character the layer gives no area
        for line in lines:
            if abs(line[2] - bottom) < (top - bottom) * 0.6:
                line[0], line[1] = min(line[0], left), max(line[1], right)
                line[2], line[3] = min(line[2], bottom), max(line[3], top)
                break
        else:
            lines.append([left, right, bottom, top])
    pad = 2.0
    return [
        Box(
            max(0.0, (left - pad) / width),
            max(0.0, (height - top - pad) / height),
            min(1.0, (right - left + 2 * pad) / width),
            min(1.0, (top - bottom + 2 * pad) / height),
        )
        for left, right, bottom, top in lines
    ]
