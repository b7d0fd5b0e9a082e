"""What arrives from applicants: packages opened (packages.py).

Nothing here stores anything: `docgen receive` and the web archive the files themselves.
"""

from docgen.intake.packages import LIMITS, Limits, Package, PackageFile, PackageRefused, open_package

__all__ = ["LIMITS", "Limits", "Package", "PackageFile", "PackageRefused", "open_package"]
