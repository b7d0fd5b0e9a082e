"""The long work a page can start, each a library call reporting to a job's Progress (see jobs.py)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from archive import FileResult
from docgen.archiving import export_year_bag, verify_workspace
from docgen.cycle import steps
from docgen.cycle.details import Received
from docgen.cycle.steps import Cycle, Signed
from docgen.documents.make import export_pdfs
from docgen.evidence import records
from docgen.policy_registry import load_policy
from docgen.web.intake import opened, read_meta
from docgen.web.jobs import Progress, Work
from docgen.web.pageview import picture_cache, prepare_pictures
from docgen.workspace import Workspace

OUTCOME_ZH = {
    "ingested": "已归档",
    "needs_review": "已归档，有页面需人工复核",
    "duplicate": "重复，未再归档",
    "ocr_failed": "识别失败，原件已保存",
    "failed": "被拒收",
}


def receive(workspace: Workspace, params: dict[str, Any], progress: Progress) -> str:
    """Step 2 with uploaded files: the applicant file and the scans, staged in the job's folder; or an
    intake (a package, or the form and files, as the clerk confirmed its plan: see web/intake.py)."""
    folder = progress.folder
    if params.get("intake"):
        policy = load_policy(workspace.settings.policy, workspace)
        meta = read_meta(folder) or {}
        with opened(folder, meta, policy, params.get("assign") or {}) as (applicant_file, evidence):
            return _receive(workspace, params, progress, applicant_file, evidence)
    evidence = [(type_id, [folder / name for name in names]) for type_id, names in params["evidence"]]
    return _receive(workspace, params, progress, folder / params["applicant_file"], evidence)


def _receive(
    workspace: Workspace, params: dict[str, Any], progress: Progress, applicant_file: Path, evidence: steps.Evidence
) -> str:
    progress.total(sum(len(paths) for _, paths in evidence))

    def each(result: FileResult, done: int, total: int) -> None:
        line = f"{result.path.name}：{OUTCOME_ZH.get(result.outcome, result.outcome)}"
        if result.pages:
            line += f"（{result.pages} 页）"
        if result.review:
            line += f"，{len(result.review)} 页需复核"
        if result.message and result.outcome in ("failed", "ocr_failed"):
            line += f"：{result.message}"
        progress.step(line, problem=result.outcome in ("failed", "ocr_failed") or bool(result.review))

    result = steps.receive(
        workspace,
        params["year"],
        applicant_file,
        evidence,
        Signed(params["by"], dt.date.fromisoformat(params["date"])),
        revise=params.get("revise") or None,
        jobs=2,
        progress=each,
        received_as=params.get("received_as"),
    )
    received = result.decision.facts_as(Received)
    failed = sum(1 for e in received.evidence if e.outcome == "ocr_failed")
    for note in result.notes:
        progress.note(note)
    filed = {e.code for e in received.evidence if e.code}
    for where, record in records(workspace, params["year"], params["code"]):
        if record.archival_code in filed and record.archive_copy is not None:
            cache = picture_cache(workspace.web_dir, record.archive_copy.sha256)
            prepare_pictures(where / record.archive_copy.file, record.pages, cache)
    summary = f"已受理 {result.decision.unit}（{result.decision.id}），材料 {len(received.evidence)} 份"
    return summary + (f"，其中 {failed} 份识别失败：请在档案页重新识别" if failed else "")


def year_pdfs(workspace: Workspace, params: dict[str, Any], progress: Progress) -> str:
    """A PDF beside each of the year's documents that has none yet (one LibreOffice run)."""
    year = params["year"]
    documents = [
        workspace.root / name
        for decision in Cycle.load(workspace).standing.decisions
        if decision.year == year or decision.date.year == year
        for name in decision.documents
        if name.endswith(".docx")
    ]
    missing = [d for d in documents if d.is_file() and not d.with_suffix(".pdf").is_file()]
    progress.total(len(missing))
    if not missing:
        return "每份文书都已有 PDF"
    for path in export_pdfs(missing):
        progress.step(f"{path.relative_to(workspace.root)}")
    return f"已导出 {len(missing)} 份 PDF"


def verify(workspace: Workspace, params: dict[str, Any], progress: Progress) -> str:
    progress.total(1)
    check = verify_workspace(workspace)
    for problem in check.journal:
        progress.note(f"决定记录：{problem.file}：{problem.what}", problem=True)
    if check.archive:
        for line in check.archive.problems:
            progress.note(f"档案：{line.path}：{line.kind} {line.detail}", problem=True)
    progress.step("核验完成")
    if check.ok:
        files = check.archive.files if check.archive else 0
        return f"全部通过：决定记录链完整，档案 {files} 个文件校验值一致"
    return "发现问题：见下方各行"


def export(workspace: Workspace, params: dict[str, Any], progress: Progress) -> str:
    """The year's BagIt package, zipped in the job's folder for download."""
    year = params["year"]
    progress.total(2)
    bag = progress.folder / f"docgen-{year}-bag"
    shutil.rmtree(bag, ignore_errors=True)
    export_year_bag(workspace, year, bag)
    progress.step("BagIt 包已生成并校验")
    archive = shutil.make_archive(str(bag), "zip", root_dir=bag.parent, base_dir=bag.name)
    shutil.rmtree(bag)
    progress.job.result = Path(archive).name
    progress.step(f"已打包 {Path(archive).name}")
    return f"{year} 年度导出包已生成"


HANDLERS: dict[str, Work] = {"receive": receive, "pdfs": year_pdfs, "verify": verify, "export": export}
