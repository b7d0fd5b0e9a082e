"""Keeping a year, the archivist's service: verify the whole workspace (the decision journal's hash
chain and documents, and the evidence archive's checksums), seal a year with its journal head, and
export it as a BagIt package that names that head. Both shells (CLI, web) call these."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive import VerifyReport, catalogue_csv, export_year, seal, unseal, verify
from docgen.cycle.integrity import Break, check_journal, head
from docgen.cycle.report import year_records
from docgen.errors import JournalBroken
from docgen.evidence import open_archive
from docgen.workspace import Workspace

HEAD_INFO = "Decision-Journal-Head-SHA256"


@dataclass(frozen=True)
class WorkspaceCheck:
    """What `docgen verify` found: journal breaks, and the archive's fixity problems (None: not checked)."""

    journal: list[Break]
    archive: VerifyReport | None

    @property
    def ok(self) -> bool:
        return not self.journal and not (self.archive and self.archive.problems)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "journal": [{"file": b.file, "problem": b.what} for b in self.journal],
            "archive": self.archive.to_json() if self.archive else None,
        }


def verify_workspace(workspace: Workspace, *, archive: bool = True) -> WorkspaceCheck:
    return WorkspaceCheck(check_journal(workspace), verify(open_archive(workspace)) if archive else None)


def _journal_head(workspace: Workspace, year: int) -> dict[str, str]:
    """The year's journal head, after checking the whole journal: a broken one is never sealed or exported."""
    breaks = check_journal(workspace)
    if breaks:
        raise JournalBroken(breaks)
    recorded = head(workspace, year)
    return {"decision_journal_head": recorded[0]} if recorded else {}


def seal_year(workspace: Workspace, year: int, note: str = "", by: str | None = None) -> dict[str, Any]:
    """Seal the year's evidence, the seal naming the journal's head hash (keep a copy of it elsewhere).
    `by`: who seals, for the log (default: the login running the process)."""
    return seal(open_archive(workspace), year, note, anchors=_journal_head(workspace, year), by=by)


def unseal_year(workspace: Workspace, year: int, *, force: bool, reason: str, by: str | None = None) -> dict[str, Any]:
    return unseal(open_archive(workspace), year, force=force, reason=reason, by=by)


def export_year_bag(workspace: Workspace, year: int, out: Path) -> Path:
    """The year as a BagIt bag: evidence, campaign, applicant files, decisions, documents; its bag-info
    names the journal head."""
    anchor = _journal_head(workspace, year)
    info = {HEAD_INFO: anchor["decision_journal_head"]} if anchor else {}
    return export_year(open_archive(workspace), year, out, extra=year_records(workspace, year), bag_info=info)


def year_catalogue(workspace: Workspace, year: int) -> str:
    """The year's catalogue of archived documents (归档文件目录) as CSV, as the export package carries it."""
    return catalogue_csv(open_archive(workspace), year)
