"""Search, for reviewers: the query language of `docgen search`, filters, hits with a page thumbnail,
and a page at reading size with every match highlighted."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, render_template, request

from docgen.evidence import known_units, open_archive, search
from docgen.policy_registry import load_policy
from docgen.web.auth import requires
from docgen.web.common import USER_ERRORS
from index import END, MARK
from index import query_terms as terms_of

bp = Blueprint("search", __name__, url_prefix="/w/<site>")

PER_PAGE = 20


def query_terms(text: str) -> list[str]:
    """The searchable terms of a query to highlight (none when it does not parse)."""
    try:
        return terms_of(text)
    except USER_ERRORS:
        return []


def snippet_html(snippet: str) -> list[tuple[str, bool]]:
    """The snippet as (text, marked) runs, for the template to escape and wrap."""
    runs: list[tuple[str, bool]] = []
    rest = snippet
    while MARK in rest:
        before, _, after = rest.partition(MARK)
        inside, _, rest = after.partition(END)
        runs += [(before, False), (inside, True)]
    runs.append((rest, False))
    return [r for r in runs if r[0]]


@bp.get("/search")
@requires("view")
def page() -> Any:
    ws = g.site.workspace
    q = request.args.get("q", "").strip()
    year = request.args.get("year", "")
    applicant = request.args.get("applicant", "")
    type_ = request.args.get("type", "")
    start = request.args.get("start", "0")
    results, problem = None, ""
    if q:
        try:
            results = search(
                ws,
                q,
                year=int(year) if year.isdigit() else None,
                applicant=applicant or None,
                type_=type_ or None,
                limit=PER_PAGE,
                offset=int(start) if start.isdigit() else 0,
            )
        except USER_ERRORS as exc:
            problem = exc.message
    context = {
        "q": q,
        "year": year,
        "applicant": applicant,
        "type_": type_,
        "results": results,
        "problem": problem,
        "runs": snippet_html,
        "per_page": PER_PAGE,
        "unit_names": {code: name for name, code in known_units(ws).items()},
    }
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "results":
        return render_template("_results.html", **context)
    policy = load_policy(ws.settings.policy, ws)
    units = sorted(known_units(ws).items())
    years = sorted(open_archive(ws, policy).years(), reverse=True)
    return render_template("search.html", types=policy.evidence_types, units=units, years=years, **context)
