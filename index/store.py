"""The page index: one Whoosh document per archived page, derived from the archive alone.

Exact search (index/analysis.py, index/query.py): candidates from grams without positions, each
checked against its stored searchable text where the grams alone do not decide; results in filing
order (newest year first, then 件号 and page), walked until the page of results asked for is full,
with no scoring (Whoosh scores in Python: BM25 over the same index had p95 472 ms at 100k pages).

Upkeep costs what changed: `sync` is given the source's state (a version per source document,
e.g. the archive manifests' record checksums) and compares it with the state it last indexed,
kept beside the index (`source-state.json`); only documents whose version changed are indexed
again. Paths are stored as given (docgen gives them relative to the workspace), so a workspace
copied or restored elsewhere searches at once.

Crash safety: Whoosh commits are atomic (a reader sees the last commit; a killed writer leaves
only unreferenced files); the source state is written after the commit, and replaying a change
already committed is harmless (its documents are deleted by code before they are added).
`rebuild` builds a fresh index beside the old one and swaps folders, so a kill at any point
leaves either the old index, the new one, or none, which the next `sync` repairs. One writer at
a time (a lock file beside the folder); readers keep working while it writes.
"""

from __future__ import annotations

import fcntl
import gc
import json
import os
import shutil
import uuid
import warnings
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from whoosh import formats
from whoosh import index as whoosh_index
from whoosh.fields import ID, NUMERIC, STORED, FieldType, Schema
from whoosh.searching import Searcher

from index._postings import EMPTY, column, term_docs
from index.analysis import GramTokenizer, searchable, searchable_with_origin
from index.errors import IndexUnusable, SearchError
from index.query import Parsed, excluded_grams, matches, needs_check, parse, positive_grams

T = TypeVar("T")
STATE_FILE = "source-state.json"
BATCH = 20000  # pages per commit: Whoosh sorts a commit's postings in Python, one huge commit is slower
WRITER_MB = 1024  # per writer process; see _add
CHECK_BUDGET = 400  # candidates checked against their text (about 40 µs each) before a count is "at least"


def schema() -> Schema:
    # The grams are scorable (lengths written) though nothing is scored: Whoosh 2.7.4's writer
    # stats a file for every posting of a field without length data (measured: half the build time).
    grams = FieldType(formats.Existence(), GramTokenizer(), scorable=True)
    return Schema(
        key=ID(unique=True, stored=True),  # archival code # page
        archival_code=ID(stored=True),
        year=ID(stored=True),
        applicant=ID(stored=True),
        applicant_folder=ID(stored=True),
        type=ID(stored=True),
        type_name=STORED,
        page=STORED,
        file=STORED,  # the document's file as the caller gave it (docgen: relative to the workspace)
        text=STORED,  # as archived, for snippets in the page's own characters
        searchable=STORED,  # what candidates are checked against
        grams=grams,
        order=NUMERIC(bits=64, sortable=True),  # filing order, see PageDoc.order
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
    source: str = ""  # the source document it comes from, as `sync` names it (docgen: its record.json)

    @property
    def key(self) -> str:
        return f"{self.archival_code}#{self.page}"

    @property
    def order(self) -> int:
        """Filing order as one number: newest year first, then 件号, then page."""
        item = self.archival_code.rsplit("-", 1)[-1]
        return (9999 - self.year) * 10**11 + (int(item) if item.isdigit() else 0) * 10**5 + self.page

    def fields(self) -> dict[str, Any]:
        text = searchable(self.text)
        return {
            "key": self.key,
            "archival_code": self.archival_code,
            "year": str(self.year),
            "applicant": self.applicant,
            "applicant_folder": self.applicant_folder,
            "type": self.evidence_type,
            "type_name": self.evidence_type_name,
            "page": self.page,
            "file": self.path,
            "text": self.text,
            "searchable": text,
            "grams": text,
            "order": self.order,
        }


@dataclass(frozen=True)
class Hit:
    archival_code: str
    applicant: str
    type: str
    type_name: str
    year: int
    page: int
    snippet: str  # with <mark>...</mark> around the matches
    path: str


@dataclass(frozen=True)
class Results:
    """One page of results, and how many pages match in all: exact, or at least `total` when counting
    them all would have meant checking more than CHECK_BUDGET candidates against their text."""

    hits: list[Hit]
    total: int
    exact: bool
    offset: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"total": self.total, "exact": self.exact, "offset": self.offset, "hits": [asdict(h) for h in self.hits]}


class EvidenceIndex:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._searcher: Searcher | None = None
        self._orders: dict[int, np.ndarray] = {}

    def exists(self) -> bool:
        return self.folder.is_dir() and whoosh_index.exists_in(str(self.folder))

    def _open(self) -> whoosh_index.Index:
        if not self.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            return whoosh_index.create_in(str(self.folder), schema())
        return whoosh_index.open_dir(str(self.folder))

    def is_outdated(self) -> bool:
        """An index made by an earlier docgen, with other fields: searching it would find nothing."""
        return self._guarded(lambda: self.exists() and set(self._open().schema.names()) != set(schema().names()))

    def keys(self) -> set[str]:
        return set(self._guarded(self._filed))

    def _filed(self) -> dict[str, tuple[str, str, str]]:
        """key -> where the page is filed (applicant, applicant folder, path), for every indexed page."""
        if not self.exists():
            return {}
        with self._open().searcher() as searcher:
            return {f["key"]: (f["applicant"], f["applicant_folder"], f["file"]) for f in searcher.all_stored_fields()}

    def update(self, pages: Iterable[PageDoc], replace: Collection[str] = ()) -> tuple[int, int]:
        """Make the index hold exactly `pages` by comparing them with every indexed page (a full pass:
        `sync` is the cheap way): add what is missing, drop what is gone, index again the pages of the
        documents in `replace` (archival codes read again) and the pages filed elsewhere since. An index
        made by an earlier docgen, or a damaged one, is rebuilt from `pages` (every page counts as added)."""
        wanted = {page.key: page for page in pages}
        with self._writing():
            try:
                if self.is_outdated():
                    return self._rebuild(wanted.values()), 0
                filed = self._guarded(self._filed)
            except IndexUnusable:  # damaged: made again from the archive, which the caller just gave
                return self._rebuild(wanted.values()), 0
            indexed = set(filed)
            have = {
                key
                for key, where in filed.items()
                if key.rsplit("#", 1)[0] not in replace
                and key in wanted
                and where == (wanted[key].applicant, wanted[key].applicant_folder, wanted[key].path)
            }
            missing = [wanted[k] for k in sorted(wanted.keys() - have)]
            stale = sorted(indexed - (have & wanted.keys()))
            ix = self._open()
            if stale:
                with ix.writer() as writer:
                    for key in stale:
                        writer.delete_by_term("key", key)
            self._add(ix, missing)
            self._forget_state()
            self.close()
            return len(missing), len(stale)

    def sync(
        self, versions: Mapping[str, str], pages_of: Callable[[Collection[str]], Iterable[PageDoc]]
    ) -> tuple[int, int]:
        """Bring the index in line with a source whose documents have `versions` (document -> version,
        e.g. a checksum), indexing again only the documents whose version changed since the index was
        last synced; `pages_of(documents)` gives their pages, each naming its document as `source`.
        Without a usable earlier state (a new, damaged or earlier docgen's index) it is rebuilt whole.
        Returns (pages added, pages removed)."""
        with self._writing():
            before = self._state()
            if before is None or not self._usable():
                pages = list(pages_of(list(versions)))
                return self._rebuild(pages, state=_state_of(versions, pages, {})), 0
            changed = [doc for doc, version in versions.items() if doc not in before or before[doc][0] != version]
            gone = [doc for doc in before if doc not in versions]
            if not changed and not gone:
                return 0, 0
            pages = list(pages_of(changed)) if changed else []
            codes = {before[doc][1] for doc in [*changed, *gone] if doc in before} | {p.archival_code for p in pages}
            ix = self._open()
            with ix.writer(limitmb=WRITER_MB) as writer:
                removed = sum(writer.delete_by_term("archival_code", code) or 0 for code in sorted(codes - {""}))
                for page in pages:
                    writer.add_document(**page.fields())
            self._write_state(_state_of(versions, pages, before))
            self.close()
            return len(pages), removed

    def _usable(self) -> bool:
        try:
            return self.exists() and not self.is_outdated()
        except IndexUnusable:
            return False

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One writer at a time across processes; the lock file lives beside the folder, which a
        rebuild swaps."""
        self.folder.parent.mkdir(parents=True, exist_ok=True)
        with (self.folder.parent / f".{self.folder.name}.lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _state(self) -> dict[str, tuple[str, str]] | None:
        """What the index was last synced to (document -> (version, archival code)), or None when unknown."""
        try:
            data = json.loads((self.folder / STATE_FILE).read_text(encoding="utf-8"))
            return {doc: (str(v[0]), str(v[1])) for doc, v in data["documents"].items()}
        except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
            return None

    def _write_state(self, state: Mapping[str, tuple[str, str]], folder: Path | None = None) -> None:
        target = (folder or self.folder) / STATE_FILE
        body = json.dumps({"documents": {doc: list(v) for doc, v in state.items()}}, ensure_ascii=False)
        temporary = target.with_name(f".{STATE_FILE}.{uuid.uuid4().hex}")
        temporary.write_text(body, encoding="utf-8")
        os.replace(temporary, target)

    def _forget_state(self) -> None:
        (self.folder / STATE_FILE).unlink(missing_ok=True)

    @staticmethod
    def _add(ix: whoosh_index.Index, pages: list[PageDoc], procs: int = 1) -> None:
        for start in range(0, len(pages), BATCH):
            # A commit's postings must fit the writer's pool: past `limitmb` Whoosh 2.7.4 spills them
            # to disk one pickle per posting and merges them back (measured at 20,000 pages, 2 writers:
            # 353 pages/s at 256 MB, 783 pages/s at 1024 MB, 731 MB peak per writer process).
            kwargs: dict[str, Any] = {"limitmb": WRITER_MB}
            if procs > 1:
                kwargs.update(procs=procs, multisegment=True)
            with ix.writer(**kwargs) as writer:
                for page in pages[start : start + BATCH]:
                    writer.add_document(**page.fields())

    def rebuild(self, pages: Iterable[PageDoc], procs: int = 1, versions: Mapping[str, str] | None = None) -> int:
        """A fresh index from `pages`, swapped in whole; `versions`: the source's, as `sync` takes them,
        when the pages were read at that state (later syncs then index only what changed since)."""
        with self._writing():
            listed = list(pages)
            return self._rebuild(listed, procs, None if versions is None else _state_of(versions, listed, {}))

    def _rebuild(
        self, pages: Iterable[PageDoc], procs: int = 1, state: Mapping[str, tuple[str, str]] | None = None
    ) -> int:
        self.close()
        fresh = self.folder.parent / f".{self.folder.name}.new-{uuid.uuid4().hex}"
        old = self.folder.parent / f".{self.folder.name}.old-{uuid.uuid4().hex}"
        fresh.mkdir(parents=True)
        try:
            ix = whoosh_index.create_in(str(fresh), schema())
            listed = list(pages)
            self._add(ix, listed, procs)
            if state is not None:
                self._write_state(state, fresh)
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
                raise IndexUnusable(f"{self.folder}: no search index yet; run 'docgen index rebuild'")
            if self.is_outdated():
                raise IndexUnusable(
                    f"{self.folder}: the search index was made by an earlier docgen; run 'docgen index rebuild'"
                )
            self._searcher = self._open().searcher()
        else:
            # refresh() shares the unchanged segments' readers with the old searcher: do not close it
            self._searcher = self._searcher.refresh()
        return self._searcher

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self._orders.clear()

    def search(
        self,
        text: str,
        *,
        year: int | None = None,
        applicant: str | Collection[str] | None = None,
        type_: str | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> Results:
        """The pages whose searchable text holds the query, in filing order: hits `offset` to
        `offset + limit`, and the count (exact unless that needs over CHECK_BUDGET text checks)."""
        parsed = parse(text)
        return self._guarded(lambda: self._search(parsed, year, applicant, type_, limit, offset))

    def _guarded(self, read: Callable[[], T]) -> T:
        """`read()`, with Whoosh's own errors on damaged files (EOFError, IndexError, struct errors ...)
        said as what to do. Whoosh leaves the damaged file open: it is let go quietly here."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                return read()
            except SearchError:
                raise
            except Exception as exc:
                failure = type(exc).__name__
                exc.__traceback__ = None  # its frames hold the open file
            self.close()
            gc.collect()
        raise IndexUnusable(
            f"{self.folder}: the search index is damaged ({failure}); run 'docgen index rebuild' "
            "(it is made from the archive, which is not affected)"
        )

    def _search(
        self,
        parsed: Parsed,
        year: int | None,
        applicant: str | Collection[str] | None,
        type_: str | None,
        limit: int,
        offset: int,
    ) -> Results:
        searcher = self.searcher()
        found = self._candidates(searcher, parsed, year, applicant, type_)
        if not needs_check(parsed):
            chosen = [int(d) for d in found[offset : offset + limit]]
            return Results(self._hits(searcher, chosen, parsed), len(found), True, offset)
        chosen, total, checked = [], 0, 0
        for docnum in found.tolist():
            if checked >= CHECK_BUDGET and len(chosen) >= limit:
                break
            checked += 1
            if matches(parsed, searcher.stored_fields(docnum)["searchable"]):
                if offset <= total < offset + limit:
                    chosen.append(docnum)
                total += 1
        return Results(self._hits(searcher, chosen, parsed), total, checked == len(found), offset)

    def _candidates(
        self,
        searcher: Searcher,
        parsed: Parsed,
        year: int | None,
        applicant: str | Collection[str] | None,
        type_: str | None,
    ) -> np.ndarray:
        """Document numbers of every page holding the query's grams and passing the filters, in filing order."""
        groups = positive_grams(parsed)
        excluded = excluded_grams(parsed)
        found, order = [], []
        for leaf, offset in searcher.leaf_searchers():
            reader = leaf.reader()
            if reader.doc_count_all() == 0:  # an index with no pages yet, or a segment merged down to none
                continue
            docs = _all_of(
                [
                    _any_of([_all_of([term_docs(reader, "grams", g) for g in term]) for term in group])
                    for group in groups
                ]
            )
            if year is not None:
                docs = np.intersect1d(docs, term_docs(reader, "year", str(year)), assume_unique=True)
            if applicant:
                names = [applicant] if isinstance(applicant, str) else list(applicant)
                unit = _any_of(
                    [term_docs(reader, field, name) for name in names for field in ("applicant", "applicant_folder")]
                )
                docs = np.intersect1d(docs, unit, assume_unique=True)
            if type_:
                docs = np.intersect1d(docs, term_docs(reader, "type", type_), assume_unique=True)
            for gram in excluded:
                docs = np.setdiff1d(docs, term_docs(reader, "grams", gram), assume_unique=True)
            found.append(docs + offset)
            order.append(self._order(reader)[docs])
        if not found:
            return EMPTY
        docnums, keys = np.concatenate(found), np.concatenate(order)
        return docnums[np.argsort(keys, kind="stable")]

    def _order(self, reader: Any) -> np.ndarray:
        """The filing-order column of a segment, read once: segments never change, a searcher refresh
        keeps the readers of the segments it kept."""
        key = id(reader)
        if key not in self._orders:
            self._orders[key] = column(reader, "order")
        return self._orders[key]

    @staticmethod
    def _hits(searcher: Searcher, docnums: list[int], parsed: Parsed) -> list[Hit]:
        hits = []
        for docnum in docnums:
            r = searcher.stored_fields(docnum)
            hits.append(
                Hit(
                    r["archival_code"],
                    r["applicant"],
                    r["type"],
                    r["type_name"],
                    int(r["year"]),
                    r["page"],
                    snippet(r["text"], parsed.positive),
                    r["file"],
                )
            )
        return hits


def _state_of(
    versions: Mapping[str, str], pages: Iterable[PageDoc], before: Mapping[str, tuple[str, str]]
) -> dict[str, tuple[str, str]]:
    """document -> (version, archival code): the code from its pages, else as known before (a document
    with no pages, such as one whose OCR failed, still names the code whose pages it may have left)."""
    codes = {page.source: page.archival_code for page in pages}
    return {doc: (version, codes.get(doc) or before.get(doc, ("", ""))[1]) for doc, version in versions.items()}


def _all_of(arrays: list[np.ndarray]) -> np.ndarray:
    arrays = sorted(arrays, key=len)  # the rarest first: the result is never larger
    found = arrays[0]
    for other in arrays[1:]:
        found = np.intersect1d(found, other, assume_unique=True)
    return found


def _any_of(arrays: list[np.ndarray]) -> np.ndarray:
    return arrays[0] if len(arrays) == 1 else np.unique(np.concatenate(arrays))


MARK, END = "<mark>", "</mark>"


def snippet(text: str, terms: list[str], before: int = 24, width: int = 90) -> str:
    """A window of the page around the first match, every match in it marked in the page's own characters
    (a match across a line break is marked on both lines)."""
    folded, origin = searchable_with_origin(text)
    spans = sorted((origin[m], origin[m + len(t) - 1] + 1) for t in terms if t for m in _find_all(folded, t))
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
