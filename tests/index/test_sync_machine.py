"""The index kept in step with a changing source, against the truth after every step.

A hypothesis state machine adds, reads again, moves (relinks), withdraws and rebuilds source
documents, copies the index folder elsewhere and goes on with the copy, and after every step checks
that random queries answer exactly what a substring scan of the current pages answers. Many small
syncs make Whoosh merge segments, including into a segment with no documents (the case that once
made every search fail after an ordinary receipt); the test counts that it met it.
"""

from __future__ import annotations

import random
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from whoosh import index as whoosh_index

from index.errors import BadQuery
from index.query import parse
from index.store import EvidenceIndex, PageDoc
from tests.index import test_oracle
from tests.index.test_oracle import page_text, random_query, scan

MET = {"empty segment": 0}


class IndexFollowsItsSource(RuleBasedStateMachine):
    documents = Bundle("documents")

    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="sync-machine-"))
        self.index = EvidenceIndex(self.tmp / "a" / "index")
        self.source: dict[str, tuple[str, list[PageDoc]]] = {}  # document -> (version, pages)
        self.serial = 0
        self.rng = random.Random(0)

    def teardown(self) -> None:
        self.index.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _pages(self, doc: str, code: str, year: int, applicant: str, count: int, seed: int) -> list[PageDoc]:
        rng = random.Random(seed)
        return [
            PageDoc(code, year, applicant, applicant, "teacher_certificates", "", n, f"f/{doc}", page_text(rng), doc)
            for n in range(1, count + 1)
        ]

    def _sync(self) -> None:
        versions = {doc: version for doc, (version, _) in self.source.items()}
        self.index.sync(versions, lambda docs: [p for d in docs for p in self.source[d][1]])
        segments = whoosh_index.open_dir(str(self.index.folder))._segments()
        MET["empty segment"] += sum(1 for s in segments if s.doc_count_all() == 0)

    @rule(
        target=documents,
        year=st.sampled_from([2021, 2022]),
        applicant=st.sampled_from(["甲单位", "91320583MA1KJ88011"]),
        pages=st.integers(0, 3),
        seed=st.integers(0, 10**6),
    )
    def ingest(self, year: int, applicant: str, pages: int, seed: int) -> str:
        self.serial += 1
        doc = f"{year}/{applicant}/{self.serial:04d}/record.json"
        code = f"KSRSJ-WS·{year}-D30-{self.serial:04d}"
        self.source[doc] = (f"v{seed}", self._pages(doc, code, year, applicant, pages, seed))
        self._sync()
        return doc

    @rule(doc=documents, pages=st.integers(0, 3), seed=st.integers(0, 10**6))
    def read_again(self, doc: str, pages: int, seed: int) -> None:
        if doc not in self.source:
            return
        version, old = self.source[doc]
        first = old[0] if old else None
        code = first.archival_code if first else f"KSRSJ-WS·{doc[:4]}-D30-{doc.split('/')[2]}"
        applicant = doc.split("/")[1]
        self.source[doc] = (version + "'", self._pages(doc, code, int(doc[:4]), applicant, pages, seed))
        self._sync()

    @rule(target=documents, doc=consumes(documents))
    def relink(self, doc: str) -> str:
        """The document filed under another folder: same code, another source name."""
        if doc not in self.source:
            return doc
        version, pages = self.source.pop(doc)
        moved = doc.replace("甲单位", "91320583MA1KJ88011") if "甲单位" in doc else doc + ".moved"
        self.source[moved] = (version, [PageDoc(**{**p.__dict__, "source": moved}) for p in pages])
        self._sync()
        return moved

    @rule(doc=consumes(documents))
    def withdraw(self, doc: str) -> None:
        self.source.pop(doc, None)
        self._sync()

    @rule(year=st.sampled_from([2021, 2022]), applicant=st.sampled_from(["甲单位", "91320583MA1KJ88011"]))
    def roll_back_receipt(self, year: int, applicant: str) -> None:
        """A receipt's documents withdrawn together (several at once: a delete-only commit that Whoosh
        may merge down to a segment of no documents)."""
        for doc in [d for d in self.source if d.startswith(f"{year}/{applicant}/")]:
            del self.source[doc]
        self._sync()

    @initialize(target=documents, seed=st.integers(0, 10**6))
    def a_document_read_again_several_times(self, seed: int) -> str:
        """Every sequence starts where the ordinary receipt left the index: one document indexed again a
        few times by separate delete and add commits, which Whoosh merges into a segment of no
        documents (the case that made every search answer "damaged")."""
        doc = self.ingest(2021, "91320583MA1KJ88011", 1, seed)
        for _ in range(5):
            self.full_comparison(doc)
        return doc

    @rule(doc=documents)
    def full_comparison(self, doc: str) -> None:
        """The index brought in line by comparing every page (`update`, as before `sync`), one document's
        pages replaced: separate delete and add commits, which Whoosh merges into segments of no documents."""
        if doc not in self.source or not self.source[doc][1]:
            return
        pages = [p for _, listed in self.source.values() for p in listed]
        self.index.update(pages, replace={self.source[doc][1][0].archival_code})
        segments = whoosh_index.open_dir(str(self.index.folder))._segments()
        MET["empty segment"] += sum(1 for s in segments if s.doc_count_all() == 0)

    @rule()
    def rebuild(self) -> None:
        versions = {doc: version for doc, (version, _) in self.source.items()}
        self.index.rebuild([p for _, pages in self.source.values() for p in pages], versions=versions)

    @rule()
    def copy_elsewhere(self) -> None:
        self.index.close()
        if not self.index.folder.exists():
            return
        self.serial += 1
        target = self.tmp / f"copy{self.serial}" / "index"
        shutil.copytree(self.index.folder, target)
        self.index = EvidenceIndex(target)

    @invariant()
    def search_equals_a_substring_scan(self) -> None:
        pages = [p for _, listed in self.source.values() for p in listed]
        if not pages:
            if self.index.exists():  # an index of nothing answers nothing (it once said "damaged")
                assert self.index.search("技师").total == 0
            return
        for _ in range(3):
            query = random_query(self.rng, pages)
            try:
                parsed = parse(query)
            except BadQuery:  # a piece of a short page can be blank: no query to compare
                continue
            test_oracle._SEARCHABLE.clear()  # its cache is keyed by page; here a page's text changes
            truth = scan(parsed, pages)
            found = self.index.search(query, limit=1000)
            assert [f"{h.archival_code}#{h.page}" for h in found.hits] == truth[:1000], query
            assert all(h.path.startswith("f/") for h in found.hits)  # stored as given: relative


def test_search_equals_a_substring_scan_after_every_change() -> None:
    MET["empty segment"] = 0
    run_state_machine_as_test(
        IndexFollowsItsSource,
        settings=settings(
            max_examples=60,
            stateful_step_count=25,
            deadline=None,
            derandomize=True,  # the same sequences every run: what they meet is checked below
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    assert MET["empty segment"] > 0, "the runs never met a segment with no documents: run more steps"
