"""Every route over HTTP with Flask's test client: login, roles, CSRF, bad input, downloads."""

from __future__ import annotations

import html
import io
import re
import time
import urllib.parse
from pathlib import Path

import pytest
import yaml
from docx import Document
from flask import Flask
from flask.testing import FlaskClient

from docgen.applicant import load_applicant
from docgen.cycle.steps import Cycle
from docgen.evidence import records
from docgen.users import load_users
from docgen.web.app import create_app
from docgen.web.jobs import Job
from docgen.workspace import Workspace
from tests.web.conftest import CODE, PASSING, PASSWORD, ROLES, log_in, make_app

VIEW_PAGES = [
    "/w/ws/",
    "/w/ws/?year=2021",
    "/w/ws/search?q=技师",
    "/w/ws/archive",
    "/w/ws/archive/2021",
    "/w/ws/register",
    "/w/ws/register.csv",
    "/w/ws/archive/2021/catalogue.csv",
    f"/w/ws/y/2021/a/{CODE}/",
    "/w/ws/y/2021/shared",
]
STEPS = ["open", "preliminary", "expert", "publicise", "objection", "resolve", "confirm", "plaque", "revoke", "assess"]
# (path, the permission's roles); posted with no fields: an allowed role gets the form's own refusal
POSTS = [
    *[(f"/w/ws/y/2021/step/{name}", {"clerk", "admin"}) for name in STEPS],
    ("/w/ws/y/2021/receive", {"clerk", "admin"}),
    (f"/w/ws/y/2021/a/{CODE}/note", {"reviewer", "admin"}),
    ("/w/ws/archive/2021/unseal", {"archivist", "admin"}),
]
# posts that start work when allowed: only the refusal is checked here
REFUSED_ONLY = [
    ("/w/ws/y/2021/pdfs", {"reviewer", "archivist"}),
    ("/w/ws/archive/verify", {"clerk", "reviewer"}),
    ("/w/ws/archive/2021/export", {"clerk", "reviewer"}),
    ("/w/ws/archive/2021/seal", {"clerk", "reviewer"}),
]


def journal_files(workspace: Workspace) -> list[str]:
    return sorted(p.name.split("-")[0] for p in workspace.decisions_dir(2021).glob("*.yaml"))


def first_record_code(workspace: Workspace) -> str:
    return records(workspace, 2021)[0][1].archival_code


def wait_for(app: Flask, job_id: str, seconds: float = 180) -> Job:
    jobs = app.extensions["docgen.sites"]["ws"].jobs
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = jobs.get(job_id)
        if job is not None and job.state in ("done", "failed", "interrupted"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still running after {seconds} s")


def status(client: FlaskClient, url: str) -> int:
    """GET and close (a file sent by the test client stays open until its response is closed)."""
    response = client.get(url)
    response.close()
    return response.status_code


# --- login and sessions ---------------------------------------------------------------------------


def test_every_page_needs_a_login(app: Flask, year_copy: Workspace) -> None:
    client = app.test_client()
    code = first_record_code(year_copy)
    for url in [*VIEW_PAGES, f"/w/ws/page/{code}/1", f"/w/ws/page/{code}/1/thumb.img", f"/w/ws/pdf/{code}"]:
        response = client.get(url)
        response.close()
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/w/ws/login?next="), url
    for url, _ in POSTS + REFUSED_ONLY:
        assert client.post(url).status_code == 302, url
    assert journal_files(year_copy) == ["0001", "0002"]


def test_login_wrong_password_is_refused_and_right_one_lands_on_the_year(app: Flask) -> None:
    client = app.test_client()
    bad = client.post("/w/ws/login", data={"name": "clerk", "password": "wrong-password"})
    assert bad.status_code == 401
    assert "用户名或密码不正确" in bad.data.decode()
    good = client.post("/w/ws/login?next=/w/ws/archive", data={"name": "clerk", "password": PASSWORD})
    assert good.headers["Location"] == "/w/ws/archive"
    assert "韩睿" in client.get("/w/ws/").data.decode()


def test_session_cookie_is_httponly_and_samesite(app: Flask) -> None:
    client = app.test_client()
    response = client.post("/w/ws/login", data={"name": "clerk", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_login_after_redirects_only_within_the_site(app: Flask) -> None:
    client = app.test_client()
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        response = client.post(f"/w/ws/login?next={target}", data={"name": "clerk", "password": PASSWORD})
        assert response.headers["Location"] == "/w/ws/", target


def test_login_attempts_are_rate_limited(app: Flask) -> None:
    client = app.test_client()
    for _ in range(5):
        assert client.post("/w/ws/login", data={"name": "clerk", "password": "nope-nope"}).status_code == 401
    blocked = client.post("/w/ws/login", data={"name": "clerk", "password": PASSWORD})
    assert blocked.status_code == 429
    assert "次数过多" in blocked.data.decode()
    assert client.get("/w/ws/").status_code == 302  # still not logged in


def test_logout_ends_the_session(app: Flask) -> None:
    client = app.test_client()
    log_in(client, "clerk")
    assert client.get("/w/ws/").status_code == 200
    client.post("/w/ws/logout")
    assert client.get("/w/ws/").status_code == 302


def test_a_removed_user_is_logged_out_at_once(app: Flask, year_copy: Workspace) -> None:
    from docgen.users import remove_user

    client = app.test_client()
    log_in(client, "reviewer")
    remove_user(year_copy, "reviewer")
    assert client.get("/w/ws/").status_code == 302


# --- roles ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_the_pages(app: Flask, year_copy: Workspace, role: str) -> None:
    client = app.test_client()
    log_in(client, role)
    code = first_record_code(year_copy)
    for url in [*VIEW_PAGES, f"/w/ws/page/{code}/1?q=技师", f"/w/ws/page/{code}/1/thumb.img", f"/w/ws/pdf/{code}"]:
        assert status(client, url) == 200, (role, url)


@pytest.mark.parametrize("role", ROLES)
def test_each_action_checks_the_role(app: Flask, year_copy: Workspace, role: str) -> None:
    client = app.test_client()
    log_in(client, role)
    for url, allowed in POSTS:
        response = client.post(url, data={})
        if role in allowed:
            assert response.status_code == 302, (role, url)
        else:
            assert response.status_code == 403, (role, url)
            assert "不能" in response.data.decode()
    for url, refused in REFUSED_ONLY:
        if role in refused:
            assert client.post(url).status_code == 403, (role, url)
    assert journal_files(year_copy) == ["0001", "0002"]  # nothing recorded by any of it


def test_a_reviewer_cannot_confirm_and_a_clerk_cannot_unseal(app: Flask, year_copy: Workspace) -> None:
    reviewer, clerk = app.test_client(), app.test_client()
    log_in(reviewer, "reviewer")
    log_in(clerk, "clerk")
    refused = reviewer.post("/w/ws/y/2021/step/confirm", data={"doc_number": "昆人社发〔2022〕3号"})
    assert refused.status_code == 403 and "审核人员" in refused.data.decode()
    assert clerk.post("/w/ws/archive/2021/unseal", data={"reason": "要改"}).status_code == 403
    # and the controls are not offered to them
    assert "发文确认并挂牌</summary>" not in reviewer.get("/w/ws/?year=2021").data.decode()
    assert "解封" not in clerk.get("/w/ws/archive/2021").data.decode()


# --- CSRF -----------------------------------------------------------------------------------------


def test_a_form_without_its_csrf_token_is_refused(year_copy: Workspace) -> None:
    app = make_app(year_copy, csrf=True)
    client = app.test_client()
    page = client.get("/w/ws/login").data.decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    assert client.post("/w/ws/login", data={"name": "clerk", "password": PASSWORD}).status_code == 400
    response = client.post("/w/ws/login", data={"name": "clerk", "password": PASSWORD, "csrf_token": token[1]})
    assert response.status_code == 302
    refused = client.post("/w/ws/y/2021/step/open", data={"date": "2021-11-27"})
    assert refused.status_code == 400 and "CSRF" in refused.data.decode()
    page = client.get("/w/ws/?year=2021").data.decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    with_token = client.post("/w/ws/y/2021/step/objection", data={"csrf_token": token[1]})
    assert with_token.status_code == 302  # past CSRF: the form's own check speaks


# --- steps: the library's refusals, the user as `by` ----------------------------------------------


def test_a_step_records_the_logged_in_user_and_a_refusal_shows_the_library_message(
    app: Flask, year_copy: Workspace
) -> None:
    client = app.test_client()
    log_in(client, "clerk")
    again = client.post("/w/ws/y/2021/step/open", data={"date": "2021-11-27"}, follow_redirects=True)
    assert "2021 was already opened by decision 2021-0001" in again.data.decode()
    done = client.post(
        "/w/ws/y/2021/step/preliminary",
        data={"unit": CODE, "decision": "recommend", "reason": "材料齐全，同意推荐", "date": "2021-12-20"},
        follow_redirects=True,
    )
    assert "已记录 2021-0003：区镇初审：昆山精工数控技术有限公司（同意推荐）" in done.data.decode()
    decision = Cycle.load(year_copy).year(2021).applicants[CODE].preliminary
    assert decision is not None and decision.by == "韩睿" and decision.reason == "材料齐全，同意推荐"


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"unit": CODE, "reason": "x"}, "初审意见：请选择"),
        ({"unit": CODE, "decision": "recommend"}, "意见：必须填写"),
        ({"unit": CODE, "decision": "recommend", "reason": "x", "date": "2021-13-40"}, "日期 2021-13-40"),
        ({"unit": "不存在的单位", "decision": "recommend", "reason": "x"}, "不存在的单位"),
    ],
)
def test_bad_step_fields_are_named_and_change_nothing(
    app: Flask, year_copy: Workspace, form: dict[str, str], message: str
) -> None:
    client = app.test_client()
    log_in(client, "clerk")
    page = client.post("/w/ws/y/2021/step/preliminary", data=form, follow_redirects=True).data.decode()
    assert message in page
    assert 'class="flash error"' in page
    assert journal_files(year_copy) == ["0001", "0002"]


def test_unknown_step_is_not_found(app: Flask) -> None:
    client = app.test_client()
    log_in(client, "clerk")
    assert client.post("/w/ws/y/2021/step/teleport").status_code == 404


# --- uploads --------------------------------------------------------------------------------------


def test_an_upload_that_is_not_what_it_says_is_refused_whole(app: Flask, year_copy: Workspace) -> None:
    from tests.web.conftest import SCHOOL

    client = app.test_client()
    log_in(client, "clerk")
    data = {
        "applicant": (io.BytesIO(SCHOOL.read_bytes()), "applicant-school.yaml"),
        "ev-teacher_certificates": [(io.BytesIO(b"<html><script>alert(1)</script></html>"), "../../证书.pdf")],
        "date": "2021-12-11",
    }
    page = client.post("/w/ws/y/2021/receive", data=data, follow_redirects=True).data.decode()
    assert "师资资质证明：../../证书.pdf" in page and "flash error" in page
    assert journal_files(year_copy) == ["0001", "0002"]
    assert not any((year_copy.web_dir / "uploads").iterdir())
    assert not (year_copy.root.parent / "证书.pdf").exists()


def test_a_bad_applicant_file_is_refused_naming_the_field(app: Flask, year_copy: Workspace) -> None:
    client = app.test_client()
    log_in(client, "clerk")
    data = {"applicant": (io.BytesIO("name: 某单位\ncredit_code: 123\n".encode()), "a.yaml")}
    page = client.post("/w/ws/y/2021/receive", data=data, follow_redirects=True).data.decode()
    assert "a.yaml" in page and "credit_code" in page
    assert journal_files(year_copy) == ["0001", "0002"]


def test_an_upload_over_the_limit_is_refused(year_copy: Workspace) -> None:
    app = make_app(year_copy)
    app.config["MAX_CONTENT_LENGTH"] = 1000
    client = app.test_client()
    log_in(client, "clerk")
    data = {"applicant": (io.BytesIO(b"x" * 5000), "a.yaml")}
    response = client.post("/w/ws/y/2021/receive", data=data)
    assert response.status_code == 413 and "文件过大" in response.data.decode()


def test_an_upload_by_the_page_script_is_told_where_to_go(app: Flask) -> None:
    client = app.test_client()
    log_in(client, "clerk")
    response = client.post("/w/ws/y/2021/receive", data={}, headers={"X-Requested-With": "XMLHttpRequest"})
    assert response.status_code == 200 and response.json == {"location": "/w/ws/?year=2021#receive"}


# --- downloads: only what the workspace knows -----------------------------------------------------


def test_documents_download_by_decision_and_open_in_python_docx(app: Flask) -> None:
    client = app.test_client()
    log_in(client, "reviewer")
    response = client.get("/w/ws/doc/2021-0001/0.docx")
    body = response.data
    response.close()
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(body)).paragraphs)
    assert "高技能人才公共实训基地" in text
    for bad in ("/w/ws/doc/2021-0001/99.docx", "/w/ws/doc/2021-9999/0.docx", "/w/ws/doc/2021-0001/0.exe"):
        assert status(client, bad) == 404, bad
    assert status(client, "/w/ws/doc/..%2F..%2Fdocgen.yaml/0.docx") == 404


def test_the_notice_carries_the_excel_lists_to_fill(app: Flask, year_copy: Workspace) -> None:
    import openpyxl

    client = app.test_client()
    log_in(client, "clerk")
    page = client.get("/w/ws/?year=2021").data.decode()
    assert "附件-设备清单.xlsx" in page and "附件-师资名单.xlsx" in page
    opened = yaml.safe_load(next((year_copy.decisions_dir(2021)).glob("0001-*.yaml")).read_text(encoding="utf-8"))
    number = next(n for n, d in enumerate(opened["documents"]) if d.endswith("附件-师资名单.xlsx"))
    response = client.get(f"/w/ws/doc/2021-0001/{number}.xlsx")
    body = response.data
    response.close()
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]
    assert any("姓名" in str(cell.value) for cell in sheet[1] if cell.value) or any(
        "姓名" in str(c.value) for row in sheet.iter_rows(max_row=5) for c in row if c.value
    )
    assert status(client, f"/w/ws/doc/2021-0001/{number}.docx") == 404


def test_page_pictures_and_copies_only_of_archived_items(app: Flask, year_copy: Workspace) -> None:
    client = app.test_client()
    log_in(client, "reviewer")
    code = first_record_code(year_copy)
    image = client.get(f"/w/ws/page/{code}/1/read.img")
    assert image.status_code == 200 and image.mimetype == "image/jpeg" and image.data[:2] == b"\xff\xd8"
    thumb = client.get(f"/w/ws/page/{code}/1/thumb.img")
    assert thumb.mimetype == "image/jpeg" and thumb.data[:3] == b"\xff\xd8\xff"
    copy = client.get(f"/w/ws/pdf/{code}")
    assert copy.data[:5] == b"%PDF-"
    copy.close()
    for bad in (
        f"/w/ws/page/{code}/0",
        f"/w/ws/page/{code}/999",
        f"/w/ws/page/{code}/1/huge.img",
        "/w/ws/page/NO-SUCH-CODE/1",
        "/w/ws/pdf/..%2F..%2Fdocgen.yaml",
        "/w/ws/y/2021/a/..%2F..%2Fdocgen/",
        "/w/ws/y/2021/a/91320583MA1KJ99999/",
        "/w/nosuchsite/",
    ):
        assert status(client, bad) == 404, bad


def test_worksheet_download_is_a_real_document(app: Flask) -> None:
    client = app.test_client()
    log_in(client, "reviewer")
    response = client.get(f"/w/ws/y/2021/a/{CODE}/worksheet.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    text = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "有据" in text


def test_register_csv_opens_in_excel(app: Flask) -> None:
    client = app.test_client()
    log_in(client, "clerk")
    body = client.get("/w/ws/register.csv").data
    assert body.startswith("\ufeff".encode())
    assert "base_name" in body.decode("utf-8-sig").splitlines()[0]


# --- reviewers' notes -----------------------------------------------------------------------------


def test_the_year_and_the_applicant_are_worded_in_chinese(app: Flask) -> None:
    """The eligibility column and the step details are the library's Chinese wording, not the CLI's."""
    client = app.test_client()
    log_in(client, "reviewer")
    page = client.get(f"/w/ws/y/2021/a/{CODE}/").data.decode()
    assert "请查看：" in page and "在申报范围内" in page and "要求不低于50%" in page
    for english in ("look at", "is one of", "programme's area", "bar 50%", "fire_ventilation", " of 3 "):
        assert english not in page, english
    year = client.get("/w/ws/?year=2021").data.decode()
    assert "1 家已受理" in year and "0/1 已初审，0 家推荐" in year and " received" not in year


def test_each_claim_shows_its_page_at_reading_size_on_what_was_found(app: Flask) -> None:
    """A teacher claim's strip asks for the name and the certificate number; the fragment is the
    reading-size picture with a box for each."""
    client = app.test_client()
    log_in(client, "reviewer")
    page = client.get(f"/w/ws/y/2021/a/{CODE}/").data.decode()
    strips = [html.unescape(u) for u in re.findall(r'hx-get="([^"]+size=strip[^"]*)"', page)]
    teacher = load_applicant(PASSING).projects[0].teachers[0]
    asked = [urllib.parse.parse_qs(urllib.parse.urlsplit(u).query)["q"][0] for u in strips]
    assert f'"{teacher.name}" "{teacher.certificate_no}"' in asked, asked[:3]
    figure = client.get(strips[asked.index(f'"{teacher.name}" "{teacher.certificate_no}"')]).data.decode()
    assert "strip-window" in figure and "/read.img" in figure
    assert len(re.findall(r'class="hl" data-box=', figure)) >= 2  # the name and the number
    assert client.get(strips[0].replace("size=strip", "size=huge")).status_code == 404


def test_a_reviewers_note_is_kept_beside_the_review(app: Flask, year_copy: Workspace) -> None:
    client = app.test_client()
    log_in(client, "reviewer")
    page = client.post(f"/w/ws/y/2021/a/{CODE}/note", data={"text": "证书编号已与原件核对"}, follow_redirects=True)
    assert "证书编号已与原件核对" in page.data.decode() and "周立" in page.data.decode()
    kept = year_copy.review_notes_file(2021, CODE).read_text(encoding="utf-8")
    assert "证书编号已与原件核对" in kept and "周立" in kept
    empty = client.post(f"/w/ws/y/2021/a/{CODE}/note", data={"text": "  "}, follow_redirects=True)
    assert "note: empty" in empty.data.decode()


# --- search ---------------------------------------------------------------------------------------


def test_search_hits_carry_marks_and_a_bad_query_says_why(app: Flask) -> None:
    client = app.test_client()
    log_in(client, "reviewer")
    page = client.get("/w/ws/search?q=高级技师").data.decode()
    assert "<mark>高级技师</mark>" in page
    assert "昆山精工数控技术有限公司" in page  # the unit's name, not only its code
    partial = client.get("/w/ws/search?q=高级技师", headers={"HX-Request": "true", "HX-Target": "results"})
    assert "<html" not in partial.data.decode() and "<mark>" in partial.data.decode()
    bad = client.get('/w/ws/search?q="未闭合').data.decode()
    assert "a quote is not closed" in bad
    injected = client.get("/w/ws/search?q=<script>alert(1)</script>").data.decode()
    assert "<script>alert(1)</script>" not in injected


# --- jobs: background work, progress, restart -----------------------------------------------------


def test_verify_runs_as_a_job_and_reports(app: Flask) -> None:
    client = app.test_client()
    log_in(client, "archivist")
    response = client.post("/w/ws/archive/verify")
    job_id = response.headers["Location"].rsplit("/", 1)[-1]
    job = wait_for(app, job_id)
    assert job.state == "done" and "全部通过" in job.message
    assert "全部通过" in client.get(f"/w/ws/jobs/{job_id}").data.decode()


def test_a_job_cut_off_by_a_restart_shows_interrupted_and_runs_again(year_copy: Workspace) -> None:
    first = make_app(year_copy)
    jobs = first.extensions["docgen.sites"]["ws"].jobs
    stale = Job("20211201-000000-abcdef", "verify", "核验", "archivist", {}, state="running", created="x")
    jobs.save(stale)
    second = make_app(year_copy)  # the server starts again
    runner = second.extensions["docgen.sites"]["ws"].jobs
    interrupted = runner.get(stale.id)
    assert interrupted is not None and interrupted.state == "interrupted"
    client = second.test_client()
    log_in(client, "archivist")
    assert "重新运行" in client.get(f"/w/ws/jobs/{stale.id}").data.decode()
    client.post(f"/w/ws/jobs/{stale.id}/again")
    assert wait_for(second, stale.id).state == "done"


def test_seal_and_unseal_need_a_reason_and_are_logged_with_the_user(app: Flask, year_copy: Workspace) -> None:
    client = app.test_client()
    log_in(client, "archivist")
    client.post("/w/ws/archive/2021/seal", data={"note": "年度归档"})
    page = client.get("/w/ws/archive/2021").data.decode()
    assert "已封存" in page and "陈静" in page
    no_reason = client.post("/w/ws/archive/2021/unseal", data={"reason": " "}, follow_redirects=True)
    assert "解封须写明原因" in no_reason.data.decode()
    client.post("/w/ws/archive/2021/unseal", data={"reason": "补录一份遗漏的证书"})
    page = client.get("/w/ws/archive/2021").data.decode()
    assert "补录一份遗漏的证书" in page and "未封存" in page


# --- users ----------------------------------------------------------------------------------------


def test_passwords_are_stored_only_as_argon2_hashes(year_copy: Workspace) -> None:
    text = (year_copy.web_dir / "users.yaml").read_text(encoding="utf-8")
    assert PASSWORD not in text and "$argon2id$" in text
    assert (year_copy.web_dir / "users.yaml").stat().st_mode & 0o077 == 0
    assert set(load_users(year_copy)) == set(ROLES)


def test_two_workspaces_are_served_with_separate_logins(year_copy: Workspace, tmp_path: Path) -> None:
    import shutil

    from docgen.workspace import open_workspace

    shutil.copytree(year_copy.root, tmp_path / "other")
    app = create_app([year_copy, open_workspace(tmp_path / "other")], testing=True)
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    assert client.get("/").status_code == 200
    log_in(client, "clerk", key="ws")
    assert client.get("/w/ws/").status_code == 200
    assert client.get("/w/other/").status_code == 302  # a login is per workspace
