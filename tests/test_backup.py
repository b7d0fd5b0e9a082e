"""docgen backup and docgen restore: a workspace with archived evidence (born-digital PDFs: no OCR
needed) backed up, restored elsewhere, verified clean and searched with the same answers; a backup
that waits for a writer; damaged and hostile backups refused in one line with nothing left on disk."""

from __future__ import annotations

import gzip
import io
import json
import os
import stat
import subprocess
import sys
import tarfile
import time
import uuid
from pathlib import Path

import pytest

from archive import lock_holder
from docgen import backup
from docgen.samples.scans import text_pdf_page
from docgen.users import add_user
from docgen.workspace import open_workspace
from tests.conftest import EXAMPLES, REPO, assert_one_line_error, ok, run

LEFT_OUT = ("web/cache/pages/0a1b/0001.jpg", "web/uploads/20240101-job/scan.pdf", "web/secret", "archive/.staging/x/y")


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Kunshan year opened and one application received with two born-digital PDFs archived and
    indexed; a web user; and files a backup leaves out."""
    base = tmp_path_factory.mktemp("backup")
    root = base / "ks"
    ok("init", root, "--policy", "kunshan-2021")
    ok("-w", root, "open")
    evidence = base / "evidence"
    evidence.mkdir()
    (evidence / "equipment.pdf").write_bytes(text_pdf_page(["Equipment list 2021", "VMC850 machining centre x 4"]))
    (evidence / "certificate.pdf").write_bytes(text_pdf_page(["Teacher certificate VMC850", "S000032050000231001"]))
    ok("-w", root, "receive", EXAMPLES / "kunshan" / "applicant-pass.yaml", "-e", f"teacher_certificates={evidence}")
    add_user(open_workspace(root), "hanrui", "clerk", "correct-horse-9", "韩睿")
    for name in LEFT_OUT:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(b"transient")
    return root


@pytest.fixture(scope="module")
def good(ws: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("usb") / "ks.tar"
    ok("-w", ws, "backup", dest)
    return dest


def files_of(root: Path) -> dict[str, bytes]:
    """Every file's bytes, but lock files (made by whoever writes, or checks, next)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.endswith((".lock", "WRITELOCK"))
    }


def hits(root: Path, query: str) -> list[tuple[str, int]]:
    found = json.loads(ok("-w", root, "search", query, "--json"))["hits"]
    return [(h["archival_code"], h["page"]) for h in found]


def test_a_restored_workspace_verifies_and_holds_the_same_files_and_answers(
    ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup, "PROGRESS_FILES", 10)
    dest = tmp_path / "usb" / "ks-backup.tar"
    dest.parent.mkdir()
    made = run("-w", ws, "backup", dest)
    assert made.exit_code == 0, made.stderr
    assert f"to {dest}:" in made.output and "backed up 10/" in made.stderr  # progress, one line per 10 files
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600  # it holds password hashes
    assert sorted(p.name for p in dest.parent.iterdir()) == [dest.name]

    with tarfile.open(dest) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile(backup.MANIFEST).read())  # type: ignore[union-attr]
    assert names[-1] == backup.MANIFEST
    assert manifest["docgen_version"] and manifest["created"] and "decisions/2021/0001-open.yaml" in manifest["files"]
    assert not [n for n in names if n.endswith("/.lock") or "WRITELOCK" in n or ".staging" in n]
    assert not [n for n in LEFT_OUT if f"workspace/{n}" in names]
    assert "workspace/web/users.yaml" in names

    target = tmp_path / "restored" / "ks"
    target.parent.mkdir()
    restored = run("restore", dest, target)
    assert restored.exit_code == 0, (restored.output, restored.stderr)
    assert "decision journal: 0 problems; 2 archived documents: 0 problems" in restored.output
    assert "search index: matches the archive" in restored.output
    assert sorted(p.name for p in target.parent.iterdir()) == ["ks"]  # no temporary folder left beside it
    assert ok("-w", target, "verify").rstrip().endswith("0 problems")

    original, copy = files_of(ws), files_of(target)
    assert copy == {name: data for name, data in original.items() if name not in LEFT_OUT}
    for folder in ("decisions", "applicants", "archive", "index"):
        assert any(name.startswith(f"{folder}/") for name in copy), folder
    decision = "decisions/2021/0001-open.yaml"
    assert stat.S_IMODE((target / decision).stat().st_mode) == stat.S_IMODE((ws / decision).stat().st_mode)

    for query in ("VMC850", "S000032050000231001"):
        assert hits(target, query) == hits(ws, query) != []


def test_a_backup_into_a_folder_is_named_after_the_workspace_and_a_gzipped_one_restores(
    ws: Path, good: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "usb"
    folder.mkdir()
    ok("-w", ws, "backup", folder)
    (made,) = folder.iterdir()
    assert made.name.startswith("ks-") and made.suffix == ".tar"
    zipped = tmp_path / "ks.tar.gz"
    zipped.write_bytes(gzip.compress(good.read_bytes(), compresslevel=1))
    assert "0 problems" in ok("restore", zipped, tmp_path / "from-gzip")


def test_a_backup_waits_for_a_writer_holding_the_archive_then_completes(ws: Path, tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom pathlib import Path\nfrom archive import writer_lock\n"
            "with writer_lock(Path(sys.argv[1])):\n    print('held', flush=True)\n    time.sleep(1.5)",
            str(ws / "archive"),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        said: list[str] = []
        decisions_held_by: list[str | None] = []

        def waiting(message: str) -> None:
            said.append(message)
            decisions_held_by.append(lock_holder(ws / "decisions"))

        started = time.monotonic()
        done = backup.backup_workspace(open_workspace(ws), tmp_path / "ks.tar", on_wait=waiting)
        waited = time.monotonic() - started
    finally:
        holder.wait(timeout=30)
        holder.stdout.close()  # type: ignore[union-attr]
    assert (
        len(said) == 1
        and said[0].startswith(f"waiting for docgen pid {holder.pid} ")
        and str(ws / "archive") in said[0]
    )
    assert (decisions_held_by[0] or "").startswith(f"docgen pid {os.getpid()} ")  # taken first, kept while waiting
    assert waited > 0.5 and done.path.is_file() and done.files > 20
    assert "0 problems" in ok("restore", done.path, tmp_path / "restored")


def test_a_backup_cut_short_by_an_error_leaves_nothing(
    ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup, "PROGRESS_FILES", 3)

    def interrupted(progress: backup.Progress) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        backup.backup_workspace(open_workspace(ws), tmp_path / "ks.tar", progress=interrupted)
    assert list(tmp_path.iterdir()) == []


def test_a_backup_refuses_a_place_inside_the_workspace_and_an_existing_file(ws: Path, good: Path) -> None:
    assert_one_line_error(run("-w", ws, "backup", ws / "output" / "b.tar"), "inside the workspace")
    assert not (ws / "output" / "b.tar").exists()
    before = good.read_bytes()
    assert_one_line_error(run("-w", ws, "backup", good), str(good), "already exists")
    assert good.read_bytes() == before


def _copy_with(good: Path, out: Path, extra: tarfile.TarInfo, data: bytes = b"") -> Path:
    """The good backup with one more member before its manifest."""
    with tarfile.open(good) as source, tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as tar:
        for member in source:
            if member.name != backup.MANIFEST:
                tar.addfile(member, source.extractfile(member) if member.isreg() else None)
        extra.size = len(data)
        tar.addfile(extra, io.BytesIO(data) if extra.isreg() else None)
        manifest = source.getmember(backup.MANIFEST)
        tar.addfile(manifest, source.extractfile(manifest))
    return out


def _member(name: str, kind: bytes = tarfile.REGTYPE, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, link
    return info


EVIL = f"/tmp/docgen-evil-{uuid.uuid4().hex}"
DECISION = "workspace/decisions/2021/0001-open.yaml"


def _truncated(good: Path, out: Path) -> Path:
    out.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    return out


def _tampered(good: Path, out: Path) -> Path:
    with tarfile.open(good) as tar:
        at = tar.getmember(DECISION).offset_data + 20
    data = bytearray(good.read_bytes())
    data[at] ^= 0x01
    out.write_bytes(bytes(data))
    return out


@pytest.mark.parametrize(
    ("damage", "named", "why"),
    [
        (_truncated, "workspace/", "cut short"),
        (_tampered, DECISION, "SHA-256 does not match"),
        (lambda g, o: _copy_with(g, o, _member("../evil"), b"x"), "../evil", "'..'"),
        (lambda g, o: _copy_with(g, o, _member(EVIL), b"x"), EVIL, "absolute path"),
        (lambda g, o: _copy_with(g, o, _member("workspace/link", tarfile.SYMTYPE, "/etc/passwd")), "link", "symbolic"),
        (lambda g, o: _copy_with(g, o, _member("workspace/extra.txt"), b"x"), "workspace/extra.txt", "not list"),
    ],
    ids=["truncated", "tampered", "dotdot", "absolute", "symlink", "unlisted"],
)
def test_a_damaged_or_hostile_backup_is_refused_and_nothing_is_written(
    good: Path, tmp_path: Path, damage: object, named: str, why: str
) -> None:
    bad = damage(good, tmp_path / "bad.tar")  # type: ignore[operator]
    before = sorted(tmp_path.iterdir())
    line = assert_one_line_error(run("restore", bad, tmp_path / "restored"), str(bad), named, why)
    assert "nothing was restored" in line
    assert sorted(tmp_path.iterdir()) == before
    assert not Path(EVIL).exists() and not (tmp_path.parent / "evil").exists()


def test_a_restore_refuses_a_folder_that_is_not_empty(good: Path, tmp_path: Path) -> None:
    target = tmp_path / "ks"
    target.mkdir()
    (target / "notes.txt").write_text("mine", encoding="utf-8")
    assert_one_line_error(run("restore", good, target), str(target), "not empty")
    assert [p.name for p in tmp_path.iterdir()] == ["ks"] and [p.name for p in target.iterdir()] == ["notes.txt"]
    assert_one_line_error(run("restore", tmp_path / "none.tar", tmp_path / "x"), "none.tar", "no such file")


def test_an_index_that_changes_while_it_is_copied_is_copied_again(
    good: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ingests update the index just after they let the archive go: a commit during the copy (here a
    segment written and the table of contents replaced) makes the backup copy the index again."""
    copy = tmp_path / "ks"
    ok("restore", good, copy)
    spool_one = backup._spool_one
    calls = []

    def committing(workspace: object, item: backup._Found, spool: object) -> object:
        calls.append(item.name)
        if len(calls) == 1:
            (copy / "index" / "MAIN_new.seg").write_bytes(b"segment")
            toc = next((copy / "index").glob("_MAIN_*.toc"))
            toc.with_name(toc.name + ".tmp").write_bytes(toc.read_bytes())
            os.replace(toc.with_name(toc.name + ".tmp"), toc)
        return spool_one(workspace, item, spool)  # type: ignore[arg-type]

    monkeypatch.setattr(backup, "_spool_one", committing)
    done = backup.backup_workspace(open_workspace(copy), tmp_path / "second.tar")
    assert len(calls) > len(set(calls))  # copied twice
    with tarfile.open(done.path) as tar:
        assert tar.extractfile("workspace/index/MAIN_new.seg").read() == b"segment"  # type: ignore[union-attr]
