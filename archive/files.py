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


MAX_NAME_BYTES = 120  # of UTF-8 for the part a user names: file systems allow 255 per name, docgen adds the rest

# Characters that print as nothing or reorder what follows: control characters, zero-width and
# bidirectional marks (U+202E turns '公司.exe' into what reads as 'exe.司公'), the BOM. A character class.
INVISIBLE = "\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u061c"
_UNSAFE = re.compile(f'[\\\\/:*?"<>|{INVISIBLE}]')


def safe_filename(name: str, limit: int = 100) -> str:
    """A user-given name made safe as one file name inside a folder.

    No separators, no control, zero-width or bidirectional characters, no leading dots (so no '..'
    and no hidden files), NFC-normalised, at most `limit` characters and MAX_NAME_BYTES of UTF-8
    (a long name is shortened before its extension, which is kept).
    """
    cleaned = _UNSAFE.sub("_", unicodedata.normalize("NFC", name)).strip().lstrip(".").strip()
    stem, dot, suffix = cleaned.rpartition(".")
    if not dot or not stem or len(suffix) > 8:
        stem, suffix = cleaned, ""
    ending = f".{suffix}" if suffix else ""
    stem = stem[: max(1, limit - len(ending))]
    while stem and len((stem + ending).encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return (stem + ending) if stem else "unnamed"
