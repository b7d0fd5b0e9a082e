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
MIN_CHARACTERS = 8  # fewer characters than a name and a number: nothing usable was read
MIN_CONFIDENCE = 0.80  # mean confidence (0-1) below which a page's text is doubtful; see bench/ocr_engines.py

PageStatus = Literal["ok", "needs_review"]


class PageQuality(BaseModel):
    """One page: characters found, the engine's mean confidence (0-1; None where the page had its own
    text and was not OCR'd), and the verdict."""

    model_config = ConfigDict(extra="forbid")

    page: int  # counted from 1
    characters: int
    confidence: float | None
    status: PageStatus
    reason: str = ""


def judge(page: int, text: str, confidence: float | None) -> PageQuality:
    """The verdict on one page from its final text and the engine's confidence."""
    characters = sum(1 for c in text if not c.isspace())
    if characters < MIN_CHARACTERS:
        reason = "no text was read" if characters == 0 else f"only {characters} characters were read"
        return PageQuality(
            page=page, characters=characters, confidence=confidence, status="needs_review", reason=reason
        )
    if confidence is not None and confidence < MIN_CONFIDENCE:
        return PageQuality(
            page=page,
            characters=characters,
            confidence=confidence,
            status="needs_review",
            reason=f"low OCR confidence {confidence:.2f} (below {MIN_CONFIDENCE:.2f})",
        )
    return PageQuality(page=page, characters=characters, confidence=confidence, status="ok")


def report_page(page: int, confidence: float | None) -> None:
    """Called by a plugin inside ocrmypdf: one line per page, appended (atomic for lines this short)."""
    target = os.environ.get(REPORT_ENV)
    if not target:
        return
    line = json.dumps({"page": page, "confidence": confidence}) + "\n"
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


def read_report(path: Path) -> dict[int, float | None]:
    """Page number -> mean confidence, from a report file (missing file: no page was OCR'd)."""
    if not path.is_file():
        return {}
    found: dict[int, float | None] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            found[int(entry["page"])] = entry["confidence"]
    return found


def page_number_of(image: Path) -> int:
    """ocrmypdf names a page's files '000003_ocr.png': the page number, counted from 1."""
    digits = image.name.split("_", 1)[0]
    return int(digits) if digits.isdigit() else 0
