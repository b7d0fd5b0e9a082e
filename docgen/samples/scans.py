"""Realistic scanned pages made on the spot: Chinese text on A4, noise, blur, skew, rotation.

Used by the demo (sample evidence), the tests and the benchmarks; nothing binary is committed.
"""

from __future__ import annotations

import functools
import io
import math
import random
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from docgen.tools.run import run


@functools.cache
def font_file(family: str) -> tuple[str, int]:
    """The font file and face index fontconfig picks for `family` (as LibreOffice would): no path is
    assumed, so another distribution's font layout works too."""
    found = run(["fc-match", "-f", "%{file}\n%{index}", family], timeout=30).stdout.split("\n")
    return found[0], int(found[1] or 0)


def _cjk(pixels: int) -> ImageFont.FreeTypeFont:
    path, face = font_file("Noto Sans CJK SC:style=Regular")
    return ImageFont.truetype(path, pixels, index=face)


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
    font = _cjk(int(font_pt / 72 * dpi))
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
    pdf.add_font("DejaVu", fname=font_file("DejaVu Sans")[0])
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


def _seal(diameter: int, text: str, seed: int) -> Image.Image:
    """A red round official seal (公章): ring, star and the unit's name along the top, as RGBA."""
    rng = random.Random(seed)
    size = diameter
    seal = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(seal)
    red = (205, 30, 40, 170 + rng.randrange(40))
    width = max(3, size // 28)
    draw.ellipse((width, width, size - width, size - width), outline=red, width=width)
    centre = size / 2
    star = [
        (
            centre + (size * (0.16 if i % 2 == 0 else 0.065)) * math.sin(math.pi * i / 5),
            centre - (size * (0.16 if i % 2 == 0 else 0.065)) * math.cos(math.pi * i / 5),
        )
        for i in range(10)
    ]
    draw.polygon(star, fill=red)
    font = _cjk(max(10, size // 9))
    span = 240.0
    for index, char in enumerate(text):
        angle = -span / 2 + span * (index + 0.5) / len(text)
        glyph = Image.new("RGBA", (size // 7, size // 7), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((0, 0), char, font=font, fill=red)
        glyph = glyph.rotate(-angle, resample=Image.Resampling.BICUBIC, expand=True)
        radius = size * 0.34
        x = centre + radius * math.sin(math.radians(angle)) - glyph.width / 2
        y = centre - radius * math.cos(math.radians(angle)) - glyph.height / 2
        seal.alpha_composite(glyph, (int(x), int(y)))
    return seal


def _perspective_coefficients(
    target: Sequence[tuple[float, float]], source: Sequence[tuple[float, float]]
) -> list[float]:
    """The 8 coefficients PIL's PERSPECTIVE transform takes to map `target` corners back to `source`."""
    import numpy as np

    rows = []
    for (x, y), (u, v) in zip(target, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    solution = np.linalg.solve(np.array(rows, dtype=float), np.array([c for pair in source for c in pair], dtype=float))
    return [float(c) for c in solution]


def phone_photo(
    lines: Sequence[str],
    *,
    seed: int = 0,
    dpi: int = 150,
    tilt: float = 0.05,
    shadow: float = 0.45,
    seal_text: str = "昆山市人力资源和社会保障局",
    seal_line: int = 4,
    quality: int = 68,
    font_pt: float = 15,
) -> Image.Image:
    """A page photographed with a phone: on a desk, in perspective, a shadow across it, a red seal on the
    text, JPEG-compressed. Returns the decoded photo (RGB) so callers can save it as they like.

    `tilt` is how far each corner moves, as a share of the page width; `shadow` how much light the
    shadowed part loses; the seal is centred on line `seal_line` (counted from 0) to touch its text.
    """
    rng = random.Random(seed)
    page = page_image(lines, dpi=dpi, seed=seed, skew=0, noise=0, blur=0, font_pt=font_pt).convert("RGB")
    page = Image.eval(page, lambda v: int(v * 0.97))  # paper is never quite white
    width, height = page.size
    if seal_text and seal_line < len(lines):
        step = int(font_pt / 72 * dpi * 1.9)
        diameter = int(1.6 * dpi)
        y = int(1.0 * dpi) + seal_line * step + step // 3 - diameter // 2
        x = int(0.9 * dpi) + int(font_pt / 72 * dpi * 4.5)
        rgba = page.convert("RGBA")
        rgba.alpha_composite(_seal(diameter, seal_text, seed), (x, max(0, y)))
        page = rgba.convert("RGB")
    margin = int(0.12 * width)
    canvas = Image.new("RGB", (width + 2 * margin, height + 2 * margin), (92, 78, 64))  # a wooden desk
    canvas.paste(page, (margin, margin))
    w, h = canvas.size

    def jitter() -> float:
        return rng.uniform(0.3, 1.0) * tilt * width

    corners = [(margin, margin), (w - margin, margin), (w - margin, h - margin), (margin, h - margin)]
    moved = [
        (margin + jitter(), margin + jitter() * 0.5),
        (w - margin - jitter(), margin + jitter() * 0.3),
        (w - margin + jitter() * 0.4, h - margin - jitter() * 0.2),
        (margin - jitter() * 0.4, h - margin),
    ]
    photo = canvas.transform(
        canvas.size,
        Image.Transform.PERSPECTIVE,
        _perspective_coefficients(moved, corners),
        resample=Image.Resampling.BICUBIC,
        fillcolor=(92, 78, 64),
    )
    if shadow:
        # a soft diagonal shadow (a hand or the phone) across part of the page
        mask = Image.new("L", photo.size, 0)
        x0 = rng.uniform(0.22, 0.4) * w
        ImageDraw.Draw(mask).polygon([(x0, 0), (w, 0), (w, h), (x0 + 0.35 * w, h)], fill=int(255 * shadow))
        mask = mask.filter(ImageFilter.GaussianBlur(dpi / 3))
        photo = Image.composite(Image.new("RGB", photo.size, (0, 0, 0)), photo, mask)
    photo = photo.filter(ImageFilter.GaussianBlur(0.7))
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=quality)
    buffer.seek(0)
    decoded = Image.open(buffer)
    decoded.load()
    return decoded


def character_error_rate(expected: str, read: str) -> float:
    """Edit distance between what was rendered and what OCR read, over the rendered length; both NFKC,
    without white space, with the punctuation forms OCR confuses folded (：/: and （/( read alike)."""
    from rapidfuzz.distance import Levenshtein

    def plain(text: str) -> str:
        text = unicodedata.normalize("NFKC", text)
        return "".join(c for c in text if not c.isspace())

    truth = plain(expected)
    return Levenshtein.distance(truth, plain(read)) / max(1, len(truth))
