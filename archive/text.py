"""One clean text per page.

Measured on ocrmypdf 17 output (see docs/brief): pypdf's extract_text() gives Chinese with a NUL
before every glyph (default renderer) or a space between characters (sandwich renderer), and
reading order can be scrambled; ocrmypdf's --sidecar text is clean and in order. So OCR'd pages
take the sidecar, pages that already had text take pypdf, and both are normalised.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from pypdf import PdfReader

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])[ \t]+(?=[{_CJK}])")
_SKIPPED = re.compile(r"^\s*\[OCR skipped on page")


def normalise(text: str) -> str:
    """NFKC, no NULs or control characters, no spaces between Chinese characters, tidy lines."""
    text = unicodedata.normalize("NFKC", text.replace("\x00", ""))
    text = "".join(c for c in text if c in "\n\t" or unicodedata.category(c) != "Cc")
    text = _SPACE_BETWEEN_CJK.sub("", text)
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def page_texts(pdf: Path, sidecar: str | None) -> list[str]:
    """Normalised text of each page: the OCR sidecar where OCR ran, the PDF's own text elsewhere."""
    reader = PdfReader(pdf)
    chunks = sidecar.split("\f") if sidecar is not None else []
    texts = []
    for number, page in enumerate(reader.pages):
        chunk = chunks[number] if number < len(chunks) else None
        if chunk is None or _SKIPPED.match(chunk):
            try:
                chunk = page.extract_text() or ""
            except Exception:  # pypdf raises assorted errors on odd content streams
                chunk = ""
        texts.append(normalise(chunk))
    return texts
