"""Search over OCR'd scans: the index follows every ingest, and searching works while one runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from docgen.samples.scans import page_image, save_pdf
from tests.archive.conftest import CREDIT, Built
from tests.conftest import run

pytestmark = pytest.mark.slow
DOCGEN = str(Path(sys.executable).with_name("docgen"))


def search(ws: Path, *query: str) -> list[dict[str, object]]:
    result = run("-w", ws, "search", *query, "--json")
    assert result.exit_code == 0, result.stderr
    hits = json.loads(result.output)["hits"]
    assert isinstance(hits, list)
    return hits


def test_rebuilt_index_finds_words_on_scanned_pages(copy: Built) -> None:
    assert run("-w", copy.workspace, "index", "check").exit_code == 1  # ingested through the library: no index yet
    assert run("-w", copy.workspace, "index", "rebuild").exit_code == 0
    assert run("-w", copy.workspace, "index", "check").exit_code == 0
    hits = search(copy.workspace, "人力资源和社会保障局")
    assert {(h["archival_code"], h["page"]) for h in hits} >= {("KSRSJ-WS·2021-D30-0001", 1)}
    assert "<mark>人力资源和社会保障局</mark>" in str(hits[0]["snippet"])
    lathe = search(copy.workspace, "CK6150", "数控")
    assert [(h["archival_code"], h["page"]) for h in lathe] == [("KSRSJ-WS·2021-D30-0001", 2)]  # the page turned 180°
    licence = search(copy.workspace, "营业执照", "--applicant", CREDIT, "--year", "2021")
    assert licence and str(licence[0]["path"]).endswith("archive.pdf")


def test_every_ingest_updates_the_index_and_searches_work_meanwhile(copy: Built, tmp_path: Path) -> None:
    assert run("-w", copy.workspace, "index", "rebuild").exit_code == 0
    scans = [
        save_pdf(
            [page_image(["公示名单", f"第{i}号 申报单位", "拟认定为公共实训基地"], seed=80 + i)], tmp_path / f"p{i}.pdf"
        )
        for i in range(2)
    ]
    ingest = subprocess.Popen(
        [
            DOCGEN,
            "-w",
            str(copy.workspace),
            "archive",
            "ingest",
            *map(str, scans),
            "--year",
            "2026",
            "--applicant",
            CREDIT,
            "--type",
            "other",
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    searches = 0
    while ingest.poll() is None:
        assert search(copy.workspace, "人力资源和社会保障局")  # old pages stay findable throughout
        searches += 1
    _, errors = ingest.communicate()
    assert ingest.returncode == 0, errors
    assert searches >= 2
    found = search(copy.workspace, "拟认定", "--year", "2026")
    assert len(found) == 2
    assert run("-w", copy.workspace, "index", "check").exit_code == 0


def test_a_moved_workspace_searches_at_once_and_keeps_following_the_archive(copy: Built, tmp_path: Path) -> None:
    import shutil

    assert run("-w", copy.workspace, "index", "rebuild").exit_code == 0
    moved = tmp_path / "restored" / "elsewhere"
    shutil.copytree(copy.workspace, moved)
    shutil.rmtree(copy.workspace)  # the old place is gone, as after a move to a new server
    hits = search(moved, "人力资源和社会保障局")
    assert hits and all(not str(h["path"]).startswith("/") for h in hits)
    assert all((moved / str(h["path"])).is_file() for h in hits)
    shown = run("-w", moved, "search", "人力资源和社会保障局")
    assert str(moved) in shown.output and str(copy.workspace) not in shown.output
    scan = save_pdf([page_image(["补充材料", "移机后归档的证明"], seed=91)], tmp_path / "later.pdf")
    from docgen import evidence
    from docgen.workspace import open_workspace

    added = evidence.ingest(open_workspace(moved), [scan], year=2026, applicant=CREDIT, evidence_type="other")
    assert (added.index_added, added.index_removed) == (1, 0)  # only what changed was indexed
    assert [h["year"] for h in search(moved, "移机后归档")] == [2026]
    assert run("-w", moved, "index", "check").exit_code == 0
