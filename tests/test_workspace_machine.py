"""The whole workspace under random sequences of what users do, against the truth after every step.

A hypothesis state machine ingests, receives, retries, reads again (reocr), relinks a unit's name to
its credit code, rebuilds the index and copies the workspace to another folder (going on with the
copy), all through the real library and ocrmypdf on small born-digital evidence; after every step a
search for random pieces of the archived page texts must equal a substring scan of those texts, and
`verify` must be clean. (The index alone, with many more steps and no OCR, is
tests/index/test_sync_machine.py.)
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from archive import ReadAgain
from docgen import evidence
from docgen.archiving import verify_workspace
from docgen.cycle import steps
from docgen.cycle.campaign import draft_campaign
from docgen.cycle.steps import Signed
from docgen.samples.scans import text_pdf_page
from docgen.workspace import init_workspace, open_workspace
from index.analysis import searchable
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.slow
TEACHERS = EXAMPLES / "kunshan" / "applicant-teachers.yaml"
NAME = "Lucheng Training School"  # evidence filed under a name first, relinked to a code later
CODE = "91320583MA1KJ88011"
RAN: dict[str, int] = {}
WORDS = ["Certificate", "Lathe CK6150", "VMC850", "Welding", "S000032050000231001", "Site 1860 m2", "Fire safety"]


class WorkspaceUnderUse(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="ws-machine-"))
        self.workspace = init_workspace(self.tmp / "ws0", "kunshan-2021")
        self.serial = 0
        self.relinked = False
        self.filed: list[tuple[int, str]] = []  # (year, unit key) of what was ingested
        self.rng = random.Random(1)

    def teardown(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _evidence(self, seed: int) -> Path:
        self.serial += 1
        rng = random.Random(seed)
        lines = [f"Item {self.serial} {rng.choice(WORDS)}", f"{rng.choice(WORDS)} {rng.randint(1, 99)}"]
        path = self.tmp / f"e{self.serial}.pdf"
        path.write_bytes(text_pdf_page(lines))
        return path

    @rule(seed=st.integers(0, 10**6), year=st.sampled_from([2021, 2022]))
    def ingest(self, seed: int, year: int) -> None:
        RAN["ingest"] = RAN.get("ingest", 0) + 1
        self._ingest(seed, year, CODE)

    @initialize(seed=st.integers(0, 10**6), year=st.sampled_from([2021, 2022]))
    def ingest_under_a_name(self, seed: int, year: int) -> None:
        """A unit's evidence filed under its name before its credit code is known."""
        RAN["ingest_under_a_name"] = RAN.get("ingest_under_a_name", 0) + 1
        self._ingest(seed, year, NAME)

    def _ingest(self, seed: int, year: int, applicant: str) -> None:
        self.filed.append((year, applicant))
        evidence.ingest(
            self.workspace,
            [self._evidence(seed)],
            year=year,
            applicant=applicant,
            evidence_type="other",
            new_applicant=True,
        )

    @initialize(seed=st.integers(0, 10**6))
    def receive(self, seed: int) -> None:
        """The year opened and one application received with its evidence, as every year starts."""
        RAN["receive"] = RAN.get("receive", 0) + 1
        draft_campaign(self.workspace)
        steps.open_year(self.workspace, 2021, Signed("韩睿", dt.date(2021, 11, 26)))
        steps.receive(
            self.workspace,
            2021,
            TEACHERS,
            [("teacher_certificates", [self._evidence(seed)])],
            Signed("韩睿", dt.date(2021, 12, 10)),
        )

    @rule()
    def retry(self) -> None:
        RAN["retry"] = RAN.get("retry", 0) + 1
        evidence.read_again(self.workspace, ReadAgain(only_failed=True))

    @precondition(lambda self: bool(self.filed))
    @rule(data=st.data())
    def reocr(self, data: st.DataObject) -> None:
        RAN["reocr"] = RAN.get("reocr", 0) + 1
        year, applicant = data.draw(st.sampled_from(self.filed))
        if self.relinked:
            applicant = CODE
        evidence.read_again(self.workspace, ReadAgain(year=year, applicant=applicant))

    @precondition(lambda self: not self.relinked and any(unit == NAME for _, unit in self.filed))
    @rule()
    def relink(self) -> None:
        RAN["relink"] = RAN.get("relink", 0) + 1
        if any(r.applicant == NAME for _, r in evidence.records(self.workspace)):
            evidence.relink(self.workspace, NAME, CODE)
            self.relinked = True

    @rule()
    def rebuild_index(self) -> None:
        RAN["rebuild_index"] = RAN.get("rebuild_index", 0) + 1
        evidence.rebuild_index(self.workspace, procs=1)

    @rule()
    def copy_elsewhere(self) -> None:
        RAN["copy_elsewhere"] = RAN.get("copy_elsewhere", 0) + 1
        target = self.tmp / f"ws{self.serial + 1}"
        self.serial += 1
        shutil.copytree(self.workspace.root, target)
        shutil.rmtree(self.workspace.root)  # the old place is gone: the copy must stand alone
        self.workspace = open_workspace(target)

    @invariant()
    def search_equals_a_scan_of_the_archive_and_verify_is_clean(self) -> None:
        pages = {}
        for folder, record in evidence.records(self.workspace):
            for number, name in enumerate(record.page_files, 1):
                pages[(record.archival_code, number)] = searchable((folder / name).read_text(encoding="utf-8"))
        if not pages or not evidence.open_index(self.workspace).exists():
            return
        for _ in range(3):
            text = self.rng.choice(list(pages.values()))
            start = self.rng.randrange(max(1, len(text) - 6))
            piece = text[start : start + self.rng.randint(2, 6)].strip()
            if not piece or " " in piece:
                continue
            truth = {key for key, page in pages.items() if piece in page}
            found = evidence.search(self.workspace, piece, limit=1000)
            assert {(h.archival_code, h.page) for h in found.hits} == truth, piece
            assert all((self.workspace.root / h.path).is_file() for h in found.hits)
        report = verify_workspace(self.workspace)
        assert report.ok, report


def test_search_and_verify_hold_under_random_use_of_a_workspace() -> None:
    RAN.clear()
    run_state_machine_as_test(
        WorkspaceUnderUse,
        settings=settings(
            max_examples=5,
            stateful_step_count=9,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    assert set(RAN) >= {"ingest", "receive", "reocr", "relink", "rebuild_index", "copy_elsewhere"}, RAN
