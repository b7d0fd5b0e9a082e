"""A year's campaign (年度申报工作): the call's text and settings, entered once in campaigns/YEAR.yaml."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, model_validator

from docgen.datafiles import Strict, load_model, read_yaml
from docgen.documents.kinds import NoticeData, OfficeContact
from docgen.errors import BadInputError
from docgen.paths import project_folder
from docgen.policy_registry import load_policy
from docgen.workspace import Workspace

_EXAMPLE_FOLDERS = {"kunshan-2021": "kunshan", "hangzhou-2024": "hangzhou"}


class PublicitySettings(Strict):
    working_days: int | None = Field(default=None, ge=1)  # default: the programme's
    contact: OfficeContact | None = None  # where objections go; default: the authority's contact
    signature: str | None = None


class Campaign(Strict):
    year: int = Field(ge=2000, le=2100)
    notice: NoticeData
    publicity: PublicitySettings = Field(default_factory=PublicitySettings)
    summary_filled_by: str | None = None  # 填报单位 on the summary table

    @model_validator(mode="after")
    def _notice_of_this_year(self) -> Campaign:
        if f"〔{self.year}〕" not in self.notice.doc_number:
            raise ValueError(
                f"notice.doc_number {self.notice.doc_number} is not a {self.year} number (〔{self.year}〕)"
            )
        return self


def campaign_file(workspace: Workspace, year: int) -> Path:
    return workspace.campaign_file(year)


def campaign_years(workspace: Workspace) -> list[int]:
    folder = workspace.campaigns_dir
    return sorted(int(p.stem) for p in folder.glob("*.yaml") if p.stem.isdigit()) if folder.is_dir() else []


def load_campaign(workspace: Workspace, year: int) -> Campaign:
    path = campaign_file(workspace, year)
    if not path.is_file():
        known = ", ".join(map(str, campaign_years(workspace))) or "none"
        raise BadInputError(
            f"{path}: no campaign for {year} (campaigns: {known}); 'docgen campaign new {year}' drafts one"
        )
    campaign = load_model(path, Campaign)
    if campaign.year != year:
        raise BadInputError(f"{path}: year: says {campaign.year}, but the file is for {year}")
    return campaign


def draft_campaign(workspace: Workspace, year: int | None = None) -> Path:
    """campaigns/YEAR.yaml drafted from the newest earlier campaign, or the programme's example call, years moved.

    Without `year`: the year after the newest campaign, or in a new workspace the example call's own year.
    A draft: the clerk reads it and corrects the text, document number and dates before 'docgen open'.
    """
    earlier = [y for y in campaign_years(workspace) if year is None or y < year]
    if earlier:
        source = campaign_file(workspace, earlier[-1])
        data, _ = read_yaml(source)
        from_year = int(data["year"])
        notice = data["notice"]
        rest = {k: v for k, v in data.items() if k not in ("year", "notice")}
        year = year or from_year + 1
    else:
        folder = _EXAMPLE_FOLDERS.get(workspace.settings.policy)
        if folder is None:
            raise BadInputError(
                f"{workspace.settings.policy}: no example call to draft from; write campaigns/YEAR.yaml (see README)"
            )
        source = project_folder("examples") / folder / "doc-notice.yaml"
        notice, _ = read_yaml(source)
        notice.pop("policy", None)
        from_year = dt.date.fromisoformat(str(notice["date"])).year
        rest = {}
        year = year or from_year
    path = campaign_file(workspace, year)
    if path.exists():
        raise BadInputError(f"{path}: already exists; edit it instead")
    moved = _move_years(notice, from_year, year)
    text = (
        f"# {year}年度申报工作 — drafted from {source.name}: check text, doc_number, dates before 'docgen open'\n"
        + yaml.safe_dump({"year": year, "notice": moved, **rest}, allow_unicode=True, sort_keys=False)
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    load_campaign(workspace, year)  # the draft must be valid as it stands
    return path


def _move_years(value: Any, old: int, new: int) -> Any:
    """Years in texts and dates moved from `old` to `new` (the programme's own dated titles are kept)."""
    if isinstance(value, dict):
        return {k: _move_years(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_move_years(v, old, new) for v in value]
    if isinstance(value, dt.date):
        return _shift(value, new - old)
    if isinstance(value, str):
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return _shift(dt.date.fromisoformat(value), new - old).isoformat()
        return value.replace(f"〔{old}〕", f"〔{new}〕").replace(f"{old}年", f"{new}年")
    return value


def _shift(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def default_year(workspace: Workspace) -> int:
    """The year commands work on without --year: the newest with a campaign or a decision."""
    decisions = workspace.decisions_dir()
    recorded = (
        {int(p.name) for p in decisions.iterdir() if p.is_dir() and p.name.isdigit()} if decisions.is_dir() else set()
    )
    years = set(campaign_years(workspace)) | recorded
    return max(years) if years else load_policy(workspace.settings.policy, workspace).source.date.year
