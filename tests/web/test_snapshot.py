"""The web's kept replay of the journal and year status: reused while nothing changed, replayed after a
step or an ingest (which the archive commits by rewriting the year's manifest)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from docgen.cycle import steps
from docgen.cycle.steps import Signed
from docgen.evidence import ingest
from docgen.samples.scans import page_image, save_pdf
from docgen.web.snapshot import Snapshot
from docgen.workspace import Workspace
from tests.web.conftest import CODE

pytestmark = pytest.mark.slow


def test_the_status_follows_an_ingest_and_a_step_and_is_kept_otherwise(year_copy: Workspace, tmp_path: Path) -> None:
    snapshot = Snapshot(year_copy)
    first = snapshot.cycle()
    before = snapshot.status(2021)
    assert snapshot.cycle() is first and snapshot.status(2021) is before  # nothing changed: nothing replayed

    scan = save_pdf([page_image(["规章制度", "实训基地管理办法"], seed=5)], tmp_path / "规章制度.pdf")
    ingest(year_copy, [scan], year=2021, applicant=CODE, evidence_type="other")
    after = snapshot.status(2021)
    assert after["evidence"]["documents"] == before["evidence"]["documents"] + 1
    assert after["evidence"]["pages"] == before["evidence"]["pages"] + 1

    steps.preliminary(year_copy, 2021, CODE, True, "材料齐全", Signed("韩睿", dt.date(2021, 12, 20)))
    stepped = snapshot.status(2021)
    assert next(s for s in stepped["steps"] if s["step"] == "preliminary")["detail"] == "1/1 reviewed, 1 recommended"
    assert snapshot.cycle() is not first
