from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from docgen.cli import cli

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"


@pytest.fixture(autouse=True)
def _no_ambient_workspace(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never pick up a workspace from the developer's environment or folders."""
    monkeypatch.delenv("DOCGEN_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="docgen")


def ok(*args: str | Path) -> str:
    """A command that must succeed: its output (the whole output and errors shown when it does not)."""
    result = run(*args)
    assert result.exit_code == 0, result.output + result.stderr
    return result.output


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` with its content (the lock files aside): to show a refusal changed nothing."""
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file() and p.name != ".lock"}


def write_yaml(path: Path, data: Any) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def load_example(relative: str) -> dict[str, Any]:
    data = yaml.safe_load((EXAMPLES / relative).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def assert_one_line_error(result: Result, *fragments: str) -> str:
    """Exit 2, no traceback, one line on stderr that holds every fragment."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.stderr)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]
