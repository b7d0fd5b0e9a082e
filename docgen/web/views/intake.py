"""受理申报 from what an applicant sent: upload the package (or the 申报表 and files), see the sorting plan,
change a file's evidence type, correct the applicant data in a form, then receive it as a job.

Nothing is stored in the workspace before 受理: the uploads wait in the job's upload folder and are
removed when the clerk cancels, when the plan shows a file the archive refuses, or when the job ends.
"""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for

from archive import safe_filename
from docgen.eligibility import check_applicant
from docgen.errors import BadInputError
from docgen.intake.importer import applicant_yaml
from docgen.intake.packages import show
from docgen.intake.sorting import CATCH_ALL
from docgen.policy_registry import load_policy
from docgen.web import intake
from docgen.web.auth import requires
from docgen.web.common import USER_ERRORS
from docgen.web.views.applicant import VERDICT_ZH
from docgen.web.views.year import _go, _uploads

bp = Blueprint("intake", __name__, url_prefix="/w/<site>")

PACKAGE_SUFFIXES = (".zip", ".rar", ".7z", ".eml")
FOLDER_NAME = "网页上传材料.zip"  # the package the server makes of several files


def _policy() -> Any:
    ws = g.site.workspace
    return load_policy(ws.settings.policy, ws)


def _pending(year: int, token: str) -> tuple[Path, dict[str, Any]]:
    """The intake's folder and what it holds; 404 when there is none (cancelled, received, or never)."""
    if not token.replace("-", "").isalnum():
        abort(404)
    folder = _uploads(g.site.workspace) / token
    meta = intake.read_meta(folder)
    if meta is None or meta.get("year") != year or g.site.jobs.get(token) is not None:
        abort(404)
    return folder, meta


def _kept(values: dict[str, str]) -> None:
    """The receive section's fields, shown again after a refusal."""
    session["receive_kept"] = values


@bp.post("/y/<int:year>/intake")
@requires("step")
def upload(year: int) -> Any:
    """The package, or the 申报表 and any other files, kept in a new upload folder and planned."""
    ws, jobs = g.site.workspace, g.site.jobs
    token = jobs.new_id()
    folder = _uploads(ws) / token
    kept = {"revise": request.form.get("revise", "").strip()[:2000], "date": request.form.get("date", "").strip()}
    try:
        date = dt.date.fromisoformat(kept["date"]) if kept["date"] else dt.date.today()
    except ValueError:
        _kept(kept)
        flash(f"日期 {kept['date']}：请写成 YYYY-MM-DD", "error")
        return _go(url_for("year.dashboard", year=year) + "#receive")
    files = [f for f in request.files.getlist("package") if f.filename]
    try:
        if not files:
            raise BadInputError("申报材料：请选择文件（材料包，或申报表和其他文件）")
        names = [safe_filename(Path(f.filename or "").name or "upload") for f in files]
        (folder / "package").mkdir(parents=True)
        if len(files) == 1 and Path(names[0]).suffix.lower() in (*PACKAGE_SUFFIXES, ".docx"):
            source = Path("package") / names[0]
            files[0].save(folder / source)
        else:  # the form and files: a zip made here, so they are unpacked (and planned) as any package is
            source = Path("package") / FOLDER_NAME
            with zipfile.ZipFile(folder / source, "w") as package:
                for n, (each, name) in enumerate(zip(files, names, strict=True)):
                    with package.open(name if name not in names[:n] else f"{n}-{name}", "w") as member:
                        shutil.copyfileobj(each.stream, member)
        meta = {"year": year, "source": source.as_posix(), "received_as": source.name, "date": date.isoformat()}
        meta["revise"] = kept["revise"]
        intake.write_meta(folder, meta)
        found = intake.survey(folder, meta, _policy())
        if found.error and not found.has_form:  # nothing to correct: the applicant must send the form
            raise BadInputError(found.error)
    except USER_ERRORS as exc:
        shutil.rmtree(folder, ignore_errors=True)
        _kept(kept)
        flash(intake.without_paths(exc.message, folder), "error")
        return _go(url_for("year.dashboard", year=year) + "#receive")
    finally:
        for upload in files:  # a large upload is a temporary file: closed now, not when collected
            upload.close()
    return _go(url_for("intake.plan", year=year, token=token))


@bp.post("/y/<int:year>/intake/new")
@requires("step")
def new(year: int) -> Any:
    """An application entered on the web form (no files yet)."""
    token = g.site.jobs.new_id()
    folder = _uploads(g.site.workspace) / token
    intake.write_meta(folder, {"year": year, "source": None, "received_as": "网页填写", "date": "", "revise": ""})
    return redirect(url_for("intake.applicant", year=year, token=token))


@bp.get("/y/<int:year>/intake/<token>")
@requires("step")
def plan(year: int, token: str) -> Any:
    folder, meta = _pending(year, token)
    try:
        found = intake.survey(folder, meta, _policy())
    except USER_ERRORS as exc:
        shutil.rmtree(folder, ignore_errors=True)
        flash(intake.without_paths(exc.message, folder), "error")
        return redirect(url_for("year.dashboard", year=year) + "#receive")
    refused = bool(found.plan and found.plan.refused)
    if refused:  # it cannot be received as it is: the applicant's files do not stay on the server
        shutil.rmtree(folder, ignore_errors=True)
    return render_template(
        "intake_plan.html",
        year=year,
        token=token,
        meta=meta,
        found=found,
        refused=refused,
        types=_policy().evidence_types,
        catch_all=next((t.id for t in _policy().evidence_types if t.id in CATCH_ALL), None),
        show=show,
        today=dt.date.today().isoformat(),
    )


@bp.post("/y/<int:year>/intake/<token>")
@requires("step")
def decide(year: int, token: str) -> Any:
    """受理 with the types chosen on the plan page, or 取消 (the uploads removed)."""
    folder, meta = _pending(year, token)
    if request.form.get("action") == "cancel":
        shutil.rmtree(folder, ignore_errors=True)
        flash("已取消：上传的文件已删除。", "ok")
        return redirect(url_for("year.dashboard", year=year) + "#receive")
    policy = _policy()
    types = {t.id for t in policy.evidence_types}
    meta["revise"] = request.form.get("revise", "").strip()[:2000]
    meta["date"] = request.form.get("date", "").strip()
    intake.write_meta(folder, meta)
    try:
        date = dt.date.fromisoformat(meta["date"]) if meta["date"] else dt.date.today()
    except ValueError:
        flash(f"日期 {meta['date']}：请写成 YYYY-MM-DD", "error")
        return redirect(url_for("intake.plan", year=year, token=token))
    try:
        found = intake.survey(folder, meta, policy)
        if found.applicant is None:
            raise BadInputError(found.error or "申报单位信息：请先在网页上填写")
        known = {f.inside for f in found.plan.files} if found.plan else set()
        assign = {}
        for n in range(len(known)):
            inside, type_id = request.form.get(f"inside-{n}", ""), request.form.get(f"type-{n}", "")
            if inside in known and type_id in types:
                assign[inside] = type_id
    except USER_ERRORS as exc:
        flash(intake.without_paths(exc.message, folder), "error")
        return redirect(url_for("intake.plan", year=year, token=token))
    params = {
        "year": year,
        "intake": True,
        "assign": assign,
        "received_as": meta.get("received_as"),
        "by": g.user.signs_as,
        "date": date.isoformat(),
        "revise": meta["revise"],
        "code": found.applicant.credit_code,
    }
    job = g.site.jobs.submit("receive", f"受理申报：{found.applicant.name}", g.user.signs_as, params, job_id=token)
    return redirect(url_for("year.job", job_id=job.id))


# --- the applicant form ------------------------------------------------------------------------------


def _render_form(year: int, token: str, entered: intake.Entered, *, checked: bool) -> Any:
    eligibility = check_applicant(entered.applicant, _policy()) if entered.applicant else None
    return render_template(
        "intake_applicant.html",
        year=year,
        token=token,
        e=entered,
        fields=intake,
        checked=checked,
        eligibility=eligibility,
        verdict_zh=VERDICT_ZH,
    )


@bp.route("/y/<int:year>/intake/<token>/applicant", methods=["GET", "POST"])
@requires("step")
def applicant(year: int, token: str) -> Any:
    folder, meta = _pending(year, token)
    if request.method == "GET":
        entered = intake.entered_from(intake.form_data(folder, meta, _policy()))
        checked = bool(entered.unit.get("name"))
        return _render_form(year, token, intake.check(entered) if checked else entered, checked=checked)
    entered = intake.check(intake.entered_of(request.form))
    if request.form.get("action") != "save" or entered.applicant is None:
        if request.form.get("action") == "save":
            flash("还有要改的地方：见各栏旁的红字。", "error")
        return _render_form(year, token, entered, checked=True)
    source = "网页表单" if not meta.get("source") else f"网页表单（据 {Path(meta['source']).name} 核对）"
    (folder / intake.OVERRIDE).write_text(applicant_yaml(entered.applicant, [Path(source)]), encoding="utf-8")
    flash(f"已保存申报单位信息：{entered.applicant.name}", "ok")
    return redirect(url_for("intake.plan", year=year, token=token))


@bp.post("/y/<int:year>/intake/<token>/check")
@requires("step")
def live_check(year: int, token: str) -> Any:
    """The eligibility check and the form's problems while the clerk types (htmx, debounced)."""
    _pending(year, token)
    entered = intake.check(intake.entered_of(request.form))
    eligibility = check_applicant(entered.applicant, _policy()) if entered.applicant else None
    return render_template("_intake_check.html", e=entered, eligibility=eligibility, verdict_zh=VERDICT_ZH)
