"""Benchmark: 1,000 plaques and 1,000 pre-filled application forms.

docgen (templates compiled once, rendered in parallel) against the plain docxtpl loop
`DocxTemplate(path).render(ctx); save()` on the same templates and contexts, in the same run.

    .venv/bin/python bench/documents.py [--count 1000] [--jobs N]
"""

from __future__ import annotations

import argparse
import copy
import sys
import tempfile
import time
from pathlib import Path

from docxtpl import DocxTemplate

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docgen.applicant import load_applicant  # noqa: E402
from docgen.documents.batch import default_jobs, render_many  # noqa: E402
from docgen.documents.kinds import KINDS, PlaqueData  # noqa: E402
from docgen.policy_registry import load_policy  # noqa: E402


def plaque_contexts(count: int) -> list[dict]:
    policy = load_policy("hangzhou-2024")
    data = PlaqueData.model_validate(
        {
            "date": "2026-10-20",
            "bases": [{"applicant": "applicant-pass.yaml", "short_name": f"第{i}"} for i in range(count)],
        }
    )
    source = ROOT / "examples/hangzhou/doc-plaque.yaml"
    return KINDS["plaque"].context(data, policy, source=source, workspace=None)


def form_contexts(count: int) -> list[dict]:
    policy = load_policy("kunshan-2021")
    base = load_applicant(ROOT / "examples/kunshan/applicant-pass.yaml")
    contexts = []
    for i in range(count):
        ctx = copy.deepcopy(KINDS["form"].context(base, policy))
        ctx["unit"]["name"] = f"昆山第{i}精工数控技术有限公司"
        contexts.append(ctx)
    return contexts


def plain_loop(template: Path, contexts: list[dict], out: Path) -> float:
    start = time.perf_counter()
    for i, ctx in enumerate(contexts):
        doc = DocxTemplate(str(template))
        doc.render(ctx)
        doc.save(str(out / f"{i}.docx"))
    return time.perf_counter() - start


def docgen_batch(template: Path, contexts: list[dict], out: Path, jobs: int) -> float:
    start = time.perf_counter()
    for i, blob in enumerate(render_many(template, contexts, jobs)):
        (out / f"{i}.docx").write_bytes(blob)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=default_jobs())
    args = parser.parse_args()
    print(f"{args.count} documents per kind, docgen with {args.jobs} worker(s)")
    print(f"{'kind':<8} {'plain docxtpl':>16} {'docgen':>16} {'ratio':>7}")
    for kind, contexts in (("plaque", plaque_contexts(args.count)), ("form", form_contexts(args.count))):
        template = ROOT / "templates" / f"{kind}.docx"
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            plain = plain_loop(template, contexts, Path(a))
            ours = docgen_batch(template, contexts, Path(b), args.jobs)
        n = len(contexts)
        print(f"{kind:<8} {n / plain:>11.1f} doc/s {n / ours:>11.1f} doc/s {plain / ours:>6.2f}x")


if __name__ == "__main__":
    main()
