"""Where the project's own data folders are.

`templates/` and `examples/` sit at the top of the checkout (the design card's layout); a built wheel
carries them as `docgen/templates` and `docgen/examples` (pyproject's package-dir). An installed
docgen reads them from the package, an editable one from the checkout.
"""

from __future__ import annotations

from pathlib import Path

from docgen.errors import MissingDependencyError

PACKAGE_ROOT = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_ROOT.parent  # the checkout, when docgen runs from one


def project_folder(name: str) -> Path:
    """The shipped data folder `name` ('templates' or 'examples'): in the package, else in the checkout."""
    for folder in (PACKAGE_ROOT / name, PROJECT_ROOT / name):
        if folder.is_dir():
            return folder
    raise MissingDependencyError(
        f"{PACKAGE_ROOT / name}: not found; reinstall docgen ('bash scripts/setup', or pip install of its wheel)"
    )
