"""A small year for the web tests: a Kunshan workspace, one user per role, the call opened and one
application received with scans of its evidence made now and OCR'd for real (built once per session,
copied by each test that changes it)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from docgen.applicant import load_applicant
from docgen.cycle import steps
from docgen.cycle.campaign import draft_campaign
from docgen.cycle.steps import Signed
from docgen.samples.evidence import make_evidence
from docgen.users import add_user
from docgen.web.app import create_app
from docgen.workspace import Workspace, init_workspace, open_workspace
from tests.conftest import EXAMPLES

PASSWORD = "correct-horse-9"
ROLES = ("clerk", "reviewer", "archivist", "admin")
FULL_NAMES = {"clerk": "韩睿", "reviewer": "周立", "archivist": "陈静", "admin": "管理员"}
PASSING = EXAMPLES / "kunshan" / "applicant-pass.yaml"
SCHOOL = EXAMPLES / "kunshan" / "applicant-school.yaml"
CODE = load_applicant(PASSING).credit_code
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


@dataclass(frozen=True)
class Year:
    root: Path
    scans: Path  # the scans received, as files a clerk would upload again


@pytest.fixture(scope="session")
def small_year(tmp_path_factory: pytest.TempPathFactory) -> Year:
    base = tmp_path_factory.mktemp("web")
    workspace = init_workspace(base / "ws", "kunshan-2021", "昆山市高技能人才公共实训基地（测试）")
    draft_campaign(workspace)
    for role in ROLES:
        add_user(workspace, role, role, PASSWORD, FULL_NAMES[role])
    steps.open_year(workspace, 2021, Signed("韩睿", dt.date(2021, 11, 26)))
    evidence = make_evidence(load_applicant(PASSING), base / "scans", seed=3)
    steps.receive(workspace, 2021, PASSING, evidence, Signed("韩睿", dt.date(2021, 12, 10)), jobs=2)
    return Year(workspace.root, base / "scans")


@pytest.fixture
def year_copy(small_year: Year, tmp_path: Path) -> Workspace:
    """A private copy of the small year, to change."""
    target = tmp_path / "ws"
    shutil.copytree(small_year.root, target, ignore=shutil.ignore_patterns("jobs", "uploads", "cache"))
    return open_workspace(target)


def make_app(workspace: Workspace, *, csrf: bool = False) -> Flask:
    app = create_app([workspace], testing=True)
    app.config["WTF_CSRF_ENABLED"] = csrf
    return app


def log_in(client: FlaskClient, role: str, key: str = "ws") -> None:
    response = client.post(f"/w/{key}/login", data={"name": role, "password": PASSWORD})
    assert response.status_code == 302, response.data.decode()[:500]


@pytest.fixture
def app(year_copy: Workspace) -> Iterator[Flask]:
    made = make_app(year_copy)
    yield made
    for site in made.extensions["docgen.sites"].values():
        site.jobs.shutdown()
