"""Files refused before anything is stored, each with a reason a clerk can act on."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from archive.errors import RejectedFile
from archive.sniff import identify
from docgen.samples.scans import page_image, save_pdf, save_tiff


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("s") / "scan.pdf"
    return save_pdf([page_image(["测试"], dpi=50, noise=0)], path, dpi=50)


def test_supported_files_are_identified(pdf: Path, tmp_path: Path) -> None:
    assert identify(pdf).kind == "pdf" and identify(pdf).pages == 1
    tiff = save_tiff([page_image(["一"], dpi=50), page_image(["二"], dpi=50)], tmp_path / "two.tif")
    assert (identify(tiff).kind, identify(tiff).pages) == ("tiff", 2)


def test_an_empty_file(tmp_path: Path) -> None:
    (tmp_path / "e.pdf").write_bytes(b"")
    with pytest.raises(RejectedFile, match="empty file"):
        identify(tmp_path / "e.pdf")


def test_a_text_file_named_pdf(tmp_path: Path) -> None:
    (tmp_path / "t.pdf").write_text("申报材料清单", encoding="utf-8")
    with pytest.raises(RejectedFile, match=r"named \.pdf but its contents are not"):
        identify(tmp_path / "t.pdf")


def test_an_unsupported_type_names_the_supported_ones(tmp_path: Path) -> None:
    (tmp_path / "a.mp3").write_bytes(b"ID3\x04\x00" + b"\x00" * 40)
    with pytest.raises(
        RejectedFile, match=r"unsupported type \.mp3; supported: PDF, JPEG, PNG, TIFF, HEIC, WebP, BMP, Word"
    ):
        identify(tmp_path / "a.mp3")


def test_a_damaged_word_file(tmp_path: Path) -> None:
    (tmp_path / "a.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(
        RejectedFile, match=r"damaged Office document \(its zip cannot be read\); ask for the file again"
    ):
        identify(tmp_path / "a.docx")


def test_a_password_protected_pdf_says_how_to_decrypt(pdf: Path, tmp_path: Path) -> None:
    with pikepdf.open(pdf) as doc:
        doc.save(tmp_path / "locked.pdf", encryption=pikepdf.Encryption(owner="o", user="secret"))
    with pytest.raises(RejectedFile, match=r"password-protected PDF.*qpdf --decrypt"):
        identify(tmp_path / "locked.pdf")


def test_a_truncated_pdf(pdf: Path, tmp_path: Path) -> None:
    data = pdf.read_bytes()
    (tmp_path / "cut.pdf").write_bytes(data[: len(data) // 2])
    with pytest.raises(RejectedFile, match="truncated PDF"):
        identify(tmp_path / "cut.pdf")


def test_a_decompression_bomb(tmp_path: Path) -> None:
    Image.new("1", (20000, 20000)).save(tmp_path / "bomb.png")  # 400 megapixels, a few kB on disk
    assert (tmp_path / "bomb.png").stat().st_size < 200_000
    with pytest.raises(RejectedFile, match="decompression bomb"):
        identify(tmp_path / "bomb.png")


def test_an_image_over_the_archive_limit(tmp_path: Path) -> None:
    Image.new("1", (12000, 10000)).save(tmp_path / "huge.png")  # 120 MP: under Pillow's guard, over ours
    with pytest.raises(RejectedFile, match="120 megapixels"):
        identify(tmp_path / "huge.png")


def test_a_signed_pdf_is_recognised(pdf: Path, tmp_path: Path) -> None:
    path = signed_pdf(pdf, tmp_path / "signed.pdf")
    assert identify(path).signed


def signed_pdf(source: Path, target: Path) -> Path:
    """A PDF with a signature field and /SigFlags 3, as a digitally signed file has."""
    with pikepdf.open(source) as doc:
        sig = doc.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Sig,
                Filter=pikepdf.Name("/Adobe.PPKLite"),
                SubFilter=pikepdf.Name("/adbe.pkcs7.detached"),
                Contents=pikepdf.String(b"\x00" * 64),
                ByteRange=[0, 0, 0, 0],
            )
        )
        field = doc.make_indirect(
            pikepdf.Dictionary(
                FT=pikepdf.Name.Sig,
                T=pikepdf.String("Signature1"),
                V=sig,
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Widget,
                Rect=[0, 0, 0, 0],
                P=doc.pages[0].obj,
            )
        )
        doc.pages[0].obj.Annots = doc.make_indirect(pikepdf.Array([field]))
        doc.Root.AcroForm = doc.make_indirect(pikepdf.Dictionary(Fields=[field], SigFlags=3))
        doc.save(target)
    return target
