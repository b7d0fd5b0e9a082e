"""One applicant, one identity: evidence filed under a unit's name or its credit code is the same evidence."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from archive import Archive, IngestOptions
from docgen.evidence import fonds_of
from docgen.policy_registry import load_policy
from docgen.samples.scans import CERTIFICATE_LINES, page_image, save_pdf
from docgen.workspace import init_workspace
from tests.conftest import EXAMPLES, assert_one_line_error, run

pytestmark = pytest.mark.slow
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
