"""Policies as data: both built-ins load, a third city needs no code, mistakes are caught."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from docgen.policy_registry import available_policies, load_policy
from tests.conftest import EXAMPLES, assert_one_line_error, run, write_yaml


def builtin(name: str) -> dict[str, Any]:
    entry = next(e for e in available_policies() if e.id == name)
    data = yaml.safe_load(entry.path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_both_builtin_policies_load_with_the_seed_facts() -> None:
    kunshan, hangzhou = load_policy("kunshan-2021"), load_policy("hangzhou-2024")
    assert kunshan.authority.name == "昆山市人力资源和社会保障局"
    assert len(kunshan.conditions) == 6 and len(kunshan.revocation_reasons) == 4
    assert kunshan.yearly_duty is not None and kunshan.yearly_duty.min_trainees == 150
    assert [s.name for s in kunshan.procedure] == ["申报", "区镇初审", "专家评审", "公示", "发文确认并挂牌"]
    assert len(hangzhou.conditions) == 4
    assert hangzhou.assessment is not None
    assert hangzhou.assessment.basic.max_points == 100 and hangzhou.assessment.bonus is not None
    assert hangzhou.assessment.bonus.max_points == 20 and hangzhou.assessment.period_years == 2
    assert [d.name for d in hangzhou.assessment.basic.dimensions] == [
        "基本建设",
        "制度建设",
        "实训管理",
        "公共服务",
    ]
    assert [(g.name, g.min_points) for g in hangzhou.assessment.grades] == [
        ("优秀", 90),
        ("良好", 80),
        ("合格", 60),
        ("不合格", None),
    ]
    assert len(hangzhou.assessment.direct_fail) == 3
    assert hangzhou.base_name("某单位", short_name="萧山") == "杭州市公共实训基地萧山分基地"
    assert hangzhou.naming.plaque == "杭州市高技能人才公共实训基地"


def test_values_not_in_the_seed_are_marked_as_assumptions() -> None:
    hangzhou = load_policy("hangzhou-2024")
    assert hangzhou.assessment is not None
    assert all(d.assumption for d in hangzhou.assessment.dimensions)  # annex 3 is not available
    shown = run("policy", "show", "hangzhou-2024").output
    assert "基本建设 (infrastructure): 25 [假设: 附件3考核指标未提供" in shown


def test_list_shows_builtins_and_a_workspace_policy(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    (ws / "policies").mkdir(parents=True)
    write_yaml(ws / "docgen.yaml", {"policy": "suzhou-2025"})
    write_yaml(ws / "policies" / "suzhou-2025.yaml", {**builtin("kunshan-2021"), "id": "suzhou-2025"})
    rows = json.loads(run("--workspace", ws, "policy", "list", "--json").output)
    assert {(r["id"], r["origin"]) for r in rows} == {
        ("kunshan-2021", "built-in"),
        ("hangzhou-2024", "built-in"),
        ("suzhou-2025", "workspace"),
    }


def test_a_third_city_is_a_yaml_file_and_no_code(tmp_path: Path) -> None:
    data = builtin("kunshan-2021")
    data |= {"id": "wuxi-2026", "city": "无锡市", "title": "无锡市高技能人才公共实训基地"}
    data["scope"]["districts"] = ["梁溪区", "滨湖区"]
    data["conditions"][4]["checks"][0]["min"] = 2000
    path = write_yaml(tmp_path / "wuxi-2026.yaml", data)
    checked = run("policy", "check", path)
    assert checked.exit_code == 0 and "valid policy 'wuxi-2026' (6 conditions" in checked.output
    applicant = EXAMPLES / "kunshan/applicant-pass.yaml"  # 1860 m², 张浦镇
    result = run("check", applicant, "--policy", path)
    assert result.exit_code == 1
    assert "1860平方米 < 2000平方米" in result.output and "张浦镇 is not one of 梁溪区、滨湖区" in result.output


@pytest.mark.parametrize(
    ("mutate", "fragments"),
    [
        (lambda d: d["conditions"][0]["checks"][0].update(evidence=["receipts"]), ["evidence 'receipts'"]),
        (
            lambda d: d["conditions"][4]["checks"][0].update(field="site.size"),
            ["'site.size' is not an applicant field"],
        ),
        (lambda d: d["conditions"][4]["checks"][0].update(check="at_most"), ["conditions[5].checks[1]"]),
        (lambda d: d.update(assumptions={"authority.seal": "x"}), ["'authority.seal' names no setting"]),
        (lambda d: d.update(id="other-name"), ["id", "must match the file name"]),
        (lambda d: d["naming"].update(base_name="{city}基地"), ["unknown placeholder {city}"]),
        (lambda d: d.update(revocation_reasons=[]), ["revocation_reasons"]),
        (lambda d: d.update(conditons=d.pop("conditions")), ["did you mean 'conditions'?"]),
    ],
)
def test_policy_mistakes_are_caught_by_policy_check(tmp_path: Path, mutate: Any, fragments: list[str]) -> None:
    data = builtin("kunshan-2021")
    mutate(data)
    path = write_yaml(tmp_path / "kunshan-2021.yaml", data)
    assert_one_line_error(run("policy", "check", path), "kunshan-2021.yaml", *fragments)


def test_grades_must_descend(tmp_path: Path) -> None:
    data = builtin("hangzhou-2024")
    data["assessment"]["grades"][0]["min_points"] = 70
    path = write_yaml(tmp_path / "hangzhou-2024.yaml", data)
    assert_one_line_error(run("policy", "check", path), "assessment.grades", "highest min_points down")


def test_an_unknown_policy_name_lists_the_known_ones() -> None:
    result = run("check", EXAMPLES / "kunshan/applicant-pass.yaml", "--policy", "kunshan")
    assert_one_line_error(result, "no policy named 'kunshan'", "kunshan-2021", "hangzhou-2024")
