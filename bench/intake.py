"""Benchmark: a package intake besides OCR, against simply unzipping it.

A package as applicants send it (a zip written on Windows: GBK names, folders; the filled 申报表, both
Excel lists, N scans as PDFs and N phone photos as JPEGs) is opened the way `docgen receive` opens it:
unpacked under limits, every file sniffed as the archive would, sorted into the programme's evidence
types, the form and lists read into the applicant file (`open_application`). The plain baseline in the
same run is `zipfile.ZipFile.extractall` of the same bytes. OCR and archiving come after this and are
measured by bench/archive.py.

    .venv/bin/python bench/intake.py [--files 40] [--rounds 5]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from docgen.applicant import load_applicant  # noqa: E402
from docgen.documents.make import Request, make  # noqa: E402
from docgen.intake.application import open_application  # noqa: E402
from docgen.intake.lists import make_lists  # noqa: E402
from docgen.policy_registry import load_policy  # noqa: E402
from docgen.samples.scans import page_image, save_pdf  # noqa: E402

APPLICANT = ROOT / "examples" / "kunshan" / "applicant-pass.yaml"


class GbkName(zipfile.ZipInfo):
    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # as a Windows PC in China writes a zip
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def package(folder: Path, files: int) -> Path:
    policy = load_policy("kunshan-2021")
    form = folder / "form.docx"
    make(Request("form", APPLICANT, form, policy.id))
    lists = make_lists(load_applicant(APPLICANT), policy)
    scan = save_pdf([page_image(["职业资格证书", "高级技师 王建国"], seed=1)], folder / "scan.pdf").read_bytes()
    photo = io.BytesIO()
    page_image(["营业执照", "昆山精工数控技术有限公司"], seed=2).convert("RGB").save(photo, "JPEG", quality=80)
    members = {"精工申报材料/昆山市高技能人才公共实训基地申报表.docx": form.read_bytes()}
    members.update({f"精工申报材料/{name}": data for name, data in lists})
    for n in range(files // 2):
        members[f"精工申报材料/师资/教师{n:03d}-职业资格证书.pdf"] = scan
        members[f"精工申报材料/设备/设备照片{n:03d}.jpg"] = photo.getvalue()
    path = folder / "精工申报材料.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(GbkName(name), data)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=40, help="scans and photos in the package")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    Image.MAX_IMAGE_PIXELS = None
    policy = load_policy("kunshan-2021")
    with tempfile.TemporaryDirectory() as tmp:
        zipped = package(Path(tmp), args.files)
        ours, plain = [], []
        for _ in range(args.rounds):
            start = time.perf_counter()
            with open_application(zipped, policy, workdir=Path(tmp)) as came:
                filed = sum(len(paths) for _, paths in came.evidence)
            ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            with tempfile.TemporaryDirectory(dir=tmp) as out, zipfile.ZipFile(zipped) as archive:
                archive.extractall(out)
            plain.append(time.perf_counter() - start)
        size = zipped.stat().st_size / 2**20
        print(f"package: {filed} files to file (form, 2 lists, {args.files} scans and photos), {size:.1f} MB zipped")
        print(f"{'':<44} {'median s':>9} {'min s':>7}")
        print(f"{'docgen intake (unpack, sniff, sort, form)':<44} {statistics.median(ours):>9.3f} {min(ours):>7.3f}")
        print(f"{'plain unzip (zipfile.extractall)':<44} {statistics.median(plain):>9.3f} {min(plain):>7.3f}")
        print(
            f"ratio {statistics.median(ours) / statistics.median(plain):.1f}x the plain unzip; "
            f"{statistics.median(ours) / max(1, filed) * 1000:.0f} ms a file besides OCR"
        )


if __name__ == "__main__":
    main()
