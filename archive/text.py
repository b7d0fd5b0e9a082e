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
from typing import Any

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


def page_texts(pdf: Path, sidecar: str | None, own: list[str] | None = None) -> list[str]:
    """Normalised text of each page: the OCR sidecar where OCR ran, the PDF's own text elsewhere. `own`:
    the pages' printed text before OCR, when OCR read only the pictures beside it (ocrmypdf's redo
    mode): both are the page's text."""
    reader = PdfReader(pdf)
    chunks = sidecar.split("\f") if sidecar is not None else []
    texts = []
    for number, page in enumerate(reader.pages):
        chunk = chunks[number] if number < len(chunks) else None
        if chunk is None or _SKIPPED.match(chunk):
            chunk = _extract(page)
        elif own is not None and number < len(own) and own[number].strip():
            chunk = own[number] + "\n" + chunk
        texts.append(normalise(chunk))
    return texts


def _extract(page: Any) -> str:
    try:
        return page.extract_text() or ""
    except Exception:  # pypdf raises assorted errors on odd content streams
        return ""


def printed_text_beside_pictures(pdf: Path) -> list[str] | None:
    """Each page's printed text, when some page has both printed text and a picture (a Word form with a
    scan pasted in, printed to PDF): those pictures must be read too. None when no page has both."""
    try:
        reader = PdfReader(pdf)
        texts = [_extract(page) for page in reader.pages]
        mixed = any(text.strip() and _has_picture(page) for text, page in zip(texts, reader.pages, strict=True))
    except Exception:  # an unreadable PDF is the OCR step's to report
        return None
    return texts if mixed else None


def _has_picture(page: Any) -> bool:
    resources = page.get("/Resources")
    objects = resources.get_object().get("/XObject") if resources is not None else None
    if objects is None:
        return False
    for ref in objects.get_object().values():
        item = ref.get_object()
        if item.get("/Subtype") == "/Image" and int(item.get("/Width", 0)) * int(item.get("/Height", 0)) >= 200 * 200:
            return True
    return False
