"""The evidence archive: untouched originals, OCR'd PDF/A copies, page texts and checksums per year.

Knows nothing of templates or Jinja. Public API:
`Archive` (ingest, retry, reocr, records), `verify`, `seal`, `unseal`, `export_year`, `ArchivalCode`.
"""

from archive.codes import ArchivalCode
from archive.export import export_year
from archive.fixity import verify
from archive.quality import PageQuality
from archive.seal import seal, unseal
from archive.store import Archive, FileResult, IngestOptions, IngestSummary, ReadAgain

__all__ = [
    "ArchivalCode",
    "Archive",
    "FileResult",
    "IngestOptions",
    "IngestSummary",
    "PageQuality",
    "ReadAgain",
    "export_year",
    "seal",
    "unseal",
    "verify",
]
