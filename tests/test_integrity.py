"""The decision journal is tamper-evident: an edited, deleted, reordered or inserted decision, an altered
document and a gap in the numbering are named by 'docgen verify', and status, register and the steps
refuse to build on them."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
import yaml

from docgen.cycle.integrity import check_journal
from docgen.workspace import open_workspace
from tests.conftest import EXAMPLES, assert_one_line_error, run, write_yaml


@pytest.fixture(scope="module")
def completed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Kunshan's sample year from the call to a revocation (the main job, without scans and PDFs)."""
    root = tmp_path_factory.mktemp("demo") / "sample"
    done = run("demo", root, "--no-pdf", "--no-scans")
    assert done.exit_code == 0, done.output
    return root / "kunshan-2021"


@pytest.fixture
def ws(completed: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "ks"
    shutil.copytree(completed, copy)
    for path in copy.rglob("*"):
        if path.is_file():
            path.chmod(0o644)  # the clerk (or root) can always write; read-only modes are no protection
    return copy


def decision_file(ws: Path, pattern: str) -> Path:
    (found,) = sorted((ws / "decisions").glob(pattern))
    return found


def edit(path: Path, change: dict[str, object]) -> None:
    header, body = path.read_text(encoding="utf-8").split("\n", 1)
    data = yaml.safe_load(body)
    data.update(change)
    path.write_text(header + "\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_an_intact_journal_verifies(ws: Path) -> None:
    result = run("-w", ws, "verify")
    assert result.exit_code == 0, result.output
    assert "decision journal: 0 problems" in result.output
    assert run("-w", ws, "status", "--year", "2021").exit_code == 0


def test_a_forged_assessment_is_caught_and_nothing_builds_on_it(ws: Path) -> None:
    forged = decision_file(ws, "2023/0002-assessment-*.yaml")
    edit(forged, {"outcome": "优秀"})
    verified = run("-w", ws, "verify")
    assert verified.exit_code == 1
    assert forged.name in verified.output, verified.output
    for command in (("status", "--year", "2021"), ("register",)):
        refused = run("-w", ws, *command)
        assert_one_line_error(refused, "integrity check", forged.name, "docgen verify")
    shown = run("-w", ws, "register", "--ignore-integrity")
    assert shown.exit_code == 0 and "WARNING" in shown.stderr and forged.name in shown.stderr
    step = run("-w", ws, "plaque", "昆山精工数控技术有限公司", "--reason", "铭牌损坏")
    assert_one_line_error(step, "integrity check", forged.name)


def test_a_deleted_objection_and_its_resolution_leave_a_gap(ws: Path) -> None:
    for pattern in ("2021/0016-objection-*.yaml", "2021/0017-resolution-*.yaml"):
        decision_file(ws, pattern).unlink()
    verified = run("-w", ws, "verify", "--journal-only")
    assert verified.exit_code == 1
    assert "0018-confirmation.yaml: decision(s) 0016-0017 before it are missing" in verified.output


def test_an_altered_document_is_named(ws: Path) -> None:
    notice = next((ws / "output" / "2021" / "6-confirmation").glob("认定通知*.docx"))
    notice.write_bytes(notice.read_bytes() + b"\0")
    verified = run("-w", ws, "verify", "--journal-only")
    assert verified.exit_code == 1 and f"{notice.relative_to(ws)}: altered since" in verified.output


def test_a_revision_is_a_new_decision_and_verifies(ws: Path) -> None:
    revised = run("-w", ws, "plaque", "昆山精工数控技术有限公司", "--reason", "铭牌损坏", "--date", "2024-03-01")
    assert revised.exit_code == 0, revised.output
    assert run("-w", ws, "verify", "--journal-only").exit_code == 0


def _mutate(rng: random.Random, ws: Path) -> str:
    """One random change to one decision file; returns what a finding must name (a file name or a number)."""
    files = sorted((ws / "decisions").glob("*/[0-9][0-9][0-9][0-9]-*.yaml"))
    target = rng.choice(files)
    kind = rng.choice(["edit", "delete", "swap", "insert", "retype"])
    if kind == "edit":
        edit(
            target,
            {rng.choice(["outcome", "reason", "by", "date"]): rng.choice(["优秀", "withdrawn", "某人", "2020-01-01"])},
        )
        return target.name
    if kind == "retype":  # one character changed anywhere in the text
        text = target.read_text(encoding="utf-8")
        at = rng.randrange(len(text))
        target.write_text(text[:at] + ("X" if text[at] != "X" else "Y") + text[at + 1 :], encoding="utf-8")
        return target.name
    if kind == "delete":
        target.unlink()
        return target.name[:4]
    year_files = sorted(target.parent.glob("[0-9][0-9][0-9][0-9]-*.yaml"))
    if kind == "swap" and len(year_files) > 1:
        other = rng.choice([f for f in year_files if f != target])
        a, b = target.read_bytes(), other.read_bytes()
        target.write_bytes(b)
        other.write_bytes(a)
        return target.name
    # insert: a copy of a decision as the year's next one, linked to the last so far (a careful forgery)
    number = len(year_files) + 1
    forged = target.parent / f"{number:04d}-{target.name[5:]}"
    edit_source = target.read_text(encoding="utf-8")
    forged.write_text(edit_source, encoding="utf-8")
    edit(forged, {"id": f"{target.parent.name}-{number:04d}"})
    return forged.name


@pytest.mark.parametrize("seed", range(8))
def test_any_single_change_to_the_journal_is_named(ws: Path, seed: int) -> None:
    pristine = {p: p.read_bytes() for p in (ws / "decisions").rglob("*") if p.is_file()}
    workspace = open_workspace(ws)
    assert check_journal(workspace) == []
    rng = random.Random(seed)
    for _ in range(40):
        must_name = _mutate(rng, ws)
        found = check_journal(workspace)
        assert found, f"a change to {must_name} went unnoticed"
        assert any(must_name in str(b) for b in found), (must_name, [str(b) for b in found])
        for path in (ws / "decisions").rglob("*.yaml"):
            if path not in pristine:
                path.unlink()
        for path, data in pristine.items():
            path.write_bytes(data)
        assert check_journal(workspace) == []


def test_two_units_whose_names_fold_together_keep_their_own_forms(tmp_path: Path) -> None:
    ws = tmp_path / "ks"
    assert run("init", ws, "--policy", "kunshan-2021").exit_code == 0
    assert run("-w", ws, "open").exit_code == 0
    source = yaml.safe_load((EXAMPLES / "kunshan" / "applicant-pass.yaml").read_text(encoding="utf-8"))
    for name, code in (("昆山甲/乙公司", "91320583MA1KJ8807K"), ("昆山甲_乙公司", "91320583MA1KJ8808N")):
        path = write_yaml(tmp_path / f"{code}.yaml", {**source, "name": name, "credit_code": code})
        received = run("-w", ws, "receive", path, "--date", "2021-12-10")
        assert received.exit_code == 0, received.output
    forms = sorted(p.name for p in (ws / "output" / "2021" / "2-receive").glob("*.docx"))
    assert forms == ["申报表-昆山甲_乙公司-91320583MA1KJ8807K.docx", "申报表-昆山甲_乙公司-91320583MA1KJ8808N.docx"]
    assert run("-w", ws, "verify", "--journal-only").exit_code == 0


def test_details_that_do_not_fit_their_step_are_a_damaged_decision(ws: Path) -> None:
    """Each step's details have a model (docgen/cycle/details.py): an unknown or mistyped field is refused."""
    confirmation = decision_file(ws, "2021/0018-confirmation.yaml")
    header, body = confirmation.read_text(encoding="utf-8").split("\n", 1)
    data = yaml.safe_load(body)
    data["details"]["bases"][0]["revoked"] = True
    confirmation.write_text(header + "\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    verified = run("-w", ws, "verify", "--journal-only")
    assert verified.exit_code == 1
    assert "0018-confirmation.yaml: not a readable decision (ValidationError)" in verified.output
    shown = run("-w", ws, "register", "--ignore-integrity")  # the warning, then why it cannot be shown at all
    assert shown.exit_code == 2 and "WARNING" in shown.stderr
    last = shown.stderr.strip().splitlines()[-1]
    assert "0018-confirmation.yaml" in last and "unknown key 'revoked'" in last
