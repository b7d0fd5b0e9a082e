"""The committed templates: up to date with their build script, clean for their kind, overridable."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from docgen.documents.kinds import KINDS
from docgen.documents.template_specs import build_template
from tests.conftest import REPO, run, write_yaml
from tests.documents.helpers import all_text, read


@pytest.mark.parametrize("kind", list(KINDS))
def test_committed_templates_match_the_build_script(tmp_path: Path, kind: str) -> None:
    build_template(kind, tmp_path / f"{kind}.docx")
    assert (tmp_path / f"{kind}.docx").read_bytes() == (REPO / "templates" / f"{kind}.docx").read_bytes(), (
        f"templates/{kind}.docx is stale: run 'python scripts/build-templates'"
    )


@pytest.mark.parametrize("kind", list(KINDS))
def test_builtin_templates_pass_their_own_check(kind: str) -> None:
    result = run("templates", "check", REPO / "templates" / f"{kind}.docx", "--kind", kind)
    assert result.exit_code == 0, result.stderr


def test_check_reports_names_the_kind_does_not_provide(tmp_path: Path) -> None:
    doc = Document(str(REPO / "templates" / "notice.docx"))
    doc.add_paragraph("联系：{{ contact_person }}")
    path = tmp_path / "edited.docx"
    doc.save(str(path))
    result = run("templates", "check", path, "--kind", "notice")
    assert result.exit_code == 2
    assert "'contact_person' is not provided by notice data" in result.stderr
    assert "“联系：{{ contact_person }}”" in result.stderr


def test_a_workspace_template_overrides_the_builtin(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    (ws / "templates").mkdir(parents=True)
    write_yaml(ws / "docgen.yaml", {"policy": "kunshan-2021"})
    doc = Document(str(REPO / "templates" / "plaque.docx"))
    doc.add_paragraph("（本地定制：{{ unit }}）")
    doc.save(str(ws / "templates" / "plaque.docx"))
    listed = run("-w", ws, "templates", "list")
    assert str(ws / "templates" / "plaque.docx") in listed.output
    result = run("-w", ws, "make", "plaque", REPO / "examples/kunshan/doc-plaque.yaml", "-o", tmp_path / "p.docx")
    assert result.exit_code == 0, result.stderr
    assert "（本地定制：昆山精工数控技术有限公司）" in all_text(read(tmp_path / "p.docx"))
