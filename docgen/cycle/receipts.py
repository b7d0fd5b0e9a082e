"""A receipt is whole or absent: the evidence archived for a receive that never got its decision.

`receive` archives the applicant's evidence before it records its decision (the decision lists what
was archived). A receipt that dies in between (a server killed mid-upload, a power cut) would leave
documents in the archive that no decision speaks for. So before archiving, `receive` writes a marker
naming the unit, the year and the first 件号 it may use; the marker goes once the decision is
recorded. A marker found by the next command that writes (under the workspace lock, so its receipt
is certainly dead) means: withdraw those documents, put the index in line, remove the marker.
Meanwhile `status` does not count them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from archive import Archive, lock_holder, write_all_atomically, writer_lock
from docgen.cycle.details import Received
from docgen.cycle.journal import Step, load_decisions
from docgen.evidence import open_archive, refresh_index
from docgen.workspace import Workspace

PREFIX = ".receiving-"


def _marker(workspace: Workspace, year: int, code: str) -> Path:
    return workspace.decisions_dir(year) / f"{PREFIX}{code}.json"


@contextmanager
def receipt(workspace: Workspace, archive: Archive, year: int, code: str) -> Iterator[None]:
    """Archive a unit's evidence inside this; leave it only when the decision is recorded. On an error
    the documents archived so far are withdrawn at once; after a crash, by the next writer."""
    marker = _marker(workspace, year, code)
    body = {"year": year, "applicant_folder": Archive.applicant_folder(code), "from_item": archive.next_item(year)}
    write_all_atomically([(marker, json.dumps(body).encode())])
    try:
        yield
    except BaseException:
        roll_back(workspace, archive, marker)
        raise
    marker.unlink()


def unfinished(workspace: Workspace) -> list[Path]:
    root = workspace.decisions_dir()
    return sorted(root.glob(f"*/{PREFIX}*.json")) if root.is_dir() else []


def recover(workspace: Workspace) -> list[str]:
    """At a server's start: roll back the receipts a stop cut off, and remove what a crash left in the
    archive's staging (pictures of applicants' pages among it); nothing is locked when there is
    nothing to do. The archival codes withdrawn."""
    if (workspace.archive_dir / ".staging").exists() and lock_holder(workspace.archive_dir) is None:
        open_archive(workspace).recover()  # (a writer at work now cleans up after itself)
    if not unfinished(workspace):
        return []
    with writer_lock(workspace.decisions_dir()):
        return roll_back_unfinished(workspace, open_archive(workspace))


def roll_back_unfinished(workspace: Workspace, archive: Archive) -> list[str]:
    """Withdraw the evidence of every receipt that died before its decision (call under the workspace
    lock); the archival codes withdrawn."""
    return [code for marker in unfinished(workspace) for code in roll_back(workspace, archive, marker)]


def roll_back(workspace: Workspace, archive: Archive, marker: Path) -> list[str]:
    meant = json.loads(marker.read_text(encoding="utf-8"))
    reason = "receipt never recorded (受理未完成，未记录受理决定): withdrawn"
    codes = archive.withdraw(
        int(meant["year"]),
        str(meant["applicant_folder"]),
        int(meant["from_item"]),
        reason,
        keep=_spoken_for(workspace),
    )
    if codes:
        refresh_index(workspace)
    marker.unlink(missing_ok=True)
    return codes


def _spoken_for(workspace: Workspace) -> set[str]:
    """Codes some receive decision lists: a receipt that failed after its decision was written keeps them."""
    return {
        e.code
        for d in load_decisions(workspace)
        if d.step is Step.receive
        for e in d.facts_as(Received).evidence
        if e.code
    }


def pending_codes(workspace: Workspace, archive: Archive, year: int) -> set[str]:
    """Archival codes of the year's documents that belong to a receipt not (yet) decided: never counted."""
    pending = set()
    for marker in unfinished(workspace):
        meant = json.loads(marker.read_text(encoding="utf-8"))
        if int(meant["year"]) != year:
            continue
        pending |= {
            record.archival_code
            for _, record in archive.records(year)
            if record.applicant_folder == meant["applicant_folder"] and record.item >= int(meant["from_item"])
        }
    return pending
