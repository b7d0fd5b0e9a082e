"""What a page's text becomes for search, and the grams the index keeps of it.

Search is exact: a page matches a term when the term occurs in the page's *searchable* text, as a
plain substring scan would find it. The searchable text is the page folded (NFKC, lower case, the
brackets Tesseract confuses), with a line break inside a run of Chinese joined (a phrase wrapped at
the end of a printed line is one phrase) and every other run of white space one space.

The index keeps, per page and without positions or frequencies, every character, every pair of
neighbouring characters (bigram), every three characters around a single space ("上 有") and every
four characters in a row inside a run of Latin letters and digits. Every page holding a term holds
all the term's own grams (`covering`): the pages holding all of them are the candidates, and the
stored searchable text of each candidate decides. All of a term's bigrams are used, not just enough
to cover it: in 技师高级 the rare 师高 leaves few candidates to check where 技师 and 高级 leave many.
A term that is a gram itself (one or two characters, four letters or digits) needs no check.
Measured (bench/search.py, 100,000 pages): see the README.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Token, Tokenizer

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_ONLY = re.compile(rf"^[{_CJK}]+$")
_ALNUM = re.compile(r"[0-9a-z]{4,}")
_WRAPPED = re.compile(rf"(?<=[{_CJK}])[ \t]*\n\s*(?=[{_CJK}])")
_SPACE = re.compile(r"\s+")
_PUNCT = str.maketrans({"〈": "(", "〉": ")", "《": "(", "》": ")", "【": "[", "】": "]", "〔": "[", "〕": "]"})
LATIN_GRAM = 4


def fold(text: str) -> str:
    """NFKC, lower case and punctuation folding, one character for one character where possible."""
    out = []
    for char in unicodedata.normalize("NFKC", text).replace("\x00", ""):
        lower = char.lower()
        out.append(lower if len(lower) == 1 else char)
    return "".join(out).translate(_PUNCT)


@functools.lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    return fold(char)


def is_chinese(text: str) -> bool:
    return bool(_CJK_ONLY.match(text))


def searchable(text: str) -> str:
    """The text a page is searched in (see the module docstring); a query term is folded the same way."""
    return _SPACE.sub(" ", _WRAPPED.sub("", fold(text))).strip()


def searchable_with_origin(text: str) -> tuple[str, list[int]]:
    """`searchable(text)` and, for each of its characters, the index of the character of `text` it
    comes from: a match found in the searchable text is marked in the page's own characters."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for folded in _fold_char(char):
            chars.append(folded)
            origin.append(index)
    folded_text = "".join(chars)
    keep = [True] * len(folded_text)
    for match in _WRAPPED.finditer(folded_text):
        for i in range(match.start(), match.end()):
            keep[i] = False
    out: list[str] = []
    out_origin: list[int] = []
    for i, char in enumerate(folded_text):
        if not keep[i]:
            continue
        if char.isspace():
            if not out or out[-1] == " ":
                continue
            char = " "
        out.append(char)
        out_origin.append(origin[i])
    while out and out[-1] == " ":
        out.pop()
        out_origin.pop()
    return "".join(out), out_origin


def grams(text: str) -> set[str]:
    """The grams of a searchable text (see the module docstring)."""
    found = {c for c in text if c != " "}
    found.update(pair for pair in (text[i : i + 2] for i in range(len(text) - 1)) if " " not in pair)
    found.update(text[i - 1 : i + 2] for i in _spaces(text))
    for match in _ALNUM.finditer(text):
        run = match.group(0)
        found.update(run[i : i + LATIN_GRAM] for i in range(len(run) - LATIN_GRAM + 1))
    return found


def covering(term: str) -> list[str]:
    """The grams of `term` (searchable, non-empty) a page holding it must hold: its 4-grams inside
    letter/digit runs, its bigrams elsewhere, its trigrams around single spaces; a lone character
    (one between spaces, or the whole term) as itself."""
    in_run = [False] * len(term)
    chosen: list[str] = []
    for match in _ALNUM.finditer(term):
        start, end = match.span()
        chosen += [term[i : i + LATIN_GRAM] for i in range(start, end - LATIN_GRAM + 1)]
        for k in range(start, end):
            in_run[k] = True
    for i in range(len(term) - 1):
        if " " not in term[i : i + 2] and not (in_run[i] and in_run[i + 1]):
            chosen.append(term[i : i + 2])
    chosen += [term[i - 1 : i + 2] for i in _spaces(term)]
    chosen += [c for i, c in enumerate(term) if c != " " and _alone(term, i)]
    return list(dict.fromkeys(chosen))


def _spaces(text: str) -> list[int]:
    """Positions of single spaces between two other characters."""
    return [i for i in range(1, len(text) - 1) if text[i] == " " and text[i - 1] != " " and text[i + 1] != " "]


def _alone(text: str, i: int) -> bool:
    return (i == 0 or text[i - 1] == " ") and (i == len(text) - 1 or text[i + 1] == " ")


def is_gram(term: str) -> bool:
    """A term that is itself a gram: the pages holding the gram are exactly the pages holding the term."""
    return " " not in term and (len(term) <= 2 or (len(term) == LATIN_GRAM and bool(_ALNUM.fullmatch(term))))


class GramTokenizer(Tokenizer):
    """Whoosh tokenizer: the distinct grams of a page's searchable text (the value given is already searchable)."""

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
        for gram in grams(value) if tokenize else [value]:
            token.text = gram
            token.boost = 1.0
            token.stopped = False
            yield token
