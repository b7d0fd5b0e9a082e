"""Opening what an applicant sent: a folder, a .zip, .rar or .7z, or an e-mail (.eml), into a list of
files with their path inside the package, unpacked into a temporary folder that the caller holds
while it works and that is removed on every path (`with open_package(path) as package: ...`).

Names. Zips made on Windows in China carry GBK names without the UTF-8 flag (zipfile then shows
cp437 mojibake): a name is read as UTF-8 when the flag says so, else from an Info-ZIP Unicode Path
field (7-Zip and WinRAR write one), else as UTF-8 when its bytes are UTF-8 that spell Chinese (macOS
writes UTF-8 without the flag; GBK bytes that happen to be valid UTF-8 spell Latin letters, not
Chinese), else GBK, else cp437. An e-mail's attachment names come decoded by the standard library
(RFC 2231 and encoded words), and raw GBK or UTF-8 bytes that some mail programs write are read too.

Limits. Each is refused in one line that names the package and the member, and nothing is kept:
more than LIMITS.total_bytes unpacked, a member compressed more than LIMITS.ratio to 1 (a zip bomb),
more than LIMITS.members files, packages nested deeper than LIMITS.depth (a zip inside the zip is
unpacked, up to that depth), a member whose path would leave the package (`../`, `/etc`, `C:\\`),
links, and password-protected members (asking for the file without a password).
"""

from __future__ import annotations

import ctypes
import email
import email.policy
import mimetypes
import re
import stat
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from pathlib import Path
from typing import IO

from archive import INVISIBLE, safe_filename, sniff
from docgen.errors import BadInputError

CONTAINERS = ("zip", "rar", "7z", "eml")
_LOCKED = "password-protected; ask the applicant for the file without a password"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Limits:
    total_bytes: int = 1 << 30  # 1 GiB unpacked: a bound for 300 pages of colour scans with room to spare
    members: int = 2000  # files in all, nested packages included; an application has tens to hundreds
    ratio: int = 200  # unpacked : packed, for members over RATIO_FLOOR; zip bombs reach about 1000
    depth: int = 3  # the package, a package inside it, one more inside that


LIMITS = Limits()
RATIO_FLOOR = 1 << 20  # small files (text, XML) compress well and harmlessly


class PackageRefused(BadInputError):
    """A package that cannot be opened safely or completely; one line naming the package and the member."""


@dataclass(frozen=True)
class PackageFile:
    inside: str  # the path inside the package, '/'-separated; a nested package's files: 'a.zip/b/c.pdf'
    path: Path  # on disk: in the temporary folder, or the file itself when a folder was given
    size: int


@dataclass
class Package:
    source: Path
    files: list[PackageFile] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (inside, why in Chinese): system clutter
    notes: list[str] = field(default_factory=list)  # for the clerk, in Chinese


@contextmanager
def open_package(source: Path, limits: Limits = LIMITS, *, workdir: Path | None = None) -> Iterator[Package]:
    """The files of `source` (a folder, a .zip/.rar/.7z, an .eml, or one plain file), unpacked into a
    temporary folder (under `workdir` if given) that is removed when the block ends, however it ends."""
    source = Path(source)
    if not source.exists() and not source.is_symlink():
        raise BadInputError(f"{source}: no such file or folder")
    with tempfile.TemporaryDirectory(prefix="docgen-intake-", dir=workdir) as folder:
        unpacker = _Unpacker(source, Path(folder), limits)
        unpacker.open()
        yield unpacker.package


def show(inside: str) -> str:
    """A member's path as it may be shown: invisible and reordering characters replaced."""
    return re.sub(f"[{INVISIBLE}]", "?", inside)


_DRIVE = re.compile(r"^[A-Za-z]:")
_CLUTTER = {  # lower-case names, and what they are
    "__macosx": "macOS 压缩时附带的文件",
    ".ds_store": "macOS 文件夹设置",
    "thumbs.db": "Windows 缩略图缓存",
    "desktop.ini": "Windows 文件夹设置",
}


def _clutter(name: str) -> str:
    if name.lower() in _CLUTTER:
        return _CLUTTER[name.lower()]
    if name.startswith("~$"):
        return "Office 打开文件时留下的临时文件"
    if name.startswith("."):
        return "隐藏文件"
    return ""


class _Unpacker:
    def __init__(self, source: Path, root: Path, limits: Limits) -> None:
        self.source = source
        self.root = root
        self.limits = limits
        self.package = Package(source)
        self.unpacked = 0  # bytes written so far, all packages together
        self.count = 0  # files found so far, all packages together
        self.slots = 0  # folders made on disk

    def refuse(self, member: str, problem: str) -> PackageRefused:
        where = f"{show(member)}: " if member else ""
        return PackageRefused(f"{self.source.name}: {where}{problem}; nothing was kept")

    # --- what came -------------------------------------------------------------------------------

    def open(self) -> None:
        if self.source.is_symlink():
            raise self.refuse("", "a symbolic link; give the file or folder itself")
        if self.source.is_dir():
            self._folder(self.source)
            return
        kind = sniff(self.source)
        if kind in CONTAINERS:
            self._container(self.source, kind, "", 1)
        else:
            self._add(self.source.name, self.source, 1, unpacked=False)

    def _folder(self, folder: Path) -> None:
        for path in sorted(folder.rglob("*")):
            parts = list(path.relative_to(folder).parts)
            inside = "/".join(parts)
            if self._skipped("", parts):
                continue
            if path.is_symlink():
                raise self.refuse(inside, "a symbolic link; put the file itself in the folder")
            if path.is_dir():
                continue
            if not stat.S_ISREG(path.stat().st_mode):
                raise self.refuse(inside, "not a regular file (a device, a pipe or a socket)")
            self._add(inside, path, 1, unpacked=False)

    def _skipped(self, prefix: str, parts: list[str]) -> bool:
        """System clutter (__MACOSX, Thumbs.db, ~$ files, hidden files): listed once, never taken."""
        for end, part in enumerate(parts, 1):
            if why := _clutter(part):
                entry = (prefix + "/".join(parts[:end]), why)
                if entry not in self.package.skipped:
                    self.package.skipped.append(entry)
                return True
        return False

    def _too_deep(self) -> str:
        return f"packages nested more than {self.limits.depth} deep; unpack it first"

    def _too_big(self) -> str:
        return f"the package unpacks to more than {self.limits.total_bytes >> 20} MB"

    def _container(self, path: Path, kind: str, prefix: str, depth: int) -> None:
        if depth > self.limits.depth:
            raise self.refuse(
                prefix.rstrip("/"), f"packages nested more than {self.limits.depth} deep; unpack it first"
            )
        if kind == "zip":
            self._zip(path, prefix, depth)
        elif kind == "eml":
            self._email(path, prefix, depth)
        else:
            self._libarchive(path, prefix, depth)

    def _add(self, inside: str, path: Path, depth: int, *, unpacked: bool = True) -> None:
        """One file found: a package inside the package is opened in its place, anything else listed."""
        kind = sniff(path)
        if kind in CONTAINERS:
            self._container(path, kind, inside + "/", depth + 1)
            if unpacked:
                path.unlink()  # its files are what counts
            return
        self._room(inside)
        self.count += 1
        self.package.files.append(PackageFile(inside, path, path.stat().st_size))

    def _room(self, inside: str, more: int = 1) -> None:
        if self.count + more > self.limits.members:
            raise self.refuse(inside, f"more than {self.limits.members} files in the package; send it in parts")

    def _target(self, inside: str) -> Path:
        """Where a member goes on disk: a numbered folder of its own (no clashes, no long paths), its name made safe."""
        self.slots += 1
        folder = self.root / f"{self.slots:05d}"
        folder.mkdir()
        return folder / safe_filename(inside.rsplit("/", 1)[-1])

    def _write(self, inside: str, chunks: Iterable[bytes], target: Path, packed: int | None, start: int) -> None:
        """Copy a member's bytes to `target`, stopping at the limits whatever its header said: `packed` bytes
        (of the member, or of its whole archive) have grown to what was written since `start`."""
        with target.open("wb") as out:
            for chunk in chunks:
                self.unpacked += len(chunk)
                if self.unpacked > self.limits.total_bytes:
                    raise self.refuse(inside, self._too_big())
                grown = self.unpacked - start
                if packed is not None and grown > RATIO_FLOOR and grown > self.limits.ratio * max(packed, 1):
                    raise self.refuse(inside, f"compressed more than {self.limits.ratio} to 1 (a zip bomb)")
                out.write(chunk)

    def _path(self, prefix: str, name: str) -> tuple[str, list[str]]:
        """The member's path inside the package, refused when it would leave it."""
        name = name.replace("\\", "/")
        parts = [p for p in name.split("/") if p not in ("", ".")]
        if name.startswith("/") or _DRIVE.match(name) or ".." in parts:
            raise self.refuse(prefix + name, "a path that leads out of the package (../, / or a drive letter)")
        return prefix + "/".join(parts), parts

    # --- zip -------------------------------------------------------------------------------------

    def _zip(self, path: Path, prefix: str, depth: int) -> None:
        try:
            with zipfile.ZipFile(path) as archive:
                members = [(info, *self._path(prefix, zip_name(info))) for info in archive.infolist()]
                members = [m for m in members if not m[0].is_dir() and m[2] and not self._skipped(prefix, m[2])]
                self._check_zip(members)
                for info, inside, _ in members:
                    target = self._target(inside)
                    with archive.open(info) as member:
                        self._write(inside, _chunks(member), target, info.compress_size, self.unpacked)
                    self._add(inside, target, depth)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise self.refuse(prefix.rstrip("/"), f"a damaged ZIP ({exc}); ask for the package again") from None
        except NotImplementedError as exc:
            raise self.refuse(
                prefix.rstrip("/"), f"packed in a way this program cannot unpack ({exc}); pack it again with 7-Zip"
            ) from None

    def _check_zip(self, members: list[tuple[zipfile.ZipInfo, str, list[str]]]) -> None:
        """Everything the central directory tells, before one byte is unpacked."""
        if members:
            self._room(members[min(len(members) - 1, self.limits.members - self.count)][1], len(members))
        declared = self.unpacked
        for info, inside, _ in members:
            if stat.S_ISLNK(info.external_attr >> 16):
                raise self.refuse(inside, "a symbolic link inside the package; put the file itself in it")
            if info.flag_bits & 0x1:
                raise self.refuse(inside, _LOCKED)
            declared += info.file_size
            if declared > self.limits.total_bytes:
                raise self.refuse(inside, self._too_big())
            if info.file_size > RATIO_FLOOR and info.file_size > self.limits.ratio * max(info.compress_size, 1):
                ratio = info.file_size // max(info.compress_size, 1)
                raise self.refuse(inside, f"compressed {ratio} to 1 (over {self.limits.ratio}: a zip bomb)")

    # --- rar and 7z, through libarchive ----------------------------------------------------------

    def _libarchive(self, path: Path, prefix: str, depth: int) -> None:
        import libarchive
        from libarchive.exception import ArchiveError

        packed, start = path.stat().st_size, self.unpacked
        inside = prefix.rstrip("/")
        try:
            with libarchive.file_reader(str(path)) as archive:
                for entry in archive:
                    inside, parts = self._path(prefix, _entry_name(entry.pathname))
                    if entry.isdir or not parts or self._skipped(prefix, parts):
                        continue
                    if entry.issym or entry.islnk:
                        raise self.refuse(inside, "a link inside the package; put the file itself in it")
                    if not entry.isreg:
                        raise self.refuse(inside, "not a regular file (a device or a pipe)")
                    if _is_encrypted(entry):
                        raise self.refuse(inside, _LOCKED)
                    self._room(inside)
                    if entry.size and self.unpacked + entry.size > self.limits.total_bytes:
                        raise self.refuse(inside, self._too_big())
                    target = self._target(inside)
                    self._write(inside, entry.get_blocks(), target, packed, start)
                    self._add(inside, target, depth)
        except ArchiveError as exc:
            text = str(exc)
            if "assphrase" in text or "ncrypt" in text:
                problem = "password-protected; ask the applicant for the package without a password"
                raise self.refuse(inside, problem) from None
            raise self.refuse(inside, f"a damaged archive ({text.splitlines()[0][:120]}); ask for it again") from None

    # --- e-mail ----------------------------------------------------------------------------------

    def _email(self, path: Path, prefix: str, depth: int) -> None:
        if path.stat().st_size > self.limits.total_bytes:
            raise self.refuse(prefix.rstrip("/"), f"an e-mail larger than {self.limits.total_bytes >> 20} MB")
        with path.open("rb") as handle:
            message = email.message_from_binary_file(handle, policy=email.policy.default)
        self._message(message, prefix, depth)

    def _message(self, message: Message, prefix: str, depth: int) -> None:
        unnamed = 0
        for part in _leaves(message):
            if part.get_content_type() == "message/rfc822":  # a message forwarded as an attachment
                inner = part.get_payload()
                if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                    name = _attachment_name(part) or _subject(inner[0]) or "转发的邮件"
                    nested = prefix + safe_filename(name)
                    if depth + 1 > self.limits.depth:
                        raise self.refuse(
                            nested, f"packages nested more than {self.limits.depth} deep; unpack it first"
                        )
                    self._message(inner[0], nested + "/", depth + 1)
                continue
            name = _attachment_name(part)
            if not name and part.get_content_maintype() == "text":
                self._body_note(part)
                continue
            if not name:
                unnamed += 1
                name = f"未命名附件{unnamed}{mimetypes.guess_extension(part.get_content_type()) or ''}"
            data = part.get_payload(decode=True)
            if not isinstance(data, bytes):
                continue
            inside = prefix + safe_filename(name)  # an attachment's name is one name, whatever slashes it holds
            self._room(inside)
            target = self._target(inside)
            self._write(inside, (data[i : i + _CHUNK] for i in range(0, len(data), _CHUNK)), target, None, 0)
            self._add(inside, target, depth)

    def _body_note(self, part: Message) -> None:
        """Large attachments (超大附件) of QQ, 163 and other webmail are links in the text, not in the .eml."""
        try:
            text = part.get_content() if isinstance(part, EmailMessage) else str(part.get_payload())
        except (LookupError, ValueError):
            return
        if isinstance(text, str) and re.search(r"超大附件|ftnExs_download|large-?attach", text, re.IGNORECASE):
            note = "邮件正文提到“超大附件”：这些附件是下载链接，不在邮件文件里；请下载后一并提交（链接会过期）"
            if note not in self.package.notes:
                self.package.notes.append(note)


def zip_name(info: zipfile.ZipInfo) -> str:
    """A zip member's name as its maker meant it (see the module's docstring for the order)."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.orig_filename.encode("cp437")  # what zipfile decoded as cp437: the bytes as stored
    if unicode_path := _unicode_path_field(info.extra, raw):
        return unicode_path
    try:
        text = raw.decode("utf-8")
        if re.search(r"[\u3400-\u9fff]", text):
            return text
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gbk")
    except UnicodeDecodeError:
        return info.orig_filename


def _unicode_path_field(extra: bytes, raw: bytes) -> str:
    """The Info-ZIP Unicode Path extra field (0x7075): version 1, the CRC-32 of the stored name, UTF-8."""
    offset = 0
    while offset + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, offset)
        body = extra[offset + 4 : offset + 4 + size]
        if tag == 0x7075 and len(body) > 5 and body[0] == 1 and struct.unpack_from("<I", body, 1)[0] == zlib.crc32(raw):
            try:
                return body[5:].decode("utf-8")
            except UnicodeDecodeError:
                return ""
        offset += 4 + size
    return ""


def _chunks(handle: IO[bytes]) -> Iterator[bytes]:
    while chunk := handle.read(_CHUNK):
        yield chunk


def _entry_name(name: str | bytes | None) -> str:
    if isinstance(name, bytes):
        for codec in ("utf-8", "gbk"):
            try:
                return name.decode(codec)
            except UnicodeDecodeError:
                continue
        return name.decode("cp437")
    return name or "unnamed"


def _is_encrypted(entry: object) -> bool:
    """libarchive's archive_entry_is_encrypted, which libarchive-c does not wrap."""
    from libarchive import ffi

    function = getattr(ffi.libarchive, "archive_entry_is_encrypted", None)
    if function is None:
        return False
    function.argtypes, function.restype = [ctypes.c_void_p], ctypes.c_int
    return bool(function(entry._entry_p))  # type: ignore[attr-defined]


def _leaves(message: Message) -> Iterator[Message]:
    """The parts of a message that are not multipart containers; an attached message is one leaf."""
    if message.get_content_type() == "message/rfc822":
        yield message
    elif message.is_multipart():
        for part in message.get_payload():
            if isinstance(part, Message):
                yield from _leaves(part)
    else:
        yield message


def _attachment_name(part: Message) -> str:
    """The standard library decodes RFC 2231 and encoded words; raw 8-bit bytes in the header, which some
    mail programs write against RFC 2047, it reads as UTF-8 with replacement characters: those are read
    again from the header as stored, as UTF-8 or else GBK."""
    name = part.get_filename() or ""
    if "\ufffd" in name or re.search("[\udc80-\udcff]", name):
        for key, value in part.raw_items():
            found = re.search(r'filename\s*=\s*"?([^";\r\n]+)', str(value))
            if key.lower() == "content-disposition" and found:
                return _raw_header_text(found.group(1)).strip()
    return name.strip()


def _subject(message: Message) -> str:
    return _raw_header_text(str(message.get("subject", "") or "")).strip()


def _raw_header_text(text: str) -> str:
    """Mail programs that put raw 8-bit GBK or UTF-8 in a header (against RFC 2047) give surrogates here."""
    if not re.search("[\udc80-\udcff]", text):
        return text
    raw = text.encode("utf-8", "surrogateescape")
    for codec in ("utf-8", "gbk"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "replace")
