"""Seal, unseal and export a year; kill -9 in the middle of an ingest; two ingests at once; retry."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import bagit
import pytest

from docgen.samples.scans import page_image, save_pdf
from tests.archive.conftest import CREDIT, Built
from tests.conftest import assert_one_line_error, run

pytestmark = pytest.mark.slow
DOCGEN = str(Path(sys.executable).with_name("docgen"))


def ingest_args(ws: Path, *paths: Path, year: int = 2021) -> list[str]:
    return [
        "-w",
        str(ws),
        "archive",
        "ingest",
        *map(str, paths),
        "--year",
        str(year),
        "--applicant",
        CREDIT,
        "--type",
        "teacher_certificates",
    ]


def test_a_sealed_year_refuses_ingest_until_unsealed_with_a_reason(copy: Built, tmp_path: Path) -> None:
    assert run("-w", copy.workspace, "archive", "seal", "2021", "--note", "年度归档完毕").exit_code == 0
    extra = save_pdf(
        [page_image(["补充材料", "第二份证书", "证书编号：S000032050000231009"], seed=40)], tmp_path / "x.pdf"
    )
    before = sorted(p for p in copy.archive.year_dir(2021).rglob("*"))
    assert_one_line_error(run(*ingest_args(copy.workspace, extra)), "2021 is sealed", "unseal")
    assert sorted(p for p in copy.archive.year_dir(2021).rglob("*")) == before
    assert oct(copy.archive.year_dir(2021).joinpath("manifest-sha256.txt").stat().st_mode)[-3:] == "444"
    assert_one_line_error(run("-w", copy.workspace, "archive", "unseal", "2021"), "needs --force and --reason")
    opened = run("-w", copy.workspace, "archive", "unseal", "2021", "--force", "--reason", "补交遗漏证书")
    assert opened.exit_code == 0
    log = (copy.archive.year_dir(2021) / "seal-log.jsonl").read_text(encoding="utf-8")
    assert '"action": "seal"' in log and '"reason": "补交遗漏证书"' in log
    assert run(*ingest_args(copy.workspace, extra)).exit_code == 0
    assert run("-w", copy.workspace, "archive", "verify").exit_code == 0


def test_export_is_a_valid_bag_with_the_catalogue(built: Built, tmp_path: Path) -> None:
    out = tmp_path / "bag"
    result = run("-w", built.workspace, "archive", "export", "2021", "-o", out)
    assert result.exit_code == 0, result.stderr
    bag = bagit.Bag(str(out))
    bag.validate()
    assert bag.info["Source-Organization"] == "昆山市人力资源和社会保障局"
    cli = subprocess.run(
        [str(Path(sys.executable).with_name("bagit.py")), "--validate", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert cli.returncode == 0, cli.stderr
    catalogue = (out / "data" / "catalogue.csv").read_text(encoding="utf-8-sig").splitlines()
    assert catalogue[0] == "序号,档号,责任者,题名,日期,页数,备注"
    assert catalogue[1].startswith(f"1,KSRSJ-WS·2021-D30-0001,{CREDIT},[师资资质证明]certificates.pdf,")
    originals = list((out / "data" / "archive" / "2021").rglob("original/*"))
    assert len(originals) == 6
    again = run("-w", built.workspace, "archive", "export", "2021", "-o", out)
    assert_one_line_error(again, "already exists")


def test_kill_9_mid_ingest_leaves_a_consistent_archive_and_a_rerun_completes(copy: Built, tmp_path: Path) -> None:
    scans = tmp_path / "scans"
    scans.mkdir()
    for i in range(4):
        lines = ["职业资格证书", f"姓名：教师{i}", "等级：技师", f"证书编号：S00003205000023{i:04d}"]
        save_pdf([page_image(lines, seed=100 + i)], scans / f"c{i}.pdf")
    year_dir = copy.archive.year_dir(2023)
    process = subprocess.Popen(
        [DOCGEN, *ingest_args(copy.workspace, scans, year=2023)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while not list(year_dir.glob("*/*/record.json")) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.5)  # well into the next document's OCR
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    done = len(list(year_dir.glob("*/*/record.json")))
    assert 1 <= done < 4
    checked = run("-w", copy.workspace, "archive", "verify", "--year", "2023")
    assert checked.exit_code == 0, checked.output  # whole documents only, nothing half-written
    rerun = run(*ingest_args(copy.workspace, scans, year=2023))
    assert rerun.exit_code == 0, rerun.stderr
    assert f"ingested {4 - done}, duplicates {done}" in rerun.output
    codes = [r.archival_code for _, r in copy.archive.records(2023)]
    assert len(codes) == len(set(codes)) == 4
    assert not any((copy.archive.root / ".staging").iterdir())
    assert run("-w", copy.workspace, "archive", "verify").exit_code == 0


def test_two_ingests_at_once_wait_for_each_other(copy: Built, tmp_path: Path) -> None:
    first = save_pdf([page_image(["甲单位", "设备清单", "数控车床 CK6150 8台"], seed=60)], tmp_path / "a.pdf")
    second = save_pdf([page_image(["乙单位", "设备清单", "加工中心 VMC850 4台"], seed=61)], tmp_path / "b.pdf")
    a = subprocess.Popen([DOCGEN, *ingest_args(copy.workspace, first, year=2024)], stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    b = subprocess.Popen([DOCGEN, *ingest_args(copy.workspace, second, year=2024)], stderr=subprocess.PIPE, text=True)
    _, b_err = b.communicate(timeout=300)
    a.communicate(timeout=300)
    assert a.returncode == b.returncode == 0
    assert "waiting for docgen pid" in b_err
    codes = sorted(r.archival_code for _, r in copy.archive.records(2024))
    assert codes == ["KSRSJ-WS·2024-D30-0001", "KSRSJ-WS·2024-D30-0002"]


def test_failed_ocr_keeps_the_original_and_retry_completes(
    copy: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Tesseract that crashes on recognition (a fault that cannot be provoked otherwise)."""
    real = subprocess.run(["which", "tesseract"], capture_output=True, text=True, check=True).stdout.strip()
    fake = tmp_path / "bin" / "tesseract"
    fake.parent.mkdir()
    fake.write_text(
        f'#!/bin/sh\ncase "$*" in *--version*|*--list-langs*) exec {real} "$@";; esac\n'
        'echo "Segmentation fault" >&2; exit 139\n',
        encoding="utf-8",
    )
    fake.chmod(0o755)
    scan = save_pdf([page_image(["职业资格证书", "姓名：赵刚", "等级：技师"], seed=70)], tmp_path / "z.pdf")
    monkeypatch.setenv("PATH", f"{fake.parent}:{os.environ['PATH']}")
    failed = run(*ingest_args(copy.workspace, scan, year=2025), "--ocr-engine", "tesseract")
    assert failed.exit_code == 1 and "OCR failed" in failed.stderr
    ((folder, record),) = copy.archive.records(2025)
    assert record.status == "ocr_failed" and record.archive_copy is None
    assert (folder / record.original.stored_as).read_bytes() == scan.read_bytes()
    monkeypatch.setenv("PATH", os.environ["PATH"].split(":", 1)[1])
    retried = run("-w", copy.workspace, "archive", "retry", "--year", "2025")
    assert retried.exit_code == 0, retried.stderr
    ((folder, record),) = copy.archive.records(2025)
    assert record.status == "ok" and "赵刚" in (folder / record.page_files[0]).read_text(encoding="utf-8")
    assert record.ocr.engine == "ppocr" and [h.engine for h in record.ocr_history] == ["tesseract"]
    assert run("-w", copy.workspace, "archive", "verify").exit_code == 0
