"""Finding policies by name: the built-in ones shipped in the package, a workspace's own, or a file."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from docgen.datafiles import load_model
from docgen.errors import BadInputError, located
from docgen.policy import Policy
from docgen.workspace import Workspace

POLICY_FILE_LIMIT = 1024 * 1024


@dataclass(frozen=True)
class PolicyEntry:
    id: str
    path: Path
    origin: str  # "built-in" or "workspace"


def _builtin_dir() -> Path:
    return Path(str(resources.files("docgen") / "policies"))


def available_policies(workspace: Workspace | None = None) -> list[PolicyEntry]:
    """Built-in policies, then the workspace's (a workspace file of the same id takes precedence)."""
    entries = {p.stem: PolicyEntry(p.stem, p, "built-in") for p in sorted(_builtin_dir().glob("*.yaml"))}
    if workspace is not None and workspace.policies_dir.is_dir():
        for p in sorted(workspace.policies_dir.glob("*.yaml")):
            entries[p.stem] = PolicyEntry(p.stem, p, "workspace")
    return list(entries.values())


def load_policy_file(path: Path) -> Policy:
    """Load and validate one policy file; its `id` must match the file name."""
    policy = load_model(path, Policy, max_bytes=POLICY_FILE_LIMIT)
    if policy.id != path.stem:
        raise BadInputError(located(path, "id", f"'{policy.id}' must match the file name '{path.stem}'"))
    return policy


def load_policy(name: str, workspace: Workspace | None = None) -> Policy:
    """A policy by id, or by path when `name` is a .yaml file."""
    candidate = Path(name)
    if candidate.suffix in (".yaml", ".yml") and candidate.is_file():
        return load_policy_file(candidate)
    for entry in available_policies(workspace):
        if entry.id == name:
            return load_policy_file(entry.path)
    known = ", ".join(e.id for e in available_policies(workspace))
    raise BadInputError(f"no policy named '{name}' (known: {known}); 'docgen policy list' shows them")


def choose_policy(name: str | None, workspace: Workspace | None) -> Policy:
    """--policy if given, else the workspace's, else an error that says how to choose."""
    if name:
        return load_policy(name, workspace)
    if workspace is not None:
        return load_policy(workspace.settings.policy, workspace)
    known = ", ".join(e.id for e in available_policies(None))
    raise BadInputError(f"no programme chosen: pass --policy NAME (one of {known}) or work inside a workspace")
