"""PDF export with real LibreOffice: fonts embedded, Simplified-Chinese glyph forms, clear failures.

`pdffonts` shows which faces are embedded, but every Noto CJK face reports a 'jp' name (the
font collection shares one CFF table), so whether the glyphs are SC or JP is checked by
shape: 骨, 直 and 角 are drawn differently in the two, and each glyph in the PDF is compared with
Pillow's rendering of the SC and the JP face.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageOps, ImageStat

from docgen.documents import gbt9704
from docgen.tools import soffice
from tests.conftest import EXAMPLES, assert_one_line_error, run

pytestmark = pytest.mark.slow
NOTO_SERIF = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
FACE_INDEX = {"JP": 0, "SC": 2}


def pdffonts(pdf: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def test_notice_pdf_embeds_noto_cjk_serif_and_sans(tmp_path: Path) -> None:
    result = run("make", "notice", EXAMPLES / "kunshan/doc-notice.yaml", "-o", tmp_path / "n.docx", "--pdf")
    assert result.exit_code == 0, result.stderr
    fonts = pdffonts(tmp_path / "n.pdf")
    names = [row[0] for row in fonts]
    assert all(row[-5] == "yes" for row in fonts), fonts  # 'emb' column: everything embedded
    assert any("NotoSerifCJK" in n for n in names), names  # 仿宋/小标宋 -> serif
    assert any("NotoSansCJK" in n for n in names), names  # 黑体 headings -> sans
    assert not any("DejaVu" in n or "Liberation" in n for n in names), names
    info = subprocess.run(["pdfinfo", str(tmp_path / "n.pdf")], capture_output=True, text=True, check=True).stdout
    assert "595.3" in info and "841.8" in info  # A4 in points
    assert "Title:           关于开展2021年昆山市高技能人才公共实训基地建设项目申报的通知" in info, info
    assert "Author:          昆山市人力资源和社会保障局" in info, info


def _glyph(image: Image.Image) -> Image.Image:
    gray = image.convert("L")
    box = ImageOps.invert(gray).getbbox()
    assert box is not None
    return gray.crop(box).resize((96, 96))


def _face(char: str, variant: str) -> Image.Image:
    font = ImageFont.truetype(str(NOTO_SERIF), 150, index=FACE_INDEX[variant])
    image = Image.new("L", (220, 220), 255)
    ImageDraw.Draw(image).text((20, 20), char, font=font, fill=0)
    return _glyph(image)


def _distance(a: Image.Image, b: Image.Image) -> float:
    return float(ImageStat.Stat(ImageChops.difference(a, b)).sum[0])


def test_chinese_text_prints_in_simplified_chinese_forms(tmp_path: Path) -> None:
    if not NOTO_SERIF.is_file():
        pytest.skip("fonts-noto-cjk is not installed")
    doc = gbt9704.new_document()
    para = gbt9704.para(doc, "骨直角", "GW Body")
    para.paragraph_format.first_line_indent = None
    para.runs[0].font.size = gbt9704.Pt(72)
    source = tmp_path / "glyphs.docx"
    gbt9704.save_reproducibly(doc, source)
    pdf = soffice.convert_to_pdf([source], tmp_path)[0]
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True
    )
    page = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    page = page.crop((0, 0, page.width, page.height // 2))  # the text, not the page number
    box = ImageOps.invert(page).getbbox()
    assert box is not None
    x0, y0, x1, y1 = box
    width = (x1 - x0) / 3
    verdicts = []
    for i, char in enumerate("骨直角"):
        glyph = _glyph(page.crop((int(x0 + i * width), y0, int(x0 + (i + 1) * width), y1)))
        sc, jp = _distance(glyph, _face(char, "SC")), _distance(glyph, _face(char, "JP"))
        verdicts.append("SC" if sc < jp else "JP")
    assert verdicts == ["SC", "SC", "SC"]


def test_a_batch_of_plaques_converts_in_one_run(tmp_path: Path) -> None:
    result = run("make", "plaque", EXAMPLES / "hangzhou/doc-plaque.yaml", "--all", "-o", tmp_path / "p", "--pdf")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.suffix for p in (tmp_path / "p").iterdir()) == [".docx", ".docx", ".pdf", ".pdf"]


def test_missing_libreoffice_is_exit_3_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert shutil.which("soffice") is None
    result = run("make", "notice", EXAMPLES / "kunshan/doc-notice.yaml", "-o", tmp_path / "n.docx", "--pdf")
    assert result.exit_code == 3 and "LibreOffice is not installed" in result.stderr
    assert not (tmp_path / "n.docx").exists()
    assert_one_line_error(
        run("make", "notice", EXAMPLES / "kunshan/doc-notice.yaml", "-o", tmp_path / "x.pdf"),
        "must end in .docx",
    )
