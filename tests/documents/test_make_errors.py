"""Bad input to make/render: one line, exit 2, and no output file written or changed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import EXAMPLES, assert_one_line_error, run, write_yaml


def example(name: str, **changes: Any) -> dict[str, Any]:
    data = yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("number", "says"),
    [
        ("昆人社发[2021]67号", "六角括号"),
        ("昆人社发〔2021〕第67号", "no 第"),
        ("昆人社发〔2021〕067号", "leading zeros"),
    ],
)
def test_a_wrong_doc_number_is_refused_and_nothing_written(tmp_path: Path, number: str, says: str) -> None:
    data = write_yaml(tmp_path / "n.yaml", example("kunshan/doc-notice.yaml", doc_number=number))
    out = tmp_path / "n.docx"
    out.write_bytes(b"previous version")
    assert_one_line_error(run("make", "notice", data, "-o", out), "n.yaml", "doc_number", says)
    assert out.read_bytes() == b"previous version"


def test_a_reference_outside_the_data_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    write_yaml(tmp_path / "secret.yaml", {"x": 1})
    data = write_yaml(
        folder / "s.yaml",
        {"policy": "kunshan-2021", "year": 2021, "applicants": [{"applicant": "../secret.yaml"}]},
    )
    assert_one_line_error(
        run("make", "summary", data, "-o", tmp_path / "s.docx"), "applicants[1].applicant", "leads outside"
    )


def test_a_missing_reference_is_named(tmp_path: Path) -> None:
    data = write_yaml(
        tmp_path / "s.yaml",
        {"policy": "kunshan-2021", "year": 2021, "applicants": [{"applicant": "nobody.yaml"}]},
    )
    assert_one_line_error(run("make", "summary", data, "-o", tmp_path / "s.docx"), "'nobody.yaml': no such file")


def test_an_unknown_reason_in_the_examples_folder_layout(tmp_path: Path) -> None:
    (tmp_path / "applicant-teachers.yaml").write_bytes((EXAMPLES / "kunshan/applicant-teachers.yaml").read_bytes())
    path = write_yaml(tmp_path / "r.yaml", example("kunshan/doc-revocation.yaml", reason="assessment_fail"))
    assert_one_line_error(
        run("make", "revocation", path, "-o", tmp_path / "r.docx"),
        "reason",
        "did you mean 'assessment_failed'?",
    )


def test_a_missing_template_is_a_clear_error(tmp_path: Path) -> None:
    data = write_yaml(tmp_path / "d.yaml", {"x": 1})
    assert_one_line_error(run("render", tmp_path / "none.docx", data, "-o", tmp_path / "o.docx"), "no such template")
    (tmp_path / "fake.docx").write_text("not a zip", encoding="utf-8")
    assert_one_line_error(run("render", tmp_path / "fake.docx", data, "-o", tmp_path / "o.docx"), "not a .docx")
    assert not (tmp_path / "o.docx").exists()


def test_output_must_be_a_docx(tmp_path: Path) -> None:
    result = run("make", "notice", EXAMPLES / "kunshan/doc-notice.yaml", "-o", tmp_path / "n.pdf")
    assert_one_line_error(result, "must end in .docx")


def test_a_year_the_calendar_does_not_cover_is_refused(tmp_path: Path) -> None:
    (tmp_path / "applicant-pass.yaml").write_bytes((EXAMPLES / "kunshan/applicant-pass.yaml").read_bytes())
    path = write_yaml(tmp_path / "p.yaml", example("kunshan/doc-publicity.yaml", date="2027-03-01"))
    assert_one_line_error(
        run("make", "publicity", path, "-o", tmp_path / "p.docx"),
        "2027",
        "does not cover this year",
        "holidays",
    )
    (tmp_path / "holidays").mkdir()
    write_yaml(tmp_path / "holidays" / "2027.yaml", {"year": 2027})
    assert run("make", "publicity", path, "-o", tmp_path / "p.docx").exit_code == 0


def test_blank_needs_form_and_form_needs_data(tmp_path: Path) -> None:
    assert run("make", "notice", "--blank", "-o", tmp_path / "x.docx").exit_code == 2
    assert run("make", "form", "-p", "kunshan-2021", "-o", tmp_path / "x.docx").exit_code == 2
