"""Tokenising Chinese evidence text for Whoosh.

Why two fields. Whoosh's default analyzer keeps an unspaced Chinese run as one token, so
nothing inside it can be found (Paperless-ngx users reported exactly that). Word segmentation
alone (jieba) misses substrings that cut across words: 控车 inside 数控车床, 技师 inside 高级技师
when jieba keeps 高级技师 whole. So:

* `text`: character bigrams of every Chinese run (a run of one character is kept as it is),
  with positions. Any substring of two or more characters is a phrase of consecutive bigrams
  and always matches. Latin/digit runs (CK6150, S000032050000231001, 2019) are single tokens.
* `words`: jieba's words (dictionary only, no HMM; about 1.7 ms a page measured), without
  positions, used only to rank: a page holding the query as a whole word gets a boost, so whole
  words rank above accidental substrings.

Everything is folded first: NFKC (ＣＫ６１５０ = CK6150), lower case, and the punctuation
Tesseract confuses (〈 for （). Folding keeps the length of already-normalised text, so offsets
found in folded text are offsets in the stored page text (for snippets).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Token, Tokenizer

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
RUN = re.compile(rf"[{_CJK}]+|[0-9a-z]+(?:[._-][0-9a-z]+)*")
_CJK_ONLY = re.compile(rf"^[{_CJK}]+$")
_PUNCT = str.maketrans({"〈": "(", "〉": ")", "《": "(", "》": ")", "【": "[", "】": "]", "〔": "[", "〕": "]"})


def fold(text: str) -> str:
    """NFKC, lower case and punctuation folding, one character for one character where possible."""
    out = []
    for char in unicodedata.normalize("NFKC", text).replace("\x00", ""):
        lower = char.lower()
        out.append(lower if len(lower) == 1 else char)
    return "".join(out).translate(_PUNCT)


def is_chinese(text: str) -> bool:
    return bool(_CJK_ONLY.match(text))


def bigram_tokens(text: str) -> Iterator[tuple[str, int, int]]:
    """(token, start, end) over folded text: bigrams of Chinese runs, whole Latin/digit runs."""
    for match in RUN.finditer(text):
        run, start = match.group(0), match.start()
        if is_chinese(run) and len(run) > 1:
            for i in range(len(run) - 1):
                yield run[i : i + 2], start + i, start + i + 2
        else:
            yield run, start, match.end()


class _SpanTokenizer(Tokenizer):
    """A Whoosh tokenizer over (text, start, end) spans of the folded value."""

    def spans(self, text: str) -> Iterator[tuple[str, int, int]]:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, (text, start, end) in enumerate(self.spans(fold(value))):
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = text
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


class BigramTokenizer(_SpanTokenizer):
    def spans(self, text: str) -> Iterator[tuple[str, int, int]]:
        return bigram_tokens(text)


_jieba_ready = False


def jieba_words(text: str) -> Iterator[str]:
    """Whole words of folded text (Chinese words of two or more characters, Latin/digit runs)."""
    global _jieba_ready
    import jieba

    if not _jieba_ready:
        jieba.setLogLevel(logging.WARNING)
        _jieba_ready = True
    for word in jieba.cut(text, HMM=False):
        if (is_chinese(word) and len(word) > 1) or RUN.fullmatch(word):
            yield word


class WordTokenizer(_SpanTokenizer):
    def spans(self, text: str) -> Iterator[tuple[str, int, int]]:
        return ((word, 0, 0) for word in jieba_words(text))  # no positions or offsets are used
