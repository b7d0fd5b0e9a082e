"""Publicity periods on the mainland calendar, checked against dates measured with chinese-calendar."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from docgen.documents.workdays import add_working_days
from docgen.errors import BadInputError
from tests.conftest import write_yaml


@pytest.mark.parametrize(
    ("start", "counts", "end"),
    [
        (date(2021, 11, 26), False, date(2021, 12, 3)),
        (date(2021, 11, 26), True, date(2021, 12, 2)),
        (date(2025, 9, 26), False, date(2025, 10, 10)),  # the Sunday make-up day 9/28 counts
        (date(2026, 9, 25), False, date(2026, 10, 9)),  # find_workday's pitfall would give 10-10
        (date(2026, 2, 13), False, date(2026, 2, 27)),  # Sat 2/14 is a make-up day, 2/15-2/23 off
    ],
)
def test_five_working_days(start: date, counts: bool, end: date) -> None:
    assert add_working_days(start, 5, start_counts=counts) == end


def test_a_year_not_covered_is_refused_with_what_to_do() -> None:
    with pytest.raises(BadInputError, match=r"does not cover this year; add holidays/2027.yaml"):
        add_working_days(date(2027, 3, 1), 5)


def test_a_holidays_file_covers_a_new_year(tmp_path: Path) -> None:
    write_yaml(
        tmp_path / "2027.yaml",
        {"year": 2027, "holidays": ["2027-05-03", "2027-05-04"], "workdays": ["2027-05-08"]},
    )
    # published Fri 2027-04-30: 5/3 and 5/4 off; 5/5, 5/6, 5/7, Saturday 5/8 (worked), Monday 5/10
    assert add_working_days(date(2027, 4, 30), 5, holidays_dir=tmp_path) == date(2027, 5, 10)


def test_a_period_across_new_year_uses_both_years(tmp_path: Path) -> None:
    write_yaml(tmp_path / "2027.yaml", {"year": 2027, "holidays": ["2027-01-01"]})
    assert add_working_days(date(2026, 12, 28), 5, holidays_dir=tmp_path) == date(2027, 1, 5)


def test_a_holidays_file_with_a_wrong_year_is_named(tmp_path: Path) -> None:
    write_yaml(tmp_path / "2027.yaml", {"year": 2027, "holidays": ["2028-01-01"]})
    with pytest.raises(BadInputError, match=r"2027\.yaml: 2028-01-01 is not in 2027"):
        add_working_days(date(2027, 1, 1), 3, holidays_dir=tmp_path)
