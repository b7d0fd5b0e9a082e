"""Every page read as well as the engine can read it (issue 23), against what was rendered and against
the engine used plainly (RapidOCR's own pipeline and defaults on the same image) in the same test:
thin strokes (一, hyphens, underscores) kept, white on colour and red print read, line strips read in
bounded time, a Word form with a scan pasted in read whole, and the quality flag honest both ways."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFilter

from archive import ppocr
from archive.quality import judge
from docgen.crosscheck.text import compact
from docgen.samples.scans import _cjk, page_image, phone_photo

pytestmark = pytest.mark.slow

THIN_STROKES = [
    "统一社会信用代码：91320583MA1KJ88011",
    "执行标准：GB18401-2010 一等品",
    "第三届职业技能大赛 一寸报名照",
    "证书编号：S0000_3205_1100_01",
    "发证日期：二〇二一年十一月二十六日",
    "等级：三级（高级工） 不一定",
]


def plain_text(image: object) -> str:
    """The engine used plainly: what docgen must never read less of."""
    return compact("".join(line.text for line in ppocr._read_plain(image)))


def ours(image: object) -> str:
    return compact("".join(line.text for line in ppocr.read(image).lines))


def load(picture: Image.Image, tmp_path: Path, name: str) -> object:
    path = tmp_path / name
    picture.convert("RGB").save(path)
    return ppocr.load(path)


def banner(text: str, background: tuple[int, int, int], ink: tuple[int, int, int]) -> Image.Image:
    picture = Image.new("RGB", (1500, 260), background)
    ImageDraw.Draw(picture).text((50, 90), text, font=_cjk(64), fill=ink)
    return picture


def test_thin_strokes_are_never_cut_out(tmp_path: Path) -> None:
    image = load(page_image(THIN_STROKES, seed=23), tmp_path, "thin.png")
    read, plain = ours(image), plain_text(image)
    for line in THIN_STROKES:
        assert compact(line) in read, (line, read)
    assert read.count("一") >= plain.count("一") >= 1
    for mark in ("GB18401-2010", "S0000_3205_1100_01", "91320583MA1KJ88011"):
        assert mark.replace("_", "") in read.replace("_", ""), (mark, read)


@pytest.mark.parametrize(
    ("text", "background", "ink"),
    [
        ("数控车床 型号XK714 出厂编号2021-0089", (20, 60, 160), (255, 255, 255)),  # a nameplate
        ("荣誉证书 昆山市公共实训基地", (190, 20, 30), (255, 230, 120)),  # a red certificate cover
        ("关于开展申报工作的通知", (255, 255, 255), (210, 20, 20)),  # red print on white
    ],
)
def test_colour_and_light_on_dark_text_is_read(
    tmp_path: Path, text: str, background: tuple[int, int, int], ink: tuple[int, int, int]
) -> None:
    image = load(banner(text, background, ink), tmp_path, "banner.png")
    read, plain = ours(image), plain_text(image)
    assert set(plain) <= set(read)  # nothing the plain engine read is lost
    assert compact(text.replace(" ", ""))[:6] in read, read


def test_a_poster_in_colour_keeps_every_phrase(tmp_path: Path) -> None:
    poster = Image.new("RGB", (1240, 1754), (250, 240, 200))
    draw = ImageDraw.Draw(poster)
    phrases = [
        ("高技能人才公共实训基地", (200, 30, 30)),
        ("数控加工实训中心", (30, 90, 180)),
        ("工业机器人实训室", (20, 130, 60)),
        ("安全第一 规范操作", (240, 240, 240)),
        ("开放时间：周一至周五", (90, 60, 20)),
    ]
    draw.rectangle((0, 1050, 1240, 1350), fill=(40, 40, 90))  # the light phrase stands on a dark band
    for n, (phrase, colour) in enumerate(phrases):
        draw.text((80, 200 + n * 300), phrase, font=_cjk(70), fill=colour)
    image = load(poster, tmp_path, "poster.png")
    read = ours(image)
    found = [p for p, _ in phrases if compact(p.replace(" ", ""))[:4] in read]
    assert len(found) == len(phrases), (found, read)


def test_a_photographed_table_in_a_shadow_loses_nothing_the_plain_engine_reads(tmp_path: Path) -> None:
    lines = [
        "教学实训设备清单",
        "序号 设备名称 型号 数量",
        "1 数控车床 CK6150 8",
        "2 加工中心 VMC850 4",
        "3 机器人 IRB1200 6",
    ]
    photo = io.BytesIO()
    phone_photo(lines, seed=7, shadow=0.6).save(photo, "JPEG", quality=70)
    image = load(Image.open(photo), tmp_path, "table.png")
    read, plain = ours(image), plain_text(image)
    for model in ("CK6150", "VMC850", "IRB1200"):
        if model in plain:
            assert model in read
    assert len(read) >= len(plain) * 0.95


def test_a_line_strip_is_read_in_bounded_time(tmp_path: Path) -> None:
    strip = Image.new("RGB", (1200, 50), "white")
    ImageDraw.Draw(strip).text((8, 4), "统一社会信用代码：91320583MA1KJ88011", font=_cjk(34), fill="black")
    image = load(strip, tmp_path, "strip.png")
    started = time.perf_counter()
    read = ours(image)
    assert time.perf_counter() - started < 20  # was 45 s and 2 GB before the detector's input was bounded
    assert "91320583MA1KJ88011" in read and "统一社会信用代码" in read


def test_short_pages_read_surely_are_ok_and_lost_lines_need_review(tmp_path: Path) -> None:
    cover = Image.new("RGB", (1240, 1754), "white")
    ImageDraw.Draw(cover).text((300, 700), "申报材料汇编", font=_cjk(90), fill="black")
    reading = ppocr.read(load(cover, tmp_path, "cover.png"))
    text = "".join(line.text for line in reading.lines)
    assert compact(text) == compact("申报材料汇编")
    verdict = judge(1, text, reading.confidence, reading.unread_areas)
    assert verdict.status == "ok", verdict  # 6 characters read exactly: not a false alarm

    page = page_image(["职业资格证书", "姓名：王建国", "证书编号：S000032050000231001"], seed=5)
    smeared = page.crop((0, 0, page.width, 900)).filter(ImageFilter.GaussianBlur(9))  # lines that cannot be read
    page.paste(smeared, (0, 0))
    reading = ppocr.read(load(page, tmp_path, "smeared.png"))
    text = "\n".join(line.text for line in reading.lines)
    verdict = judge(1, text, reading.confidence, reading.unread_areas)
    assert verdict.status == "needs_review", (verdict, text)
    assert (
        (verdict.reason_zh and "未" in verdict.reason_zh) or "只" in verdict.reason_zh or "可信度" in verdict.reason_zh
    )


def test_a_form_with_a_scan_pasted_in_is_read_whole(tmp_path: Path) -> None:
    """How applicants send a 申报表 with certificates: a Word file with scans pasted in (archived as it
    is: LibreOffice lays it out), and the same printed to PDF. The printed heading and the pasted scan's
    names and numbers are both the page's text, and both are found by search."""
    import docx
    from docx.shared import Mm

    from docgen import evidence
    from docgen.workspace import init_workspace

    scan = page_image(["职业资格证书", "姓名：李秀英", "证书编号：S000032050000231002"], seed=31, noise=0.002)
    picture = tmp_path / "scan.png"
    scan.crop((0, 0, scan.width, scan.height // 2)).save(picture)
    document = docx.Document()
    document.add_paragraph("附件3 师资资质证明（复印件粘贴处）")
    document.add_picture(str(picture), width=Mm(150))
    form = tmp_path / "师资证明.docx"
    document.save(str(form))
    ws = init_workspace(tmp_path / "ws", "kunshan-2021")
    filed = evidence.ingest(ws, [form], year=2021, applicant="91320583MA1KJ88011", evidence_type="teacher_certificates")
    result = filed.summary.results[0]
    assert result.outcome in ("ingested", "needs_review"), result
    folder = next((ws.archive_dir / "2021").glob("*/*/record.json")).parent
    text = compact((folder / "pages" / "0001.txt").read_text(encoding="utf-8"))
    assert "师资资质证明" in text  # the printed heading, taken from the document
    assert "李秀英" in text and "S000032050000231002" in text  # the pasted scan, read
    hits = evidence.search(ws, "S000032050000231002").hits
    assert [h.archival_code for h in hits] == [result.code]
