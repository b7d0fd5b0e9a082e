"""An application, for reviewers: its data, the eligibility check condition by condition, the evidence
cross-check claim by claim with the page beside each claim, and the reviewer's notes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for

from docgen.applicant import load_applicant
from docgen.crosscheck.review import ZH as MATCH_ZH
from docgen.crosscheck.review import Evidence, Match
from docgen.documents.make import Request, kind_named, render_kind
from docgen.eligibility import check_applicant
from docgen.evidence import review_applicant
from docgen.policy_registry import load_policy
from docgen.review_notes import add_note, notes
from docgen.web.auth import requires
from docgen.web.common import USER_ERRORS, attachment

bp = Blueprint("applicant", __name__, url_prefix="/w/<site>/y/<int:year>/a/<code>")

_CODE = re.compile(r"^[0-9A-Z]{18}$")
VERDICT_ZH = {"pass": "符合", "fail": "不符合", "review": "需人工判断", "info": "参考"}
MATCH_CLASS = {
    Match.backed: "ok",
    Match.near: "warn",
    Match.contradicted: "bad",
    Match.not_found: "bad",
    Match.unreadable: "warn",
}


def _applicant_file(year: int, code: str) -> Path:
    """The application's file, from a code that can only name a file in applicants/YEAR/."""
    if not _CODE.match(code):
        abort(404)
    path = g.site.workspace.applicant_file(year, code)
    if not path.is_file():
        abort(404)
    return path


def highlight_query(evidence: Evidence) -> str:
    """What the cross-check found on the page, as a query whose terms the page view highlights."""
    return " ".join(f'"{text}"' for text in evidence.found if text.strip() and '"' not in text)


@bp.get("/")
@requires("view")
def show(year: int, code: str) -> Any:
    path = _applicant_file(year, code)
    ws = g.site.workspace
    applicant = load_applicant(path)
    policy = load_policy(ws.settings.policy, ws)
    try:
        checked = review_applicant(ws, path, year)
        problem = ""
    except USER_ERRORS as exc:
        checked, problem = None, exc.message
    return render_template(
        "applicant.html",
        year=year,
        applicant=applicant,
        eligibility=check_applicant(applicant, policy),
        review=checked,
        review_problem=problem,
        match_zh=MATCH_ZH,
        match_class=MATCH_CLASS,
        verdict_zh=VERDICT_ZH,
        highlight=highlight_query,
        notes=notes(ws, year, applicant.credit_code),
    )


@bp.post("/note")
@requires("note")
def note(year: int, code: str) -> Any:
    _applicant_file(year, code)
    try:
        add_note(g.site.workspace, year, code, request.form.get("text", ""), g.user.signs_as)
    except USER_ERRORS as exc:
        flash(exc.message, "error")
    else:
        flash("审核意见已保存。", "ok")
    return redirect(url_for("applicant.show", year=year, code=code) + "#notes")


@bp.get("/worksheet.docx")
@requires("view")
def worksheet(year: int, code: str) -> Any:
    path = _applicant_file(year, code)
    ws = g.site.workspace
    kind = kind_named("worksheet")
    policy = load_policy(ws.settings.policy, ws)
    out = Path(f"评审工作底稿-{code}.docx")
    [(_, blob)] = render_kind(kind, load_applicant(path), policy, Request("worksheet", path, out, year=year), ws)
    return Response(
        blob,
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        headers={"Content-Disposition": attachment(out.name)},
    )
