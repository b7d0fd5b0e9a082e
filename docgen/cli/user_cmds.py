"""`docgen user`: who may log in to the web interface of a workspace, and with which role."""

from __future__ import annotations

import sys

import click

from docgen import users
from docgen.cli import State, cli, pass_state
from docgen.cli.common import workspace_of


@cli.group("user")
def user_group() -> None:
    """The web interface's users and their roles (kept hashed in web/users.yaml of the workspace).

    \b
    Roles:
      clerk      经办: runs the year's steps and makes the documents
      reviewer   审核: searches and checks the evidence, writes review notes
      archivist  档案: verifies, seals, unseals and exports years
      admin      all of these
    \b
    Examples:
      docgen user add hanrui --role clerk --full-name 韩睿
      docgen user list
    """


def _password(generate: bool, from_stdin: bool) -> tuple[str, bool]:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n"), False
    if generate:
        return users.generate_password(), True
    return click.prompt("password", hide_input=True, confirmation_prompt=True), False


@user_group.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice([r.value for r in users.Role]), help="What the user may do.")
@click.option("--full-name", default="", help="The name decisions record as made by this user (default: NAME).")
@click.option("--generate", is_flag=True, help="Make up a password and print it once (else it is asked for).")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@pass_state
def user_add_cmd(state: State, name: str, role: str, full_name: str, generate: bool, password_stdin: bool) -> None:
    """Add a user who may log in to the web interface ('docgen serve').

    \b
    Examples:
      docgen user add hanrui --role clerk --full-name 韩睿
      docgen user add zhouli --role reviewer --generate
    """
    workspace = workspace_of(state)
    password, made_up = _password(generate, password_stdin)
    user = users.add_user(workspace, name, role, password, full_name)
    click.echo(f"added {user.name} ({user.role.value}, signs as {user.signs_as})")
    if made_up:
        click.echo(f"password: {password}   (shown once: pass it on, it is stored only as a hash)")


@user_group.command("passwd")
@click.argument("name")
@click.option("--generate", is_flag=True, help="Make up a password and print it once.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@pass_state
def user_passwd_cmd(state: State, name: str, generate: bool, password_stdin: bool) -> None:
    """Set a user's password (asked twice, or made up and shown once with --generate).

    \b
    Example:
      docgen user passwd zhouli --generate
    """
    workspace = workspace_of(state)
    password, made_up = _password(generate, password_stdin)
    users.set_password(workspace, name, password)
    click.echo(f"password of {name} changed")
    if made_up:
        click.echo(f"password: {password}")


@user_group.command("remove")
@click.argument("name")
@pass_state
def user_remove_cmd(state: State, name: str) -> None:
    """Remove a user: they can no longer log in (decisions they recorded keep their name).

    \b
    Example:
      docgen user remove zhouli
    """
    users.remove_user(workspace_of(state), name)
    click.echo(f"removed {name}")


@user_group.command("list")
@pass_state
def user_list_cmd(state: State) -> None:
    """The users, their roles and the names their decisions are recorded under.

    \b
    Example:
      docgen user list
    """
    for user in users.load_users(workspace_of(state)).values():
        click.echo(f"{user.name}\t{user.role.value}\t{user.signs_as}")
