"""The yearly cycle end to end, through the commands a clerk types: documents, register, refusals, export."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
import yaml

from docgen.applicant import load_applicant
from docgen.samples.scans import page_image, save_pdf
from tests.conftest import EXAMPLES, assert_one_line_error, ok, run, snapshot

KS = EXAMPLES / "kunshan"
HZ = EXAMPLES / "hangzhou"


def text_of(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def kunshan(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A Kunshan workspace run from the call to the confirmation, one command at a time."""
    ws = tmp_path_factory.mktemp("cycle") / "ks"
    env = pytest.MonkeyPatch()
    env.setenv("DOCGEN_USER", "韩睿")
    ok("init", ws, "--policy", "kunshan-2021")
    w = ("-w", ws)
    ok(*w, "open")
    for name in ("pass", "school", "small-site", "teachers"):
        ok(*w, "receive", KS / f"applicant-{name}.yaml", "--date", "2021-12-10")
    ok(*w, "preliminary", "昆山精工数控技术有限公司", "--recommend", "--reason", "符合条件", "--by", "张浦镇社保所")
    ok(*w, "preliminary", "52320583MA1KJ8806H", "--recommend", "--reason", "符合条件")
    ok(*w, "preliminary", "昆山巨匠职业培训学校", "--reject", "--reason", "建筑面积不足1000平方米")
    ok(*w, "preliminary", "昆山市鹿城职业技术学校", "--recommend", "--reason", "请专家把关")
    ok(*w, "expert", "昆山精工数控技术有限公司", "--candidate", "--points", "88", "--reason", "设备先进")
    ok(*w, "expert", "昆山花桥技工学校", "--candidate", "--reason", "师资达标")
    ok(*w, "expert", "昆山市鹿城职业技术学校", "--not-candidate", "--reason", "师资占比不足")
    ok(*w, "publicise", "--date", "2022-01-12")
    yield ws
    env.undo()


def test_each_step_records_who_when_why_and_the_documents_use_the_workspace(kunshan: Path) -> None:
    decisions = [
        yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((kunshan / "decisions/2021").glob("*.yaml"))
    ]
    assert [d["step"] for d in decisions] == ["open"] + ["receive"] * 4 + ["preliminary"] * 4 + ["expert"] * 3 + [
        "publicity"
    ]
    prelim = decisions[5]
    assert (prelim["by"], prelim["reason"], prelim["outcome"]) == ("张浦镇社保所", "符合条件", "recommended")
    assert prelim["details"]["check"]["verdict"] == "review"  # the eligibility check is stored beside the opinion
    assert decisions[1]["by"] == "韩睿" and decisions[1]["date"] == "2021-12-10"
    out = kunshan / "output" / "2021"
    notice = text_of(out / "1-open" / "申报通知.docx")
    campaign = yaml.safe_load((kunshan / "campaigns/2021.yaml").read_text(encoding="utf-8"))
    assert campaign["notice"]["doc_number"] in notice
    assert campaign["notice"]["title"] in notice.replace("\n", "")  # the title is broken into lines by meaning
    summary = text_of(out / "3-preliminary" / "申报汇总表.docx")
    for unit in ("昆山精工数控技术有限公司", "昆山花桥技工学校", "昆山巨匠职业培训学校", "昆山市鹿城职业技术学校"):
        assert unit in summary
    assert "不予推荐：建筑面积不足1000平方米" in summary and "同意推荐：符合条件" in summary
    publicity = text_of(out / "5-publicity" / "公示.docx")
    assert "自2022年1月13日至2022年1月19日" in publicity  # 5 working days, the day of publication not counted
    assert "昆山市鹿城职业技术学校" not in publicity and "昆山花桥技工学校" in publicity
    form = text_of(out / "2-receive" / "申报表-昆山精工数控技术有限公司-91320583MA1KJ88011.docx")
    assert "S000032050000231004" in form and "91320583MA1KJ88011" in form


def test_steps_out_of_order_are_refused_and_change_nothing(kunshan: Path) -> None:
    w = ("-w", kunshan)
    before = snapshot(kunshan)
    cases = [
        (("plaque", "昆山精工数控技术有限公司", "--reason", "丢失"), "not a confirmed base"),
        (
            ("revoke", "昆山精工数控技术有限公司", "--ground", "law_violation", "--doc-number", "昆人社发〔2022〕9号"),
            "never confirmed",
        ),
        (("confirm", "--doc-number", "昆人社发〔2022〕3号", "--date", "2022-01-19"), "publicity runs until 2022-01-19"),
        (("expert", "昆山巨匠职业培训学校", "--candidate", "--reason", "x"), "candidates were published"),
        (("receive", KS / "applicant-outside.yaml"), "applications are closed"),
        (("publicise", "--date", "2022-01-13"), "already published"),
        (("preliminary", "昆山精工数控技术有限公司", "--reject", "--reason", "x"), "expert group already decided"),
        (
            ("objection", "raise", "昆山市鹿城职业技术学校", "--reason", "x", "--date", "2022-01-14"),
            "not a published candidate",
        ),
        (("objection", "raise", "昆山花桥技工学校", "--reason", "x", "--date", "2022-01-25"), "too late"),
        (("open",), "already opened"),
    ]
    for args, words in cases:
        assert_one_line_error(run(*w, *args), words)
    assert snapshot(kunshan) == before


def test_bad_input_to_a_step_names_the_file_and_field(kunshan: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text((KS / "applicant-pass.yaml").read_text(encoding="utf-8").replace("area_m2: 1860", "area_m2: -5"))
    before = snapshot(kunshan)
    assert_one_line_error(
        run("-w", kunshan, "assess", "昆山巨匠职业培训学校", broken, "--doc-number", "昆人社发〔2023〕1号")
    )
    result = run("-w", kunshan, "confirm", "--doc-number", "昆人社发2022-3", "--date", "2022-02-01")
    assert_one_line_error(result, "昆人社发2022-3")
    assert snapshot(kunshan) == before


def test_confirmation_assessment_revocation_and_the_register(kunshan: Path, tmp_path: Path) -> None:
    w = ("-w", kunshan)
    raised = ok(*w, "objection", "raise", "昆山花桥技工学校", "--reason", "来信反映场地不足", "--date", "2022-01-14")
    objection_id = raised.split()[1]
    assert_one_line_error(
        run(*w, "confirm", "--doc-number", "昆人社发〔2022〕3号", "--date", "2022-01-24"), objection_id
    )
    ok(*w, "objection", "resolve", objection_id, "--dismissed", "--reason", "经核查属实", "--date", "2022-01-18")
    ok(*w, "confirm", "--doc-number", "昆人社发〔2022〕3号", "--date", "2022-01-24")
    out = kunshan / "output" / "2021" / "6-confirmation"
    notice = text_of(out / "认定通知.docx")
    assert "昆人社发〔2022〕3号" in notice and "公示（至2022年1月19日）" in notice and "2022年1月24日" in notice
    assert "昆山市高技能人才公共实训基地（昆山花桥技工学校）" in notice
    plaques = sorted(p.name for p in (out / "铭牌").glob("*.docx"))
    assert plaques == [
        "昆山市高技能人才公共实训基地（昆山精工数控技术有限公司）.docx",
        "昆山市高技能人才公共实训基地（昆山花桥技工学校）.docx",
    ]
    assert "二〇二二年一月二十四日" in text_of(out / "铭牌" / plaques[1])

    assert_one_line_error(
        run(*w, "revoke", "昆山花桥技工学校", "--ground", "assessment_failed", "--doc-number", "昆人社发〔2023〕8号"),
        "no assessment recorded",
    )
    assert_one_line_error(
        run(*w, "assess", "昆山花桥技工学校", KS / "yearly-2022-ok.yaml", "--doc-number", "昆人社发〔2023〕5号"),
        "credit_code",
    )
    ok(
        *w,
        "assess",
        "昆山精工数控技术有限公司",
        KS / "yearly-2022-ok.yaml",
        "--doc-number",
        "昆人社发〔2023〕5号",
        "--date",
        "2023-02-20",
    )
    assert_one_line_error(
        run(*w, "assess", "昆山花桥技工学校", KS / "yearly-2022-short.yaml", "--doc-number", "昆人社发〔2023〕5号"),
        "already used",
    )
    ok(
        *w,
        "assess",
        "昆山花桥技工学校",
        KS / "yearly-2022-short.yaml",
        "--doc-number",
        "昆人社发〔2023〕6号",
        "--date",
        "2023-02-20",
    )
    result = text_of(kunshan / "output/2023/7-assessment/考核结果-昆山花桥技工学校-52320583MA1KJ8806H-2022年度.docx")
    assert "昆人社发〔2023〕6号" in result and "不合格" in result and "140" in result
    ok(
        *w,
        "revoke",
        "昆山花桥技工学校",
        "--ground",
        "assessment_failed",
        "--facts",
        "2022年度培训140人。",
        "--doc-number",
        "昆人社发〔2023〕8号",
        "--date",
        "2023-03-01",
    )
    letter = text_of(kunshan / "output/2023/8-revocation/撤销通知-昆山花桥技工学校-52320583MA1KJ8806H.docx")
    assert "昆人社发〔2023〕8号" in letter and "2022年1月24日经昆人社发〔2022〕3号文件确认" in letter
    assert "年度绩效考核不合格或履约评估不合格" in letter and "2022年度培训140人。" in letter
    assert_one_line_error(
        run(*w, "revoke", "昆山花桥技工学校", "--ground", "law_violation", "--doc-number", "昆人社发〔2023〕9号"),
        "already revoked",
    )
    assert_one_line_error(run(*w, "plaque", "昆山花桥技工学校", "--reason", "丢失"), "revoked on 2023-03-01")
    ok(*w, "plaque", "昆山精工数控技术有限公司", "--reason", "铭牌损坏，申请补发", "--date", "2023-04-01")
    again = kunshan / "output/2023/plaques/昆山市高技能人才公共实训基地（昆山精工数控技术有限公司）-补发20230401.docx"
    assert "二〇二二年一月二十四日" in text_of(again)  # the plaque keeps the confirmation's date

    rows = {r["unit"]: r for r in json.loads(ok(*w, "register", "--json"))}
    assert rows["昆山精工数控技术有限公司"]["state"] == "active"
    assert rows["昆山精工数控技术有限公司"]["assessments"][0] | {"id": ""} == {
        "period": "2022年度",
        "result": "合格",
        "date": "2023-02-20",
        "id": "",
    }
    school = rows["昆山花桥技工学校"]
    assert (school["state"], school["revoked_on"], school["revoked_by"]) == (
        "revoked",
        "2023-03-01",
        "昆人社发〔2023〕8号",
    )
    assert school["year"] == 2021 and school["confirmed_by"] == "昆人社发〔2022〕3号"
    csv_text = ok(*w, "register", "--csv")
    assert csv_text.startswith("\ufeffbase_name,") and "2022年度:不合格,revoked,2023-03-01" in csv_text
    status = ok(*w, "status", "--year", "2021")
    assert "register: 1 active, 1 revoked" in status and "昆山市鹿城职业技术学校: not selected by the experts" in status
    steps = {step["step"]: step for step in json.loads(ok(*w, "status", "--year", "2021", "--json"))["steps"]}
    assert all(step["done"] for step in steps.values())
    assert steps["preliminary"]["detail"] == "4/4 reviewed, 3 recommended"
    assert steps["confirmation"]["detail"] == "2 bases, 昆人社发〔2022〕3号"


def test_a_decision_is_never_overwritten(tmp_path: Path) -> None:
    ws = tmp_path / "ks"
    ok("init", ws, "--policy", "kunshan-2021")
    ok("-w", ws, "open")
    ok("-w", ws, "receive", KS / "applicant-pass.yaml")
    first = ok("-w", ws, "preliminary", "昆山精工数控技术有限公司", "--reject", "--reason", "材料不全")
    assert_one_line_error(
        run("-w", ws, "preliminary", "昆山精工数控技术有限公司", "--recommend", "--reason", "x"), "--revise"
    )
    ok("-w", ws, "preliminary", "昆山精工数控技术有限公司", "--recommend", "--reason", "补齐材料", "--revise")
    files = sorted((ws / "decisions/2021").glob("*-preliminary-*.yaml"))
    assert len(files) == 2
    old, new = (yaml.safe_load(f.read_text(encoding="utf-8")) for f in files)
    assert old["outcome"] == "not_recommended" and first.split()[1] == old["id"]
    assert new["supersedes"] == old["id"] and new["outcome"] == "recommended"
    assert not files[0].stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert "同意推荐：补齐材料" in text_of(ws / "output/2021/3-preliminary/申报汇总表.docx")
    # a revised application keeps the first file in history and records why
    ok("-w", ws, "receive", KS / "applicant-pass.yaml", "--revise", "补充师资信息")
    assert len(list((ws / "applicants/2021/history").glob("91320583MA1KJ88011.*.yaml"))) == 1


def test_hangzhou_has_no_preliminary_step_and_names_bases_by_short_name(tmp_path: Path) -> None:
    ws = tmp_path / "hz"
    w = ("-w", ws)
    ok("init", ws, "--policy", "hangzhou-2024")
    assert [c.name for c in (ws / "campaigns").iterdir()] == ["2026.yaml"]  # the example call's year, as written
    ok(*w, "open")
    ok(*w, "receive", HZ / "applicant-pass.yaml", "--date", "2026-04-20")
    assert_one_line_error(
        run(*w, "preliminary", "杭州钱江智能制造技工学校", "--recommend", "--reason", "x"), "no 区镇初审"
    )
    assert_one_line_error(run(*w, "expert", "杭州钱江智能制造技工学校", "--candidate", "--reason", "x"), "--short-name")
    ok(
        *w,
        "expert",
        "杭州钱江智能制造技工学校",
        "--candidate",
        "--short-name",
        "萧山",
        "--reason",
        "合格",
        "--date",
        "2026-05-15",
    )
    ok(*w, "publicise", "--date", "2026-05-20")
    ok(*w, "confirm", "--doc-number", "杭人社发〔2026〕41号", "--date", "2026-06-01")
    # a sealed year takes no decision, and a refused assessment leaves no trace (not even its input copy)
    (ws / "archive" / "2028").mkdir()
    ok(*w, "archive", "seal", "2028")
    before = snapshot(ws)
    sealed = run(
        *w,
        "assess",
        "杭州市公共实训基地萧山分基地",
        HZ / "assessment-good.yaml",
        "--doc-number",
        "杭人社发〔2028〕9号",
        "--date",
        "2028-03-10",
    )
    assert_one_line_error(sealed, "2028 is sealed")
    assert snapshot(ws) == before
    ok(*w, "archive", "unseal", "2028", "--force", "--reason", "录入考核结果")
    ok(
        *w,
        "assess",
        "杭州市公共实训基地萧山分基地",
        HZ / "assessment-good.yaml",
        "--doc-number",
        "杭人社发〔2028〕9号",
        "--date",
        "2028-03-10",
    )
    assert_one_line_error(
        run(
            *w,
            "assess",
            "杭州市公共实训基地萧山分基地",
            HZ / "assessment-good.yaml",
            "--doc-number",
            "杭人社发〔2028〕10号",
        ),
        "--revise",
    )
    result = text_of(
        ws / "output/2028/7-assessment/考核结果-杭州钱江智能制造技工学校-12330100MA2HJ8806Y-2024-2025.docx"
    )
    assert "95" in result and "优秀" in result
    rows = json.loads(ok(*w, "register", "--json"))
    assert [(r["base_name"], r["state"], r["assessments"][0]["result"]) for r in rows] == [
        ("杭州市公共实训基地萧山分基地", "active", "优秀")
    ]
    assert_one_line_error(
        run(*w, "revoke", "萧山分基地", "--ground", "unit_dissolved", "--doc-number", "杭人社发〔2028〕11号"),
        "not a confirmed base",
    )
    ok(
        *w,
        "revoke",
        "杭州市公共实训基地萧山分基地",
        "--ground",
        "unit_dissolved",
        "--doc-number",
        "杭人社发〔2028〕11号",
    )
    assert json.loads(ok(*w, "register", "--json"))[0]["state"] == "revoked"


def test_evidence_received_sealed_year_refused_and_export_holds_decisions_and_documents(tmp_path: Path) -> None:
    ws = tmp_path / "ks"
    w = ("-w", ws)
    ok("init", ws, "--policy", "kunshan-2021")
    ok(*w, "open")
    teacher = load_applicant(KS / "applicant-pass.yaml").projects[0].teachers[0]
    scan = save_pdf(
        [page_image(["职业资格证书", f"姓名：{teacher.name}", f"证书编号：{teacher.certificate_no}"])],
        tmp_path / "证书.pdf",
    )
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    before = snapshot(ws)
    assert_one_line_error(
        run(*w, "receive", KS / "applicant-pass.yaml", "-e", f"teacher_certificates={empty}"), "empty.pdf", "empty"
    )
    assert_one_line_error(
        run(*w, "receive", KS / "applicant-pass.yaml", "-e", f"teacher_certficates={scan}"), "teacher_certificates"
    )
    assert snapshot(ws) == before
    ok(*w, "receive", KS / "applicant-pass.yaml", "-e", f"teacher_certificates={scan}")
    hits = json.loads(ok(*w, "search", teacher.certificate_no or "", "--json"))["hits"]
    assert len(hits) == 1 and hits[0]["applicant"] == "91320583MA1KJ88011"
    sealed = ok(*w, "archive", "seal", "2021")
    head = (ws / "decisions" / "2021" / "HEAD").read_text(encoding="utf-8").split()[0]
    assert f"decision_journal_head: {head}" in sealed
    assert json.loads((ws / "archive" / "2021" / "SEALED.json").read_text())["anchors"] == {
        "decision_journal_head": head
    }
    assert_one_line_error(run(*w, "receive", KS / "applicant-school.yaml"), "sealed")
    bag = tmp_path / "bag"
    ok(*w, "archive", "export", "2021", "-o", bag)
    data = bag / "data"
    assert (data / "decisions").is_dir() and len(list((data / "decisions").glob("*.yaml"))) == 2
    assert (data / "documents" / "1-open" / "申报通知.docx").is_file()
    assert (data / "documents" / "2-receive" / "申报表-昆山精工数控技术有限公司-91320583MA1KJ88011.docx").is_file()
    assert (data / "applicants" / "91320583MA1KJ88011.yaml").is_file() and (data / "campaign-2021.yaml").is_file()
    assert list((data / "archive" / "2021").rglob("*.pdf"))
    assert f"Decision-Journal-Head-SHA256: {head}" in (bag / "bag-info.txt").read_text(encoding="utf-8")


def test_the_next_year_is_drafted_from_the_last_and_becomes_the_default(tmp_path: Path) -> None:
    ws = tmp_path / "ks"
    ok("init", ws, "--policy", "kunshan-2021")
    ok("-w", ws, "open")
    ok("-w", ws, "campaign", "new", "2022")
    draft = (ws / "campaigns/2022.yaml").read_text(encoding="utf-8")
    assert "昆人社发〔2022〕67号" in draft and "2022-11-26" in draft and "关于开展2022年" in draft
    assert_one_line_error(run("-w", ws, "campaign", "new", "2022"), "campaigns/2022.yaml", "already exists")
    status = ok("-w", ws, "status")
    assert status.startswith("kunshan-2021 2022") and "next: open the 2022 call" in status
    ok("-w", ws, "open")
    assert "[x] 发布申报通知  2022-11-26" in ok("-w", ws, "status")
    assert "drafted campaigns/2023.yaml" in ok("-w", ws, "campaign", "new")  # without a year: the next one
    assert_one_line_error(run("-w", tmp_path, "status"), "not a docgen workspace")
