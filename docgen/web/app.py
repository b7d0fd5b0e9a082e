"""The web shell: a Flask application over the same library calls the CLI makes.

Flask, because the interface is server-rendered pages and forms (Jinja templates, htmx for the parts
that update in place: search as you type, job progress); it brings signed-cookie sessions, and
Flask-WTF brings CSRF tokens checked on every POST. Served by waitress (pure Python, threaded, no
other program to run). Every script and style is shipped in docgen/web/static: no CDN.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, abort, g, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from archive import write_all_atomically
from docgen.cycle.receipts import recover
from docgen.users import ROLE_NAMES
from docgen.verdict import zh
from docgen.web.auth import LoginThrottle, current_user, may
from docgen.web.jobs import JobRunner
from docgen.web.snapshot import Snapshot
from docgen.web.tasks import HANDLERS
from docgen.workspace import Workspace

MAX_UPLOAD_MB = 200  # one request's files: a box of scans is sent in several


@dataclass
class Site:
    """One workspace served, under /w/KEY/."""

    key: str
    workspace: Workspace
    jobs: JobRunner
    snapshot: Snapshot
    logins: LoginThrottle

    @property
    def title(self) -> str:
        return self.workspace.settings.title or self.workspace.root.name


def site_keys(workspaces: list[Workspace]) -> dict[str, Workspace]:
    """URL keys from folder names: ascii-safe, unique."""
    keys: dict[str, Workspace] = {}
    for n, workspace in enumerate(workspaces, 1):
        base = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in workspace.root.name).strip("-")
        key = base or f"ws{n}"
        while key in keys:
            key = f"{key}-{n}"
        keys[key] = workspace
    return keys


def _secret(workspace: Workspace) -> bytes:
    """The key that signs session cookies, kept in the first workspace so logins survive a restart."""
    path = workspace.web_dir / "secret"
    if not path.is_file():
        write_all_atomically([(path, secrets.token_bytes(32))])
        path.chmod(0o600)
    return path.read_bytes()


def create_app(workspaces: list[Workspace], *, testing: bool = False) -> Flask:
    if not workspaces:
        raise ValueError("no workspace to serve")
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=_secret(workspaces[0]),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="docgen_session",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=10),
        MAX_CONTENT_LENGTH=MAX_UPLOAD_MB * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        TESTING=testing,
    )
    CSRFProtect(app)
    app.add_template_filter(zh, "zh")  # a detail's Chinese wording (docgen.verdict.Said)
    for workspace in workspaces:
        recover(workspace)  # receipts a stop cut off are rolled back before anyone sees the year
    app.extensions["docgen.sites"] = {
        key: Site(
            key,
            workspace,
            JobRunner(workspace, HANDLERS),
            Snapshot(workspace),
            LoginThrottle(workspace.web_dir / "login-failures.json"),
        )
        for key, workspace in site_keys(workspaces).items()
    }

    from docgen.web.views import applicant, archive, files, intake, login, search, year

    for module in (login, year, intake, applicant, search, archive, files):
        app.register_blueprint(module.bp)

    @app.url_defaults
    def _site_default(endpoint: str, values: dict[str, Any]) -> None:
        if "site" not in values and g.get("site") is not None and app.url_map.is_endpoint_expecting(endpoint, "site"):
            values["site"] = g.site.key

    @app.url_value_preprocessor
    def _site_of(endpoint: str | None, values: dict[str, Any] | None) -> None:
        key = (values or {}).pop("site", None) if values else None
        if key is None:
            key = request.args.get("site")
        sites = app.extensions["docgen.sites"]
        if key is not None:
            if key not in sites:
                abort(404)
            g.site = sites[key]
        elif len(sites) == 1:
            g.site = next(iter(sites.values()))

    @app.context_processor
    def _globals() -> dict[str, Any]:
        user = current_user()
        return {
            "site": g.get("site"),
            "sites": list(app.extensions["docgen.sites"].values()),
            "user": user,
            "role_name": ROLE_NAMES.get(user.role) if user else None,
            "may": lambda permission: may(user, permission),
        }

    @app.after_request
    def _headers(response: Any) -> Any:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
        )
        return response

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError) -> Any:
        message = "表单已过期或来源不明（CSRF 校验未通过）：请刷新页面后重试。"
        return render_template("error.html", title="请求被拒绝", message=message), 400

    @app.errorhandler(413)
    def _too_big(exc: HTTPException) -> Any:
        message = f"上传的文件合计超过 {MAX_UPLOAD_MB} MB：请分几次上传。"
        return render_template("error.html", title="文件过大", message=message), 413

    @app.errorhandler(404)
    def _not_found(exc: HTTPException) -> Any:
        return render_template("error.html", title="未找到", message="没有这个页面或文件。"), 404

    @app.errorhandler(401)
    def _logged_out(exc: HTTPException) -> Any:
        return render_template("error.html", title="请先登录", message="登录已失效，请重新登录。"), 401

    @app.errorhandler(500)
    def _bug(exc: HTTPException) -> Any:
        message = "服务器内部错误：这是 docgen 的缺陷，请把操作步骤报告给维护人员。"
        return render_template("error.html", title="内部错误", message=message), 500

    return app


def sites_of(app: Flask) -> dict[str, Site]:
    sites: dict[str, Site] = app.extensions["docgen.sites"]
    return sites


def static_folder() -> Path:
    return Path(__file__).parent / "static"
