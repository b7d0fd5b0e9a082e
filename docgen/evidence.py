"""Evidence = the archive plus its search index: the service both shells (CLI, web) call.

The archive knows nothing of the index and the index nothing of OCR; this module feeds one from the
other, so that every ingest, retry and re-reading leaves the index in line with the archive, and a
unit's evidence is found under its credit code whichever way it was filed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive import (
    DEFAULT_LANGUAGES,
    Archive,
    EvidenceKind,
    FileResult,
    Fonds,
    IngestOptions,
    IngestSummary,
    ItemRecord,
    ReadAgain,
    VerifyReport,
    verify,
)
from docgen import credit_code
from docgen.applicant import load_applicant
from docgen.crosscheck.review import Review, review
from docgen.crosscheck.shared import with_shared
from docgen.errors import BadInputError, did_you_mean
from docgen.policy import Policy
from docgen.policy_registry import choose_policy
from docgen.workspace import Workspace
from index import EvidenceIndex, PageDoc, Results

Progress = Callable[[FileResult, int, int], None]
Waiting = Callable[[str], None]


def fonds_of(policy: Policy) -> Fonds:
    """What the archive needs of a programme: the bureau's fonds code and the evidence types it files."""
    kinds = tuple(EvidenceKind(e.id, e.name, e.retention.value) for e in policy.evidence_types)
    return Fonds(policy.authority.fonds_code, policy.authority.name, policy.title, kinds)


def open_archive(workspace: Workspace, policy: Policy | None = None) -> Archive:
    """The workspace's archive, under its programme (given when the caller has it loaded already)."""
    return Archive(workspace.archive_dir, fonds_of(policy or choose_policy(None, workspace)))


def open_index(workspace: Workspace) -> EvidenceIndex:
    return EvidenceIndex(workspace.index_dir)


def archived_pages(workspace: Workspace, archive: Archive, documents: Iterable[str] | None = None) -> Iterator[PageDoc]:
    """Every page of the archived documents (all, or the `documents` named as `archive_versions` names
    them) with its text; documents whose OCR failed have none. Paths are relative to the workspace, so
    that a workspace copied or restored elsewhere needs no new index."""
    if documents is None:
        found = archive.records()
    else:
        found = []
        for doc in documents:
            folder = archive.root / Path(doc).parent
            if (folder / "record.json").is_file():
                found.append((folder, ItemRecord.read(folder)))
    for folder, record in found:
        path = folder / (record.archive_copy.file if record.archive_copy else record.original.stored_as)
        source = (folder / "record.json").relative_to(archive.root).as_posix()
        for number, page_file in enumerate(record.page_files, 1):
            yield PageDoc(
                record.archival_code,
                record.year,
                record.applicant,
                record.applicant_folder,
                record.evidence_type,
                record.evidence_type_name,
                number,
                path.relative_to(workspace.root).as_posix(),
                (folder / page_file).read_text(encoding="utf-8"),
                source,
            )


def archive_versions(archive: Archive) -> dict[str, str]:
    """Each archived document (its record.json, relative to the archive) -> that record's checksum, from
    the years' manifests (the archive's commit point): what changed since the index last looked."""
    return {f"{year}/{name}": digest for year in archive.years() for name, digest in archive.manifest(year).items()}


def refresh_index(workspace: Workspace) -> tuple[int, int]:
    """Bring the index in line with the archive (after an ingest, a retry, a re-reading, a relink or a
    withdrawal): only documents whose record changed since the last refresh are indexed again."""
    archive = open_archive(workspace)
    return open_index(workspace).sync(
        archive_versions(archive), lambda documents: archived_pages(workspace, archive, documents)
    )


@dataclass
class Filed:
    """What an ingest, a retry or a re-reading did (one summary per batch), and the index update after it."""

    batches: list[IngestSummary] = field(default_factory=list)
    index_added: int = 0
    index_removed: int = 0

    @property
    def summary(self) -> IngestSummary:
        """All batches in one."""
        return IngestSummary([r for s in self.batches for r in s.results], sum(s.seconds for s in self.batches))

    def to_json(self) -> dict[str, Any]:
        return {**self.summary.to_json(), "index": {"added": self.index_added, "removed": self.index_removed}}


def file_evidence(
    workspace: Workspace,
    batches: Sequence[tuple[Sequence[Path], IngestOptions]],
    *,
    policy: Policy | None = None,
    progress: Progress | None = None,
    on_wait: Waiting | None = None,
) -> Filed:
    """Archive each batch of files (one applicant and evidence type each), then update the index once."""
    archive = open_archive(workspace, policy)
    filed = Filed([archive.ingest(paths, options, progress=progress, on_wait=on_wait) for paths, options in batches])
    if batches:
        filed.index_added, filed.index_removed = refresh_index(workspace)
    return filed


def ingest(
    workspace: Workspace,
    paths: Sequence[Path],
    *,
    year: int,
    applicant: str,
    evidence_type: str,
    new_applicant: bool = False,
    jobs: int = 1,
    engine: str | None = None,
    languages: str = DEFAULT_LANGUAGES,
    seconds_per_page: float = 180,
    progress: Progress | None = None,
    on_wait: Waiting | None = None,
) -> Filed:
    """Archive scans of one unit's evidence of one type; the unit given by credit code or known name."""
    code = resolve_applicant(workspace, applicant, new=new_applicant)
    engine = engine or workspace.settings.ocr_engine
    options = IngestOptions(year, code, evidence_type, jobs, languages, seconds_per_page, engine)
    return file_evidence(workspace, [(paths, options)], progress=progress, on_wait=on_wait)


def read_again(
    workspace: Workspace,
    selection: ReadAgain,
    *,
    engine: str | None = None,
    languages: str = DEFAULT_LANGUAGES,
    progress: Progress | None = None,
    on_wait: Waiting | None = None,
) -> Filed:
    """OCR archived documents again (all selected, or only those whose OCR failed: `selection.only_failed`);
    the index takes the new texts of those that were read."""
    if selection.applicant:
        selection = dataclasses.replace(selection, aliases=tuple(unit_aliases(workspace, selection.applicant)))
    summary = open_archive(workspace).reocr(
        selection,
        engine=engine or workspace.settings.ocr_engine,
        languages=languages,
        progress=progress,
        on_wait=on_wait,
    )
    filed = Filed([summary])
    if summary.results:
        filed.index_added, filed.index_removed = refresh_index(workspace)
    return filed


def records(
    workspace: Workspace, year: int | None = None, applicant: str | None = None
) -> list[tuple[Path, ItemRecord]]:
    """Archived documents in filing order; `applicant` by name or credit code, whichever it was filed under."""
    return open_archive(workspace).records(year, unit_aliases(workspace, applicant) if applicant else None)


@dataclass
class Relinked:
    """Documents of a unit moved from its name to its credit code, and the index update after it."""

    name: str
    code: str
    records: list[ItemRecord]
    index_added: int = 0
    index_removed: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "credit_code": self.code,
            "documents": [r.archival_code for r in self.records],
            "index": {"added": self.index_added, "removed": self.index_removed},
        }


def relink(workspace: Workspace, name: str, code: str) -> Relinked:
    """File the documents archived under a unit's name under its credit code, in one safe step
    (see Archive.relink); the index follows. The unit's applicant file, if any, must agree."""
    try:
        code = credit_code.validate(code)
    except credit_code.CreditCodeError as exc:
        raise BadInputError(f"CREDIT_CODE: {exc}") from None
    try:
        credit_code.validate(name)
    except credit_code.CreditCodeError:
        pass
    else:
        raise BadInputError(f"NAME: '{name}' is a credit code; give the unit name its documents are filed under")
    known = known_units(workspace).get(name)
    if known is not None and known != code:
        raise BadInputError(
            f"CREDIT_CODE: {code} is not the code of '{name}': its applicant file says {known}; "
            "check the code, or correct the applicant file first"
        )
    note = f"filed under '{name}' until relinked to {code} on {dt.date.today().isoformat()}"
    moved = open_archive(workspace).relink(name, code, note)
    done = Relinked(name, code, moved)
    done.index_added, done.index_removed = refresh_index(workspace)
    return done


def search(
    workspace: Workspace,
    query: str,
    *,
    year: int | None = None,
    applicant: str | None = None,
    type_: str | None = None,
    limit: int = 10,
    offset: int = 0,
) -> Results:
    """Pages whose text holds the query; `applicant` by name or credit code, whichever it was filed under."""
    index = open_index(workspace)
    try:
        return index.search(
            query,
            year=year,
            applicant=unit_aliases(workspace, applicant) if applicant else None,
            type_=type_,
            limit=limit,
            offset=offset,
        )
    finally:
        index.close()


def review_applicant(workspace: Workspace, applicant_file: Path, year: int | None = None) -> Review:
    """An application's claims checked against the unit's archived evidence (see docgen.crosscheck)."""
    policy = choose_policy(None, workspace)
    result = review(load_applicant(applicant_file), policy, open_archive(workspace), year)
    return with_shared(workspace, result, policy, applicant_file)


def rebuild_index(workspace: Workspace, procs: int = 2) -> int:
    """The index made anew from the archive and swapped in whole; the number of pages indexed."""
    archive = open_archive(workspace)
    versions = archive_versions(archive)  # read first: what changes while the pages are read is synced later
    return open_index(workspace).rebuild(archived_pages(workspace, archive), procs=procs, versions=versions)


def check_index(workspace: Workspace) -> tuple[list[str], list[str]]:
    """Pages in the archive and not in the index, and index entries without a page."""
    return open_index(workspace).check(archived_pages(workspace, open_archive(workspace)))


def verify_archive(workspace: Workspace, year: int | None = None) -> VerifyReport:
    return verify(open_archive(workspace), year)


def known_units(workspace: Workspace) -> dict[str, str]:
    """Unit name -> credit code, from the applicant files the workspace holds (applicants/YEAR/CODE.yaml)."""
    units: dict[str, str] = {}
    for path in sorted(workspace.applicants_dir().glob("*/*.yaml")):
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
