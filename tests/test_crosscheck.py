"""The evidence cross-check: claims of an application against its OCR'd evidence pages."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn

from docgen.applicant import Applicant
from docgen.crosscheck.review import Match, Page, review_pages
from docgen.crosscheck.text import (
    areas_on_page,
    compact,
    level_on_page,
    model_run_together,
    near_identifier,
    numbers_after_model,
    numbers_after_name,
)
from docgen.policy_registry import load_policy
from docgen.samples.evidence import Certificate, certificate_lines, equipment_lines, licence_lines, site_lines
from docgen.samples.scans import page_image, save_pdf
from tests.conftest import EXAMPLES, assert_one_line_error, load_example, run, write_yaml

# --- reading claims out of text -----------------------------------------------------------


def test_one_misread_character_is_a_near_match_with_the_difference_shown() -> None:
    near = near_identifier("S000032050000231004", ["S0000320500002310O4", "S000032050000231099"])
    assert near is not None and near.found == "S0000320500002310O4"
    assert near.difference == "character 18: 'O' on the page, '0' claimed"
    missing = near_identifier("S000032050000231004", ["S00003205000023104"])
    assert missing is not None and "is missing on the page" in missing.difference
    assert near_identifier("S000032050000231004", ["S000032050000231004"]) is None  # exact is not near
    assert near_identifier("S000032050000231004", ["S000032050000239904"]) is None  # two apart


@pytest.mark.parametrize(
    ("text", "areas"),
    [
        ("建筑面积：1200平方米", [Decimal(1200)]),
        ("建筑面积：一千二百平方米", [Decimal(1200)]),
        ("面积 两千四百 平方米", [Decimal(2400)]),
        ("1,860.5㎡ 与 八百平米", [Decimal("1860.5"), Decimal(800)]),
        ("ＡＢＣ １２００ｍ２", [Decimal(1200)]),
        ("无面积", []),
    ],
)
def test_areas_in_arabic_or_chinese_numerals(text: str, areas: list[Decimal]) -> None:
    assert areas_on_page(compact(text)) == areas


def test_levels_models_and_quantities() -> None:
    assert level_on_page(compact("等 级 ： 高 级 工"), title=False) == "高级工"
    assert level_on_page(compact("职业技能等级证书 等级：二级"), title=False) == "技师"
    assert level_on_page(compact("资格级别：中级"), title=True) == "中级"
    assert level_on_page(compact("高级技师"), title=False) == "高级技师"
    assert numbers_after_model("CK6150", "1 数控车床 ＣＫ６１５０ 8 185000.00") == [8]
    assert numbers_after_model("CK6150", "1 数控车床 CK6140 8") == []  # another machine
    assert numbers_after_model("CK615", "1 数控车床 CK6150 8") == []
    # OCR damage seen on real scans: a quantity run into the model, a stray character before it
    assert model_run_together("ZNZZ-2000", "1 智能制造实训单元 ZNZZ-20002") == "ZNZZ-20002"
    assert model_run_together("IRB1200", "3 六轴工业机器人工作站1IRB1200 6") == "1IRB1200"
    assert model_run_together("CK6150", "1 数控车床 CK6150 8") is None


@pytest.mark.parametrize(
    ("line", "model", "found"),
    [
        ("普通车床C6132两台", "C6132", [2]),
        ("数控铣床XK714五套 ￥80000.00", "XK714", [5]),
        ("| 2 | 数控铣床 | XK714 | 十 台 | 80000.00 |", "XK714", [10]),  # a table cell, spaced out by OCR
        ("数控车床 CK6150 二十五套 185000.00", "CK6150", [25]),
        ("数控车床 CK6150 25台", "CK6150", [25]),
        ("数控车床 CK6150 380V 8", "CK6150", [8]),  # a voltage is no quantity
        ("数控车床 CK6150-A 3", "CK6150", []),  # another model
    ],
)
def test_quantities_as_written(line: str, model: str, found: list[int]) -> None:
    assert numbers_after_model(model, line) == found


def test_quantities_after_a_name_without_model() -> None:
    assert numbers_after_name("钳工台", "1 钳 工 台 十 二 套 500.00") == [12]
    assert numbers_after_name("钳工台", "3 钳工台 12") == [12]  # not the row number before it


# --- verdicts on given pages (no OCR) -----------------------------------------------------


def _applicant(**changes: Any) -> Applicant:
    data = load_example("kunshan/applicant-pass.yaml")
    data.update(changes)
    return Applicant.model_validate(data)


def test_verdicts_on_given_pages() -> None:
    applicant = _applicant()
    issuer = "昆山市人力资源和社会保障局"
    pages = [
        Page(
            "A-1",
            1,
            "teacher_certificates",
            "\n".join(certificate_lines(Certificate("王建国", "高级技师", "S000032050000231001"), issuer)),
        ),
        Page(
            "A-1",
            2,
            "teacher_certificates",
            "\n".join(certificate_lines(Certificate("李秀英", "高级工", "S000032050000231002"), issuer)),
        ),
        Page(
            "A-1",
            3,
            "teacher_certificates",
            "\n".join(certificate_lines(Certificate("张伟", "高级工", "S0000320500002310O3"), issuer)),
        ),
        Page(
            "A-1",
            4,
            "teacher_certificates",
            "\n".join(certificate_lines(Certificate("陈晶", "技师", "S000032050000231004"), issuer)),
        ),
        Page("A-2", 1, "equipment_list", "\n".join(equipment_lines(applicant, {"VMC850": 3}))),
        Page("A-3", 1, "site_documents", "\n".join(site_lines(applicant, "一千八百六十平方米"))),
        Page("A-4", 1, "business_licence", "\n".join(licence_lines(applicant)).replace("88011", "88O11")),
    ]
    result = review_pages(applicant, load_policy("kunshan-2021"), 2021, pages)
    verdicts = {c.claim.split()[0] if c.kind != "site" else c.claim: (c.match, c.detail) for c in result.claims}
    assert verdicts["王建国"][0] is Match.backed
    assert verdicts["李秀英"] == (Match.contradicted, "the certificate shows 高级工, 技师 claimed")
    assert verdicts["张伟"][0] is Match.near and "'O' on the page, '0' claimed" in verdicts["张伟"][1]
    assert verdicts["陈静"][0] is Match.near and "陈晶" in verdicts["陈静"][1]  # a name one apart is only a hint
    assert verdicts["刘洋"][0] is Match.not_found
    assert verdicts["数控车床"][0] is Match.backed
    assert verdicts["立式加工中心"] == (Match.contradicted, "the page lists VMC850 × 3, 4 claimed")
    assert verdicts["建筑面积 1860平方米"][0] is Match.backed
    assert verdicts["场地自有"][0] is Match.backed
    assert verdicts["昆山精工数控技术有限公司"][0] is Match.near
    evidence = next(c for c in result.claims if c.claim.startswith("王建国")).evidence[0]
    assert (evidence.archival_code, evidence.page, evidence.snippet) == ("A-1", 1, "证书编号:S000032050000231001")
    teachers = [s for s in result.summaries if s.condition == "合格师资（证据）"]
    assert teachers[0].detail.startswith("数控加工实训: 2 of 3 teachers qualify as claimed, 1 backed")
    assert teachers[0].verdict.value == "fail"  # 1 of 3 backed < 50 %


def test_quantities_in_chinese_numerals_back_or_contradict_the_claim() -> None:
    data = load_example("kunshan/applicant-pass.yaml")
    data["projects"][0]["equipment"] = [
        {"name": "数控车床", "model": "CK6150", "quantity": 10, "unit_price_yuan": 185000},
        {"name": "立式加工中心", "model": "VMC850", "quantity": 8, "unit_price_yuan": 420000},
        {"name": "普通车床", "model": "C6132", "quantity": 2, "unit_price_yuan": 42000},
    ]
    data["projects"][1]["equipment"] = [
        {"name": "六轴工业机器人工作站", "model": "IRB1200", "quantity": 25, "unit_price_yuan": 260000}
    ]
    applicant = Applicant.model_validate(data)
    text = "\n".join(
        [
            "教学实训设备清单",
            "序号 设备名称 型号 数量 单价",
            "1 数 控 车 床 CK6150 十 台 185000.00",  # a table row as OCR spaces it
            "2 立式加工中心VMC850两套 420000.00",  # a run-on line: 2 on the page, 8 claimed
            "3 普通车床C6132两台",
            "4 六轴工业机器人工作站 IRB1200 25台",
        ]
    )
    result = review_pages(applicant, load_policy("kunshan-2021"), 2021, [Page("A-2", 1, "equipment_list", text)])
    verdicts = {c.key: (c.match, str(c.detail)) for c in result.claims if c.kind == "equipment"}
    assert verdicts["CK6150"][0] is Match.backed
    assert verdicts["VMC850"] == (Match.contradicted, "the page lists VMC850 × 2, 8 claimed")
    assert verdicts["C6132"][0] is Match.backed
    assert verdicts["IRB1200"][0] is Match.backed


def test_a_leased_site_contradicts_a_claim_of_ownership() -> None:
    applicant = _applicant()
    leased = _applicant(site={"area_m2": 1860, "owned": False, "fire_ventilation_lighting_temperature": True})
    pages = [Page("B-1", 1, "site_documents", "\n".join(site_lines(leased, "1500平方米")))]
    result = review_pages(applicant, load_policy("kunshan-2021"), 2021, pages)
    site = {c.key: c for c in result.claims if c.kind == "site"}
    assert (site["area"].match, site["area"].detail) == (Match.contradicted, "the site documents show 1500平方米")
    assert (site["ownership"].match, site["ownership"].detail) == (Match.contradicted, "the site documents are a lease")


# --- the test set: twelve teachers, scanned and OCR'd for real ---------------------------

TEACHERS = [
    ("王建国", "高级技师", "中级"),
    ("李秀英", "技师", "无"),
    ("张志强", "高级技师", "副高级"),
    ("陈国华", "技师", "中级"),
    ("刘建军", "高级工", "无"),
    ("杨立新", "技师", "无"),
    ("赵明华", "高级技师", "中级"),
    ("黄文斌", "技师", "无"),
    ("周建平", "高级工", "初级"),
    ("吴志刚", "技师", "无"),  # the certificate says 高级工
    ("徐国平", "技师", "中级"),  # the number is misread by one digit
    ("孙立华", "高级技师", "无"),  # no certificate in the box
]
EQUIPMENT = [
    ("数控车床", "CK6150", 8),
    ("立式加工中心", "VMC850", 4),
    ("电工实训台", "DG3000", 20),
    ("焊接工位", "WS400", 12),
]


def _number(i: int) -> str:
    return f"S0000320500002{32100 + i}"


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("crosscheck")
    data = load_example("kunshan/applicant-pass.yaml")
    data["site"]["area_m2"] = 1200
    data["projects"] = [
        {
            "name": "数控加工实训",
            "occupation": "数控车工",
            "equipment": [{"name": n, "model": m, "quantity": q, "unit_price_yuan": 100000} for n, m, q in EQUIPMENT],
            "teachers": [
                {"name": n, "qualification": q, "title": t, "certificate_no": _number(i)}
                for i, (n, q, t) in enumerate(TEACHERS)
            ],
        }
    ]
    applicant_file = write_yaml(root / "applicant.yaml", data)
    applicant = Applicant.model_validate(data)
    issuer = "昆山市人力资源和社会保障局"
    certificates = []
    for i, (name, level, _) in enumerate(TEACHERS[:11]):
        number = _number(i)
        if name == "吴志刚":
            level = "高级工"
        if name == "徐国平":
            number = number[:-1] + "8"  # as if the scanner turned 0 into 8
        certificates.append(page_image(certificate_lines(Certificate(name, level, number, "数控车工"), issuer), seed=i))
    scans = root / "scans"
    scans.mkdir()
    save_pdf(certificates, scans / "certificates.pdf")
    save_pdf([page_image(equipment_lines(applicant, {"DG3000": 18}), seed=20)], scans / "equipment.pdf")
    save_pdf([page_image(site_lines(applicant, "一千二百平方米"), seed=21)], scans / "site.pdf")
    save_pdf([page_image(licence_lines(applicant), seed=22)], scans / "licence.pdf")
    ws = root / "ws"
    assert run("init", ws, "--policy", "kunshan-2021").exit_code == 0
    for kind, name in (
        ("teacher_certificates", "certificates.pdf"),
        ("equipment_list", "equipment.pdf"),
        ("site_documents", "site.pdf"),
        ("business_licence", "licence.pdf"),
    ):
        args = ("-w", ws, "archive", "ingest", scans / name, "--year", "2021", "--applicant", applicant.credit_code)
        result = run(*args, "--type", kind, "-j", "2")
        assert result.exit_code == 0, result.output + result.stderr
    first = run("-w", ws, "review", applicant_file, "--json")
    second = run("-w", ws, "review", applicant_file, "--json", "--year", "2021")
    return {"ws": ws, "file": applicant_file, "first": first, "second": second}


@pytest.mark.slow
def test_every_verdict_of_the_test_set(reviewed: dict[str, Any]) -> None:
    result = reviewed["first"]
    assert result.exit_code == 1  # something is contradicted or missing
    claims = json.loads(result.output)["claims"]
    verdicts = {c["claim"].split()[0]: c for c in claims if c["kind"] in ("teacher", "equipment")}
    for name, _, _ in TEACHERS[:9]:
        assert verdicts[name]["verdict"] == "backed", verdicts[name]
        assert verdicts[name]["evidence"][0]["archival_code"] == "KSRSJ-WS·2021-D30-0001"
    assert verdicts["吴志刚"]["verdict"] == "contradicted"
    assert verdicts["吴志刚"]["detail"] == "the certificate shows 高级工, 技师 claimed"
    assert verdicts["吴志刚"]["evidence"][0]["page"] == 10
    assert verdicts["徐国平"]["verdict"] == "near match"
    assert verdicts["徐国平"]["detail"] == (
        f"certificate number {_number(10)[:-1]}8 on the page: character 19: '8' on the page, '0' claimed"
    )
    assert verdicts["孙立华"]["verdict"] == "not found" and verdicts["孙立华"]["evidence"] == []
    for name, _, _ in EQUIPMENT:
        expected = "contradicted" if name == "电工实训台" else "backed"
        assert verdicts[name]["verdict"] == expected, verdicts[name]
    assert verdicts["电工实训台"]["detail"] == "the page lists DG3000 × 18, 20 claimed"
    others = {c["claim"]: c["verdict"] for c in claims if c["kind"] in ("site", "unit")}
    assert others == {
        "建筑面积 1200平方米": "backed",  # printed 一千二百平方米
        "场地自有": "backed",
        "昆山精工数控技术有限公司 91320583MA1KJ88011": "backed",
    }
    summary = json.loads(result.output)["summary"][0]
    # 9 of 12 claim 技师 or better (or 中级); backed among them: 7 (王 李 张 陈 杨 赵 黄) of 12 = 58 % ≥ 50 %
    assert summary["detail"] == (
        "数控加工实训: 10 of 12 teachers qualify as claimed, 7 backed by evidence (58%), 1 near; bar 50%"
    )
    assert summary["verdict"] == "pass"


@pytest.mark.slow
def test_the_same_archive_gives_the_same_answer(reviewed: dict[str, Any]) -> None:
    assert reviewed["first"].output == reviewed["second"].output


@pytest.mark.slow
def test_the_worksheet_for_the_expert_group(reviewed: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "底稿.docx"
    result = run("-w", reviewed["ws"], "make", "worksheet", reviewed["file"], "-o", out)
    assert result.exit_code == 0, result.output + result.stderr
    document = docx.Document(str(out))
    section = document.sections[0]

    def mm(length: int | None) -> float:
        return round((length or 0) / 36000, 1)  # EMU -> mm

    # A4 landscape with the GB/T 9704 margins turned with the page (as the summary table)
    assert (mm(section.page_width), mm(section.page_height)) == (297, 210)
    assert (mm(section.top_margin), mm(section.bottom_margin), mm(section.left_margin)) == (28, 26, 37)
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "序号",
        "类别",
        "申报内容",
        "核验结果",
        "说明",
        "证据（档号 页）",
        "评审人意见",
    ]
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert len(rows) == 12 + 4 + 2 + 1
    wu = next(r for r in rows if r[2].startswith("吴志刚"))
    assert wu[3] == "矛盾" and wu[4] == "证书显示为高级工，申报为技师" and wu[5] == "KSRSJ-WS·2021-D30-0001 第10页"
    xu = next(r for r in rows if r[2].startswith("徐国平"))
    assert xu[3] == "近似" and xu[4].endswith("（第19位页面为“8”，申报为“0”）")
    assert all(r[6] == "" for r in rows)  # the reviewer's own column is left to the reviewer
    body = document.styles["GW Table"].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))
    assert body == "仿宋_GB2312" and table.rows[1].cells[2].paragraphs[0].style.name == "GW Table Left"
    summary = (
        "合格师资（证据）：数控加工实训：申报达标教师10人（共12人），"
        + "有证据支持7人（58%），近似1人；要求不低于50%（达标）"
    )
    assert summary in [p.text for p in document.paragraphs]


def test_review_needs_archived_evidence_and_says_so(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert run("init", ws, "--policy", "kunshan-2021").exit_code == 0
    applicant = EXAMPLES / "kunshan" / "applicant-pass.yaml"
    assert_one_line_error(run("-w", ws, "review", applicant), "昆山精工数控技术有限公司", "no evidence archived")
    assert_one_line_error(run("-w", ws, "review", tmp_path / "missing.yaml"), "missing.yaml", "no such file")
    assert_one_line_error(run("review", applicant), "workspace")
