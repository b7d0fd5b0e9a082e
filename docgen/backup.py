"""A whole workspace in one file, and back: `backup_workspace` and `restore_workspace`.

The backup is a plain tar (POSIX pax, UTF-8 names): the workspace's files under `workspace/`, then
`docgen-backup.json`, the manifest: the SHA-256 and size of every file, every folder, the docgen
version and the time. It is not compressed: evidence is PDFs and JPEGs that are compressed already
(gzip saves 3-10 % on sample scans and photos at about 40 MB/s of one core), and a plain tar can be
listed and read with any tar. The manifest comes last, so a backup cut short has none and is refused.

Taken while the server runs: the decisions lock and then the archive's writer lock are held while
the files are read (the order every step takes them in), so steps and ingests wait until it is done
while searching and reading go on. The search index is written by ingests just after they let the
archive go, so it is copied until two listings of its files, before and after, agree.

Left out as transient: lock files, half-written temporaries (`archive/.staging`, `.NAME.*.part`, an
index being rebuilt), and the web interface's uploads (files being received, jobs' results), page
picture cache, failed-login counts and session key (a new one is made on the next start: users log
in again, and a stolen backup signs no login). `web/users.yaml` (password hashes) is kept: keep a
backup as safely as the workspace itself.

A restore checks every member against the manifest before it writes anything, writes into a
temporary folder beside the target and renames it into place, then checks the result as
`docgen verify` does and the search index against the archive.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import lzma
import os
import re
import shutil
import stat
import tarfile
import tempfile
import time
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from archive import INVISIBLE, ArchiveError, writer_lock
from docgen import __version__
from docgen.archiving import WorkspaceCheck, verify_workspace
from docgen.errors import BadInputError, DocgenError
from docgen.evidence import check_index
from docgen.workspace import WORKSPACE_FILE, Workspace, open_workspace
from index import SearchError

MANIFEST = "docgen-backup.json"
PREFIX = "workspace"  # the folder inside the tar that holds the workspace's files
FORMAT = "docgen workspace backup"
FORMAT_VERSION = 1

PROGRESS_FILES = 500  # a progress report every so many files ...
PROGRESS_BYTES = 64 * 1024 * 1024  # ... or so many bytes, whichever comes first
STABLE_TRIES = 5  # copies of the search index before giving up on one that keeps changing
MAX_MEMBER_BYTES = 64 * 1024**3  # no workspace file comes near; a tar header can claim far more
MAX_MANIFEST_BYTES = 256 * 1024 * 1024  # a manifest of a few million files
MAX_MEMBERS = 5_000_000
MAX_NAME_BYTES = 255  # of one path component, as Linux file systems allow

# What a backup leaves out of the web interface's folder, and why.
WEB_TRANSIENT = {
    "uploads": "files being received, and jobs' results (made again by running the job again)",
    "cache": "page pictures, rendered again when shown",
    "secret": "the key that signs logins: made anew on the next start",
    "login-failures.json": "failed logins being counted",
}
SWAP_FILE = "swap.json"  # in archive/.staging/X/: a re-reading's folder exchange to finish, not transient


@dataclass(frozen=True)
class Progress:
    """How far a backup or restore is: files and bytes done, and of how many (0: not known yet)."""

    doing: str  # "backed up", "checked", "restored"
    files: int
    total_files: int
    bytes: int
    total_bytes: int


Reporter = Callable[[Progress], None]
Waiting = Callable[[str], None]


@dataclass(frozen=True)
class BackupResult:
    path: Path
    workspace: Path
    files: int
    folders: int
    bytes: int  # of the files' contents
    seconds: float
    created: str


@dataclass(frozen=True)
class RestoreResult:
    root: Path
    backup: Path
    files: int
    bytes: int
    seconds: float
    created: str  # when the backup was made
    made_by: str  # the docgen version that made it
    check: WorkspaceCheck | None  # what `docgen verify` finds in the restored workspace
    index_missing: list[str] = field(default_factory=list)  # archived pages the index lacks
    index_extra: list[str] = field(default_factory=list)  # index entries without a page
    problem: str = ""  # why a check could not run

    @property
    def ok(self) -> bool:
        return self.check is not None and self.check.ok and not (self.index_missing or self.index_extra or self.problem)


class FileEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)


class Manifest(BaseModel):
    """docgen-backup.json: paths relative to the workspace root, '/' between parts."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["docgen workspace backup"]
    format_version: int
    docgen_version: str
    created: str
    workspace: str  # where it was backed up from
    folders: list[str]
    files: dict[str, FileEntry]


# --- backup ---------------------------------------------------------------------------


def backup_workspace(
    workspace: Workspace, dest: Path, *, on_wait: Waiting | None = None, progress: Reporter | None = None
) -> BackupResult:
    """The whole workspace (but what is transient) as one tar file at `dest`, or, when `dest` is a
    folder, in it named after the workspace and the time. Written to a hidden temporary name beside
    it and renamed when complete; never over an existing file, never into the workspace."""
    dest = _destination(workspace, Path(dest))
    started = time.monotonic()
    created = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    temp = dest.parent / f".{dest.name}.part-{uuid.uuid4().hex[:12]}"
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # it holds the users' password hashes
    except OSError as exc:
        raise BadInputError(f"{dest}: cannot write there ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            with writer_lock(workspace.decisions_dir(), on_wait), writer_lock(workspace.archive_dir, on_wait):
                manifest = _write_tar(workspace, handle, dest.parent, created, progress)
            handle.flush()
            os.fsync(handle.fileno())
        if os.path.lexists(dest):
            raise BadInputError(f"{dest}: appeared while the backup was written; the backup was not kept")
        os.rename(temp, dest)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _sync_folder(dest.parent)
    size = sum(entry.size for entry in manifest.files.values())
    return BackupResult(
        dest, workspace.root, len(manifest.files), len(manifest.folders), size, time.monotonic() - started, created
    )


def _destination(workspace: Workspace, dest: Path) -> Path:
    if dest.is_dir():
        dest = dest / f"{workspace.root.name}-{dt.datetime.now():%Y%m%d-%H%M%S}.tar"
    if not dest.parent.is_dir():
        raise BadInputError(f"{dest}: the folder {dest.parent} does not exist")
    if (dest.parent.resolve() / dest.name).is_relative_to(workspace.root):
        raise BadInputError(
            f"{dest}: inside the workspace {workspace.root}; write the backup outside it (best on another disk)"
        )
    if os.path.lexists(dest):
        raise BadInputError(f"{dest}: already exists; give a new name (a backup never replaces a file)")
    return dest


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems (USB sticks' FAT among them) cannot sync a folder
    finally:
        os.close(fd)


@dataclass(frozen=True)
class _Found:
    parts: tuple[str, ...]
    is_dir: bool
    size: int = 0
    mtime_ns: int = 0
    inode: int = 0

    @property
    def name(self) -> str:
        return "/".join(self.parts)


def _transient(workspace: Workspace, parts: tuple[str, ...], path: Path) -> bool:
    """Whether a path of the workspace is left out of its backup (see the module's notes)."""
    name = parts[-1]
    if name == ".lock" or (parts[:-1] == (workspace.web_dir.name,) and name in WEB_TRANSIENT):
        return True
    index = workspace.index_dir.name
    if len(parts) == 1 and (name.startswith(f".{index}.new-") or name.startswith(f".{index}.old-")):
        return True  # an index being rebuilt, or the old one being let go
    if len(parts) == 1 and name == f".{index}.lock":
        return True  # the index's one-writer lock (index/store.py)
    if parts[0] == index and name.endswith("WRITELOCK"):
        return True  # the index's own writer lock
    if name.startswith(".") and name.endswith(".part"):
        return True  # a file being written whole (archive.write_all_atomically)
    staging = (workspace.archive_dir.name, ".staging")
    if parts == staging:
        return not any((child / SWAP_FILE).is_file() for child in _children(path))
    return parts[:2] == staging and len(parts) == 3 and not (path / SWAP_FILE).is_file()


def _children(folder: Path) -> list[Path]:
    try:
        return [Path(e.path) for e in os.scandir(folder)]
    except OSError:
        return []


def _walk(workspace: Workspace, parts: tuple[str, ...] = (), apart: tuple[str, ...] = ()) -> Iterator[_Found]:
    """Every folder and file below `parts` that a backup holds, in name order, but what is inside the
    folder `apart` (copied on its own); links, devices, pipes and sockets are refused (a backup holds
    only files and folders). What goes away while it is listed is not listed."""
    try:
        with os.scandir(workspace.root.joinpath(*parts)) as found:
            entries = sorted(found, key=lambda e: e.name)
    except FileNotFoundError:
        return
    for entry in entries:
        here = (*parts, entry.name)
        if _transient(workspace, here, Path(entry.path)):
            continue
        if entry.is_symlink():
            raise BadInputError(
                f"{entry.path}: a symbolic link; a backup holds only files and folders: put the file itself "
                "there, or remove the link, and back up again"
            )
        if entry.is_dir(follow_symlinks=False):
            yield _Found(here, True)
            if here != apart:
                yield from _walk(workspace, here, apart)
        elif entry.is_file(follow_symlinks=False):
            try:
                st = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue
            yield _Found(here, False, st.st_size, st.st_mtime_ns, st.st_ino)
        else:
            raise BadInputError(
                f"{entry.path}: not a file or folder (a device, pipe or socket); remove it and back up again"
            )


class _Hashing:
    """A reader that hashes what is read through it."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.sha.update(data)
        return data


class _Changed(Exception):
    """A file changed or went away while it was copied."""


@dataclass(frozen=True)
class _Spooled:
    found: _Found
    mode: int
    offset: int
    sha256: str


class _TarWriter:
    """Members into the tar, each file hashed as it is written, progress every so often."""

    def __init__(self, tar: tarfile.TarFile, total_files: int, total_bytes: int, progress: Reporter | None) -> None:
        self.tar = tar
        self.folders: list[str] = []
        self.files: dict[str, FileEntry] = {}
        self.total_files, self.total_bytes = total_files, total_bytes
        self.progress = progress
        self.done_bytes = 0
        self.reported = (0, 0)

    def folder(self, name: str, mode: int, mtime: float) -> None:
        info = _info(f"{PREFIX}/{name}", tarfile.DIRTYPE, 0, mode, mtime)
        self.tar.addfile(info)
        self.folders.append(name)

    def file(self, name: str, reader: IO[bytes], size: int, mode: int, mtime: float) -> str:
        hashing = _Hashing(reader)
        self.tar.addfile(_info(f"{PREFIX}/{name}", tarfile.REGTYPE, size, mode, mtime), cast(IO[bytes], hashing))
        digest = hashing.sha.hexdigest()
        self.files[name] = FileEntry(sha256=digest, size=size)
        self.done_bytes += size
        self._report()
        return digest

    def _report(self) -> None:
        files, size = len(self.files), self.done_bytes
        if self.progress and (files - self.reported[0] >= PROGRESS_FILES or size - self.reported[1] >= PROGRESS_BYTES):
            self.reported = (files, size)
            self.progress(Progress("backed up", files, self.total_files, size, self.total_bytes))


def _info(name: str, kind: bytes, size: int, mode: int, mtime: float) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.size, info.mode, info.mtime = kind, size, stat.S_IMODE(mode), mtime
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def _write_tar(
    workspace: Workspace, handle: IO[bytes], spool_dir: Path, created: str, progress: Reporter | None
) -> Manifest:
    index = (workspace.index_dir.name,)
    found = list(_walk(workspace, apart=index))  # the index itself listed, as a folder, if it is one
    with tempfile.TemporaryFile(dir=spool_dir) as spool:
        indexed = _stable_copy(workspace, index, spool) if _Found(index, True) in found else []
        files = [f for f in found if not f.is_dir] + [s.found for s in indexed if not s.found.is_dir]
        with tarfile.open(fileobj=handle, mode="w", format=tarfile.PAX_FORMAT, encoding="utf-8") as tar:
            writer = _TarWriter(tar, len(files), sum(f.size for f in files), progress)
            for item in found:
                path = workspace.root.joinpath(*item.parts)
                try:
                    if item.is_dir:
                        st = path.stat()
                        writer.folder(item.name, st.st_mode, st.st_mtime)
                        continue
                    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
                except FileNotFoundError:
                    continue  # deleted since it was listed (never under the locks held: a web file)
                with os.fdopen(fd, "rb") as source:
                    st = os.fstat(source.fileno())
                    writer.file(item.name, source, st.st_size, st.st_mode, st.st_mtime)
            for spooled in indexed:
                item = spooled.found
                if item.is_dir:
                    writer.folder(item.name, spooled.mode, item.mtime_ns / 1e9)
                    continue
                spool.seek(spooled.offset)
                digest = writer.file(item.name, spool, item.size, spooled.mode, item.mtime_ns / 1e9)
                if digest != spooled.sha256:
                    raise OSError(f"the copy of {item.name} changed in the temporary file beside the backup")
            manifest = Manifest(
                format=FORMAT,
                format_version=FORMAT_VERSION,
                docgen_version=__version__,
                created=created,
                workspace=str(workspace.root),
                folders=writer.folders,
                files=writer.files,
            )
            body = json.dumps(manifest.model_dump(), ensure_ascii=False, indent=1).encode("utf-8")
            tar.addfile(_info(MANIFEST, tarfile.REGTYPE, len(body), 0o644, time.time()), io.BytesIO(body))
    return manifest


def _stable_copy(workspace: Workspace, top: tuple[str, ...], spool: IO[bytes]) -> list[_Spooled]:
    """The files below `top` copied into `spool` as they were at one moment: copied again until the
    listings (names, sizes, times, inodes) before and after the copy agree. For a folder whose
    writer adds files and replaces others by renaming (the search index), that is a consistent copy."""
    for _ in range(STABLE_TRIES):
        spool.seek(0)
        spool.truncate()
        try:
            before = list(_walk(workspace, top))
            copied = [_spool_one(workspace, item, spool) for item in before]
            if list(_walk(workspace, top)) == before:
                return copied
        except (_Changed, FileNotFoundError):
            pass
        time.sleep(0.2)
    raise BadInputError(
        f"{workspace.root.joinpath(*top)}: kept changing while it was copied ({STABLE_TRIES} tries); "
        "back up again when no ingest is running"
    )


def _spool_one(workspace: Workspace, item: _Found, spool: IO[bytes]) -> _Spooled:
    path = workspace.root.joinpath(*item.parts)
    if item.is_dir:
        return _Spooled(item, path.stat().st_mode, 0, "")
    offset = spool.tell()
    with open(os.open(path, os.O_RDONLY | os.O_NOFOLLOW), "rb") as source:
        st = os.fstat(source.fileno())
        if (st.st_size, st.st_mtime_ns, st.st_ino) != (item.size, item.mtime_ns, item.inode):
            raise _Changed(item.name)
        sha = hashlib.sha256()
        left = item.size
        while left:
            chunk = source.read(min(left, 1024 * 1024))
            if not chunk:
                raise _Changed(item.name)
            sha.update(chunk)
            spool.write(chunk)
            left -= len(chunk)
    return _Spooled(item, st.st_mode, offset, sha.hexdigest())


# --- restore --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Member:
    parts: tuple[str, ...]  # below the workspace root
    is_dir: bool
    size: int
    mode: int
    mtime: float
    sha256: str = ""

    @property
    def name(self) -> str:
        return "/".join(self.parts)


def restore_workspace(backup: Path, target_dir: Path, *, progress: Reporter | None = None) -> RestoreResult:
    """The workspace saved in `backup` made again in `target_dir` (which must not exist, or be empty),
    every member checked against the manifest first; then the result checked as `docgen verify` does."""
    backup, target = Path(backup), Path(target_dir)
    if not backup.is_file():
        raise BadInputError(f"{backup}: no such file")
    _check_target(target)
    started = time.monotonic()
    free = shutil.disk_usage(target.parent).free
    manifest, members = _check_backup(backup, target, free, progress)
    temp = target.parent / f".{target.name}.restoring-{uuid.uuid4().hex[:12]}"
    try:
        temp.mkdir()
        _extract(backup, manifest, members, temp, progress)
        os.sync()  # once, not a sync per file: on disk before it takes the target's name
        _check_target(target)
        try:
            os.rename(temp, target)  # onto an empty folder too: POSIX rename replaces it
        except OSError as exc:
            raise BadInputError(f"{target}: could not be put in place ({exc.strerror}); nothing was restored") from None
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    _sync_folder(target.parent)
    size = sum(m.size for m in members if not m.is_dir)
    result = RestoreResult(
        target.resolve(),
        backup,
        len(manifest.files),
        size,
        time.monotonic() - started,
        manifest.created,
        manifest.docgen_version,
        None,
    )
    return _checked(result)


def _check_target(target: Path) -> None:
    if os.path.lexists(target):
        if target.is_symlink() or not target.is_dir():
            raise BadInputError(f"{target}: exists and is not a folder; restore into a new or empty folder")
        if any(target.iterdir()):
            raise BadInputError(f"{target}: not empty; restore into a new or empty folder")
    if not target.parent.is_dir():
        raise BadInputError(f"{target}: the folder {target.parent} does not exist")


def _checked(result: RestoreResult) -> RestoreResult:
    """The restored workspace checked as `docgen verify` does, and its search index against its archive."""
    try:
        workspace = open_workspace(result.root)
        check = verify_workspace(workspace)
    except (DocgenError, ArchiveError) as exc:
        return _replace(result, problem=f"docgen verify could not run: {exc}")
    try:
        missing, extra = check_index(workspace)
    except (SearchError, DocgenError, ArchiveError) as exc:
        return _replace(result, check=check, problem=f"search index: {exc}")
    return _replace(result, check=check, index_missing=missing, index_extra=extra)


def _replace(result: RestoreResult, **changes: Any) -> RestoreResult:
    return dataclasses.replace(result, **changes)


class _Refused(Exception):
    """A member that is not restored, whatever the manifest says."""


def _shown(name: str) -> str:
    """A member's name as it may be printed: invisible and control characters escaped."""
    return re.sub(f"[{INVISIBLE}]", lambda m: f"\\u{ord(m.group()):04x}", name)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _refuse(backup: Path, name: str, what: str) -> BadInputError:
    return BadInputError(f"{backup}: {_shown(name)}: {what}; nothing was restored")


def _parts_of(member: tarfile.TarInfo) -> tuple[str, ...]:
    """The member's path below the workspace root (() for the manifest), or _Refused saying why not."""
    name = member.name
    if name == MANIFEST:
        if not member.isreg():
            raise _Refused("the manifest is not a plain file")
        return ()
    if name.startswith("/"):
        raise _Refused("an absolute path")
    parts = tuple(name.split("/"))
    if ".." in parts:
        raise _Refused("a path with '..', leading out of the folder restored into")
    if parts[0] != PREFIX or len(parts) < 2 or any(p in ("", ".") for p in parts):
        raise _Refused(f"not a path inside the backup's {PREFIX}/ folder")
    if any(len(p.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES for p in parts) or "\x00" in name:
        raise _Refused("a name no file system takes")
    if member.issym():
        raise _Refused("a symbolic link (a backup holds only files and folders)")
    if member.islnk():
        raise _Refused("a hard link (a backup holds only files and folders)")
    if member.ischr() or member.isblk():
        raise _Refused("a device (a backup holds only files and folders)")
    if member.isfifo():
        raise _Refused("a pipe (a backup holds only files and folders)")
    if member.issparse() or not (member.isreg() or member.isdir()):
        raise _Refused("not a plain file or folder")
    if member.size > MAX_MEMBER_BYTES:
        raise _Refused(f"claims {member.size:,} bytes, more than any workspace file")
    return parts[1:]


TAR_ERRORS = (tarfile.TarError, EOFError, OSError, zlib.error, lzma.LZMAError, ValueError)


def _check_backup(backup: Path, target: Path, free: int, progress: Reporter | None) -> tuple[Manifest, list[_Member]]:
    """Read the whole backup once: every member's name and type, every file's SHA-256, the manifest;
    and check them against each other. Nothing is written."""
    members: list[_Member] = []
    seen: set[str] = set()
    manifest_data: bytes | None = None
    current = ""
    total = 0
    reported = (0, 0)
    try:
        with tarfile.open(backup, "r:*", encoding="utf-8") as tar:
            for member in tar:
                current = member.name
                if len(seen) >= MAX_MEMBERS:
                    raise _refuse(backup, current, f"more than {MAX_MEMBERS:,} members, more than a workspace has")
                if current in seen:
                    raise _refuse(backup, current, "appears twice")
                seen.add(current)
                try:
                    parts = _parts_of(member)
                except _Refused as exc:
                    raise _refuse(backup, current, str(exc)) from None
                if not parts:
                    if member.size > MAX_MANIFEST_BYTES:
                        raise _refuse(backup, current, "a manifest far larger than any workspace needs")
                    manifest_data = _read_all(tar, member)
                    continue
                total += member.size
                if total > free:
                    raise BadInputError(
                        f"{backup}: holds more than the {free / 2**20:,.0f} MB free at {target.parent}; "
                        "nothing was restored"
                    )
                digest = "" if member.isdir() else _sha256_of(tar, member)
                members.append(_Member(parts, member.isdir(), member.size, member.mode, member.mtime, digest))
                if progress and (len(members) - reported[0] >= PROGRESS_FILES or total - reported[1] >= PROGRESS_BYTES):
                    reported = (len(members), total)
                    progress(Progress("checked", len(members), 0, total, 0))
    except TAR_ERRORS as exc:
        if not current:
            raise BadInputError(f"{backup}: not a docgen backup (not a tar file, or damaged at its start)") from None
        raise _refuse(backup, current, f"damaged or cut short while reading it ({_one_line(exc)})") from None
    if manifest_data is None:
        if not members:
            raise BadInputError(f"{backup}: not a docgen backup (no {MANIFEST} and no workspace files)")
        raise _refuse(
            backup,
            f"{PREFIX}/{members[-1].name}",
            f"cut short after it: the manifest {MANIFEST} that ends a backup is missing",
        )
    manifest = _manifest(backup, manifest_data)
    folders = set(manifest.folders)
    for m in members:
        name = f"{PREFIX}/{m.name}"
        if m.is_dir:
            if m.name not in folders:
                raise _refuse(backup, name, "a folder the manifest does not list")
            continue
        entry = manifest.files.get(m.name)
        if entry is None:
            raise _refuse(backup, name, "a file the manifest does not list")
        if entry.sha256 != m.sha256 or entry.size != m.size:
            raise _refuse(backup, name, "its SHA-256 does not match the manifest's (altered or damaged)")
    have = {m.name for m in members}
    lacking = sorted((set(manifest.files) | folders) - have)
    if lacking:
        raise _refuse(backup, f"{PREFIX}/{lacking[0]}", "in the manifest but not in the backup (cut short or damaged)")
    if WORKSPACE_FILE not in manifest.files:
        raise BadInputError(f"{backup}: not a workspace backup (it has no {WORKSPACE_FILE}); nothing was restored")
    return manifest, members


def _read_all(tar: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    reader = tar.extractfile(member)
    if reader is None:
        raise tarfile.ReadError("not a file")
    data = reader.read()
    if len(data) != member.size:
        raise tarfile.ReadError("unexpected end of data")
    return data


def _sha256_of(tar: tarfile.TarFile, member: tarfile.TarInfo) -> str:
    reader = tar.extractfile(member)
    if reader is None:
        raise tarfile.ReadError("not a file")
    sha = hashlib.sha256()
    read = 0
    while chunk := reader.read(1024 * 1024):
        sha.update(chunk)
        read += len(chunk)
    if read != member.size:
        raise tarfile.ReadError("unexpected end of data")
    return sha.hexdigest()


def _manifest(backup: Path, data: bytes) -> Manifest:
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _refuse(backup, MANIFEST, f"not readable JSON ({_one_line(exc)})") from None
    if isinstance(raw, dict) and isinstance(raw.get("format_version"), int) and raw["format_version"] > FORMAT_VERSION:
        raise BadInputError(
            f"{backup}: made by a newer docgen ({raw.get('docgen_version')}, backup format "
            f"{raw['format_version']}); restore it with that version or later"
        )
    try:
        manifest = Manifest.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise _refuse(backup, MANIFEST, f"not a docgen backup manifest ({where}: {first['msg']})") from None
    return manifest


def _extract(backup: Path, manifest: Manifest, members: list[_Member], temp: Path, progress: Reporter | None) -> None:
    """Write the checked members into `temp`, hashing again as they are written (the backup must not
    change between the check and the writing); folders get their modes and times last."""
    wanted = {m.name: m for m in members}
    total_bytes = sum(m.size for m in members if not m.is_dir)
    files = size = 0
    reported = (0, 0)
    try:
        with tarfile.open(backup, "r:*", encoding="utf-8") as tar:
            for member in tar:
                if member.name == MANIFEST:
                    continue
                parts = _parts_of(member)
                item = wanted.get("/".join(parts))
                if item is None or item.is_dir != member.isdir():
                    raise _refuse(backup, member.name, "changed while it was restored")
                path = temp.joinpath(*parts)
                if item.is_dir:
                    path.mkdir(parents=True, exist_ok=True)
                    continue
                path.parent.mkdir(parents=True, exist_ok=True)
                if _write_member(tar, member, path) != manifest.files[item.name].sha256:
                    raise _refuse(backup, member.name, "changed while it was restored")
                os.chmod(path, stat.S_IMODE(item.mode) | stat.S_IRUSR)
                os.utime(path, (item.mtime, item.mtime))
                files += 1
                size += item.size
                if progress and (files - reported[0] >= PROGRESS_FILES or size - reported[1] >= PROGRESS_BYTES):
                    reported = (files, size)
                    progress(Progress("restored", files, len(manifest.files), size, total_bytes))
    except (_Refused, *TAR_ERRORS) as exc:
        raise BadInputError(
            f"{backup}: could not be restored into {temp.parent} ({_one_line(exc)}); nothing was restored"
        ) from None
    for m in sorted((m for m in members if m.is_dir), key=lambda m: len(m.parts), reverse=True):
        path = temp.joinpath(*m.parts)
        os.chmod(path, stat.S_IMODE(m.mode) | stat.S_IRWXU)
        os.utime(path, (m.mtime, m.mtime))


def _write_member(tar: tarfile.TarFile, member: tarfile.TarInfo, path: Path) -> str:
    reader = tar.extractfile(member)
    if reader is None:
        raise tarfile.ReadError("not a file")
    sha = hashlib.sha256()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "wb") as out:
        while chunk := reader.read(1024 * 1024):
            sha.update(chunk)
            out.write(chunk)
    return sha.hexdigest()
