"""`docgen receive` takes what an applicant sent: a zip made on a Windows PC in China (GBK names), an
e-mail, or the filled 申报表 alone. The form becomes the applicant data, the files are filed by the plan,
and --dry-run shows that plan without changing anything."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from docgen.applicant import load_applicant
from docgen.samples.scans import page_image, save_pdf
from tests.conftest import EXAMPLES, assert_one_line_error, ok, run, snapshot
from tests.intake.helpers import make_form
from tests.intake.makers import email_with, gbk_zip

pytestmark = pytest.mark.slow
PASSING = EXAMPLES / "kunshan" / "applicant-pass.yaml"


@pytest.fixture(scope="module")
def sent(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """What the applicant zipped: the form docgen issued, filled, and scans in folders named as people name them."""
    folder = tmp_path_factory.mktemp("sent")
    form = make_form(folder / "form.docx", "kunshan-2021", PASSING)
    certificate = save_pdf(
        [page_image(["职业资格证书", "高级技师 王建国", "压缩包受理测试"], seed=41)], folder / "c.pdf"
    )
    licence = save_pdf([page_image(["营业执照", "昆山精工数控技术有限公司"], seed=42)], folder / "l.pdf")
    return {
        "精工申报材料/昆山市高技能人才公共实训基地申报表.docx": form.read_bytes(),
        "精工申报材料/师资/王建国-高级技师证书.pdf": certificate.read_bytes(),
        "精工申报材料/营业执照.pdf": licence.read_bytes(),
        "精工申报材料/其他/扫描件001.pdf": licence.read_bytes()[:-1] + b"\n",
    }


@pytest.fixture
def opened(tmp_path: Path) -> Path:
    ws = tmp_path / "ks"
    ok("init", ws, "--policy", "kunshan-2021")
    ok("-w", ws, "open")
    return ws


def test_a_windows_zip_is_planned_then_received_without_any_yaml(
    opened: Path, sent: dict[str, bytes], tmp_path: Path
) -> None:
    package = gbk_zip(tmp_path / "精工申报材料.zip", sent)
    before = snapshot(opened)
    plan = ok("-w", opened, "receive", package, "--dry-run")
    assert "昆山精工数控技术有限公司" in plan
    assert "精工申报材料/师资/王建国-高级技师证书.pdf" in plan  # the GBK names read as written
    assert "师资" in plan and "未受理" in plan
    assert snapshot(opened) == before  # a dry run changes nothing

    ok("-w", opened, "receive", package)
    code = load_applicant(PASSING).credit_code
    kept = load_applicant(opened / "applicants" / "2021" / f"{code}.yaml")
    assert kept.model_dump() == load_applicant(PASSING).model_dump()  # the form read back exactly
    decision = yaml.safe_load(next((opened / "decisions" / "2021").glob("*-receive-*.yaml")).read_text("utf-8"))
    assert decision["details"]["received_as"] == "精工申报材料.zip"
    by_type = {(e["type"], e["file"]) for e in decision["details"]["evidence"]}
    assert ("teacher_certificates", "王建国-高级技师证书.pdf") in by_type
    assert ("business_licence", "营业执照.pdf") in by_type
    assert ("other", "扫描件001.pdf") in by_type  # nothing named it: the catch-all, as the plan said
    assert ("application_form", "昆山市高技能人才公共实训基地申报表.docx") in by_type  # the form itself, kept
    hits = json.loads(ok("-w", opened, "search", "压缩包受理测试", "--json"))["hits"]
    assert [h["type"] for h in hits] == ["teacher_certificates"]


def test_an_email_and_a_chosen_type_for_an_unsorted_file(opened: Path, sent: dict[str, bytes], tmp_path: Path) -> None:
    flat = {name.split("/")[-1]: data for name, data in sent.items()}
    mail = email_with(tmp_path / "申报材料.eml", flat)
    plan = ok("-w", opened, "receive", mail, "--dry-run", "--file-as", "扫描件001.pdf=site_documents")
    assert "扫描件001.pdf" in plan
    ok("-w", opened, "receive", mail, "--file-as", "扫描件001.pdf=site_documents")
    decision = yaml.safe_load(next((opened / "decisions" / "2021").glob("*-receive-*.yaml")).read_text("utf-8"))
    assert ("site_documents", "扫描件001.pdf") in {(e["type"], e["file"]) for e in decision["details"]["evidence"]}


def test_the_form_alone_with_scans_given_by_type(opened: Path, sent: dict[str, bytes], tmp_path: Path) -> None:
    form = tmp_path / "精工.docx"
    form.write_bytes(sent["精工申报材料/昆山市高技能人才公共实训基地申报表.docx"])
    ok("-w", opened, "receive", form)
    code = load_applicant(PASSING).credit_code
    assert load_applicant(opened / "applicants" / "2021" / f"{code}.yaml").name == "昆山精工数控技术有限公司"


def test_a_package_that_cannot_be_received_says_why_in_one_line_and_changes_nothing(
    opened: Path, sent: dict[str, bytes], tmp_path: Path
) -> None:
    before = snapshot(opened)
    no_form = gbk_zip(tmp_path / "缺表.zip", {k: v for k, v in sent.items() if not k.endswith(".docx")})
    assert_one_line_error(run("-w", opened, "receive", no_form), "缺表.zip", "找不到填写的申报表")
    bad = dict(sent)
    bad["精工申报材料/电子营业执照.ofd"] = b"PK\x03\x04" + b"\x00" * 64
    refused = assert_one_line_error(run("-w", opened, "receive", gbk_zip(tmp_path / "坏.zip", bad)), "坏.zip")
    assert "/tmp/" not in refused and "docgen-intake" not in refused
    wrong = run("-w", opened, "receive", gbk_zip(tmp_path / "p.zip", sent), "--file-as", "无此文件.pdf=other")
    assert_one_line_error(wrong, "无此文件.pdf", "没有这个文件")
    assert snapshot(opened) == before


def test_a_folder_is_received_and_left_as_it_was(opened: Path, sent: dict[str, bytes], tmp_path: Path) -> None:
    folder = tmp_path / "收到的材料"
    for name, data in sent.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    before = snapshot(folder)
    ok("-w", opened, "receive", folder / "精工申报材料", "--dry-run")
    ok("-w", opened, "receive", folder / "精工申报材料")
    assert snapshot(folder) == before  # nothing written into the clerk's folder
    code = load_applicant(PASSING).credit_code
    assert (opened / "applicants" / "2021" / f"{code}.yaml").is_file()
