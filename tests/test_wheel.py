"""docgen installed from its wheel, away from the checkout, runs the commands that need its shipped data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding only the built wheel; its dependencies come from the test venv's site-packages
    through a .pth line (so no download), while the editable install's finder stays out of it."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"  # a copy, so that no build/ folder is left in the checkout or reused from it
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".*", "build", "dist", "*.egg-info", "__pycache__"))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(work), str(source)],
        check=True,
        capture_output=True,
    )
    (wheel,) = work.glob("docgen-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    purelib = Path(sysconfig.get_paths(vars={"base": str(venv), "platbase": str(venv)})["purelib"])
    with zipfile.ZipFile(wheel) as bundle:
        bundle.extractall(purelib)
    (purelib / "test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


def docgen(venv: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from docgen.cli import main; sys.argv[0] = 'docgen'; main()"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DOCGEN_WORKSPACE")}
    return subprocess.run(
        [str(venv / "bin" / "python"), "-c", code, *args], cwd=cwd, env=env, capture_output=True, text=True
    )


def test_the_wheel_carries_templates_examples_and_policies(installed: Path, tmp_path: Path) -> None:
    where = docgen(installed, tmp_path, "-v", "policy", "list")
    assert where.returncode == 0, where.stderr
    assert "kunshan-2021" in where.stdout and "hangzhou-2024" in where.stdout
    probe = subprocess.run(
        [str(installed / "bin" / "python"), "-c", "import docgen; print(docgen.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(installed) in probe.stdout, "the test must run the wheel's docgen, not the checkout's"


def test_make_form_blank_and_init_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    made = docgen(installed, tmp_path, "make", "form", "--blank", "--policy", "kunshan-2021", "-o", "blank.docx")
    assert made.returncode == 0, made.stderr
    import docx

    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "blank.docx")).paragraphs)
    assert "申报" in text
    init = docgen(installed, tmp_path, "init", "ks", "--policy", "kunshan-2021")
    assert init.returncode == 0, init.stderr
    assert "drafted" in init.stdout, init.stdout + init.stderr
    assert (tmp_path / "ks" / "docgen.yaml").is_file()


def test_the_main_job_runs_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    """The demo's documents and steps (OCR and PDF export have their own tests; here the shipped data matters)."""
    demo = docgen(installed, tmp_path, "demo", "sample", "--no-pdf", "--no-scans")
    assert demo.returncode == 0, demo.stderr[-2000:]
    assert list((tmp_path / "sample").rglob("*.docx")), "the demo wrote no document"
