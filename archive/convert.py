"""Images to PDF before OCR: lossless (img2pdf), EXIF orientation honoured, every TIFF page kept."""

from __future__ import annotations

import io
from pathlib import Path

import img2pdf
from PIL import Image, ImageOps

from archive.errors import RejectedFile


def image_to_pdf(source: Path, target: Path) -> None:
    """Write `source` (JPEG, PNG or TIFF, any number of frames) as a PDF at `target`.

    img2pdf embeds JPEG and most PNG/TIFF data without re-encoding and turns the page by the
    EXIF orientation (phone photos of certificates are stored sideways). Images it cannot embed
    as they are (alpha channels, odd modes) are converted to lossless PNG with Pillow first, the
    orientation applied to the pixels.
    """
    try:
        target.write_bytes(img2pdf.convert(str(source), rotation=img2pdf.Rotation.ifvalid))
        return
    except (img2pdf.AlphaChannelError, img2pdf.ImageOpenError, ValueError, TypeError):
        pass
    frames = []
    try:
        with Image.open(source) as image:
            for index in range(getattr(image, "n_frames", 1)):
                image.seek(index)
                frame = ImageOps.exif_transpose(image.copy())
                if frame.mode in ("RGBA", "LA", "P"):
                    flat = Image.new("RGB", frame.size, "white")
                    rgba = frame.convert("RGBA")
                    flat.paste(rgba, mask=rgba.getchannel("A"))
                    frame = flat
                elif frame.mode not in ("RGB", "L", "1"):
                    frame = frame.convert("RGB")
                buffer = io.BytesIO()
                frame.save(buffer, "PNG", dpi=image.info.get("dpi", (300, 300)))
                frames.append(buffer.getvalue())
        target.write_bytes(img2pdf.convert(frames))
    except Exception as exc:
        raise RejectedFile(f"{source}: image could not be converted to PDF ({exc})") from None
