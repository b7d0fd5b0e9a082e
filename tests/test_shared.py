"""Claims shared between applications (issue 29): a certificate lent to another unit, one teacher
full-time in two units, an equipment list copied with one line changed; named in `docgen review`
(text and JSON), `docgen review --shared`, the worksheet and the applicant's web page.

The years are written at test time; the evidence is page texts in docgen's archive layout (as OCR
leaves them), so no OCR runs here."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import docx
import pytest

from archive.record import ItemRecord, OcrInfo, OriginalFile
from docgen import credit_code
from docgen.applicant import Applicant
from docgen.crosscheck.shared import Filed, shared_of
from docgen.evidence import open_archive
from docgen.samples.evidence import Certificate, certificate_lines, licence_lines, site_lines
from docgen.users import add_user
from docgen.workspace import Workspace, init_workspace
from tests.conftest import load_example, run, write_yaml
from tests.web.conftest import PASSWORD, log_in, make_app

A = "91320583MA1KJ88011"  # 昆山精工数控技术有限公司 (the example), reviewed
ISSUER = "昆山市人力资源和社会保障局"
EQUIPMENT = [
    ("数控车床", "CK6150", 10),
    ("立式加工中心", "VMC850", 2),
    ("普通车床", "C6132", 2),
    ("数控铣床", "XK714", 5),
    ("外圆磨床", "M1432", 25),
]


def _code(n: int) -> str:
    first = f"5232058300000{n:04d}"
    return first + credit_code.check_character(first)


B, C, D = _code(1), _code(2), _code(3)


def _unit(code: str, name: str, teachers: list[dict[str, Any]], equipment: list[tuple[str, str, int]]) -> dict:
    data = load_example("kunshan/applicant-pass.yaml")
    data.update(name=name, credit_code=code)
    data["projects"] = [
        {
            "name": "数控加工实训",
            "occupation": "数控车工",
            "teachers": teachers,
            "equipment": [{"name": n, "model": m, "quantity": q, "unit_price_yuan": 100000} for n, m, q in equipment],
        }
    ]
    return data


def _teacher(name: str, number: str, *, full_time: bool = True) -> dict[str, Any]:
    return {"name": name, "qualification": "技师", "certificate_no": number, "full_time": full_time}


def _item(ws: Workspace, year: int, folder: str, number: int, evidence: str, pages: list[str]) -> None:
    item = open_archive(ws).year_dir(year) / folder / f"{number:04d}-{evidence}"
    (item / "pages").mkdir(parents=True)
    names = []
    for i, text in enumerate(pages, 1):
        (item / f"pages/{i:04d}.txt").write_text(text, encoding="utf-8")
        names.append(f"pages/{i:04d}.txt")
    ItemRecord(
        archival_code=f"KSRSJ-WS·{year}-D30-{number:04d}",
        item=number,
        year=year,
        applicant=folder,
        applicant_folder=folder,
        evidence_type=evidence,
        evidence_type_name=evidence,
        retention="D30",
        status="ok",
        pages=len(pages),
        original=OriginalFile(
            name="scan.pdf", stored_as="original/scan.pdf", sha256="0" * 64, size=0, media_type="application/pdf"
        ),
        page_files=names,
        ocr=OcrInfo(versions={}, languages="chi_sim"),
        ingested_at=dt.datetime(2021, 12, 10, 9).isoformat(timespec="seconds"),
    ).write(item)


@pytest.fixture(scope="module")
def years(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = init_workspace(tmp_path_factory.mktemp("shared") / "ws", "kunshan-2021", "共享申报测试")
    add_user(ws, "reviewer", "reviewer", PASSWORD, "周立")
    teachers = [
        _teacher("王建国", "S000032050000231001"),  # full-time here and at B, 2021: a contradiction
        _teacher("李秀英", "S000032050000231002"),  # lent: part-time at B
        _teacher("张伟", "S000032050000231003"),  # full-time at C in 2020: an earlier year, shown
        _teacher("陈静", "S000032050000231004"),  # the number under another name at C
        _teacher("刘洋", "S000032050000231005"),  # claimed by D in 2022: a later year, not shown
    ]
    applicants = ws.applicants_dir()
    for year in (2020, 2021, 2022):
        (applicants / str(year)).mkdir(parents=True, exist_ok=True)
    a = _unit(A, "昆山精工数控技术有限公司", teachers, EQUIPMENT)
    write_yaml(applicants / "2021" / f"{A}.yaml", a)
    copied = [*EQUIPMENT[:3], ("数控铣床", "XK716", 5), EQUIPMENT[4]]  # one line changed
    b_teachers = [
        _teacher("王建国", "S000032050000231001"),
        _teacher("李秀英", "S000032050000231002", full_time=False),
        _teacher("孙丽", "S000032050000239001"),
    ]
    write_yaml(applicants / "2021" / f"{B}.yaml", _unit(B, "昆山某某职业培训学校", b_teachers, copied))
    c_teachers = [_teacher("张伟", "S000032050000231003"), _teacher("陈红", "S000032050000231004")]
    write_yaml(applicants / "2020" / f"{C}.yaml", _unit(C, "昆山乙职业技能培训中心", c_teachers, [EQUIPMENT[0]]))
    d_teachers = [_teacher("刘洋", "S000032050000231005")]
    write_yaml(applicants / "2022" / f"{D}.yaml", _unit(D, "昆山丙科技有限公司", d_teachers, [EQUIPMENT[1]]))
    # A's evidence: the certificates, an equipment list with quantities as written, the site, the licence
    applicant = Applicant.model_validate(a)
    certificates = [
        "\n".join(certificate_lines(Certificate(t["name"], "技师", t["certificate_no"], "数控车工"), ISSUER))
        for t in teachers
    ]
    equipment = "\n".join(
        [
            "教学实训设备清单",
            "序号 设备名称 型号 数量 单价",
            "1 数 控 车 床 CK6150 十 台 100000.00",
            "2 立式加工中心VMC850两套 100000.00",
            "3 普通车床C6132两台",
            "4 数控铣床 XK714 八 台 100000.00",  # 5 claimed: contradicted
            "5 外圆磨床 M1432 25台",
        ]
    )
    for number, (kind, pages) in enumerate(
        (
            ("teacher_certificates", certificates),
            ("equipment_list", [equipment]),
            ("site_documents", ["\n".join(site_lines(applicant))]),
            ("business_licence", ["\n".join(licence_lines(applicant))]),
        ),
        1,
    ):
        _item(ws, 2021, A, number, kind, pages)
    return ws


def _file(ws: Workspace, year: int = 2021, code: str = A) -> Path:
    return ws.applicant_file(year, code)


def test_the_review_names_other_applications_claiming_the_same(years: Workspace) -> None:
    result = run("-w", years.root, "review", _file(years), "--json")
    assert result.exit_code == 1  # 王建国 full-time twice, XK714 contradicted
    claims = {
        c["claim"].split()[0] if c["kind"] == "teacher" else c["claim"].split()[1]: c
        for c in json.loads(result.output)["claims"]
        if c["kind"] in ("teacher", "equipment")
    }
    wang = claims["王建国"]
    assert wang["verdict"] == "contradicted"
    assert [(s["kind"], s["unit"], s["year"], s["contradiction"]) for s in wang["shared"]] == [
        ("teacher", "昆山某某职业培训学校", 2021, True)
    ]
    assert "亦由 昆山某某职业培训学校（2021） 申报为专职教师" in wang["detail_zh"]
    li = claims["李秀英"]
    assert li["verdict"] == "backed"  # lent, part-time there: shown for the expert, not a contradiction
    assert li["shared"][0]["detail_zh"] == "同一证书 S000032050000231002 亦由 昆山某某职业培训学校（2021） 申报"
    zhang = claims["张伟"]
    assert zhang["verdict"] == "backed" and zhang["shared"][0]["year"] == 2020  # an earlier year: shown only
    chen = claims["陈静"]
    assert chen["shared"][0]["detail_zh"].endswith("姓名为陈红")
    assert claims["刘洋"]["shared"] == []  # 2022 is after this application's year
    # the list copied with one line changed: each line in common names it; the changed line does not
    for model in ("CK6150", "VMC850", "C6132", "M1432"):
        [shared] = claims[model]["shared"]
        assert shared["unit"] == "昆山某某职业培训学校"
        assert shared["detail_zh"] == "设备清单5行中4行与 昆山某某职业培训学校（2021）「数控加工实训」的清单（5行）相同"
    assert claims["XK714"]["shared"] == []
    # quantities as written on the page
    assert [claims[m]["verdict"] for m in ("CK6150", "VMC850", "C6132", "M1432")] == ["backed"] * 4
    assert claims["XK714"]["verdict"] == "contradicted" and claims["XK714"]["detail"] == (
        "the page lists XK714 × 8, 5 claimed"
    )
    # the teachers' line counts 王建国 no more as backed
    summary = json.loads(result.output)["summary"][0]["detail"]
    assert "4 backed by evidence (80%)" in summary  # of 5: 王建国 is not


def test_the_review_as_text(years: Workspace) -> None:
    result = run("-w", years.root, "review", _file(years))
    out = result.output
    assert "shared: 王建国 (S000032050000231001) is claimed as full-time by 昆山某某职业培训学校 (2021) too" in out
    assert "shared: the same certificate S000032050000231002 is claimed by 昆山某某职业培训学校 (2021) too" in out
    assert "8 shared with other applications" in out  # 4 teachers, 4 equipment lines
    # the other side sees it too: B's review (no evidence archived for B) is an error, --shared is not
    again = run("-w", years.root, "review", _file(years))
    assert again.output == out  # computed again, the same answer


def test_every_shared_claim_of_a_year(years: Workspace) -> None:
    result = run("-w", years.root, "review", "--year", "2021", "--shared", "--json")
    assert result.exit_code == 1  # a teacher full-time in two units
    found = json.loads(result.output)
    assert (found["applications"], found["compared"]) == (2, 3)
    [teacher] = found["teachers"]
    assert teacher["key"] == "王建国 S000032050000231001" and teacher["contradiction"]
    assert {m["unit"] for m in teacher["members"]} == {"昆山精工数控技术有限公司", "昆山某某职业培训学校"}
    certificates = {g["key"]: g for g in found["certificates"]}
    assert sorted(certificates) == [f"S00003205000023100{i}" for i in (1, 2, 3, 4)]
    assert {(m["unit"], m["year"], m["name"]) for m in certificates["S000032050000231004"]["members"]} == {
        ("昆山精工数控技术有限公司", 2021, "陈静"),
        ("昆山乙职业技能培训中心", 2020, "陈红"),
    }
    [equipment] = found["equipment"]
    assert {m["unit"] for m in equipment["members"]} == {"昆山精工数控技术有限公司", "昆山某某职业培训学校"}
    assert equipment["detail_zh"].startswith("2个单位的设备清单有4行相同")
    text = run("-w", years.root, "review", "--year", "2021", "--shared").output
    assert "Teachers claimed full-time by two units: 1" in text
    assert "昆山乙职业技能培训中心 (" + C + ", 2020): 陈红, 数控加工实训" in text
    # 2020 alone: C's claims are shared with nobody before or in 2020
    earlier = run("-w", years.root, "review", "--year", "2020", "--shared", "--json")
    assert earlier.exit_code == 0 and json.loads(earlier.output)["certificates"] == []
    assert run("-w", years.root, "review", "--shared").exit_code == 2  # needs --year


def test_the_worksheet_names_them(years: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "底稿.docx"
    result = run("-w", years.root, "make", "worksheet", _file(years), "-o", out)
    assert result.exit_code == 0, result.output + result.stderr
    document = docx.Document(str(out))
    rows = [[c.text for c in row.cells] for row in document.tables[0].rows[1:]]
    wang = next(r for r in rows if r[2].startswith("王建国"))
    assert wang[3] == "矛盾" and "亦由 昆山某某职业培训学校（2021） 申报为专职教师" in wang[4]
    li = next(r for r in rows if r[2].startswith("李秀英"))
    assert li[3] == "有据" and li[4].endswith("同一证书 S000032050000231002 亦由 昆山某某职业培训学校（2021） 申报")
    paragraphs = [p.text for p in document.paragraphs]
    assert any(p.startswith("跨申报比对：8项申报内容亦见于其他单位的申报") and "其中1项矛盾" in p for p in paragraphs)


def test_the_web_pages_name_them(years: Workspace) -> None:
    app = make_app(years)
    try:
        client = app.test_client()
        log_in(client, "reviewer")
        page = client.get(f"/w/ws/y/2021/a/{A}/").get_data(as_text=True)
        assert "同一证书 S000032050000231002 亦由 昆山某某职业培训学校（2021） 申报" in page
        assert "申报为专职教师" in page
        assert "8 项申报内容亦见于其他单位的申报" in page and "/w/ws/y/2021/shared" in page
        shared = client.get("/w/ws/y/2021/shared").get_data(as_text=True)
        assert "同一教师被多个单位申报为专职" in shared and "S000032050000231004" in shared and "陈红" in shared
        assert "2个单位的设备清单有4行相同" in shared
    finally:
        for site in app.extensions["docgen.sites"].values():
            site.jobs.shutdown()


def test_one_number_under_two_names_and_one_person_full_time_twice(tmp_path: Path) -> None:
    def filed(code: str, name: str, year: int = 2021) -> Filed:
        data = _unit(code, f"单位{code[-4:]}", [_teacher(name, "S000032050000230001")], [])
        return Filed(year, Applicant.model_validate(data), tmp_path / f"{code}.yaml")

    found = shared_of([filed(A, "张三"), filed(B, "张三"), filed(C, "李四"), filed(D, "张三", 2020)], 2021)
    [teacher] = found.teachers  # 张三 in A and B of 2021; 李四 is another name, D another year
    assert [m.filed.code for m in teacher.members] == [A, B]
    [certificate] = found.certificates
    assert len(certificate.members) == 4 and "（姓名：张三、李四）" in certificate.detail.zh
    assert found.equipment == []


def test_a_damaged_applicant_file_is_named_not_counted(years: Workspace, tmp_path: Path) -> None:
    bad = years.applicants_dir(2021) / "91320583MA1KJ8899X.yaml"
    bad.write_text("name: [\n", encoding="utf-8")
    try:
        found = run("-w", years.root, "review", "--year", "2021", "--shared", "--json")
        assert json.loads(found.output)["applications"] == 2
        [skipped] = json.loads(found.output)["skipped"]
        assert "91320583MA1KJ8899X.yaml" in skipped
    finally:
        bad.unlink()
