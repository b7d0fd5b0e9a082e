"""Reviewers' notes on an application, kept beside its review in reviews/YEAR/CODE.yaml.

Notes are added, never edited: each carries who wrote it and when, and the year's export package
carries the file with the year's other records.
"""

from __future__ import annotations

import datetime as dt

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from archive import write_all_atomically, writer_lock
from docgen.datafiles import load_written_yaml
from docgen.errors import BadInputError
from docgen.workspace import Workspace

MAX_NOTE = 4000


class Note(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_NOTE)
    by: str
    at: dt.datetime


def notes(workspace: Workspace, year: int, code: str) -> list[Note]:
    path = workspace.review_notes_file(year, code)
    if not path.is_file():
        return []
    try:
        data = load_written_yaml(path.read_text(encoding="utf-8")) or {}
        return [Note.model_validate(n) for n in data.get("notes", [])]
    except (yaml.YAMLError, ValidationError, AttributeError, UnicodeDecodeError) as exc:
        raise BadInputError(f"{path}: not a notes file docgen wrote ({type(exc).__name__})") from None


def add_note(workspace: Workspace, year: int, code: str, text: str, by: str) -> Note:
    text = text.strip()
    if not text:
        raise BadInputError("note: empty")
    if len(text) > MAX_NOTE:
        raise BadInputError(f"note: longer than {MAX_NOTE} characters")
    if not workspace.applicant_file(year, code).is_file():
        raise BadInputError(f"{year}/{code}: no such application")
    path = workspace.review_notes_file(year, code)
    # a read-modify-write: two reviewers (or two server processes) at once must not lose a note
    with writer_lock(path.parent):
        note = Note(text=text, by=by, at=dt.datetime.now().replace(microsecond=0))
        kept = [*notes(workspace, year, code), note]
        body = {"applicant": code, "year": year, "notes": [n.model_dump(mode="json") for n in kept]}
        write_all_atomically([(path, yaml.safe_dump(body, allow_unicode=True, sort_keys=False).encode())])
    return note
