from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from docgen.policy_registry import load_policy
from docgen.verdict import Verdict
from docgen.yearly import YearlyReport, check_yearly
from tests.conftest import EXAMPLES, assert_one_line_error, run, write_yaml

KUNSHAN = load_policy("kunshan-2021")
ALL_REPORTS = {"plan": True, "data": True, "summary": True}


def report(trainees: int, certified: int, reports: dict[str, bool] | None = None) -> YearlyReport:
    return YearlyReport(
        base="某基地",
        year=2022,
        trainees=trainees,
        certified=certified,
        reports=ALL_REPORTS if reports is None else reports,
    )


@pytest.mark.parametrize(
    ("trainees", "certified", "expected"),
    [
        (150, 105, Verdict.passed),  # exactly 150 and exactly 70%
        (149, 149, Verdict.failed),  # too few trainees
        (150, 104, Verdict.failed),  # 69.3%
        (1000, 700, Verdict.passed),
        (0, 0, Verdict.failed),
    ],
)
def test_trainees_and_certified_share(trainees: int, certified: int, expected: Verdict) -> None:
    assert check_yearly(report(trainees, certified), KUNSHAN).verdict is expected


def test_a_report_not_submitted_fails_and_names_it() -> None:
    result = check_yearly(report(200, 180, {"plan": True, "data": True}), KUNSHAN)
    assert result.verdict is Verdict.failed
    failed = [f.label for f in result.findings if f.verdict is Verdict.failed]
    assert failed == ["报送总结材料"]
    assert "年度绩效考核不合格" in result.consequence


def test_examples() -> None:
    ok = run("yearly", EXAMPLES / "kunshan/yearly-2022-ok.yaml")
    assert ok.exit_code == 0, ok.output
    short = run("yearly", EXAMPLES / "kunshan/yearly-2022-short.yaml")
    assert short.exit_code == 1
    assert "140 < 150" in short.output and "87 of 140 = 62.1% < 70%" in short.output


def test_bad_reports(tmp_path: Path) -> None:
    base: dict[str, Any] = {
        "policy": "kunshan-2021",
        "base": "x",
        "year": 2022,
        "trainees": 10,
        "certified": 5,
    }
    p = write_yaml(tmp_path / "r.yaml", {**base, "certified": 11})
    assert_one_line_error(run("yearly", p), "r.yaml", "certified", "more than the 10 trainees")
    p = write_yaml(tmp_path / "r.yaml", {**base, "reports": {"summery": True}})
    assert_one_line_error(run("yearly", p), "reports.summery", "did you mean 'summary'?")
    p = write_yaml(tmp_path / "r.yaml", {**base, "policy": "hangzhou-2024"})
    assert_one_line_error(run("yearly", p), "hangzhou-2024 sets no yearly duty")
