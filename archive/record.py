"""The metadata record of one archived document (record.json, beside the files it describes)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from archive.errors import BadInput
from archive.quality import PageQuality

RECORD_FILE = "record.json"


class OriginalFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str  # as received (may hold characters that are not safe in a file name)
    stored_as: str  # path inside the item folder
    sha256: str
    size: int
    media_type: str


class ArchiveCopy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    file: str
    sha256: str
    size: int
    pdfa: bool  # PDF/A-2b, or a plain searchable PDF (see notes)


class OcrInfo(BaseModel):
    """What read the pages: `ppocr` or `tesseract` (records made before engines were chosen say
    `ocrmypdf`, which was Tesseract), with the versions of every part, and when."""

    model_config = ConfigDict(extra="forbid")

    engine: str = "ocrmypdf"
    versions: dict[str, str]
    languages: str
    read_at: str | None = None


class ItemRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    archival_code: str
    item: int  # 件号
    year: int
    applicant: str  # as given: a unit name or a credit code
    applicant_folder: str
    evidence_type: str
    evidence_type_name: str
    retention: str
    status: Literal["ok", "needs_review", "ocr_failed"]  # needs_review: some page could not be read well
    pages: int
    original: OriginalFile
    archive_copy: ArchiveCopy | None = None
    page_files: list[str] = []
    files: dict[str, str] = {}  # every file of the item but this record -> sha256
    ocr: OcrInfo
    ocr_history: list[OcrInfo] = []  # earlier readings, replaced by 'docgen archive reocr', oldest first
    page_quality: list[PageQuality] = []  # one per page; empty in records made before it was measured
    ingested_at: str
    notes: list[str] = []
    removed_from_copy: list[str] = []  # scripts, actions, attachments, forms the archive copy lost

    def pages_to_review(self) -> list[PageQuality]:
        return [q for q in self.page_quality if q.status != "ok"]

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"

    def write(self, folder: Path) -> Path:
        path = folder / RECORD_FILE
        path.write_text(self.to_json(), encoding="utf-8")
        return path

    @classmethod
    def read(cls, folder: Path) -> ItemRecord:
        """The record of an archived document; a damaged one is bad input naming the file, not a crash."""
        path = folder / RECORD_FILE
        try:
            return cls.model_validate_json(path.read_bytes())
        except (OSError, ValueError) as exc:  # pydantic's ValidationError is a ValueError
            reason = type(exc).__name__ if not isinstance(exc, OSError) else exc.strerror
            raise BadInput(
                f"{path}: damaged record ({reason}); restore it from the year's export or a backup "
                "('docgen archive verify' lists what else differs)"
            ) from None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checksum_files(folder: Path) -> dict[str, str]:
    """sha256 of every file below `folder` except the record, by relative path."""
    return {
        path.relative_to(folder).as_posix(): sha256_of(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != RECORD_FILE
    }
