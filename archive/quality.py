"""How well each page was read, and which pages a person must look at.

The OCR plugins (archive/_plugin_ppocr.py, archive/_plugin_tesseract.py) run inside ocrmypdf's
process and append one JSON line per recognised page (its engine's mean confidence) to the file
named by REPORT_ENV; the archive reads it back after the run and counts the characters of the
final page text itself. A page with (almost) no characters or a low mean confidence
is `needs_review`, never `ok`: an empty page that says "ok" would let the cross-check call a
teacher "not found" when the certificate is there but unread.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

REPORT_ENV = "DOCGEN_OCR_REPORT"
MIN_CHARACTERS = 8  # fewer characters than a name and a number: nothing usable was read ...
SURE = 0.95  # ... unless read with at least this confidence (a cover page, 'TEST', 我是中国人)
MIN_CONFIDENCE = 0.80  # mean confidence (0-1) below which a page's text is doubtful; see bench/ocr_engines.py

PageStatus = Literal["ok", "needs_review"]


class PageQuality(BaseModel):
    """One page: characters found, the engine's mean confidence (0-1; None where the page had its own
    text and was not OCR'd), text areas found but not read, and the verdict with its reason (English
    for the command line, Chinese for the web and the worksheet)."""

    model_config = ConfigDict(extra="forbid")

    page: int  # counted from 1
    characters: int
    confidence: float | None
    status: PageStatus
    reason: str = ""
    reason_zh: str = ""
    unread_areas: int = 0

    @property
    def said_zh(self) -> str:
        """The reason in Chinese (records made before reasons were kept in Chinese are translated)."""
        if self.reason_zh or not self.reason:
            return self.reason_zh
        if self.reason == "no text was read":
            return "未识别出文字"
        if self.reason.startswith("only "):
            return f"只识别出 {self.characters} 个字符"
        if self.reason.startswith("low OCR confidence") and self.confidence is not None:
            return f"识别可信度低（{self.confidence:.2f}，低于 {MIN_CONFIDENCE:.2f}）"
        return "需人工复核"


def judge(page: int, text: str, confidence: float | None, unread_areas: int = 0) -> PageQuality:
    """The verdict on one page from its final text, the engine's confidence and the text areas the
    detector found that no reading could read (lines lost: the mean confidence cannot see them)."""
    characters = sum(1 for c in text if not c.isspace())
    found = {"page": page, "characters": characters, "confidence": confidence, "unread_areas": unread_areas}

    def review(reason: str, reason_zh: str) -> PageQuality:
        return PageQuality(**found, status="needs_review", reason=reason, reason_zh=reason_zh)

    if characters == 0:
        return review("no text was read", "未识别出文字")
    if unread_areas:
        return review(
            f"{unread_areas} text area(s) found on the page could not be read",
            f"页面上有 {unread_areas} 处文字未能识别，可能漏行",
        )
    short = characters < MIN_CHARACTERS and (confidence is None or confidence < SURE)
    if short:
        return review(f"only {characters} characters were read", f"只识别出 {characters} 个字符")
    if confidence is not None and confidence < MIN_CONFIDENCE:
        return review(
            f"low OCR confidence {confidence:.2f} (below {MIN_CONFIDENCE:.2f})",
            f"识别可信度低（{confidence:.2f}，低于 {MIN_CONFIDENCE:.2f}）",
        )
    return PageQuality(**found, status="ok")


def report_page(page: int, confidence: float | None, unread_areas: int = 0) -> None:
    """Called by a plugin inside ocrmypdf: one line per page, appended (atomic for lines this short)."""
    target = os.environ.get(REPORT_ENV)
    if not target:
        return
    line = json.dumps({"page": page, "confidence": confidence, "unread_areas": unread_areas}) + "\n"
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


def read_report(path: Path) -> dict[int, tuple[float | None, int]]:
    """Page number -> (mean confidence, text areas not read), from a report file (missing: no page OCR'd)."""
    if not path.is_file():
        return {}
    found: dict[int, tuple[float | None, int]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            found[int(entry["page"])] = (entry["confidence"], int(entry.get("unread_areas", 0)))
    return found


def page_number_of(image: Path) -> int:
    """ocrmypdf names a page's files '000003_ocr.png': the page number, counted from 1."""
    digits = image.name.split("_", 1)[0]
    return int(digits) if digits.isdigit() else 0
