"""The reviewer's query language: words ANDed, "quoted phrases", OR, a leading minus excludes.

    高级技师 数控车床            both
    "数控车床 CK6150"            the exact sequence, space included
    技师 OR 高级工               either
    技师 -高级技师               技师 but not 高级技师 (exclusion works for Chinese terms too)

Each word or phrase must occur in the page's searchable text as written (index/analysis.py): any
substring counts, a single character, 控车 inside 数控车床, CK inside CK6150. The answer is exactly
what a substring scan of every page would give.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.analysis import covering, is_gram, searchable
from index.errors import BadQuery

_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')
_WORD_CHAR = re.compile(r"\w")


@dataclass(frozen=True)
class Term:
    text: str  # searchable (index.analysis.searchable)
    excluded: bool = False


@dataclass(frozen=True)
class Parsed:
    groups: list[list[Term]]  # AND of groups; each group an OR of terms
    excluded: list[Term]

    @property
    def positive(self) -> list[str]:
        return [t.text for group in self.groups for t in group]


def parse(text: str) -> Parsed:
    if text.count('"') % 2:
        raise BadQuery(f"query {text!r}: a quote is not closed")
    items: list[Term | str] = []
    for match in _TOKEN.finditer(text.strip()):
        if match.group(3) is not None:
            word = match.group(3)
            if word == "OR":
                items.append("OR")
                continue
            negated = word.startswith("-") and len(word) > 1
            items.append(Term(searchable(word[1:] if negated else word), negated))
        else:
            items.append(Term(searchable(match.group(2)), bool(match.group(1))))
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    joining = False
    for item in items:
        if item == "OR":
            if not groups or joining:
                raise BadQuery(f"query {text!r}: OR needs a word on each side")
            joining = True
            continue
        assert isinstance(item, Term)
        if not _WORD_CHAR.search(item.text):
            continue  # punctuation only: it would match almost every page
        if item.excluded:
            if joining:
                raise BadQuery(f"query {text!r}: OR cannot join an excluded word")
            excluded.append(item)
        elif joining:
            groups[-1].append(item)
            joining = False
        else:
            groups.append([item])
    if joining:
        raise BadQuery(f"query {text!r}: OR needs a word on each side")
    if not groups:
        raise BadQuery(f"query {text!r}: nothing to search for (excluded words alone match nothing)")
    return Parsed(groups, excluded)


def positive_grams(parsed: Parsed) -> list[list[list[str]]]:
    """For each group, for each of its terms, the grams a page must hold for the term to be on it:
    the pages holding all grams of some term of every group are the candidates."""
    return [[covering(t.text) for t in group] for group in parsed.groups]


def excluded_grams(parsed: Parsed) -> list[str]:
    """The excluded terms that are grams themselves: their pages are taken out without reading text."""
    return [t.text for t in parsed.excluded if is_gram(t.text)]


def needs_check(parsed: Parsed) -> bool:
    """Whether candidates must be checked against their text: a term longer than one gram, or an
    excluded term the index cannot exclude by itself."""
    return any(not is_gram(t.text) for group in parsed.groups for t in group) or any(
        not is_gram(t.text) for t in parsed.excluded
    )


def matches(parsed: Parsed, text: str) -> bool:
    """The truth for one page's searchable text: every group has a term in it, no excluded term is."""
    return all(any(t.text in text for t in group) for group in parsed.groups) and not any(
        t.text in text for t in parsed.excluded
    )


def query_terms(text: str) -> list[str]:
    """The words and phrases a query looks for (not those it excludes), folded as the page text is:
    what a viewer highlights on a page. A query that does not parse raises BadQuery."""
    return parse(text).positive
