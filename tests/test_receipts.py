"""A receipt is whole or absent: a receive killed after archiving some evidence, before its decision,
leaves nothing counted, and the next command that writes takes that evidence back; OCR's temporary
pictures of the applicant's pages never stay behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from docgen.samples.scans import page_image, save_pdf
from tests.conftest import EXAMPLES, ok, run

pytestmark = pytest.mark.slow
DOCGEN = str(Path(sys.executable).with_name("docgen"))
TEACHERS = EXAMPLES / "kunshan" / "applicant-teachers.yaml"
CODE = "12320583MA1KJ8803C"  # the credit code in applicant-teachers.yaml


def status(ws: Path) -> dict[str, object]:
    data = json.loads(ok("-w", ws, "status", "--json"))
    years = data.get("years", data)
    found = next(y for y in years if y["year"] == 2021) if isinstance(years, list) else years
    assert isinstance(found, dict)
    return found


def items(ws: Path) -> list[Path]:
    return sorted((ws / "archive" / "2021").glob(f"{CODE}/*/record.json"))


@pytest.fixture
def opened(tmp_path: Path) -> Path:
    ws = tmp_path / "ks"
    ok("init", ws, "--policy", "kunshan-2021")
    ok("-w", ws, "open")
    return ws


def scans(folder: Path, count: int) -> Path:
    folder.mkdir()
    for n in range(count):
        save_pdf(
            [page_image(["职业资格证书", f"高级技师 第{n}号证书", "撤回测试专用文字"], seed=60 + n)],
            folder / f"{n}.pdf",
        )
    return folder


def receive_killed_after_its_first_document(ws: Path, evidence: Path, env: dict[str, str] | None = None) -> list[Path]:
    """A real 'docgen receive' killed with SIGKILL once its first document is archived (before its decision)."""
    receive = subprocess.Popen(
        [DOCGEN, "-w", str(ws), "receive", str(TEACHERS), "-e", f"teacher_certificates={evidence}"],
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not items(ws) and receive.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    receive.send_signal(signal.SIGKILL)
    receive.wait()
    archived = items(ws)
    assert archived, "the kill came before any document was archived: the test proves nothing"
    return archived


def test_a_receive_killed_after_archiving_leaves_nothing_counted_and_is_rolled_back(
    opened: Path, tmp_path: Path
) -> None:
    evidence = scans(tmp_path / "certs", 3)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    archived = receive_killed_after_its_first_document(opened, evidence, {"TMPDIR": str(temporary)})
    assert not list((opened / "decisions" / "2021").glob("*-receive-*.yaml"))
    evidence_status = status(opened)["evidence"]
    assert isinstance(evidence_status, dict) and evidence_status["documents"] == 0  # not counted
    left = [p.name for p in temporary.iterdir() if p.is_dir() or p.name.startswith("ocrmypdf")]
    assert left == []  # ocrmypdf's pictures of the pages were never put in /tmp

    # the next command that writes takes the evidence back, logged, and the index follows
    ok("-w", opened, "receive", EXAMPLES / "kunshan" / "applicant-pass.yaml")
    assert items(opened) == []
    withdrawn = (opened / "archive" / "2021" / "withdrawn.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(withdrawn) == len(archived)
    assert all("受理未完成" in line for line in withdrawn)
    assert run("-w", opened, "search", "撤回测试专用文字").exit_code == 1
    ok("-w", opened, "verify")
    assert not list((opened / "decisions" / "2021").glob(".receiving-*"))


def test_a_receive_run_again_after_a_kill_is_whole(opened: Path, tmp_path: Path) -> None:
    evidence = scans(tmp_path / "certs", 2)
    receive_killed_after_its_first_document(opened, evidence)
    ok("-w", opened, "receive", TEACHERS, "-e", f"teacher_certificates={evidence}")  # the clerk runs it again
    records = [json.loads(p.read_text(encoding="utf-8")) for p in items(opened)]
    assert sorted(r["original"]["name"] for r in records) == ["0.pdf", "1.pdf"]  # each once, none left over
    decision = next((opened / "decisions" / "2021").glob("*-receive-*.yaml")).read_text(encoding="utf-8")
    assert all(r["archival_code"] in decision for r in records)
    evidence_status = status(opened)["evidence"]
    assert isinstance(evidence_status, dict) and evidence_status["documents"] == 2
    hits = json.loads(ok("-w", opened, "search", "撤回测试专用文字", "--json"))["hits"]
    assert sorted(h["archival_code"] for h in hits) == sorted(r["archival_code"] for r in records)
    ok("-w", opened, "verify")


def test_a_refused_receive_archives_nothing(opened: Path, tmp_path: Path) -> None:
    evidence = scans(tmp_path / "certs", 1)
    ok("-w", opened, "receive", TEACHERS, "-e", f"teacher_certificates={evidence}")
    before = items(opened)
    again = run("-w", opened, "receive", TEACHERS, "-e", f"teacher_certificates={evidence}")
    assert again.exit_code == 2  # already received: refused before anything is archived
    assert items(opened) == before
    assert not list((opened / "decisions" / "2021").glob(".receiving-*"))
