"""The interface in a real browser: Playwright driving Debian's Chromium against `docgen serve`'s own
server (waitress) on loopback. Each role logs in and does its work; every page is photographed into
build/screenshots/ for a person to look at."""

from __future__ import annotations

import io
import re
import shutil
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import bagit
import pytest
from docx import Document
from playwright.sync_api import Browser, Page, expect, sync_playwright
from waitress import create_server

from docgen.applicant import load_applicant
from docgen.evidence import records
from docgen.samples.evidence import make_evidence
from docgen.web.app import create_app, sites_of
from docgen.workspace import open_workspace
from tests.web.conftest import PASSWORD, SCHOOL, SCREENSHOTS, Year

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
# as root in a closed network: no sandbox, and none of Chromium's own calls home (they fail, slowly)
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT_JOB = 240_000  # ms: OCR of a few scanned pages on 2 cores


@pytest.fixture(scope="module")
def served_root(small_year: Year, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("served") / "ws"
    shutil.copytree(small_year.root, root)
    return root


@pytest.fixture(scope="module")
def server(served_root: Path) -> Iterator[str]:
    root = served_root
    app = create_app([open_workspace(root)])
    httpd = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=httpd.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.effective_port}/w/ws"
    httpd.close()
    for site in sites_of(app).values():
        site.jobs.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed: run 'bash scripts/setup --dev'")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()


def logged_in(browser: Browser, base: str, role: str) -> Page:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{base}/")
    expect(page.locator("h1")).to_have_text("登录")
    page.fill("input[name=name]", role)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")
    expect(page.locator(".who .user")).to_be_visible()
    return page


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def flash_ok(page: Page, text: str) -> None:
    expect(page.locator(".flash.ok").first).to_contain_text(text)


def test_clerk_receives_an_upload_and_runs_the_year(
    server: str, served_root: Path, browser: Browser, tmp_path: Path
) -> None:
    page = logged_in(browser, server, "clerk")
    page.goto(f"{server}/?year=2021")
    shot(page, "01-clerk-year-before")
    scans = make_evidence(load_applicant(SCHOOL), tmp_path / "scans", seed=11)
    files = dict(scans)

    page.click("summary:has-text('受理申报')")
    page.click("summary:has-text('按材料类型分别上传')")
    page.set_input_files("input[name=applicant]", str(SCHOOL))
    page.set_input_files("input[name=ev-teacher_certificates]", [str(p) for p in files["teacher_certificates"]])
    page.set_input_files("input[name=ev-business_licence]", [str(p) for p in files["business_licence"]])
    page.fill("#receive details.older input[name=date]", "2021-12-11")
    page.click("button:has-text('上传并受理')")
    expect(page.locator("h1")).to_contain_text("受理申报：昆山花桥技工学校")
    expect(page.locator("progress").first).to_be_visible()
    shot(page, "02-clerk-upload-progress")
    expect(page.locator(".job-state .badge")).to_contain_text("已完成", timeout=WAIT_JOB)
    expect(page.locator(".job .flash")).to_contain_text("已受理 昆山花桥技工学校")
    shot(page, "03-clerk-upload-done")
    school = load_applicant(SCHOOL).credit_code
    uploaded = [r for _, r in records(open_workspace(served_root), 2021, school)]
    assert sum(r.pages for r in uploaded) == 4  # 3 certificates and the licence
    pictures = list((served_root / "web" / "cache" / "pages").glob("*/*"))
    assert len(pictures) >= 2 * 4  # the job rendered each new page at both sizes for the reviewers

    page.goto(f"{server}/?year=2021")
    for unit in ("昆山精工数控技术有限公司", "昆山花桥技工学校"):
        form = page.locator("form[action$='/step/preliminary']")
        page.locator("summary:has-text('区镇初审')").click() if not form.is_visible() else None
        form.locator("select[name=unit]").select_option(label=unit)
        form.locator("input[value=recommend]").check()
        form.locator("textarea[name=reason]").fill("材料齐全，同意推荐")
        form.locator("input[name=date]").fill("2021-12-20")
        form.locator("button").click()
        flash_ok(page, f"区镇初审：{unit}")
    for unit in ("昆山精工数控技术有限公司", "昆山花桥技工学校"):
        form = page.locator("form[action$='/step/expert']")
        page.locator("summary:has-text('专家评审')").click() if not form.is_visible() else None
        form.locator("select[name=unit]").select_option(label=unit)
        form.locator("input[value=candidate]").check()
        form.locator("textarea[name=reason]").fill("设备先进，师资达标")
        form.locator("input[name=points]").fill("86")
        form.locator("input[name=date]").fill("2022-01-10")
        form.locator("button").click()
        flash_ok(page, f"专家评审：{unit}")
    form = page.locator("form[action$='/step/publicise']")
    page.locator("summary:has-text('公示候选基地')").click() if not form.is_visible() else None
    form.locator("input[name=date]").fill("2022-01-12")
    form.locator("button").click()
    flash_ok(page, "公示")

    # confirming inside the publicity is the library's refusal, shown as it says it
    form = page.locator("form[action$='/step/confirm']")
    page.locator("summary:has-text('发文确认并挂牌')").click() if not form.is_visible() else None
    form.locator("input[name=doc_number]").fill("昆人社发〔2022〕3号")
    form.locator("input[name=date]").fill("2022-01-13")
    form.locator("button").click()
    expect(page.locator(".flash.error")).to_contain_text("the publicity runs until")
    form = page.locator("form[action$='/step/confirm']")
    page.locator("summary:has-text('发文确认并挂牌')").click() if not form.is_visible() else None
    form.locator("input[name=doc_number]").fill("昆人社发〔2022〕3号")
    form.locator("input[name=date]").fill("2022-02-20")
    form.locator("button").click()
    flash_ok(page, "发文确认并挂牌")
    expect(page.locator(".next")).to_contain_text("已确认")
    shot(page, "04-clerk-year-confirmed")

    page.click("button:has-text('为缺少 PDF 的文书导出 PDF')")
    expect(page.locator(".job-state .badge")).to_contain_text("已完成", timeout=WAIT_JOB)
    page.goto(f"{server}/?year=2021#documents")
    row = page.locator("tr", has_text="发文确认并挂牌")
    expect(row.locator("a:has-text('PDF')").first).to_be_visible()
    with page.expect_download() as download:
        row.locator("a:has-text('.docx')").first.click()
    saved = tmp_path / "认定通知.docx"
    download.value.save_as(saved)
    notice = Document(str(saved))
    text = "\n".join(
        [p.text for p in notice.paragraphs] + [c.text for t in notice.tables for r in t.rows for c in r.cells]
    )
    assert "昆人社发〔2022〕3号" in text and "昆山花桥技工学校" in text
    with page.expect_download() as pdf_download:
        row.locator("a:has-text('PDF')").first.click()
    assert pdf_download.value.suggested_filename.endswith(".pdf")
    page.context.close()


def test_reviewer_searches_opens_a_hit_and_sees_the_highlight(server: str, browser: Browser) -> None:
    page = logged_in(browser, server, "reviewer")
    page.click("nav a:has-text('材料检索')")
    page.fill("#q", "高级技师")  # results come as one types (htmx), no button press
    expect(page.locator(".hit").first).to_be_visible()
    expect(page.locator(".hit mark").first).to_have_text("高级技师")
    expect(page.locator(".hit-thumb .hl").first).to_be_attached()
    shot(page, "05-reviewer-search")
    page.locator("a.hit-title").first.click()
    highlight = page.locator(".page-figure.read .hl").first
    expect(page.locator(".page-figure.read img")).to_have_js_property("complete", True)
    expect(highlight).to_be_visible()
    box, picture = highlight.bounding_box(), page.locator(".page-figure.read img").bounding_box()
    assert box and picture and box["width"] > 20 and box["height"] > 8
    assert picture["x"] <= box["x"] and box["x"] + box["width"] <= picture["x"] + picture["width"]
    expect(page.locator("a:has-text('打开 PDF')")).to_have_attribute("href", re.compile(r"/pdf/.+#page=\d+$"))
    shot(page, "06-reviewer-page-highlight")

    page.click("nav a:has-text('年度流程')")
    page.click("a:has-text('昆山精工数控技术有限公司')")
    expect(page.locator(".claim").first).to_be_visible()
    expect(page.locator(".claim .badge").first).to_have_text("有据")
    strip = page.locator(".claim-page .strip-window").first
    expect(strip.locator("img")).to_have_js_property("complete", True)
    mark, window = strip.locator(".hl").first.bounding_box(), strip.bounding_box()
    assert mark and window and mark["height"] > 8  # the matched line is inside the window, at reading size
    assert window["y"] <= mark["y"] and mark["y"] + mark["height"] <= window["y"] + window["height"]
    page.fill("textarea[name=text]", "证书编号与原件一致，场地证明待补")
    page.click("button:has-text('保存意见')")
    expect(page.locator("blockquote.note")).to_contain_text("证书编号与原件一致")
    expect(page.locator("blockquote.note footer")).to_contain_text("周立")
    shot(page, "07-reviewer-applicant")
    with page.expect_download() as download:
        page.click("a:has-text('下载评审工作底稿')")
    document = Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert any("有据" in c.text for t in document.tables for r in t.rows for c in r.cells)
    page.context.close()


def test_archivist_verifies_seals_unseals_and_exports(server: str, browser: Browser, tmp_path: Path) -> None:
    page = logged_in(browser, server, "archivist")
    page.click("nav a:has-text('档案')")
    page.click("button:has-text('核验全部')")
    expect(page.locator(".job-state .badge")).to_contain_text("已完成", timeout=WAIT_JOB)
    expect(page.locator(".job .flash")).to_contain_text("全部通过")
    page.goto(f"{server}/archive/2021")
    page.fill("input[name=note]", "2021年度申报材料归档")
    page.click("button:has-text('核验并封存')")
    flash_ok(page, "已封存")
    page.fill("input[name=reason]", "补录遗漏的场地证明")
    page.click("button:has-text('解封')")
    flash_ok(page, "已解封")
    expect(page.locator("table", has_text="操作人")).to_contain_text("陈静")
    shot(page, "08-archivist-year")
    page.click("button:has-text('生成 BagIt 导出包')")
    expect(page.locator(".job-state .badge")).to_contain_text("已完成", timeout=WAIT_JOB)
    with page.expect_download() as download:
        page.click("a:has-text('下载')")
    with zipfile.ZipFile(download.value.path()) as packed:
        packed.extractall(tmp_path)
    bag = bagit.Bag(str(next(tmp_path.glob("docgen-2021-bag"))))
    bag.validate()
    assert any(name.startswith("data/archive/2021/") for name in bag.payload_files())
    page.goto(f"{server}/archive")
    shot(page, "09-archivist-archive")
    page.context.close()


def test_each_role_is_refused_what_it_may_not_do(server: str, browser: Browser) -> None:
    reviewer = logged_in(browser, server, "reviewer")
    reviewer.goto(f"{server}/?year=2021")
    expect(reviewer.locator("#actions")).to_have_count(0)  # no step forms offered
    token = reviewer.locator("input[name=csrf_token]").first.get_attribute("value")
    refused = reviewer.request.post(
        f"{server}/y/2021/step/confirm", form={"csrf_token": token or "", "doc_number": "昆人社发〔2022〕9号"}
    )
    assert refused.status == 403 and "审核人员" in refused.text()
    reviewer.goto(f"{server}/y/2021/step/confirm")  # a GET is no way in either
    shot(reviewer, "10-reviewer-refused")
    reviewer.context.close()

    clerk = logged_in(browser, server, "clerk")
    clerk.goto(f"{server}/archive/2021")
    expect(clerk.locator("button:has-text('解封')")).to_have_count(0)
    token = clerk.locator("input[name=csrf_token]").first.get_attribute("value")
    refused = clerk.request.post(f"{server}/archive/2021/unseal", form={"csrf_token": token or "", "reason": "x"})
    assert refused.status == 403 and "经办人员" in refused.text()
    clerk.context.close()

    archivist = logged_in(browser, server, "archivist")
    archivist.goto(f"{server}/?year=2021")
    expect(archivist.locator("#actions")).to_have_count(0)
    archivist.goto(f"{server}/register")
    expect(archivist.locator("h1")).to_have_text("基地名录")
    shot(archivist, "11-register")
    archivist.context.close()


def test_login_page_looks_right(server: str, browser: Browser) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/")
    page.fill("input[name=name]", "clerk")
    page.fill("input[name=password]", "not-the-password")
    page.click("button:has-text('登录')")
    expect(page.locator(".flash.error")).to_have_text("用户名或密码不正确。")
    shot(page, "00-login")
    context.close()
