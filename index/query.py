"""The reviewer's query language: words ANDed, "quoted phrases", OR, a leading minus excludes.

    高级技师 数控车床            both
    "数控车床 CK6150"            the exact sequence
    技师 OR 高级工               either
    技师 -高级技师               技师 but not 高级技师 (exclusion works for Chinese terms too)

Each word or phrase must occur in the page as written (any substring of two or more Chinese
characters counts); whole words also score higher.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from whoosh import query as q

from docgen.errors import BadInputError
from index.analysis import bigram_tokens, fold, is_chinese

WORD_BOOST = 2.0
_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')


@dataclass(frozen=True)
class Term:
    text: str  # folded
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
        raise BadInputError(f"query {text!r}: a quote is not closed")
    items: list[Term | str] = []
    for match in _TOKEN.finditer(text.strip()):
        if match.group(3) is not None:
            word = match.group(3)
            if word == "OR":
                items.append("OR")
                continue
            negated = word.startswith("-") and len(word) > 1
            items.append(Term(fold(word[1:] if negated else word), negated))
        else:
            items.append(Term(fold(match.group(2)), bool(match.group(1))))
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    joining = False
    for item in items:
        if item == "OR":
            if not groups or joining:
                raise BadInputError(f"query {text!r}: OR needs a word on each side")
            joining = True
            continue
        assert isinstance(item, Term)
        if not list(bigram_tokens(item.text)):
            continue  # punctuation only
        if item.excluded:
            if joining:
                raise BadInputError(f"query {text!r}: OR cannot join an excluded word")
            excluded.append(item)
        elif joining:
            groups[-1].append(item)
            joining = False
        else:
            groups.append([item])
    if joining:
        raise BadInputError(f"query {text!r}: OR needs a word on each side")
    if not groups:
        raise BadInputError(f"query {text!r}: nothing to search for (excluded words alone match nothing)")
    return Parsed(groups, excluded)


def _match(term: str) -> q.Query:
    """Pages where `term` occurs as written."""
    tokens = [t for t, _, _ in bigram_tokens(term)]
    if len(tokens) == 1:
        if is_chinese(tokens[0]) and len(tokens[0]) == 1:  # one character: any bigram holding it
            return q.Or([q.Prefix("text", tokens[0]), q.Wildcard("text", "?" + tokens[0]), q.Term("text", tokens[0])])
        return q.Term("text", tokens[0])
    return q.Phrase("text", tokens)


def to_whoosh(parsed: Parsed) -> q.Query:
    clauses: list[q.Query] = []
    for group in parsed.groups:
        options = [q.AndMaybe(_match(t.text), q.Term("words", t.text, boost=WORD_BOOST)) for t in group]
        clauses.append(options[0] if len(options) == 1 else q.Or(options))
    positive = clauses[0] if len(clauses) == 1 else q.And(clauses)
    if not parsed.excluded:
        return positive
    return q.AndNot(positive, q.Or([_match(t.text) for t in parsed.excluded]))
