"""Hangzhou's assessment: caps, grade boundaries, fractional points, direct fails."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from docgen.assessment import AssessmentSheet, score
from docgen.policy_registry import load_policy
from tests.conftest import EXAMPLES, assert_one_line_error, run, write_yaml

HANGZHOU = load_policy("hangzhou-2024")


def sheet(basic: str, bonus: dict[str, str] | None = None, direct_fail: list[str] | None = None) -> AssessmentSheet:
    """Basic points spread over the four dimensions (each ≤ 25), plus bonus points by dimension name."""
    total = Decimal(basic)
    points: dict[str, Decimal] = {}
    for name in ("基本建设", "制度建设", "实训管理", "公共服务"):
        points[name] = min(total, Decimal(25))
        total -= points[name]
    points |= {k: Decimal(v) for k, v in (bonus or {}).items()}
    return AssessmentSheet(base="某分基地", points=points, direct_fail=direct_fail or [])


@pytest.mark.parametrize(
    ("basic", "grade"),
    [
        ("100", "优秀"),
        ("90", "优秀"),
        ("89.5", "良好"),
        ("89.99", "良好"),
        ("80", "良好"),
        ("79.99", "合格"),
        ("60", "合格"),
        ("59.99", "不合格"),
        ("0", "不合格"),
    ],
)
def test_grade_bands_and_their_boundaries(basic: str, grade: str) -> None:
    result = score(sheet(basic), HANGZHOU)
    assert result.total == Decimal(basic)
    assert result.grade.name == grade
    assert result.passing is (grade != "不合格")


def test_bonus_counts_towards_the_grade() -> None:
    result = score(sheet("85", {"承办技能大赛": "5"}), HANGZHOU)
    assert result.total == 90 and result.grade.name == "优秀"


def test_a_bonus_of_25_counts_20() -> None:
    result = score(sheet("70", {"承办技能大赛": "15", "其他公益性服务": "10"}), HANGZHOU)
    bonus = result.parts[1]
    assert [d.counted for d in bonus.dimensions] == [10, 10]  # 承办技能大赛 capped at its 10
    assert bonus.counted == 20 and result.total == 90


def test_each_dimension_is_capped_at_its_maximum() -> None:
    s = AssessmentSheet(
        base="x",
        points={
            "基本建设": Decimal(30),
            "制度建设": Decimal(25),
            "实训管理": Decimal(25),
            "公共服务": Decimal(25),
        },
    )
    result = score(s, HANGZHOU)
    assert result.parts[0].dimensions[0].entered == 30 and result.parts[0].dimensions[0].counted == 25
    assert result.total == 100


def test_fractions_add_exactly() -> None:
    s = AssessmentSheet(
        base="x",
        points={
            "基本建设": Decimal("22.1"),
            "制度建设": Decimal("22.2"),
            "实训管理": Decimal("22.3"),
            "公共服务": Decimal("23.4"),
        },
    )
    result = score(s, HANGZHOU)
    assert result.total == Decimal("90.0") and result.grade.name == "优秀"  # 0.1+0.2 is not 0.30000000000000004


def test_a_direct_fail_overrides_a_perfect_score() -> None:
    result = score(sheet("100", {"承办技能大赛": "10"}, ["refused_assessment"]), HANGZHOU)
    assert result.total == 110
    assert result.grade.name == "不合格"
    assert result.direct_fail == ("拒绝接受市人力社保部门考核管理的",)
    assert "撤销" in result.consequence and "摘牌" in result.consequence


@pytest.mark.parametrize(
    ("example", "code", "says"),
    [
        ("assessment-good.yaml", 0, "优秀"),
        ("assessment-fail.yaml", 1, "total: 59.5"),
        ("assessment-direct-fail.yaml", 1, "所在单位被注销或撤销的"),
    ],
)
def test_examples(example: str, code: int, says: str) -> None:
    result = run("score", EXAMPLES / "hangzhou" / example)
    assert result.exit_code == code, result.output
    assert says in result.output


def test_json_has_the_score_sheet() -> None:
    import json

    data = json.loads(run("score", EXAMPLES / "hangzhou/assessment-good.yaml", "--json").output)
    assert data["total"] == 95 and data["grade"] == "优秀" and data["passing"] is True
    assert data["parts"][0]["dimensions"][2] == {
        "id": "training_management",
        "name": "实训管理",
        "max": 25,
        "entered": 21.5,
        "counted": 21.5,
    }


@pytest.mark.parametrize(
    ("points", "direct", "fragments"),
    [
        (
            {"基本建设": 20, "制度建设": 20, "实训管理": 20, "公共服务": 20, "承办大赛": 5},
            [],
            ["points.承办大赛", "did you mean '承办技能大赛'?"],
        ),
        (
            {"基本建设": 20, "制度建设": 20, "实训管理": 20},
            [],
            ["points.公共服务", "required field is missing"],
        ),
        ({"基本建设": -1, "制度建设": 20, "实训管理": 20, "公共服务": 20}, [], ["points.基本建设", "≥ 0"]),
        ({"基本建设": 20, "infrastructure": 20, "实训管理": 20, "公共服务": 20}, [], ["given twice"]),
        (
            {"基本建设": "good", "制度建设": 20, "实训管理": 20, "公共服务": 20},
            [],
            ["points.基本建设", "expected a number"],
        ),
        (
            {"基本建设": 20, "制度建设": 20, "实训管理": 20, "公共服务": 20},
            ["dissolved"],
            ["direct_fail[1]", "unit_dissolved"],
        ),
    ],
)
def test_bad_sheets(tmp_path: Path, points: dict[str, object], direct: list[str], fragments: list[str]) -> None:
    path = write_yaml(
        tmp_path / "s.yaml", {"policy": "hangzhou-2024", "base": "x", "points": points, "direct_fail": direct}
    )
    assert_one_line_error(run("score", path), "s.yaml", *fragments)


def test_kunshan_has_no_points_and_says_what_to_use(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "s.yaml", {"base": "x", "points": {}})
    assert_one_line_error(run("score", path, "--policy", "kunshan-2021"), "no points-based assessment", "docgen yearly")
