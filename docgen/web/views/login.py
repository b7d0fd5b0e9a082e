"""Logging in and out, and the front page that picks a workspace."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, session, url_for

from docgen.users import authenticate
from docgen.web.app import sites_of

bp = Blueprint("auth", __name__)


@bp.get("/")
def index() -> Any:
    sites = sites_of(current_app)
    if len(sites) == 1:
        return redirect(url_for("year.dashboard", site=next(iter(sites))))
    return render_template("index.html", all_sites=list(sites.values()), logged_in=session.get("users", {}))


def _safe_next(target: str | None, fallback: str) -> str:
    """Only a path on this server (never //host or a full URL) is followed after login."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return fallback


@bp.route("/w/<site>/login", methods=["GET", "POST"])
def login(**_: Any) -> Any:
    site = g.get("site")
    if site is None:
        abort(404)
    error = ""
    name = ""
    if request.method == "POST":
        name = request.form.get("name", "").strip()
        password = request.form.get("password", "")
        address = request.remote_addr or "?"
        wait = site.logins.wait(name, address)
        if wait:
            error = f"登录失败次数过多，请 {wait // 60 + 1} 分钟后再试。"
        elif (user := authenticate(site.workspace, name, password)) is None:
            site.logins.failed(name, address)
            error = "用户名或密码不正确。"
        else:
            site.logins.succeeded(name)
            users = dict(session.get("users", {}))
            users[site.key] = user.name
            session.clear()  # a new session on login: no fixation
            g.pop("current_user", None)
            session["users"] = users
            session.permanent = True
            return redirect(_safe_next(request.args.get("next"), url_for("year.dashboard")))
        return render_template("login.html", error=error, name=name), 401 if not wait else 429
    return render_template("login.html", error=error, name=name)


@bp.post("/w/<site>/logout")
def logout(**_: Any) -> Any:
    users = dict(session.get("users", {}))
    users.pop(g.site.key, None)
    session["users"] = users
    return redirect(url_for("auth.login"))
