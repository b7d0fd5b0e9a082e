"""The page index: one Whoosh document per archived page, derived from the archive alone.

Crash safety: Whoosh commits are atomic (a reader sees the last commit; a killed writer leaves
only unreferenced files). `rebuild` builds a fresh index beside the old one and swaps folders,
so a kill at any point leaves either the old index, the new one, or none, which `rebuild`
repairs. Readers keep working while an ingest writes.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh import query as q
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.searching import Searcher

from docgen.errors import BadInputError
from index.analysis import BigramTokenizer, WordTokenizer, fold
from index.query import parse, to_whoosh

BATCH = 2000


def schema() -> Schema:
    return Schema(
        key=ID(unique=True, stored=True),  # archival code # page
        archival_code=ID(stored=True),
        year=ID(stored=True),
        applicant=ID(stored=True),
        applicant_folder=ID(stored=True),
        type=ID(stored=True),
        type_name=STORED,
        page=STORED,
        path=STORED,
        text=TEXT(analyzer=BigramTokenizer(), phrase=True, stored=True),
        words=TEXT(analyzer=WordTokenizer(), phrase=False),
    )


@dataclass(frozen=True)
class PageDoc:
    """What the index needs of one archived page (the archive's records give it)."""

    archival_code: str
    year: int
    applicant: str
    applicant_folder: str
    evidence_type: str
    evidence_type_name: str
    page: int
    path: str
    text: str

    @property
    def key(self) -> str:
        return f"{self.archival_code}#{self.page}"

    def fields(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "archival_code": self.archival_code,
            "year": str(self.year),
            "applicant": self.applicant,
            "applicant_folder": self.applicant_folder,
            "type": self.evidence_type,
            "type_name": self.evidence_type_name,
            "page": self.page,
            "path": self.path,
            "text": self.text,
            "words": self.text,
        }


@dataclass(frozen=True)
class Hit:
    archival_code: str
    applicant: str
    type: str
    type_name: str
    year: int
    page: int
    score: float
    snippet: str  # with <mark>...</mark> around the matches
    path: str


class EvidenceIndex:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._searcher: Searcher | None = None

    def exists(self) -> bool:
        return self.folder.is_dir() and whoosh_index.exists_in(str(self.folder))

    def _open(self) -> whoosh_index.Index:
        if not self.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            return whoosh_index.create_in(str(self.folder), schema())
        return whoosh_index.open_dir(str(self.folder))

    def keys(self) -> set[str]:
        if not self.exists():
            return set()
        with self._open().searcher() as searcher:
            return {fields["key"] for fields in searcher.all_stored_fields()}

    def update(self, pages: Iterable[PageDoc], replace: Collection[str] = ()) -> tuple[int, int]:
        """Make the index hold exactly `pages`: add what is missing, drop what the archive no longer has,
        and index again the pages of the documents in `replace` (archival codes read again)."""
        wanted = {page.key: page for page in pages}
        have = {key for key in self.keys() if key.rsplit("#", 1)[0] not in replace}
        missing = [wanted[k] for k in sorted(wanted.keys() - have)]
        stale = sorted(self.keys() - (have & wanted.keys()))
        ix = self._open()
        if stale:
            with ix.writer() as writer:
                for key in stale:
                    writer.delete_by_term("key", key)
        self._add(ix, missing)
        self.close()
        return len(missing), len(stale)

    @staticmethod
    def _add(ix: whoosh_index.Index, pages: list[PageDoc], procs: int = 1) -> None:
        for start in range(0, len(pages), BATCH):
            kwargs: dict[str, Any] = {"limitmb": 256}
            if procs > 1:
                kwargs.update(procs=procs, multisegment=True)
            with ix.writer(**kwargs) as writer:
                for page in pages[start : start + BATCH]:
                    writer.add_document(**page.fields())

    def rebuild(self, pages: Iterable[PageDoc], procs: int = 1) -> int:
        """A fresh index from `pages`, swapped in whole."""
        self.close()
        fresh = self.folder.parent / f".{self.folder.name}.new-{uuid.uuid4().hex}"
        old = self.folder.parent / f".{self.folder.name}.old-{uuid.uuid4().hex}"
        fresh.mkdir(parents=True)
        try:
            ix = whoosh_index.create_in(str(fresh), schema())
            listed = list(pages)
            self._add(ix, listed, procs)
            if self.folder.exists():
                self.folder.rename(old)
            fresh.rename(self.folder)
        finally:
            shutil.rmtree(fresh, ignore_errors=True)
            shutil.rmtree(old, ignore_errors=True)
        return len(listed)

    def check(self, pages: Iterable[PageDoc]) -> tuple[list[str], list[str]]:
        """(pages in the archive but not in the index, pages in the index but not in the archive)."""
        wanted = {page.key for page in pages}
        have = self.keys()
        return sorted(wanted - have), sorted(have - wanted)

    # --- searching ----------------------------------------------------------------------

    def searcher(self) -> Searcher:
        """One searcher kept open (refreshed to the last commit) for fast repeated queries."""
        if self._searcher is None:
            if not self.exists():
                raise BadInputError(f"{self.folder}: no search index yet; run 'docgen index rebuild'")
            self._searcher = self._open().searcher()
        else:
            # refresh() shares the unchanged segments' readers with the old searcher: do not close it
            self._searcher = self._searcher.refresh()
        return self._searcher

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def search(
        self,
        text: str,
        *,
        year: int | None = None,
        applicant: str | None = None,
        type_: str | None = None,
        limit: int = 10,
    ) -> list[Hit]:
        parsed = parse(text)
        searcher = self.searcher()
        filters = []
        if year is not None:
            filters.append(q.Term("year", str(year)))
        if applicant:
            filters.append(q.Or([q.Term("applicant", applicant), q.Term("applicant_folder", applicant)]))
        if type_:
            filters.append(q.Term("type", type_))
        results = searcher.search(to_whoosh(parsed), limit=limit, filter=q.And(filters) if filters else None)
        return [
            Hit(
                r["archival_code"],
                r["applicant"],
                r["type"],
                r["type_name"],
                int(r["year"]),
                r["page"],
                round(r.score, 3),
                snippet(r["text"], parsed.positive),
                r["path"],
            )
            for r in results
        ]


MARK, END = "<mark>", "</mark>"


def snippet(text: str, terms: list[str], before: int = 24, width: int = 90) -> str:
    """A window of the page around the first match, every match in it marked."""
    folded = fold(text)
    spans = sorted((m, m + len(t)) for t in terms if t for m in _find_all(folded, t))
    if not spans:
        return text[:width].replace("\n", " ")
    start = max(0, spans[0][0] - before)
    end = min(len(text), start + width)
    out, cursor = [], start
    for s, e in spans:
        if s < cursor or e > end:
            continue
        out.append(text[cursor:s])
        out.append(MARK + text[s:e] + END)
        cursor = e
    out.append(text[cursor:end])
    body = "".join(out).replace("\n", " ")
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")


def _find_all(haystack: str, needle: str) -> Iterator[int]:
    start = haystack.find(needle)
    while start >= 0:
        yield start
        start = haystack.find(needle, start + 1)
