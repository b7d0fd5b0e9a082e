from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docgen.documents.docnumber import DocNumber, chinese_date, chinese_numeral_date, heading_number


def test_parse_and_print() -> None:
    number = DocNumber.parse("昆人社发〔2021〕67号")
    assert (number.code, number.year, number.number) == ("昆人社发", 2021, 67)
    assert str(number) == "昆人社发〔2021〕67号"


@given(st.sampled_from(["昆人社发", "杭人社发", "苏人社函"]), st.integers(1990, 2100), st.integers(1, 9999))
def test_round_trip(code: str, year: int, n: int) -> None:
    assert DocNumber.parse(str(DocNumber(code, year, n))) == DocNumber(code, year, n)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("昆人社发[2021]67号", "六角括号"),
        ("昆人社发【2021】67号", "'昆人社发〔2021〕67号'"),
        ("昆人社发（2021）67号", "六角括号"),
        ("昆人社发〔2021〕第67号", "no 第"),
        ("昆人社发〔2021〕067号", "leading zeros"),
        ("昆人社发〔21〕67号", "full year"),
        ("67号", "not a 发文字号"),
    ],
)
def test_wrong_numbers_say_how_to_fix_them(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        DocNumber.parse(text)


def test_dates() -> None:
    assert chinese_date(date(2021, 11, 26)) == "2021年11月26日"
    assert chinese_date(date(2024, 1, 5)) == "2024年1月5日"
    assert chinese_numeral_date(date(2021, 11, 26)) == "二〇二一年十一月二十六日"
    assert chinese_numeral_date(date(2024, 10, 1)) == "二〇二四年十月一日"


def test_heading_numbers() -> None:
    assert [heading_number(1, i) for i in (1, 6, 10, 11, 20)] == ["一、", "六、", "十、", "十一、", "二十、"]
    assert heading_number(2, 3) == "（三）" and heading_number(3, 2) == "2." and heading_number(4, 1) == "（1）"
