"""Making the archive copy inert: what a PDF can do when opened is removed before it is OCR'd.

The archive copy is what reviewers open from search hits, so it must not run anything: JavaScript
(document-level, on open, on page or field events), launch and URI actions, embedded files and
attachments, and interactive forms (flattened, so filled-in values stay visible). The original is
kept byte for byte, as received; the record lists what its copy lost.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pikepdf
from pikepdf import Dictionary, Name

ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/URI", "/GoToR", "/GoToE", "/ImportData", "/SubmitForm", "/ResetForm"}


def inert_copy(source: Path, target: Path) -> list[str]:
    """Write `source` to `target` without anything active; what was removed, one phrase each.
    Writes nothing and returns [] when there is nothing to remove."""
    removed: list[str] = []
    with pikepdf.open(source) as pdf, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pikepdf warns of widgets orphaned from the form: removing it is the point
        root = pdf.Root
        if "/AcroForm" in root:
            pdf.flatten_annotations("all")
            if "/AcroForm" in root:  # flattening removes it when every field had an appearance
                del root.AcroForm
            removed.append("form fields (flattened)")
        if "/OpenAction" in root and _is_active(root.OpenAction):
            del root.OpenAction
            removed.append("an action run on opening")
        if "/AA" in root:
            del root.AA
            removed.append("document event actions")
        if "/AF" in root:
            del root.AF
            removed.append("associated files")
        names = root.get("/Names")
        if isinstance(names, Dictionary):
            for key, what in (("/JavaScript", "document JavaScript"), ("/EmbeddedFiles", "embedded files")):
                if key in names:
                    del names[key]
                    removed.append(what)
            if not names.keys():
                del root.Names
        for number, page in enumerate(pdf.pages, 1):
            removed += _clean_page(page.obj, number)
        if removed:
            pdf.save(target)
    return removed


def _is_active(action: object) -> bool:
    """An action dictionary (or a chain of them through /Next) that runs or fetches something."""
    if isinstance(action, pikepdf.Array):  # an explicit destination: just a place in the document
        return False
    if not isinstance(action, Dictionary):
        return False
    if action.get("/S") in {Name(a) for a in ACTIVE_ACTIONS}:
        return True
    following = action.get("/Next")
    if isinstance(following, pikepdf.Array):
        return any(_is_active(a) for a in following)
    return _is_active(following) if following is not None else False


def _clean_page(page: Dictionary, number: int) -> list[str]:
    removed = []
    if "/AA" in page:
        del page.AA
        removed.append(f"page {number}: page event actions")
    if "/AF" in page:
        del page.AF
        removed.append(f"page {number}: associated files")
    annotations = page.get("/Annots")
    if not isinstance(annotations, pikepdf.Array):
        return removed
    kept = pikepdf.Array()
    for annotation in annotations:
        if not isinstance(annotation, Dictionary):
            continue
        if annotation.get("/Subtype") == Name.FileAttachment:
            removed.append(f"page {number}: an attached file")
            continue
        if "/A" in annotation and _is_active(annotation.A):  # the whole link: without its action it is nothing
            removed.append(f"page {number}: a link that runs or opens something")
            continue
        if "/AA" in annotation:
            del annotation.AA
            removed.append(f"page {number}: field event actions")
        kept.append(annotation)
    if kept:
        page.Annots = kept
    else:
        del page.Annots
    return removed
