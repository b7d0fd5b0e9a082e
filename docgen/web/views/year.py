"""The year, for clerks: what `docgen status` says as a page, the step forms, the documents.

Every form posts to one view per step that reads the fields, calls the same library step the CLI calls
and shows its result or its own refusal. Receiving evidence is a background job (OCR takes minutes).
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from werkzeug.datastructures import FileStorage

from archive import RejectedFile, identify, lock_holder, safe_filename
from docgen.applicant import load_applicant
from docgen.crosscheck.shared import year_shared
from docgen.cycle import steps
from docgen.cycle.campaign import campaign_years, default_year
from docgen.cycle.journal import Decision, decision_years
from docgen.cycle.stages import stage
from docgen.cycle.steps import Cycle, Signed, StepResult
from docgen.errors import BadInputError
from docgen.policy_registry import load_policy
from docgen.web.auth import may, requires
from docgen.web.common import USER_ERRORS

bp = Blueprint("year", __name__, url_prefix="/w/<site>")

STAGE_ZH = {
    "confirmed": "已确认为基地",
    "withdrawn after an objection": "异议成立，已撤回",
    "candidate": "候选基地",
    "not selected by the experts": "专家评审未通过",
    "awaiting preliminary review": "待区镇初审",
    "not recommended": "初审未推荐",
    "awaiting expert review": "待专家评审",
}
DECISION_ZH = {  # a decision's outcome as the journal records it; an assessment's is its grade already
    "opened": "已发布",
    "received": "已受理",
    "recommended": "同意推荐",
    "not_recommended": "不予推荐",
    "candidate": "列为候选基地",
    "not_selected": "未列为候选",
    "published": "已公示",
    "raised": "已登记异议",
    "upheld": "异议成立",
    "dismissed": "异议不成立",
    "confirmed": "已发文确认",
    "revoked": "已撤销",
    "reissued": "已补发",
}
NEXT_ZH = {
    "open": "发布 {year} 年度申报通知",
    "receive": "受理申报材料",
    "preliminary": "区镇初审：还有 {detail} 家待审",
    "expert": "专家评审：还有 {detail} 家待评",
    "publicise": "公示候选基地",
    "resolve": "处理公示异议：{detail}",
    "confirm": "公示期至 {detail}，期满后发文确认",
    "assess": "已确认：进入年度考核与名录管理",
    "none": "无候选基地：本年度不新增基地",
}


def years_of(cycle: Cycle) -> list[int]:
    return sorted(set(campaign_years(cycle.workspace)) | set(decision_years(cycle.workspace)), reverse=True)


def chosen_year(cycle: Cycle) -> int:
    value = request.args.get("year", "")
    if value.isdigit() and 2000 <= int(value) <= 2100:
        return int(value)
    try:
        return default_year(cycle.workspace)
    except USER_ERRORS:
        return dt.date.today().year


def documents_of(cycle: Cycle, year: int) -> list[tuple[Decision, list[tuple[int, str, bool]]]]:
    """The year's decisions that wrote documents: (decision, [(index, file name, has a PDF)])."""
    rows = []
    for decision in cycle.standing.decisions:
        if decision.year != year or not decision.documents:
            continue
        files = []
        for n, name in enumerate(decision.documents):
            path = cycle.workspace.root / name
            if path.suffix in (".docx", ".xlsx"):
                files.append((n, path.name, path.suffix == ".docx" and path.with_suffix(".pdf").is_file()))
        rows.append((decision, files))
    return rows


@bp.get("/")
@requires("view")
def dashboard() -> Any:
    cycle = g.site.snapshot.cycle()
    year = chosen_year(cycle)
    status = g.site.snapshot.status(year)
    state = cycle.year(year)
    step, detail = state.next_action()
    return render_template(
        "year.html",
        year=year,
        years=years_of(cycle),
        status=status,
        state=state,
        next_text=NEXT_ZH[step].format(year=year, detail=detail),
        next_step=step,
        stage_zh=STAGE_ZH,
        stage_name=lambda s: stage(s).name,
        documents=documents_of(cycle, year),
        policy=cycle.policy,
        bases=sorted(cycle.standing.bases.values(), key=lambda b: (b.year, b.unit)),
        jobs=g.site.jobs.recent(8),
        today=dt.date.today().isoformat(),
        kept=session.pop("receive_kept", {}),
    )


# --- the steps ------------------------------------------------------------------------------------


def _field(name: str, label: str, *, required: bool = True) -> str:
    value = request.form.get(name, "").strip()
    if required and not value:
        raise BadInputError(f"{label}：必须填写")
    if len(value) > 2000:
        raise BadInputError(f"{label}：过长（最多 2000 字）")
    return value


def _choice(name: str, label: str, yes: str, no: str) -> bool:
    value = request.form.get(name, "")
    if value not in (yes, no):
        raise BadInputError(f"{label}：请选择")
    return value == yes


def _signed() -> Signed:
    value = request.form.get("date", "").strip()
    try:
        day = dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise BadInputError(f"日期 {value}：请写成 YYYY-MM-DD") from None
    return Signed(g.user.signs_as, day)


def _kept_upload(upload: FileStorage | None, label: str, folder: Path) -> Path:
    """An uploaded file saved under `folder` by a safe version of its name (never a path of the request)."""
    if upload is None or not upload.filename:
        raise BadInputError(f"{label}：请选择文件")
    path = folder / safe_filename(Path(upload.filename).name or "upload")
    path.parent.mkdir(parents=True, exist_ok=True)
    upload.save(path)
    return path


def _run_step(year: int, call: Any) -> Any:
    """Run a step: refused at once when another job holds the workspace, its message shown either way."""
    holder = lock_holder(g.site.workspace.decisions_dir())
    if holder:
        flash(f"工作区正忙（{holder}），请稍后再试。", "error")
        return redirect(url_for("year.dashboard", year=year))
    try:
        result: StepResult = call()
    except USER_ERRORS as exc:
        flash(exc.message, "error")
    else:
        d = result.decision
        outcome = DECISION_ZH.get(d.outcome, d.outcome)
        flash(f"已记录 {d.id}：{stage(d.step).name}{'：' + d.unit if d.unit else ''}（{outcome}）", "ok")
        for note in result.notes:
            flash(note, "note")
    return redirect(url_for("year.dashboard", year=year) + "#steps")


@bp.post("/y/<int:year>/step/<name>")
@requires("step")
def step(year: int, name: str) -> Any:
    ws = g.site.workspace
    try:
        call = _step_call(ws, year, name)
    except USER_ERRORS as exc:
        flash(exc.message, "error")
        return redirect(url_for("year.dashboard", year=year) + "#steps")
    return _run_step(year, call)


def _step_call(ws: Any, year: int, name: str) -> Any:
    """The library call of the form `name`, with its fields read and checked (bad ones raise here)."""
    if name == "open":
        signed = _signed()
        return lambda: steps.open_year(ws, year, signed)
    if name == "preliminary":
        unit, recommend = _field("unit", "单位"), _choice("decision", "初审意见", "recommend", "reject")
        reason, signed, revise = _field("reason", "意见"), _signed(), bool(request.form.get("revise"))
        return lambda: steps.preliminary(ws, year, unit, recommend, reason, signed, revise=revise)
    if name == "expert":
        unit, candidate = _field("unit", "单位"), _choice("decision", "评审结论", "candidate", "not")
        reason, signed, revise = _field("reason", "评审意见"), _signed(), bool(request.form.get("revise"))
        points = steps.parse_points(request.form.get("points"), "分数")
        short = _field("short_name", "名称或区域", required=False) or None
        return lambda: steps.expert(
            ws, year, unit, candidate, reason, signed, points=points, short_name=short, revise=revise
        )
    if name == "publicise":
        signed = _signed()
        return lambda: steps.publicise(ws, year, signed)
    if name == "objection":
        unit, reason, signed = _field("unit", "单位"), _field("reason", "异议内容"), _signed()
        return lambda: steps.object_to(ws, year, unit, reason, signed)
    if name == "resolve":
        objection, upheld = _field("objection", "异议"), _choice("decision", "处理结果", "upheld", "dismissed")
        reason, signed = _field("reason", "核查情况"), _signed()
        return lambda: steps.resolve_objection(ws, objection, upheld, reason, signed)
    if name == "confirm":
        number, signed = _field("doc_number", "发文字号"), _signed()
        return lambda: steps.confirm(ws, year, number, signed)
    if name == "plaque":
        base, reason, signed = _field("base", "基地"), _field("reason", "补发原因"), _signed()
        return lambda: steps.reissue_plaque(ws, base, reason, signed)
    if name == "revoke":
        base, ground, number = _field("base", "基地"), _field("ground", "撤销事由"), _field("doc_number", "发文字号")
        facts, signed = _field("facts", "事实", required=False) or None, _signed()
        return lambda: steps.revoke(ws, base, ground, facts, number, signed)
    if name == "assess":
        return _assess_call(ws)
    abort(404)


def _assess_call(ws: Any) -> Any:
    base, number, signed = _field("base", "基地"), _field("doc_number", "发文字号"), _signed()
    revise = bool(request.form.get("revise"))
    upload = request.files.get("result_file")

    def call() -> StepResult:
        with tempfile.TemporaryDirectory(dir=_uploads(ws)) as folder:
            path = _kept_upload(upload, "考核结果文件", Path(folder))
            return steps.assess(ws, base, path, number, signed, revise=revise)

    return call


def _uploads(ws: Any) -> Path:
    folder = ws.web_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return Path(folder)


@bp.post("/y/<int:year>/receive")
@requires("step")
def receive(year: int) -> Any:
    """Step 2 from uploads: every file kept and sniffed now (refused as 'archive ingest' refuses), the
    applicant file checked now; the OCR and the step then run as a job."""
    ws, jobs = g.site.workspace, g.site.jobs
    job_id = jobs.new_id()
    folder = _uploads(ws) / job_id
    try:  # every field read in here: a refusal removes what was uploaded
        signed = _signed()
        revise = _field("revise", "重新申报原因", required=False)
        applicant_path = _kept_upload(request.files.get("applicant"), "申报表数据文件", folder)
        applicant = load_applicant(applicant_path)
        evidence: list[tuple[str, list[str]]] = []
        policy = load_policy(ws.settings.policy, ws)
        for kind in policy.evidence_types:
            names = []
            for n, upload in enumerate(f for f in request.files.getlist(f"ev-{kind.id}") if f.filename):
                path = _kept_upload(upload, kind.name, folder / "evidence" / kind.id / str(n))
                try:
                    identify(path)
                except RejectedFile as exc:
                    raise BadInputError(f"{kind.name}：{upload.filename}：{exc.message.split(': ', 1)[-1]}") from None
                names.append(path.relative_to(folder).as_posix())
            if names:
                evidence.append((kind.id, names))
    except USER_ERRORS as exc:
        shutil.rmtree(folder, ignore_errors=True)
        flash(exc.message.replace(str(folder) + "/", ""), "error")
        return _go(url_for("year.dashboard", year=year) + "#receive")
    params = {
        "year": year,
        "applicant_file": applicant_path.relative_to(folder).as_posix(),
        "evidence": evidence,
        "by": signed.by,
        "date": signed.date.isoformat(),
        "revise": revise,
        "code": applicant.credit_code,
    }
    job = jobs.submit("receive", f"受理申报：{applicant.name}", g.user.signs_as, params, job_id=job_id)
    return _go(url_for("year.job", job_id=job.id))


def _go(location: str) -> Any:
    """A redirect; to the page's upload script (which shows the upload's progress), where to go."""
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        return {"location": location}
    return redirect(location)


@bp.post("/y/<int:year>/pdfs")
@requires("step")
def pdfs(year: int) -> Any:
    job = g.site.jobs.submit("pdfs", f"{year} 年度文书导出 PDF", g.user.signs_as, {"year": year})
    return redirect(url_for("year.job", job_id=job.id))


# --- jobs -----------------------------------------------------------------------------------------


@bp.get("/y/<int:year>/shared")
@requires("view")
def shared(year: int) -> Any:
    """跨申报比对: every claim of the year's applications another unit claims too (computed now)."""
    return render_template("shared.html", year=year, found=year_shared(g.site.workspace, year))


@bp.get("/jobs/<job_id>")
@requires("view")
def job(job_id: str) -> Any:
    found = g.site.jobs.get(job_id)
    if found is None:
        abort(404)
    template = "_job.html" if request.headers.get("HX-Request") else "job.html"
    return render_template(template, job=found)


JOB_PERMISSION = {"receive": "step", "pdfs": "step", "verify": "archive", "export": "archive"}


@bp.post("/jobs/<job_id>/again")
@requires("view")
def job_again(job_id: str) -> Any:
    found = g.site.jobs.get(job_id)
    if found is None:
        abort(404)
    if not may(g.user, JOB_PERMISSION[found.kind]):
        abort(403)
    try:
        g.site.jobs.again(job_id, g.user.signs_as)
    except USER_ERRORS as exc:
        flash(exc.message, "error")
    return redirect(url_for("year.job", job_id=job_id))
