"""Sealing a year: no more ingest or retry into it; unsealing needs --force and a reason, both logged."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from archive.errors import BadInput, SealedYear
from archive.fixity import verify
from archive.lock import writer_lock
from archive.store import SEAL_LOG, SEALED_FILE, Archive


def _log(archive: Archive, year: int, entry: Mapping[str, Any]) -> None:
    with (archive.year_dir(year) / SEAL_LOG).open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False) + "\n")


def _set_writable(folder: Path, writable: bool) -> None:
    for path in [folder, *folder.rglob("*")]:
        if path.name in (SEAL_LOG, SEALED_FILE) and path.parent == folder:
            continue
        if path.is_dir():
            os.chmod(path, 0o755 if writable else 0o555)
        else:
            os.chmod(path, 0o644 if writable else 0o444)


def seal(
    archive: Archive, year: int, note: str = "", anchors: Mapping[str, str] | None = None, by: str | None = None
) -> dict[str, Any]:
    """Verify, record the seal (with `anchors`: hashes of records kept beside the archive, such as the
    decision journal's head, so that the seal names them), and make the year read-only."""
    with writer_lock(archive.root):
        if not archive.year_dir(year).is_dir():
            raise BadInput(f"{year}: no such year in {archive.root}")
        if archive.is_sealed(year):
            raise SealedYear(f"{year} is already sealed")
        report = verify(archive, year)
        if report.problems:
            raise BadInput(f"{year} fails verification ({report.problems[0]}); fix it before sealing")
        entry: dict[str, Any] = {
            "action": "seal",
            "at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "by": by or getpass.getuser(),
            "note": note,
            **({"anchors": dict(anchors)} if anchors else {}),
        }
        (archive.year_dir(year) / SEALED_FILE).write_text(json.dumps(entry, ensure_ascii=False) + "\n", "utf-8")
        _log(archive, year, entry)
        _set_writable(archive.year_dir(year), False)
        return entry


def unseal(archive: Archive, year: int, *, force: bool, reason: str, by: str | None = None) -> dict[str, str]:
    if not force or not reason.strip():
        raise BadInput(f'unsealing {year} needs --force and --reason "why"; the reason is kept in the log')
    with writer_lock(archive.root):
        if not archive.is_sealed(year):
            raise BadInput(f"{year} is not sealed")
        _set_writable(archive.year_dir(year), True)
        (archive.year_dir(year) / SEALED_FILE).unlink()
        entry = {
            "action": "unseal",
            "at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "by": by or getpass.getuser(),
            "reason": reason,
        }
        _log(archive, year, entry)
        return entry


def seal_history(archive: Archive, year: int) -> list[dict[str, Any]]:
    """Every seal and unseal of the year, oldest first, as logged (who, when, why)."""
    path = archive.year_dir(year) / SEAL_LOG
    if not path.is_file():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError:
            entries.append({"action": "unreadable log line", "reason": line[:200]})
    return entries
