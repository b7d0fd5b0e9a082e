"""Exporting a year as a BagIt bag (Library of Congress; the `bagit` library), with its catalogue."""

from __future__ import annotations

import csv
import io
import shutil
import uuid
from collections.abc import Mapping
from pathlib import Path

import bagit

from archive.errors import BadInput
from archive.fixity import verify
from archive.lock import writer_lock
from archive.store import Archive

CATALOGUE = "catalogue.csv"  # 归档文件目录
CATALOGUE_COLUMNS = ["序号", "档号", "责任者", "题名", "日期", "页数", "备注"]


def catalogue_csv(archive: Archive, year: int) -> str:
    """归档文件目录 as CSV (UTF-8 with BOM, so Excel and WPS read the Chinese). 题名 supplied by the
    archivist go in [ ], as DA/T 22 asks: here the evidence type and the file name as received."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CATALOGUE_COLUMNS)
    for number, (_, record) in enumerate(archive.records(year), 1):
        notes = "; ".join([*([] if record.status == "ok" else [record.status]), *record.notes])
        writer.writerow(
            [
                number,
                record.archival_code,
                record.applicant,
                f"[{record.evidence_type_name}]{record.original.name}",
                record.ingested_at[:10].replace("-", ""),
                record.pages,
                notes,
            ]
        )
    return "\ufeff" + out.getvalue()


def _locks(folder: str, names: list[str]) -> list[str]:
    return [n for n in names if n == ".lock"]


def export_year(
    archive: Archive,
    year: int,
    out: Path,
    extra: dict[str, Path] | None = None,
    bag_info: Mapping[str, str] | None = None,
) -> Path:
    """Write `out` as a bag of the year's archive (and `extra` files and folders, by name in the bag,
    and `bag_info` lines, such as the decision journal's head hash); nothing is left half-made."""
    out = Path(out)
    if out.is_file() or (out.is_dir() and any(out.iterdir())):
        raise BadInput(f"{out}: already exists; export into a new folder")
    if not archive.year_dir(year).is_dir():
        raise BadInput(f"{year}: no such year in {archive.root}")
    with writer_lock(archive.root):
        report = verify(archive, year)
        if report.problems:
            raise BadInput(f"{year} fails verification ({report.problems[0]}); run 'docgen archive verify'")
        partial = out.parent / f".{out.name}.{uuid.uuid4().hex}.partial"
        try:
            shutil.copytree(archive.year_dir(year), partial / "archive" / str(year), copy_function=shutil.copyfile)
            for name, source in (extra or {}).items():
                if source.is_dir():
                    shutil.copytree(source, partial / name, copy_function=shutil.copyfile, ignore=_locks)
                else:
                    shutil.copyfile(source, partial / name)
            (partial / CATALOGUE).write_text(catalogue_csv(archive, year), encoding="utf-8")
            bag = bagit.make_bag(
                str(partial),
                {
                    "Source-Organization": archive.fonds.authority,
                    "External-Description": f"{archive.fonds.title}: {year} evidence archive",
                    "External-Identifier": f"{archive.fonds.code}-WS·{year}",
                    **(bag_info or {}),
                },
                checksums=["sha256"],
            )
            bag.validate()
            if out.is_dir():
                out.rmdir()
            partial.rename(out)
        finally:
            shutil.rmtree(partial, ignore_errors=True)
    return out
