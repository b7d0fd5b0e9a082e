"""Rendering: same result as docxtpl, sandboxed, strict about undefined names, escaping values."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from docxtpl import DocxTemplate

from docgen.documents.engine import compile_template, jinja_environment, render
from docgen.documents.kinds import KINDS
from docgen.documents.make import sample_contexts, template_path
from tests.conftest import assert_one_line_error, run, write_yaml
from tests.documents.helpers import all_text, read


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_compiled_engine_matches_docxtpl(tmp_path: Path, kind: str) -> None:
    path = template_path(kind, None)
    context = sample_contexts(KINDS[kind])[-1]
    ours = tmp_path / "ours.docx"
    ours.write_bytes(render(compile_template(path), context))
    theirs = tmp_path / "theirs.docx"
    plain = DocxTemplate(str(path))
    plain.render(context, jinja_env=jinja_environment())
    plain.save(str(theirs))
    a, b = read(ours), read(theirs)
    assert all_text(a) == all_text(b)
    assert [p.style.name for p in a.paragraphs] == [p.style.name for p in b.paragraphs]


def template_with(tmp_path: Path, *paragraphs: str | list[str]) -> Path:
    """A .docx whose paragraphs hold the given text; a list puts each piece in its own run."""
    doc = Document()
    body = doc.element.body
    for empty in body.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"):
        body.remove(empty)  # python-docx's blank document starts with an empty paragraph
    for text in paragraphs:
        p = doc.add_paragraph()
        for i, piece in enumerate([text] if isinstance(text, str) else text):
            run_ = p.add_run(piece)
            run_.bold = i % 2 == 1  # different formatting, as Word splits runs
    path = tmp_path / "t.docx"
    doc.save(str(path))
    return path


def test_a_sandbox_escape_fails_cleanly(tmp_path: Path) -> None:
    template = template_with(tmp_path, "Hello", "{{ ''.__class__.__mro__ }}")
    data = write_yaml(tmp_path / "d.yaml", {"x": 1})
    result = run("render", template, data, "-o", tmp_path / "out.docx")
    assert_one_line_error(result, "t.docx", "paragraph 2", "not allowed in a template", "__class__")
    assert not (tmp_path / "out.docx").exists()


@pytest.mark.parametrize(
    "expression",
    [
        "{{ x.__init__.__globals__ }}",
        "{{ cycler.__init__.__globals__.os }}",
        "{{ x.mro() }}",
        "{% for c in ''.__class__.__base__.__subclasses__() %}{% endfor %}",
    ],
)
def test_other_escapes_fail_too(tmp_path: Path, expression: str) -> None:
    template = template_with(tmp_path, expression)
    result = run("render", template, write_yaml(tmp_path / "d.yaml", {"x": "a"}), "-o", tmp_path / "o.docx")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert not (tmp_path / "o.docx").exists()


def test_an_undefined_name_is_an_error_naming_it_and_where(tmp_path: Path) -> None:
    template = template_with(tmp_path, "申报单位：{{ unit.name }}", "地址：{{ unit.adress }}")
    data = write_yaml(tmp_path / "d.yaml", {"unit": {"name": "某公司", "address": "某地"}})
    result = run("render", template, data, "-o", tmp_path / "o.docx")
    assert_one_line_error(result, "paragraph 2", "“地址：{{ unit.adress }}”", "undefined", "adress")
    assert not (tmp_path / "o.docx").exists()


def test_tags_split_across_runs_render_and_are_located(tmp_path: Path) -> None:
    template = template_with(tmp_path, ["单位：{{ un", "it.na", "me }}"], ["{{ missi", "ng }}"])
    problems = run("templates", "check", template)
    assert problems.exit_code == 0  # syntax fine
    data = write_yaml(tmp_path / "d.yaml", {"unit": {"name": "昆山某公司"}})
    result = run("render", template, data, "-o", tmp_path / "o.docx")
    assert_one_line_error(result, "paragraph 2", "“{{ missing }}”", "'missing' is undefined")
    ok = write_yaml(tmp_path / "e.yaml", {"unit": {"name": "昆山某公司"}, "missing": "有"})
    assert run("render", template, ok, "-o", tmp_path / "o.docx").exit_code == 0
    assert [p.text for p in read(tmp_path / "o.docx").paragraphs] == ["单位：昆山某公司", "有"]


def test_values_are_escaped_not_interpreted(tmp_path: Path) -> None:
    template = template_with(tmp_path, "{{ name }}")
    data = write_yaml(tmp_path / "d.yaml", {"name": 'A&B <C> "D" </w:t></w:r>'})
    assert run("render", template, data, "-o", tmp_path / "o.docx").exit_code == 0
    assert read(tmp_path / "o.docx").paragraphs[0].text == 'A&B <C> "D" </w:t></w:r>'


def test_a_unit_named_with_markup_prints_literally_in_a_form(tmp_path: Path) -> None:
    import yaml

    from tests.conftest import EXAMPLES

    data = yaml.safe_load((EXAMPLES / "kunshan/applicant-pass.yaml").read_text(encoding="utf-8"))
    data["name"] = "A&B <C> 有限公司"
    path = write_yaml(tmp_path / "a.yaml", data)
    assert run("make", "form", path, "-p", "kunshan-2021", "-o", tmp_path / "f.docx").exit_code == 0
    assert "A&B <C> 有限公司" in all_text(read(tmp_path / "f.docx"))


def test_a_syntax_error_is_located(tmp_path: Path) -> None:
    template = template_with(tmp_path, "好", "{% if x %}没有结束")
    result = run("templates", "check", template)
    assert result.exit_code == 2 and "paragraph 2" in result.stderr and "endif" in result.stderr
