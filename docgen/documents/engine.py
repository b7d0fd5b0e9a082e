"""Rendering .docx templates: parsed and compiled once, rendered many times, sandboxed.

docxtpl's `DocxTemplate(path).render(ctx)` re-reads the .docx, re-parses its XML with
python-docx and re-compiles the Jinja source on every call (about 45 ms for a small template).
Here the template's zip is read once, each XML part (document, headers, footers) is cleaned
with docxtpl's own `patch_xml` (which also rejoins tags Word split across runs) and compiled
once; a render is then one Jinja call per part, docxtpl's own post-processing, and a zip
written from the other parts' cached bytes. tests/documents/test_engine.py checks that the
result matches docxtpl's for every built-in template.

Clerks edit templates, so Jinja runs sandboxed (no `''.__class__.__mro__`), undefined names are
errors rather than blanks, and values are XML-escaped (a unit named A&B <C> prints literally).
A render also runs under limits (RenderLimits: seconds and XML bytes, checked as the output is
produced, on every call, every 1,000 steps of a range and before a large string or list is made),
so a template cannot hang or exhaust the machine; include, import and extends are refused.
"""

from __future__ import annotations

import contextvars
import io
import re
import time
import traceback
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as escape_xml

import jinja2
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, meta, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from docgen.errors import BadInputError

_PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes)\.xml$")
_TEMPLATE_FILE = "<template>"

PostProcess = Callable[[str, str], str]  # (part name, rendered xml) -> xml


class TemplateError(BadInputError):
    """A template cannot be compiled or rendered; the message says where in the document."""


@dataclass(frozen=True)
class RenderLimits:
    """What one render may take: wall-clock seconds and bytes of XML produced (workspace settings
    render_seconds and render_xml_mb; a real document takes well under 1 s and 1 MB)."""

    seconds: float = 10.0
    xml_bytes: int = 50 * 2**20


DEFAULT_LIMITS = RenderLimits()
MAX_RANGE = 100_000  # items of one range() in a template
MAX_POWER = 1_000  # exponent of ** in a template


class RenderLimitReached(Exception):
    """Raised inside a render that went past its limits; the render stops and nothing is written."""


@dataclass
class _Budget:
    limits: RenderLimits
    deadline: float
    produced: int = 0

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise RenderLimitReached(
                f"the template ran longer than {self.limits.seconds:g} s and was stopped (a loop too large?)"
            )

    def spend(self, size: int) -> None:
        self.produced += size
        if self.produced > self.limits.xml_bytes:
            raise RenderLimitReached(
                f"the template produced more than {self.limits.xml_bytes / 2**20:g} MB of text and was stopped"
            )


_budget: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("render_budget", default=None)


def _tick() -> None:
    budget = _budget.get()
    if budget is not None:
        budget.tick()


def _range(*args: int) -> Iterator[int]:
    """range() for templates: at most MAX_RANGE items, the clock checked as it goes."""
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise RenderLimitReached(f"range() of {len(numbers)} items; templates may count to {MAX_RANGE}")
    for i, n in enumerate(numbers):
        if i % 1000 == 0:
            _tick()
        yield n


class _LimitedSandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with the clock checked on every call and big products refused before they are made."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        _tick()
        if operator == "**" and isinstance(right, int | float) and abs(right) > MAX_POWER:
            raise RenderLimitReached(f"a power of {right}; templates may raise to {MAX_POWER}")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(times, int):
                    budget = _budget.get()
                    cap = budget.limits.xml_bytes if budget else DEFAULT_LIMITS.xml_bytes
                    if len(seq) * times > cap:
                        raise RenderLimitReached(
                            f"a text or list of {len(seq) * times:,} items; too large for a document"
                        )
        return super().call_binop(context, operator, left, right)

    def call(self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _tick()
        return super().call(__context, __obj, *args, **kwargs)


def jinja_environment() -> ImmutableSandboxedEnvironment:
    env = _LimitedSandbox(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
    env.globals["range"] = _range
    return env


_REFUSED_NODES = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)


def _docxtpl() -> DocxTemplate:
    """An unloaded DocxTemplate, used only for its string helpers (patch_xml, resolve_listing)."""
    return DocxTemplate.__new__(DocxTemplate)


@dataclass
class CompiledTemplate:
    path: Path
    infos: list[zipfile.ZipInfo]
    blobs: dict[str, bytes]
    sources: dict[str, str] = field(default_factory=dict)  # part -> patched Jinja source
    compiled: dict[str, jinja2.Template] = field(default_factory=dict)

    def variables(self) -> set[str]:
        """Top-level names the template reads."""
        env = jinja_environment()
        names: set[str] = set()
        for source in self.sources.values():
            names |= meta.find_undeclared_variables(env.parse(source))
        return names


def compile_template(path: Path, env: jinja2.Environment | None = None) -> CompiledTemplate:
    env = env or jinja_environment()
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            blobs = {info.filename: zf.read(info.filename) for info in infos}
    except FileNotFoundError:
        raise TemplateError(f"{path}: no such template") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise TemplateError(f"{path}: not a .docx file ({exc})") from None
    if "word/document.xml" not in blobs:
        raise TemplateError(f"{path}: not a .docx file (no word/document.xml)")
    template = CompiledTemplate(path, infos, blobs)
    helper = _docxtpl()
    for name, blob in blobs.items():
        if not _PARTS.match(name):
            continue
        xml = blob.decode("utf-8")
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", helper.patch_xml(xml))
        template.sources[name] = source
        try:
            for node in env.parse(source).find_all(_REFUSED_NODES):
                tag = type(node).__name__.lower().replace("fromimport", "from ... import")
                raise TemplateError(
                    f"{path}: {locate(source, node.lineno, name)}: {{% {tag} %}} is not allowed in a docgen template; "
                    "put the text in this template"
                )
            template.compiled[name] = env.from_string(source)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"{path}: {locate(source, exc.lineno, name)}: {exc.message}") from None
    return template


@dataclass(frozen=True)
class DocumentProperties:
    """What File > Properties and the PDF's metadata say: the document's title and the bureau that
    issues it (not python-docx, nor the Word that made the template's first copy)."""

    title: str
    author: str


def _set_element(xml: str, tag: str, value: str) -> str:
    """`<tag>value</tag>` in place of `<tag/>` or `<tag>...</tag>`, or the xml as it was."""
    text = escape_xml(value)
    return re.sub(rf"<{tag}\s*/>|<{tag}>[^<]*</{tag}>", lambda _: f"<{tag}>{text}</{tag}>", xml, count=1)


def _property_parts(template: CompiledTemplate, properties: DocumentProperties) -> dict[str, bytes]:
    parts = {}
    if "docProps/core.xml" in template.blobs:
        core = template.blobs["docProps/core.xml"].decode("utf-8")
        for tag, value in (
            ("dc:title", properties.title),
            ("dc:creator", properties.author),
            ("cp:lastModifiedBy", properties.author),
            ("dc:description", ""),
        ):
            core = _set_element(core, tag, value)
        parts["docProps/core.xml"] = core.encode("utf-8")
    if "docProps/app.xml" in template.blobs:
        app = template.blobs["docProps/app.xml"].decode("utf-8")
        app = _set_element(_set_element(app, "Application", "docgen"), "Company", properties.author)
        parts["docProps/app.xml"] = app.encode("utf-8")
    return parts


def render(
    template: CompiledTemplate,
    context: Mapping[str, Any],
    post: PostProcess | None = None,
    limits: RenderLimits = DEFAULT_LIMITS,
    properties: DocumentProperties | None = None,
) -> bytes:
    """The rendered .docx as bytes; TemplateError (nothing else) when the template cannot be rendered.
    `properties`: the title and author written into docProps (else the template's)."""
    helper = _docxtpl()
    rendered: dict[str, bytes] = {}
    budget = _Budget(limits, time.monotonic() + limits.seconds)
    token = _budget.set(budget)
    try:
        for name, compiled in template.compiled.items():
            rendered[name] = _render_part(template, name, compiled, context, budget, helper, post)
    finally:
        _budget.reset(token)
    if properties is not None:
        rendered.update(_property_parts(template, properties))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in template.infos:
            zout.writestr(info, rendered.get(info.filename, template.blobs[info.filename]))
    return out.getvalue()


def _render_part(
    template: CompiledTemplate,
    name: str,
    compiled: jinja2.Template,
    context: Mapping[str, Any],
    budget: _Budget,
    helper: DocxTemplate,
    post: PostProcess | None,
) -> bytes:
    chunks = []
    try:
        for chunk in compiled.generate(context):
            budget.spend(len(chunk))
            budget.tick()
            chunks.append(chunk)
    except (jinja2.TemplateError, RenderLimitReached, ArithmeticError, LookupError, TypeError, ValueError) as exc:
        line = _template_line(exc)
        where = locate(template.sources[name], line, name) if line else name
        raise TemplateError(f"{template.path}: {where}: {_describe(exc)}") from None
    except (MemoryError, RecursionError) as exc:
        too_much = f"the template needs more than a document may ({type(exc).__name__})"
        raise TemplateError(f"{template.path}: {name}: {too_much}") from None
    xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", "".join(chunks))
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    xml = helper.resolve_listing(xml)
    if post is not None:
        xml = post(name, xml)
    return xml.encode("utf-8")


def _template_line(exc: BaseException) -> int | None:
    line = getattr(exc, "lineno", None)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == _TEMPLATE_FILE:
            line = frame.lineno
    return line


def _describe(exc: Exception) -> str:
    if isinstance(exc, RenderLimitReached):
        return str(exc)
    if not isinstance(exc, jinja2.TemplateError):
        return f"{type(exc).__name__}: {str(exc)[:120]}"
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return f"not allowed in a template: {exc.message}"
    if isinstance(exc, jinja2.UndefinedError):
        return f"undefined: {exc.message}"
    return exc.message or type(exc).__name__


def locate(source: str, lineno: int | None, part: str = "word/document.xml") -> str:
    """'paragraph 12 “text”' or 'table 2, row 3, cell 1 “text”' for a line of the patched source."""
    where = "" if part == "word/document.xml" else f"{part.split('/')[-1].removesuffix('.xml')}, "
    lines = source.split("\n")
    if not lineno or lineno > len(lines):
        return where + "somewhere in the document"
    before = "\n".join(lines[: lineno - 1])
    text = re.sub(r"<[^>]+>", "", lines[lineno - 1])
    snippet = f"“{text[:60]}”" if text.strip() else "(empty paragraph)"
    open_cells = len(re.findall(r"<w:tc[ >]", before)) - before.count("</w:tc>")
    if open_cells > 0:
        table_start = max(before.rfind("<w:tbl>"), before.rfind("<w:tbl "))
        in_table = before[table_start:]
        row = len(re.findall(r"<w:tr[ >]", in_table))
        row_start = max(in_table.rfind("<w:tr>"), in_table.rfind("<w:tr "))
        cell = len(re.findall(r"<w:tc[ >]", in_table[row_start:]))
        table = len(re.findall(r"<w:tbl[ >]", before))
        return f"{where}table {table}, row {row}, cell {cell} {snippet}"
    paragraph = sum(1 for line in lines[:lineno] if line.startswith(("<w:p>", "<w:p ")))
    return f"{where}paragraph {paragraph} {snippet}"


def name_locations(template: CompiledTemplate, name: str) -> list[str]:
    """Where a top-level name is read, as locate() strings."""
    env = jinja_environment()
    places = []
    for part, source in template.sources.items():
        for node in env.parse(source).find_all(nodes.Name):
            if node.name == name and node.ctx == "load":
                places.append(locate(source, node.lineno, part))
    return sorted(set(places))
