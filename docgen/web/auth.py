"""Logins, sessions and roles for the web shell.

A session is Flask's signed cookie (HttpOnly, SameSite=Lax) holding, per workspace, the name of the user
logged in to it; every request reads the user again from the workspace's users file, so a removed user
or a changed role takes effect at once. Each view names the permission it needs; the role table below
is the only place that says who may do what.
"""

from __future__ import annotations

import fcntl
import functools
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import abort, g, redirect, render_template, request, session, url_for

from docgen.users import ROLE_NAMES, Role, User, load_users

# permission -> roles that have it
PERMISSIONS: dict[str, set[Role]] = {
    "view": set(Role),  # the year, applicants, documents, search, the register
    "step": {Role.clerk, Role.admin},  # record decisions, upload evidence, export PDFs
    "note": {Role.reviewer, Role.admin},  # write a review note
    "archive": {Role.archivist, Role.admin},  # verify, export packages, the catalogue
    "seal": {Role.archivist, Role.admin},  # seal and unseal a year
}

PERMISSION_NAMES = {
    "view": "查看",
    "step": "办理年度流程",
    "note": "填写审核意见",
    "archive": "档案核验与导出",
    "seal": "封存或解封年度",
}


def may(user: User | None, permission: str) -> bool:
    return user is not None and user.role in PERMISSIONS[permission]


def current_user() -> User | None:
    """The user logged in to the workspace of this request (g.site), or None."""
    site = g.get("site")
    if site is None:
        return None
    if "current_user" not in g:
        name = session.get("users", {}).get(site.key)
        g.current_user = load_users(site.workspace).get(name) if name else None
    user: User | None = g.current_user
    return user


def requires(permission: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The view needs a logged-in user of the workspace with `permission`; else the login page or 403."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                if request.headers.get("HX-Request"):
                    abort(401)
                return redirect(url_for("auth.login", site=g.site.key, next=request.full_path))
            g.user = user
            if not may(user, permission):
                return (
                    render_template(
                        "error.html",
                        title="无权操作",
                        message=f"您的角色（{ROLE_NAMES[user.role]}）不能{PERMISSION_NAMES[permission]}。",
                    ),
                    403,
                )
            return view(*args, **kwargs)

        return wrapped

    return decorate


class LoginThrottle:
    """Failed logins counted per user name and per client address, in a file beside the users (so every
    worker process of the server counts the same): after `per_name` failures for a name, or
    `per_address` from an address, within `window` seconds, tries are refused until the oldest failure
    ages out. A right password does not get past a refusal."""

    def __init__(self, path: Path, per_name: int = 5, per_address: int = 30, window: float = 600) -> None:
        self.path, self.window = path, window
        self.limits = {"name": per_name, "address": per_address}

    def wait(self, name: str, address: str) -> int:
        """Seconds until a try is allowed again (0: now)."""
        with self._locked() as failures:
            now = time.time()
            longest = 0.0
            for kind, value in (("name", name), ("address", address)):
                recent = [t for t in failures.get(f"{kind}:{value}", []) if now - t < self.window]
                if len(recent) >= self.limits[kind]:
                    longest = max(longest, self.window - (now - min(recent)))
            return int(longest) + (1 if longest else 0)

    def failed(self, name: str, address: str) -> None:
        with self._locked(write=True) as failures:
            now = time.time()
            for key in (f"name:{name}", f"address:{address}"):
                recent = [t for t in failures.get(key, []) if now - t < self.window][-100:]
                failures[key] = [*recent, now]

    def succeeded(self, name: str) -> None:
        with self._locked(write=True) as failures:
            failures.pop(f"name:{name}", None)

    @contextmanager
    def _locked(self, write: bool = False) -> Iterator[dict[str, list[float]]]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                handle.seek(0)
                try:
                    failures = json.loads(handle.read() or "{}")
                except ValueError:
                    failures = {}
                yield failures
                if write:
                    handle.seek(0)
                    handle.truncate()
                    handle.write(json.dumps(failures))
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
