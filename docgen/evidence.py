"""Evidence = the archive plus its search index. The archive knows nothing of the index and the
index nothing of OCR; this module feeds one from the other."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from archive import Archive
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
