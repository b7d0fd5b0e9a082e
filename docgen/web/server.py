"""Serving the web shell with waitress: one process, a few threads, nothing else to run."""

from __future__ import annotations

import socket
from collections.abc import Callable

from waitress import create_server

from docgen.web.app import create_app, sites_of
from docgen.workspace import Workspace

THREADS = 8  # requests answered at once; OCR and exports run in each workspace's job worker beside them


def port_free(host: str, port: int) -> None:
    """Raise OSError when nothing can listen on host:port (before anything is started)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


def serve(workspaces: list[Workspace], host: str, port: int, echo: Callable[[str], None] = print) -> None:
    port_free(host, port)
    app = create_app(workspaces)
    server = create_server(app, host=host, port=port, threads=THREADS, ident="docgen")
    for site in sites_of(app).values():
        echo(f"  {site.title}: http://{host}:{port}/w/{site.key}/")
    echo("Ctrl-C stops the server (a job under way is left as if never started, and can be run again)")
    try:
        server.run()
    finally:
        for site in sites_of(app).values():
            site.jobs.shutdown()
