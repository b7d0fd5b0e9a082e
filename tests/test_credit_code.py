from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docgen import credit_code
from docgen.credit_code import ALPHABET, CreditCodeError, check_character, validate

prefixes = st.text(alphabet=ALPHABET, min_size=17, max_size=17)


def test_the_standards_own_example_is_valid() -> None:
    assert validate("91350100M000100Y43") == "91350100M000100Y43"


@given(prefixes)
def test_a_computed_check_character_always_validates(prefix: str) -> None:
    assert validate(prefix + check_character(prefix)) == prefix + check_character(prefix)


@given(prefixes, st.integers(0, 16), st.sampled_from(ALPHABET))
def test_any_single_substitution_is_detected(prefix: str, position: int, replacement: str) -> None:
    code = prefix + check_character(prefix)
    changed = code[:position] + replacement + code[position + 1 :]
    if changed != code:
        with pytest.raises(CreditCodeError):
            validate(changed)


def test_full_width_and_lower_case_are_normalised() -> None:
    assert validate("９１３５０１００m０００１００y４３") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("91350100M000100Y4", "17 characters"),
        ("91350100M000100Y44", "last character should be 3"),
        ("91350100M000100I43", "contains 'I'"),
    ],
)
def test_invalid_codes_say_what_is_wrong(code: str, says: str) -> None:
    with pytest.raises(CreditCodeError, match=says):
        credit_code.validate(code)
