"""The searchable text and its grams: properties that make search exact, checked over random text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from index.analysis import covering, fold, grams, is_gram, searchable, searchable_with_origin

# Chinese, Latin letters and digits, the punctuation of certificates, spaces and line breaks
page_text = st.text(alphabet="数控车床高级技师王建国证书编号CKVMck6150 8：（）-\n\t　", min_size=1, max_size=80)


def test_full_width_folds_to_half_width() -> None:
    assert fold("ＣＫ６１５０") == "ck6150"
    assert fold("〈一〉") == "(一)"


def test_a_phrase_wrapped_at_the_end_of_a_line_is_one_phrase() -> None:
    assert searchable("建筑面积一千二百平方米\n消防通风") == "建筑面积一千二百平方米消防通风"
    assert searchable("型号 CK6150\n8台") == "型号 ck6150 8台"  # a break beside Latin or digits stays a space
    assert searchable("  数控\t\t车床 \n") == "数控 车床"


def test_grams_and_their_cover() -> None:
    assert grams("ck6150 8") >= {"c", "ck", "ck61", "k615", "6150", "50", "8", "0 8"}
    assert "0 " not in grams("ck6150 8") and " 8" not in grams("ck6150 8")
    assert covering("s0000320") == ["s000", "0000", "0003", "0032", "0320"]
    assert covering("数控车床") == ["数控", "控车", "车床"]
    assert covering("型号ck6150") == ["ck61", "k615", "6150", "型号", "号c"]
    assert covering("平方米 消防") == ["平方", "方米", "消防", "米 消"]
    assert covering("技") == ["技"] and covering("王 技师") == ["技师", "王 技", "王"]
    assert "上 有" in grams("米以上 有满足")
    assert is_gram("技师") and is_gram("6150") and not is_gram("数控车床") and not is_gram("ck6150")


@given(page_text, st.data())
def test_every_substring_of_a_page_has_its_cover_among_the_page_grams(text: str, data: st.DataObject) -> None:
    page = searchable(text)
    if not page:
        return
    start = data.draw(st.integers(0, len(page) - 1))
    end = data.draw(st.integers(start + 1, len(page)))
    term = searchable(page[start:end])
    if term:
        assert set(covering(term)) <= grams(page), (page, term)


@given(page_text)
def test_marking_positions_come_from_the_same_searchable_text(text: str) -> None:
    folded, origin = searchable_with_origin(text)
    assert folded == searchable(text)
    assert len(origin) == len(folded) and origin == sorted(origin)


@given(st.text())
def test_folding_keeps_the_length_of_normalised_text(text: str) -> None:
    normalised = fold(text)
    assert len(fold(normalised)) == len(normalised)
