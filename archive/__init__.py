"""The evidence archive: untouched originals, OCR'd PDF/A copies, page texts and checksums per year.

Stands alone: it imports nothing of docgen and takes plain values (a `Fonds`, not a programme).
Public API:
- `Archive(root, fonds)`: ingest, retry, reocr, records; `IngestOptions`, `ReadAgain`, `IngestSummary`,
  `FileResult`; `ItemRecord` (record.json), `PageQuality`;
- `Fonds`, `EvidenceKind`, `ArchivalCode`: whose archive it is and how its 档号 are made;
- `verify`, `seal`, `unseal`, `seal_history`, `export_year`, `catalogue_csv` (归档文件目录);
- for a shell that writes beside the archive: `writer_lock`, `lock_holder`, `identify` (the file checker),
  `sniff` (what a file is by its bytes) with `IMAGE_KINDS`, `OFFICE_KINDS`, `SPREADSHEET_KINDS`,
  `expand` (files under the paths given), `write_all_atomically`, `safe_filename`, `sha256_of`;
- OCR: `ENGINES`, `DEFAULT_ENGINE`, `DEFAULT_LANGUAGES`;
- errors: `ArchiveError` (base, with `kind`), `BadInput`, `RejectedFile`, `SealedYear`, `OcrFailed`,
  `EngineMissing`.
"""

from archive.codes import ArchivalCode, EvidenceKind, Fonds
from archive.errors import ArchiveError, BadInput, EngineMissing, OcrFailed, RejectedFile, SealedYear
from archive.export import catalogue_csv, export_year
from archive.files import INVISIBLE, safe_filename, write_all_atomically
from archive.fixity import VerifyReport, verify
from archive.lock import lock_holder, writer_lock
from archive.ocr import DEFAULT_ENGINE, DEFAULT_LANGUAGES, ENGINES
from archive.quality import PageQuality
from archive.record import ItemRecord, sha256_of
from archive.seal import seal, seal_history, unseal
from archive.sniff import IMAGE_KINDS, OFFICE_KINDS, SPREADSHEET_KINDS, identify, sniff
from archive.store import Archive, FileResult, IngestOptions, IngestSummary, ReadAgain, expand

__all__ = [
    "DEFAULT_ENGINE",
    "DEFAULT_LANGUAGES",
    "ENGINES",
    "IMAGE_KINDS",
    "INVISIBLE",
    "OFFICE_KINDS",
    "SPREADSHEET_KINDS",
    "ArchivalCode",
    "Archive",
    "ArchiveError",
    "BadInput",
    "EngineMissing",
    "EvidenceKind",
    "FileResult",
    "Fonds",
    "IngestOptions",
    "IngestSummary",
    "ItemRecord",
    "OcrFailed",
    "PageQuality",
    "ReadAgain",
    "RejectedFile",
    "SealedYear",
    "VerifyReport",
    "catalogue_csv",
    "expand",
    "export_year",
    "identify",
    "lock_holder",
    "safe_filename",
    "seal",
    "seal_history",
    "sha256_of",
    "sniff",
    "unseal",
    "verify",
    "write_all_atomically",
    "writer_lock",
]
