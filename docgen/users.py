"""The people who may use a workspace through the web interface, with their roles.

Kept in web/users.yaml inside the workspace: a login name, a display name (what a decision's `by`
records), a role, and an Argon2id hash of the password (argon2-cffi: the OWASP-recommended scheme, with
its own salt and parameters in the hash string, so parameters can be raised later without a migration).
The file is written whole and atomically, readable by its owner only.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum

import yaml
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from pydantic import BaseModel, ConfigDict, ValidationError

from archive import write_all_atomically, writer_lock
from docgen.datafiles import load_written_yaml
from docgen.errors import BadInputError
from docgen.workspace import Workspace

USERS_FILE = "users.yaml"
MIN_PASSWORD = 10
_NAME = re.compile(r"^[\w.\-]{2,32}$")  # login names: letters (Chinese too), digits, . _ -
_hasher = PasswordHasher()


class Role(StrEnum):
    clerk = "clerk"  # 经办: runs the year's steps, makes the documents
    reviewer = "reviewer"  # 审核: searches and checks evidence, writes review notes
    archivist = "archivist"  # 档案: verifies, seals, unseals and exports years
    admin = "admin"  # all of the above


ROLE_NAMES = {Role.clerk: "经办人员", Role.reviewer: "审核人员", Role.archivist: "档案管理员", Role.admin: "管理员"}


class User(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    full_name: str = ""
    role: Role
    password_hash: str

    @property
    def signs_as(self) -> str:
        """What a decision made by this user records as `by`."""
        return self.full_name or self.name


class _UsersFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    users: list[User] = []


def load_users(workspace: Workspace) -> dict[str, User]:
    path = workspace.web_dir / USERS_FILE
    if not path.is_file():
        return {}
    try:
        data = load_written_yaml(path.read_text(encoding="utf-8")) or {}
        return {u.name: u for u in _UsersFile.model_validate(data).users}
    except (yaml.YAMLError, ValidationError, UnicodeDecodeError) as exc:
        raise BadInputError(f"{path}: not a users file docgen wrote ({type(exc).__name__})") from None


@contextmanager
def _changing(workspace: Workspace) -> Iterator[dict[str, User]]:
    """The users, to change, saved on leaving without an error: one change at a time across processes."""
    with writer_lock(workspace.web_dir):
        users = load_users(workspace)
        yield users
        _save(workspace, users)


def _save(workspace: Workspace, users: dict[str, User]) -> None:
    path = workspace.web_dir / USERS_FILE
    body = _UsersFile(users=sorted(users.values(), key=lambda u: u.name)).model_dump(mode="json")
    write_all_atomically([(path, yaml.safe_dump(body, allow_unicode=True, sort_keys=False).encode())])
    path.chmod(0o600)


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def add_user(workspace: Workspace, name: str, role: Role | str, password: str, full_name: str = "") -> User:
    """Add a user (refused if the name is taken); the password is stored only as its hash."""
    if not _NAME.match(name):
        raise BadInputError(f"NAME {name!r}: 2 to 32 letters, digits, '.', '_' or '-'")
    try:
        role = Role(role)
    except ValueError:
        raise BadInputError(f"--role {role}: one of {', '.join(r.value for r in Role)}") from None
    _check_password(password)
    with _changing(workspace) as users:
        if name in users:
            raise BadInputError(f"NAME {name}: already a user ('docgen user passwd' changes a password)")
        user = User(name=name, full_name=full_name.strip(), role=role, password_hash=_hasher.hash(password))
        users[name] = user
    return user


def set_password(workspace: Workspace, name: str, password: str) -> None:
    _check_password(password)
    with _changing(workspace) as users:
        if name not in users:
            raise BadInputError(f"NAME {name}: no such user")
        users[name] = users[name].model_copy(update={"password_hash": _hasher.hash(password)})


def remove_user(workspace: Workspace, name: str) -> None:
    with _changing(workspace) as users:
        if users.pop(name, None) is None:
            raise BadInputError(f"NAME {name}: no such user")


def authenticate(workspace: Workspace, name: str, password: str) -> User | None:
    """The user when the password is theirs; None otherwise (the same answer for an unknown name)."""
    user = load_users(workspace).get(name)
    if user is None:
        _hasher.hash(password)  # the same work either way: timing does not tell which names exist
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return user


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise BadInputError(f"password: at least {MIN_PASSWORD} characters")
