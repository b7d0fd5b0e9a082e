"""`docgen user` and `docgen serve` from the command line: users kept hashed, bad input named."""

from __future__ import annotations

import re
import socket
from pathlib import Path

from click.testing import CliRunner

from docgen.cli import cli
from docgen.users import authenticate, load_users
from docgen.workspace import Workspace, init_workspace
from tests.conftest import assert_one_line_error, run


def user(workspace: Workspace, *args: str, password: str | None = None) -> object:
    return CliRunner().invoke(
        cli, ["-w", str(workspace.root), "user", *args], input=password, prog_name="docgen", catch_exceptions=False
    )


def test_add_list_passwd_remove(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws", "kunshan-2021")
    added = user(
        ws, "add", "hanrui", "--role", "clerk", "--full-name", "韩睿", "--password-stdin", password="a-long-password\n"
    )
    assert added.exit_code == 0, added.output  # type: ignore[attr-defined]
    assert "signs as 韩睿" in added.output  # type: ignore[attr-defined]
    assert authenticate(ws, "hanrui", "a-long-password") is not None
    assert authenticate(ws, "hanrui", "a-long-passwor") is None
    assert authenticate(ws, "nobody", "a-long-password") is None
    listed = user(ws, "list")
    assert "hanrui\tclerk\t韩睿" in listed.output  # type: ignore[attr-defined]
    made = user(ws, "passwd", "hanrui", "--generate")
    new = re.search(r"password: (\S+)", made.output)  # type: ignore[attr-defined]
    assert new and authenticate(ws, "hanrui", new[1]) is not None
    assert user(ws, "remove", "hanrui").exit_code == 0  # type: ignore[attr-defined]
    assert load_users(ws) == {}


def test_bad_user_input_is_one_line_and_changes_nothing(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws", "kunshan-2021")
    root = str(ws.root)
    assert_one_line_error(run("-w", root, "user", "add", "x1", "--role", "boss", "--generate"), "--role")
    assert_one_line_error(run("-w", root, "user", "add", "../../etc", "--role", "clerk", "--generate"), "NAME")
    short = CliRunner().invoke(
        cli, ["-w", root, "user", "add", "zhou", "--role", "reviewer", "--password-stdin"], input="short\n"
    )
    assert_one_line_error(short, "password: at least 10 characters")
    assert not (ws.web_dir / "users.yaml").exists()
    run("-w", root, "user", "add", "zhou", "--role", "reviewer", "--generate")
    assert_one_line_error(run("-w", root, "user", "add", "zhou", "--role", "clerk", "--generate"), "already a user")
    assert_one_line_error(run("-w", root, "user", "remove", "nobody"), "no such user")
    (ws.web_dir / "users.yaml").write_text("users: [{name: 1}]\n", encoding="utf-8")
    assert_one_line_error(run("-w", root, "user", "list"), "users.yaml")


def test_serve_refuses_a_workspace_without_users_and_a_port_in_use(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws", "kunshan-2021")
    assert_one_line_error(run("serve", str(ws.root)), "no users yet", "user add")
    run("-w", str(ws.root), "user", "add", "admin", "--role", "admin", "--generate")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert_one_line_error(run("serve", str(ws.root), "--port", str(port)), f"--port {port}")
    assert_one_line_error(run("serve", str(tmp_path / "nowhere")), "not a docgen workspace")
