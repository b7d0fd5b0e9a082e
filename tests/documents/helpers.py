"""Reading generated .docx files back as a user (or Word) would see them."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject

from tests.conftest import EXAMPLES, run


def make(kind: str, data: str | Path | None, out: Path, *extra: str) -> Path:
    args: list[str | Path] = ["make", kind]
    if data is not None:
        args.append(EXAMPLES / data if isinstance(data, str) else data)
    result = run(*args, "-o", out, *extra)
    assert result.exit_code == 0, result.output + result.stderr
    return out


def all_text(doc: DocumentObject) -> str:
    """Paragraphs then table cells, one per line."""
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            seen = set()
            for cell in row.cells:
                if id(cell._tc) not in seen:
                    seen.add(id(cell._tc))
                    lines.append(cell.text)
    return "\n".join(lines)


def colophon_text(doc: DocumentObject) -> str:
    """The 版记: the footer of the document's last section, one cell per line."""
    footer = doc.sections[-1].footer
    return "\n".join(cell.text for table in footer.tables for row in table.rows for cell in row.cells)


def read(path: Path) -> DocumentObject:
    return Document(str(path))


def squash(text: str) -> str:
    """NFKC (full-width punctuation to half-width) without any white space, for comparing wording."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def paragraphs_with_style(doc: DocumentObject, style: str) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style is not None and p.style.name == style]
