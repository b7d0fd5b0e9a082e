"""Files that try something: a PDF that runs JavaScript or carries attachments, symbolic links out of an
evidence folder, a device. The archive copy is inert, links are refused by name, no content leaks."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pikepdf
import pytest

from docgen.samples.scans import CERTIFICATE_LINES, page_image, save_pdf
from docgen.workspace import init_workspace
from tests.conftest import EXAMPLES, run

pytestmark = pytest.mark.slow
CODE = "91320583MA1KJ88011"
INGEST = ("--year", "2021", "--applicant", CODE, "--type", "teacher_certificates")


def booby_trapped(path: Path) -> Path:
    """A scanned certificate with JavaScript on opening and as a document script, an embedded file,
    a link that runs a program and one to a web address, and a form field."""
    save_pdf([page_image(CERTIFICATE_LINES, seed=3)], path)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        js = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('x')")))
        pdf.Root.OpenAction = js
        pdf.Root.Names = pikepdf.Dictionary(
            JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("init"), js]))
        )
        pdf.attachments["payload.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ not really a program")
        launch = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe"))
        uri = pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("http://example.invalid/"))
        links = [
            pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 50, 50], A=action)
            for action in (launch, uri)
        ]
        pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(link) for link in links]))
        pdf.save(path)
    return path


def test_the_archive_copy_is_inert_and_the_original_untouched(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws", "kunshan-2021").root
    trap = booby_trapped(tmp_path / "证书.pdf")
    received = trap.read_bytes()
    done = run("-w", ws, "archive", "ingest", trap, *INGEST, "--new-applicant")
    assert done.exit_code == 0, done.output + done.stderr
    (item,) = (ws / "archive" / "2021" / CODE).iterdir()
    record = json.loads((item / "record.json").read_text(encoding="utf-8"))
    assert (item / record["original"]["stored_as"]).read_bytes() == received
    removed = " ".join(record["removed_from_copy"])
    for what in ("action run on opening", "document JavaScript", "embedded files", "runs or opens something"):
        assert what in removed, (what, removed)
    with pikepdf.open(item / "archive.pdf") as copy:
        assert "/OpenAction" not in copy.Root
        names = copy.Root.get("/Names", {})
        assert "/JavaScript" not in names and "/EmbeddedFiles" not in names
        assert not copy.attachments
        for page in copy.pages:
            for annotation in page.get("/Annots", []):
                assert "/A" not in annotation, annotation
    assert record["archive_copy"]["pdfa"] is True
    found = json.loads(run("-w", ws, "search", "王建国", "--json").output)
    assert found["total"] == 1, "the inert copy is still read and indexed"


def test_symbolic_links_in_a_folder_are_refused_by_name_and_leak_nothing(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws", "kunshan-2021").root
    box = tmp_path / "box"
    box.mkdir()
    real = save_pdf([page_image(CERTIFICATE_LINES, seed=4)], box / "证书.pdf")
    (box / "passwd.pdf").symlink_to("/etc/passwd")
    (box / "again.pdf").symlink_to(real)
    (box / "etc").symlink_to("/etc", target_is_directory=True)
    done = run("-w", ws, "archive", "ingest", box, *INGEST, "--new-applicant")
    assert done.exit_code == 2
    for name in ("passwd.pdf", "again.pdf", "etc"):
        assert f"{box / name}: a symbolic link inside an evidence folder" in done.stderr, done.stderr
    assert "root:" not in done.output + done.stderr
    assert "ingested 1," in done.output
    listed = json.loads(run("-w", ws, "archive", "list", "--json").output)
    assert [r["original"]["name"] for r in listed] == ["证书.pdf"]


def test_a_link_named_on_the_command_line_is_followed_to_a_regular_file_only(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws", "kunshan-2021").root
    real = save_pdf([page_image(CERTIFICATE_LINES, seed=5)], tmp_path / "证书.pdf")
    link = tmp_path / "link.pdf"
    link.symlink_to(real)
    done = run("-w", ws, "archive", "ingest", link, *INGEST, "--new-applicant")
    assert done.exit_code == 0, done.stderr
    (record,) = json.loads(run("-w", ws, "archive", "list", "--json").output)
    assert any(f"given as a symbolic link to {real}" in note for note in record["notes"])

    device = tmp_path / "zero.pdf"
    device.symlink_to(os.devnull)
    refused = run("-w", ws, "archive", "ingest", device, *INGEST, "--new-applicant")
    assert refused.exit_code == 2 and "not a regular file" in refused.stderr
    secret = tmp_path / "secret.pdf"
    secret.symlink_to("/etc/passwd")
    refused = run("-w", ws, "archive", "ingest", secret, *INGEST, "--new-applicant")
    assert refused.exit_code == 2 and "its contents are not (it holds text)" in refused.stderr
    assert "root:" not in refused.output + refused.stderr


def test_a_damaged_record_or_index_is_one_line_with_what_to_do(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws", "kunshan-2021").root
    scan = save_pdf([page_image(CERTIFICATE_LINES, seed=6)], tmp_path / "证书.pdf")
    assert run("-w", ws, "archive", "ingest", scan, *INGEST, "--new-applicant").exit_code == 0
    # a damaged index: search says to rebuild it; the next ingest or a rebuild makes it again
    for segment in (ws / "index").glob("*.seg"):
        segment.write_bytes(segment.read_bytes()[:100])
    broken = run("-w", ws, "search", "王建国")
    assert broken.exit_code == 2 and "the search index is damaged" in broken.stderr
    assert "docgen index rebuild" in broken.stderr and "Traceback" not in broken.output
    assert run("-w", ws, "index", "rebuild").exit_code == 0
    assert json.loads(run("-w", ws, "search", "王建国", "--json").output)["total"] == 1
    # a truncated record: every command that reads it names it
    (record,) = (ws / "archive" / "2021").glob("*/*/record.json")
    record.chmod(0o644)
    record.write_bytes(record.read_bytes()[:50])
    for command in (
        ("archive", "list"),
        ("index", "rebuild"),
        ("review", EXAMPLES / "kunshan" / "applicant-pass.yaml"),
    ):
        result = run("-w", ws, *command)
        assert result.exit_code == 2, (command, result.output)
        assert f"{record}: damaged record" in result.stderr and "Traceback" not in result.output
    verified = run("-w", ws, "archive", "verify")
    assert verified.exit_code == 1 and str(record) in verified.output
