"""The evidence archive: untouched originals, OCR'd PDF/A copies, page texts and checksums per year.

Knows nothing of templates or Jinja. Public API:
`Archive` (ingest, retry, records), `verify`, `seal`, `unseal`, `export_year`, `ArchivalCode`.
"""

from archive.codes import ArchivalCode
from archive.export import export_year
from archive.fixity import verify
from archive.seal import seal, unseal
from archive.store import Archive, FileResult, IngestOptions, IngestSummary

__all__ = [
    "ArchivalCode",
    "Archive",
    "FileResult",
    "IngestOptions",
    "IngestSummary",
    "export_year",
    "seal",
    "unseal",
    "verify",
]
