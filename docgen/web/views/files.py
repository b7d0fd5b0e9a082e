"""Files, only those the workspace knows: a document by its decision and number, an archived copy by
its archival code, a page picture by code and page. No path from a request reaches the filesystem."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, g, render_template, request, send_file

from archive import ItemRecord
from docgen.evidence import known_units, open_archive
from docgen.web.auth import requires
from docgen.web.common import USER_ERRORS, attachment
from docgen.web.pageview import FORMATS, WIDTHS, match_boxes, page_image, picture_cache
from docgen.web.views.search import query_terms

bp = Blueprint("files", __name__, url_prefix="/w/<site>")

MIMETYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class RecordFinder:
    """Archival code -> the item's folder, learnt by one walk of the archive and walked again on a miss
    (new documents arrive; none is renamed but by relink, which a miss also covers)."""

    def __init__(self) -> None:
        self._folders: dict[str, Path] = {}
        self._lock = threading.Lock()

    def find(self, root_key: Any, code: str) -> tuple[Path, ItemRecord] | None:
        folder = self._folders.get(code)
        if folder is None or not folder.is_dir():
            with self._lock:
                self._folders = {r.archival_code: f for f, r in open_archive(root_key).records()}
            folder = self._folders.get(code)
            if folder is None:
                return None
        return folder, ItemRecord.read(folder)


_finders: dict[Path, RecordFinder] = {}


def _record(code: str) -> tuple[Path, ItemRecord]:
    ws = g.site.workspace
    finder = _finders.setdefault(ws.root, RecordFinder())
    found = finder.find(ws, code)
    if found is None:
        abort(404)
    return found


def _copy_of(folder: Path, record: ItemRecord) -> tuple[Path, Path]:
    """The archive copy (PDF/A) of an item, and where its page pictures and text layer are kept (see
    pageview); an item whose OCR failed has no copy to show."""
    if record.archive_copy is None:
        abort(404)
    return folder / record.archive_copy.file, picture_cache(g.site.workspace.web_dir, record.archive_copy.sha256)


def _page_of(record: ItemRecord, page: int) -> int:
    if not 1 <= page <= record.pages:
        abort(404)
    return page


@bp.get("/page/<code>/<int:page>")
@requires("view")
def viewer(code: str, page: int) -> Any:
    folder, record = _record(code)
    _page_of(record, page)
    q = request.args.get("q", "")
    pdf, cache = _copy_of(folder, record)
    boxes = match_boxes(pdf, page, query_terms(q), cache)
    quality = record.page_quality[page - 1] if len(record.page_quality) >= page else None
    unit = next((name for name, code in known_units(g.site.workspace).items() if code == record.applicant), "")
    return render_template(
        "page.html", record=record, page=page, q=q, boxes=boxes, quality=quality, size="read", unit=unit
    )


@bp.get("/page/<code>/<int:page>/figure")
@requires("view")
def figure(code: str, page: int) -> Any:
    """The page picture with its highlight boxes, as a fragment a result or a claim loads after the page."""
    folder, record = _record(code)
    _page_of(record, page)
    size = request.args.get("size", "thumb")
    if size not in (*WIDTHS, "strip"):  # strip: the reading-size picture seen through a window on the match
        abort(404)
    q = request.args.get("q", "")
    pdf, cache = _copy_of(folder, record)
    boxes = match_boxes(pdf, page, query_terms(q), cache)
    return render_template("_figure.html", record=record, page=page, q=q, boxes=boxes, size=size)


@bp.get("/page/<code>/<int:page>/<size>.img")
@requires("view")
def image(code: str, page: int, size: str) -> Any:
    if size not in WIDTHS:
        abort(404)
    folder, record = _record(code)
    _page_of(record, page)
    pdf, cache = _copy_of(folder, record)
    response = Response(page_image(pdf, page, size, cache), mimetype=FORMATS[size].mimetype)
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


@bp.get("/pdf/<code>")
@requires("view")
def pdf(code: str) -> Any:
    folder, record = _record(code)
    name = f"{record.archival_code}.pdf"
    copy, _ = _copy_of(folder, record)
    return send_file(copy, mimetype="application/pdf", download_name=name, max_age=0)


@bp.get("/original/<code>")
@requires("view")
def original(code: str) -> Any:
    folder, record = _record(code)
    path = folder / record.original.stored_as
    response = send_file(path, as_attachment=True, download_name=Path(record.original.stored_as).name)
    return response


@bp.get("/doc/<decision_id>/<int:number>.<fmt>")
@requires("view")
def document(decision_id: str, number: int, fmt: str) -> Any:
    """A generated document by its decision and its place in the decision's list; fmt docx or pdf (xlsx for
    the Excel lists a notice carries)."""
    if fmt not in ("docx", "pdf", "xlsx"):
        abort(404)
    cycle = g.site.snapshot.cycle()
    decision = next((d for d in cycle.standing.decisions if d.id == decision_id), None)
    if decision is None or not 0 <= number < len(decision.documents):
        abort(404)
    try:
        path = g.site.workspace.inside(*Path(decision.documents[number]).with_suffix(f".{fmt}").parts)
    except USER_ERRORS:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=MIMETYPES[f".{fmt}"], max_age=0)
    response.headers["Content-Disposition"] = attachment(path.name)
    return response
