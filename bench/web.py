"""Benchmark: the web interface under 20 concurrent users on loopback.

Starts `docgen serve` (waitress, as a clerk would run it) on a workspace made by `docgen demo`, logs
20 clients in, and for 60 s has each loop over the pages people open most: the year's dashboard, an
applicant's review page, a search (the results fragment typing fetches), a hit's highlight fragment
(what each result loads: the page's text layer searched for the terms), and a page picture at reading
size. Every other picture is asked for cold: its cached file is removed just before, so it is rendered
from the PDF/A under the full load (pages archived by the CLI are first shown that way; uploads through
the web have theirs rendered by their job).
In the same run the same clients fetch a static file from the same server: the floor any page stands
on, printed as a ratio. Prints requests, errors and p50/p95/max per route.

    .venv/bin/docgen demo sample-workspace          # once
    .venv/bin/python bench/web.py [--workspace sample-workspace/kunshan-2021] [--clients 20] [--seconds 60]
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docgen.evidence import records  # noqa: E402
from docgen.users import add_user, generate_password, load_users, remove_user  # noqa: E402
from docgen.web.pageview import picture_cache  # noqa: E402
from docgen.workspace import open_workspace  # noqa: E402

USER = "bench-reviewer"
TERMS = [
    "高级技师",
    "数控车床",
    "人力资源和社会保障局",
    "建筑面积",
    "技师 -高级技师",
    '"证书编号"',
    "CK6150",
    "营业执照",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Client:
    """One logged-in browser: a kept-alive connection and the session cookie."""

    def __init__(self, port: int, key: str, password: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""
        page = self.get(f"/w/{key}/login")[1]
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token, "no CSRF token on the login page"
        body = urllib.parse.urlencode({"name": USER, "password": password, "csrf_token": token[1]})
        status, _ = self.request("POST", f"/w/{key}/login", body, {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 302, f"login failed: {status}"

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, str]:
        sent = dict(headers or {})
        if self.cookie:
            sent["Cookie"] = self.cookie
        self.connection.request(method, path, body=body, headers=sent)
        response = self.connection.getresponse()
        data = response.read()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        text = data.decode("utf-8", "replace") if response.getheader("Content-Type", "").startswith("text") else ""
        return response.status, text

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
        return self.request("GET", path, None, headers)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workspace", type=Path, default=ROOT / "sample-workspace" / "kunshan-2021")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    workspace = open_workspace(args.workspace)
    files = sorted(workspace.applicants_dir().glob("*/*.yaml"))
    year = max(int(p.parent.name) for p in files) if files else 0
    applicants = [p.stem for p in files if p.parent.name == str(year)]
    pages = [
        (r.archival_code, n, picture_cache(workspace.web_dir, r.archive_copy.sha256) / f"{n}-read.jpeg")
        for _, r in records(workspace)
        if r.archive_copy
        for n in range(1, r.pages + 1)
    ]
    if not applicants or not pages:
        sys.exit(f"{args.workspace}: no applicants or archived pages; make it with 'docgen demo sample-workspace'")
    key = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in workspace.root.name).strip("-")
    password = generate_password()
    if USER in load_users(workspace):
        remove_user(workspace, USER)
    add_user(workspace, USER, "reviewer", password)
    shutil.rmtree(workspace.web_dir / "cache", ignore_errors=True)
    port = free_port()
    log = tempfile.TemporaryFile()  # noqa: SIM115 - not a pipe: a server stuck on a full pipe would stall the run
    server = subprocess.Popen(
        [sys.executable, "-m", "docgen", "serve", str(workspace.root), "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    log.seek(0)
                    sys.exit("the server did not start: " + log.read().decode())
                time.sleep(0.2)
        run(args, port, key, password, year, applicants, pages)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
        remove_user(workspace, USER)


def run(
    args: argparse.Namespace,
    port: int,
    key: str,
    password: str,
    year: int,
    applicants: list[str],
    pages: list[tuple[str, int, Path]],
) -> None:
    times: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    asked = itertools.count()
    lock = threading.Lock()
    stop = time.monotonic() + args.seconds
    page_cycle = itertools.cycle(pages)

    failed_logins: list[str] = []

    def client_loop(n: int) -> None:
        try:
            client = Client(port, key, password)
        except (OSError, http.client.HTTPException, AssertionError) as exc:
            failed_logins.append(f"{type(exc).__name__}: {exc}")
            return
        routes = itertools.cycle(["dashboard", "applicant", "search", "hit", "image", "static"])
        i = n
        while time.monotonic() < stop:
            route = next(routes)
            i += 1
            headers = None
            if route == "dashboard":
                path = f"/w/{key}/?year={year}"
            elif route == "applicant":
                path = f"/w/{key}/y/{year}/a/{applicants[i % len(applicants)]}/"
            elif route == "search":
                path = f"/w/{key}/search?q={urllib.parse.quote(TERMS[i % len(TERMS)])}"
                headers = {"HX-Request": "true", "HX-Target": "results"}
            elif route == "hit":
                with lock:
                    code, page, _ = next(page_cycle)
                query = urllib.parse.quote(TERMS[i % len(TERMS)])
                path = f"/w/{key}/page/{urllib.parse.quote(code)}/{page}/figure?size=thumb&q={query}"
                headers = {"HX-Request": "true"}
            elif route == "image":
                with lock:
                    code, page, cached = next(page_cycle)
                    cold = next(asked) % 2 == 0
                    if cold:
                        cached.unlink(missing_ok=True)
                path = f"/w/{key}/page/{urllib.parse.quote(code)}/{page}/read.img"
                route = "image (cold)" if cold else "image (cached)"
            else:
                path = "/static/app.css"
            started = time.perf_counter()
            try:
                status, _ = client.get(path, headers)
            except (OSError, http.client.HTTPException):
                status = 0
                client = Client(port, key, password)
            elapsed = time.perf_counter() - started
            with lock:
                times[route].append(elapsed)
                if status != 200:
                    errors[route] += 1

    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    total = sum(len(v) for v in times.values())
    if failed_logins:
        print(f"{len(failed_logins)} clients could not log in: {failed_logins[0]}")
    print(
        f"{args.clients} clients, {args.seconds:.0f} s, {total} requests ({total / args.seconds:.0f}/s), "
        f"{len(pages)} archived pages, {len(applicants)} applicants"
    )
    print(f"{'route':<24}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    p50 = {}
    for route in ["dashboard", "applicant", "search", "hit", "image (cold)", "image (cached)", "static"]:
        values = sorted(times.get(route, []))
        if not values:
            continue
        p50[route] = statistics.median(values)
        p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
        print(
            f"{route:<24}{len(values):>9}{errors.get(route, 0):>8}{p50[route] * 1000:>9.1f}{p95 * 1000:>9.1f}"
            f"{values[-1] * 1000:>9.1f}"
        )
    if "static" in p50:
        for route in ("dashboard", "applicant", "search", "hit"):
            print(f"{route} p50 / static file p50: {p50[route] / p50['static']:.1f}x")


if __name__ == "__main__":
    main()
