"""The `docgen` command: a thin click layer over the library.

This package is the only place that knows about exit codes and terminal output. The libraries'
errors (docgen's `DocgenError`, the archive's `ArchiveError`, the index's `SearchError`) become one
line on stderr and their exit code; anything else is a bug: one line, exit 70, traceback with -v.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from archive import ArchiveError
from docgen import __version__
from docgen.errors import DocgenError, ExitCode
from docgen.workspace import ENV_VAR, Workspace, find_workspace
from index import SearchError


class DocgenGroup(click.Group):
    """A group whose commands report user errors as one line and an exit code."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Click's own usage errors, as one line too (click prints a usage block)."""
        try:
            result = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            click.echo(f"docgen: error: {exc.format_message()}{hint}", err=True)
            sys.exit(ExitCode.bad_input)
        except click.ClickException as exc:
            click.echo(f"docgen: error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("docgen: interrupted", err=True)
            sys.exit(ExitCode.interrupted)
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        verbose = bool(ctx.find_root().params.get("verbose"))
        try:
            return super().invoke(ctx)
        except (DocgenError, ArchiveError, SearchError) as exc:
            if verbose:
                traceback.print_exc()
            if exc.message:
                click.echo(f"docgen: error: {exc.message}", err=True)
            ctx.exit(exit_code_of(exc))
        except KeyboardInterrupt:
            click.echo("docgen: interrupted", err=True)
            ctx.exit(ExitCode.interrupted)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            if verbose:
                traceback.print_exc()
            where = ctx.invoked_subcommand or ctx.info_name
            click.echo(
                f"docgen: internal error in '{where}': {type(exc).__name__}: {exc}; "
                "this is a bug: run the command again with -v and report what it prints",
                err=True,
            )
            ctx.exit(ExitCode.internal_error)


def exit_code_of(exc: DocgenError | ArchiveError | SearchError) -> ExitCode:
    """The exit code of a library error: docgen's carry theirs, the archive's and the index's a kind."""
    if isinstance(exc, DocgenError):
        return exc.exit_code
    return ExitCode[exc.kind]


class State:
    """What the root command resolved, handed to subcommands."""

    def __init__(self, workspace_option: Path | None) -> None:
        self._workspace_option = workspace_option
        self._workspace: Workspace | None = None
        self._looked = False

    @property
    def workspace(self) -> Workspace | None:
        if not self._looked:
            self._workspace = find_workspace(self._workspace_option)
            self._looked = True
        return self._workspace


pass_state = click.make_pass_decorator(State)


@click.group(cls=DocgenGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--workspace",
    "-w",
    type=click.Path(file_okay=False, path_type=Path),
    help=f"Workspace folder. Default: ${ENV_VAR}, else the nearest folder upwards holding docgen.yaml.",
)
@click.option("--verbose", "-v", is_flag=True, help="Show tracebacks and more detail.")
@click.version_option(__version__, prog_name="docgen")
@click.pass_context
def cli(ctx: click.Context, workspace: Path | None, verbose: bool) -> None:
    """Documents and evidence for high-skill talent public training bases (高技能人才公共实训基地).

    Run a programme's year as steps (open, receive, preliminary, expert, publicise, objection,
    confirm, assess, revoke), each recording its decision and writing its documents; check
    applications; archive and search scanned evidence; cross-check claims against it.
    Exit codes: 0 ok, 1 a check failed, 2 bad input, 3 a program is missing, 4 a program failed,
    70 a bug in docgen (run again with -v and report it).

    \b
    Examples:
      docgen init ks2021 --policy kunshan-2021 && cd ks2021 && docgen open
      docgen status
      docgen check examples/kunshan/applicant-pass.yaml --policy kunshan-2021
      docgen review applicants/2021/91320583MA1KJ88011.yaml
    """
    ctx.obj = State(workspace)


def main() -> None:
    cli(prog_name="docgen")


# Subcommands register themselves on `cli` when imported.
from docgen.cli import (  # noqa: E402
    applicant_cmds,
    archive_cmds,
    backup_cmds,
    cycle_cmds,
    document_cmds,
    policy_cmds,
    review_cmds,
    rule_cmds,
    search_cmds,
    serve_cmds,
    user_cmds,
    workspace_cmds,
)

__all__ = [
    "applicant_cmds",
    "archive_cmds",
    "backup_cmds",
    "cli",
    "cycle_cmds",
    "document_cmds",
    "main",
    "pass_state",
    "policy_cmds",
    "review_cmds",
    "rule_cmds",
    "search_cmds",
    "serve_cmds",
    "user_cmds",
    "workspace_cmds",
]
