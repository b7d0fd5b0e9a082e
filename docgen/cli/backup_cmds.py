"""`docgen backup` and `docgen restore`: the whole workspace in one file, and back (see docgen.backup)."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.backup import Progress, backup_workspace, restore_workspace
from docgen.cli import State, cli, pass_state
from docgen.cli.common import echo_check, echo_waiting, workspace_of
from docgen.errors import CheckFailed

MB = 1024 * 1024


def echo_progress(p: Progress) -> None:
    files = f"{p.files}/{p.total_files}" if p.total_files else f"{p.files}"
    size = f"{p.bytes / MB:,.0f}/{p.total_bytes / MB:,.0f}" if p.total_bytes else f"{p.bytes / MB:,.0f}"
    click.echo(f"{p.doing} {files} files, {size} MB", err=True)


@cli.command("backup")
@click.argument("dest", type=click.Path(path_type=Path))
@pass_state
def backup_cmd(state: State, dest: Path) -> None:
    """Save the whole workspace in one file, DEST: a tar with every file's SHA-256.

    It may run while the server and others work: steps and ingests wait until it is done (and it
    waits for one that is running, saying for whom), searching and reading pages go on. DEST may be
    a folder: the file is then named after the workspace and the time. The file is written under a
    temporary name beside DEST and takes its name when complete; a DEST inside the workspace, or one
    that exists, is refused. Left out: lock files, half-written files, and the web interface's
    uploads, page pictures, login counts and session key (users log in again after a restore). It
    holds the users' password hashes: keep it as safely as the workspace. Not compressed: the
    evidence in it is compressed already.

    \b
    Examples:
      docgen backup /media/usb/ks2021-2024-06-30.tar
      docgen -w /srv/docgen/ks2021 backup /media/usb/
    """
    workspace = workspace_of(state)
    done = backup_workspace(workspace, dest, on_wait=echo_waiting, progress=echo_progress)
    click.echo(
        f"backed up {done.workspace} to {done.path}: {done.files} files in {done.folders} folders, "
        f"{done.bytes / MB:,.1f} MB, in {done.seconds:.0f} s; 'docgen restore {done.path} DIR' makes it again"
    )


@cli.command("restore")
@click.argument("backup", metavar="BACKUP", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
def restore_cmd(backup: Path, folder: Path) -> None:
    """Make a workspace again, in DIR, from a file 'docgen backup' wrote.

    Every member is checked against the backup's manifest (SHA-256 and size) before anything is
    written. DIR must not exist, or be empty. A damaged, cut-short or altered backup, or one holding
    links, devices or paths that lead out of DIR, is refused naming the file and the first bad
    member, and nothing is left on disk. The files are written into a hidden folder beside DIR that
    takes DIR's name when complete. Then the workspace is checked as 'docgen verify' does, and its
    search index against its archive: exit 1 if either finds a problem (the files stay, to look at).

    \b
    Example:
      docgen restore /media/usb/ks2021-2024-06-30.tar /srv/docgen/ks2021
    """
    done = restore_workspace(backup, folder, progress=echo_progress)
    click.echo(
        f"restored {done.backup} (made {done.created} by docgen {done.made_by}) into {done.root}: "
        f"{done.files} files, {done.bytes / MB:,.1f} MB, in {done.seconds:.0f} s"
    )
    if done.check is not None:
        echo_check(done.check)
    for key in done.index_missing:
        click.echo(f"not indexed: {key}")
    for key in done.index_extra:
        click.echo(f"not in the archive: {key}")
    if done.problem:
        click.echo(done.problem)
    elif done.index_missing or done.index_extra:
        click.echo(
            f"search index: {len(done.index_missing)} pages not indexed, {len(done.index_extra)} entries "
            "without a page; 'docgen index rebuild' makes it again from the archive"
        )
    else:
        click.echo("search index: matches the archive")
    if not done.ok:
        raise CheckFailed()
