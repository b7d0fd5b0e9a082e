"""A workspace: the folder that holds one programme's data (settings, applicants, archive, index, output).

Found like git finds its repository: `--workspace DIR`, else $DOCGEN_WORKSPACE, else the nearest
folder upwards from the current one that holds the workspace file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field

from docgen.datafiles import Strict, load_model
from docgen.errors import BadInputError
from docgen.paths import PROJECT_ROOT

WORKSPACE_FILE = "docgen.yaml"
ENV_VAR = "DOCGEN_WORKSPACE"


class WorkspaceSettings(Strict):
    policy: str = Field(min_length=1)  # a built-in policy id or one in the workspace's policies/
    title: str | None = None
    ocr_engine: Literal["ppocr", "tesseract"] = "ppocr"  # what reads evidence unless --ocr-engine says otherwise
    render_seconds: float = Field(default=10, gt=0, le=600)  # one document's render, then it is stopped
    render_xml_mb: float = Field(default=50, gt=0, le=1000)  # text one document's render may produce


@dataclass(frozen=True)
class Workspace:
    """A workspace folder and its settings. Its layout is spelled here and nowhere else:

    campaigns/YEAR.yaml, applicants/YEAR/CODE.yaml, decisions/YEAR/, output/YEAR/STAGE-FOLDER/,
    archive/, index/, templates/KIND.docx, policies/, holidays/YEAR.yaml, data/, reviews/YEAR/CODE.yaml
    (reviewers' notes), web/ (the web interface's users, jobs, uploads and page-image cache).
    """

    root: Path
    settings: WorkspaceSettings

    @property
    def policies_dir(self) -> Path:
        return self.root / "policies"

    @property
    def archive_dir(self) -> Path:
        return self.root / "archive"

    @property
    def index_dir(self) -> Path:
        return self.root / "index"

    @property
    def templates_dir(self) -> Path:
        """The workspace's own templates, used instead of the shipped ones of the same kind."""
        return self.root / "templates"

    @property
    def holidays_dir(self) -> Path:
        return self.root / "holidays"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def campaigns_dir(self) -> Path:
        return self.root / "campaigns"

    def campaign_file(self, year: int) -> Path:
        return self.campaigns_dir / f"{year}.yaml"

    def applicants_dir(self, year: int | None = None) -> Path:
        """applicants/, or the year's folder of applicant files (one per unit, named by credit code)."""
        folder = self.root / "applicants"
        return folder if year is None else folder / str(year)

    def applicant_file(self, year: int, code: str) -> Path:
        return self.applicants_dir(year) / f"{code}.yaml"

    def decisions_dir(self, year: int | None = None) -> Path:
        """decisions/ (the journal, with its lock), or one year's decision files."""
        folder = self.root / "decisions"
        return folder if year is None else folder / str(year)

    def output_dir(self, year: int, *parts: str) -> Path:
        """Where a year's generated documents go: output/YEAR/, then the stage's folder and file."""
        return self.root.joinpath("output", str(year), *parts)

    def review_notes_file(self, year: int, code: str) -> Path:
        """A reviewer's notes on one application, kept beside the review (and in the year's export)."""
        return self.root / "reviews" / str(year) / f"{code}.yaml"

    @property
    def web_dir(self) -> Path:
        """The web interface's own files: users.yaml (hashed passwords), secret, jobs/, uploads/, cache/."""
        return self.root / "web"

    def inside(self, *parts: str) -> Path:
        """A path below the root; refuses names that would lead outside it."""
        path = self.root.joinpath(*parts).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise BadInputError(f"{'/'.join(parts)}: leads outside the workspace {self.root}")
        return path


def open_workspace(root: Path) -> Workspace:
    root = Path(root)
    settings_file = root / WORKSPACE_FILE
    if not settings_file.is_file():
        raise BadInputError(f"{root}: not a docgen workspace (no {WORKSPACE_FILE}); create one with 'docgen init'")
    return Workspace(root=root.resolve(), settings=load_model(settings_file, WorkspaceSettings))


def find_workspace(explicit: Path | None = None, cwd: Path | None = None) -> Workspace | None:
    """The selected workspace, or None when there is none (an explicit choice that is wrong is an error)."""
    if explicit is not None:
        return open_workspace(explicit)
    env = os.environ.get(ENV_VAR)
    if env:
        return open_workspace(Path(env))
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / WORKSPACE_FILE).is_file():
            return open_workspace(folder)
    return None


FOLDERS = (
    "campaigns",
    "applicants",
    "decisions",
    "data",
    "archive",
    "index",
    "output",
    "templates",
    "policies",
    "holidays",
)


def init_workspace(root: Path, policy: str, title: str | None = None) -> Workspace:
    """Create a workspace folder: settings file and the folders docgen uses."""
    root = Path(root)
    if (root / WORKSPACE_FILE).exists():
        raise BadInputError(f"{root}: already a workspace ({WORKSPACE_FILE} exists)")
    if root.exists() and not root.is_dir():
        raise BadInputError(f"{root}: exists and is not a folder")
    resolved = root.resolve()
    if resolved == PROJECT_ROOT or any(
        resolved.is_relative_to(PROJECT_ROOT / code) for code in ("docgen", "archive", "index", "templates", "tests")
    ):
        raise BadInputError(f"{root}: inside docgen's own code folders; put workspaces elsewhere")
    settings = WorkspaceSettings(policy=policy, title=title)
    root.mkdir(parents=True, exist_ok=True)
    for folder in FOLDERS:
        (root / folder).mkdir(exist_ok=True)
    text = yaml.safe_dump(settings.model_dump(exclude_none=True), allow_unicode=True, sort_keys=False)
    (root / WORKSPACE_FILE).write_text(text, encoding="utf-8")
    return open_workspace(root)
