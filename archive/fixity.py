"""Fixity: recompute every checksum and report what is missing, altered or unexpected."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive.record import RECORD_FILE, ItemRecord, sha256_of
from archive.store import MANIFEST, SEAL_LOG, SEALED_FILE, WITHDRAWN_LOG, YEAR_FILE, Archive

_YEAR_FILES = {MANIFEST, YEAR_FILE, SEALED_FILE, SEAL_LOG, WITHDRAWN_LOG}


@dataclass(frozen=True)
class Problem:
    kind: str  # missing, altered, unexpected, unlisted
    path: Path
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.kind}: {self.path}" + (f" ({self.detail})" if self.detail else "")


@dataclass(frozen=True)
class VerifyReport:
    problems: list[Problem]
    items: int
    files: int

    def to_json(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "files": self.files,
            "problems": [{"kind": p.kind, "path": str(p.path), "detail": p.detail} for p in self.problems],
        }


def verify(archive: Archive, year: int | None = None) -> VerifyReport:
    problems: list[Problem] = []
    items = files = 0
    for y in [year] if year is not None else archive.years():
        year_dir = archive.year_dir(y)
        if not year_dir.is_dir():
            problems.append(Problem("missing", year_dir, "no such year in the archive"))
            continue
        expected: set[Path] = {year_dir / name for name in _YEAR_FILES}
        manifest = archive.manifest(y)
        for name, digest in manifest.items():
            record_path = year_dir / name
            expected.add(record_path)
            files += 1
            if not record_path.is_file():
                problems.append(Problem("missing", record_path))
                continue
            if sha256_of(record_path) != digest:
                problems.append(Problem("altered", record_path, "the record differs from the year's manifest"))
                continue
            items += 1
            folder = record_path.parent
            for relative, file_digest in ItemRecord.read(folder).files.items():
                path = folder / relative
                expected.add(path)
                files += 1
                if not path.is_file():
                    problems.append(Problem("missing", path))
                elif sha256_of(path) != file_digest:
                    problems.append(Problem("altered", path, "checksum differs from the record"))
        for path in sorted(p for p in year_dir.rglob("*") if p.is_file()):
            if path in expected:
                continue
            if path.name == RECORD_FILE:
                problems.append(Problem("unlisted", path, "committed but not in the manifest; an ingest adds it"))
            else:
                problems.append(Problem("unexpected", path))
    return VerifyReport(problems, items, files)
