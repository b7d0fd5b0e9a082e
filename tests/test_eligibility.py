"""Every condition of both programmes, through the library and the CLI."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest

from docgen.applicant import Applicant
from docgen.eligibility import EligibilityReport, check_applicant
from docgen.policy_registry import load_policy
from docgen.verdict import Verdict, zh
from tests.conftest import EXAMPLES, load_example, run, write_yaml

KUNSHAN = load_policy("kunshan-2021")
HANGZHOU = load_policy("hangzhou-2024")


def kunshan(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(load_example("kunshan/applicant-pass.yaml"))
    data.update(changes)
    return data


def hangzhou(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(load_example("hangzhou/applicant-pass.yaml"))
    data.update(changes)
    return data


def verdicts(data: dict[str, Any], policy: Any = KUNSHAN) -> dict[str, Verdict]:
    report = check_applicant(Applicant.model_validate(data), policy)
    return {c.id: c.verdict for c in report.conditions}


def report_of(data: dict[str, Any], policy: Any = KUNSHAN) -> EligibilityReport:
    return check_applicant(Applicant.model_validate(data), policy)


def teacher(qualification: str | None = None, title: str = "无") -> dict[str, Any]:
    out: dict[str, Any] = {"name": "某某", "title": title}
    if qualification:
        out["qualification"] = qualification
    return out


# --- Kunshan ---


def test_the_passing_example_fails_nothing_and_is_a_priority() -> None:
    report = report_of(kunshan())
    assert report.verdict is Verdict.review
    assert not any(c.verdict is Verdict.failed for c in report.conditions)
    assert report.priority


@pytest.mark.parametrize(("area", "expected"), [(1000, Verdict.passed), (999.5, Verdict.failed), (0, Verdict.failed)])
def test_building_area_bar_is_1000_square_metres(area: float, expected: Verdict) -> None:
    site = {"area_m2": area, "owned": True, "fire_ventilation_lighting_temperature": True}
    assert verdicts(kunshan(site=site))["site_conditions"] is expected


def test_fire_ventilation_not_stated_goes_to_a_reviewer() -> None:
    assert verdicts(kunshan(site={"area_m2": 1200, "owned": True}))["site_conditions"] is Verdict.review


def test_site_without_fire_and_ventilation_fails() -> None:
    site = {"area_m2": 1200, "owned": True, "fire_ventilation_lighting_temperature": False}
    assert verdicts(kunshan(site=site))["site_conditions"] is Verdict.failed


@pytest.mark.parametrize(
    ("staff", "expected"),
    [
        ([teacher("技师"), teacher("高级工")], Verdict.passed),  # exactly 50%
        ([teacher("高级工", "中级"), teacher("中级工")], Verdict.passed),  # a title alone counts
        ([teacher("高级技师"), teacher("高级工"), teacher("高级工")], Verdict.failed),  # 33%
        ([teacher("高级工", "初级"), teacher("中级工")], Verdict.failed),  # 0%
        ([teacher(None, "副高级")], Verdict.passed),  # no qualification, a senior title
    ],
)
def test_teacher_share_per_project(staff: list[dict[str, Any]], expected: Verdict) -> None:
    data = kunshan()
    data["projects"][1]["teachers"] = staff
    report = report_of(data)
    finding = next(c for c in report.conditions if c.id == "qualified_teachers").findings[0]
    assert finding.verdict is expected
    if expected is Verdict.failed:
        assert "工业机器人实训" in finding.detail and "数控加工实训" not in finding.detail.split("—")[0]


def test_a_project_without_teachers_fails_the_teacher_condition() -> None:
    data = kunshan()
    data["projects"][0]["teachers"] = []
    finding = next(c for c in report_of(data).conditions if c.id == "qualified_teachers").findings[0]
    assert finding.verdict is Verdict.failed and "no teachers listed" in finding.detail


@pytest.mark.parametrize(("years", "priority"), [(2, True), (1.5, False), (10, True)])
def test_two_years_of_advanced_training_gives_priority_and_never_fails(years: float, priority: bool) -> None:
    report = report_of(kunshan(experience_years=years))
    assert report.priority is priority
    assert next(c for c in report.conditions if c.id == "public_service").verdict is Verdict.review


def test_judgement_conditions_name_the_evidence_to_look_at() -> None:
    condition = next(c for c in report_of(kunshan()).conditions if c.id == "advanced_equipment")
    assert condition.verdict is Verdict.review
    assert condition.findings[0].evidence == ("equipment_list",)
    assert "教学实训设备清单" in condition.findings[0].detail


def test_an_unlisted_kind_goes_to_a_reviewer_because_the_list_ends_in_deng() -> None:
    assert verdicts(kunshan(kind="普通高校"))["scope"] is Verdict.review


def test_a_unit_outside_the_city_fails_the_scope() -> None:
    assert verdicts(kunshan(district="苏州工业园区"))["scope"] is Verdict.failed


# --- Hangzhou ---


def test_hangzhou_passing_example_fails_nothing() -> None:
    assert report_of(hangzhou(), HANGZHOU).verdict is Verdict.review


def test_hangzhou_a_leased_site_fails() -> None:
    site = {"area_m2": 5200, "owned": False}
    assert verdicts(hangzhou(site=site), HANGZHOU)["own_site_and_staff"] is Verdict.failed


def test_hangzhou_leased_equipment_fails() -> None:
    data = hangzhou()
    data["projects"][0]["equipment"][1]["owned"] = False
    finding = next(c for c in report_of(data, HANGZHOU).conditions if c.id == "own_site_and_staff").findings[1]
    assert finding.verdict is Verdict.failed and "1 of 2 are no" in finding.detail


def test_hangzhou_a_part_time_teacher_fails() -> None:
    data = hangzhou()
    data["projects"][0]["teachers"][0]["full_time"] = False
    assert verdicts(data, HANGZHOU)["own_site_and_staff"] is Verdict.failed


def test_hangzhou_no_full_time_manager_fails_and_not_stated_goes_to_review() -> None:
    assert verdicts(hangzhou(full_time_managers=0), HANGZHOU)["own_site_and_staff"] is Verdict.failed
    data = hangzhou()
    del data["full_time_managers"]
    assert verdicts(data, HANGZHOU)["own_site_and_staff"] is Verdict.review


def test_hangzhou_not_a_legal_person_fails() -> None:
    assert verdicts(hangzhou(legal_person=False), HANGZHOU)["legal_person"] is Verdict.failed


def test_hangzhou_has_no_building_area_bar() -> None:
    site = {"area_m2": 300, "owned": True}
    assert Verdict.failed not in verdicts(hangzhou(site=site), HANGZHOU).values()


# --- the command ---


@pytest.mark.parametrize(
    ("example", "policy", "code", "says"),
    [
        ("kunshan/applicant-pass.yaml", "kunshan-2021", 0, "priority"),
        ("kunshan/applicant-small-site.yaml", "kunshan-2021", 1, "800平方米 < 1000平方米"),
        ("kunshan/applicant-teachers.yaml", "kunshan-2021", 1, "焊接实训: 1 of 3 (33%)"),
        ("kunshan/applicant-outside.yaml", "kunshan-2021", 1, "苏州工业园区 is not one of"),
        ("hangzhou/applicant-pass.yaml", "hangzhou-2024", 0, "nothing fails"),
        ("hangzhou/applicant-leased.yaml", "hangzhou-2024", 1, "site.owned: no"),
    ],
)
def test_examples_give_their_documented_outcome(example: str, policy: str, code: int, says: str) -> None:
    result = run("check", EXAMPLES / example, "--policy", policy)
    assert result.exit_code == code, result.output
    assert says in result.output


def test_json_output_lists_every_condition_with_its_findings() -> None:
    import json

    result = run("check", EXAMPLES / "kunshan/applicant-small-site.yaml", "-p", "kunshan-2021", "--json")
    data = json.loads(result.output)
    assert result.exit_code == 1
    assert data["verdict"] == "fail" and data["policy"] == "kunshan-2021"
    assert [c["id"] for c in data["conditions"]] == ["scope"] + [c.id for c in KUNSHAN.conditions]
    site = next(c for c in data["conditions"] if c["id"] == "site_conditions")
    assert site["verdict"] == "fail" and site["findings"][0]["detail"] == "800平方米 < 1000平方米"


def test_the_same_applicant_file_serves_both_programmes(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "a.yaml", kunshan(district="萧山区"))
    assert run("check", path, "-p", "kunshan-2021").exit_code == 1  # outside Kunshan
    assert run("check", path, "-p", "hangzhou-2024").exit_code == 0


# --- wording -------------------------------------------------------------------------------------

ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
VARIANTS = [
    {"site": {"area_m2": 800, "owned": True, "fire_ventilation_lighting_temperature": None}},
    {"experience_years": 1, "kind": "其他"},
    {"district": "外省", "projects": [{"name": "焊接实训", "occupation": "焊工", "equipment": [], "teachers": []}]},
]


@pytest.mark.parametrize("policy", [KUNSHAN, HANGZHOU], ids=lambda p: p.id)
def test_every_finding_has_chinese_wording_beside_the_english(policy: Any) -> None:
    """The web page and documents show .zh: no English word may reach them, whatever the verdict."""
    applicants = [load_example(p.relative_to(EXAMPLES).as_posix()) for p in sorted(EXAMPLES.glob("*/applicant-*.yaml"))]
    applicants += [{**kunshan(), **change} for change in VARIANTS]
    seen = set()
    for data in applicants:
        for condition in report_of(data, policy).conditions:
            for finding in condition.findings:
                chinese = zh(finding.detail)
                assert not ENGLISH_WORD.search(chinese), (finding.label, chinese)
                assert finding.to_json()["detail_zh"] == chinese
                seen.add(finding.verdict)
    assert {Verdict.passed, Verdict.failed, Verdict.review} <= seen  # the variants reach every wording
