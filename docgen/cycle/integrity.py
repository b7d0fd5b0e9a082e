"""The decision journal as a hash chain, as git keeps its history: each decision records the SHA-256
of the decision file before it (in its year) and of every document it wrote, and `decisions/YEAR/HEAD`
names the last one. An edited, deleted, reordered or inserted decision, a missing or altered
document and a gap in the numbering are found by `check_journal`.

What it protects against: accidental and casual edits, a deleted file, a forged outcome. What it
cannot: someone who rewrites the whole chain and HEAD; the head hash sealed with the year and
exported with its BagIt package, kept elsewhere, is the anchor for that.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from archive import sha256_of, write_all_atomically
from docgen.cycle.journal import Decision, decision_numbers, decision_years
from docgen.datafiles import load_written_yaml
from docgen.workspace import Workspace

HEAD_FILE = "HEAD"
_HEAD = re.compile(r"([0-9a-f]{64})  (\S+)")


@dataclass(frozen=True)
class Break:
    """One finding: the file it concerns (relative to the workspace) and what is wrong with it."""

    file: str
    what: str

    def __str__(self) -> str:
        return f"{self.file}: {self.what}"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def head(workspace: Workspace, year: int) -> tuple[str, str] | None:
    """(hash, file name) of the year's last decision as HEAD records it; None for a year without one."""
    path = workspace.decisions_dir(year) / HEAD_FILE
    if not path.is_file():
        return None
    match = _HEAD.fullmatch(path.read_text(encoding="utf-8").strip())
    return (match.group(1), match.group(2)) if match else ("", "")


def link_to_last(workspace: Workspace, year: int) -> str | None:
    """What the year's next decision records as `previous`: the hash of its last decision file."""
    files = decision_numbers(workspace, year)
    return sha256_of(files[max(files)]) if files else None


def write_head(workspace: Workspace, decision_file: Path) -> None:
    """Point HEAD at the decision just written (after the decision file, which is the commit point)."""
    text = f"{sha256_of(decision_file)}  {decision_file.name}\n"
    write_all_atomically([(decision_file.parent / HEAD_FILE, text.encode("utf-8"))])


def catch_up_head(workspace: Workspace, year: int) -> None:
    """After a crash between a decision and its HEAD: move HEAD on when the newest decision links
    exactly to the decision HEAD names (anything else is left for check_journal to report)."""
    files = decision_numbers(workspace, year)
    recorded = head(workspace, year)
    if not files or recorded is None:
        return
    last = files[max(files)]
    if recorded[1] == last.name:
        return
    try:
        previous = load_written_yaml(last.read_text(encoding="utf-8")).get("previous")
    except (yaml.YAMLError, AttributeError, OSError):
        return
    named = last.parent / recorded[1]
    if previous and previous == recorded[0] and named.is_file() and sha256_of(named) == recorded[0]:
        write_head(workspace, last)


@dataclass(frozen=True)
class Audit:
    """The journal checked: every break, and every decision that could be read, oldest first (read
    once here, so that a step does not read the journal a second time to replay it)."""

    breaks: list[Break]
    decisions: list[Decision]


def check_journal(workspace: Workspace) -> list[Break]:
    """Every break of every year's chain, in file order; [] when the journal is intact."""
    return audit_journal(workspace).breaks


def audit_journal(workspace: Workspace) -> Audit:
    audit = Audit([], [])
    latest_writer: dict[str, tuple[str, str]] = {}  # document -> (decision file, its recorded hash)
    for year in decision_years(workspace):
        audit.breaks.extend(_check_year(workspace, year, latest_writer, audit.decisions))
    for document, (by, digest) in sorted(latest_writer.items()):
        path = workspace.root / document
        if not path.is_file():
            audit.breaks.append(Break(document, f"missing (written by {by})"))
        elif digest and sha256_of(path) != digest:
            audit.breaks.append(Break(document, f"altered since {by} wrote it"))
    return audit


def _check_year(
    workspace: Workspace, year: int, latest_writer: dict[str, tuple[str, str]], decisions: list[Decision]
) -> list[Break]:
    breaks: list[Break] = []
    files = decision_numbers(workspace, year)
    rel = workspace.root
    numbers = sorted(files)
    for expected, number in enumerate(numbers, 1):
        if number != expected:
            gap = f"{expected:04d}" + (f"-{number - 1:04d}" if number - 1 > expected else "")
            breaks.append(Break(str(files[number].relative_to(rel)), f"decision(s) {gap} before it are missing"))
            break
    previous_hash: str | None = None
    previous_name = ""
    for number in numbers:
        path = files[number]
        name = str(path.relative_to(rel))
        data = path.read_bytes()
        try:
            decision = Decision.model_validate(load_written_yaml(data.decode("utf-8")))
        except (yaml.YAMLError, UnicodeDecodeError, ValidationError, ValueError, RecursionError) as exc:
            breaks.append(Break(name, f"not a readable decision ({type(exc).__name__}); restore it from a copy"))
            previous_hash, previous_name = sha256_bytes(data), name
            continue
        if decision.id != f"{year}-{number:04d}" or decision.year != year:
            breaks.append(Break(name, f"holds decision {decision.id} of {decision.year}, not {year}-{number:04d}"))
        if decision.previous != previous_hash:
            if previous_hash is None:
                what = "links to a decision before it, but it is the first of its year (one was deleted)"
            elif decision.previous is None:
                what = f"has no link to {previous_name} (its link was removed, or it was inserted)"
            else:
                what = f"does not link to {previous_name}: that file was edited, or one was deleted or inserted"
            breaks.append(Break(name, what))
        decisions.append(decision)
        for document in [*decision.documents, *decision.document_hashes]:
            latest_writer[document] = (name, decision.document_hashes.get(document, ""))
        previous_hash, previous_name = sha256_bytes(data), name
    last = files[numbers[-1]] if numbers else None
    return breaks + _check_head(workspace, year, last, previous_hash)


def _check_head(workspace: Workspace, year: int, last: Path | None, last_hash: str | None) -> list[Break]:
    """The last decision against HEAD: what no later decision's link can protect."""
    recorded = head(workspace, year)
    head_name = str((workspace.decisions_dir(year) / HEAD_FILE).relative_to(workspace.root))
    if last is None:
        return [Break(head_name, "names a decision, but every decision of the year is gone")] if recorded else []
    last_name = str(last.relative_to(workspace.root))
    if recorded is None:
        return [Break(head_name, "missing: the year's last decision cannot be checked")]
    if recorded == ("", ""):
        return [Break(head_name, "unreadable")]
    if recorded[1] != last.name:
        return [Break(last_name, f"{HEAD_FILE} names {recorded[1]} as the last decision, not this one")]
    if recorded[0] != last_hash:
        return [Break(last_name, f"edited after it was recorded (its hash differs from {HEAD_FILE}'s)")]
    return []
