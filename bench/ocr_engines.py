"""PP-OCR against Tesseract on the same pages, through docgen's ingest (ocrmypdf with each engine plugin).

Pages made on the spot with known text: clean 200-dpi A4 scans (light noise, slight skew) and phone
photos (perspective, a shadow, a red seal on the text, JPEG quality 68; some turned 90/180 degrees,
one at low resolution). For each engine and page set, in the same run: character error rate against
the rendered text, the fields a reviewer checks (names, certificate numbers, levels, models) read
exactly, pages per minute with `--jobs 2`, and the peak memory of one OCR process. Plain baselines:
bare `ocrmypdf` (Tesseract, the same options, no plugin) on the scans, and the PP-OCR engine used
plainly (RapidOCR's own pipeline and defaults, models loaded once, each page as an image; no
rotation, no archive): docgen's exact fields must be at least its own on every set.

    .venv/bin/python bench/ocr_engines.py [--pages N]
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive import Archive, IngestOptions
from archive.ocr import DEFAULT_LANGUAGES, PDFA_OUTPUT, ocrmypdf_command
from docgen.crosscheck.text import compact
from docgen.evidence import fonds_of
from docgen.policy_registry import load_policy
from docgen.samples.evidence import Certificate, certificate_lines
from docgen.samples.scans import character_error_rate, page_image, phone_photo, save_pdf

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国文斌宇浩凯健俊帆帅旭宁龙林欣瑶"
LEVELS = ["高级技师", "技师", "高级工"]
MODELS = ["CK6150", "VMC850", "IRB1200", "THPFDW-1", "WS-400", "DG-3000", "PLC-1500", "ZNZZ-2000", "XK714"]


def page_texts(count: int, seed: int) -> list[tuple[list[str], list[str]]]:
    """(lines, fields) for `count` pages: two certificates for every equipment list."""
    rng = random.Random(seed)
    made = []
    for i in range(count):
        if i % 3 == 2:
            rows = [(rng.choice(MODELS), rng.randint(1, 40)) for _ in range(6)]
            lines = ["教学实训设备清单", "序号 设备名称 型号 数量"] + [
                f"{k}   实训设备   {m}   {q}"
                for k, (m, q) in enumerate(rows, 1)  # columns of a printed table
            ]
            made.append((lines, [m for m, _ in rows]))
            continue
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        number = f"S0000{rng.randint(10**13, 10**14 - 1)}"
        cert = Certificate(name, rng.choice(LEVELS), number, "数控车工")
        made.append((certificate_lines(cert, "昆山市人力资源和社会保障局"), [name, cert.level, number]))
    return made


def make_set(kind: str, count: int, folder: Path) -> list[tuple[Path, list[str], list[str]]]:
    folder.mkdir(parents=True)
    made = []
    for i, (lines, fields) in enumerate(page_texts(count, seed=1 if kind == "scans" else 2)):
        if kind == "scans":
            path = save_pdf([page_image(lines, seed=i)], folder / f"{i:03d}.pdf")
        else:
            photo = phone_photo(lines, seed=i, dpi=110 if i % 6 == 5 else 150)
            turn = {3: 90, 4: 180}.get(i % 6, 0)
            if turn:
                photo = photo.rotate(turn, expand=True)
            path = folder / f"{i:03d}.jpg"
            photo.save(path, "JPEG", quality=68)
        made.append((path, lines, fields))
    return made


def run_engine(engine: str, folder: str, pages: list[tuple[str, list[str], list[str]]]) -> dict[str, float]:
    """One engine over one page set, in a fresh process (so its children's peak memory is its own)."""
    with tempfile.TemporaryDirectory() as scratch:
        archive = Archive(Path(scratch) / "archive", fonds_of(load_policy("kunshan-2021")))
        started = time.perf_counter()
        summary = archive.ingest(
            [Path(folder)], IngestOptions(2021, "91320583MA1KJ88011", "teacher_certificates", 2, engine=engine)
        )
        seconds = time.perf_counter() - started
        texts = {}
        for item, record in archive.records(2021):
            texts[record.original.name] = "\n".join((item / f).read_text(encoding="utf-8") for f in record.page_files)
        review = len(summary.needing_review())
    return {
        **scored(pages, {path: texts.get(Path(path).name, "") for path, _, _ in pages}),
        "pages_per_min": len(pages) / seconds * 60,
        "seconds": seconds,
        "review": review,
        "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def scored(pages: list[tuple[str, list[str], list[str]]], texts: dict[str, str]) -> dict[str, float]:
    """Character error rate against what was rendered, and the fields read exactly, over all pages."""
    errors, fields, found, truth_chars = 0.0, 0, 0, 0
    for path, lines, wanted in pages:
        text, truth = texts[path], "".join(lines)
        errors += character_error_rate(truth, text) * len(compact(truth))
        truth_chars += len(compact(truth))
        fields += len(wanted)
        found += sum(1 for w in wanted if compact(w) in compact(text))
    return {"cer": errors / truth_chars, "fields": fields, "found": found}


def run_plain(folder: str, pages: list[tuple[str, list[str], list[str]]]) -> dict[str, float]:
    """RapidOCR used plainly on each page image (PDFs rendered at 200 dpi), in a fresh process."""
    import numpy as np
    import pypdfium2
    from PIL import Image

    from archive.ppocr import engine

    ocr = engine()
    texts = {}
    started = time.perf_counter()
    for path, _, _ in pages:
        if path.endswith(".pdf"):
            picture = pypdfium2.PdfDocument(path)[0].render(scale=200 / 72).to_pil().convert("RGB")
        else:
            picture = Image.open(path).convert("RGB")
        result, _ = ocr(np.ascontiguousarray(np.asarray(picture)[:, :, ::-1]))
        texts[path] = "\n".join(str(t) for _, t, _ in result or [])
    seconds = time.perf_counter() - started
    return {
        **scored(pages, texts),
        "pages_per_min": len(pages) / seconds * 60,
        "seconds": seconds,
        "review": 0,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def bare_ocrmypdf(files: list[Path], out: Path) -> float:
    """Plain ocrmypdf with Tesseract, the same options, two documents at a time: pages per minute."""
    out.mkdir()

    def one(path: Path) -> None:
        command = ocrmypdf_command(DEFAULT_LANGUAGES, out / f"{path.stem}.txt", 180, "tesseract")
        del command[3:5]  # no plugin: ocrmypdf's own Tesseract
        subprocess.run([*command, *PDFA_OUTPUT, str(path), str(out / path.name)], check=True)

    started = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(one, files))
    return len(files) / (time.perf_counter() - started) * 60


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=12, help="pages in each set (default 12)")
    args = parser.parse_args()
    spawn = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as scratch:
        sets = {kind: make_set(kind, args.pages, Path(scratch) / kind) for kind in ("scans", "photos")}
        print(f"{args.pages} pages per set; 2 cores; --jobs 2; same run", flush=True)
        results = {}
        for kind, pages in sets.items():
            plain = [(str(p), lines, fields) for p, lines, fields in pages]
            for engine in ("tesseract", "ppocr", "plain"):  # plain: PP-OCR used plainly (one process, no archive)
                with spawn.Pool(1) as pool:
                    work = run_plain if engine == "plain" else partial(run_engine, engine)
                    results[kind, engine] = pool.apply(work, (str(Path(scratch) / kind), plain))
                r = results[kind, engine]
                print(
                    f"{kind:<6} {engine:<9} CER {r['cer']:6.1%}  fields {r['found']:>3}/{r['fields']:<3} "
                    f"{r['pages_per_min']:5.1f} pages/min  peak {r['peak_mb']:5.0f} MB  "
                    f"pages needing review {r['review']:.0f}",
                    flush=True,
                )
        bare = bare_ocrmypdf([p for p, _, _ in sets["scans"]], Path(scratch) / "bare")
        print(f"scans  bare ocrmypdf (Tesseract, no plugin) {bare:5.1f} pages/min", flush=True)
        ratio = results["scans", "ppocr"]["pages_per_min"] / results["scans", "tesseract"]["pages_per_min"]
        print(f"PP-OCR / Tesseract throughput on scans: {ratio:.2f}x (goal >= 0.7x)")
        print(
            f"goals: CER scans {results['scans', 'ppocr']['cer']:.1%} (<= 0.5%), "
            f"photos {results['photos', 'ppocr']['cer']:.1%} (<= 0.5%); exact fields at least the plain engine's: "
            + ", ".join(
                f"{kind} {results[kind, 'ppocr']['found']:.0f} vs {results[kind, 'plain']['found']:.0f}"
                for kind in sets
            )
        )


if __name__ == "__main__":
    main()
