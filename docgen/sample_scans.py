"""Realistic scanned pages made on the spot: Chinese text on A4, noise, blur, skew, rotation.

Used by the demo (sample evidence), the tests and the benchmarks; nothing binary is committed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SC_INDEX = 2  # the Simplified-Chinese face of the collection


def page_image(
    lines: Sequence[str],
    *,
    dpi: int = 200,
    seed: int = 0,
    skew: float = 0.8,
    noise: float = 0.005,
    blur: float = 0.6,
    font_pt: float = 14,
) -> Image.Image:
    """An A4 page as a scanner would give it (grayscale)."""
    rng = random.Random(seed)
    width, height = int(8.27 * dpi), int(11.69 * dpi)
    image = Image.new("L", (width, height), 250)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), int(font_pt / 72 * dpi), index=SC_INDEX)
    x, y = int(0.9 * dpi), int(1.0 * dpi)
    step = int(font_pt / 72 * dpi * 1.9)
    for line in lines:
        draw.text((x, y), line, font=font, fill=20)
        y += step
        if y > height - dpi:
            break
    if noise:
        pixels = image.load()
        assert pixels is not None
        for _ in range(int(width * height * noise)):
            px, py = rng.randrange(width), rng.randrange(height)
            pixels[px, py] = rng.choice((0, 90, 180, 255))
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    if skew:
        image = image.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=250, expand=False)
    return image


def save_pdf(images: Sequence[Image.Image], path: Path, dpi: int = 200) -> Path:
    images[0].save(path, "PDF", resolution=dpi, save_all=True, append_images=list(images[1:]))
    return path


def save_jpeg_with_exif_rotation(image: Image.Image, path: Path, orientation: int = 6) -> Path:
    """The pixels stored turned (as a phone stores them), with the EXIF tag that says how to turn them back.

    Orientation 6 means: rotate 90° clockwise to display; so the stored pixels are turned 90° counter-clockwise.
    """
    stored = image.rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = orientation
    stored.save(path, "JPEG", quality=92, exif=exif.tobytes(), dpi=(200, 200))
    return path


def save_tiff(images: Sequence[Image.Image], path: Path) -> Path:
    images[0].save(path, "TIFF", save_all=True, append_images=list(images[1:]), compression="tiff_lzw", dpi=(200, 200))
    return path


def text_pdf_page(lines: Sequence[str]) -> bytes:
    """A born-digital PDF page with real text in an embedded font (as Word or WPS would export)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.add_font("DejaVu", fname="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdf.set_font("DejaVu", size=14)
    for line in lines:
        pdf.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


CERTIFICATE_LINES = [
    "职业资格证书",
    "姓名：王建国",
    "职业：数控车工",
    "等级：高级技师",
    "证书编号：S000032050000231001",
    "发证机关：昆山市人力资源和社会保障局",
    "发证日期：2019年6月18日",
]
