"""The one subprocess wrapper: logged, timed out, errors chained into docgen's own."""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from docgen.errors import MissingDependencyError, ToolFailed

log = logging.getLogger("docgen.tools")


def run(
    args: Sequence[str | Path],
    *,
    timeout: float,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    command = [str(a) for a in args]
    log.debug("run: %s", " ".join(command))
    try:
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            cwd=cwd,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError as exc:
        raise MissingDependencyError(f"{command[0]}: not installed; run 'bash scripts/setup'") from exc
    except subprocess.TimeoutExpired as exc:
        raise ToolFailed(f"{Path(command[0]).name} took longer than {timeout:.0f} s and was stopped") from exc
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise ToolFailed(
            f"{Path(command[0]).name} failed (exit {result.returncode})" + (f": {detail[-1]}" if detail else "")
        )
    return result
