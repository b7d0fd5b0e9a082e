"""Serving the web shell with waitress: one listening socket shared by a few worker processes (the
pages are Python, and one process uses one core), each answering with a few threads. Nothing else to
install or run.

The application is made once, before the workers are forked (it starts no thread until a job is
submitted), so a restart marks jobs cut off by the last stop exactly once. A job runs in the worker
that took its request; its progress is a file every worker reads, and the workspace's own locks keep
two workers' steps in order.
"""

from __future__ import annotations

import os
import signal
import socket
from collections.abc import Callable
from typing import Any

from waitress import create_server

from docgen.web.app import create_app, sites_of
from docgen.workspace import Workspace

THREADS = 6  # requests one worker answers at once


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def listening_socket(host: str, port: int) -> socket.socket:
    """Bound and listening, or OSError (before anything else is started)."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(1024)
    except OSError:
        sock.close()
        raise
    return sock


def serve(
    workspaces: list[Workspace], host: str, port: int, workers: int = 1, echo: Callable[[str], None] = print
) -> None:
    sock = listening_socket(host, port)
    app = create_app(workspaces)
    for site in sites_of(app).values():
        echo(f"  {site.title}: http://{host}:{port}/w/{site.key}/")
    echo(f"{workers} worker process(es); Ctrl-C stops the server (a job under way is left as if never started)")
    children = []
    for _ in range(workers - 1):
        pid = os.fork()
        if pid == 0:  # a worker: serve until told to stop
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the workers
            try:
                create_server(app, sockets=[sock], threads=THREADS, ident="docgen").run()
            finally:
                os._exit(0)
        children.append(pid)

    def stop(*_: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    server = create_server(app, sockets=[sock], threads=THREADS, ident="docgen")
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        server.close()
        for site in sites_of(app).values():
            site.jobs.shutdown()
