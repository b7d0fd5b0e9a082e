"""Errors of the archive: a file refused, a year sealed, OCR that failed, an engine missing.

The archive stands alone (it imports nothing of docgen); a shell maps `kind` to its exit code.
"""

from __future__ import annotations

from typing import Literal

Kind = Literal["bad_input", "check_failed", "missing_dependency"]


class ArchiveError(Exception):
    """Base of every archive error a user can act on; the message says what to do."""

    kind: Kind = "bad_input"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class BadInput(ArchiveError):
    """An argument or a stored file the archive cannot use; the message names it."""


class RejectedFile(BadInput):
    """A file that cannot be archived; the message says why (and what to do)."""


class SealedYear(BadInput):
    """The year is sealed: nothing may be added or changed."""


class OcrFailed(ArchiveError):
    """OCR did not finish: the original is kept with status ocr_failed."""

    kind = "check_failed"


class EngineMissing(ArchiveError):
    """An OCR engine or a program it needs is not installed; the message says how to install it."""

    kind = "missing_dependency"
