"""Long work started from a page (OCR of uploaded evidence, PDF export of a year's documents, verifying
the archive, an export package), run in the background one at a time while the server answers pages.

Each job is a JSON file in web/jobs/ rewritten as it progresses, so its page can show progress and its
result survives a restart. The work itself is a library call that is safe to stop at any moment (the
archive and the journal write staged and rename last), so a server stopped mid-job leaves the workspace
as a kill -9 of the CLI would; on the next start the job shows as interrupted and can be run again
with the same inputs (its uploads stay in web/uploads/JOB/ until it succeeds).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import shutil
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from archive import write_all_atomically
from docgen.errors import DocgenError
from docgen.web.common import USER_ERRORS
from docgen.workspace import Workspace

FINISHED = ("done", "failed", "interrupted")


@dataclass
class Job:
    id: str
    kind: str  # a key of the runner's handlers
    label: str  # what the page shows: 接收材料：昆山精工数控技术有限公司
    user: str
    params: dict[str, Any]
    state: str = "queued"  # queued, running, done, failed, interrupted
    done: int = 0
    total: int = 0
    lines: list[str] = field(default_factory=list)  # what happened, one line per file or step
    message: str = ""  # the outcome in one sentence, or the library's own refusal
    problem: bool = False  # done, but with something a person must look at (an unread page, a failed OCR)
    result: str = ""  # a file under the job's folder to download, if the job made one
    created: str = ""
    finished: str = ""

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.state in FINISHED else 0)


class Progress:
    """Handed to a job's work: counts, lines, a result file; each call saves the job."""

    def __init__(self, runner: JobRunner, job: Job) -> None:
        self._runner, self.job = runner, job

    def total(self, n: int) -> None:
        self.job.total = n
        self._runner.save(self.job)

    def step(self, line: str, *, problem: bool = False) -> None:
        self.job.done += 1
        self.job.lines.append(line)
        self.job.problem = self.job.problem or problem
        self._runner.save(self.job)

    def note(self, line: str, *, problem: bool = False) -> None:
        self.job.lines.append(line)
        self.job.problem = self.job.problem or problem
        self._runner.save(self.job)

    @property
    def folder(self) -> Path:
        return self._runner.folder_of(self.job)


Work = Callable[[Workspace, dict[str, Any], Progress], str]


class JobRunner:
    """One background worker per workspace; jobs wait their turn in order."""

    def __init__(self, workspace: Workspace, handlers: dict[str, Work]) -> None:
        self.workspace = workspace
        self.handlers = handlers
        self.dir = workspace.web_dir / "jobs"
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="docgen-job")
        self._lock = threading.Lock()
        self._mark_interrupted()

    def folder_of(self, job: Job) -> Path:
        """The job's uploads and results: web/uploads/JOB/."""
        return self.workspace.web_dir / "uploads" / job.id

    def new_id(self) -> str:
        return dt.datetime.now().strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(3)

    def submit(self, kind: str, label: str, user: str, params: dict[str, Any], job_id: str | None = None) -> Job:
        if kind not in self.handlers:
            raise ValueError(f"no such job kind: {kind}")
        job = Job(job_id or self.new_id(), kind, label, user, params, created=_now())
        self.save(job)
        self._pool.submit(self._run, job)
        return job

    def again(self, job_id: str, user: str) -> Job:
        """Run a failed or interrupted job again with the same inputs (its uploads were kept)."""
        old = self.get(job_id)
        if old is None or old.state not in ("failed", "interrupted"):
            raise DocgenError(f"job {job_id}: only a failed or interrupted job can be run again")
        if old.params.get("uploads_removed"):
            raise DocgenError("此任务被拒绝，上传的文件已删除：请改正后重新上传")
        fresh = Job(old.id, old.kind, old.label, user, old.params, created=_now())
        self.save(fresh)
        self._pool.submit(self._run, fresh)
        return fresh

    def get(self, job_id: str) -> Job | None:
        if not job_id.replace("-", "").isalnum():
            return None
        path = self.dir / f"{job_id}.json"
        try:
            return Job(**json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    def recent(self, limit: int = 20) -> list[Job]:
        if not self.dir.is_dir():
            return []
        found = (self.get(p.stem) for p in sorted(self.dir.glob("*.json"), reverse=True)[:limit])
        return [j for j in found if j is not None]

    def busy(self) -> bool:
        return any(j.state in ("queued", "running") for j in self.recent(50))

    def save(self, job: Job) -> None:
        with self._lock:
            body = json.dumps(asdict(job), ensure_ascii=False, indent=1).encode()
            write_all_atomically([(self.dir / f"{job.id}.json", body)])

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _run(self, job: Job) -> None:
        job.state = "running"
        self.save(job)
        progress = Progress(self, job)
        try:
            job.message = self.handlers[job.kind](self.workspace, job.params, progress)
            job.state = "done"
            if not job.result and not job.problem:
                shutil.rmtree(self.folder_of(job), ignore_errors=True)  # uploads are archived now
        except USER_ERRORS as exc:
            job.state, job.message = "failed", exc.message
            # refused as given: running it again with the same files would be refused again, and the
            # uploads (applicants' pages) must not stay on the server for good
            shutil.rmtree(self.folder_of(job), ignore_errors=True)
            job.params = {**job.params, "uploads_removed": True}
        except Exception as exc:  # a bug: the job says so, the server goes on
            traceback.print_exc()
            job.state, job.message = "failed", f"internal error ({type(exc).__name__}: {exc}); please report it"
        job.finished = _now()
        self.save(job)

    def _mark_interrupted(self) -> None:
        uploads = self.workspace.web_dir / "uploads"
        if uploads.is_dir():  # uploads whose job was never saved (a stop between the two): nobody can use them
            for folder in uploads.iterdir():
                if folder.is_dir() and not (self.dir / f"{folder.name}.json").is_file():
                    shutil.rmtree(folder, ignore_errors=True)
        for job in self.recent(200):
            if job.state in ("queued", "running"):
                job.state = "interrupted"
                job.message = "服务器在任务进行中停止：工作区未留下半成品，可重新运行此任务。"
                job.finished = _now()
                self.save(job)


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")
