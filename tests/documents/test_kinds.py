"""Every kind renders for both programmes, and says what the data says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx.enum.section import WD_ORIENT

from tests.conftest import REPO, run
from tests.documents.helpers import all_text, colophon_text, make, paragraphs_with_style, read, squash

SEED = REPO.parent / "shared" / "seeds" / "kunshan-2021-call-for-applications.txt"


@pytest.mark.parametrize("programme", ["kunshan", "hangzhou"])
@pytest.mark.parametrize("kind", ["notice", "summary", "publicity", "confirmation", "assessment", "revocation"])
def test_every_kind_renders_for_both_programmes(tmp_path: Path, programme: str, kind: str) -> None:
    doc = read(make(kind, f"{programme}/doc-{kind}.yaml", tmp_path / "out.docx"))
    text = all_text(doc)
    assert "{{" not in text and "{%" not in text
    assert len(text) > 100


def test_the_kunshan_notice_reproduces_the_seed(tmp_path: Path) -> None:
    if not SEED.is_file():
        pytest.skip(f"seed text not found at {SEED}")
    seed = SEED.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(seed) if line.startswith("昆山开发区、昆山高新区"))
    end = next(i for i, line in enumerate(seed) if line.strip() == "2021年11月26日")
    wanted = [line for line in seed[start : end + 1] if line.strip()]
    doc = read(make("notice", "kunshan/doc-notice.yaml", tmp_path / "notice.docx"))
    got = squash(all_text(doc))
    missing = [line.strip() for line in wanted if squash(line) not in got]
    assert missing == [], f"seed lines not in the notice: {missing}"
    assert len(wanted) > 40
    headings = paragraphs_with_style(doc, "GW Heading 1")
    assert headings == [
        "一、工作目标",
        "二、建设原则",
        "三、申报认定",
        "四、功能任务",
        "五、运作管理",
        "六、有关要求",
    ]
    assert paragraphs_with_style(doc, "GW Heading 2")[:3] == [
        "（一）适用范围",
        "（二）申报条件",
        "（三）申报认定程序",
    ]
    assert paragraphs_with_style(doc, "GW Recipients")[0].endswith("各直属单位：")
    assert paragraphs_with_style(doc, "GW Attachments") == ["附件：1. 昆山市高技能人才公共实训基地申报表"]
    assert paragraphs_with_style(doc, "GW Attachments More") == ["2. 昆山市高技能人才公共实训基地申报汇总表"]
    assert paragraphs_with_style(doc, "GW Signature") == ["昆山市人力资源和社会保障局"]
    assert paragraphs_with_style(doc, "GW Date") == ["2021年11月26日"]
    assert paragraphs_with_style(doc, "GW Doc Number") == ["昆人社发〔2021〕67号"]
    assert paragraphs_with_style(doc, "GW Issuer") == ["昆山市人力资源和社会保障局文件"]
    assert "申报截止时间：2021年12月30日。" in all_text(doc)


def test_the_prefilled_form_carries_the_applicant(tmp_path: Path) -> None:
    doc = read(make("form", "kunshan/applicant-pass.yaml", tmp_path / "f.docx", "--policy", "kunshan-2021"))
    text = all_text(doc)
    for expected in (
        "昆山精工数控技术有限公司",
        "91320583MA1KJ88011",
        "CK6150",
        "1,480,000",
        "3,160,000",
        "王建国",
        "S000032050000231001",
        "67%（2/3）",
        "区镇社会保障部门初审意见",
        "昆山市人社局审核意见",
    ):
        assert expected in text, expected
    assert text.count("设备清单") == 2  # one per project


def test_the_blank_form_has_rows_to_write_in(tmp_path: Path) -> None:
    doc = read(make("form", None, tmp_path / "b.docx", "--blank", "--policy", "hangzhou-2024"))
    assert "杭州市高技能人才公共实训基地申报表" in all_text(doc)
    equipment = [t for t in doc.tables if t.rows[0].cells[1].text == "设备名称"]
    assert len(equipment) == 2 and all(len(t.rows) == 1 + 5 + 1 for t in equipment)
    assert "区镇社会保障部门初审意见" not in all_text(doc)  # Hangzhou has no 区镇 step


def test_the_summary_is_landscape_with_totals(tmp_path: Path) -> None:
    doc = read(make("summary", "kunshan/doc-summary.yaml", tmp_path / "s.docx"))
    assert doc.sections[0].orientation == WD_ORIENT.LANDSCAPE
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells][:4] == ["序号", "申报单位", "单位类型", "所在区镇"]
    assert len(table.rows) == 1 + 4 + 1
    total = [c.text for c in table.rows[-1].cells]
    assert total[0] == "合计（4家）" and "7720" in total and "20" in total  # 1860+800+3200+1860 m², 20 teachers


def test_publicity_period_uses_the_mainland_calendar(tmp_path: Path) -> None:
    text = all_text(read(make("publicity", "hangzhou/doc-publicity.yaml", tmp_path / "p.docx")))
    # published Friday 2026-09-25: 5 working days from the 28th, 10-01..10-08 off -> 10-09 (not 10-10)
    assert "公示期为5个工作日，自2026年9月26日至2026年10月9日" in text
    assert "杭州市公共实训基地萧山分基地" in text


def test_confirmation_names_bases_by_the_naming_rule(tmp_path: Path) -> None:
    text = all_text(read(make("confirmation", "hangzhou/doc-confirmation.yaml", tmp_path / "c.docx")))
    assert "杭州市公共实训基地萧山分基地" in text and "杭人社发〔2026〕88号" in text
    assert "授予“杭州市高技能人才公共实训基地”铭牌" in text


def test_plaques_one_page_per_base_with_all(tmp_path: Path) -> None:
    made = run("make", "plaque", REPO / "examples/hangzhou/doc-plaque.yaml", "--all", "-o", tmp_path / "plaques")
    assert made.exit_code == 0, made.stderr
    files = sorted(p.name for p in (tmp_path / "plaques").iterdir())
    assert files == ["杭州市公共实训基地萧山分基地.docx", "杭州市公共实训基地西湖分基地.docx"]
    doc = read(tmp_path / "plaques" / files[0])
    assert doc.sections[0].orientation == WD_ORIENT.LANDSCAPE
    assert [p.text for p in doc.paragraphs] == [
        "杭州市高技能人才公共实训基地",
        "杭州市公共实训基地萧山分基地",
        "杭州市人力资源和社会保障局",
        "二〇二六年十月二十日",
    ]
    one = run("make", "plaque", REPO / "examples/hangzhou/doc-plaque.yaml", "-o", tmp_path / "one.docx")
    assert one.exit_code == 2 and "lists 2 bases; pass --base NAME for one, or --all" in one.stderr


def test_assessment_result_has_the_score_sheet(tmp_path: Path) -> None:
    doc = read(make("assessment", "hangzhou/doc-assessment.yaml", tmp_path / "a.docx"))
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert ["基础部分：实训管理", "满分25分", "21.5", ""] in rows
    assert rows[-1][-2:] == ["95", "优秀"]
    kunshan = all_text(read(make("assessment", "kunshan/doc-assessment.yaml", tmp_path / "k.docx")))
    assert "140人，少于150人" in kunshan and "87人，占140人的62.1%，低于70%" in kunshan
    assert "未见报送记录" in kunshan and "可撤销其基地资格" in kunshan
    assert "未达标" in kunshan and "年度绩效考核结果：不合格" in kunshan


def test_revocation_cites_reason_confirmation_and_consequences(tmp_path: Path) -> None:
    text = all_text(read(make("revocation", "kunshan/doc-revocation.yaml", tmp_path / "r.docx")))
    assert "昆人社发〔2022〕8号" in text and "2022年2月10日" in text
    assert "年度绩效考核不合格或履约评估不合格" in text and "撤销情形第4项" in text
    assert all(word in text for word in ("撤销", "摘除", "向社会公告"))
    colophon = colophon_text(read(tmp_path / "r.docx"))
    assert re.search(r"抄送：昆山市财政局。", colophon) and "2023年4月18日印发" in colophon
