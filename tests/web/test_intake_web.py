"""受理申报 in the browser from what an applicant sent: a Windows zip made now (GBK names) with the 申报表
docgen issues, filled; the plan page and its choices; the applicant form, its checks beside each field."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser, expect
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from docgen.applicant import load_applicant
from docgen.samples.scans import page_image, save_pdf
from docgen.workspace import Workspace
from tests.intake.helpers import make_form
from tests.intake.makers import gbk_zip
from tests.web import test_browser
from tests.web.conftest import PASSING, log_in
from tests.web.test_browser import logged_in, shot
from tests.web.test_http import wait_for

FORM = "精工申报材料/昆山市高技能人才公共实训基地申报表.docx"
CERTIFICATE = "精工申报材料/师资/王建国-高级技师证书.pdf"
LICENCE = "精工申报材料/营业执照.pdf"
SCAN = "精工申报材料/其他/扫描件001.pdf"
# test_browser's server (a copy of the small year behind waitress) and Chromium, shared as fixtures
served_root, server, browser = test_browser.served_root, test_browser.server, test_browser.browser
ALLOWED = {"docgen", "GB", "T", "YYYY", "MM", "DD", "zip", "rar", "eml", "docx", "pdf", "PDF", "OCR", "Word", "Excel"}


@pytest.fixture(scope="module")
def sent(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("sent")
    form = make_form(folder / "form.docx", "kunshan-2021", PASSING)
    certificate = save_pdf([page_image(["职业资格证书", "高级技师 王建国", "网页受理测试"], seed=51)], folder / "c.pdf")
    licence = save_pdf([page_image(["营业执照", "昆山精工数控技术有限公司"], seed=52)], folder / "l.pdf")
    return {
        FORM: form.read_bytes(),
        CERTIFICATE: certificate.read_bytes(),
        LICENCE: licence.read_bytes(),
        SCAN: licence.read_bytes()[:-1] + b"\n",
    }


def english_words(page: str) -> list[str]:
    """Words in Latin letters a clerk would see on the page (tags, attributes and scripts left out)."""
    body = page.split("<body", 1)[1].split(">", 1)[1]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", body))
    text = re.sub(r"\b[0-9A-Z]{18}\b", " ", text)  # credit codes, certificate numbers, models
    text = re.sub(r"\b(?=[0-9A-Z-]*\d)[0-9A-Z-]{5,}\b", " ", text)
    return [w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in ALLOWED]


def upload(client: FlaskClient, files: list[tuple[bytes, str]], **fields: str) -> str:
    data = MultiDict([("date", "2021-12-12"), *fields.items()])
    for body, name in files:
        data.add("package", FileStorage(io.BytesIO(body), name))
    # encoded in memory: the test client puts a large body in a temporary file nobody closes
    boundary, encoded = encode_multipart(data)
    response = client.post(
        "/w/ws/y/2021/intake", data=encoded, content_type=f"multipart/form-data; boundary={boundary}"
    )
    response.close()
    assert response.status_code == 302, response.data.decode()[:800]
    return response.headers["Location"]


def selected(page: str) -> dict[str, str]:
    """Each file on the plan page -> the evidence type selected for it."""
    found = {}
    for row in re.findall(r"<tr>\s*<td class=\"wrap\">(.*?)</tr>", page, flags=re.S):
        inside = html.unescape(re.search(r'name="inside-\d+" value="([^"]*)"', row).group(1))
        choice = re.search(r'<option value="([^"]*)" selected', row)
        found[inside] = choice.group(1) if choice else ""
    return found


def test_a_windows_zip_is_planned_the_clerk_changes_a_type_and_it_is_received(
    app: Flask, year_copy: Workspace, sent: dict[str, bytes], tmp_path: Path
) -> None:
    client = app.test_client()
    log_in(client, "clerk")
    package = gbk_zip(tmp_path / "精工申报材料.zip", sent)
    where = upload(client, [(package.read_bytes(), package.name)], revise="网页重新受理测试")
    page = client.get(where).data.decode()
    assert "昆山精工数控技术有限公司" in page and "91320583MA1KJ88011" in page
    assert "核对/修改申报单位信息" in page and ">受理</button>" in page
    plan = selected(page)
    assert plan[CERTIFICATE] == "teacher_certificates" and plan[LICENCE] == "business_licence"
    assert plan[FORM] == "application_form" and plan[SCAN] == "other"  # nothing names it: the catch-all
    assert english_words(page) == []
    assert str(year_copy.root) not in page

    form = {"action": "receive", "date": "2021-12-12", "revise": "网页重新受理测试"}
    for n, (inside, type_id) in enumerate(plan.items()):
        form[f"inside-{n}"] = inside
        form[f"type-{n}"] = "equipment_list" if inside == SCAN else type_id
    response = client.post(where, data=form)
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    job = wait_for(app, job_id)
    assert job.state == "done", job.message
    decision = sorted(year_copy.decisions_dir(2021).glob("*-receive-*.yaml"))[-1]
    details = yaml.safe_load(decision.read_text("utf-8"))["details"]
    assert details["received_as"] == "精工申报材料.zip"
    by_type = {(e["type"], e["file"]) for e in details["evidence"]}
    assert ("equipment_list", "扫描件001.pdf") in by_type  # as the clerk chose
    assert ("teacher_certificates", "王建国-高级技师证书.pdf") in by_type
    assert not (year_copy.web_dir / "uploads" / job_id).exists()
    assert client.get(where).status_code == 404  # received: the plan is gone


def test_a_package_without_a_form_is_one_chinese_line_and_nothing_is_kept(
    app: Flask, year_copy: Workspace, sent: dict[str, bytes], tmp_path: Path
) -> None:
    client = app.test_client()
    log_in(client, "clerk")
    package = gbk_zip(tmp_path / "只有证书.zip", {CERTIFICATE: sent[CERTIFICATE]})
    where = upload(client, [(package.read_bytes(), package.name)], revise="保留的原因")
    page = client.get(where).data.decode()
    errors = re.findall(r'<div class="flash error"[^>]*>(.*?)</div>', page, flags=re.S)
    assert len(errors) == 1 and "找不到填写的申报表" in errors[0] and "只有证书.zip" in errors[0]
    assert "/uploads/" not in page and str(year_copy.root) not in page
    assert 'value="保留的原因"' in page  # the clerk's reason kept
    assert not any((year_copy.web_dir / "uploads").iterdir())


def test_the_form_and_files_uploaded_together_make_a_package(
    app: Flask, year_copy: Workspace, sent: dict[str, bytes]
) -> None:
    client = app.test_client()
    log_in(client, "clerk")
    where = upload(client, [(sent[FORM], "申报表.docx"), (sent[LICENCE], "营业执照.pdf")])
    plan = selected(client.get(where).data.decode())
    assert plan == {"申报表.docx": "application_form", "营业执照.pdf": "business_licence"}
    response = client.post(where, data={"action": "cancel"})
    assert response.status_code == 302
    assert not any((year_copy.web_dir / "uploads").iterdir())


def test_the_applicant_form_shows_each_error_beside_its_field_and_saves_the_file(
    app: Flask, year_copy: Workspace, sent: dict[str, bytes]
) -> None:
    client = app.test_client()
    log_in(client, "clerk")
    where = upload(client, [(sent[FORM], "申报表.docx"), (sent[LICENCE], "营业执照.pdf")])
    form_url = where + "/applicant"
    page = client.get(form_url).data.decode()
    assert "单位名称" in page and "专业技术职称" in page and "实训场地建筑面积（平方米）" in page
    assert 'value="昆山精工数控技术有限公司"' in page and "申报条件核对" in page and "符合" in page
    assert english_words(page) == []

    fields = form_fields(page)
    fields["p0-t1-title"] = "高工"  # not one of the titles
    fields["u-area"] = "1,860平方米"  # as people write it: read as the form reads it
    fields["action"] = "save"
    page = client.post(form_url, data=fields).data.decode()
    beside = re.search(r'name="p0-t1-title".*?</select>\s*<span class="field-error">([^<]*)</span>', page, flags=re.S)
    assert beside and "不是" in beside.group(1) and "副高级" in beside.group(1)
    assert "<option selected>高工</option>" in page and 'value="1,860平方米"' in page  # kept as typed
    assert english_words(page) == []

    fields["p0-t1-title"] = "中级"
    response = client.post(form_url, data=fields)
    assert response.status_code == 302 and response.headers["Location"].endswith(where)
    saved = next((year_copy.web_dir / "uploads").glob("*/applicant.yaml"))
    applicant = load_applicant(saved)
    assert applicant.projects[0].teachers[1].title.value == "中级"
    assert applicant.model_dump(exclude={"projects"}) == load_applicant(PASSING).model_dump(exclude={"projects"})
    plan = client.get(where).data.decode()
    assert "网页填写（已核对）" in plan

    live = client.post(where + "/check", data={**fields, "u-credit_code": "123"}).data.decode()
    assert "处要改" in live


def form_fields(page: str) -> dict[str, str]:
    """The applicant form's inputs and selects as a browser would post them (templates left out)."""
    form = page.split('id="applicant-form"', 1)[1].split("</form>", 1)[0]
    found = {
        name: html.unescape(value)
        for name, value in re.findall(r'<input name="([^"]+)" id="[^"]*" value="([^"]*)"', form)
    }
    for name, options in re.findall(r'<select name="([^"]+)" id="[^"]*">(.*?)</select>', form, flags=re.S):
        chosen = re.search(r"<option selected>([^<]*)</option>", options)
        found[name] = html.unescape(chosen.group(1)) if chosen else ""
    return found


# --- in a real browser: the pages photographed at a desk's width and a phone's -----------------------


@pytest.mark.slow
def test_the_plan_and_the_form_in_a_browser(
    server: str, browser: Browser, sent: dict[str, bytes], tmp_path: Path
) -> None:
    package = gbk_zip(tmp_path / "精工申报材料.zip", sent)
    page = logged_in(browser, server, "clerk")
    page.goto(f"{server}/?year=2021")
    page.click("summary:has-text('受理申报')")
    page.set_input_files("input[name=package]", str(package))
    page.fill("#receive input[name=revise]", "网页重新受理")
    page.click("button:has-text('上传并查看受理计划')")
    expect(page.locator("h1")).to_have_text("受理计划")
    expect(page.locator("table.plan-files tbody tr")).to_have_count(4)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        shot(page, f"intake-plan-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.click("a:has-text('核对/修改申报单位信息')")
    expect(page.locator("h1")).to_have_text("申报单位信息")
    expect(page.locator("#live-check")).to_contain_text("符合")
    rows = page.locator("tbody[data-prefix='p0-t'] tr")
    expect(rows).to_have_count(3)
    page.locator("button[data-add-row='tpl-teachers']").first.click()
    expect(rows).to_have_count(4)
    page.fill("input[name='p0-t3-name']", "赵敏")
    page.select_option("select[name='p0-t3-title']", "副高级")
    page.fill("input[name='u-credit_code']", "123")
    expect(page.locator("#live-check")).to_contain_text("处要改")
    page.fill("input[name='u-credit_code']", "91320583MA1KJ88011")
    expect(page.locator("#live-check")).to_contain_text("符合")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        shot(page, f"intake-form-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.click("button:has-text('保存并返回受理计划')")
    expect(page.locator("h1")).to_have_text("受理计划")
    expect(page.locator(".facts")).to_contain_text("网页填写")
    page.click("button:has-text('取消并删除上传的文件')")
    expect(page.locator(".flash.ok")).to_contain_text("已取消")
    page.context.close()
