"""The main job: a sample workspace per built-in programme, run through what docgen can do.

Used by the README's first command to show a new installation working end to end.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from docgen.applicant import load_applicant
from docgen.assessment import load_assessment_sheet, score
from docgen.documents.kinds import KINDS
from docgen.documents.make import Request, export_pdfs, make
from docgen.eligibility import check_applicant
from docgen.errors import BadInputError
from docgen.evidence import open_index, refresh_index
from docgen.paths import project_folder
from docgen.policy_registry import load_policy
from docgen.verdict import number_text
from docgen.workspace import WORKSPACE_FILE, init_workspace, open_workspace
from docgen.yearly import check_yearly, load_yearly_report

PROGRAMMES = {"kunshan-2021": "kunshan", "hangzhou-2024": "hangzhou"}


@dataclass
class DemoReport:
    root: Path
    lines: list[str] = field(default_factory=list)


def run_demo(root: Path, *, pdf: bool = True, scans: bool = True) -> DemoReport:
    """Create (or refresh) sample workspaces under `root` and check every sample file in them."""
    root = Path(root)
    if root.exists() and any(root.iterdir()) and not (root / ".docgen-demo").exists():
        raise BadInputError(f"{root}: folder exists and is not a docgen demo folder; choose an empty or new one")
    root.mkdir(parents=True, exist_ok=True)
    (root / ".docgen-demo").write_text("sample workspaces made by 'docgen demo'\n", encoding="utf-8")
    report = DemoReport(root)
    for policy_id, folder in PROGRAMMES.items():
        ws_root = root / policy_id
        if not (ws_root / WORKSPACE_FILE).exists():
            init_workspace(ws_root, policy_id, f"sample workspace ({policy_id})")
        data = ws_root / "data"
        for source in sorted((project_folder("examples") / folder).glob("*.yaml")):
            shutil.copyfile(source, data / source.name)
        _check_workspace(ws_root, report)
        _make_documents(ws_root, report, pdf=pdf)
        if scans:
            _archive_sample_scans(ws_root, report)
    return report


def _check_workspace(ws_root: Path, report: DemoReport) -> None:
    workspace = open_workspace(ws_root)
    policy = load_policy(workspace.settings.policy, workspace)
    report.lines.append(f"{policy.id} {policy.title} — {ws_root}")
    for path in sorted((ws_root / "data").glob("applicant-*.yaml")):
        result = check_applicant(load_applicant(path), policy)
        failed = [c.title for c in result.conditions if c.verdict.value == "fail"]
        outcome = f"fails: {'、'.join(failed)}" if failed else "nothing fails; reviewer items remain"
        report.lines.append(f"  check  {result.applicant.name}: {outcome}")
    for path in sorted((ws_root / "data").glob("yearly-*.yaml")):
        yearly = check_yearly(load_yearly_report(path), policy, source=path)
        report.lines.append(f"  yearly {yearly.report.base} {yearly.report.year}: {yearly.verdict.value}")
    for path in sorted((ws_root / "data").glob("assessment-*.yaml")):
        graded = score(load_assessment_sheet(path), policy, source=path)
        report.lines.append(f"  score  {graded.sheet.base}: {number_text(graded.total)} → {graded.grade.name}")


def _make_documents(ws_root: Path, report: DemoReport, *, pdf: bool) -> None:
    """Every document kind from the workspace's data, into output/ (PDF too, when asked)."""
    workspace = open_workspace(ws_root)
    data, out = ws_root / "data", ws_root / "output"
    written: list[Path] = []
    for kind in KINDS:
        if kind == "form":
            source = data / "applicant-pass.yaml"
            written += make(Request("form", None, out / "form-blank.docx"), workspace)
        else:
            source = data / f"doc-{kind}.yaml"
        target = out / kind if kind == "plaque" else out / f"{kind}.docx"
        written += make(Request(kind, source, target, all_bases=kind == "plaque"), workspace)
    if pdf:
        written += export_pdfs([p for p in written if p.suffix == ".docx"])
    report.lines.append(f"  made   {len(written)} files in {out}")


def _archive_sample_scans(ws_root: Path, report: DemoReport) -> None:
    """Scans of the passing applicant's certificates and equipment list, made now and archived."""
    from archive import Archive, IngestOptions
    from docgen.sample_scans import CERTIFICATE_LINES, page_image, save_pdf

    workspace = open_workspace(ws_root)
    policy = load_policy(workspace.settings.policy, workspace)
    applicant = load_applicant(ws_root / "data" / "applicant-pass.yaml")
    year = policy.source.date.year
    archive = Archive(workspace.archive_dir, policy)
    if archive.is_sealed(year) or archive.records(year):
        report.lines.append(f"  archive already holds {year}: left as it is")
        return
    scans = ws_root / "scans"
    scans.mkdir(exist_ok=True)
    teachers = [t for p in applicant.projects for t in p.teachers][:2]
    for i, teacher in enumerate(teachers):
        lines = [
            line.replace("王建国", teacher.name).replace("S000032050000231001", teacher.certificate_no or "")
            for line in CERTIFICATE_LINES
        ]
        save_pdf([page_image(lines, seed=i)], scans / f"certificate-{i + 1}.pdf")
    equipment = ["教学实训设备清单", f"单位：{applicant.name}"]
    equipment += [f"{e.name} 型号{e.model} 数量{e.quantity}" for p in applicant.projects for e in p.equipment]
    save_pdf([page_image(equipment, seed=9)], scans / "equipment.pdf")
    certificates = archive.ingest(
        [scans / f"certificate-{i + 1}.pdf" for i in range(len(teachers))],
        IngestOptions(year, applicant.credit_code, "teacher_certificates", jobs=2),
    )
    listed = archive.ingest([scans / "equipment.pdf"], IngestOptions(year, applicant.credit_code, "equipment_list"))
    pages = certificates.pages + listed.pages
    report.lines.append(f"  archived {pages} scanned pages of {applicant.name} in {archive.root / str(year)}")
    refresh_index(workspace)
    index = open_index(workspace)
    try:
        first_model = next(e.model for p in applicant.projects for e in p.equipment if e.model)
        for query in (teachers[0].name, f"{first_model}", "人力资源和社会保障局"):
            hits = index.search(query)
            where = ", ".join(f"{h.archival_code} p.{h.page}" for h in hits[:3])
            report.lines.append(f"  search {query}: {len(hits)} pages ({where})")
    finally:
        index.close()
