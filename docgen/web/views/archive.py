"""The archive, for archivists: years and their records, pages that need review, verify, seal and
unseal (a reason required, logged with the user), the BagIt export package, the catalogue; and the
register of bases across years, for everyone."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, send_file, url_for

from archive import seal_history
from docgen.archiving import seal_year, unseal_year, year_catalogue
from docgen.cycle.report import register_csv, register_rows
from docgen.evidence import open_archive
from docgen.web.auth import requires
from docgen.web.common import USER_ERRORS, attachment

bp = Blueprint("archive", __name__, url_prefix="/w/<site>")

STATUS_ZH = {"ok": "正常", "needs_review": "需复核", "ocr_failed": "识别失败"}


def _year_of_archive(year: int) -> Any:
    archive = open_archive(g.site.workspace)
    if year not in archive.years():
        abort(404)
    return archive


@bp.get("/archive")
@requires("view")
def years() -> Any:
    archive = open_archive(g.site.workspace)
    rows = []
    for year in sorted(archive.years(), reverse=True):
        records = archive.records(year)
        rows.append(
            {
                "year": year,
                "documents": len(records),
                "pages": sum(r.pages for _, r in records),
                "review": sum(1 for _, r in records if r.status != "ok"),
                "sealed": archive.is_sealed(year),
            }
        )
    jobs = [j for j in g.site.jobs.recent(30) if j.kind in ("verify", "export")][:8]
    return render_template("archive.html", rows=rows, jobs=jobs)


@bp.get("/archive/<int:year>")
@requires("view")
def year(year: int) -> Any:
    archive = _year_of_archive(year)
    records = [r for _, r in archive.records(year)]
    return render_template(
        "archive_year.html",
        year=year,
        records=records,
        review=[(r, q) for r in records for q in r.pages_to_review()],
        failed=[r for r in records if r.status == "ocr_failed"],
        sealed=archive.is_sealed(year),
        history=seal_history(archive, year),
        status_zh=STATUS_ZH,
    )


@bp.post("/archive/verify")
@requires("archive")
def verify() -> Any:
    job = g.site.jobs.submit("verify", "核验工作区（决定记录链与档案校验值）", g.user.signs_as, {})
    return redirect(url_for("year.job", job_id=job.id))


@bp.post("/archive/<int:year>/export")
@requires("archive")
def export(year: int) -> Any:
    _year_of_archive(year)
    job = g.site.jobs.submit("export", f"{year} 年度 BagIt 导出包", g.user.signs_as, {"year": year})
    return redirect(url_for("year.job", job_id=job.id))


@bp.get("/jobs/<job_id>/result")
@requires("archive")
def job_result(job_id: str) -> Any:
    job = g.site.jobs.get(job_id)
    if job is None or job.state != "done" or not job.result:
        abort(404)
    path = g.site.jobs.folder_of(job) / job.result
    if not path.is_file():
        abort(404)
    return send_file(path, as_attachment=True, download_name=job.result, max_age=0)


@bp.post("/archive/<int:year>/seal")
@requires("seal")
def seal(year: int) -> Any:
    _year_of_archive(year)
    note = request.form.get("note", "").strip()
    try:
        seal_year(g.site.workspace, year, note, by=g.user.signs_as)
    except USER_ERRORS as exc:
        flash(exc.message, "error")
    else:
        flash(f"{year} 年度已封存。", "ok")
    return redirect(url_for("archive.year", year=year))


@bp.post("/archive/<int:year>/unseal")
@requires("seal")
def unseal(year: int) -> Any:
    _year_of_archive(year)
    reason = request.form.get("reason", "").strip()
    if not reason:
        flash("解封须写明原因（记入封存日志）。", "error")
        return redirect(url_for("archive.year", year=year))
    try:
        unseal_year(g.site.workspace, year, force=True, reason=reason, by=g.user.signs_as)
    except USER_ERRORS as exc:
        flash(exc.message, "error")
    else:
        flash(f"{year} 年度已解封，原因已记录。", "ok")
    return redirect(url_for("archive.year", year=year))


@bp.get("/archive/<int:year>/catalogue.csv")
@requires("view")
def catalogue(year: int) -> Any:
    _year_of_archive(year)
    body = "\ufeff" + year_catalogue(g.site.workspace, year)  # a BOM so Excel and WPS read the Chinese
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": attachment(f"归档文件目录-{year}.csv")})


@bp.get("/register")
@requires("view")
def register() -> Any:
    rows = register_rows(g.site.snapshot.cycle())
    return render_template("register.html", rows=rows)


@bp.get("/register.csv")
@requires("view")
def register_download() -> Any:
    body = register_csv(register_rows(g.site.snapshot.cycle()))
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": attachment("基地名录.csv")})
