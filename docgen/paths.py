"""Where the project's own data folders are.

docgen is installed editable from its checkout (scripts/setup), so `templates/` and `examples/`
are read from the checkout's top level, as the design card lays it out.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from docgen.errors import MissingDependencyError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def project_folder(name: str) -> Path:
    folder = PROJECT_ROOT / name
    if not folder.is_dir():
        raise MissingDependencyError(f"{folder}: not found; install docgen from its checkout with 'bash scripts/setup'")
    return folder


def safe_filename(name: str, limit: int = 100) -> str:
    """A user-given name made safe as one file name inside a folder.

    No separators, no control characters, no leading dots (so no '..' and no hidden files),
    NFC-normalised, at most `limit` characters.
    """
    cleaned = unicodedata.normalize("NFC", name)
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]', "_", cleaned).strip().lstrip(".").strip()
    return cleaned[:limit] or "unnamed"
