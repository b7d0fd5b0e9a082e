"""Office documents to PDF with LibreOffice, headless: the archive copy of a Word or Excel file.

A Word or Excel file is born digital: its archive copy takes its text from the document (ocrmypdf's
`--mode skip` leaves pages that have text alone), so nothing is misread. Only a page with no text at
all (a certificate photo pasted alone on a page) is OCR'd like a scan.

Each conversion runs its own soffice, in a temporary folder that holds its profile, its temporary
files (TMPDIR), the input and the output, removed on every path; in a process group of its own,
killed whole when it overruns (soffice is a script that starts soffice.bin: killing the script alone
left it running). The fresh profile has macros off and no fetching of linked content; a document's
Chinese text without a font on this machine is set in Noto CJK SC (Simplified-Chinese glyph forms).
Measured with LibreOffice 7.4 (Debian 12): writer-only LibreOffice cannot open spreadsheets (it says
"source file could not be loaded" and exits 0: the output file is what tells), and its PDF carries
a trailer /DocChecksum and an /OpenAction view that pikepdf's PDF/A validator cannot certify:
both are removed, nothing visible changes.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

import pikepdf

from archive.errors import EngineMissing, OcrFailed, RejectedFile
from archive.sniff import SPREADSHEET_KINDS

CANDIDATES = ("soffice", "libreoffice")
BASE_SECONDS = 120  # a fresh profile starts in about 2 s; a long document lays out in tens of seconds
SECONDS_PER_MB = 20
MAX_SECONDS = 900
_EXTENSION = {"docx": "docx", "xlsx": "xlsx", "odt": "odt", "ods": "ods", "doc": "doc", "xls": "xls"}
_MODULE = {"writer": ("libswlo.so", "libreoffice-writer-nogui"), "calc": ("libsclo.so", "libreoffice-calc-nogui")}

# Fonts a Chinese Word or WPS document names that a Linux server does not have, by the Noto CJK SC face
# that stands in for them (serif for 宋/仿宋/楷 and the 小标宋 of official documents, sans for 黑体 and
# the Office defaults 微软雅黑 and 等线). Without this, LibreOffice fell back to Noto Sans CJK JP.
SERIF_SC = (
    "宋体", "SimSun", "新宋体", "NSimSun", "仿宋", "FangSong", "仿宋_GB2312", "FangSong_GB2312", "楷体", "KaiTi",
    "楷体_GB2312", "KaiTi_GB2312", "方正小标宋简体", "方正小标宋_GBK", "华文中宋", "STZhongsong", "华文仿宋",
    "华文楷体",
)  # fmt: skip
SANS_SC = ("黑体", "SimHei", "微软雅黑", "Microsoft YaHei", "等线", "DengXian", "方正黑体_GBK", "华文细黑")

_SETTINGS = {  # the profile's registrymodifications.xcu: (path, property, value)
    ("org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel", "3"),  # very high: no macros run
    ("org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution", "true"),
    ("org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks", "true"),
    ("org.openoffice.Office.Linguistic/General", "DefaultLocale_CJK", "zh-CN"),
}


def soffice_path() -> str:
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise EngineMissing(
        "LibreOffice is not installed (needed for Word and Excel files); run 'bash scripts/setup' "
        "(libreoffice-writer-nogui, libreoffice-calc-nogui)"
    )


@functools.cache
def version() -> str:
    out = subprocess.run(
        [soffice_path(), "--version"], capture_output=True, text=True, timeout=60, check=False, stdin=subprocess.DEVNULL
    ).stdout
    match = re.search(r"LibreOffice ([\d.]+)", out)
    return match.group(1) if match else out.strip()


def check_module(kind: str) -> None:
    """LibreOffice's Writer or Calc, whichever `kind` needs, installed; else what to install."""
    library, package = _MODULE["calc" if kind in SPREADSHEET_KINDS else "writer"]
    program = Path(os.path.realpath(soffice_path())).parent
    if not (program / library).exists():
        raise EngineMissing(f"LibreOffice cannot open this kind of file without {package}; run 'bash scripts/setup'")


def office_to_pdf(source: Path, kind: str, target: Path, *, seconds: float | None = None) -> None:
    """Write `source` (an Office document of `kind`) as a PDF at `target`.

    RejectedFile when LibreOffice cannot open it, OcrFailed when it overruns (the original is kept for
    `archive retry`), EngineMissing when LibreOffice, or the part of it this kind needs, is not installed.
    """
    exe = soffice_path()
    check_module(kind)
    size_mb = source.stat().st_size / 2**20
    timeout = seconds or min(MAX_SECONDS, BASE_SECONDS + SECONDS_PER_MB * size_mb)
    with tempfile.TemporaryDirectory(prefix="archive-soffice-") as folder:
        work = Path(folder)
        profile, inbox, outbox, scratch = (work / name for name in ("profile", "in", "out", "tmp"))
        for sub in (profile / "user", inbox, outbox, scratch):
            sub.mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_registry(), encoding="utf-8")
        (work / "fonts.conf").write_text(_fontconfig(), encoding="utf-8")
        document = inbox / f"document.{_EXTENSION[kind]}"  # LibreOffice names its output after its input
        shutil.copyfile(source, document)
        env = dict(os.environ, HOME=str(work), TMPDIR=str(scratch), FONTCONFIG_FILE=str(work / "fonts.conf"))
        args = [
            exe,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outbox),
            str(document),
        ]
        detail = _run(args, env, timeout)
        made = outbox / "document.pdf"
        if not made.is_file() or made.stat().st_size == 0:
            why = f" ({detail})" if detail else ""
            raise RejectedFile(
                f"{source}: LibreOffice could not open this document{why}; ask for the file again, or a PDF"
            )
        _tidy(made)
        shutil.move(made, target)


def _run(args: list[str], env: dict[str, str], timeout: float) -> str:
    """Run soffice in a process group of its own; its last error line, or ''."""
    with subprocess.Popen(
        args,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    ) as process:
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise OcrFailed(f"LibreOffice took longer than {timeout:.0f} s to convert it and was stopped") from None
        finally:
            if process.poll() is None:  # an exception of ours, or a signal: leave nothing running
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    lines = [line.strip() for line in (err + out).splitlines() if "rror" in line]
    return lines[-1] if lines else ""


def _tidy(pdf_path: Path) -> None:
    """What LibreOffice writes that PDF/A cannot certify, none of it visible: the trailer's /DocChecksum
    and the /OpenAction that only says which page to show first."""
    with pikepdf.open(pdf_path, allow_overwriting_input=True) as pdf:
        if "/DocChecksum" in pdf.trailer:
            del pdf.trailer["/DocChecksum"]
        if isinstance(pdf.Root.get("/OpenAction"), pikepdf.Array):
            del pdf.Root["/OpenAction"]
        pdf.save(pdf_path)


def page_count(pdf_path: Path) -> int:
    with pikepdf.open(pdf_path) as pdf:
        return len(pdf.pages)


def _registry() -> str:
    items = "".join(
        f'<item oor:path="/{path}"><prop oor:name="{name}" oor:op="fuse"><value>{value}</value></prop></item>\n'
        for path, name, value in sorted(_SETTINGS)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n' + items + "</oor:items>\n"
    )


def _fontconfig() -> str:
    def alias(names: tuple[str, ...], face: str) -> str:
        return "".join(
            f'<match target="pattern"><test name="family"><string>{escape(name)}</string></test>'
            f'<edit name="family" mode="assign" binding="strong"><string>{face}</string></edit></match>\n'
            for name in names
        )

    return (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        + alias(SERIF_SC, "Noto Serif CJK SC")
        + alias(SANS_SC, "Noto Sans CJK SC")
        + '<match target="pattern"><test name="lang" compare="contains"><string>zh</string></test>'
        '<edit name="family" mode="append"><string>Noto Serif CJK SC</string></edit></match>\n'
        "</fontconfig>\n"
    )
