"""What a submitted file is, by its bytes, and whether it can be archived.

Taken: PDF; JPEG, PNG, TIFF, HEIC/HEIF, WebP and BMP images; Word, Excel and WPS documents and
OpenDocument (.docx .doc .wps .xlsx .xls .et .odt .ods), which LibreOffice turns into PDF
(archive/office.py). A file is known by its contents, never by its name alone: a HEIC photo renamed
.jpg is a HEIC photo, a .wps is a Word binary file inside, an .et an Excel one.

Refused before anything is stored, each with the next step: empty files, contents that do not
match the name, encrypted PDFs and password-protected Office files, truncated or damaged files,
images too large to decode safely, OFD (no reader we trust: see OFD_ADVICE), archives and e-mails
(unpacked by docgen's intake, not here), presentations, videos, anything else.
"""

from __future__ import annotations

import re
import stat
import struct
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import olefile
import pikepdf
import pillow_heif
from PIL import Image

from archive.errors import RejectedFile

pillow_heif.register_heif_opener()  # HEIC/HEIF through Pillow, like any other image

SUPPORTED = "PDF, JPEG, PNG, TIFF, HEIC, WebP, BMP, Word/WPS (.docx .doc .wps .odt), Excel/WPS (.xlsx .xls .et .ods)"
MAX_MEGAPIXELS = 100  # A4 at 600 dpi is 35 MP; A3 at 600 dpi 70 MP
OFFICE_MAX_UNPACKED = 512 * 1024 * 1024  # what an Office file's zip may unpack to: a 50 MB .docx of photos is 55 MB

IMAGE_KINDS = ("jpeg", "png", "tiff", "heif", "webp", "bmp")
OFFICE_KINDS = ("docx", "xlsx", "odt", "ods", "doc", "xls")
SPREADSHEET_KINDS = ("xlsx", "ods", "xls")
CONTAINER_KINDS = ("zip", "rar", "7z", "eml")  # packages: docgen's intake opens them, the archive does not

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "tiff": "image/tiff",
    "heif": "image/heif",
    "webp": "image/webp",
    "bmp": "image/bmp",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
}

_MAGIC = {
    b"%PDF-": "pdf",
    b"\xff\xd8\xff": "jpeg",
    b"\x89PNG\r\n\x1a\n": "png",
    b"II*\x00": "tiff",
    b"MM\x00*": "tiff",
    b"BM": "bmp",
    b"PK\x03\x04": "zip",
    b"PK\x05\x06": "zip",  # an empty zip
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "ole2",
    b"Rar!\x1a\x07": "rar",
    b"7z\xbc\xaf\x27\x1c": "7z",
    b"\x1f\x8b": "gzip",
}
_BMP_HEADER_SIZES = {12, 40, 52, 56, 64, 108, 124}  # BITMAPCOREHEADER ... BITMAPV5HEADER
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}
_OOXML_MARKERS = (  # in [Content_Types].xml; ms-word. etc.: macro-enabled documents and templates
    (b"wordprocessingml", "docx"),
    (b"spreadsheetml", "xlsx"),
    (b"presentationml", "pptx"),
    (b"ms-word.", "docx"),
    (b"ms-excel.", "xlsx"),
    (b"ms-powerpoint.", "pptx"),
)
_HEADER = re.compile(rb"^[A-Za-z0-9-]+:[ \t]")

# OFD (GB/T 33190) e-licences and e-invoices: easyofd, the one Python reader, draws pages with its own
# renderer and its tracker shows seals left out (#41), embedded fonts garbled (#13) and fonts failing
# on Linux (#45); a copy that silently loses the seal is no archive copy. The bureau's own readers do it right.
OFD_ADVICE = (
    "an OFD file (电子证照/电子发票), which the archive cannot read faithfully; open it in the 数科 or 书生 "
    "OFD reader, export or print it to PDF, and give the PDF"
)


@dataclass(frozen=True)
class Identified:
    kind: str  # one of MEDIA_TYPES
    pages: int  # 0 for Office documents: known once LibreOffice has laid them out
    signed: bool = False
    repaired: bool = False

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.kind]


def sniff(path: Path) -> str:
    """What the file is by its contents (no checks): a key of MEDIA_TYPES, or one of zip, rar, 7z, eml,
    gzip, ofd, pptx, odp, ppt, msg, encrypted_office, ole2, avif, video, text, unknown, empty. Raises OSError."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    if not head:
        return "empty"
    kind = next((k for magic, k in _MAGIC.items() if head.startswith(magic)), None)
    if kind == "bmp" and int.from_bytes(head[14:18], "little") not in _BMP_HEADER_SIZES:
        kind = None  # 'BM' alone is too common a start to go by
    if kind is None and b"%PDF-" in head[:1024]:
        return "pdf"  # junk before the header, which readers tolerate
    if kind == "zip":
        return _zip_kind(path)
    if kind == "ole2":
        return _ole_kind(path)
    if kind:
        return kind
    if head[4:8] == b"ftyp":  # ISO media: HEIC photos, AVIF pictures, MP4 and MOV videos
        box = head[8 : int.from_bytes(head[:4], "big")]
        if b"avif" in box:
            return "avif"
        return "heif" if head[8:12] in _HEIF_BRANDS else "video"
    if head[:4] == b"RIFF":
        return "webp" if head[8:12] == b"WEBP" else "video"
    if b"\0" not in head and _looks_like_email(head):  # header values may hold raw GBK bytes
        return "eml"
    if _looks_like_text(head):
        return "text"
    return "unknown"


def _zip_kind(path: Path) -> str:
    """A zip is often a document: Word, Excel, OpenDocument and OFD files are all zips inside."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "OFD.xml" in names:
                return "ofd"
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100]
                for suffix, kind in ((b".text", "odt"), (b".spreadsheet", "ods"), (b".presentation", "odp")):
                    if mimetype.startswith(b"application/vnd.oasis.opendocument") and suffix in mimetype:
                        return kind
            if "[Content_Types].xml" in names:
                types = archive.open("[Content_Types].xml").read(1 << 20)
                for marker, kind in _OOXML_MARKERS:
                    if marker in types:
                        return kind
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, EOFError, NotImplementedError):
        pass  # a damaged zip: `identify` says so
    return "zip"


def _ole_kind(path: Path) -> str:
    """OLE2 compound files: Word 97-2003 (.doc, and WPS's .wps), Excel 97-2003 (.xls, and WPS's .et),
    an encrypted .docx/.xlsx (which Office stores as OLE2), PowerPoint, Outlook messages."""
    try:
        with olefile.OleFileIO(str(path)) as ole:
            streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=True)}
    except (OSError, ValueError, struct.error):
        return "ole2"
    if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
        return "encrypted_office"
    if "WordDocument" in streams:
        return "doc"
    if "Workbook" in streams or "Book" in streams:
        return "xls"
    if "PowerPoint Document" in streams:
        return "ppt"
    if any(name.startswith("__substg1.0_") for name in streams):
        return "msg"
    return "ole2"


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
        kind = sniff(path)
    except OSError as exc:
        raise RejectedFile(f"{path}: cannot be read ({exc.strerror})") from None
    if kind == "empty":
        raise RejectedFile(f"{path}: empty file")
    if kind == "pdf":
        return _check_pdf(path)
    if kind in IMAGE_KINDS:
        return _check_image(path, kind)
    if kind in OFFICE_KINDS:
        return _check_office(path, kind)
    raise RejectedFile(f"{path}: {_refusal(path, kind)}")


_LOCKED = "a password-protected Office document; ask the applicant for a copy without the password, or a PDF"
_NEXT_STEP = {
    "ofd": OFD_ADVICE,
    "zip": "a ZIP archive; unpack it and give the files inside",
    "rar": "a RAR archive; unpack it and give the files inside",
    "7z": "a 7-Zip archive; unpack it and give the files inside",
    "gzip": "a compressed (gzip/tar) archive; unpack it and give the files inside",
    "eml": "an e-mail (.eml); save its attachments and give those",
    "msg": "an Outlook message; save its attachments and give those",
    "encrypted_office": _LOCKED,
    "pptx": "a presentation; save it as PDF in PowerPoint or WPS and give the PDF",
    "odp": "a presentation; save it as PDF and give the PDF",
    "ppt": "a presentation; save it as PDF in PowerPoint or WPS and give the PDF",
    "ole2": "an Office file of a kind the archive does not take; save it as PDF and give the PDF",
    "avif": "an AVIF picture, which the archive does not take; save it as JPEG or PNG and give that",
    "video": "a video or sound recording; the archive keeps documents and pictures: give photos or a PDF instead",
}
_NAMED = {".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".heic", ".heif", ".webp", ".bmp"}
_NAMED |= {".docx", ".doc", ".wps", ".xlsx", ".xls", ".et", ".odt", ".ods"}


def _refusal(path: Path, kind: str) -> str:
    suffix = path.suffix.lower()
    if kind == "zip" and suffix in {".docx", ".xlsx", ".odt", ".ods", ".docm", ".xlsm"}:
        return "damaged Office document (its zip cannot be read); ask for the file again, or a PDF"
    if kind in _NEXT_STEP:
        return _NEXT_STEP[kind]
    if suffix in _NAMED:
        what = "text" if kind in ("text", "eml") else "binary data of another kind"
        return f"named {suffix} but its contents are not (it holds {what}); supported: {SUPPORTED}"
    return f"unsupported type {suffix or '(no extension)'}; supported: {SUPPORTED}"


def _looks_like_email(head: bytes) -> bool:
    """Header lines (or their continuations) up to the first blank line, among them From: or MIME-Version:."""
    names = set()
    for line in head.splitlines():
        if not line.strip():
            break
        if line[:1] in (b" ", b"\t"):
            continue
        if not _HEADER.match(line):
            return False
        names.add(line.split(b":", 1)[0].lower())
    return bool(names & {b"from", b"mime-version"})


def _looks_like_text(head: bytes) -> bool:
    """Whether a file starts like text; said instead of showing its bytes, which may be anyone's secret."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
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
    name = "HEIC" if kind == "heif" else kind.upper()
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
            frames = getattr(image, "n_frames", 1) if kind == "tiff" else 1  # a WebP's animation is not pages
            image.verify()
    except Image.DecompressionBombError:
        raise RejectedFile(f"{path}: image too large to decode safely (decompression bomb)") from None
    except RejectedFile:
        raise
    except Exception as exc:  # Pillow raises many kinds for damaged images
        raise RejectedFile(f"{path}: damaged {name} image ({exc})") from None
    return Identified(kind, frames)


def _check_office(path: Path, kind: str) -> Identified:
    """Readable, not password-protected, and not a zip bomb for LibreOffice to unpack."""
    locked = f"{path}: {_LOCKED}"
    try:
        if kind in ("doc", "xls"):
            if _ole_encrypted(path, kind):
                raise RejectedFile(locked)
            return Identified(kind, 0)
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            unpacked = sum(m.file_size for m in members)
            if unpacked > OFFICE_MAX_UNPACKED:
                raise RejectedFile(
                    f"{path}: an Office document that unpacks to {unpacked // 2**20} MB "
                    f"(over {OFFICE_MAX_UNPACKED // 2**20}); ask for a PDF"
                )
            if any(m.flag_bits & 0x1 for m in members):
                raise RejectedFile(locked)
            if kind in ("odt", "ods") and b"encryption-data" in archive.read("META-INF/manifest.xml"):
                raise RejectedFile(locked)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, struct.error) as exc:
        raise RejectedFile(f"{path}: damaged Office document ({exc}); ask for the file again, or a PDF") from None
    return Identified(kind, 0)


def _ole_encrypted(path: Path, kind: str) -> bool:
    """Word's FIB flag fEncrypted (MS-DOC 2.5.2), or Excel's FILEPASS record after the first BOF (MS-XLS 2.4.117)."""
    with olefile.OleFileIO(str(path)) as ole:
        if kind == "doc":
            head = ole.openstream("WordDocument").read(12)
            return len(head) >= 12 and bool(struct.unpack_from("<H", head, 0x0A)[0] & 0x0100)
        stream = ole.openstream("Workbook" if ole.exists("Workbook") else "Book").read(1 << 16)
    offset = 0
    for _ in range(32):  # FILEPASS, when present, comes right after the workbook's BOF
        if offset + 4 > len(stream):
            break
        record, size = struct.unpack_from("<HH", stream, offset)
        if record == 0x002F:
            return True
        offset += 4 + size
    return False
