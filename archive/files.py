"""Files written whole or not at all, and names safe as one path component.

Used by the archive and, through its public API, by docgen for the documents it writes.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from pathlib import Path


def write_all_atomically(files: Iterable[tuple[Path, bytes]]) -> None:
    """Write every file to a temporary name beside it, then rename them all into place."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            staged.append((Path(tmp_name), path))
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)


def safe_filename(name: str, limit: int = 100) -> str:
    """A user-given name made safe as one file name inside a folder.

    No separators, no control characters, no leading dots (so no '..' and no hidden files),
    NFC-normalised, at most `limit` characters.
    """
    cleaned = unicodedata.normalize("NFC", name)
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]', "_", cleaned).strip().lstrip(".").strip()
    return cleaned[:limit] or "unnamed"
