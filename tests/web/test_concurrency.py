"""Many users at once against `docgen serve` with two worker processes, as on the bureau's server:
no write is lost and the answer says saved only when it is; a server killed with kill -9 during a
receive job leaves nothing counted, and the next start rolls the receipt back."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from docgen.samples.scans import page_image, save_pdf
from docgen.users import add_user
from docgen.workspace import open_workspace
from tests.conftest import EXAMPLES
from tests.web.conftest import CODE, PASSWORD, Year

pytestmark = pytest.mark.slow
DOCGEN = str(Path(sys.executable).with_name("docgen"))
SCHOOL = EXAMPLES / "kunshan" / "applicant-school.yaml"
SCHOOL_CODE = yaml.safe_load(SCHOOL.read_text(encoding="utf-8"))["credit_code"]


class Browser:
    """One person's session: cookies kept, the CSRF token taken from the last page read."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.token = ""

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            page = str(response.read().decode())
        if found := re.search(r'name="csrf_token" value="([^"]+)"', page):
            self.token = found.group(1)
        return page

    def post(self, path: str, fields: dict[str, str], files: dict[str, list[Path]] | None = None) -> str:
        data = {**fields, "csrf_token": self.token}
        if files is None:
            body, kind = urllib.parse.urlencode(data).encode(), "application/x-www-form-urlencoded"
        else:
            body, kind = _multipart(data, files)
        request = urllib.request.Request(self.base + path, data=body, headers={"Content-Type": kind})
        with self.opener.open(request, timeout=120) as response:  # redirects followed: the page it lands on
            return str(response.read().decode())

    def log_in(self, name: str) -> None:
        self.get("/login")
        assert "退出" in self.post("/login", {"name": name, "password": PASSWORD})


def _multipart(fields: dict[str, str], files: dict[str, list[Path]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()
    ]
    for name, paths in files.items():
        for path in paths:
            head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{path.name}"\r\n'
            parts.append(
                head.encode() + b"Content-Type: application/octet-stream\r\n\r\n" + path.read_bytes() + b"\r\n"
            )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/w/ws"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [DOCGEN, "serve", str(self.root), "--port", str(self.port), "--workers", "2"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its workers and their OCR children form one group, killed together
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/login", timeout=5):
                    return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        raise AssertionError("the server did not start")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@pytest.fixture
def served(small_year: Year, tmp_path: Path) -> Iterator[Server]:
    root = tmp_path / "ws"
    shutil.copytree(small_year.root, root, ignore=shutil.ignore_patterns("jobs", "uploads", "cache"))
    add_user(open_workspace(root), "reviewer2", "reviewer", PASSWORD, "吴敏")
    server = Server(root)
    server.start()
    yield server
    server.kill()


def test_twenty_notes_at_once_from_two_reviewers_are_all_kept(served: Server) -> None:
    # a session each (the two reviewers logged in on ten PCs each): a page's flash lives in its session's
    # cookie, so requests racing in one session could show each other's flashes
    people = []
    for n in range(20):
        person = Browser(served.base)
        person.log_in(("reviewer", "reviewer2")[n % 2])
        person.get(f"/y/2021/a/{CODE}")
        people.append(person)
    start, answers = threading.Barrier(20), []

    def post(n: int) -> None:
        start.wait()
        answers.append(people[n].post(f"/y/2021/a/{CODE}/note", {"text": f"并发审核意见第{n}条"}))

    threads = [threading.Thread(target=post, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == 20 and all("审核意见已保存" in a for a in answers)
    kept = yaml.safe_load(open_workspace(served.root).review_notes_file(2021, CODE).read_text(encoding="utf-8"))
    texts = sorted(n["text"] for n in kept["notes"])
    assert texts == sorted(f"并发审核意见第{n}条" for n in range(20))
    assert {n["by"] for n in kept["notes"]} >= {"周立", "吴敏"}


def test_the_same_step_twice_at_once_is_recorded_once(served: Server) -> None:
    clerks = []
    for _ in range(2):
        clerk = Browser(served.base)
        clerk.log_in("clerk")
        clerk.get("/?year=2021")
        clerks.append(clerk)
    start, answers = threading.Barrier(2), []

    def opinion(clerk: Browser) -> None:
        start.wait()
        fields = {"unit": CODE, "decision": "recommend", "reason": "符合申报条件"}
        answers.append(clerk.post("/y/2021/step/preliminary", fields))

    threads = [threading.Thread(target=opinion, args=(c,)) for c in clerks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    recorded = list((served.root / "decisions" / "2021").glob("*-preliminary-*.yaml"))
    assert len(recorded) == 1
    told = [re.findall(r"class=\"flash [a-z]+\"[^>]*>([^<]*)<", a) for a in answers]
    refused = [t for t in told if t and ("already has an opinion" in t[0] or "工作区正忙" in t[0])]
    assert len(refused) == 1, told  # the other is told (busy, or already decided), never "recorded" in vain
    assert sum(bool(t) and t[0].startswith("已记录") for t in told) == 1, told
    verify = subprocess.run([DOCGEN, "-w", str(served.root), "verify", "--journal-only"], capture_output=True)
    assert verify.returncode == 0, verify.stdout.decode() + verify.stderr.decode()


def test_a_server_killed_during_a_receive_job_leaves_nothing_counted(served: Server, tmp_path: Path) -> None:
    scans = [
        save_pdf(
            [page_image(["职业资格证书", f"高级技师 第{n}号", "服务中断测试文字"], seed=70 + n)], tmp_path / f"{n}.pdf"
        )
        for n in range(3)
    ]
    clerk = Browser(served.base)
    clerk.log_in("clerk")
    clerk.get("/?year=2021")
    clerk.post(
        "/y/2021/receive",
        {"date": "2021-12-12"},
        {"applicant": [SCHOOL], "ev-teacher_certificates": scans},
    )
    unit = served.root / "archive" / "2021" / SCHOOL_CODE
    deadline = time.monotonic() + 180
    while not list(unit.glob("*/record.json")) and time.monotonic() < deadline:
        time.sleep(0.05)
    served.kill()
    assert list(unit.glob("*/record.json")), "killed before anything was archived: the test proves nothing"
    assert not list((served.root / "decisions" / "2021").glob(f"*-receive-{SCHOOL_CODE}*.yaml"))

    served.start()  # the next start rolls the receipt back before anyone sees the year
    assert not list(unit.glob("*/record.json"))
    assert not list((served.root / "archive" / ".staging").glob("*"))  # nor any page being read when killed
    status = subprocess.run([DOCGEN, "-w", str(served.root), "status", "--json"], capture_output=True, check=True)
    data = json.loads(status.stdout)
    year = next(y for y in data["years"] if y["year"] == 2021) if "years" in data else data
    assert all(SCHOOL_CODE not in str(item) for item in year["evidence"]["needs_review"])
    searched = subprocess.run([DOCGEN, "-w", str(served.root), "search", "服务中断测试文字"], capture_output=True)
    assert searched.returncode == 1  # no page of it is found
    clerk = Browser(served.base)
    clerk.log_in("clerk")
    assert "已中断" in clerk.get("/?year=2021")
    job_id = next((served.root / "web" / "uploads").iterdir()).name
    page = clerk.get(f"/jobs/{job_id}")
    assert "已中断" in page and "重新运行" in page  # its uploads were kept for this

    clerk.post(f"/jobs/{job_id}/again", {})  # finished by running the job again: whole, each file once
    deadline = time.monotonic() + 240
    while "已完成" not in clerk.get(f"/jobs/{job_id}") and time.monotonic() < deadline:
        time.sleep(1)
    records = [json.loads(p.read_text(encoding="utf-8")) for p in unit.glob("*/record.json")]
    assert sorted(r["original"]["name"] for r in records) == ["0.pdf", "1.pdf", "2.pdf"]
    decision = next((served.root / "decisions" / "2021").glob(f"*-receive-{SCHOOL_CODE}*.yaml"))
    assert all(r["archival_code"] in decision.read_text(encoding="utf-8") for r in records)
    assert not (served.root / "web" / "uploads" / job_id).exists()  # archived now: the uploads are gone
