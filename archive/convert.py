"""Images to PDF before OCR: EXIF orientation honoured, every TIFF page kept, a page of a sensible size.

JPEG, PNG and TIFF go in without re-encoding (img2pdf). HEIC and WebP, which a PDF cannot hold, are
re-encoded as JPEG at quality 95 (they are lossy photographs already: lossless PNG made a 12 MP
phone photo ten times larger for nothing); BMP and images with transparency as lossless PNG.

The page size. A scanner writes the resolution it scanned at, and the page comes out at its real
size. Phones, screenshots and chat apps write none (img2pdf then assumes 96 dpi: an A4 scan made at
300 dpi became a 66 x 93 cm page) or 72 dpi (a 12 MP photo 1.4 m tall). So an image without a
resolution, or whose resolution would make a page larger than A3 (or tabloid), is fitted inside A4, its longer
side along A4's: an A4 scan at 300 dpi comes out A4 at 300 dpi, a 4032 x 3024 photo 280 x 210 mm
at 366 dpi. Its record says so. The pixels are never resampled: only the page they are laid on.
"""

from __future__ import annotations

import io
from pathlib import Path

import img2pdf
import pillow_heif
from PIL import Image, ImageOps

from archive.errors import RejectedFile

MM_PER_INCH = 25.4
A4_MM = (210.0, 297.0)
LARGEST_PAGE_MM = 432.0  # A3 (420 mm) and US tabloid (432 mm): a stated resolution making a larger page is no scanner's
_REENCODED_AS_JPEG = ("HEIF", "WEBP")

pillow_heif.register_heif_opener()


def layout_dpi(width: int, height: int, stated: tuple[float, float] | None) -> tuple[tuple[float, float], str]:
    """The resolution to lay an image of `width` x `height` pixels out at, and why when it is not its own."""
    if stated and min(stated) >= 10:
        longest = max(width / stated[0], height / stated[1]) * MM_PER_INCH
        if longest <= LARGEST_PAGE_MM:
            return (float(stated[0]), float(stated[1])), ""
        why = f"its stated {stated[0]:.0f} dpi would make a {longest / 10:.0f} cm page"
    else:
        why = "it states no resolution"
    short_mm, long_mm = A4_MM
    dpi = max(max(width, height) / (long_mm / MM_PER_INCH), min(width, height) / (short_mm / MM_PER_INCH))
    page = f"{width / dpi * MM_PER_INCH:.0f} x {height / dpi * MM_PER_INCH:.0f} mm"
    return (dpi, dpi), f"page size from the picture's pixels ({why}): fitted inside A4, {page} at {dpi:.0f} dpi"


def image_to_pdf(source: Path, target: Path) -> str:
    """Write `source` (any image `identify` takes, any number of TIFF pages) as a PDF at `target`;
    returns a note for the record when the page size was not the image's own, else ''."""
    try:
        with Image.open(source) as image:
            dpi, note = layout_dpi(image.width, image.height, _stated_dpi(image))
            embeddable = image.format in ("JPEG", "PNG", "TIFF")
    except Exception as exc:
        raise RejectedFile(f"{source}: image could not be read ({exc})") from None
    layout = img2pdf.get_fixed_dpi_layout_fun(dpi)
    if embeddable:
        try:
            target.write_bytes(img2pdf.convert(str(source), rotation=img2pdf.Rotation.ifvalid, layout_fun=layout))
            return note
        except (img2pdf.AlphaChannelError, img2pdf.ImageOpenError, ValueError, TypeError):
            pass  # alpha channels, odd modes: through Pillow below
    try:
        target.write_bytes(img2pdf.convert(_frames(source), layout_fun=layout))
    except Exception as exc:
        raise RejectedFile(f"{source}: image could not be converted to PDF ({exc})") from None
    return note


def _stated_dpi(image: Image.Image) -> tuple[float, float] | None:
    dpi = image.info.get("dpi")
    try:
        return (float(dpi[0]), float(dpi[1])) if dpi else None
    except (TypeError, ValueError, IndexError):
        return None


def _frames(source: Path) -> list[bytes]:
    """Each page as an image img2pdf embeds: the orientation applied to the pixels, transparency flattened
    onto white; JPEG for photographs that were lossy already, PNG otherwise."""
    frames = []
    with Image.open(source) as image:
        count = getattr(image, "n_frames", 1) if image.format == "TIFF" else 1
        as_jpeg = image.format in _REENCODED_AS_JPEG
        for index in range(count):
            image.seek(index)
            frame = ImageOps.exif_transpose(image.copy())
            if frame.mode in ("RGBA", "LA", "P", "PA"):
                flat = Image.new("RGB", frame.size, "white")
                rgba = frame.convert("RGBA")
                flat.paste(rgba, mask=rgba.getchannel("A"))
                frame = flat
            elif frame.mode not in ("RGB", "L", "1"):
                frame = frame.convert("RGB")
            buffer = io.BytesIO()
            if as_jpeg:
                frame.convert("RGB" if frame.mode != "L" else "L").save(buffer, "JPEG", quality=95, subsampling=0)
            else:
                frame.save(buffer, "PNG")
            frames.append(buffer.getvalue())
    return frames
