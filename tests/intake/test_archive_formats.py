"""What the archive now takes: Word, Excel and WPS files (their text from the document, not OCR'd),
HEIC, WebP and BMP photos, images without a resolution on a page of a sensible size; and what it still
refuses, each in one line with the next step."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
import msoffcrypto
import openpyxl
import pikepdf
import pillow_heif
import pytest
from docx.oxml.ns import qn
from docx.shared import Inches

from archive import Archive, IngestOptions, IngestSummary, ItemRecord, RejectedFile, identify, sha256_of
from archive.convert import layout_dpi
from archive.errors import EngineMissing, OcrFailed
from archive.office import office_to_pdf
from docgen.evidence import fonds_of
from docgen.policy_registry import load_policy
from docgen.samples.scans import page_image
from tests.intake.makers import rar4, zip_of

pytestmark = pytest.mark.slow

CREDIT = "91320583MA1KJ88011"
TEACHER = ["师资资质证明", "姓名：张三，职业资格：高级技师", "证书编号：S000032050000231002"]
PASTED = ["营业执照", "统一社会信用代码", "昆山精工数控技术有限公司"]


def word_file(path: Path) -> Path:
    """A .docx as Chinese Word writes one (宋体, zh-CN); its second page only a pasted picture of a licence."""
    document = docx.Document()
    properties = document.styles["Normal"].element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = properties.makeelement(qn("w:rFonts"), {})
        properties.append(fonts)
    fonts.set(qn("w:eastAsia"), "宋体")
    properties.append(properties.makeelement(qn("w:lang"), {qn("w:val"): "en-US", qn("w:eastAsia"): "zh-CN"}))
    for line in TEACHER:
        document.add_paragraph(line)
    document.add_page_break()
    picture = io.BytesIO()
    page_image(PASTED, dpi=100, noise=0, skew=0, font_pt=20).save(picture, "PNG")
    document.add_picture(picture, width=Inches(6))
    document.save(str(path))
    return path


def excel_file(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "设备清单"
    for row in (["序号", "设备名称", "型号", "数量"], [1, "数控车床", "CK6150", 8], [2, "立式加工中心", "VMC850", 4]):
        sheet.append(row)
    for column, width in zip("ABCD", (8, 24, 14, 8), strict=True):
        sheet.column_dimensions[column].width = width
    book.save(str(path))
    return path


def legacy(source: Path, target_suffix: str, rename_to: Path) -> Path:
    """A Word 97 .doc or Excel 97 .xls written by LibreOffice, renamed as WPS saves them (.wps, .et)."""
    work = rename_to.parent / f"lo-{target_suffix}"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            target_suffix,
            "--outdir",
            str(work),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
        env=dict(os.environ, HOME=str(work)),
    )
    shutil.move(work / f"{source.stem}.{target_suffix}", rename_to)
    shutil.rmtree(work)
    return rename_to


@dataclass
class Archived:
    evidence: Path
    summary: IngestSummary
    archive: Archive

    def record(self, name: str) -> tuple[Path, ItemRecord]:
        return next((f, r) for f, r in self.archive.records(2021) if r.original.name == name)

    def pages(self, name: str) -> list[str]:
        folder, record = self.record(name)
        return [(folder / p).read_text(encoding="utf-8") for p in record.page_files]

    def page_mm(self, name: str) -> tuple[float, float]:
        folder, _ = self.record(name)
        with pikepdf.open(folder / "archive.pdf") as pdf:
            box = pdf.pages[0].mediabox
            return (float(box[2] - box[0]) * 25.4 / 72, float(box[3] - box[1]) * 25.4 / 72)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The files, made once: two LibreOffice runs write the .doc and .xls."""
    folder = tmp_path_factory.mktemp("made")
    word_file(folder / "师资.docx")
    excel_file(folder / "设备清单.xlsx")
    legacy(folder / "师资.docx", "doc", folder / "旧版师资.wps")
    legacy(folder / "设备清单.xlsx", "xls", folder / "旧版设备清单.et")
    return folder


@pytest.fixture(scope="module")
def archived(made: Path, tmp_path_factory: pytest.TempPathFactory) -> Archived:
    evidence = tmp_path_factory.mktemp("evidence")
    for name in ("师资.docx", "设备清单.xlsx", "旧版师资.wps"):
        shutil.copyfile(made / name, evidence / name)
    scan = page_image(["场地证明", "建筑面积1860平方米"], dpi=300, noise=0, skew=0)
    scan.save(evidence / "无分辨率扫描.png")  # an A4 scan at 300 dpi that says no resolution: 66 x 93 cm before
    photo = page_image(["营业执照", "名称：昆山精工数控技术有限公司"], dpi=150, noise=0)
    pillow_heif.from_pillow(photo.convert("RGB")).save(evidence / "营业执照.heic", quality=90)
    other = page_image(["租赁合同", "出租方：昆山开发区资产经营公司"], dpi=150, noise=0)
    pillow_heif.from_pillow(other.convert("RGB")).save(evidence / "改名的照片.jpg", quality=90)  # a HEIC named .jpg
    page_image(["消防验收意见书"], dpi=150, noise=0).save(evidence / "消防.webp", quality=80)
    page_image(["实训管理制度"], dpi=200, noise=0).save(evidence / "制度.bmp")  # Pillow writes 96 dpi
    archive = Archive(tmp_path_factory.mktemp("ws") / "archive", fonds_of(load_policy("kunshan-2021")))
    summary = archive.ingest([evidence], IngestOptions(2021, CREDIT, "other", jobs=2))
    return Archived(evidence, summary, archive)


def test_every_new_kind_is_archived_and_its_original_kept_byte_for_byte(archived: Archived) -> None:
    outcomes = {r.path.name: (r.outcome, r.message) for r in archived.summary.results}
    assert all(o in ("ingested", "needs_review") for o, _ in outcomes.values()), outcomes
    assert len(outcomes) == 8
    for folder, record in archived.archive.records(2021):
        assert sha256_of(folder / record.original.stored_as) == sha256_of(archived.evidence / record.original.name)


def test_a_word_file_has_its_own_text_and_a_pasted_picture_is_read(archived: Archived) -> None:
    _, record = archived.record("师资.docx")
    first, second = archived.pages("师资.docx")
    assert "职业资格:高级技师" in first and "S000032050000231002" in first and "张三" in first
    assert record.page_quality[0].confidence is None, "a page with text of its own is not OCR'd"
    assert "营业执照" in second and "统一社会信用代码" in second, "a page that is only a picture is OCR'd"
    assert record.archive_copy is not None and record.archive_copy.pdfa
    assert record.original.media_type.endswith("wordprocessingml.document")
    assert any(n.startswith("born digital: laid out as PDF by LibreOffice") for n in record.notes)


def test_an_excel_file_and_a_wps_file_are_searchable_from_the_archive_copy(archived: Archived) -> None:
    sheet = archived.pages("设备清单.xlsx")[0]
    assert "数控车床" in sheet and "立式加工中心" in sheet and "VMC850" in sheet
    assert archived.record("设备清单.xlsx")[1].archive_copy.pdfa  # type: ignore[union-attr]
    _, wps = archived.record("旧版师资.wps")
    assert wps.original.media_type == "application/msword" and wps.original.name == "旧版师资.wps"
    assert "高级技师" in archived.pages("旧版师资.wps")[0]


def test_photos_and_pictures_come_out_on_an_a4_page(archived: Archived) -> None:
    for name in ("无分辨率扫描.png", "营业执照.heic", "消防.webp", "制度.bmp"):
        width, height = archived.page_mm(name)
        assert 200 <= width <= 215 and 280 <= height <= 300, (name, width, height)  # not 66 x 93 cm
    _, scan = archived.record("无分辨率扫描.png")
    assert any("it states no resolution): fitted inside A4, 210 x 297 mm at 300 dpi" in n for n in scan.notes)
    _, bitmap = archived.record("制度.bmp")
    assert any("its stated 96 dpi would make a 62 cm page" in n for n in bitmap.notes)
    assert "营业执照" in archived.pages("营业执照.heic")[0]


def test_a_heic_photo_named_jpg_is_known_by_its_contents(archived: Archived) -> None:
    _, record = archived.record("改名的照片.jpg")
    assert record.original.media_type == "image/heif"
    assert "租赁合同" in archived.pages("改名的照片.jpg")[0]


def test_word_and_excel_97_files_renamed_as_wps_saves_them(made: Path) -> None:
    assert identify(made / "旧版师资.wps").kind == "doc"
    assert identify(made / "旧版设备清单.et").kind == "xls"
    assert identify(made / "设备清单.xlsx").kind == "xlsx"


def test_a_password_protected_word_file(made: Path, tmp_path: Path) -> None:
    locked = tmp_path / "师资.docx"
    with (made / "师资.docx").open("rb") as plain, locked.open("wb") as out:
        msoffcrypto.OfficeFile(plain).encrypt("123456", out)
    with pytest.raises(RejectedFile) as caught:
        identify(locked)
    assert caught.value.message == (
        f"{locked}: a password-protected Office document; ask the applicant for a copy without the password, or a PDF"
    )


def test_a_document_libreoffice_cannot_open_is_refused_in_one_line(tmp_path: Path) -> None:
    broken = zip_of(tmp_path / "坏.docx", [("[Content_Types].xml", b"<Types>wordprocessingml</Types>")])
    assert identify(broken).kind == "docx"
    with pytest.raises(RejectedFile) as caught:
        office_to_pdf(broken, "docx", tmp_path / "out.pdf")
    message = caught.value.message
    assert message.startswith(f"{broken}: LibreOffice could not open this document") and "\n" not in message
    assert message.endswith("ask for the file again, or a PDF")
    assert not (tmp_path / "out.pdf").exists()


@pytest.mark.parametrize(
    ("name", "members", "advice"),
    [
        ("电子营业执照.ofd", [("OFD.xml", b"<ofd:OFD/>"), ("Doc_0/Document.xml", b"<x/>")], "数科 or 书生 OFD reader"),
        ("材料.zip", [("营业执照.pdf", b"%PDF-1.4")], "a ZIP archive; unpack it and give the files inside"),
        ("汇报.pptx", [("[Content_Types].xml", b"presentationml")], "a presentation; save it as PDF"),
    ],
)
def test_what_is_still_refused_says_what_to_do(tmp_path: Path, name: str, members: list, advice: str) -> None:
    path = zip_of(tmp_path / name, members)
    with pytest.raises(RejectedFile) as caught:
        identify(path)
    assert caught.value.message.startswith(f"{path}: ") and advice in caught.value.message
    assert "\n" not in caught.value.message


def test_a_rar_inside_the_evidence_asks_to_unpack_it(tmp_path: Path) -> None:
    path = rar4(tmp_path / "证书.rar", {"a.pdf": b"%PDF-1.4"})
    with pytest.raises(RejectedFile, match=r"证书\.rar: a RAR archive; unpack it and give the files inside$"):
        identify(path)


@pytest.mark.parametrize(
    ("pixels", "stated", "dpi", "why"),
    [
        ((2480, 3508), None, 300, "states no resolution"),  # an A4 scan at 300 dpi
        ((2480, 3508), (96, 96), 300, "stated 96 dpi would make a 93 cm page"),
        ((4032, 3024), (72, 72), 366, "stated 72 dpi would make a 142 cm page"),  # a 12 MP phone photo
        ((1654, 2339), (200, 200), 200, ""),  # a scanner that says what it did: kept
        ((4961, 3508), (300, 300), 300, ""),  # an A3 scan: kept
    ],
)
def test_the_page_size_rule(pixels: tuple[int, int], stated: tuple[int, int] | None, dpi: int, why: str) -> None:
    (x, y), note = layout_dpi(*pixels, stated)
    assert round(x) == round(y) == dpi
    assert why in note if why else note == ""


def test_libreoffice_without_calc_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _fake_soffice(tmp_path, "exit 0")
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(EngineMissing, match="without libreoffice-calc-nogui; run 'bash scripts/setup'"):
        office_to_pdf(tmp_path / "a.xlsx", "xlsx", tmp_path / "a.pdf")


def test_libreoffice_that_overruns_is_killed_with_everything_it_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """soffice is a script that starts soffice.bin: the whole process group goes, and its folder."""
    pids = tmp_path / "pids"
    fake = _fake_soffice(tmp_path, f"sleep 60 >/dev/null 2>&1 & echo $$ $! > {pids}; wait")
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    (tmp_path / "a.docx").write_bytes(b"PK")
    with pytest.raises(OcrFailed, match="LibreOffice took longer than 1 s to convert it and was stopped"):
        office_to_pdf(tmp_path / "a.docx", "docx", tmp_path / "a.pdf", seconds=1)
    assert list(scratch.iterdir()) == [], "its temporary folder (profile, input, output) is gone"
    for pid in map(int, pids.read_text().split()):
        assert _gone(pid), f"process {pid} still runs"


def _fake_soffice(folder: Path, body: str) -> Path:
    """A stand-in for LibreOffice's launcher script, in a program folder with Writer and without Calc."""
    program = folder / "program"
    program.mkdir()
    (program / "libswlo.so").write_bytes(b"")
    script = program / "soffice"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    return script


def _gone(pid: int) -> bool:
    for _ in range(50):
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0]
        except (FileNotFoundError, IndexError):
            return True
        if state == "Z":  # killed, waiting for its parent to collect it
            return True
        time.sleep(0.1)
    return False


def test_a_docx_is_a_zip_that_is_not_taken_for_a_package(made: Path) -> None:
    assert "word/document.xml" in zipfile.ZipFile(made / "师资.docx").namelist()
    from archive import sniff

    assert sniff(made / "师资.docx") == "docx" and sniff(made / "旧版设备清单.et") == "xls"
