"""Benchmark: archive ingest against bare ocrmypdf, and --jobs 2 against --jobs 1.

1. One multi-page scanned document: docgen's ingest (sniff, checksum, stage, OCR, page texts,
   record, commit) against a bare `ocrmypdf` run with the same options on the same file.
2. Eight single-page scans: ingest with --jobs 1 and with --jobs 2.

    .venv/bin/python bench/archive.py [--pages 6] [--singles 8]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive import Archive, IngestOptions  # noqa: E402
from archive.ocr import DEFAULT_LANGUAGES, PDFA_OUTPUT, ocrmypdf_command  # noqa: E402
from docgen.evidence import fonds_of  # noqa: E402
from docgen.policy_registry import load_policy  # noqa: E402
from docgen.samples.scans import CERTIFICATE_LINES, page_image, save_pdf  # noqa: E402


def pages(count: int, seed: int) -> list:
    return [page_image([*CERTIFICATE_LINES, f"第{i + 1}页"], seed=seed + i) for i in range(count)]


def ingest_seconds(files: list[Path], jobs: int) -> float:
    with tempfile.TemporaryDirectory() as root:
        archive = Archive(Path(root), fonds_of(load_policy("kunshan-2021")))
        start = time.perf_counter()
        summary = archive.ingest(files, IngestOptions(2021, "bench", "other", jobs=jobs))
        elapsed = time.perf_counter() - start
        assert summary.count("ingested") == len(files), summary.results
        return elapsed


def bare_ocrmypdf_seconds(source: Path) -> float:
    with tempfile.TemporaryDirectory() as out:
        args = [
            *ocrmypdf_command(DEFAULT_LANGUAGES, Path(out) / "s.txt", 180),
            *PDFA_OUTPUT,
            str(source),
            f"{out}/o.pdf",
        ]
        start = time.perf_counter()
        subprocess.run(args, check=True, env=dict(os.environ, OMP_THREAD_LIMIT="1"))
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=6)
    parser.add_argument("--singles", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        multi = save_pdf(pages(args.pages, 0), folder / "multi.pdf")
        bare = bare_ocrmypdf_seconds(multi)
        ours = ingest_seconds([multi], jobs=1)
        print(
            f"{args.pages}-page document: bare ocrmypdf {bare:.1f} s ({args.pages / bare * 60:.1f} pages/min), "
            f"docgen ingest {ours:.1f} s ({args.pages / ours * 60:.1f} pages/min), overhead {ours / bare - 1:+.1%}"
        )
        singles = [save_pdf(pages(1, 100 + i), folder / f"single{i}.pdf") for i in range(args.singles)]
        one = ingest_seconds(singles, jobs=1)
        two = ingest_seconds(singles, jobs=2)
        print(
            f"{args.singles} single-page scans: --jobs 1 {one:.1f} s, --jobs 2 {two:.1f} s, speed-up {one / two:.2f}x "
            f"({args.singles / two * 60:.1f} pages/min)"
        )


if __name__ == "__main__":
    main()
