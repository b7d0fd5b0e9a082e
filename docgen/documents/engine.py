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
"""

from __future__ import annotations

import io
import re
import traceback
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


def jinja_environment() -> ImmutableSandboxedEnvironment:
    return ImmutableSandboxedEnvironment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)


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
            template.compiled[name] = env.from_string(source)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"{path}: {locate(source, exc.lineno, name)}: {exc.message}") from None
    return template


def render(template: CompiledTemplate, context: Mapping[str, Any], post: PostProcess | None = None) -> bytes:
    """The rendered .docx as bytes."""
    helper = _docxtpl()
    rendered: dict[str, bytes] = {}
    for name, compiled in template.compiled.items():
        try:
            xml = compiled.render(context)
        except jinja2.TemplateError as exc:
            line = _template_line(exc)
            where = locate(template.sources[name], line, name) if line else name
            raise TemplateError(f"{template.path}: {where}: {_describe(exc)}") from None
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        xml = helper.resolve_listing(xml)
        if post is not None:
            xml = post(name, xml)
        rendered[name] = xml.encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in template.infos:
            zout.writestr(info, rendered.get(info.filename, template.blobs[info.filename]))
    return out.getvalue()


def _template_line(exc: BaseException) -> int | None:
    line = getattr(exc, "lineno", None)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == _TEMPLATE_FILE:
            line = frame.lineno
    return line


def _describe(exc: jinja2.TemplateError) -> str:
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
