from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from index.analysis import bigram_tokens, fold, jieba_words

chinese = st.text(alphabet="数控车床高级技师王建国人力资源和社会保障局职业资格证书", min_size=2, max_size=40)


def tokens(text: str) -> list[str]:
    return [t for t, _, _ in bigram_tokens(fold(text))]


def test_bigrams_and_latin_runs() -> None:
    assert tokens("数控车床CK6150") == ["数控", "控车", "车床", "ck6150"]
    assert tokens("证书编号：S000032050000231001") == ["证书", "书编", "编号", "s000032050000231001"]
    assert tokens("2019年6月18日") == ["2019", "年", "6", "月", "18", "日"]


def test_full_width_folds_to_half_width() -> None:
    assert fold("ＣＫ６１５０") == "ck6150"
    assert tokens("ＣＫ６１５０") == tokens("CK6150")
    assert fold("〈一〉") == "(一)"


@given(chinese, st.data())
def test_any_substring_is_a_run_of_consecutive_bigrams(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 2))
    end = data.draw(st.integers(start + 2, len(text)))
    whole, part = tokens(text), tokens(text[start:end])
    assert whole[start : start + len(part)] == part


@given(st.text())
def test_folding_keeps_the_length_of_normalised_text(text: str) -> None:
    normalised = fold(text)
    assert len(fold(normalised)) == len(normalised)


def test_jieba_keeps_whole_words() -> None:
    words = list(jieba_words(fold("数控车床CK6150高级技师王建国")))
    assert "数控车床" in words and "ck6150" in words and "高级技师" in words
