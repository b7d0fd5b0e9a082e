"""What arrives from applicants, read into docgen's own data: the filled 申报表 and Excel lists
(form.py, lists.py, importer.py), packages opened (packages.py), files sorted into the programme's
evidence types (sorting.py), and the plan of what would be archived and what refused (plan.py).

Nothing here stores anything: `docgen receive` and the web archive the files of a plan themselves.
"""

from docgen.intake.packages import LIMITS, Limits, Package, PackageFile, PackageRefused, open_package
from docgen.intake.plan import IntakePlan, PlannedFile, RefusedFile, plan_files, plan_package
from docgen.intake.sorting import FORM, LIST, NAME_KEYWORDS, TEXT_KEYWORDS, UNSORTED, Sorted, Sorter

__all__ = [
    "FORM",
    "LIMITS",
    "LIST",
    "NAME_KEYWORDS",
    "TEXT_KEYWORDS",
    "UNSORTED",
    "IntakePlan",
    "Limits",
    "Package",
    "PackageFile",
    "PackageRefused",
    "PlannedFile",
    "RefusedFile",
    "Sorted",
    "Sorter",
    "open_package",
    "plan_files",
    "plan_package",
]
