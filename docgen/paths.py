"""Where the project's own data folders are.

docgen is installed editable from its checkout (scripts/setup), so `templates/` and `examples/`
are read from the checkout's top level, as the design card lays it out.
"""

from __future__ import annotations

from pathlib import Path

from docgen.errors import MissingDependencyError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def project_folder(name: str) -> Path:
    folder = PROJECT_ROOT / name
    if not folder.is_dir():
        raise MissingDependencyError(
            f"{folder}: not found; install docgen from its checkout with 'bash scripts/setup'"
        )
    return folder
