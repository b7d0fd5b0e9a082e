"""Cross-check speed: an applicant with 50 teachers and 100 equipment lines in an archive of 10,000 pages.

Goal (issue 7): the review completes in under 10 s on 2 cores.

Then the shared-claims scan of a year (issue 29): 200 applicant files with 4,000 teachers and 2,000
equipment lines written to a workspace (some certificates lent between units, some equipment lists
copied with a line changed), every shared claim of the year found from the files: goal under 2 s.

The archive is written in docgen's own layout (record.json, page texts) with the page texts OCR
would leave; OCR itself is not what is measured (bench/archive.py measures that). In the same run,
a plain baseline: for every claim, look for its certificate number or model in every page text of
the year (exact substring, no fuzzy matching, no levels or quantities), as a hand-written script would.

    .venv/bin/python bench/review.py [PAGES]
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the archive package, not bench/archive.py beside this script

from archive import Archive  # noqa: E402
from archive.record import ItemRecord, OcrInfo, OriginalFile  # noqa: E402
from docgen.applicant import Applicant  # noqa: E402
from docgen.crosscheck.review import Match, review  # noqa: E402
from docgen.crosscheck.shared import year_shared  # noqa: E402
from docgen.evidence import fonds_of  # noqa: E402
from docgen.policy_registry import load_policy  # noqa: E402
from docgen.samples.evidence import Certificate, certificate_lines, equipment_lines, licence_lines, site_lines  # noqa: E402
from docgen.workspace import init_workspace  # noqa: E402

YEAR = 2021
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红"


def _applicant(rng: random.Random) -> Applicant:
    teachers = [
        {
            "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            "qualification": rng.choice(["高级技师", "技师", "高级工"]),
            "title": "无",
            "certificate_no": f"S0000320500{i:08d}",
        }
        for i in range(50)
    ]
    equipment = [
        {"name": f"实训设备{i}", "model": f"MX-{1000 + i}", "quantity": rng.randint(1, 30), "unit_price_yuan": 50000}
        for i in range(100)
    ]
    projects = [
        {"name": f"实训项目{k + 1}", "occupation": "数控车工", "teachers": teachers[k::5], "equipment": equipment[k::5]}
        for k in range(5)
    ]
    return Applicant.model_validate(
        {
            "name": "昆山精工数控技术有限公司",
            "credit_code": "91320583MA1KJ88011",
            "kind": "生产型企业",
            "district": "张浦镇",
            "address": "昆山市张浦镇德国工业园银河路88号",
            "contact": {"name": "周明华", "phone": "0512-57451234"},
            "site": {"area_m2": 1860, "owned": True, "fire_ventilation_lighting_temperature": True},
            "experience_years": 3,
            "projects": projects,
        }
    )


def _item(archive: Archive, folder: str, number: int, evidence: str, pages: list[str]) -> None:
    item = archive.year_dir(YEAR) / folder / f"{number:04d}-{evidence}"
    (item / "pages").mkdir(parents=True)
    names = []
    for i, text in enumerate(pages, 1):
        name = f"pages/{i:04d}.txt"
        (item / name).write_text(text, encoding="utf-8")
        names.append(name)
    ItemRecord(
        archival_code=f"KSRSJ-WS·{YEAR}-D30-{number:04d}",
        item=number,
        year=YEAR,
        applicant=folder,
        applicant_folder=folder,
        evidence_type=evidence,
        evidence_type_name=evidence,
        retention="D30",
        status="ok",
        pages=len(pages),
        original=OriginalFile(
            name="scan.pdf", stored_as="original/scan.pdf", sha256="0" * 64, size=0, media_type="application/pdf"
        ),
        page_files=names,
        ocr=OcrInfo(versions={}, languages="chi_sim"),
        ingested_at=dt.datetime.now().isoformat(timespec="seconds"),
    ).write(item)


def build(root: Path, total_pages: int, rng: random.Random) -> tuple[Archive, Applicant]:
    policy = load_policy("kunshan-2021")
    archive = Archive(root, fonds_of(policy))
    applicant = _applicant(rng)
    issuer = "昆山市人力资源和社会保障局"
    folder = applicant.credit_code
    teachers = [t for p in applicant.projects for t in p.teachers]
    certificates = [
        "\n".join(certificate_lines(Certificate(t.name, t.qualification or "", t.certificate_no or ""), issuer))
        for t in teachers
    ]
    lines = equipment_lines(applicant)
    equipment = ["\n".join(lines[0:3] + lines[3 + i : 3 + i + 20]) for i in range(0, 100, 20)]
    number = 1
    for evidence, pages in (
        ("teacher_certificates", certificates),
        ("equipment_list", equipment),
        ("business_licence", ["\n".join(licence_lines(applicant))]),
        ("site_documents", ["\n".join(site_lines(applicant))]),
    ):
        _item(archive, folder, number, evidence, pages)
        number += 1
    written = len(certificates) + len(equipment) + 2
    other = 0
    while written < total_pages:  # other applicants' evidence, 10 pages a document
        other += 1
        pages = []
        for _ in range(10):
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            cert = Certificate(name, rng.choice(["技师", "高级工"]), f"S0000{rng.randint(10**13, 10**14 - 1)}")
            pages.append("\n".join(certificate_lines(cert, issuer)))
        _item(archive, f"OTHER{other // 10:04d}", number, "teacher_certificates", pages)
        number += 1
        written += 10
    return archive, applicant


def baseline(archive: Archive, applicant: Applicant) -> int:
    """Every claim's number or model looked for in every page text of the year."""
    texts = [
        (folder / page).read_text(encoding="utf-8")
        for folder, record in archive.records(YEAR)
        for page in record.page_files
    ]
    keys = [t.certificate_no or "" for p in applicant.projects for t in p.teachers]
    keys += [e.model or "" for p in applicant.projects for e in p.equipment]
    return sum(1 for key in keys if any(key in text for text in texts))


def _code(n: int) -> str:
    from docgen import credit_code

    first = f"5232058300{n:07d}"
    return first + credit_code.check_character(first)


def write_year(root: Path, rng: random.Random, units: int = 200, teachers: int = 20, lines: int = 10) -> Path:
    """A workspace with `units` applicant files of YEAR; every tenth unit borrows two certificates of
    the unit before it and every twentieth copies its equipment list with one line changed."""
    workspace = init_workspace(root, "kunshan-2021")
    folder = workspace.applicants_dir(YEAR)
    folder.mkdir(parents=True, exist_ok=True)
    previous: dict = {}
    for u in range(units):
        staff = [
            {
                "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                "qualification": rng.choice(["高级技师", "技师", "高级工"]),
                "certificate_no": f"S0000320500{u:04d}{t:04d}",
            }
            for t in range(teachers)
        ]
        equipment = [
            {
                "name": f"实训设备{k}",
                "model": f"MX-{rng.randint(1000, 99999)}",
                "quantity": rng.randint(1, 30),
                "unit_price_yuan": 50000,
            }
            for k in range(lines)
        ]
        if previous and u % 10 == 0:
            staff[:2] = previous["projects"][0]["teachers"][:2]
        if previous and u % 20 == 0:
            equipment = [dict(e) for e in previous["projects"][0]["equipment"]]
            equipment[0]["model"] = "MX-CHANGED"
        data = {
            "name": f"昆山第{u + 1}职业培训学校",
            "credit_code": _code(u),
            "kind": "职业培训机构",
            "district": "玉山镇",
            "address": "昆山市玉山镇前进路1号",
            "contact": {"name": "周明华", "phone": "0512-57451234"},
            "site": {"area_m2": 1500, "owned": True},
            "experience_years": 3,
            "projects": [
                {"name": "数控加工实训", "occupation": "数控车工", "teachers": staff[:10], "equipment": equipment},
                {"name": "电工实训", "occupation": "电工", "teachers": staff[10:]},
            ],
        }
        (folder / f"{data['credit_code']}.yaml").write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        previous = data
    return root


def bench_shared(scratch: Path, rng: random.Random) -> None:
    from docgen.workspace import open_workspace

    workspace = open_workspace(write_year(scratch / "ws", rng))
    times = []
    for _ in range(3):
        started = time.perf_counter()
        found = year_shared(workspace, YEAR)
        times.append(time.perf_counter() - started)
    print(
        f"shared claims of {YEAR}: {found.applications} applicant files, 4000 teachers, 2000 equipment lines: "
        f"{len(found.certificates)} certificates shared, {len(found.teachers)} teachers full-time twice, "
        f"{len(found.equipment)} equipment lists copied; first run {times[0]:.2f} s, then "
        f"{times[1]:.2f} and {times[2]:.2f} s (goal: under 2 s)"
    )


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        archive, applicant = build(Path(scratch) / "archive", total, rng)
        print(f"archive of {total} pages written in {time.perf_counter() - started:.1f} s")
        policy = load_policy("kunshan-2021")
        started = time.perf_counter()
        result = review(applicant, policy, archive, YEAR)
        product = time.perf_counter() - started
        started = time.perf_counter()
        found = baseline(archive, applicant)
        plain = time.perf_counter() - started
    claims = len(result.claims)
    print(
        f"docgen review: {claims} claims (50 teachers, 100 equipment lines, site, unit) over {result.pages} of the "
        f"applicant's pages in {product:.2f} s; backed {result.count(Match.backed)}, "
        f"other {claims - result.count(Match.backed)}   (goal: under 10 s)"
    )
    print(f"plain loop (exact substring of 150 numbers/models in all {total} pages): {found} found in {plain:.2f} s")
    print(f"ratio docgen / plain: {product / plain:.2f}")
    with tempfile.TemporaryDirectory() as scratch:
        bench_shared(Path(scratch), random.Random(29))


if __name__ == "__main__":
    main()
