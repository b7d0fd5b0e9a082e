"""One archive, ingested once with real OCR, shared by the slow archive tests (they copy it to change it)."""

from __future__ import annotations

import io
import shutil
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from archive import Archive, IngestOptions, IngestSummary
from docgen.evidence import fonds_of
from docgen.policy_registry import load_policy
from docgen.samples.scans import (
    CERTIFICATE_LINES,
    page_image,
    save_jpeg_with_exif_rotation,
    save_pdf,
    save_tiff,
    text_pdf_page,
)
from docgen.workspace import init_workspace
from tests.archive.test_sniff import signed_pdf

CREDIT = "91320583MA1KJ88011"
EQUIPMENT_LINES = ["教学实训设备清单", "设备名称：数控车床", "型号：CK6150", "数量：8台", "单价：185000元"]


@dataclass
class Built:
    workspace: Path
    evidence: Path
    summary: IngestSummary
    archive: Archive


def make_evidence(folder: Path) -> Path:
    folder.mkdir(parents=True)
    upright = page_image(CERTIFICATE_LINES, seed=1)
    upside_down = page_image(EQUIPMENT_LINES, seed=2).rotate(180)
    sideways = page_image(["师资花名册", "李秀英 技师", "证书编号：S000032050000231002"], seed=3).rotate(
        90, expand=True
    )
    save_pdf([upright, upside_down, sideways], folder / "certificates.pdf")
    save_jpeg_with_exif_rotation(
        page_image(["营业执照", "名称：昆山精工数控技术有限公司"], seed=4), folder / "phone.jpg"
    )
    save_tiff(
        [page_image(["第一页 场地证明", "建筑面积1860平方米"], seed=5), page_image(["第二页 消防验收合格"], seed=6)],
        folder / "site.tif",
    )
    writer = pypdf.PdfWriter()
    writer.append(pypdf.PdfReader(io.BytesIO(text_pdf_page(["Equipment list 2021", "VMC850 machining centre x 4"]))))
    writer.append(
        pypdf.PdfReader(save_pdf([page_image(["发票", "立式加工中心 VMC850 4台"], seed=7)], folder / "tmp.pdf"))
    )
    writer.write(folder / "mixed.pdf")
    (folder / "tmp.pdf").unlink()
    rgba = page_image(["规章制度", "实训管理制度", "第一条 为规范实训管理，制定本制度。"], seed=8, noise=0).convert(
        "RGBA"
    )
    rgba.putalpha(255)
    rgba.save(folder / "rules.png")
    signed_pdf(
        save_pdf([page_image(["承诺书", "本单位承诺所填内容真实"], seed=9)], folder / "s.pdf"), folder / "signed.pdf"
    )
    (folder / "s.pdf").unlink()
    bad = folder / "bad"
    bad.mkdir()
    (bad / "empty.pdf").write_bytes(b"")
    (bad / "notes.pdf").write_text("这不是PDF", encoding="utf-8")
    (bad / "form.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    data = (folder / "certificates.pdf").read_bytes()
    (bad / "cut.pdf").write_bytes(data[: len(data) // 3])
    Image.new("1", (12000, 10000)).save(bad / "huge.png")
    (bad / "evil\x07 name..pdf").write_bytes(b"%PDF-1.4 junk")
    return folder


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("archive")
    workspace = init_workspace(root / "ws", "kunshan-2021")
    evidence = make_evidence(root / "evidence")
    archive = Archive(workspace.archive_dir, fonds_of(load_policy("kunshan-2021")))
    summary = archive.ingest([evidence], IngestOptions(2021, CREDIT, "teacher_certificates", jobs=2))
    return Built(workspace.root, evidence, summary, archive)


@pytest.fixture
def copy(built: Built, tmp_path: Path) -> Built:
    """A private copy of the built workspace, to change."""
    target = tmp_path / "ws"
    shutil.copytree(built.workspace, target)
    return Built(target, built.evidence, built.summary, Archive(target / "archive", built.archive.fonds))
