"""Rendering many documents from one template: compiled once per worker, rendered in parallel."""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from docgen.documents.engine import (
    DEFAULT_LIMITS,
    CompiledTemplate,
    DocumentProperties,
    RenderLimits,
    compile_template,
    render,
)
from docgen.documents.layout import apply as layout

_worker_template: CompiledTemplate | None = None
_worker_limits = DEFAULT_LIMITS


def _init(path: str, limits: RenderLimits) -> None:
    global _worker_template, _worker_limits
    _worker_template = compile_template(Path(path))
    _worker_limits = limits


def _render_one(job: tuple[dict[str, Any], DocumentProperties | None]) -> bytes:
    assert _worker_template is not None
    context, properties = job
    return render(_worker_template, context, post=layout, limits=_worker_limits, properties=properties)


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)))


def render_many(
    template: Path,
    contexts: Sequence[dict[str, Any]],
    jobs: int | None = None,
    limits: RenderLimits = DEFAULT_LIMITS,
    properties: Sequence[DocumentProperties] | None = None,
) -> list[bytes]:
    """Render every context with `template`, each under `limits` (and with its `properties`);
    results in the same order."""
    jobs = jobs or default_jobs()
    each: list[DocumentProperties | None] = list(properties) if properties is not None else [None] * len(contexts)
    if jobs == 1 or len(contexts) < 8:
        compiled = compile_template(template)
        return [
            render(compiled, ctx, post=layout, limits=limits, properties=props)
            for ctx, props in zip(contexts, each, strict=True)
        ]
    chunk = max(1, len(contexts) // (jobs * 4))
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init, initargs=(str(template), limits)) as pool:
        return list(pool.map(_render_one, zip(contexts, each, strict=True), chunksize=chunk))
