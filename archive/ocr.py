"""OCRmyPDF and Tesseract: versions, and one document's OCR.

Choices, each measured on Debian 12 (Ghostscript 10.0.0, Tesseract 5.3, ocrmypdf 17.13):
* ocrmypdf refuses `--mode skip` (keep pages that have text) with Ghostscript 10.0.0-10.02.0,
  whose regressions corrupt existing text. PDF/A is therefore made by ocrmypdf's own pikepdf
  backend (`--pdfa-backend internal`) and pages are rasterised with pypdfium: Ghostscript is
  never used. Where that backend cannot certify PDF/A (e.g. a born-digital page with a
  non-embedded font), the copy is a searchable PDF and the record says so, with the reason.
* Tesseract's orientation detection is trained mostly on Latin script: on Chinese pages it
  answers with confidence 1.2-3.1 where it is right (12 of 12 pages, measured upright and
  turned 90/180/270 degrees), far below ocrmypdf's default threshold of 14, so turned pages
  stayed turned and came out empty. The threshold is therefore ROTATE_THRESHOLD.
* pikepdf's PDF/A validator does not certify files with interactive forms (/AcroForm), which
  every digitally signed PDF has: the copy is OCR'd from a working file whose annotations are
  flattened into the page (their appearance kept) and whose form is removed. The original keeps
  its signature, byte for byte.
* Each document runs as its own `ocrmypdf` process with OMP_THREAD_LIMIT=1 (Tesseract's threads
  times our parallel jobs made runs crawl, as Paperless-ngx found), so it can be killed when it
  overruns its time: `--tesseract-timeout` alone leaves pages half-read without saying so.
* The engine is an ocrmypdf plugin: PP-OCR (archive/_plugin_ppocr.py, the default: it reads phone
  photos Tesseract cannot) or Tesseract with confidence reporting (archive/_plugin_tesseract.py).
  Either plugin reports each page's characters and mean confidence (archive/quality.py).
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from archive.errors import BadInput, EngineMissing, OcrFailed
from archive.ppocr import THREADS_ENV
from archive.quality import REPORT_ENV, read_report

# chi_sim alone: its model reads Latin letters and digits too, and adding eng made Tesseract read
# short Chinese lines as Latin (姓名: 吴敏 -> "RA", 等级: 高级工 -> "BRL"). bench/ocr_languages.py,
# 30 pages, 120 fields: chi_sim 98.3 % exact at 2.36 s/page, chi_sim+eng 85.0 % at 3.41 s/page.
DEFAULT_LANGUAGES = "chi_sim"
ROTATE_THRESHOLD = 1.0  # Tesseract's OSD scale; PP-OCR's orientation() answers 0-10 on the same footing
ENGINES = ("ppocr", "tesseract")
DEFAULT_ENGINE = "ppocr"
PLUGINS = {"ppocr": "archive._plugin_ppocr", "tesseract": "archive._plugin_tesseract"}
PDFA_FAILED = 10  # ocrmypdf.ExitCode.pdfa_conversion_failed


@dataclass(frozen=True)
class OcrOutcome:
    pdfa: bool
    note: str = ""
    # page -> (the engine's mean confidence, text areas found but not read); pages not OCR'd are absent
    confidences: dict[int, tuple[float | None, int]] = field(default_factory=dict)


def versions(engine: str = DEFAULT_ENGINE) -> dict[str, str]:
    """Versions of everything that read the pages, for the record; a missing engine is exit 3 with what to install."""
    found = dict(_tesseract_versions())
    if engine == "ppocr":
        from archive import ppocr

        found.update(ppocr.versions())
    return found


def check_reader(engine: str, languages: str) -> None:
    """Fail before any file is touched: an unknown or missing engine, missing Tesseract language data."""
    if engine not in ENGINES:
        raise BadInput(f"--ocr-engine: '{engine}' is not one of {', '.join(ENGINES)}")
    versions(engine)
    if engine == "tesseract":
        check_languages(languages)


@functools.cache
def _tesseract_versions() -> dict[str, str]:
    """ocrmypdf and tesseract versions (and a clear error when tesseract is missing): Tesseract stays
    in use with PP-OCR too, for pages ocrmypdf checks before OCR."""
    try:
        out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, check=True).stdout
    except (FileNotFoundError, subprocess.CalledProcessError):
        raise EngineMissing(
            "tesseract is not installed; run 'bash scripts/setup' (tesseract-ocr, tesseract-ocr-chi-sim)"
        ) from None
    import ocrmypdf

    match = re.search(r"tesseract\s+v?([\d.]+)", out)
    return {"ocrmypdf": ocrmypdf.__version__, "tesseract": match.group(1) if match else out.split("\n")[0]}


def check_languages(languages: str) -> None:
    out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=False).stdout
    have = set(out.split()[1:]) if out else set()
    missing = [lang for lang in languages.split("+") if lang not in have]
    if missing:
        raise EngineMissing(
            f"Tesseract has no language data for {', '.join(missing)}; "
            f"install tesseract-ocr-{missing[0].replace('_', '-')} (have: {', '.join(sorted(have))})"
        )


PDFA_OUTPUT = ["--output-type", "pdfa-2", "--pdfa-backend", "internal"]


def ocrmypdf_command(
    languages: str, sidecar: Path, seconds_per_page: float, engine: str = DEFAULT_ENGINE, mode: str = "skip"
) -> list[str]:
    """The ocrmypdf command line every document runs with (less output type and files). `mode` "skip"
    keeps pages that have text as they are and reads the others; "redo" (a document whose pages hold
    text and pictures, such as a form with certificates pasted in, exported from Word) keeps each
    page's printed text and reads what is left: the pictures. ocrmypdf does not deskew in that mode."""
    command = [
        sys.executable,
        "-m",
        "ocrmypdf",
        "--plugin",
        PLUGINS[engine],
        "-l",
        languages,
        "--rotate-pages",
        "--rotate-pages-threshold",
        str(ROTATE_THRESHOLD),
        "--deskew",
        "--mode",
        "skip",
        "--rasterizer",
        "pypdfium",
        "--sidecar",
        str(sidecar),
        "--jobs",
        "1",
        "--quiet",
        "--tesseract-timeout",
        str(int(seconds_per_page)),
    ]
    if mode == "redo":
        command[command.index("skip")] = "redo"
        command.remove("--deskew")
    return command


def run_ocr(
    source: Path,
    output: Path,
    sidecar: Path,
    *,
    languages: str,
    pages: int,
    seconds_per_page: float,
    signed: bool = False,
    engine: str = DEFAULT_ENGINE,
    threads: int = 1,
    mode: str = "skip",
) -> OcrOutcome:
    """OCR `source` (a PDF) into `output`, keeping pages that have text; raise OcrFailed on failure.

    `threads` is what the engine may use inside this one document (PP-OCR's ONNX Runtime); the caller
    running several documents at once divides the machine's cores among them.
    """
    base = ocrmypdf_command(languages, sidecar, seconds_per_page, engine, mode)
    if signed:
        base.append("--invalidate-digital-signatures")  # the original, with its signature, is kept as received
    timeout = 60 + seconds_per_page * pages * 1.5
    report = sidecar.with_name(sidecar.name + ".quality.jsonl")
    # ocrmypdf's temporary folders hold the applicant's pages as pictures: they go in the caller's work
    # folder (removed on every path, and with the archive's staging after a crash), never in /tmp
    temporary = sidecar.parent / "tmp"
    temporary.mkdir(exist_ok=True)
    env = {REPORT_ENV: str(report), THREADS_ENV: str(max(1, threads)), "TMPDIR": str(temporary)}
    code, message = _run([*base, *PDFA_OUTPUT, str(source), str(output)], timeout, env)
    if code == 0:
        return OcrOutcome(pdfa=True, confidences=read_report(report))
    if code == PDFA_FAILED:
        reason = message or "the PDF/A validator did not approve the file"
        report.unlink(missing_ok=True)
        code, message = _run([*base, "--output-type", "pdf", str(source), str(output)], timeout, env)
        if code == 0:
            return OcrOutcome(
                pdfa=False, note=f"not PDF/A ({reason}); kept as a searchable PDF", confidences=read_report(report)
            )
    raise OcrFailed(message or f"ocrmypdf exit code {code}")


def _run(args: list[str], timeout: float, extra_env: dict[str, str]) -> tuple[int, str]:
    env = dict(os.environ, OMP_THREAD_LIMIT="1", **extra_env)
    try:
        result = subprocess.run(
            args, capture_output=True, text=True, timeout=timeout, env=env, check=False, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        return -1, f"OCR took longer than {timeout:.0f} s and was stopped"
    lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
    detail = next((line for line in reversed(lines) if "Error" in line or "error" in line), lines[-1] if lines else "")
    return result.returncode, detail
