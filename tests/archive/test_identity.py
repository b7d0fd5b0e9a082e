"""One applicant, one identity: evidence filed under a unit's name or its credit code is the same evidence."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from archive import Archive, IngestOptions
from docgen.evidence import fonds_of
from docgen.policy_registry import load_policy
from docgen.samples.scans import CERTIFICATE_LINES, page_image, save_pdf
from docgen.workspace import init_workspace
from tests.conftest import EXAMPLES, assert_one_line_error, run

pytestmark = pytest.mark.slow
DOCGEN = str(Path(sys.executable).with_name("docgen"))
CODE = "91320583MA1KJ88011"
NAME = "昆山精工数控技术有限公司"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_unit_filed_by_name_or_code_is_one_unit(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws", "kunshan-2021").root
    (ws / "applicants" / "2021").mkdir(parents=True)
    applicant_file = ws / "applicants" / "2021" / f"{CODE}.yaml"
    shutil.copyfile(EXAMPLES / "kunshan" / "applicant-pass.yaml", applicant_file)
    scan = save_pdf([page_image(CERTIFICATE_LINES, seed=1)], tmp_path / "王建国.pdf")
    args = ("--year", "2021", "--type", "teacher_certificates")

    # a name the workspace knows is filed under the unit's credit code
    assert run("-w", ws, "archive", "ingest", scan, "--applicant", NAME, *args).exit_code == 0
    archive = Archive(ws / "archive", fonds_of(load_policy("kunshan-2021")))
    ((_, record),) = archive.records(2021)
    assert record.applicant == CODE and record.applicant_folder == CODE

    # an unknown name is refused, with the closest known name, and nothing changes
    before = snapshot(ws)
    unknown = run("-w", ws, "archive", "ingest", scan, "--applicant", "昆山精工数控技术公司", *args)
    assert_one_line_error(unknown, "--applicant", "did you mean '昆山精工数控技术有限公司'", "--new-applicant")
    assert snapshot(ws) == before

    # evidence filed under the name (as earlier docgen did, or with --new-applicant) is the same unit's
    lines = ["营业执照", f"统一社会信用代码：{CODE}", f"名称：{NAME}"]
    licence = save_pdf([page_image(lines, seed=2)], tmp_path / "l.pdf")
    archive.ingest([licence], IngestOptions(2021, NAME, "business_licence"))
    assert run("-w", ws, "index", "rebuild").exit_code == 0
    for given in (NAME, CODE):
        found = json.loads(run("-w", ws, "search", "证书 OR 执照", "--applicant", given, "--json").output)
        assert found["total"] == 2, given

    # the review sees both, with the year and without it
    for extra in ((), ("--year", "2021")):
        result = run("-w", ws, "review", applicant_file, *extra, "--json")
        assert json.loads(result.output)["pages"] == 2, extra
        claims = json.loads(result.output)["claims"]
        assert any(c["verdict"] == "backed" and c["kind"] == "unit" for c in claims)

    # no evidence in the year asked: an error saying where it looked, never a list of "not found"
    empty_year = run("-w", ws, "review", applicant_file, "--year", "2020")
    assert_one_line_error(empty_year, NAME, "no evidence of 2020", "it has evidence of 2021")


@pytest.fixture(scope="module")
def filed_by_name(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace whose unit's certificate and licence were archived under its name, before its
    applicant file arrived (as earlier docgen did, or with --new-applicant); then the file came."""
    root = tmp_path_factory.mktemp("by-name")
    ws = init_workspace(root / "ws", "kunshan-2021").root
    cert = save_pdf([page_image(CERTIFICATE_LINES, seed=1)], root / "王建国.pdf")
    licence = save_pdf([page_image(["营业执照", f"统一社会信用代码：{CODE}", f"名称：{NAME}"], seed=2)], root / "l.pdf")
    for scan, kind in ((cert, "teacher_certificates"), (licence, "business_licence")):
        done = run("-w", ws, "archive", "ingest", scan, "--applicant", NAME, "--new-applicant", "--year", "2021",
                   "--type", kind)  # fmt: skip
        assert done.exit_code == 0, done.output
    (ws / "applicants" / "2021").mkdir(parents=True)
    shutil.copyfile(EXAMPLES / "kunshan" / "applicant-pass.yaml", ws / "applicants" / "2021" / f"{CODE}.yaml")
    return ws


def listed(ws: Path, applicant: str) -> list[dict[str, str]]:
    result = run("-w", ws, "archive", "list", "--applicant", applicant, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def searched(ws: Path, applicant: str) -> list[tuple[str, int, str]]:
    found = json.loads(run("-w", ws, "search", "证书 OR 执照", "--applicant", applicant, "--json").output)
    return [(h["archival_code"], h["page"], h["path"]) for h in found["hits"]]


def test_relink_moves_a_units_documents_under_its_credit_code(filed_by_name: Path, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(filed_by_name, ws)
    assert {r["applicant_folder"] for r in listed(ws, CODE)} == {NAME}, "list by code sees the name's folder"
    assert searched(ws, CODE) == searched(ws, NAME) and len(searched(ws, CODE)) == 2

    done = run("-w", ws, "archive", "relink", NAME, CODE)
    assert done.exit_code == 0, done.output
    assert "refiled 2 documents" in done.output
    assert not (ws / "archive" / "2021" / NAME).exists()
    records = listed(ws, NAME)
    assert [(r["applicant"], r["applicant_folder"]) for r in records] == [(CODE, CODE)] * 2
    assert all(f"filed under '{NAME}'" in " ".join(r["notes"]) for r in records)
    assert run("-w", ws, "archive", "verify").exit_code == 0
    assert run("-w", ws, "index", "check").exit_code == 0
    hits = searched(ws, CODE)
    assert hits == searched(ws, NAME) and len(hits) == 2
    assert all((ws / path).is_file() and f"/{CODE}/" in path for _, _, path in hits), hits  # relative to the workspace


def test_relink_refusals_change_nothing(filed_by_name: Path, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(filed_by_name, ws)
    before = snapshot(ws)
    other_code = "91320583MA1KJ88024"  # a valid code, not this unit's
    assert_one_line_error(run("-w", ws, "archive", "relink", NAME, other_code), other_code, "applicant file says", CODE)
    assert_one_line_error(run("-w", ws, "archive", "relink", NAME, "9132058"), "CREDIT_CODE")
    assert_one_line_error(run("-w", ws, "archive", "relink", CODE, CODE), "NAME", "is a credit code")
    assert_one_line_error(
        run("-w", ws, "archive", "relink", "昆山无此单位", CODE), "昆山无此单位", "no archived document"
    )
    assert snapshot(ws) == before
    assert run("-w", ws, "archive", "seal", "2021").exit_code == 0
    sealed = snapshot(ws)
    assert_one_line_error(run("-w", ws, "archive", "relink", NAME, CODE), "2021 sealed", "unseal")
    assert snapshot(ws) == sealed


@pytest.mark.parametrize("moment", ["relink-planned", "relink-moved", "relink-manifest"])
def test_relink_killed_at_any_moment_is_completed_by_running_it_again(
    filed_by_name: Path, tmp_path: Path, moment: str
) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(filed_by_name, ws)
    command = [DOCGEN, "-w", str(ws), "archive", "relink", NAME, CODE]
    killed = subprocess.run(command, env={**os.environ, "DOCGEN_KILL_AT": moment}, capture_output=True, check=False)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    # meanwhile every document is found whichever way it is asked for, under one folder or the other
    assert len(listed(ws, CODE)) == len(listed(ws, NAME)) == 2
    again = subprocess.run(command, capture_output=True, text=True, check=False)
    assert again.returncode == 0, again.stderr
    assert [(r["applicant"], r["applicant_folder"]) for r in listed(ws, CODE)] == [(CODE, CODE)] * 2
    assert not (ws / "archive" / ".relink.json").exists()
    assert run("-w", ws, "archive", "verify").exit_code == 0
    assert run("-w", ws, "index", "check").exit_code == 0
    assert all((ws / path).is_file() for _, _, path in searched(ws, CODE))


def test_a_review_says_which_evidence_type_is_missing(filed_by_name: Path) -> None:
    """The unit's pages hold a certificate and a licence but no equipment list and no site papers."""
    applicant_file = filed_by_name / "applicants" / "2021" / f"{CODE}.yaml"
    result = run("-w", filed_by_name, "review", applicant_file, "--json")
    missing = {m["type"]: m for m in json.loads(result.output)["missing_types"]}
    assert set(missing) == {"equipment_list", "site_documents"}
    assert missing["equipment_list"]["kind"] == "equipment" and missing["equipment_list"]["claims"] > 0
    text = run("-w", filed_by_name, "review", applicant_file).output
    assert "no page of 教学实训设备清单 (equipment_list) in the 2021 evidence" in text
    assert "--type equipment_list" in text
