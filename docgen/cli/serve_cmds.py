"""`docgen serve`: the web interface for clerks, reviewers and archivists."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.cli import State, cli, pass_state
from docgen.cli.common import workspace_of
from docgen.errors import BadInputError
from docgen.users import load_users
from docgen.workspace import open_workspace


@cli.command("serve")
@click.argument("workspaces", nargs=-1, type=click.Path(file_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: the office LAN).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option(
    "--workers",
    type=click.IntRange(1, 16),
    help="Worker processes (each uses a core). Default: the number of cores, at most 4.",
)
@pass_state
def serve_cmd(state: State, workspaces: tuple[Path, ...], host: str, port: int, workers: int | None) -> None:
    """Start the web interface (Chinese) for one or more workspaces; everyone logs in.

    Without WORKSPACES: the current workspace. Users are added with 'docgen user add'.
    Plain HTTP: on an office network, put it behind the bureau's HTTPS proxy.

    \b
    Examples:
      docgen serve
      docgen serve demo/kunshan-2021 demo/hangzhou-2024 --host 0.0.0.0 --port 8080
    """
    from docgen.web.server import default_workers, serve

    opened = [open_workspace(p) for p in workspaces] if workspaces else [workspace_of(state)]
    for workspace in opened:
        if not load_users(workspace):
            raise BadInputError(
                f"{workspace.root}: no users yet; add one with 'docgen -w {workspace.root} user add NAME --role admin'"
            )
    click.echo(f"docgen web interface on http://{host}:{port}/")
    try:
        serve(opened, host, port, workers or default_workers(), echo=click.echo)
    except OSError as exc:
        raise BadInputError(f"--port {port}: cannot listen on {host}:{port} ({exc.strerror})") from None
