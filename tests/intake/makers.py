"""Packages as applicants send them, made at test time: nothing binary is committed."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterable
from email.message import EmailMessage
from pathlib import Path

import libarchive
import pikepdf
from PIL import Image


def jpeg_bytes() -> bytes:
    """A small real JPEG (the archive's checks decode it)."""
    buffer = io.BytesIO()
    Image.new("L", (80, 120), 240).save(buffer, "JPEG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    """A one-page real PDF."""
    buffer = io.BytesIO()
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        pdf.save(buffer)
    return buffer.getvalue()


class GbkName(zipfile.ZipInfo):
    """A member written as Windows in China writes it: the name in GBK, the UTF-8 flag (bit 11) clear."""

    codec = "gbk"

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:
        return self.filename.encode(self.codec), self.flag_bits & ~0x800


class EncryptedMember(zipfile.ZipInfo):
    """A member whose headers say it is password-protected (bit 0), as a zip made with a password has.
    zipfile clears the flags it is given when it writes, so they are set where the headers are made."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:
        name, flags = super()._encodeFilenameFlags()
        return name, flags | 0x1


class UnflaggedUtf8Name(GbkName):
    """As macOS's Archive Utility writes it: the name in UTF-8, the flag clear all the same."""

    codec = "utf-8"


def gbk_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(GbkName(name), data)
    return path


def zip_of(path: Path, members: Iterable[tuple[str | zipfile.ZipInfo, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return path


def seven_zip(path: Path, members: dict[str, bytes]) -> Path:
    """A .7z written by libarchive (the same library that reads it; p7zip is not needed)."""
    with libarchive.file_writer(str(path), "7zip") as archive:
        for name, data in members.items():
            archive.add_file_from_memory(name, len(data), data)
    return path


def rar4(path: Path, members: dict[str, bytes], *, encrypted: Iterable[str] = ()) -> Path:
    """A RAR 4 archive with stored (uncompressed) members, written block by block from the format's
    description: RAR's own tools are non-free (not in Debian main), so none can make one here.
    A member named in `encrypted` carries the header's password flag (0x04)."""
    locked = set(encrypted)

    def block(kind: int, flags: int, body: bytes, data: bytes = b"") -> bytes:
        head = struct.pack("<BHH", kind, flags, 7 + len(body)) + body
        return struct.pack("<H", zlib.crc32(head) & 0xFFFF) + head + data

    out = bytearray(b"Rar!\x1a\x07\x00")
    out += block(0x73, 0, b"\x00" * 6)  # the archive header
    for name, data in members.items():
        encoded = name.encode("utf-8")
        flags = 0x8000 | (0x04 if name in locked else 0)  # 0x8000: a data area follows
        body = struct.pack(
            "<IIBIIBBHI", len(data), len(data), 3, zlib.crc32(data), 0x5A8E0000, 20, 0x30, len(encoded), 0o100644
        )  # packed and unpacked size, host OS (Unix), CRC, DOS time, version 2.0, method 0x30 (stored), name, mode
        out += block(0x74, flags, body + encoded, data)
    out += block(0x7B, 0x4000, b"")  # the end of the archive
    path.write_bytes(bytes(out))
    return path


def email_with(
    path: Path, attachments: dict[str, bytes], *, body: str = "请查收申报材料。", forwarded: EmailMessage | None = None
) -> Path:
    """An .eml as a mail program saves it; attachment names with Chinese in RFC 2231 (filename*=utf-8''...)."""
    message = EmailMessage()
    message["From"] = "申报单位 <apply@example.com>"
    message["To"] = "rsj@example.gov.cn"
    message["Subject"] = "2021年公共实训基地申报材料"
    message.set_content(body)
    for name, data in attachments.items():
        message.add_attachment(data, maintype="application", subtype="octet-stream", filename=("utf-8", "", name))
    if forwarded is not None:
        message.add_attachment(forwarded)
    path.write_bytes(bytes(message))
    return path
