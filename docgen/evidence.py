"""Evidence = the archive plus its search index. The archive knows nothing of the index and the
index nothing of OCR; this module feeds one from the other."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from archive import Archive
from docgen import credit_code
from docgen.applicant import load_applicant
from docgen.errors import BadInputError, did_you_mean
from docgen.policy import Policy
from docgen.policy_registry import choose_policy
from docgen.workspace import Workspace
from index.store import EvidenceIndex, PageDoc


def open_archive(workspace: Workspace, policy: Policy | None = None) -> Archive:
    """The workspace's archive, under its programme (given when the caller has it loaded already)."""
    return Archive(workspace.archive_dir, policy or choose_policy(None, workspace))


def open_index(workspace: Workspace) -> EvidenceIndex:
    return EvidenceIndex(workspace.root / "index")


def archived_pages(archive: Archive) -> Iterator[PageDoc]:
    """Every page of every archived document with its text (documents whose OCR failed have none)."""
    for folder, record in archive.records():
        path = folder / (record.archive_copy.file if record.archive_copy else record.original.stored_as)
        for number, page_file in enumerate(record.page_files, 1):
            yield PageDoc(
                record.archival_code,
                record.year,
                record.applicant,
                record.applicant_folder,
                record.evidence_type,
                record.evidence_type_name,
                number,
                str(path),
                (folder / page_file).read_text(encoding="utf-8"),
            )


def refresh_index(workspace: Workspace, reread: Iterable[str] | None = None) -> tuple[int, int]:
    """Bring the index in line with the archive (after an ingest, a retry or a re-reading); the pages of
    the documents `reread` (archival codes) are replaced, since their texts changed under the same keys."""
    return open_index(workspace).update(archived_pages(open_archive(workspace)), replace=set(reread or ()))


def known_units(workspace: Workspace) -> dict[str, str]:
    """Unit name -> credit code, from the applicant files the workspace holds (applicants/YEAR/CODE.yaml)."""
    units: dict[str, str] = {}
    for path in sorted((workspace.root / "applicants").glob("*/*.yaml")):
        try:
            applicant = load_applicant(path)
        except BadInputError:
            continue  # a damaged applicant file names no unit; 'docgen check' reports it
        units[applicant.name] = applicant.credit_code
    return units


def resolve_applicant(workspace: Workspace, given: str, *, new: bool = False) -> str:
    """The credit code evidence is filed under: a credit code as given, a known unit's name as its code.
    An unknown name is refused (with the closest known names) unless `new` says to file it under the name."""
    try:
        return credit_code.validate(given)
    except credit_code.CreditCodeError:
        pass
    units = known_units(workspace)
    if given in units:
        return units[given]
    if new:
        return given
    raise BadInputError(
        f"--applicant: '{given}' is neither a credit code nor a unit with an applicant file in this workspace"
        + did_you_mean(given, sorted(units))
        + "; give its credit code, or add --new-applicant to file the evidence under this name"
    )


def unit_aliases(workspace: Workspace, given: str) -> list[str]:
    """Every name evidence of the unit `given` (a name or a credit code) may be filed under."""
    units = known_units(workspace)
    code = units.get(given, given)
    return sorted({given, code, *(name for name, c in units.items() if c == code)})
