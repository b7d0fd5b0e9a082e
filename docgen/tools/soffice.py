"""LibreOffice, headless, for .docx -> PDF.

One soffice process converts a whole batch, in its own profile folder so that concurrent runs
(and a desktop LibreOffice the clerk has open) do not collide. FONTCONFIG_FILE points at the
mapping docgen ships, so the official font names resolve to Simplified-Chinese Noto faces.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from importlib import resources
from pathlib import Path

from docgen.errors import MissingDependencyError, ToolFailed
from docgen.tools.run import run

CANDIDATES = ("soffice", "libreoffice")
SECONDS_PER_DOCUMENT = 60


def soffice_path() -> str:
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise MissingDependencyError(
        "LibreOffice is not installed (needed for --pdf); install it with "
        "'apt-get install libreoffice-writer-nogui' or run 'bash scripts/setup'"
    )


def version() -> str:
    out = run([soffice_path(), "--version"], timeout=60).stdout
    match = re.search(r"LibreOffice ([\d.]+)", out)
    return match.group(1) if match else out.strip()


def fontconfig_file() -> Path:
    return Path(str(resources.files("docgen") / "fonts" / "fonts.conf"))


def convert_to_pdf(documents: list[Path], out_dir: Path) -> list[Path]:
    """Convert .docx files to PDF in `out_dir` with one soffice process; returns the PDFs."""
    if not documents:
        return []
    exe = soffice_path()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="docgen-soffice-") as profile:
        env = dict(os.environ, FONTCONFIG_FILE=str(fontconfig_file()), HOME=profile)
        run(
            [
                exe,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--nologo",
                "--convert-to",
                "pdf:writer_pdf_Export",
                "--outdir",
                out_dir,
                *documents,
            ],
            timeout=120 + SECONDS_PER_DOCUMENT * len(documents),
            env=env,
        )
    pdfs = [out_dir / (doc.stem + ".pdf") for doc in documents]
    missing = [p.name for p in pdfs if not p.is_file()]
    if missing:
        raise ToolFailed(f"LibreOffice wrote no PDF for {', '.join(missing)}")
    return pdfs
