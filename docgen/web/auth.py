"""Logins, sessions and roles for the web shell.

A session is Flask's signed cookie (HttpOnly, SameSite=Lax) holding, per workspace, the name of the user
logged in to it; every request reads the user again from the workspace's users file, so a removed user
or a changed role takes effect at once. Each view names the permission it needs; the role table below
is the only place that says who may do what.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
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
    name = session.get("users", {}).get(site.key)
    if not name:
        return None
    return load_users(site.workspace).get(name)


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
    """Failed logins counted per client address and per name: after `limit` failures within `window`
    seconds, further tries are refused until the oldest failure ages out."""

    def __init__(self, limit: int = 5, window: float = 600) -> None:
        self.limit, self.window = limit, window
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def wait(self, *keys: str) -> int:
        """Seconds until a try is allowed again (0: now)."""
        now = time.monotonic()
        longest = 0.0
        with self._lock:
            for key in keys:
                failures = self._failures[key]
                while failures and now - failures[0] > self.window:
                    failures.popleft()
                if len(failures) >= self.limit:
                    longest = max(longest, self.window - (now - failures[0]))
        return int(longest) + (1 if longest else 0)

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._failures[key].append(now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
