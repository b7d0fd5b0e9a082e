"""Errors of the search index. The index stands alone (it imports nothing of docgen); a shell maps
them to its exit codes: every one is the user's to fix (a query to rewrite, an index to rebuild)."""

from __future__ import annotations


class SearchError(Exception):
    """Base of every index error; the message says what to do."""

    kind = "bad_input"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class BadQuery(SearchError):
    """A query that cannot be searched (an unclosed quote, a dangling OR, only exclusions)."""


class IndexUnusable(SearchError):
    """No index yet, or one written by an older docgen: it must be rebuilt from the archive."""
