from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive.codes import ArchivalCode
from archive.text import normalise


def test_archival_code_format() -> None:
    code = ArchivalCode("KSRSJ", 2021, "D30", 7)
    assert str(code) == "KSRSJ-WS·2021-D30-0007"
    assert "\u00b7" in str(code) and "." not in str(code)
    assert ArchivalCode.parse("KSRSJ-WS·2021-D30-0007") == code


@given(
    st.from_regex(r"[A-Z0-9]{2,8}", fullmatch=True),
    st.integers(2000, 2100),
    st.sampled_from(["Y", "D30", "D10"]),
    st.integers(1, 9999),
)
def test_codes_round_trip(fonds: str, year: int, retention: str, item: int) -> None:
    code = ArchivalCode(fonds, year, retention, item)
    assert ArchivalCode.parse(str(code)) == code


@pytest.mark.parametrize("bad", ["KSRSJ-WS.2021-D30-0001", "KSRSJ-WS·2021-D5-0001", "KSRSJ-WS·21-D30-0001"])
def test_malformed_codes_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="not an archival code"):
        ArchivalCode.parse(bad)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("\x00职\x00业\x00资\x00格", "职业资格"),  # ocrmypdf's default renderer through pypdf
        ("职 业 资 格 证 书", "职业资格证书"),  # the sandwich renderer through pypdf
        ("人力资源和社会保障局", "人力资源和社会保障局"),
        ("型号：ＣＫ６１５０", "型号:CK6150"),  # full width to half width
        ("数控车床 CK6150  8台", "数控车床 CK6150 8台"),  # spaces beside Latin text stay
        ("a\n\n\n\nb", "a\n\nb"),
    ],
)
def test_normalise(raw: str, clean: str) -> None:
    assert normalise(raw) == clean


@given(st.text())
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert "\x00" not in once
