"""What a submitted file is, by its bytes, and whether it can be archived.

Supported: PDF, JPEG, PNG, TIFF. Checked before anything is stored: empty files, files whose
contents do not match (a text file named .pdf), unsupported types (.docx), encrypted PDFs,
truncated or damaged PDFs, images too large to decode safely (decompression bombs).
"""

from __future__ import annotations

import stat
import warnings
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from PIL import Image

from archive.errors import RejectedFile

SUPPORTED = "PDF, JPEG, PNG, TIFF"
MAX_MEGAPIXELS = 100  # A4 at 600 dpi is 35 MP; A3 at 600 dpi 70 MP
_MAGIC = {b"%PDF-": "pdf", b"\xff\xd8\xff": "jpeg", b"\x89PNG\r\n\x1a\n": "png", b"II*\x00": "tiff", b"MM\x00*": "tiff"}
MEDIA_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png", "tiff": "image/tiff"}


@dataclass(frozen=True)
class Identified:
    kind: str  # pdf, jpeg, png, tiff
    pages: int
    signed: bool = False
    repaired: bool = False

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.kind]


def identify(path: Path, *, follow_link: bool = False) -> Identified:
    """Raise RejectedFile with the reason, or say what the file is. A symbolic link is refused unless
    `follow_link` (a link named on the command line), and then only when it leads to a regular file."""
    if path.is_symlink():
        if not follow_link:
            raise RejectedFile(f"{path}: a symbolic link inside an evidence folder; put the file itself there")
        if not path.resolve().is_file():
            raise RejectedFile(f"{path}: a symbolic link to something that is not a regular file")
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise RejectedFile(f"{path}: not a regular file (a device, a pipe or a socket)")
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError as exc:
        raise RejectedFile(f"{path}: cannot be read ({exc.strerror})") from None
    if size == 0:
        raise RejectedFile(f"{path}: empty file")
    kind = next((k for magic, k in _MAGIC.items() if head.startswith(magic)), None)
    if kind is None:
        if b"%PDF-" in head:  # junk before the header, which readers tolerate
            kind = "pdf"
        else:
            return _unsupported(path, head)
    if kind == "pdf":
        return _check_pdf(path)
    return _check_image(path, kind)


def _unsupported(path: Path, head: bytes) -> Identified:
    suffix = path.suffix.lower()
    if suffix in (".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff"):
        what = "text" if _looks_like_text(head) else "binary data of another kind"
        raise RejectedFile(f"{path}: named {suffix} but its contents are not (it holds {what}); supported: {SUPPORTED}")
    raise RejectedFile(f"{path}: unsupported type {suffix or '(no extension)'}; supported: {SUPPORTED}")


def _looks_like_text(head: bytes) -> bool:
    """Whether a file starts like text; said instead of showing its bytes, which may be anyone's secret."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\0" not in head


def _check_pdf(path: Path) -> Identified:
    repaired = False
    try:
        pdf = pikepdf.open(path, attempt_recovery=False)
    except pikepdf.PasswordError:
        raise RejectedFile(
            f"{path}: password-protected PDF; decrypt a copy first: qpdf --decrypt --password=PASSWORD in.pdf out.pdf"
        ) from None
    except pikepdf.PdfError:
        if not _ends_with_eof(path):
            raise RejectedFile(f"{path}: truncated PDF (no %%EOF); ask for the file again") from None
        try:
            pdf = pikepdf.open(path)  # minor damage qpdf can repair; the original is kept as received
            repaired = True
        except pikepdf.PdfError as exc:
            raise RejectedFile(f"{path}: damaged PDF that cannot be read ({str(exc).splitlines()[0]})") from None
    with pdf:
        if pdf.is_encrypted:
            raise RejectedFile(f"{path}: encrypted PDF; decrypt a copy first with qpdf --decrypt in.pdf out.pdf")
        try:
            pages = len(pdf.pages)
        except pikepdf.PdfError as exc:
            raise RejectedFile(f"{path}: damaged PDF ({exc})") from None
        if pages == 0:
            raise RejectedFile(f"{path}: PDF without pages")
        acroform = pdf.Root.get("/AcroForm")
        signed = bool(acroform is not None and int(acroform.get("/SigFlags", 0)) & 1)
    return Identified("pdf", pages, signed=signed, repaired=repaired)


def _ends_with_eof(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - 2048))
        return b"%%EOF" in handle.read()


def _check_image(path: Path, kind: str) -> Identified:
    try:
        with warnings.catch_warnings():
            # Pillow warns above 89 MP; our own limit below decides, and Pillow still raises above 178 MP
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path)
        with image:
            megapixels = image.width * image.height / 1e6
            if megapixels > MAX_MEGAPIXELS:
                raise RejectedFile(
                    f"{path}: image of {megapixels:.0f} megapixels (over {MAX_MEGAPIXELS}); scan at 300-600 dpi"
                )
            frames = getattr(image, "n_frames", 1)
            image.verify()
    except Image.DecompressionBombError:
        raise RejectedFile(f"{path}: image too large to decode safely (decompression bomb)") from None
    except RejectedFile:
        raise
    except Exception as exc:  # Pillow raises many kinds for damaged images
        raise RejectedFile(f"{path}: damaged {kind.upper()} image ({exc})") from None
    return Identified(kind, frames)
