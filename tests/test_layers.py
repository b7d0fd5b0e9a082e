"""The layering: archive/ and index/ are libraries of their own, and docgen uses only their public API."""

from __future__ import annotations

import ast
from pathlib import Path

import archive
import index

ROOT = Path(__file__).resolve().parent.parent


def imports_of(folder: Path) -> list[tuple[Path, int, str]]:
    found = []
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found += [(path, node.lineno, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.append((path, node.lineno, node.module))
    return found


def test_archive_and_index_import_nothing_of_docgen() -> None:
    """Anywhere in the file, top-level or inside a function."""
    offending = [
        f"{path.relative_to(ROOT)}:{line}: {module}"
        for lib in ("archive", "index")
        for path, line, module in imports_of(ROOT / lib)
        if module == "docgen" or module.startswith("docgen.")
    ]
    assert offending == []


def test_index_does_not_import_the_archive() -> None:
    """The index reads what it is given; it knows nothing of OCR or of how the archive stores pages."""
    offending = [f"{p.relative_to(ROOT)}:{n}" for p, n, m in imports_of(ROOT / "index") if m.split(".")[0] == "archive"]
    assert offending == []


def test_docgen_uses_only_the_public_api_of_archive_and_index() -> None:
    offending = [
        f"{path.relative_to(ROOT)}:{line}: {module}"
        for path, line, module in imports_of(ROOT / "docgen")
        if module.split(".")[0] in ("archive", "index") and module not in ("archive", "index")
    ]
    assert offending == []


def test_the_public_api_is_what_all_names() -> None:
    for lib in (archive, index):
        assert lib.__all__, lib.__name__
        missing = [name for name in lib.__all__ if not hasattr(lib, name)]
        assert missing == [], f"{lib.__name__}.__all__ names what it does not export: {missing}"


def test_a_bug_exits_70_with_one_line_and_a_traceback_only_with_v() -> None:
    from click.testing import CliRunner

    from docgen.cli import cli

    @cli.command("explode-for-test", hidden=True)
    def explode() -> None:
        raise ZeroDivisionError("division by zero")

    try:
        quiet = CliRunner().invoke(cli, ["explode-for-test"], prog_name="docgen")
        loud = CliRunner().invoke(cli, ["-v", "explode-for-test"], prog_name="docgen")
    finally:
        cli.commands.pop("explode-for-test")
    assert quiet.exit_code == 70
    assert quiet.stderr.strip().count("\n") == 0
    assert "internal error in 'explode-for-test': ZeroDivisionError" in quiet.stderr and "-v" in quiet.stderr
    assert "Traceback" not in quiet.stderr
    assert loud.exit_code == 70 and "Traceback" in loud.stderr


def test_the_cli_reference_matches_the_commands() -> None:
    from docgen.cli.reference import reference

    written = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert written == reference(), "docs/cli.md is stale: run '.venv/bin/python -m docgen.cli.reference > docs/cli.md'"
