"""Errors of the archive: a file refused, a year sealed, OCR that failed."""

from __future__ import annotations

from docgen.errors import BadInputError, DocgenError, ExitCode


class RejectedFile(BadInputError):
    """A file that cannot be archived; the message says why (and what to do)."""


class SealedYear(BadInputError):
    """The year is sealed: nothing may be added or changed."""


class OcrFailed(DocgenError):
    """OCR did not finish: the original is kept with status ocr_failed."""

    exit_code = ExitCode.check_failed
