"""Making documents: pick the template, build the context, render, write atomically, export PDF."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive import safe_filename, write_all_atomically
from docgen.applicant import load_applicant
from docgen.crosscheck.review import review_pages
from docgen.datafiles import read_yaml
from docgen.documents import layout
from docgen.documents.batch import render_many
from docgen.documents.engine import (
    DEFAULT_LIMITS,
    CompiledTemplate,
    DocumentProperties,
    RenderLimits,
    TemplateError,
    compile_template,
    name_locations,
    render,
)
from docgen.documents.kinds import KINDS, Kind, load_kind_data, worksheet_context_of
from docgen.documents.titles import with_title_lines
from docgen.errors import BadInputError, did_you_mean
from docgen.paths import project_folder
from docgen.policy import Policy
from docgen.policy_registry import choose_policy, load_policy
from docgen.tools import soffice
from docgen.workspace import Workspace

_compiled: dict[tuple[Path, float, int], CompiledTemplate] = {}


def kind_named(name: str) -> Kind:
    if name not in KINDS:
        raise BadInputError(f"unknown document kind '{name}'" + did_you_mean(name, list(KINDS)))
    return KINDS[name]


def template_path(kind: str, workspace: Workspace | None) -> Path:
    """The workspace's templates/KIND.docx if it has one, else the built-in template."""
    if workspace is not None:
        own = workspace.templates_dir / f"{kind}.docx"
        if own.is_file():
            return own
    return project_folder("templates") / f"{kind}.docx"


def compiled_template(path: Path) -> CompiledTemplate:
    """Compile once per file version (path, mtime, size)."""
    stat = path.stat() if path.exists() else None
    key = (path.resolve(), stat.st_mtime if stat else 0.0, stat.st_size if stat else 0)
    if key not in _compiled:
        _compiled[key] = compile_template(path)
    return _compiled[key]


def limits_for(workspace: Workspace | None) -> RenderLimits:
    """The workspace's render limits (docgen.yaml: render_seconds, render_xml_mb), else the defaults."""
    if workspace is None:
        return DEFAULT_LIMITS
    settings = workspace.settings
    return RenderLimits(settings.render_seconds, int(settings.render_xml_mb * 2**20))


def render_docx(
    template: CompiledTemplate,
    context: dict[str, Any],
    limits: RenderLimits = DEFAULT_LIMITS,
    properties: DocumentProperties | None = None,
) -> bytes:
    return render(template, context, post=layout.apply, limits=limits, properties=properties)


def document_properties(kind: Kind, context: dict[str, Any], policy: Policy) -> DocumentProperties:
    """The document's title (a plaque's: its base name) and the issuing bureau, for docProps and the PDF."""
    title = context.get("title") or context.get("base_name") or kind.title
    return DocumentProperties(title=str(title).replace("\n", ""), author=policy.authority.name)


@dataclass(frozen=True)
class Request:
    kind: str
    data: Path | None
    out: Path
    policy: str | None = None
    pdf: bool = False
    all_bases: bool = False
    base: str | None = None
    year: int | None = None  # the evidence year a worksheet reviews (default: the newest)


def make(request: Request, workspace: Workspace | None = None) -> list[Path]:
    """Render one kind from a data file; returns the files written (.docx, and .pdf with pdf=True)."""
    kind = kind_named(request.kind)
    if request.data is None and kind.name != "form":
        raise BadInputError(f"make {kind.name}: a data file is needed (only 'form --blank' has none)")
    data = load_kind_data(kind, request.data) if request.data is not None else None
    policy = choose_policy(request.policy or getattr(data, "policy", None), workspace)
    rendered = render_kind(kind, data, policy, request, workspace)
    if request.pdf:
        rendered = with_pdfs(rendered)
    write_all_atomically(rendered)
    return [path for path, _ in rendered]


def render_kind(
    kind: Kind, data: Any, policy: Policy, request: Request, workspace: Workspace | None
) -> list[tuple[Path, bytes]]:
    """The .docx contents of one request, not yet written (callers write them with what goes along)."""
    contexts = kind.context(data, policy, source=request.data, workspace=workspace, year=request.year)
    path = template_path(kind.name, workspace)
    outputs = [(out, with_title_lines(kind.name, ctx)) for out, ctx in _outputs(kind, request, contexts)]
    limits = limits_for(workspace)
    properties = [document_properties(kind, ctx, policy) for _, ctx in outputs]
    if len(outputs) > 1:
        blobs = render_many(path, [ctx for _, ctx in outputs], limits=limits, properties=properties)
        return [(out, blob) for (out, _), blob in zip(outputs, blobs, strict=True)]
    template = compiled_template(path)
    return [
        (out, render_docx(template, ctx, limits, props)) for (out, ctx), props in zip(outputs, properties, strict=True)
    ]


def _outputs(kind: Kind, request: Request, contexts: Any) -> list[tuple[Path, dict[str, Any]]]:
    if not isinstance(contexts, list):
        if request.all_bases or request.base:
            raise BadInputError(f"--all and --base are for plaques, not for {kind.name}")
        return [(_docx_path(request.out), contexts)]
    if request.all_bases:
        if request.out.suffix.lower() == ".docx":
            raise BadInputError(f"{request.out}: with --all, -o names a folder for one file per base")
        names = [safe_filename(c["base_name"]) for c in contexts]
        return [(request.out / f"{name}.docx", c) for name, c in zip(names, contexts, strict=True)]
    if request.base:
        chosen = [c for c in contexts if request.base in (c["base_name"], c["unit"])]
        if not chosen:
            known = [c["unit"] for c in contexts]
            raise BadInputError(f"--base '{request.base}' is not in the data" + did_you_mean(request.base, known))
        return [(_docx_path(request.out), chosen[0])]
    if len(contexts) != 1:
        raise BadInputError(f"{request.data}: lists {len(contexts)} bases; pass --base NAME for one, or --all")
    return [(_docx_path(request.out), contexts[0])]


def _docx_path(out: Path) -> Path:
    if out.suffix.lower() != ".docx":
        raise BadInputError(f"{out}: the output must end in .docx")
    return out


def _pdf_bytes(docx_blobs: list[bytes]) -> list[bytes]:
    """PDFs of .docx contents, converted in a scratch folder by one soffice process."""
    with tempfile.TemporaryDirectory(prefix="docgen-pdf-") as scratch:
        staged = []
        for i, blob in enumerate(docx_blobs):
            tmp = Path(scratch) / f"{i:04d}.docx"
            tmp.write_bytes(blob)
            staged.append(tmp)
        return [pdf.read_bytes() for pdf in soffice.convert_to_pdf(staged, Path(scratch))]


def with_pdfs(rendered: list[tuple[Path, bytes]]) -> list[tuple[Path, bytes]]:
    """Each .docx with its PDF beside it, converted in one LibreOffice run (nothing written yet); other
    files (the Excel lists sent with a notice) as they are."""
    docx = [(path, blob) for path, blob in rendered if path.suffix == ".docx"]
    pdfs = iter(_pdf_bytes([blob for _, blob in docx]))
    out: list[tuple[Path, bytes]] = []
    for path, blob in rendered:
        out.append((path, blob))
        if path.suffix == ".docx":
            out.append((path.with_suffix(".pdf"), next(pdfs)))
    return out


def export_pdfs(documents: list[Path]) -> list[Path]:
    """A PDF beside each existing .docx, all converted in one LibreOffice run."""
    pdfs = _pdf_bytes([doc.read_bytes() for doc in documents])
    written = [(doc.with_suffix(".pdf"), pdf) for doc, pdf in zip(documents, pdfs, strict=True)]
    write_all_atomically(written)
    return [path for path, _ in written]


def render_any(template: Path, data: Path, out: Path, limits: RenderLimits = DEFAULT_LIMITS) -> Path:
    """Any docxtpl template with any YAML mapping, sandboxed and limited, for one-off documents."""
    context, _ = read_yaml(data)
    compiled = compiled_template(template)
    written = _docx_path(out)
    write_all_atomically([(written, render_docx(compiled, context, limits))])
    return written


def check_template(path: Path, kind_name: str | None = None) -> list[str]:
    """Problems of a template: syntax errors, names the kind does not provide, failed trial renders."""
    try:
        template = compile_template(path)
    except TemplateError as exc:
        return [exc.message]
    if kind_name is None:
        return []
    kind = kind_named(kind_name)
    problems = []
    samples = sample_contexts(kind)
    provided = set().union(*(ctx.keys() for ctx in samples))
    for name in sorted(template.variables() - provided):
        for where in name_locations(template, name):
            problems.append(
                f"{path}: {where}: '{name}' is not provided by {kind.name} data" + did_you_mean(name, sorted(provided))
            )
    if not problems:
        for ctx in samples:
            try:
                render_docx(template, ctx)
            except TemplateError as exc:
                problems.append(exc.message)
                break
    return problems


def sample_contexts(kind: Kind) -> list[dict[str, Any]]:
    """Contexts from the shipped examples of every programme, to try a template against."""
    examples = project_folder("examples")
    contexts: list[dict[str, Any]] = []
    for folder, policy_id in (("kunshan", "kunshan-2021"), ("hangzhou", "hangzhou-2024")):
        policy = load_policy(policy_id)
        if kind.name == "worksheet":
            applicant = load_applicant(examples / folder / "applicant-pass.yaml")
            contexts.append(worksheet_context_of(review_pages(applicant, policy, policy.source.date.year, [])))
            continue
        if kind.name == "form":
            contexts.append(kind.context(None, policy))
            source = examples / folder / "applicant-pass.yaml"
        else:
            source = examples / folder / f"doc-{kind.name}.yaml"
        data = load_kind_data(kind, source)
        result = kind.context(data, policy, source=source, workspace=None)
        contexts.extend(result if isinstance(result, list) else [result])
    return contexts
