"""Exceptions with exit codes.

Library code raises these; only the CLI turns them into one line on stderr and an exit code,
so callers of the library get exceptions and terminal users get a sentence that says what to do.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from enum import IntEnum


class ExitCode(IntEnum):
    ok = 0
    check_failed = 1  # the input was fine, and a rule it was checked against failed
    bad_input = 2  # a file, a field, an argument or a step the user asked for is wrong
    missing_dependency = 3  # an external program (tesseract, soffice, ...) is missing or too old
    tool_failed = 4  # an external program is installed, ran, and failed
    internal_error = 70  # a bug: reported with a traceback
    interrupted = 130


class DocgenError(Exception):
    """Base of every error a user can act on."""

    exit_code: ExitCode = ExitCode.bad_input

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class BadInputError(DocgenError):
    """A file or argument the user gave cannot be used. The message names the file and the field."""

    exit_code = ExitCode.bad_input


def located(source: object, where: str, message: str) -> str:
    """Format 'file: field: message', the shape every input error has."""
    parts = [str(source)]
    if where:
        parts.append(where)
    parts.append(message)
    return ": ".join(parts)


class MissingDependencyError(DocgenError):
    """An external program is not installed. The message says how to install it."""

    exit_code = ExitCode.missing_dependency


class JournalBroken(BadInputError):
    """The decision journal fails its integrity check: nothing is shown or decided on top of it."""

    def __init__(self, breaks: Sequence[object]) -> None:
        more = f" (and {len(breaks) - 1} more)" if len(breaks) > 1 else ""
        super().__init__(
            f"the decision journal fails its integrity check: {breaks[0]}{more}; 'docgen verify' lists every "
            "finding; restore the files from the year's export or a backup (a correction is a new decision: --revise)"
        )
        self.breaks = list(breaks)


class ToolFailed(DocgenError):
    """An external program that is installed ran and failed (LibreOffice crashed, ocrmypdf died):
    not the user's input, not docgen's bug. The message names the program and its last words."""

    exit_code = ExitCode.tool_failed


class CheckFailed(DocgenError):
    """The input was fine and a rule it was checked against failed; what failed was already shown.

    Raised by a command after printing its report, so that the shell exits 1 without another line."""

    exit_code = ExitCode.check_failed

    def __init__(self, message: str = "") -> None:
        super().__init__(message)


def did_you_mean(name: str, known: list[str]) -> str:
    """' (did you mean 'x'?)' for the closest known name, else ' (known: a, b)'."""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
    if close:
        return f" (did you mean '{close[0]}'?)"
    return f" (known: {', '.join(known)})" if known else ""
