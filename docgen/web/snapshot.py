"""The workspace as the pages last saw it: the replayed journal (with its integrity audit) and the
year's status, kept while no file they come from has changed.

Replaying and auditing the journal hashes every generated document; a page that did it on every
request would spend most of its time there. The version is the size, modification time and inode of
every file the replay and the status read (decisions, documents, campaigns, applicant files; for the
archive, each year's manifest and seal file), the way git's index notices a changed file: a step, an
ingest or an edit by hand changes it, and the next page replays again.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from docgen.cycle.report import year_status
from docgen.cycle.steps import Cycle
from docgen.workspace import Workspace

Version = tuple[tuple[str, int, int, int], ...]


def _stats(folder: Path, depth: int | None) -> list[tuple[str, int, int, int]]:
    found = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        if entry.name.startswith(".") and entry.name != ".lock":
            continue
        if entry.is_dir(follow_symlinks=False):
            if depth is None or depth > 0:
                found += _stats(Path(entry.path), None if depth is None else depth - 1)
        else:
            st = entry.stat(follow_symlinks=False)
            found.append((entry.path, st.st_size, st.st_mtime_ns, st.st_ino))
    return found


def version_of(workspace: Workspace) -> Version:
    parts = [
        *_stats(workspace.decisions_dir(), None),
        *_stats(workspace.root / "output", None),
        *_stats(workspace.campaigns_dir, 0),
        *_stats(workspace.applicants_dir(), 1),
        *_stats(workspace.policies_dir, 0),
        # each year's manifest (rewritten, as the archive's commit point, whenever any of its records is
        # written) and seal file: a few stats per year instead of one per archived file
        *_stats(workspace.archive_dir, 1),
    ]
    return tuple(sorted(p for p in parts if not p[0].endswith(".lock")))


class Snapshot:
    """One workspace's replayed journal and year statuses, for as long as its version holds."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._lock = threading.Lock()
        self._version: Version | None = None
        self._cycle: Cycle | None = None
        self._status: dict[int, dict[str, Any]] = {}

    def cycle(self) -> Cycle:
        """The journal replayed (its integrity checked: a broken journal raises JournalBroken)."""
        return self._current()[0]

    def status(self, year: int) -> dict[str, Any]:
        cycle, statuses = self._current()
        if year not in statuses:
            statuses[year] = year_status(cycle, year)
        return statuses[year]

    def _current(self) -> tuple[Cycle, dict[int, dict[str, Any]]]:
        version = version_of(self.workspace)
        with self._lock:
            if version != self._version or self._cycle is None:
                self._cycle = Cycle.load(self.workspace)
                self._status = {}
                self._version = version
            return self._cycle, self._status
