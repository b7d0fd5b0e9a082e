"""ocrmypdf plugin: Tesseract as ocrmypdf runs it, plus the page's mean word confidence
(`--plugin archive._plugin_tesseract`), so that both engines report how well each page was read."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ocrmypdf import hookimpl
from ocrmypdf.builtin_plugins.tesseract_ocr import TesseractOcrEngine
from ocrmypdf.pluginspec import OcrEngine

from archive.quality import page_number_of, report_page

_WORD = re.compile(r"class=['\"]ocrx_word['\"][^>]*?x_wconf (\d+)[^>]*>(.*?)</span>", re.S)
_TAG = re.compile(r"<[^>]+>")


class ReportingTesseract(TesseractOcrEngine):
    @staticmethod
    def generate_hocr(input_file: Path, output_hocr: Path, output_text: Path, options: Any) -> None:
        TesseractOcrEngine.generate_hocr(input_file, output_hocr, output_text, options)
        words = [
            (int(conf), _TAG.sub("", text).strip())
            for conf, text in _WORD.findall(output_hocr.read_text(encoding="utf-8", errors="replace"))
        ]
        words = [(conf, text) for conf, text in words if text]
        read = sum(len(text) for _, text in words)
        report_page(
            page_number_of(input_file), sum(conf * len(text) for conf, text in words) / 100 / read if read else None
        )


@hookimpl
def get_ocr_engine(options: Any) -> OcrEngine:
    return ReportingTesseract()
