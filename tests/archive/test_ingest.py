"""Ingest with real Tesseract and OCRmyPDF on scans made at test time."""

from __future__ import annotations

import json
from pathlib import Path

import pikepdf
import pytest

from archive.record import sha256_of
from tests.archive.conftest import CREDIT, Built
from tests.conftest import run

pytestmark = pytest.mark.slow


def outcome(built: Built, name: str) -> str:
    return next(r.outcome for r in built.summary.results if r.path.name == name)


def record_of(built: Built, name: str):  # type: ignore[no-untyped-def]
    return next(r for _, r in built.archive.records(2021) if r.original.name == name)


def pages_of(built: Built, name: str) -> list[str]:
    folder = next(f for f, r in built.archive.records(2021) if r.original.name == name)
    return [(folder / p).read_text(encoding="utf-8") for p in record_of(built, name).page_files]


def test_good_files_go_in_and_bad_ones_are_refused_one_by_one(built: Built) -> None:
    good = ["certificates.pdf", "phone.jpg", "site.tif", "mixed.pdf", "rules.png", "signed.pdf"]
    assert [outcome(built, n) for n in good] == ["ingested"] * 6
    bad = {r.path.name: r.message for r in built.summary.results if r.outcome == "failed"}
    assert set(bad) == {"empty.pdf", "notes.pdf", "form.docx", "cut.pdf", "huge.png", "evil\x07 name..pdf"}
    assert "empty file" in bad["empty.pdf"] and "damaged Office document" in bad["form.docx"]
    assert "truncated" in bad["cut.pdf"] and "120 megapixels" in bad["huge.png"]
    assert len(built.archive.records(2021)) == 6


def test_a_scanned_page_comes_out_intact(built: Built) -> None:
    first = pages_of(built, "certificates.pdf")[0]
    assert "人力资源和社会保障局" in first
    assert "\x00" not in first and "数控车工" in first


def test_upside_down_and_sideways_pages_are_turned_and_read(built: Built) -> None:
    pages = pages_of(built, "certificates.pdf")
    assert "CK6150" in pages[1] and "数控车床" in pages[1]
    assert "师资花名册" in pages[2]


def test_an_exif_rotated_phone_photo_is_read_upright(built: Built) -> None:
    assert "营业执照" in pages_of(built, "phone.jpg")[0]


def test_every_page_of_a_tiff(built: Built) -> None:
    pages = pages_of(built, "site.tif")
    assert len(pages) == 2 and "1860" in pages[0] and "消防" in pages[1]


def test_a_mixed_pdf_keeps_its_text_page_and_ocrs_the_scan(built: Built) -> None:
    pages = pages_of(built, "mixed.pdf")
    assert "VMC850 machining centre x 4" in pages[0]  # the born-digital text, not OCR
    assert "立式加工中心" in pages[1]


def test_originals_are_kept_byte_for_byte_and_copies_are_pdfa(built: Built) -> None:
    for folder, record in built.archive.records(2021):
        source = next(built.evidence.rglob(record.original.name))
        assert sha256_of(folder / record.original.stored_as) == sha256_of(source) == record.original.sha256
        assert record.archive_copy is not None and record.archive_copy.pdfa
        with pikepdf.open(folder / "archive.pdf") as pdf:
            assert pdf.open_metadata().pdfa_status == "2B"


def test_a_signed_pdf_keeps_its_signature_in_the_original(built: Built) -> None:
    record = record_of(built, "signed.pdf")
    assert any("digitally signed" in note for note in record.notes)
    folder = next(f for f, r in built.archive.records(2021) if r.original.name == "signed.pdf")
    with pikepdf.open(folder / record.original.stored_as) as original:
        assert int(original.Root.AcroForm.SigFlags) == 3


def test_records_carry_codes_checksums_and_the_ocr_engine(built: Built) -> None:
    records = [r for _, r in built.archive.records(2021)]
    assert [r.archival_code for r in records] == [f"KSRSJ-WS·2021-D30-{i:04d}" for i in range(1, 7)]
    record = records[0]
    assert record.retention == "D30" and record.evidence_type_name == "师资资质证明"
    assert record.ocr.languages == "chi_sim" and record.ocr.versions["tesseract"].startswith("5")
    assert set(record.files) >= {"archive.pdf", record.original.stored_as, *record.page_files}
    folder = next(f for f, r in built.archive.records(2021) if r.item == 1)
    assert folder.relative_to(built.archive.root).as_posix() == f"2021/{CREDIT}/0001-teacher_certificates"


def test_the_same_files_again_are_duplicates(copy: Built) -> None:
    result = run(
        "-w",
        copy.workspace,
        "archive",
        "ingest",
        copy.evidence / "phone.jpg",
        copy.evidence / "mixed.pdf",
        "--year",
        "2021",
        "--applicant",
        CREDIT,
        "--type",
        "teacher_certificates",
    )
    assert result.exit_code == 0, result.stderr
    assert "ingested 0, duplicates 2" in result.output
    assert len(copy.archive.records(2021)) == 6


def test_names_from_users_stay_inside_the_archive(copy: Built, tmp_path: Path) -> None:
    evil = tmp_path / "..\x07bad\nname.jpg"
    evil.write_bytes((copy.evidence / "phone.jpg").read_bytes())
    result = run(
        "-w",
        copy.workspace,
        "archive",
        "ingest",
        evil,
        "--year",
        "2022",
        "--applicant",
        "../../../etc",
        "--new-applicant",  # an unknown name is refused without it (tests/archive/test_identity.py)
        "--type",
        "other",
    )
    assert result.exit_code == 0, result.stderr
    ((folder, record),) = copy.archive.records(2022)
    assert folder.resolve().is_relative_to((copy.workspace / "archive").resolve())
    assert record.original.name == "..\x07bad\nname.jpg"  # recorded as received
    assert record.original.stored_as == "original/_bad_name.jpg"
    assert record.applicant == "../../../etc" and record.applicant_folder == "_.._.._etc"
    assert record.retention == "D10" and record.archival_code == "KSRSJ-WS·2022-D10-0001"


def test_list_json_and_verify(built: Built) -> None:
    listed = json.loads(run("-w", built.workspace, "archive", "list", "--json").output)
    assert [r["archival_code"] for r in listed][:2] == ["KSRSJ-WS·2021-D30-0001", "KSRSJ-WS·2021-D30-0002"]
    checked = run("-w", built.workspace, "archive", "verify")
    assert checked.exit_code == 0 and "6 documents" in checked.output and "0 problems" in checked.output


def test_verify_finds_altered_missing_and_unexpected_files(copy: Built) -> None:
    folder, record = copy.archive.records(2021)[0]
    (folder / record.page_files[0]).write_text("改过", encoding="utf-8")
    (folder / "archive.pdf").unlink()
    (copy.archive.year_dir(2021) / "stray.txt").write_text("?", encoding="utf-8")
    result = run("-w", copy.workspace, "archive", "verify", "--json")
    assert result.exit_code == 1
    kinds = {(p["kind"], Path(p["path"]).name) for p in json.loads(result.output)["problems"]}
    assert kinds == {("altered", "0001.txt"), ("missing", "archive.pdf"), ("unexpected", "stray.txt")}
