"""Bad applicant files: one line naming the file and the field, exit 2, no traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import assert_one_line_error, load_example, run, write_yaml


def applicant(**changes: Any) -> dict[str, Any]:
    data = load_example("kunshan/applicant-pass.yaml")
    data.update(changes)
    return data


def check(path: Path) -> Any:
    return run("check", path, "--policy", "kunshan-2021")


def test_a_valid_file_is_accepted(tmp_path: Path) -> None:
    assert check(write_yaml(tmp_path / "ok.yaml", applicant())).exit_code == 0


def test_an_enum_error_names_the_path_counted_from_one(tmp_path: Path) -> None:
    data = applicant()
    data["projects"][0]["teachers"][2]["title"] = "高工"
    line = assert_one_line_error(check(write_yaml(tmp_path / "acme.yaml", data)))
    assert "acme.yaml: projects[1].teachers[3].title: '高工' is not one of 无, 初级, 中级, 副高级, 正高级" in line


def test_an_unknown_key_suggests_the_closest_name(tmp_path: Path) -> None:
    data = applicant()
    data["credit_cod"] = data.pop("credit_code")
    assert_one_line_error(
        check(write_yaml(tmp_path / "a.yaml", data)),
        "a.yaml",
        "unknown key 'credit_cod'",
        "did you mean 'credit_code'?",
    )


def test_an_unknown_nested_key_suggests_within_its_own_level(tmp_path: Path) -> None:
    data = applicant()
    data["site"]["area"] = 10
    assert_one_line_error(check(write_yaml(tmp_path / "a.yaml", data)), "site.area", "did you mean 'area_m2'?")


@pytest.mark.parametrize(
    ("changes", "fragments"),
    [
        ({"site": {"area_m2": -5, "owned": True}}, ["site.area_m2", "must be ≥ 0, got -5"]),
        ({"site": {"area_m2": "large", "owned": True}}, ["site.area_m2", "expected a number, got 'large'"]),
        ({"experience_years": "three"}, ["experience_years", "expected a number"]),
        ({"credit_code": "91320583MA1KJ88012"}, ["credit_code", "fails the GB 32100 check", "should be 1"]),
        ({"credit_code": "123"}, ["credit_code", "has 3 characters"]),
        ({"projects": []}, ["projects"]),
        ({"kind": "公司"}, ["kind", "'公司' is not one of"]),
        ({"trainees_last_year": 10, "certified_last_year": 20}, ["certified_last_year", "more than"]),
    ],
)
def test_wrong_values_name_file_and_field(tmp_path: Path, changes: dict[str, Any], fragments: list[str]) -> None:
    assert_one_line_error(check(write_yaml(tmp_path / "bad.yaml", applicant(**changes))), "bad.yaml", *fragments)


def test_a_missing_field_is_named(tmp_path: Path) -> None:
    data = applicant()
    del data["contact"]["phone"]
    assert_one_line_error(check(write_yaml(tmp_path / "m.yaml", data)), "contact.phone", "required field is missing")


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("name: [unclosed\n", ["not valid YAML", "line 2"]),
        ("", ["file is empty"]),
        ("   \n\n", ["file is empty"]),
        ("- a\n- b\n", ["expected a mapping", "got list"]),
        (
            "!!python/object/apply:os.system ['touch pwned']\n",
            ["tag !!python/object/apply:os.system is not allowed"],
        ),
        ("name: x\nname: y\n", ["duplicate key 'name'", "line 2"]),
    ],
)
def test_unreadable_yaml_is_refused_without_running_anything(tmp_path: Path, text: str, fragments: list[str]) -> None:
    path = tmp_path / "in.yaml"
    path.write_text(text, encoding="utf-8")
    assert_one_line_error(check(path), "in.yaml", *fragments)
    assert not (tmp_path / "pwned").exists()


def test_a_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as f:
        f.write(b"name: x\n")
        f.truncate(50 * 1024 * 1024)
    assert_one_line_error(check(path), "huge.yaml", "50.0 MiB", "limited to")


def test_a_gbk_file_gets_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes("name: 昆山精工数控技术有限公司\n".encode("gbk"))
    assert_one_line_error(check(path), "gbk.yaml", "not UTF-8", "GBK")


def test_a_missing_file_and_a_folder_are_named(tmp_path: Path) -> None:
    assert_one_line_error(check(tmp_path / "nope.yaml"), "nope.yaml", "no such file")
    assert_one_line_error(check(tmp_path), str(tmp_path), "is a directory", "--help")


def test_verbose_shows_the_traceback_for_debugging(tmp_path: Path) -> None:
    path = tmp_path / "e.yaml"
    path.write_text("", encoding="utf-8")
    result = run("-v", "check", path, "--policy", "kunshan-2021")
    assert result.exit_code == 2
    assert "Traceback" in result.stderr
