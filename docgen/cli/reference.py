"""The CLI reference (docs/cli.md), made from the commands' own --help so that it never drifts.

    .venv/bin/python -m docgen.cli.reference > docs/cli.md

A test compares the file with what this prints; after changing a command, run the line above.
"""

from __future__ import annotations

import click

from docgen.cli import cli


def _commands(group: click.Group, ctx: click.Context) -> list[tuple[click.Context, click.Command]]:
    found = []
    for name in sorted(group.list_commands(ctx)):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        sub = command.make_context(name, [], parent=ctx, resilient_parsing=True, terminal_width=100)
        found.append((sub, command))
        if isinstance(command, click.Group):
            found += _commands(command, sub)
    return found


def reference() -> str:
    root = cli.make_context("docgen", [], resilient_parsing=True, terminal_width=100)
    parts = [
        "# docgen command reference\n",
        "Made from each command's `--help` by `python -m docgen.cli.reference > docs/cli.md`; "
        "a test fails when this file and the commands disagree.\n",
        f"## docgen\n\n```\n{cli.get_help(root)}\n```\n",
    ]
    for ctx, command in _commands(cli, root):
        parts.append(f"## {ctx.command_path}\n\n```\n{command.get_help(ctx)}\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    click.echo(reference(), nl=False)
