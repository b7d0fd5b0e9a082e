"""Input that tries to break docgen: every case is one line naming the file and the field, exit 2,
nothing written; templates cannot hang or exhaust the machine."""

from __future__ import annotations

import time
from pathlib import Path

import docx
import pytest
import yaml

from tests.conftest import EXAMPLES, assert_one_line_error, run, write_yaml

APPLICANT = EXAMPLES / "kunshan" / "applicant-pass.yaml"


def applicant_with(tmp_path: Path, change: dict[str, object], site: dict[str, object] | None = None) -> Path:
    data = yaml.safe_load(APPLICANT.read_text(encoding="utf-8"))
    data.update(change)
    if site:
        data["site"] = {**data["site"], **site}
    return write_yaml(tmp_path / "a.yaml", data)


@pytest.mark.parametrize(
    ("change", "site", "says"),
    [
        ({}, {"area_m2": "1e999999999"}, "site.area_m2: must be ≤ 10000000"),
        ({}, {"area_m2": 10**400}, "(401 digits)"),
        ({"name": "昆" * 300}, None, "name: 300 characters; at most 100"),
        ({"name": "昆山\u202e精工公司"}, None, "name: holds the invisible or control character U+202E"),
        ({"name": "昆山精工\n公司"}, None, "U+000A"),
        ({"name": "昆山\x00精工"}, None, "U+0000"),
        ({"experience_years": 1e308}, None, "experience_years: must be ≤ 200"),
    ],
)
def test_implausible_values_are_refused_with_the_field(
    tmp_path: Path, change: dict[str, object], site: dict[str, object] | None, says: str
) -> None:
    path = applicant_with(tmp_path, change, site)
    assert_one_line_error(run("check", path, "--policy", "kunshan-2021"), str(path), says)


def test_deep_nesting_and_alias_bombs_are_refused(tmp_path: Path) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("a: " + "[" * 10000 + "]" * 10000 + "\n", encoding="utf-8")
    assert_one_line_error(run("check", deep, "--policy", "kunshan-2021"), str(deep), "nested more than")
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = time.monotonic()
    result = run("render", EXAMPLES.parent / "templates" / "plaque.docx", bomb, "-o", tmp_path / "out.docx")
    assert_one_line_error(result, str(bomb), "expand to more than 1,000,000 values")
    assert time.monotonic() - started < 10
    assert not (tmp_path / "out.docx").exists()


def template_with(tmp_path: Path, name: str, text: str) -> Path:
    document = docx.Document()
    document.add_paragraph(text)
    path = tmp_path / f"{name}.docx"
    document.save(str(path))
    return path


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "longer than 1 s"),
        ("{{ 'x' * 10**9 }}", "too large for a document"),
        ("{% for i in range(10**9) %}{{ i }}{% endfor %}", "templates may count to 100000"),
        ("{% for i in range(100000) %}{{ 'y' * 1000 }}{% endfor %}", "more than 50 MB"),
        ("{{ '{a}'.format_map({}) }}", "KeyError"),
        ("{% include 'other.docx' %}", "{% include %} is not allowed"),
        ("{% import 'macros' as m %}", "{% import %} is not allowed"),
    ],
)
def test_templates_run_under_limits_and_a_stopped_render_writes_nothing(tmp_path: Path, text: str, says: str) -> None:
    ws = tmp_path / "ws"
    assert run("init", ws, "--policy", "kunshan-2021").exit_code == 0
    settings = ws / "docgen.yaml"
    write_yaml(settings, {**yaml.safe_load(settings.read_text(encoding="utf-8")), "render_seconds": 1})
    template = template_with(tmp_path, "t", text)
    data = write_yaml(tmp_path / "d.yaml", {"x": 1})
    out = tmp_path / "out.docx"
    started = time.monotonic()
    result = run("-w", ws, "render", template, data, "-o", out)
    assert_one_line_error(result, str(template), says)
    assert time.monotonic() - started < 15
    assert not out.exists()


def test_a_workspace_template_that_loops_stops_the_step_and_changes_nothing(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert run("init", ws, "--policy", "kunshan-2021").exit_code == 0
    settings = ws / "docgen.yaml"
    write_yaml(settings, {**yaml.safe_load(settings.read_text(encoding="utf-8")), "render_seconds": 1})
    loop = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    template_with(ws / "templates", "notice", loop)
    before = {p: p.read_bytes() for p in ws.rglob("*") if p.is_file()}
    assert_one_line_error(run("-w", ws, "open"), "notice.docx", "longer than 1 s")
    assert {p: p.read_bytes() for p in ws.rglob("*") if p.is_file() and p.name != ".lock"} == {
        p: b for p, b in before.items() if p.name != ".lock"
    }


def test_policy_check_refuses_negative_and_inconsistent_figures(tmp_path: Path) -> None:
    source = Path(__file__).resolve().parent.parent / "docgen" / "policies"
    kunshan = yaml.safe_load((source / "kunshan-2021.yaml").read_text(encoding="utf-8"))
    check = next(c for cond in kunshan["conditions"] for c in cond["checks"] if c["check"] == "at_least")
    check["min"] = -5
    path = write_yaml(tmp_path / "ks.yaml", kunshan)
    assert_one_line_error(run("policy", "check", path), str(path), "min: must be ≥ 0")
    hangzhou = yaml.safe_load((source / "hangzhou-2024.yaml").read_text(encoding="utf-8"))
    hangzhou["assessment"]["grades"][2]["min_points"] = -60
    path = write_yaml(tmp_path / "hz.yaml", hangzhou)
    assert_one_line_error(run("policy", "check", path), str(path), "min_points: must be ≥ 0")
    hangzhou = yaml.safe_load((source / "hangzhou-2024.yaml").read_text(encoding="utf-8"))
    hangzhou["assessment"]["basic"]["max_points"] = 90
    path = write_yaml(tmp_path / "hz2.yaml", hangzhou)
    assert_one_line_error(run("policy", "check", path), str(path), "max_points is 90 but its dimensions add up to 100")


@pytest.mark.parametrize(
    ("number", "says"),
    [
        ("../../昆人社发〔2022〕3号", "the 机关代字 before 〔 is 1-12 Chinese characters"),
        ("昆" * 300 + "〔2022〕3号", "the 机关代字 before 〔 is 1-12 Chinese characters"),
    ],
)
def test_document_numbers_are_checked_against_their_format(tmp_path: Path, number: str, says: str) -> None:
    ws = tmp_path / "ws"
    assert run("init", ws, "--policy", "kunshan-2021").exit_code == 0
    campaign = ws / "campaigns" / "2021.yaml"
    data = yaml.safe_load(campaign.read_text(encoding="utf-8"))
    data["notice"]["doc_number"] = number
    write_yaml(campaign, data)
    result = run("-w", ws, "open")
    line = assert_one_line_error(result, says)
    assert len(line) < 300
    assert not (ws / "output").exists() or not any((ws / "output").rglob("*.docx"))


def test_a_short_name_is_a_place_name_not_a_path(tmp_path: Path) -> None:
    ws = tmp_path / "hz"
    assert run("init", ws, "--policy", "hangzhou-2024").exit_code == 0
    assert run("-w", ws, "open").exit_code == 0
    received = run("-w", ws, "receive", EXAMPLES / "hangzhou" / "applicant-pass.yaml")
    assert received.exit_code == 0, received.output
    before = {p: p.read_bytes() for p in ws.rglob("*") if p.is_file() and p.name != ".lock"}
    result = run(
        "-w", ws, "expert", "杭州钱江智能制造技工学校", "--candidate", "--short-name", "/../..", "--reason", "达标"
    )
    assert_one_line_error(result, "--short-name", "is not 1-10 Chinese characters")
    assert {p: p.read_bytes() for p in ws.rglob("*") if p.is_file() and p.name != ".lock"} == before


def test_check_pages_names_a_file_that_is_not_a_pdf(tmp_path: Path) -> None:
    text = tmp_path / "公示.pdf"
    text.write_text("not a pdf at all", encoding="utf-8")
    assert_one_line_error(run("check-pages", text), str(text), "not a PDF")
