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
import json
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pypdfium2 as pdfium

from archive import write_all_atomically
from index import searchable_with_origin

WIDTHS = {"thumb": 240, "read": 1100}


class Encoding(NamedTuple):
    format: str  # PIL's name
    mimetype: str
    mode: str  # PIL mode: L grey, RGB colour
    quality: int


# JPEG both: scans are noise to PNG (a grey PNG thumbnail was 5.6 times the bytes and 30 times the encoding
# time of a grey JPEG on the demo's pages); thumbnails are grey, the reading size keeps colour (seals, photos)
FORMATS = {"thumb": Encoding("JPEG", "image/jpeg", "L", 80), "read": Encoding("JPEG", "image/jpeg", "RGB", 85)}
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
    """Render every page at every size and keep its text layer now (after an upload's OCR, in its job),
    so that a reviewer's first look at a page is as quick as any later one."""
    for page in range(1, pages + 1):
        for size in WIDTHS:
            page_image(pdf, page, size, cache)
        text_layer(pdf, page, cache)


def page_image(pdf: Path, page: int, size: str, cache: Path) -> bytes:
    """The page (1-based) as a picture at one of WIDTHS (format: FORMATS), from the cache when it was
    rendered before. Seals are red and photos are colour, so the reading size keeps colour."""
    encoding = FORMATS[size]
    cached = cache / f"{page}-{size}.{encoding.format.lower()}"
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
    image.convert(encoding.mode).save(buffer, encoding.format, quality=encoding.quality)
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


@dataclass(frozen=True)
class TextLayer:
    """A page's text layer as PDFium reads it: its text, each character's box (left, bottom, right, top
    in PDF points) and the page's size. Read once per page and kept beside its pictures: an archive
    copy never changes under its hash, and matching from the kept layer needs no PDFium call (so a
    search's highlights never wait behind another request's page rendering)."""

    text: str
    boxes: list[tuple[float, float, float, float]]
    width: float
    height: float


def text_layer(pdf: Path, page: int, cache: Path | None = None) -> TextLayer:
    kept = cache / f"{page}-text.json" if cache is not None else None
    if kept is not None and kept.is_file():
        try:
            data = json.loads(kept.read_text(encoding="utf-8"))
            return TextLayer(data["text"], [tuple(b) for b in data["boxes"]], data["width"], data["height"])
        except (OSError, ValueError, KeyError, TypeError):
            pass  # a damaged cache file is read again from the PDF
    with _PDFIUM:
        document = pdfium.PdfDocument(str(pdf))
        try:
            sheet = document[page - 1]
            width, height = sheet.get_size()
            text_page = sheet.get_textpage()
            text = text_page.get_text_range()
            count = min(len(text), text_page.count_chars())
            boxes = [tuple(text_page.get_charbox(i, loose=True)) for i in range(count)]
        finally:
            document.close()
    layer = TextLayer(text, boxes, width, height)
    if kept is not None:
        body = json.dumps({"text": text, "boxes": boxes, "width": width, "height": height}, ensure_ascii=False)
        write_all_atomically([(kept, body.encode("utf-8"))])
    return layer


def match_boxes(pdf: Path, page: int, terms: list[str], cache: Path | None = None) -> list[Box]:
    """Every place on the page where one of the (searchable-folded) terms occurs in its text layer."""
    wanted = [t.replace(" ", "") for t in terms if t.strip()]
    if not wanted:
        return []
    layer = text_layer(pdf, page, cache)
    folded, origin = searchable_with_origin(layer.text)
    compact, back = _without_spaces(folded, origin)
    boxes: list[Box] = []
    for term in wanted:
        start = compact.find(term)
        while start != -1:
            chars = sorted({back[i] for i in range(start, start + len(term))})
            rects = [_char_box(layer, i) for i in chars if i < len(layer.boxes)]
            boxes.extend(_merged(rects, layer.width, layer.height))
            start = compact.find(term, start + len(term))
    return boxes


def _weight(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _char_box(layer: TextLayer, index: int) -> tuple[float, float, float, float]:
    """The character's box (left, bottom, right, top): its height from the layer, its left and right
    from its share of its word's extent (see the module docstring)."""
    text, boxes = layer.text, layer.boxes
    left, bottom, right, top = boxes[index]
    first = index
    while first > 0 and not text[first - 1].isspace():
        first -= 1
    last = index
    while last + 1 < len(boxes) and not text[last + 1].isspace():  # boxes: one per character of text
        last += 1
    if last == first:
        return left, bottom, right, top
    word_left, word_right = boxes[first][0], boxes[last][2]
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
