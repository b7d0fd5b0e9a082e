"""ocrmypdf plugin: PP-OCR as the OCR engine (`--plugin archive._plugin_ppocr`).

ocrmypdf keeps everything else: rasterising, page rotation (asked of this engine), deskew, the
text layer (fpdf2 renderer from the lines given here), PDF/A, the sidecar and page parallelism.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ocrmypdf import hookimpl
from ocrmypdf.hocrtransform import BoundingBox, OcrClass, OcrElement
from ocrmypdf.pluginspec import OcrEngine, OrientationConfidence

from archive import ppocr
from archive.quality import report_page


class PpOcrEngine(OcrEngine):
    @staticmethod
    def version() -> str:
        return ppocr.versions()[ppocr.PACKAGE]

    @staticmethod
    def creator_tag(options: Any) -> str:
        return f"PP-OCRv4 via RapidOCR {PpOcrEngine.version()}"

    def __str__(self) -> str:
        return f"PP-OCRv4 (RapidOCR {self.version()})"

    @staticmethod
    def languages(options: Any) -> set[str]:
        # the Chinese models read Simplified Chinese with Latin letters and digits; accept the
        # language names docgen passes to either engine
        return {"chi_sim", "eng", "chi_sim+eng"}

    @staticmethod
    def get_orientation(input_file: Path, options: Any) -> OrientationConfidence:
        found = ppocr.orientation(ppocr.load(input_file))
        return OrientationConfidence(angle=found.angle, confidence=float(found.confidence))

    @staticmethod
    def get_deskew(input_file: Path, options: Any) -> float:
        return 0.0  # ocrmypdf's --deskew uses Leptonica when the engine gives 0; PP-OCR reads skewed lines

    @staticmethod
    def supports_generate_ocr() -> bool:
        return True

    @staticmethod
    def generate_ocr(input_file: Path, options: Any, page_number: int = 0) -> tuple[OcrElement, str]:
        from PIL import Image

        with Image.open(input_file) as image:
            width, height = image.size
            dpi = image.info.get("dpi", (300, 300))[0]
        reading = ppocr.read(ppocr.load(input_file))
        lines = reading.lines
        page = OcrElement(
            ocr_class=OcrClass.PAGE,
            bbox=BoundingBox(left=0, top=0, right=width, bottom=height),
            dpi=float(dpi),
            page_number=page_number,
        )
        rows = _rows(lines)
        for row in rows:
            page.children.append(_line_element(row))
        text = "\n".join(_row_text(row) for row in rows)
        report_page(page_number + 1, reading.confidence, unread_areas=reading.unread_areas)
        return page, text + "\n"

    @staticmethod
    def generate_hocr(input_file: Path, output_hocr: Path, output_text: Path, options: Any) -> None:
        raise NotImplementedError("the PP-OCR engine gives its lines through generate_ocr (fpdf2 renderer)")

    @staticmethod
    def generate_pdf(input_file: Path, output_pdf: Path, output_text: Path, options: Any) -> None:
        raise NotImplementedError("the PP-OCR engine gives its lines through generate_ocr (fpdf2 renderer)")


def _rows(lines: list[ppocr.Line]) -> list[list[ppocr.Line]]:
    """Boxes on the same text row (a label and its value detected apart) joined, top to bottom, left to right."""
    rows: list[list[ppocr.Line]] = []
    for line in sorted(lines, key=lambda item: (item.top + item.bottom) / 2):
        middle = (line.top + line.bottom) / 2
        if rows:
            last = rows[-1]
            top = min(item.top for item in last)
            bottom = max(item.bottom for item in last)
            if top <= middle <= bottom and abs((top + bottom) / 2 - middle) < (bottom - top) / 2:
                last.append(line)
                continue
        rows.append([line])
    return [sorted(row, key=lambda item: item.left) for row in rows]


def _row_text(row: list[ppocr.Line]) -> str:
    return " ".join(line.text for line in row)


def _line_element(row: list[ppocr.Line]) -> OcrElement:
    left, top = min(item.left for item in row), min(item.top for item in row)
    right, bottom = max(item.right for item in row), max(item.bottom for item in row)
    element = OcrElement(ocr_class=OcrClass.LINE, bbox=BoundingBox(left=left, top=top, right=right, bottom=bottom))
    for line in row:
        element.children.extend(_words(line))
    return element


def _words(line: ppocr.Line) -> list[OcrElement]:
    """The line's text as words (runs between spaces), each given its share of the box by character count,
    so that a search hit can be highlighted near where it stands on the page."""
    pieces = line.text.split()
    total = sum(len(piece) for piece in pieces) + max(0, len(pieces) - 1)
    if not total:
        return []
    width = line.right - line.left
    words, cursor = [], 0
    for piece in pieces:
        start = line.left + width * cursor / total
        end = line.left + width * (cursor + len(piece)) / total
        words.append(
            OcrElement(
                ocr_class=OcrClass.WORD,
                bbox=BoundingBox(left=start, top=line.top, right=max(end, start + 1), bottom=line.bottom),
                text=piece,
                confidence=line.confidence,
                language="chi_sim",
            )
        )
        cursor += len(piece) + 1
    return words


@hookimpl
def get_ocr_engine(options: Any) -> OcrEngine:
    return PpOcrEngine()
