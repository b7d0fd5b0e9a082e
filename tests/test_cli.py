"""The command line as a user meets it: help everywhere, workspaces found like git finds a repo."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from docgen.cli import cli
from tests.conftest import EXAMPLES, assert_one_line_error, run, write_yaml


def all_commands(group: click.Group = cli, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += all_commands(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


@pytest.mark.parametrize("path", all_commands(), ids=lambda p: " ".join(p) or "docgen")
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = run(*path, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output, f"'docgen {' '.join(path)} --help' shows no example"


def test_no_policy_and_no_workspace_says_how_to_choose() -> None:
    result = run("check", EXAMPLES / "kunshan/applicant-pass.yaml")
    assert_one_line_error(result, "no programme chosen", "--policy")


def make_workspace(root: Path, policy: str = "kunshan-2021") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    write_yaml(root / "docgen.yaml", {"policy": policy})
    return root


def test_the_workspace_is_found_in_a_parent_folder(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", "hangzhou-2024")
    deep = ws / "applicants" / "2024"
    deep.mkdir(parents=True)
    os.chdir(deep)
    result = run("check", EXAMPLES / "hangzhou/applicant-leased.yaml", "--json")
    assert result.exit_code == 1 and '"policy": "hangzhou-2024"' in result.output


def test_the_environment_variable_and_the_option_choose_a_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_workspace(tmp_path / "k", "kunshan-2021")
    make_workspace(tmp_path / "h", "hangzhou-2024")
    monkeypatch.setenv("DOCGEN_WORKSPACE", str(tmp_path / "k"))
    applicant = EXAMPLES / "kunshan/applicant-small-site.yaml"
    assert '"policy": "kunshan-2021"' in run("check", applicant, "--json").output
    assert '"policy": "hangzhou-2024"' in run("-w", tmp_path / "h", "check", applicant, "--json").output


def test_a_folder_that_is_not_a_workspace_is_refused(tmp_path: Path) -> None:
    assert_one_line_error(run("-w", tmp_path, "policy", "list"), "not a docgen workspace", "docgen init")


def test_a_broken_workspace_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "docgen.yaml").write_text("policy: [", encoding="utf-8")
    assert_one_line_error(run("policy", "list"), "docgen.yaml", "not valid YAML")


def test_the_installed_console_script_runs() -> None:
    exe = Path(sys.executable).with_name("docgen")
    result = subprocess.run(
        [str(exe), "check", str(EXAMPLES / "kunshan/applicant-small-site.yaml"), "--policy", "kunshan-2021"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1 and "800平方米 < 1000平方米" in result.stdout
    broken = subprocess.run([str(exe), "score", "/nonexistent.yaml"], capture_output=True, text=True, check=False)
    assert broken.returncode == 2 and broken.stderr.count("\n") == 1 and "Traceback" not in broken.stderr


def test_the_demo_builds_workspaces_that_docgen_then_finds(tmp_path: Path) -> None:
    result = run("demo", tmp_path / "sample", "--no-pdf", "--no-scans")
    assert result.exit_code == 0, result.output
    ks = tmp_path / "sample" / "kunshan-2021"
    assert "2021-0009 preliminary  昆山巨匠职业培训学校: not_recommended" in result.output
    assert "register 杭州市公共实训基地萧山分基地: 2026-2027 优秀; 在册" in result.output
    assert (ks / "output" / "2021" / "6-confirmation" / "认定通知.docx").is_file()
    status = run("-w", ks, "status", "--year", "2021")
    assert status.exit_code == 0 and "[x] 发文确认并挂牌  2 bases, 昆人社发〔2022〕3号" in status.output
    assert run("demo", tmp_path / "sample", "--no-pdf", "--no-scans").exit_code == 0  # re-running starts afresh
    assert len(list((ks / "decisions" / "2021").glob("*.yaml"))) == 18
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep", encoding="utf-8")
    assert_one_line_error(run("demo", tmp_path / "mine"), "not a docgen demo folder")
    assert (tmp_path / "mine" / "notes.txt").read_text(encoding="utf-8") == "keep"


@pytest.mark.slow
def test_the_main_job_in_full(tmp_path: Path) -> None:
    """What the README's first command runs: the whole cycle with scans, OCR, PDFs and searches."""
    result = run("demo", tmp_path / "sample")
    assert result.exit_code == 0, result.output + result.stderr
    for programme in ("kunshan-2021", "hangzhou-2024"):
        ws = tmp_path / "sample" / programme
        docx = sorted((ws / "output").rglob("*.docx"))
        assert docx and all(p.with_suffix(".pdf").is_file() for p in docx)
        assert run("-w", ws, "archive", "verify").exit_code == 0
    # the passing applicant's certificates were scanned, OCR'd and are found by a reviewer's search
    assert re.search(r"search 高级技师: [1-9]\d* pages \(KSRSJ-WS·2021-D30-", result.output)
    assert re.search(r"search CK6150: [1-9]\d* pages", result.output)
    assert "36 documents written" in result.output  # 32, and the two Excel lists each call now issues
    for programme in ("kunshan-2021", "hangzhou-2024"):
        lists = sorted(p.name for p in (tmp_path / "sample" / programme / "output").glob("*/1-open/*.xlsx"))
        assert lists == ["附件-师资名单.xlsx", "附件-设备清单.xlsx"], (programme, lists)
