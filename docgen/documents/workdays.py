"""Working days on the mainland calendar (公示期 counted in 工作日).

chinese-calendar knows the State Council's holidays and make-up working days (调休) for the
years it covers; for another year the workspace must hold holidays/YEAR.yaml, or we refuse:
never silently weekends only. Pitfalls avoided (measured, see docs): `find_workday` counts
from a non-working start day wrongly, and `get_workdays(include_weekends=False)` drops
weekend make-up days, so days are counted one by one with `is_workday`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
from pydantic import Field

from docgen.datafiles import Strict, load_model
from docgen.errors import BadInputError


class HolidaysFile(Strict):
    """holidays/YEAR.yaml: the State Council's schedule for a year chinese-calendar does not cover."""

    year: int
    holidays: list[date] = Field(default_factory=list)  # 法定节假日 and their bridging days off
    workdays: list[date] = Field(default_factory=list)  # 调休: weekend days that are working days


def is_workday_function(year: int, holidays_dir: Path | None) -> Callable[[date], bool]:
    """A working-day test for `year`: a workspace holidays file wins over chinese-calendar."""
    path = holidays_dir / f"{year}.yaml" if holidays_dir else None
    if path is not None and path.is_file():
        data = load_model(path, HolidaysFile)
        if data.year != year:
            raise BadInputError(f"{path}: year: {data.year} does not match the file name {year}")
        off, on = set(data.holidays), set(data.workdays)
        for day in off | on:
            if day.year != year:
                raise BadInputError(f"{path}: {day} is not in {year}")
        return lambda d: d in on or (d.weekday() < 5 and d not in off)
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        where = f"{holidays_dir}/{year}.yaml" if holidays_dir else f"holidays/{year}.yaml in a workspace"
        raise BadInputError(
            f"{year}: chinese-calendar {chinese_calendar.__version__} does not cover this year; "
            f"add {where} (year, holidays, workdays) or update chinese-calendar"
        ) from None
    return lambda d: bool(chinese_calendar.is_workday(d))


def add_working_days(start: date, days: int, *, start_counts: bool = False, holidays_dir: Path | None = None) -> date:
    """The last day of a period of `days` working days beginning at `start`.

    With start_counts False (Civil Code art. 201) the period begins the next day.
    """
    if days < 1:
        raise ValueError("a period has at least one working day")
    tests: dict[int, Callable[[date], bool]] = {}

    def working(day: date) -> bool:
        if day.year not in tests:
            tests[day.year] = is_workday_function(day.year, holidays_dir)
        return tests[day.year](day)

    day = start if start_counts else start + timedelta(days=1)
    counted = 0
    while True:
        if working(day):
            counted += 1
            if counted == days:
                return day
        day += timedelta(days=1)
